"""Who takes part in a consultation (SPEC §2, §6, §7): invitations (to many organisations at once, or by
email to one not yet on the platform, attached when it is verified), their withdrawal and answers,
participation requests and decisions, meetings and hearings, and the closing reminders — what each
action records and mails, and how it refuses; every refusal proves that nothing at all changed.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult import record
from consult.consultations import actions as consult
from consult.consultations.models import (Comment, Consultation, Invitation, InvitationState, Meeting, MeetingFormat,
                                          MeetingKind, MeetingOrganization, Mode, ParticipationRequest, Purpose,
                                          RequestDecision, Status)
from consult.errors import Denied, Invalid
from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.mail.delivery import deliver_due
from consult.orgs import actions as orgs
from consult.orgs.models import Organization, Role
from consult.policy import Actor
from tests.conftest import count
from tests.consultations.test_actions import tiny_pdf, upload_files
from tests.factories import (commenter, make_comment, make_consultation, make_official,
                             make_org, make_person, platform_admin)
from tests.test_mail import smtp  # noqa: F401 - the local SMTP server fixture
from tests.web.support import events_since, in_english_request, payload, translated  # noqa: F401 - a fixture

DAY = timedelta(days=1)
NONE = Bilingual(None, None)
TITLE = Bilingual("인공지능 공공이용 지침(안) 행정예고", "Administrative notice: draft guideline on public-sector AI")
MESSAGE = Bilingual("서면 의견을 요청드립니다.", "We ask for your written comments.")
REASON = Bilingual("공청회 일정이 취소되었습니다.", "The hearing was cancelled.")
MOTIVATION = Bilingual("교육 현장의 인공지능 도입을 조사해 왔습니다.", "We have studied AI in schools.")
MINUTES = Bilingual("1. 개정안의 취지를 설명했다.\n2. 질의응답이 있었다.", "1. The draft was presented.\n2. Questions.")

pytestmark = pytest.mark.usefixtures("in_english_request")


@pytest.fixture
def invited(official):  # type: ignore[no-untyped-def]
    """Published, open since five days, closing in 25 days, for invited organisations only."""
    return make_consultation(official, mode=Mode.INVITED)


def org_with_admins(*locales: str, editor: bool = False) -> Actor:
    """A verified organisation whose admins speak these languages (the first acts); optionally an editor."""
    first = make_person(locale=locales[0])
    org = make_org(admin=first)
    for locale in locales[1:]:
        orgs.add_member_directly(org, make_person(locale=locale), Role.ADMIN, NONE, now=utcnow() - 10 * DAY)
    if editor:
        orgs.add_member_directly(org, make_person(locale="en"), Role.EDITOR, NONE, now=utcnow() - 10 * DAY)
    return Actor(first, org, Role.ADMIN)


def admins_of(org: Organization) -> dict[str, str]:
    """email → locale of the organisation's admins."""
    return dict(consult._admins(org.id))


def mails_to(outbox, subject_start: tuple[str, ...] = ()) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {m.to_address: m for m in outbox() if not subject_start or m.subject.startswith(subject_start)}


def link(c: Consultation, lang: str) -> str:
    return f"http://gongnon.test/{lang}/consultations/{c.id}"


def invitations_of(c: Consultation) -> list[Invitation]:
    db.session.expire_all()
    return list(db.session.scalars(select(Invitation).where(Invitation.consultation_id == c.id)
                                   .order_by(Invitation.id)))


# ---- inviting organisations ------------------------------------------------------------------------

def test_many_organisations_are_invited_at_once_and_their_admins_hear_in_their_language(
        official, invited, now, outbox, record_size):
    korean, bilingual = org_with_admins("ko"), org_with_admins("en", "ko", editor=True)
    before = record_size()
    made = consult.invite_organizations(official, invited, [korean.org.id, bilingual.org.id, korean.org.id],
                                        Purpose.WRITTEN_INPUT, MESSAGE, now=now)
    assert [i.organization_id for i in made] == [korean.org.id, bilingual.org.id]  # each once
    assert all((i.state, i.sent_at, i.invited_by_id, i.message) == (InvitationState.SENT, now, official.person.id,
                                                                     MESSAGE) for i in made)
    events = events_since(before)
    assert [(e.event_type, payload(e)) for e in events] == [
        ("invitation.sent", {"organization": o.id, "purpose": "written_input", "consultation": invited.id})
        for o in (korean.org, bilingual.org)]
    # every admin (not the editor) hears once, in their own language, with a link in that language
    admins = {**admins_of(korean.org), **admins_of(bilingual.org)}
    sent = mails_to(outbox)
    assert set(sent) == set(admins) and len(admins) == 3 and len(outbox()) == 3
    for address, lang in admins.items():
        mail = sent[address]
        assert mail.subject == translated("Invitation to a consultation: %(title)s", lang, title=TITLE.pick(lang).text)
        assert MESSAGE.pick(lang).text in mail.body and link(invited, lang) in mail.body
        assert official.org.name.pick(lang).text in mail.body


def test_inviting_many_is_all_or_none(official, invited, now, refused, outbox):
    good, pending = commenter(), make_org(verified=False)
    with refused(Invalid, "organization"):  # the unverified one, after the good one was already added
        consult.invite_organizations(official, invited, [good.org.id, pending.id], Purpose.WRITTEN_INPUT, MESSAGE,
                                     now=now)
    with refused(Invalid, "organizations"):  # an id that names no organisation
        consult.invite_organizations(official, invited, [good.org.id, 987_654], Purpose.WRITTEN_INPUT, MESSAGE,
                                     now=now)
    with refused(Invalid, "organizations"):
        consult.invite_organizations(official, invited, [], Purpose.WRITTEN_INPUT, MESSAGE, now=now)
    with refused(Invalid, "organization"):  # the owner among them
        consult.invite_organizations(official, invited, [good.org.id, official.org.id], Purpose.WRITTEN_INPUT,
                                     MESSAGE, now=now)
    assert count(Invitation) == 0 and outbox() == []


def test_an_organisation_is_invited_once_per_purpose(official, invited, cso, now, refused, outbox):
    consult.invite_organization(official, invited, cso.org, Purpose.WRITTEN_INPUT, MESSAGE, now=now)
    with refused(Invalid, "organization"):
        consult.invite_organization(official, invited, cso.org, Purpose.WRITTEN_INPUT, NONE, now=now + DAY)
    with refused(Invalid, "organization"):  # also among many
        consult.invite_organizations(official, invited, [cso.org.id], Purpose.WRITTEN_INPUT, NONE, now=now + DAY)
    hearing = consult.invite_organization(official, invited, cso.org, Purpose.HEARING, NONE, now=now + DAY)
    assert hearing.purpose is Purpose.HEARING
    assert [(i.purpose, i.state) for i in invitations_of(invited)] == [
        (Purpose.WRITTEN_INPUT, InvitationState.SENT), (Purpose.HEARING, InvitationState.SENT)]
    assert len(outbox()) == 2  # one mail per invitation


def test_who_may_invite_whom_and_when(official, invited, cso, now, refused):
    pending, stranger, another = make_org(verified=False), make_official(), commenter()
    with refused(Invalid, "organization"):
        consult.invite_organization(official, invited, official.org, Purpose.WRITTEN_INPUT, NONE, now=now)
    with refused(Invalid, "organization"):
        consult.invite_organization(official, invited, pending, Purpose.WRITTEN_INPUT, NONE, now=now)
    with refused(Denied):  # another ministry's official
        consult.invite_organization(stranger, invited, cso.org, Purpose.WRITTEN_INPUT, NONE, now=now)
    with refused(Denied):  # a civil-society admin
        consult.invite_organization(cso, invited, another.org, Purpose.WRITTEN_INPUT, NONE, now=now)
    with refused(Denied):  # after closing
        consult.invite_organization(official, invited, cso.org, Purpose.WRITTEN_INPUT, NONE,
                                    now=invited.closes_at + timedelta(minutes=1))
    draft = make_consultation(official, published=False, mode=Mode.INVITED)
    with refused(Denied):
        consult.invite_organization(official, draft, cso.org, Purpose.WRITTEN_INPUT, NONE, now=now)
    with refused(Invalid, "message"):
        consult.invite_organization(official, invited, cso.org, Purpose.WRITTEN_INPUT, Bilingual("가" * 3001, None),
                                    now=now)
    # a scheduled consultation already takes invitations
    scheduled = make_consultation(official, opened_days_ago=None, mode=Mode.INVITED)
    assert scheduled.status_at(now) is Status.SCHEDULED
    consult.invite_organization(official, scheduled, cso.org, Purpose.WRITTEN_INPUT, NONE, now=now)


# ---- invitations by email --------------------------------------------------------------------------

NEW_GROUP = Bilingual("새길디지털연대", "Saegil Digital Solidarity")


def test_an_email_invitation_keeps_the_address_out_of_the_record(official, invited, now, outbox, record_size):
    before = record_size()
    invitation = consult.invite_by_email(official, invited, "  Contact@Saegil.Example.ORG ", NEW_GROUP,
                                         Purpose.WRITTEN_INPUT, MESSAGE, now=now)
    assert (invitation.organization_id, invitation.invited_email, invitation.invited_name, invitation.state) == (
        None, "contact@saegil.example.org", NEW_GROUP, InvitationState.SENT)
    [event] = events_since(before)
    assert payload(event) == {
        "organization": None, "name": NEW_GROUP.as_dict(), "purpose": "written_input", "consultation": invited.id,
        "email_sha256": hashlib.sha256(b"contact@saegil.example.org").hexdigest()}
    assert "saegil.example" not in event.leaf.lower()
    [mail] = outbox()
    assert mail.to_address == "contact@saegil.example.org"
    # whoever reads the address is unknown: the mail says it in Korean, then in English
    assert mail.subject == " / ".join(translated("Invitation to a consultation: %(title)s", lang,
                                                 title=getattr(TITLE, lang)) for lang in ("ko", "en"))
    korean, english = mail.body.split("\n-----\n")
    assert NEW_GROUP.ko in korean and link(invited, "ko") in korean and link(invited, "en") not in korean
    assert NEW_GROUP.en in english and link(invited, "en") in english and link(invited, "ko") not in english


def test_withdrawing_an_email_invitation_tells_the_address_that_was_invited(official, invited, now, outbox):
    invitation = consult.invite_by_email(official, invited, "contact@saegil.example.org", NEW_GROUP,
                                         Purpose.WRITTEN_INPUT, NONE, now=now)
    consult.withdraw_invitation(official, invitation, Bilingual("대상 변경", "Changed the audience"), now=now)
    withdrawn = [m for m in outbox() if m.subject.startswith(translated("Invitation withdrawn: %(title)s", "ko",
                                                                        title=TITLE.ko))]
    assert [m.to_address for m in withdrawn] == ["contact@saegil.example.org"]
    assert "대상 변경" in withdrawn[0].body and "Changed the audience" in withdrawn[0].body


def test_an_email_invitation_is_refused_twice_or_to_a_bad_address(official, invited, now, refused):
    consult.invite_by_email(official, invited, "contact@saegil.example.org", NEW_GROUP, Purpose.WRITTEN_INPUT,
                            NONE, now=now)
    with refused(Invalid, "email"):
        consult.invite_by_email(official, invited, "CONTACT@saegil.example.org ", NEW_GROUP, Purpose.WRITTEN_INPUT,
                                NONE, now=now)
    for bad in ("", "   ", "contact", "contact@saegil", "con tact@saegil.example.org", "<a@b.org>",
                "a@" + "b" * 250 + ".org"):
        with refused(Invalid, "email"):
            consult.invite_by_email(official, invited, bad, NEW_GROUP, Purpose.WRITTEN_INPUT, NONE, now=now)
    with refused(Invalid, "name"):
        consult.invite_by_email(official, invited, "other@saegil.example.org", NONE, Purpose.WRITTEN_INPUT, NONE,
                                now=now)
    stranger = make_official()
    with refused(Denied):
        consult.invite_by_email(stranger, invited, "other@saegil.example.org", NEW_GROUP,
                                Purpose.WRITTEN_INPUT, NONE, now=now)
    with refused(Denied):
        consult.invite_by_email(official, invited, "other@saegil.example.org", NEW_GROUP, Purpose.WRITTEN_INPUT,
                                NONE, now=invited.closes_at)
    # another purpose is another invitation
    consult.invite_by_email(official, invited, "contact@saegil.example.org", NEW_GROUP, Purpose.HEARING, NONE,
                            now=now)
    assert count(Invitation) == 2


def test_the_address_of_a_verified_organisations_member_invites_that_organisation(official, invited, now,
                                                                                   outbox, refused):
    member = make_person(email="policy@opencircuit.example.org", locale="en")
    admin = make_person(locale="ko")
    org = make_org(admin=admin)
    orgs.add_member_directly(org, member, Role.EDITOR, NONE, now=now - DAY)
    invitation = consult.invite_by_email(official, invited, "Policy@OpenCircuit.example.org", NEW_GROUP,
                                         Purpose.WRITTEN_INPUT, MESSAGE, now=now)
    assert (invitation.organization_id, invitation.invited_email) == (org.id, None)
    assert set(mails_to(outbox)) == {admin.email}  # its admins hear, as for any invitation
    with refused(Invalid, "organization"):
        consult.invite_by_email(official, invited, "policy@opencircuit.example.org", NEW_GROUP,
                                Purpose.WRITTEN_INPUT, NONE, now=now)


def test_an_email_invitation_becomes_the_organisations_once_it_is_verified(official, invited, now, refused,
                                                                           record_size):
    invitation = consult.invite_by_email(official, invited, "contact@saegil.example.org", NEW_GROUP,
                                         Purpose.WRITTEN_INPUT, MESSAGE, now=now)
    # the organisation registers with that address; while it is pending nothing attaches and nobody answers
    founder = make_person(email="Contact@saegil.example.org", locale="en", now=now)
    org = make_org(admin=founder, verified=False, now=now)
    actor = Actor(founder, org, Role.ADMIN)
    with refused(Denied):
        consult.answer_invitation(actor, invitation, True, NONE, now=now)
    assert invitation.organization_id is None
    before = record_size()
    orgs.decide_verification(Actor(platform_admin()), org, "verify", Bilingual("등록증 확인", "Registration checked"),
                             now=now + DAY)
    db.session.refresh(invitation)
    assert (invitation.organization_id, invitation.attached_at) == (org.id, now + DAY)
    verified, attached = events_since(before)
    assert verified.event_type == "organization.verified"
    assert (attached.event_type, payload(attached)) == (
        "invitation.attached", {"organization": org.id, "consultation": invited.id})
    assert attached.subject_id == invitation.id and attached.actor_org_id is None
    # now its members answer it, and the organisation may comment on the invited consultation
    consult.answer_invitation(actor, invitation, True, NONE, now=now + 2 * DAY)
    assert invitation.state is InvitationState.ACCEPTED
    comment = consult.submit_comment(actor, invited, consult.CommentInput(body="의견입니다.", lang="ko"),
                                     now=now + 2 * DAY)
    assert comment.author_org_id == org.id


def test_an_email_invitation_does_not_attach_where_the_organisation_is_already_invited(official, invited, now):
    founder = make_person(email="contact@saegil.example.org", now=now)
    org = make_org(admin=founder, verified=False, now=now)
    by_email = consult.invite_by_email(official, invited, "contact@saegil.example.org", NEW_GROUP,
                                       Purpose.WRITTEN_INPUT, NONE, now=now)
    orgs.decide_verification(Actor(platform_admin()), org, "verify", Bilingual("확인", "Checked"), now=now)
    assert by_email.organization_id == org.id  # attached
    # a second email invitation for another consultation, and one for the same purpose already held
    other = make_consultation(official, mode=Mode.INVITED)
    direct = consult.invite_organization(official, other, org, Purpose.WRITTEN_INPUT, NONE, now=now)
    assert direct.organization_id == org.id
    assert consult.attach_email_invitations(org, now=now) == 0  # nothing left to attach


# ---- withdrawal -----------------------------------------------------------------------------------

def test_an_invitation_is_withdrawn_with_a_public_reason_and_the_organisation_is_told(
        official, invited, now, refused, outbox, record_size):
    cso = org_with_admins("en", "ko")
    invitation = consult.invite_organization(official, invited, cso.org, Purpose.HEARING, MESSAGE, now=now)
    with refused(Invalid, "reason"):
        consult.withdraw_invitation(official, invitation, NONE, now=now)
    stranger = make_official()
    with refused(Denied):
        consult.withdraw_invitation(stranger, invitation, REASON, now=now)
    with refused(Denied):
        consult.withdraw_invitation(cso, invitation, REASON, now=now)
    before, mails_before = record_size(), len(outbox())
    consult.withdraw_invitation(official, invitation, REASON, now=now + DAY)
    assert (invitation.state, invitation.withdrawn_at, invitation.withdrawn_by_id, invitation.withdrawal_reason) == (
        InvitationState.WITHDRAWN, now + DAY, official.person.id, REASON)
    assert invitation.shown_state(invited.status_at(now + DAY)) == "withdrawn"
    [event] = events_since(before)
    assert (event.event_type, payload(event)) == (
        "invitation.withdrawn", {"reason": REASON.as_dict(), "consultation": invited.id})
    told = {m.to_address: m for m in outbox()[mails_before:]}
    admins = admins_of(cso.org)
    assert set(told) == set(admins)
    for address, lang in admins.items():
        assert told[address].subject == translated("Invitation withdrawn: %(title)s", lang, title=TITLE.pick(lang).text)
        assert REASON.pick(lang).text in told[address].body
    # once withdrawn: not again, not answered, and no longer a way in
    with refused(Invalid, "reason"):
        consult.withdraw_invitation(official, invitation, REASON, now=now + DAY)
    with refused(Invalid, "answer"):
        consult.answer_invitation(cso, invitation, True, NONE, now=now + DAY)
    with refused(Denied):
        consult.submit_comment(cso, invited, consult.CommentInput(body="의견", lang="ko"), now=now + DAY)


def test_a_declined_invitation_cannot_be_withdrawn_nor_any_after_conclusion(official, now, refused):
    closed = make_consultation(official, opened_days_ago=40, days_open=30, mode=Mode.INVITED)
    cso, other = commenter(), commenter()
    declined = consult.invite_organization(official, closed, cso.org, Purpose.WRITTEN_INPUT, NONE,
                                           now=closed.opens_at + DAY)
    consult.answer_invitation(cso, declined, False, NONE, now=closed.opens_at + 2 * DAY)
    unanswered = consult.invite_organization(official, closed, other.org, Purpose.WRITTEN_INPUT, NONE,
                                             now=closed.opens_at + DAY)
    with refused(Invalid, "reason"):
        consult.withdraw_invitation(official, declined, REASON, now=now)
    assert unanswered.shown_state(closed.status_at(now)) == "no_answer"  # stored as sent
    assert unanswered.state is InvitationState.SENT
    consult.conclude(official, closed, title=Bilingual("결과", "Result"), body=Bilingual("본문", "Body"),
                     undisposed_reason=NONE, now=now)
    with refused(Denied):
        consult.withdraw_invitation(official, unanswered, REASON, now=now + DAY)


# ---- answering ------------------------------------------------------------------------------------

def test_answering_an_invitation(official, invited, now, refused, record_size):
    cso, other = commenter(), commenter(role=Role.EDITOR)
    yes = consult.invite_organization(official, invited, cso.org, Purpose.WRITTEN_INPUT, NONE, now=now)
    no = consult.invite_organization(official, invited, other.org, Purpose.WRITTEN_INPUT, NONE, now=now)
    with refused(Denied):  # someone else's invitation
        consult.answer_invitation(other, yes, True, NONE, now=now)
    with refused(Denied):  # the inviting official does not answer for them
        consult.answer_invitation(official, yes, True, NONE, now=now)
    with refused(Invalid, "reason"):
        consult.answer_invitation(cso, yes, True, Bilingual("가" * 3001, None), now=now)
    before = record_size()
    consult.answer_invitation(cso, yes, True, NONE, now=now + DAY)  # the reason is optional
    decline_reason = Bilingual("일정상 참석이 어렵습니다.", None)
    consult.answer_invitation(other, no, False, decline_reason, now=now + DAY)  # an editor may answer
    assert (yes.state, yes.answered_at, yes.answered_by_id, yes.answer_reason) == (
        InvitationState.ACCEPTED, now + DAY, cso.person.id, NONE)
    assert (no.state, no.answer_reason) == (InvitationState.DECLINED, decline_reason)
    assert [payload(e) for e in events_since(before)] == [
        {"state": "accepted", "reason": NONE.as_dict(), "consultation": invited.id},
        {"state": "declined", "reason": decline_reason.as_dict(), "consultation": invited.id}]
    with refused(Invalid, "answer"):  # twice
        consult.answer_invitation(cso, yes, False, NONE, now=now + DAY)
    with refused(Invalid, "answer"):
        consult.answer_invitation(other, no, True, NONE, now=now + DAY)


def test_an_invitation_is_not_answered_after_closing(official, invited, cso, now, refused):
    invitation = consult.invite_organization(official, invited, cso.org, Purpose.WRITTEN_INPUT, NONE, now=now)
    with refused(Invalid, "answer"):
        consult.answer_invitation(cso, invitation, True, NONE, now=invited.closes_at)
    consult.answer_invitation(cso, invitation, True, NONE, now=invited.closes_at - timedelta(minutes=1))


# ---- participation requests and decisions ----------------------------------------------------------

def test_a_request_is_refused_where_it_has_no_place(official, invited, consultation, cso, now, refused):
    with refused(Invalid, "motivation"):  # an open consultation: no need to ask
        consult.request_participation(cso, consultation, MOTIVATION, now=now)
    with refused(Invalid, "motivation"):  # closed
        consult.request_participation(cso, invited, MOTIVATION, now=invited.closes_at + DAY)
    with refused(Invalid, "motivation"):  # a motivation is required
        consult.request_participation(cso, invited, NONE, now=now)
    with refused(Denied):  # the owner does not ask to take part
        consult.request_participation(official, invited, MOTIVATION, now=now)
    founder = make_person()
    pending = make_org(verified=False, admin=founder)
    with refused(Denied):
        consult.request_participation(Actor(founder, pending, Role.ADMIN), invited, MOTIVATION, now=now)
    consult.request_participation(cso, invited, MOTIVATION, now=now)
    with refused(Invalid, "motivation"):  # twice
        consult.request_participation(cso, invited, Bilingual("다시 요청합니다.", None), now=now)
    assert count(ParticipationRequest) == 1
    guest = org_with_admins("ko")
    consult.invite_organization(official, invited, guest.org, Purpose.HEARING, NONE, now=now)
    with refused(Invalid, "motivation"):  # already invited: it answers the invitation instead
        consult.request_participation(guest, invited, MOTIVATION, now=now)


def test_a_request_is_decided_in_public_and_the_requester_is_told(official, invited, now, refused, outbox,
                                                                 record_size):
    granted_org, denied_org = org_with_admins("en", "ko", editor=True), org_with_admins("ko")
    stranger = make_official()
    before = record_size()
    grant = consult.request_participation(granted_org, invited, MOTIVATION, now=now)
    deny = consult.request_participation(denied_org, invited, MOTIVATION, now=now)
    assert outbox() == []  # asking mails nobody
    with refused(Denied):  # another organisation's official
        consult.decide_participation(stranger, grant, True, REASON, now=now)
    with refused(Denied):  # the requester itself
        consult.decide_participation(granted_org, grant, True, REASON, now=now)
    with refused(Invalid, "reason"):
        consult.decide_participation(official, grant, True, NONE, now=now)
    consult.decide_participation(official, grant, True, REASON, now=now + DAY)
    consult.decide_participation(official, deny, False, REASON, now=now + DAY)
    assert (grant.decision, grant.decided_at, grant.decided_by_id, grant.reason) == (
        RequestDecision.GRANTED, now + DAY, official.person.id, REASON)
    assert deny.decision is RequestDecision.DENIED
    with refused(Invalid, "decision"):  # twice
        consult.decide_participation(official, grant, False, REASON, now=now + DAY)
    events = events_since(before)
    assert [(e.event_type, payload(e)) for e in events] == [
        ("participation.requested", {"organization": granted_org.org.id, "motivation": MOTIVATION.as_dict(),
                                     "consultation": invited.id}),
        ("participation.requested", {"organization": denied_org.org.id, "motivation": MOTIVATION.as_dict(),
                                     "consultation": invited.id}),
        ("participation.decided", {"decision": "granted", "reason": REASON.as_dict(), "consultation": invited.id}),
        ("participation.decided", {"decision": "denied", "reason": REASON.as_dict(), "consultation": invited.id})]
    sent = mails_to(outbox)
    assert set(sent) == set(admins_of(granted_org.org)) | set(admins_of(denied_org.org)) and len(sent) == 3
    for address, lang in admins_of(granted_org.org).items():
        assert sent[address].subject == translated("Request granted: %(title)s", lang, title=TITLE.pick(lang).text)
        assert REASON.pick(lang).text in sent[address].body and link(invited, lang) in sent[address].body
    [(address, lang)] = admins_of(denied_org.org).items()
    assert sent[address].subject == translated("Request denied: %(title)s", lang, title=TITLE.pick(lang).text)


# ---- meetings ---------------------------------------------------------------------------------------

def meeting_input(held_at, **overrides) -> consult.MeetingInput:  # type: ignore[no-untyped-def]
    values: dict[str, object] = dict(
        kind=MeetingKind.PUBLIC_HEARING, format=MeetingFormat.HYBRID, held_at=held_at,
        ends_at=held_at + timedelta(hours=2, minutes=30),
        title=Bilingual("시행령 개정안 공청회", "Public hearing on the draft decree"),
        place=Bilingual("정부서울청사 별관 국제회의실", "Government Complex Seoul annex"), minutes=MINUTES)
    values.update(overrides)
    return consult.MeetingInput(**values)  # type: ignore[arg-type]


def test_a_meeting_is_recorded_with_its_organisations_and_minutes(app, official, consultation, now, record_size):
    invited_only, both, attended_only = commenter().org, commenter().org, commenter().org
    held = now - 2 * DAY
    pdf = tiny_pdf()
    before = record_size()
    meeting = consult.record_meeting(official, consultation, meeting_input(
        held, invited_org_ids=(invited_only.id, both.id), attended_org_ids=(both.id, attended_only.id),
        minutes_pdf=pdf, minutes_filename="../회의록.PDF"), now=now)
    digest = hashlib.sha256(pdf).hexdigest()
    assert (meeting.held_at, meeting.ends_at, meeting.recorded_at, meeting.recorded_by_id) == (
        held, held + timedelta(hours=2, minutes=30), now, official.person.id)
    assert (meeting.minutes_sha256, meeting.minutes_size, meeting.minutes) == (digest, len(pdf), MINUTES)
    assert meeting.minutes_filename.endswith(".PDF") and "/" not in meeting.minutes_filename
    assert f"{digest}.pdf" in upload_files(app)
    rows = {(r.organization_id, r.invited, r.attended) for r in db.session.scalars(
        select(MeetingOrganization).where(MeetingOrganization.meeting_id == meeting.id))}
    assert rows == {(invited_only.id, True, False), (both.id, True, True), (attended_only.id, False, True)}
    [event] = events_since(before)
    assert event.event_type == "meeting.recorded" and event.subject_id == meeting.id
    assert payload(event) == {
        "kind": "public_hearing", "format": "hybrid", "held_at": record.rfc3339(held),
        "invited": sorted([invited_only.id, both.id]), "attended": sorted([both.id, attended_only.id]),
        "minutes_sha256": record.sha256_hex(record.canonical(MINUTES.as_dict())),
        "minutes_pdf_sha256": digest, "consultation": consultation.id}
    assert payload(event)["held_at"].endswith("Z")
    # without a PDF, and without organisations: a briefing with its minutes as text only
    briefing = consult.record_meeting(official, consultation, meeting_input(
        held, kind=MeetingKind.BRIEFING, format=MeetingFormat.IN_PERSON, ends_at=None), now=now)
    assert (briefing.minutes_sha256, briefing.minutes_filename, briefing.kind) == (None, None, MeetingKind.BRIEFING)
    assert count(Meeting) == 2


def test_a_meeting_is_refused_with_bad_details_and_nothing_is_stored(app, official, consultation, cso, now,
                                                                    refused):
    held = now - DAY
    files = upload_files(app)
    with refused(Invalid, "held_on"):  # not held yet
        consult.record_meeting(official, consultation, meeting_input(now + timedelta(hours=1)), now=now)
    with refused(Invalid, "ends_at"):
        consult.record_meeting(official, consultation, meeting_input(held, ends_at=held), now=now)
    with refused(Invalid, "ends_at"):
        consult.record_meeting(official, consultation, meeting_input(held, ends_at=held - timedelta(hours=1)), now=now)
    with refused(Invalid, "title"):
        consult.record_meeting(official, consultation, meeting_input(held, title=NONE), now=now)
    with refused(Invalid, "attended"):
        consult.record_meeting(official, consultation, meeting_input(
            held, invited_org_ids=(cso.org.id,), attended_org_ids=(987_654,)), now=now)
    with refused(Invalid, "minutes_pdf"):
        consult.record_meeting(official, consultation, meeting_input(
            held, minutes_pdf=b"<html>minutes</html>", minutes_filename="minutes.pdf"), now=now)
    with refused(Denied):
        consult.record_meeting(cso, consultation, meeting_input(held), now=now)
    stranger = make_official()
    with refused(Denied):
        consult.record_meeting(stranger, consultation, meeting_input(held), now=now)
    draft = make_consultation(official, published=False)
    with refused(Denied):
        consult.record_meeting(official, draft, meeting_input(held), now=now)
    assert upload_files(app) == files


# ---- reminders --------------------------------------------------------------------------------------

def test_reminders_go_three_days_before_closing_once_to_each_organisation_yet_to_comment(official, now, outbox):
    c = make_consultation(official, opened_days_ago=10, days_open=20, mode=Mode.INVITED)  # closes in 10 days
    later = make_consultation(official, opened_days_ago=10, days_open=30, mode=Mode.INVITED)  # in 20 days
    sent, accepted, declined, withdrawn, commented, twice = (org_with_admins("ko") for _ in range(6))
    bilingual = org_with_admins("en", "ko")
    invitations = {}
    for actor in (sent, accepted, declined, withdrawn, commented, twice, bilingual):
        invitations[actor.org.id] = consult.invite_organization(official, c, actor.org, Purpose.WRITTEN_INPUT,
                                                                NONE, now=now)
    consult.invite_organization(official, c, twice.org, Purpose.HEARING, NONE, now=now)
    consult.invite_organization(official, later, sent.org, Purpose.WRITTEN_INPUT, NONE, now=now)
    consult.invite_by_email(official, c, "contact@saegil.example.org", NEW_GROUP, Purpose.WRITTEN_INPUT, NONE,
                            now=now)
    consult.answer_invitation(accepted, invitations[accepted.org.id], True, NONE, now=now)
    consult.answer_invitation(declined, invitations[declined.org.id], False, NONE, now=now)
    consult.withdraw_invitation(official, invitations[withdrawn.org.id], REASON, now=now)
    make_comment(c, commented, now=now)
    queued = len(outbox())

    # more than three days before closing: nothing
    assert consult.send_reminders(now=c.closes_at - 3 * DAY - timedelta(minutes=1)) == 0
    assert len(outbox()) == queued
    moment = c.closes_at - 3 * DAY + timedelta(minutes=1)
    assert consult.send_reminders(now=moment) == 4  # sent, accepted, twice (one mail for two purposes), bilingual
    reminders = [m for m in outbox()[queued:]]
    expected = {**admins_of(sent.org), **admins_of(accepted.org), **admins_of(twice.org),
                **admins_of(bilingual.org)}
    assert sorted(m.to_address for m in reminders) == sorted(expected)  # each admin once
    for m in reminders:
        lang = expected[m.to_address]
        assert m.subject == translated("Closing soon: %(title)s", lang, title=TITLE.pick(lang).text)
        assert link(c, lang) in m.body
    db.session.expire_all()
    reminded = {(i.organization_id, i.purpose): i.reminded_at for i in invitations_of(c) if i.organization_id}
    for actor in (sent, accepted, twice, bilingual):
        assert reminded[(actor.org.id, Purpose.WRITTEN_INPUT)] == moment
    assert reminded[(twice.org.id, Purpose.HEARING)] == moment
    assert reminded[(declined.org.id, Purpose.WRITTEN_INPUT)] is None
    assert reminded[(withdrawn.org.id, Purpose.WRITTEN_INPUT)] is None
    # not twice, and not after closing
    assert consult.send_reminders(now=moment + DAY) == 0
    assert consult.send_reminders(now=c.closes_at + timedelta(minutes=1)) == 0
    assert len(outbox()) == queued + len(expected)
    # an organisation invited again after its reminder is not reminded a second time
    consult.invite_organization(official, c, sent.org, Purpose.HEARING, NONE, now=moment + DAY)
    assert consult.send_reminders(now=moment + 2 * DAY) == 0
    assert len(outbox()) == queued + len(expected) + len(admins_of(sent.org))  # only the invitation itself
    # the later consultation's turn comes three days before it closes
    assert consult.send_reminders(now=later.closes_at - 2 * DAY) == 1
    assert outbox()[-1].to_address in admins_of(sent.org)


def test_the_remind_command_reminds_and_says_how_many(app, official, now, outbox):
    c = make_consultation(official, opened_days_ago=28, days_open=30, mode=Mode.INVITED)  # closes in 2 days
    cso = commenter()
    consult.invite_organization(official, c, cso.org, Purpose.WRITTEN_INPUT, NONE, now=now)
    address = cso.person.email
    db.session.remove()  # end the test's own transaction (SQLite: it would hold the write lock)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["consultations", "remind"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "reminded 1 organisation(s)"
    assert outbox()[-1].to_address == address and outbox()[-1].subject.startswith("마감 임박")
    assert runner.invoke(args=["consultations", "remind"]).output.strip() == "reminded 0 organisation(s)"


# ---- a real mail server ----------------------------------------------------------------------------

def test_an_invitation_mail_arrives_through_smtp(official, invited, now, smtp):  # noqa: F811 - the fixture
    cso = org_with_admins("en")
    consult.invite_organization(official, invited, cso.org, Purpose.EXPERT_MEETING, MESSAGE, now=now)
    assert deliver_due(utcnow() + timedelta(seconds=1)) == (1, 0)
    [message] = smtp.messages
    assert message["To"] == cso.person.email and smtp.envelopes[0].rcpt_tos == [cso.person.email]
    assert message["Subject"] == translated("Invitation to a consultation: %(title)s", "en", title=TITLE.en)
    body = message.get_content()
    assert MESSAGE.en in body and link(invited, "en") in body
    assert translated("Expert meeting", "en") in body
