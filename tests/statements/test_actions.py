"""Every joint-statement action: what it writes, what it records, and how it refuses bad input or the
wrong actor — every refusal proves that nothing at all changed (the `refused` fixture compares every
row of every table, the record and the outbox included).

The clock is always passed in: `now` is the real time when the factories made the data (statements are
drafted two days and opened one day before it, closing ten days after); later moments are given explicitly.
"""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
import rfc8785
from sqlalchemy import select

from consult import record
from consult.accounts import actions as accounts
from consult.consultations.models import Comment, Mode
from consult.errors import Denied, Invalid
from consult.extensions import db
from consult.i18n import Bilingual
from consult.orgs.models import OrgKind, Role
from consult.policy import Actor
from consult.record import Event, EventType
from consult.statements import actions as st
from consult.statements import queries
from consult.statements.models import CoDrafter, Group, Signature, Statement, StatementVersion, Status, Submission
from tests.conftest import count
from tests.web.support import events_since, in_english_request, payload  # noqa: F401 - a fixture
from tests.factories import (STATEMENT_BODY, STATEMENT_TITLE, commenter, make_consultation, make_official,
                             make_org, make_person, make_statement, statement_input)

DAY = timedelta(days=1)
NONE = Bilingual(None, None)
TITLE = Bilingual(*STATEMENT_TITLE)
BODY = Bilingual(*STATEMENT_BODY)
NEW_BODY = Bilingual(STATEMENT_BODY[0] + "\n- 등록부에 이의를 제기하는 방법을 밝힐 것",
                     STATEMENT_BODY[1] + "\n- The register says how to contest a decision")
NOTE = Bilingual("이의제기 방법을 요구 사항에 추가했습니다.", "Added how to contest a decision to our demands.")
REASON = Bilingual("단체 내부 의결 절차를 다시 거치기로 했습니다.", "Our board will decide again.")


pytestmark = pytest.mark.usefixtures("in_english_request")


# ---- helpers ---------------------------------------------------------------------------------------


def scoped(event: Event) -> tuple[str, str | None, int | None]:
    return event.event_type, event.scope_type, event.scope_id


def versions_of(s: Statement) -> list[StatementVersion]:
    db.session.expire_all()
    return queries.versions(s)


def co_drafter_ids(s: Statement) -> list[int]:
    return list(db.session.scalars(select(CoDrafter.organization_id).where(CoDrafter.statement_id == s.id)
                                   .order_by(CoDrafter.position)))


def new_text(body: Bilingual = NEW_BODY, note: Bilingual = NOTE, title: Bilingual = TITLE) -> st.TextInput:
    return st.TextInput(title=title, body=body, change_note=note)


def admin_of(org) -> Actor:  # type: ignore[no-untyped-def]
    """A second admin of org."""
    from consult.orgs import actions as orgs
    person = make_person()
    orgs.add_member_directly(org, person, Role.ADMIN, NONE, now=org.created_at)
    return Actor(person, org, Role.ADMIN)


def editor_of(org) -> Actor:  # type: ignore[no-untyped-def]
    from consult.orgs import actions as orgs
    person = make_person()
    orgs.add_member_directly(org, person, Role.EDITOR, NONE, now=org.created_at)
    return Actor(person, org, Role.EDITOR)


def sha256_json(value: object) -> str:
    return hashlib.sha256(rfc8785.dumps(value)).hexdigest()


# ---- drafting ---------------------------------------------------------------------------------------

def test_a_cso_admin_drafts_a_private_statement_and_nothing_is_recorded(drafter, co_drafter, now, record_size):
    before = record_size()
    s = st.create_statement(drafter, statement_input(co_drafter_ids=(co_drafter.org.id,),
                                                     signing_deadline=now + 10 * DAY), now=now)
    assert (s.owner_org_id, s.created_by_id, s.created_at) == (drafter.org.id, drafter.person.id, now)
    assert (s.title, s.current_version, s.signature_count, s.signing_deadline) == (TITLE, 1, 0, now + 10 * DAY)
    assert s.status_at(now) is Status.DRAFT and s.allows_individuals and s.consultation_id is None
    (v1,) = versions_of(s)
    assert (v1.number, v1.title, v1.body_source, v1.written_by_id) == (1, TITLE, BODY, drafter.person.id)
    assert (v1.frozen_at, v1.content_sha256, v1.change_note) == (None, None, NONE)
    assert "<strong>공개 등록부</strong>" in v1.body_html_ko and "<li>" in v1.body_html_en
    assert co_drafter_ids(s) == [co_drafter.org.id]
    assert queries.drafter_ids(s) == {drafter.org.id, co_drafter.org.id}
    # a draft is private: the record starts when it opens for signature
    assert record_size() == before


def test_an_editor_drafts_too_and_the_text_is_cleaned(editor, now):
    s = st.create_statement(editor, statement_input(
        title=Bilingual("  공동성명  ", None), body=Bilingual(None, "Text with a\x00 stray control character.  ")),
        now=now)
    (v1,) = versions_of(s)
    assert s.owner_org_id == editor.org.id and v1.written_by_id == editor.person.id
    assert v1.title == Bilingual("공동성명", None) and v1.body_source == Bilingual(
        None, "Text with a stray control character.")
    assert v1.body_html_ko is None


@pytest.mark.parametrize("who", ["official", "admin of unverified CSO", "individual", "anonymous"])
def test_only_members_of_verified_non_government_organisations_draft(app, now, refused, who):
    if who == "official":
        actor = make_official()
    elif who == "admin of unverified CSO":
        admin = make_person()
        actor = Actor(admin, make_org(verified=False, admin=admin), Role.ADMIN)
    elif who == "individual":
        actor = Actor(make_person())
    else:
        actor = Actor(None)
    with refused(Denied):
        st.create_statement(actor, statement_input(), now=now)


@pytest.mark.parametrize("which", ["unverified", "government", "own organisation", "unknown id"])
def test_co_drafters_must_be_other_verified_non_government_organisations(drafter, now, refused, which):
    org_id = {
        "unverified": lambda: make_org(verified=False).id,
        "government": lambda: make_org(kind=OrgKind.GOVERNMENT, name_ko="행정안전부", name_en="Ministry of the Interior").id,
        "own organisation": lambda: drafter.org.id,
        "unknown id": lambda: 10**6,
    }[which]()
    with refused(Invalid, "co_drafters"):
        st.create_statement(drafter, statement_input(co_drafter_ids=(org_id,)), now=now)


def test_at_most_twenty_co_drafters_and_a_repeated_one_counts_once(drafter, co_drafter, now, refused):
    with refused(Invalid, "co_drafters"):
        st.create_statement(drafter, statement_input(co_drafter_ids=tuple(range(10**6, 10**6 + 21))), now=now)
    s = st.create_statement(drafter, statement_input(co_drafter_ids=(co_drafter.org.id, co_drafter.org.id)), now=now)
    assert co_drafter_ids(s) == [co_drafter.org.id]


def test_a_linked_consultation_must_be_published(drafter, now, refused):
    official = make_official()
    draft_consultation = make_consultation(official, published=False)
    for consultation_id in (draft_consultation.id, 10**6, 2**40):
        with refused(Invalid, "consultation"):
            st.create_statement(drafter, statement_input(consultation_id=consultation_id), now=now)
    scheduled = make_consultation(official, opened_days_ago=None)  # published, opens tomorrow
    s = st.create_statement(drafter, statement_input(consultation_id=scheduled.id), now=now)
    assert s.consultation_id == scheduled.id


@pytest.mark.parametrize("deadline", [timedelta(0), -DAY])
def test_the_signing_deadline_must_be_in_the_future(drafter, now, refused, deadline):
    with refused(Invalid, "signing_deadline"):
        st.create_statement(drafter, statement_input(signing_deadline=now + deadline), now=now)


@pytest.mark.parametrize(("field", "override"), [
    ("title", {"title": NONE}),
    ("title", {"title": Bilingual("   ", "")}),
    ("title", {"title": Bilingual("가" * 301, None)}),
    ("body", {"body": NONE}),
    ("body", {"body": Bilingual(" \n\n ", None)}),
    ("body", {"body": Bilingual(None, "x" * (st.MAX_BODY + 1))}),
])
def test_a_statement_needs_a_title_and_a_text_of_bounded_length(drafter, now, refused, field, override):
    with refused(Invalid, field):
        st.create_statement(drafter, statement_input(**override), now=now)


def test_drafters_edit_the_draft_in_place_without_a_new_version(draft, drafter, co_drafter, now, record_size):
    c = make_consultation(make_official())
    before, later = record_size(), now + timedelta(hours=1)
    # the co-drafter, added now, may edit at once
    st.update_draft(drafter, draft, statement_input(co_drafter_ids=(co_drafter.org.id,)), now=now)
    st.update_draft(co_drafter, draft, statement_input(
        title=Bilingual("고친 제목", "Revised title"), body=NEW_BODY, consultation_id=c.id,
        co_drafter_ids=(co_drafter.org.id,), signing_deadline=now + 5 * DAY, allows_individuals=False), now=later)
    (v1,) = versions_of(draft)
    assert (v1.title, v1.body_source, v1.written_at, v1.written_by_id) == (
        Bilingual("고친 제목", "Revised title"), NEW_BODY, later, co_drafter.person.id)
    assert v1.content_sha256 is None
    assert (draft.title, draft.consultation_id, draft.signing_deadline, draft.allows_individuals) == (
        Bilingual("고친 제목", "Revised title"), c.id, now + 5 * DAY, False)
    assert co_drafter_ids(draft) == [co_drafter.org.id]
    st.update_draft(drafter, draft, statement_input(co_drafter_ids=()), now=later)
    assert co_drafter_ids(draft) == []
    assert record_size() == before


def test_only_drafters_edit_a_draft_and_bad_input_changes_nothing(draft, drafter, signer, now, refused):
    with refused(Denied):
        st.update_draft(signer, draft, statement_input(), now=now)
    with refused(Denied):  # the drafter acting as themself does not speak for the organisation
        st.update_draft(Actor(drafter.person), draft, statement_input(), now=now)
    with refused(Invalid, "co_drafters"):
        st.update_draft(drafter, draft, statement_input(body=NEW_BODY, co_drafter_ids=(drafter.org.id,)), now=now)
    with refused(Invalid, "signing_deadline"):
        st.update_draft(drafter, draft, statement_input(body=NEW_BODY, signing_deadline=now - DAY), now=now)


def test_an_opened_statement_is_not_edited_in_place(statement, drafter, now, refused):
    with refused(Invalid, "title"):
        st.update_draft(drafter, statement, statement_input(body=NEW_BODY), now=now)


# ---- opening ----------------------------------------------------------------------------------------

def test_opening_freezes_version_one_and_records_its_hash(draft, drafter, co_drafter, now, record_size):
    st.update_draft(drafter, draft, statement_input(co_drafter_ids=(co_drafter.org.id,),
                                                    signing_deadline=now + 10 * DAY), now=now)
    before = record_size()
    st.open_statement(drafter, draft, now=now)
    assert (draft.opened_at, draft.opened_by_id) == (now, drafter.person.id)
    assert draft.status_at(now) is Status.OPEN
    (v1,) = versions_of(draft)
    assert v1.frozen_at == now and v1.content_sha256 == st.content_hash(v1)
    # the hash covers exactly: statement, number, title, text and change note, as RFC 8785 JSON
    assert v1.content_sha256 == sha256_json({
        "statement": draft.id, "number": 1, "title": {"ko": TITLE.ko, "en": TITLE.en},
        "body": {"ko": BODY.ko, "en": BODY.en}, "change_note": {"ko": None, "en": None}})
    (event,) = events_since(before)
    assert scoped(event) == (EventType.STATEMENT_OPENED, "statement", draft.id)
    assert (event.subject_type, event.subject_id, event.actor_org_id) == ("statement", draft.id, drafter.org.id)
    assert payload(event) == {"version": 1, "content_sha256": v1.content_sha256,
                              "deadline": record.rfc3339(now + 10 * DAY), "individuals": True,
                              "consultation": None, "co_drafters": [co_drafter.org.id]}


def test_a_co_drafting_admin_opens_but_an_editor_or_outsider_does_not(drafter, co_drafter, signer, now, refused):
    s = make_statement(drafter, co_drafters=(co_drafter,), opened=False)
    for actor in (editor_of(drafter.org), signer, Actor(co_drafter.person)):
        with refused(Denied):
            st.open_statement(actor, s, now=now)
    st.open_statement(co_drafter, s, now=now)
    assert s.opened_by_id == co_drafter.person.id


def test_opening_twice_or_after_the_deadline_is_refused(drafter, now, refused):
    s = make_statement(drafter, opened=False, deadline_days=None)
    st.update_draft(drafter, s, statement_input(signing_deadline=now + timedelta(hours=1)), now=now)
    with refused(Invalid, "signing_deadline"):
        st.open_statement(drafter, s, now=now + timedelta(hours=1))
    st.open_statement(drafter, s, now=now)
    with refused(Invalid, "open"):
        st.open_statement(drafter, s, now=now)


# ---- signing ----------------------------------------------------------------------------------------

def test_an_organisation_signs_through_an_admin_and_the_signature_binds_to_the_version(
        statement, signer, now, record_size):
    before = record_size()
    sig = st.sign(signer, statement, now=now)
    org = signer.org
    assert (sig.statement_id, sig.signer, sig.organization_id, sig.person_id) == (
        statement.id, f"org:{org.id}", org.id, signer.person.id)
    assert (sig.name_public, sig.list_group, sig.sort_name_ko, sig.sort_name_en) == (
        True, Group.CIVIL_SOCIETY, org.name.ko, org.name.en)
    assert (sig.version, sig.first_version, sig.signed_at, sig.withdrawn_at) == (1, 1, now, None)
    assert statement.signature_count == 1 and count(Signature) == 1
    (event,) = events_since(before)
    assert scoped(event) == (EventType.STATEMENT_SIGNED, "statement", statement.id)
    assert (event.subject_type, event.subject_id, event.actor_org_id) == ("signature", sig.id, org.id)
    assert payload(event) == {"statement": statement.id, "version": 1, "individual": False, "again": False,
                              "content_sha256": queries.current(statement).content_sha256}


@pytest.mark.parametrize(("kind", "group"), [(OrgKind.LABOUR, Group.LABOUR), (OrgKind.ACADEMIA, Group.ACADEMIA),
                                             (OrgKind.INDUSTRY, Group.INDUSTRY),
                                             (OrgKind.GOVERNMENT, Group.GOVERNMENT)])
def test_signatures_are_grouped_by_the_kind_of_organisation(statement, now, kind, group):
    sig = st.sign(commenter(kind), statement, now=now)
    assert sig.list_group == group


def test_individuals_sign_named_or_unnamed_where_allowed(statement, individual, now, record_size):
    someone = Actor(make_person())
    before = record_size()
    named = st.sign(individual, statement, now=now)
    person = individual.person
    assert (named.signer, named.organization_id, named.person_id) == (f"person:{person.id}", None, person.id)
    assert (named.name_public, named.list_group, named.sort_name_ko, named.sort_name_en) == (
        True, Group.INDIVIDUAL, "박은하", person.display_name_latin)
    unnamed = st.sign(someone, statement, name_public=False, now=now)
    assert (unnamed.name_public, unnamed.list_group, unnamed.sort_name_ko, unnamed.sort_name_en) == (
        False, Group.UNNAMED, "", "")
    assert statement.signature_count == 2
    assert [payload(e)["individual"] for e in events_since(before)] == [True, True]
    # the unnamed are counted, never listed
    assert queries.group_counts(statement) == {Group.INDIVIDUAL: 1, Group.UNNAMED: 1}
    page = queries.signature_page(statement, sort="name", lang="ko", after=None)
    assert [s.id for s in page.items] == [named.id]


def test_an_organisation_name_is_public_whatever_the_form_says(statement, signer, now):
    sig = st.sign(signer, statement, name_public=False, now=now)
    assert sig.name_public and sig.list_group == Group.CIVIL_SOCIETY


@pytest.mark.parametrize("who", ["editor", "admin of unverified org", "admin acting as themself",
                                 "unverified individual", "anonymous"])
def test_who_may_not_sign(statement, signer, now, refused, who):
    if who == "editor":
        actor = editor_of(signer.org)
    elif who == "admin of unverified org":
        admin = make_person()
        actor = Actor(admin, make_org(verified=False, admin=admin), Role.ADMIN)
    elif who == "admin acting as themself":
        # allowed: it signs as an individual, never for the organisation
        sig = st.sign(Actor(signer.person), statement, now=now)
        assert sig.organization_id is None and sig.signer == f"person:{signer.person.id}"
        return
    elif who == "unverified individual":
        actor = Actor(make_person(verified=False))
    else:
        actor = Actor(None)
    with refused(Denied):
        st.sign(actor, statement, now=now)


def test_individuals_cannot_sign_a_statement_for_organisations_only(drafter, individual, now, refused):
    s = make_statement(drafter, allows_individuals=False)
    with refused(Denied):
        st.sign(individual, s, now=now)


def test_signing_twice_is_impossible_even_through_another_admin(statement, signer, individual, now, refused):
    st.sign(signer, statement, now=now)
    st.sign(individual, statement, now=now)
    other_admin = admin_of(signer.org)
    with refused(Invalid, "sign"):
        st.sign(signer, statement, now=now + timedelta(minutes=1))
    with refused(Invalid, "sign"):
        st.sign(other_admin, statement, now=now + timedelta(minutes=1))
    with refused(Invalid, "sign"):
        st.sign(individual, statement, name_public=False, now=now + timedelta(minutes=1))
    assert statement.signature_count == 2


def test_the_unique_key_holds_even_when_the_check_is_skipped(statement, signer, now, monkeypatch, refused):
    """Two requests that both found no signature: the database refuses the second, as Invalid."""
    st.sign(signer, statement, now=now)
    other_admin = admin_of(signer.org)
    monkeypatch.setattr(queries, "signature_of", lambda s, signer: None)
    with refused(Invalid, "sign"):
        st.sign(other_admin, statement, now=now)


def test_signing_a_draft_a_closed_or_a_past_deadline_statement_is_refused(drafter, draft, signer, individual,
                                                                         now, refused):
    with refused(Denied):
        st.sign(signer, draft, now=now)
    s = make_statement(drafter)
    with refused(Denied):
        st.sign(signer, s, now=s.signing_deadline)
    with refused(Denied):
        st.sign(individual, s, now=s.signing_deadline + DAY)
    st.close_statement(drafter, s, now=now)
    with refused(Denied):
        st.sign(signer, s, now=now + timedelta(minutes=1))


# ---- withdrawing and signing again ------------------------------------------------------------------

def test_a_signatory_withdraws_and_the_signature_stays_listed_as_withdrawn(statement, signer, now, record_size):
    sig = st.sign(signer, statement, now=now)
    before = record_size()
    later = now + DAY
    st.withdraw_signature(signer, sig, REASON, now=later)
    assert (sig.withdrawn_at, sig.withdrawal_reason, sig.list_group) == (later, REASON, Group.WITHDRAWN)
    assert sig.is_withdrawn and not sig.is_pending(statement.current_version)
    assert statement.signature_count == 0 and count(Signature) == 1
    (event,) = events_since(before)
    assert scoped(event) == (EventType.STATEMENT_SIGNATURE_WITHDRAWN, "statement", statement.id)
    assert (event.subject_type, event.subject_id) == ("signature", sig.id)
    assert payload(event) == {"statement": statement.id, "version": 1,
                              "reason_sha256": sha256_json({"ko": REASON.ko, "en": REASON.en})}
    # the reason itself stays out of the record (only its hash); the list shows it last
    assert REASON.ko not in event.leaf
    assert queries.group_counts(statement) == {Group.WITHDRAWN: 1}


def test_a_withdrawal_without_a_reason_records_none(statement, individual, now, record_size):
    sig = st.sign(individual, statement, now=now)
    before = record_size()
    st.withdraw_signature(individual, sig, Bilingual("  ", None), now=now)
    assert sig.withdrawal_reason == NONE
    assert payload(events_since(before)[0])["reason_sha256"] is None


def test_only_the_signatory_withdraws_once_while_signing_is_open(statement, drafter, signer, individual, now,
                                                                 refused):
    org_sig = st.sign(signer, statement, now=now)
    person_sig = st.sign(individual, statement, now=now)
    for actor in (drafter, editor_of(signer.org), Actor(signer.person), individual):
        with refused(Denied):
            st.withdraw_signature(actor, org_sig, REASON, now=now)
    for actor in (signer, Actor(make_person())):
        with refused(Denied):
            st.withdraw_signature(actor, person_sig, REASON, now=now)
    with refused(Invalid, "reason"):
        st.withdraw_signature(signer, org_sig, Bilingual("가" * 1001, None), now=now)
    # another admin of the organisation may withdraw its signature
    st.withdraw_signature(admin_of(signer.org), org_sig, REASON, now=now)
    with refused(Invalid, "withdraw"):
        st.withdraw_signature(signer, org_sig, REASON, now=now)
    with refused(Denied):
        st.withdraw_signature(individual, person_sig, REASON, now=statement.signing_deadline)


def test_signing_again_after_withdrawal_reuses_the_row(statement, drafter, signer, now, record_size):
    sig = st.sign(signer, statement, now=now)
    st.revise(drafter, statement, new_text(), now=now + timedelta(hours=1))  # asks sig to re-confirm
    st.withdraw_signature(signer, sig, REASON, now=now + timedelta(hours=2))
    assert sig.reconfirmation_requested_at == now + timedelta(hours=1)
    other_admin = admin_of(signer.org)
    before = record_size()
    again = st.sign(other_admin, statement, now=now + timedelta(hours=3))
    assert again.id == sig.id and count(Signature) == 1
    assert (again.withdrawn_at, again.withdrawal_reason, again.list_group) == (None, NONE, Group.CIVIL_SOCIETY)
    assert (again.version, again.first_version, again.signed_at) == (2, 2, now + timedelta(hours=3))
    assert again.reconfirmation_requested_at is None and not again.is_pending(2)
    assert statement.signature_count == 1
    (event,) = events_since(before)
    assert payload(event) == {"statement": statement.id, "version": 2, "individual": False, "again": True,
                              "content_sha256": queries.current(statement).content_sha256}


# ---- new versions and re-confirmation ---------------------------------------------------------------

def test_a_new_version_is_frozen_and_earlier_signers_are_asked_to_reconfirm(
        statement, drafter, co_drafter, signer, individual, now, record_size, outbox):
    ko_sig = st.sign(signer, statement, now=now)
    en_sig = st.sign(individual, statement, now=now)  # individual.person.locale == "en"
    gone = commenter()
    st.withdraw_signature(gone, st.sign(gone, statement, now=now), REASON, now=now)
    before, later = record_size(), now + timedelta(hours=2)
    v2 = st.revise(co_drafter, statement, new_text(title=Bilingual("새 제목", "New title")), now=later)
    v1 = queries.version(statement, 1)
    assert (v2.number, v2.body_source, v2.change_note, v2.written_by_id) == (2, NEW_BODY, NOTE, co_drafter.person.id)
    assert v2.frozen_at == later and v2.content_sha256 == st.content_hash(v2) != v1.content_sha256
    assert "<li>" in v2.body_html_ko
    assert (statement.current_version, statement.title) == (2, Bilingual("새 제목", "New title"))
    assert v1.content_sha256 == st.content_hash(v1) and v1.body_source == BODY  # the earlier text is kept
    db.session.expire_all()
    assert all(s.is_pending(2) and s.version == 1 and s.reconfirmation_requested_at == later
               for s in (db.session.get(Signature, ko_sig.id), db.session.get(Signature, en_sig.id)))
    assert queries.pending_count(statement) == 2 and statement.signature_count == 2
    (event,) = events_since(before)
    assert scoped(event) == (EventType.STATEMENT_VERSIONED, "statement", statement.id)
    assert (event.subject_type, event.subject_id) == ("statement_version", v2.id)
    assert payload(event) == {"statement": statement.id, "number": 2, "previous": 1,
                              "content_sha256": v2.content_sha256, "previous_sha256": v1.content_sha256,
                              "reconfirmations_requested": 2}
    # one mail per active earlier signatory (not the withdrawn one), in their language, linking to the page
    mails = {m.to_address: m for m in outbox()}
    assert set(mails) == {signer.person.email, individual.person.email}
    en, ko = mails[individual.person.email], mails[signer.person.email]
    assert "New title" in en.subject and f"/en/statements/{statement.id}" in en.body and NOTE.en in en.body
    assert "새 제목" in ko.subject and f"/ko/statements/{statement.id}" in ko.body and NOTE.ko in ko.body
    # a signature given now binds to the new version
    assert st.sign(commenter(), statement, now=later).version == 2


def test_an_organisation_is_asked_to_reconfirm_through_its_current_admins(statement, drafter, signer, now, outbox):
    from consult.orgs.models import Membership
    from tests.factories import make_person
    st.sign(signer, statement, now=now)
    successor = make_person()
    db.session.add(Membership(person_id=successor.id, organization_id=signer.org.id, role=Role.ADMIN, created_at=now))
    db.session.delete(db.session.scalar(select(Membership).where(Membership.person_id == signer.person.id,
                                                                 Membership.organization_id == signer.org.id)))
    db.session.commit()
    st.revise(drafter, statement, new_text(), now=now)
    assert {m.to_address for m in outbox()} == {successor.email}  # the signer has left the organisation


def test_a_new_version_needs_a_change_note_and_a_changed_text(statement, drafter, now, refused):
    with refused(Invalid, "change_note"):
        st.revise(drafter, statement, new_text(note=Bilingual(" ", None)), now=now)
    with refused(Invalid, "body"):
        st.revise(drafter, statement, new_text(body=BODY), now=now)
    with refused(Invalid, "body"):  # whitespace around the text is no change either
        st.revise(drafter, statement, new_text(body=Bilingual(f"  {BODY.ko}\n", BODY.en)), now=now)
    with refused(Invalid, "title"):
        st.revise(drafter, statement, new_text(title=NONE), now=now)
    # a changed title alone is a new version
    assert st.revise(drafter, statement, new_text(body=BODY, title=Bilingual("새 제목", None)), now=now).number == 2


def test_only_drafters_write_new_versions_of_an_opened_statement_until_it_closes(
        statement, draft, drafter, signer, now, refused):
    with refused(Invalid, "title"):
        st.revise(drafter, draft, new_text(), now=now)
    for actor in (signer, Actor(drafter.person)):
        with refused(Denied):
            st.revise(actor, statement, new_text(), now=now)
    # a drafting organisation's editor may (opening, publishing and closing are for its admins)
    assert st.revise(editor_of(drafter.org), statement, new_text(), now=now).number == 2
    with refused(Denied):
        st.revise(drafter, statement, new_text(body=BODY), now=statement.signing_deadline)


def test_reconfirming_binds_a_signature_to_the_current_version(statement, drafter, signer, now, record_size):
    sig = st.sign(signer, statement, now=now)
    st.revise(drafter, statement, new_text(), now=now + timedelta(hours=1))
    other_admin = admin_of(signer.org)
    before, later = record_size(), now + timedelta(hours=2)
    st.reconfirm(other_admin, sig, now=later)
    assert (sig.version, sig.first_version, sig.reconfirmed_at) == (2, 1, later)
    assert queries.pending_count(statement) == 0 and statement.signature_count == 1
    (event,) = events_since(before)
    assert scoped(event) == (EventType.STATEMENT_RECONFIRMED, "statement", statement.id)
    assert (event.subject_type, event.subject_id) == ("signature", sig.id)
    assert payload(event) == {"statement": statement.id, "version": 2, "previous": 1,
                              "content_sha256": queries.current(statement).content_sha256}


def test_only_the_signatory_reconfirms_a_pending_signature(statement, drafter, signer, individual, now, refused):
    sig = st.sign(signer, statement, now=now)
    mine = st.sign(individual, statement, now=now)
    with refused(Invalid, "reconfirm"):  # already on the current version
        st.reconfirm(signer, sig, now=now)
    st.revise(drafter, statement, new_text(), now=now)
    for actor in (drafter, individual, editor_of(signer.org)):
        with refused(Denied):
            st.reconfirm(actor, sig, now=now)
    with refused(Denied):
        st.reconfirm(signer, mine, now=now)
    st.withdraw_signature(individual, mine, NONE, now=now)
    with refused(Invalid, "reconfirm"):  # a withdrawn signature is signed again, not re-confirmed
        st.reconfirm(individual, mine, now=now)
    with refused(Denied):
        st.reconfirm(signer, sig, now=statement.signing_deadline)


# ---- publishing, closing ----------------------------------------------------------------------------

def test_publishing_records_the_version_and_the_count_and_signing_stays_open(statement, drafter, signer, now,
                                                                             record_size, refused):
    st.sign(signer, statement, now=now)
    before = record_size()
    st.publish_statement(drafter, statement, now=now)
    assert (statement.published_at, statement.published_by_id) == (now, drafter.person.id)
    (event,) = events_since(before)
    assert scoped(event) == (EventType.STATEMENT_PUBLISHED, "statement", statement.id)
    assert payload(event) == {"version": 1, "signatures": 1}
    assert statement.status_at(now) is Status.OPEN
    st.sign(commenter(), statement, now=now)
    with refused(Invalid, "publish"):
        st.publish_statement(drafter, statement, now=now)


def test_only_drafting_admins_publish_an_opened_statement(statement, draft, drafter, co_drafter, signer, now,
                                                          refused):
    with refused(Invalid, "publish"):
        st.publish_statement(drafter, draft, now=now)
    for actor in (editor_of(drafter.org), signer, Actor(drafter.person)):
        with refused(Denied):
            st.publish_statement(actor, statement, now=now)
    st.publish_statement(co_drafter, statement, now=now)
    assert statement.published_by_id == co_drafter.person.id


def test_closing_ends_signing_early(statement, drafter, signer, now, record_size, refused):
    st.sign(signer, statement, now=now)
    before, later = record_size(), now + timedelta(hours=1)
    st.close_statement(drafter, statement, now=later)
    assert statement.closed_at == later and statement.closes_at == later
    assert statement.status_at(later) is Status.CLOSED and statement.status_at(now) is Status.OPEN
    (event,) = events_since(before)
    assert scoped(event) == (EventType.STATEMENT_CLOSED, "statement", statement.id)
    assert payload(event) == {"version": 1, "signatures": 1}
    with refused(Invalid, "close"):
        st.close_statement(drafter, statement, now=later)
    with refused(Denied):
        st.revise(drafter, statement, new_text(), now=later)


def test_only_drafting_admins_close_and_only_an_open_statement(statement, draft, drafter, now, refused):
    editor = editor_of(drafter.org)
    with refused(Denied):
        st.close_statement(editor, statement, now=now)
    with refused(Invalid, "close"):
        st.close_statement(drafter, draft, now=now)
    with refused(Invalid, "close"):  # the deadline already closed it
        st.close_statement(drafter, statement, now=statement.signing_deadline)


# ---- submitting to a consultation -------------------------------------------------------------------

@pytest.fixture
def signed(statement, drafter, signer, individual, now):  # type: ignore[no-untyped-def]
    """`statement` signed by the drafter, `signer`, an individual and an organisation that withdrew."""
    st.sign(drafter, statement, now=now)
    st.sign(signer, statement, now=now)
    st.sign(individual, statement, now=now)
    gone = commenter()
    st.withdraw_signature(gone, st.sign(gone, statement, now=now), NONE, now=now)
    return statement


def test_a_published_statement_goes_to_a_consultation_as_one_joint_comment(signed, drafter, now, record_size):
    c = make_consultation(make_official())
    st.revise(drafter, signed, new_text(), now=now)
    st.publish_statement(drafter, signed, now=now)
    before = record_size()
    sub = st.submit_to_consultation(drafter, signed, c.id, now=now)
    comment = db.session.get(Comment, sub.comment_id)
    assert (comment.consultation_id, comment.author_org_id, comment.author_id) == (c.id, drafter.org.id,
                                                                                   drafter.person.id)
    assert (comment.lang, comment.body_source, comment.translation_source) == (
        "ko", f"**{TITLE.ko}**\n\n{NEW_BODY.ko}", f"**{TITLE.en}**\n\n{NEW_BODY.en}")
    assert f"<strong>{TITLE.ko}</strong>" in comment.body_html
    # it carries the active signatories at this moment, pending ones included, bound to their versions
    active = db.session.execute(select(Signature.signer, Signature.version).where(
        Signature.statement_id == signed.id, Signature.withdrawn_at.is_(None)).order_by(Signature.signer)).all()
    assert len(active) == 3 and {v for _, v in active} == {1}
    assert (sub.statement_id, sub.consultation_id, sub.version, sub.signatory_count, sub.submitted_at,
            sub.submitted_by_id) == (signed.id, c.id, 2, 3, now, drafter.person.id)
    assert sub.signatories_sha256 == sha256_json([[signer, version] for signer, version in active])
    submitted, joint = events_since(before)
    assert scoped(submitted) == (EventType.COMMENT_SUBMITTED, "consultation", c.id)
    assert scoped(joint) == (EventType.STATEMENT_SUBMITTED, "statement", signed.id)
    assert (joint.subject_type, joint.subject_id) == ("statement_submission", sub.id)
    assert payload(joint) == {"statement": signed.id, "consultation": c.id, "comment": comment.id, "version": 2,
                              "content_sha256": queries.current(signed).content_sha256, "signatories": 3,
                              "signatories_sha256": sub.signatories_sha256}
    assert queries.submission_for_comment(comment.id).id == sub.id


def test_a_statement_in_one_language_goes_without_a_translation(drafter, now):
    s = make_statement(drafter, title=Bilingual(None, "Open letter"), body=Bilingual(None, "We ask for a register."))
    st.publish_statement(drafter, s, now=now)
    sub = st.submit_to_consultation(drafter, s, make_consultation(make_official()).id, now=now)
    comment = db.session.get(Comment, sub.comment_id)
    assert (comment.lang, comment.body_source, comment.translation_source) == (
        "en", "**Open letter**\n\nWe ask for a register.", None)
    assert sub.signatory_count == 0


def test_submission_needs_a_published_statement_and_a_published_open_consultation(signed, drafter, now, refused):
    official = make_official()
    c = make_consultation(official)
    with refused(Invalid, "consultation"):
        st.submit_to_consultation(drafter, signed, c.id, now=now)
    st.publish_statement(drafter, signed, now=now)
    for unpublished in (make_consultation(official, published=False).id, 10**6):
        with refused(Invalid, "consultation"):
            st.submit_to_consultation(drafter, signed, unpublished, now=now)
    for closed in (make_consultation(official, opened_days_ago=None).id,   # scheduled
                   make_consultation(official, opened_days_ago=40).id):    # deadline passed
        with refused(Denied):
            st.submit_to_consultation(drafter, signed, closed, now=now)
    invited = make_consultation(official, mode=Mode.INVITED)
    with refused(Denied):  # an invited consultation takes comments from its participants only
        st.submit_to_consultation(drafter, signed, invited.id, now=now)


def test_submission_is_once_per_consultation_by_drafting_admins(signed, drafter, co_drafter, signer, now, refused):
    official = make_official()
    c, other = make_consultation(official), make_consultation(official)
    st.publish_statement(drafter, signed, now=now)
    for actor in (editor_of(drafter.org), signer):
        with refused(Denied):
            st.submit_to_consultation(actor, signed, c.id, now=now)
    st.submit_to_consultation(drafter, signed, c.id, now=now)
    for actor in (drafter, co_drafter):
        with refused(Invalid, "consultation"):
            st.submit_to_consultation(actor, signed, c.id, now=now + timedelta(minutes=1))
    # a co-drafting admin submits to another consultation, as its own organisation
    sub = st.submit_to_consultation(co_drafter, signed, other.id, now=now)
    assert db.session.get(Comment, sub.comment_id).author_org_id == co_drafter.org.id
    assert count(Submission) == 2 and [s.consultation_id for s in queries.submissions(signed)] == [c.id, other.id]


def test_the_longest_statement_can_still_be_submitted(drafter, now):
    """A statement may be as long as MAX_BODY in each language; its joint comment must fit too."""
    body = Bilingual("가" * st.MAX_BODY, "a" * st.MAX_BODY)
    s = make_statement(drafter, title=Bilingual("가" * 300, "a" * 300), body=body)
    st.publish_statement(drafter, s, now=now)
    sub = st.submit_to_consultation(drafter, s, make_consultation(make_official()).id, now=now)
    assert db.session.get(Comment, sub.comment_id).body_source.endswith(body.ko)


# ---- erasure ----------------------------------------------------------------------------------------

def test_an_erased_individual_stays_counted_but_loses_their_name(statement, signer, individual, now):
    mine = st.sign(individual, statement, now=now)
    gone = Actor(make_person(name="류현석"))
    withdrawn = st.sign(gone, statement, now=now)
    st.withdraw_signature(gone, withdrawn, NONE, now=now)
    # an admin who signed for an organisation and then erased their account: the organisation still signs
    org_sig = st.sign(signer, statement, now=now)
    for person in (individual.person, gone.person, signer.person):
        accounts.erase_account(Actor(person), person, now=now)
    db.session.expire_all()
    mine, withdrawn, org_sig = (db.session.get(Signature, s.id) for s in (mine, withdrawn, org_sig))
    assert (mine.name_public, mine.sort_name_ko, mine.sort_name_en, mine.list_group) == (False, "", "", Group.UNNAMED)
    assert mine.withdrawn_at is None and mine.person_id == individual.person.id
    assert (withdrawn.list_group, withdrawn.sort_name_ko) == (Group.WITHDRAWN, "")
    assert (org_sig.list_group, org_sig.sort_name_ko) == (Group.CIVIL_SOCIETY, signer.org.name.ko)
    assert db.session.get(Statement, statement.id).signature_count == 2
    assert queries.group_counts(statement) == {Group.UNNAMED: 1, Group.WITHDRAWN: 1, Group.CIVIL_SOCIETY: 1}
    listed = queries.signature_page(statement, sort="name", lang="en", after=None).items
    assert [s.id for s in listed] == [org_sig.id, withdrawn.id]
    assert "박은하" not in {s.sort_name_ko for s in db.session.scalars(select(Signature))}


# ---- the bulk factory writes what the actions write -------------------------------------------------

COLUMNS = ("signer", "organization_id", "person_id", "name_public", "list_group", "sort_name_ko", "sort_name_en",
           "version", "first_version", "withdrawn_at")


def test_bulk_signatures_are_the_rows_sign_would_write(drafter, signer, now):
    from consult.accounts.models import Person
    from tests.factories import bulk_signatures
    by_action, in_bulk = make_statement(drafter), make_statement(drafter)
    st.revise(drafter, in_bulk, new_text(), now=now)
    st.sign(signer, by_action, now=now)
    bulk_signatures(in_bulk, 15, orgs=[signer.org], unnamed_every=7, withdrawn_every=5)
    rows = list(db.session.scalars(select(Signature).where(Signature.statement_id == in_bulk.id)
                                   .order_by(Signature.signed_at)))
    assert len(rows) == 15 and all(r.version == r.first_version == 2 for r in rows)
    org_row, expected = rows[0], queries.signature_of(by_action, f"org:{signer.org.id}")
    assert [getattr(org_row, c) for c in COLUMNS if c != "version" and c != "first_version"] == [
        getattr(expected, c) for c in COLUMNS if c != "version" and c != "first_version"]
    for row in rows[1:]:
        person = db.session.get(Person, row.person_id)
        assert row.signer == f"person:{person.id}" and row.organization_id is None
        assert row.name_public is person.consent_publish_name and person.is_verified
        if row.withdrawn_at is not None:
            assert row.list_group == Group.WITHDRAWN
        elif person.consent_publish_name:
            assert (row.list_group, row.sort_name_ko, row.sort_name_en) == (
                Group.INDIVIDUAL, person.display_name, person.display_name_latin)
        else:
            assert (row.list_group, row.sort_name_ko, row.sort_name_en) == (Group.UNNAMED, "", "")
    assert {r.list_group for r in rows} == {Group.CIVIL_SOCIETY, Group.INDIVIDUAL, Group.UNNAMED, Group.WITHDRAWN}
    assert in_bulk.signature_count == 15 - 3 == sum(n for g, n in queries.group_counts(in_bulk).items()
                                                    if g != Group.WITHDRAWN)
    # the actions carry on from there: a real signature lands after the bulk ones and is counted
    assert st.sign(commenter(), in_bulk, now=now).version == 2 and in_bulk.signature_count == 13


def test_a_renamed_organisation_sorts_and_prints_under_its_new_name(statement, signer, now):
    from consult.orgs import actions as orgs
    sig = st.sign(signer, statement, now=now)
    org = signer.org
    orgs.update_organization(signer, org, orgs.OrgInput(
        name=Bilingual("가나다 인권연대", "Ganada Human Rights"), short_name=org.short_name, kind=org.kind,
        subkind=org.subkind, website=org.website, description=org.description), now=now)
    db.session.expire_all()
    sig = db.session.get(Signature, sig.id)
    assert (sig.sort_name_ko, sig.sort_name_en) == ("가나다 인권연대", "Ganada Human Rights")
    (group, names), = queries.printed_names(statement, "ko")
    assert group is Group.CIVIL_SOCIETY and [n.name for n in names] == ["가나다 인권연대"]
