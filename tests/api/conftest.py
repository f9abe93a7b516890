"""A small world with a few of each public object (and the private ones the API must not show), made
through the actions: the endpoint tests and the schemathesis fuzzer read real rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from consult.consultations import actions as consult
from consult.consultations.models import MeetingFormat, MeetingKind, Mode, Outcome, Purpose
from consult.extensions import utcnow
from consult.i18n import Bilingual
from consult.policy import Actor
from consult.statements import actions as statements

from ..factories import (commenter, make_comment, make_consultation, make_entry, make_official, make_person,
                         make_statement, platform_admin)


@dataclass
class World:
    official: Actor
    open: int  # open, individuals allowed: comments of every kind
    invited: int  # invited mode: invitations, a request, a meeting
    draft: int  # never published
    org_comment: int  # with a disposition
    named: int  # an individual who consented to publishing their name
    unnamed: int  # an individual who did not
    withdrawn: int
    hidden: int
    statement: int  # open, signed by an organisation, a named and an unnamed individual
    draft_statement: int
    entry: int
    unnamed_person_name: str
    org_slug: str
    pending_slug: str


def build_world() -> World:
    now = utcnow()
    official = make_official()
    c = make_consultation(official, allows_individuals=True)
    section = consult.latest_published(c)
    from consult.consultations import queries
    sections = queries.sections(section)
    org_author = commenter()
    org_comment = make_comment(c, org_author, section_id=sections[1].id)
    consult.record_disposition(official, org_comment, consult.DispositionInput(
        Outcome.PARTIALLY_ACCEPTED, Bilingual("일부 반영합니다.", "Partly reflected.")), now=now)
    named_person = make_person(publish_name=True, name="김공개")
    named = make_comment(c, Actor(named_person), body="개인 의견입니다.")
    unnamed_person = make_person(publish_name=False, name="이비공개")
    unnamed = make_comment(c, Actor(unnamed_person), body="이름을 밝히지 않은 의견입니다.")
    withdrawn_author = commenter()
    withdrawn = make_comment(c, withdrawn_author, body="철회할 의견")
    consult.withdraw_comment(withdrawn_author, withdrawn, Bilingual("중복 제출", None), now=now)
    hidden = make_comment(c, commenter(), body="가릴 의견")
    consult.hide_comment(Actor(platform_admin()), hidden, Bilingual("욕설", "Abuse"), now=now)

    inv = make_consultation(official, mode=Mode.INVITED)
    guest = commenter()
    invitation = consult.invite_organization(official, inv, guest.org, Purpose.WRITTEN_INPUT,
                                             Bilingual("의견을 부탁드립니다.", None), now=now)
    consult.answer_invitation(guest, invitation, True, Bilingual(None, None), now=now)
    consult.invite_by_email(official, inv, "secret.address@example.org", Bilingual("새 단체", "New group"),
                            Purpose.HEARING, Bilingual("초대합니다.", None), now=now)
    asker = commenter()
    request = consult.request_participation(asker, inv, Bilingual("참여하고 싶습니다.", "We want to take part."), now=now)
    consult.decide_participation(official, request, True, Bilingual("승인합니다.", None), now=now)
    consult.record_meeting(official, inv, consult.MeetingInput(
        kind=MeetingKind.ROUNDTABLE, format=MeetingFormat.IN_PERSON, held_at=now - timedelta(days=1),
        title=Bilingual("간담회", "Roundtable"), place=Bilingual("서울", None), minutes=Bilingual("회의록", None),
        invited_org_ids=(guest.org.id,), attended_org_ids=(guest.org.id,)), now=now)  # type: ignore[union-attr]
    make_comment(inv, guest, body="초대받은 단체의 의견")
    draft = make_consultation(official, published=False)

    s = make_statement()
    signer = commenter()
    statements.sign(signer, s, now=now)
    statements.sign(Actor(named_person), s, now=now)
    statements.sign(Actor(unnamed_person), s, name_public=False, now=now)
    draft_statement = make_statement(opened=False)
    entry = make_entry(official)
    from consult.orgs.models import OrgKind
    from ..factories import make_org
    pending = make_org(kind=OrgKind.ACADEMIA, verified=False)
    return World(official=official, open=c.id, invited=inv.id, draft=draft.id, org_comment=org_comment.id,
                 named=named.id, unnamed=unnamed.id, withdrawn=withdrawn.id, hidden=hidden.id, statement=s.id,
                 draft_statement=draft_statement.id, entry=entry.id, unnamed_person_name="이비공개",
                 org_slug=org_author.org.slug, pending_slug=pending.slug)  # type: ignore[union-attr]


@pytest.fixture
def world(app) -> World:  # type: ignore[no-untyped-def]
    return build_world()
