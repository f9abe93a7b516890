"""The demo content loads through the actions into an empty database, as `make run` does."""
from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from consult import demo, record
from consult.accounts.models import Person
from consult.consultations import actions as consultations
from consult.consultations.models import (Comment, CommentStatus, Consultation, DeadlineChange, Disposition,
                                          DispositionSection, Invitation, Meeting, MeetingFormat, MeetingKind,
                                          MeetingOrganization, ParticipationRequest, RequestDecision, ResultReport,
                                          Section, Status)
from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.orgs.models import Membership, Organization, VerificationStatus
from consult.record import Event, EventType
from consult.statements import actions as statement_actions
from consult.statements import queries as statement_queries
from consult.statements.models import Group, Signature
from consult.statements.models import Status as StatementStatus

from .conftest import count


def test_reltime_forms():
    now = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)  # 12:00 in Seoul
    assert demo.reltime("-45d", now) == datetime(2026, 10, 15, 3, 0, tzinfo=UTC)
    assert demo.reltime("+12d", now) == datetime(2026, 12, 11, 3, 0, tzinfo=UTC)
    assert demo.reltime("-3d4h", now) == datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
    assert demo.reltime("-90m", now) == datetime(2026, 11, 29, 1, 30, tzinfo=UTC)
    # the Seoul calendar day 12 days earlier, at 09:00 KST = 00:00 UTC
    assert demo.reltime("-12d@09:00", now) == datetime(2026, 11, 17, 0, 0, tzinfo=UTC)


def test_demo_loads_people_organisations_and_their_history(app, client):
    data = json.loads(demo.DEMO_FILE.read_text(encoding="utf-8"))
    demo.load(utcnow())
    assert count(Person) == len(data["people"]) == 29
    assert count(Organization) == len(data["organisations"]) == 23
    pending = db.session.scalars(db.select(Organization.slug).where(
        Organization.status == VerificationStatus.PENDING)).all()
    assert pending == ["citizen-ai-watch"]
    memberships = sum(len(p["memberships"]) for p in data["people"])
    assert count(Membership) == memberships
    admin = db.session.scalar(db.select(Person).where(Person.email == "admin@gongnon.example.org"))
    assert admin.is_platform_admin and admin.is_verified
    somang = db.session.scalar(db.select(Person).where(Person.email == "somang@example.com"))
    assert not somang.consent_publish_name
    # the record reads in time order, and every verification is an event
    events = db.session.scalars(db.select(Event).order_by(Event.seq)).all()
    times = [e.occurred_at for e in events]
    assert times == sorted(times)
    verified = [e for e in events if e.event_type == EventType.ORGANIZATION_VERIFIED]
    assert len(verified) == 22
    # demo accounts log in with the shared password; the mail asks the organisations that signed version 1
    # of the register statement to re-confirm version 2, and tells each commenter of their disposition
    # (an organisation's admins, an individual themself)
    r = client.post("/en/login", data={"email": "haneul@opencircuit.example.org",
                                       "password": data["meta"]["demo_password"]})
    assert r.status_code == 303
    from consult.mail.models import OutboxMessage
    register = next(s for s in data["statements"] if s["id"] == "public-ai-register-statement")
    emails = {p["id"]: p["email"] for p in data["people"]}
    asked = {emails[g["signed_by"]] for g in register["signatures"] if g["reconfirmation"]}
    assert len(asked) == 4
    told = Counter()
    for c in data["consultations"]:
        for m in c["comments"]:
            if m["disposition"]:
                for p in data["people"]:
                    if (any(ms["org"] == m["on_behalf_of"] and ms["role"] == "admin" for ms in p["memberships"])
                            if m["on_behalf_of"] else p["id"] == m["author_person"]):
                        told[p["email"]] += 1
    mails = db.session.scalars(db.select(OutboxMessage)).all()
    assert {m.to_address for m in mails if "re-confirm" in m.subject or "재확인" in m.subject} == asked
    assert Counter(m.to_address for m in mails if m.subject.startswith(("처리결과", "Disposition"))) == told
    assert sum(told.values()) == 14
    # and the admins of every invited organisation hear of each invitation, those of every requester of
    # the decision (each in their language)
    admins: dict[str, list[str]] = {}
    for p in data["people"]:
        for ms in p["memberships"]:
            if ms["role"] == "admin":
                admins.setdefault(ms["org"], []).append(p["email"])
    invited = Counter(a for c in data["consultations"] for i in c["invitations"] for a in admins.get(i["org"], []))
    decided = Counter(a for c in data["consultations"] for r in c["participation_requests"]
                      if r["decision"] != "pending" for a in admins[r["org"]])
    assert Counter(m.to_address for m in mails
                   if m.subject.startswith(("의견수렴 초청", "Invitation to a consultation"))) == invited
    assert Counter(m.to_address for m in mails if m.subject.startswith(("참여 요청", "Request "))) == decided
    assert (sum(invited.values()), sum(decided.values())) == (44, 3)  # one admin each


def test_demo_loader_refuses_a_database_with_people(app):
    from consult.cli import demo_load
    from tests.factories import make_person
    make_person()
    runner = app.test_cli_runner()
    result = runner.invoke(demo_load, ["--if-empty"])
    assert result.exit_code == 0 and "not loaded" in result.output
    result = runner.invoke(demo_load, [])
    assert result.exit_code != 0


# ---- consultations ---------------------------------------------------------------------------------

@pytest.fixture
def loaded(app):
    """The demo loaded at `now`: (loader, demo.json, now)."""
    now = utcnow()
    loader = demo.load(now)
    return loader, loader.data, now


def _of(model: Any, c: Consultation) -> list[Any]:
    return db.session.scalars(db.select(model).where(model.consultation_id == c.id)).all()


def test_demo_consultations_reach_their_states_with_their_comments(loaded):
    loader, data, now = loaded
    assert count(Consultation) == len(data["consultations"]) == 5
    for c in data["consultations"]:
        made = loader.made[("consultation", c["id"])]
        assert made.status_at(now) == Status(c["expected_state"]), c["id"]
        assert made.closes_at == loader.t(c["closes_at"])  # after any deadline change
        assert len(_of(Comment, made)) == len(c["comments"]), c["id"]
        assert len(_of(Disposition, made)) == sum(1 for m in c["comments"] if m["disposition"]), c["id"]
        for m in c["comments"]:
            comment = loader.made[("comment", m["id"])]
            assert (comment.status, comment.lang) == (CommentStatus(m["status"]), m["original_language"])
            assert comment.revision_count == len(m["revisions"]) + 1  # earlier texts and the current one
            assert comment.body_source == m["body"][m["original_language"]].strip()
            assert comment.author_org_id == (loader.orgs[m["on_behalf_of"]].id if m["on_behalf_of"] else None)
    police = loader.made[("consultation", "police-intelligent-cctv")]
    assert (len(_of(Comment, police)), len(_of(Disposition, police))) == (8, 5)
    change, = _of(DeadlineChange, police)
    assert (change.old_closes_at, change.new_closes_at) == (loader.t("-50d@18:00"), loader.t("-45d@18:00"))
    assert loader.made[("comment", "a-c1")].revised_at == loader.t("-9d@17:40")
    assert loader.made[("comment", "e-c11")].hidden_at == loader.t("-1d@23:58")


def test_demo_textbook_concluded_with_version_two_and_its_changed_sections(loaded):
    loader, data, now = loaded
    textbook = loader.made[("consultation", "ai-textbook-data")]
    assert textbook.status_at(now) is Status.CONCLUDED
    assert textbook.concluded_at == loader.t("-90d@10:00")
    v2 = loader.made[("version", "ai-textbook-data", 2)]
    assert v2.number == 2 and v2.published_at == loader.t("-100d@14:00") and v2.content_sha256
    assert consultations.latest_published(textbook).id == v2.id
    published = [json.loads(e.leaf)["payload"] for e in db.session.scalars(db.select(Event).where(
        Event.event_type == EventType.VERSION_PUBLISHED, Event.scope_id == textbook.id))]
    assert {"number": 2, "content_sha256": v2.content_sha256} in [
        {k: p[k] for k in ("number", "content_sha256")} for p in published]
    assert consultations.content_hash(v2) == v2.content_sha256
    c_c1 = loader.made[("comment", "c-c1")]
    changed = db.session.scalars(db.select(Section).join(DispositionSection).join(Disposition).where(
        Disposition.comment_id == c_c1.id)).all()
    assert [(s.version_id, s.key) for s in changed] == [(v2.id, "s4")]
    report = db.session.get(ResultReport, textbook.id)
    assert report.undisposed_reason == Bilingual(None, None)


def test_demo_participation_follows_invitations_and_requests(loaded):
    loader, data, now = loaded
    people = {p["id"]: p for p in data["people"]}
    shown = Counter()
    for c in data["consultations"]:
        made_c = loader.made[("consultation", c["id"])]
        assert len(_of(Invitation, made_c)) == len(c["invitations"]), c["id"]
        for i in c["invitations"]:  # one invitation per organisation and purpose
            made = loader.made[("invitation", c["id"], i["org"], i["purpose"])]
            where = (c["id"], i["org"], i["purpose"])
            # "no_answer" is an unanswered invitation of a consultation that has closed
            assert made.shown_state(made_c.status_at(now)) == i["state"], where
            shown[i["state"]] += 1
            assert (made.organization_id, made.sent_at, made.invited_by_id, made.message) == (
                loader.orgs[i["org"]].id, loader.t(i["sent_at"]), loader.people[i["invited_by"]].id,
                demo.text(i["message"])), where
            assert made.answered_at == (loader.t(i["answered_at"]) if i["answered_at"] else None), where
            assert made.answer_reason == demo.text(i["reason"]), where
        assert len(_of(ParticipationRequest, made_c)) == len(c["participation_requests"]), c["id"]
        for r in c["participation_requests"]:
            made = loader.made[("request", c["id"], r["org"])]
            assert (made.decision, made.motivation, made.requested_at, made.requested_by_id) == (
                RequestDecision(r["decision"]), demo.text(r["motivation"]), loader.t(r["requested_at"]),
                loader.people[r["requested_by"]].id), (c["id"], r["org"])
            assert (made.decided_at, made.reason) == (loader.t(r["decided_at"]), demo.text(r["reason"]))
    assert set(shown) == {"accepted", "declined", "sent", "no_answer"}, shown  # every state in the data
    assert loader.made[("request", "ai-act-decree", "neoreun")].decision is RequestDecision.GRANTED
    assert loader.made[("request", "ai-act-decree", "apaan")].decision is RequestDecision.DENIED
    # a granted organisation was then invited, and both appear in the record in that order
    decree = loader.made[("consultation", "ai-act-decree")]
    kinds = [e.event_type for e in db.session.scalars(db.select(Event).where(
        Event.scope_type == "consultation", Event.scope_id == decree.id, Event.occurred_at == loader.t("-9d@10:00"))
        .order_by(Event.seq))]
    assert kinds == [EventType.PARTICIPATION_DECIDED, EventType.INVITATION_SENT]


def test_demo_meetings_with_their_organisations_and_minutes(loaded):
    loader, data, _ = loaded
    assert count(Meeting) == sum(len(c["meetings"]) for c in data["consultations"]) == 3
    kinds = set()
    for c in data["consultations"]:
        for m in c["meetings"]:
            made = loader.made[("meeting", c["id"], m["id"])]
            kinds.add(made.kind)
            assert made.consultation_id == loader.made[("consultation", c["id"])].id
            assert (made.kind, made.format, made.held_at, made.ends_at) == (
                MeetingKind(m["kind"]), MeetingFormat(m["format"]), loader.t(m["starts_at"]), loader.t(m["ends_at"]))
            assert (made.title, made.place, made.minutes) == (
                demo.text(m["title"]), demo.text(m["location"]), demo.text(m["minutes"]))
            assert (made.recorded_at, made.recorded_by_id) == (
                loader.t(m["ends_at"]) + demo.RECORD_MEETING, loader.people[m["recorded_by"]].id)
            assert made.minutes_sha256 is None  # minutes as text only
            rows = db.session.scalars(db.select(MeetingOrganization).where(
                MeetingOrganization.meeting_id == made.id)).all()
            assert {r.organization_id for r in rows if r.invited} == {loader.orgs[o].id for o in m["invited_orgs"]}
            assert {r.organization_id for r in rows if r.attended} == {
                loader.orgs[o].id for o in m["attending_orgs"]}
            [event] = db.session.scalars(db.select(Event).where(
                Event.event_type == EventType.MEETING_RECORDED, Event.subject_id == made.id)).all()
            assert json.loads(event.leaf)["payload"]["attended"] == sorted(
                loader.orgs[o].id for o in m["attending_orgs"])
    assert kinds == {MeetingKind.PUBLIC_HEARING, MeetingKind.BRIEFING, MeetingKind.EXPERT_MEETING}


def test_demo_form_letters_form_one_campaign(loaded):
    loader, data, _ = loaded
    welfare = next(c for c in data["consultations"] if c["id"] == "welfare-fraud-ai")
    group = [m["id"] for m in welfare["comments"] if m["form_letter_group"] == "e-form-1"]
    assert len(group) == 4
    campaign_ids = {loader.made[("comment", mid)].campaign_id for mid in group}
    assert len(campaign_ids) == 1 and None not in campaign_ids
    others = [m["id"] for m in welfare["comments"] if m["id"] not in group]
    assert all(loader.made[("comment", mid)].campaign_id not in campaign_ids for mid in others)


def test_demo_record_verifies(loaded, client):
    """The whole record as the standalone verifier reads it: canonical leaves, a signed root that matches."""
    from consult import verify
    key = verify.parse_key(client.get("/log/key").get_data(as_text=True))
    checkpoint = verify.verify_checkpoint(client.get("/log/checkpoint").get_data(as_text=True), key)
    assert checkpoint.size == record.size() > 200
    builder = verify.RootBuilder()
    while builder.size < checkpoint.size:
        r = client.get(f"/log/entries?start={builder.size}&end={checkpoint.size}")
        for entry in r.json["entries"]:
            builder.add(verify.leaf_hash(verify.check_entry(builder.size, entry)))
    assert builder.root() == checkpoint.root
    times = [e.occurred_at for e in db.session.scalars(db.select(Event).order_by(Event.seq))]
    assert times == sorted(times)


# ---- joint statements -------------------------------------------------------------------------------

def _signature(loader: Any, st: dict[str, Any], g: dict[str, Any]) -> Signature:
    return loader.made[("signature", st["id"], g["signer_org"] or g["signed_by"])]


def test_demo_statements_open_with_their_texts_and_signatures(loaded):
    loader, data, now = loaded
    assert [st["id"] for st in data["statements"]] == ["seoul-summit-statement", "public-ai-register-statement"]
    people = {p["id"]: p for p in data["people"]}
    for st in data["statements"]:
        s = loader.made[("statement", st["id"])]
        assert s.status_at(now) is StatementStatus.OPEN and s.published_at is None, st["id"]  # "status": "open"
        assert (s.opened_at, s.owner_org_id, s.allows_individuals) == (
            loader.t(st["opened_at"]), loader.orgs[st["drafted_by"]].id, st["allow_individuals"])
        assert s.signing_deadline == (loader.t(st["signature_deadline"]) if st["signature_deadline"] else None)
        assert [o.id for o in statement_queries.co_drafters(s)] == [loader.orgs[o].id for o in st["co_drafters"]]
        assert s.current_version == st["current_version"] == len(st["versions"])
        for v, made in zip(st["versions"], statement_queries.versions(s)):
            assert (made.number, made.frozen_at, made.title) == (v["number"], loader.t(v["published_at"]),
                                                                 Bilingual(v["title"]["ko"], v["title"]["en"]))
            assert made.body_source.ko == "\n\n".join(p["body"]["ko"] for p in v["paragraphs"])
            assert made.body_html_en.count("<p>") == len(v["paragraphs"])
            assert made.content_sha256 == statement_actions.content_hash(made)
        for g in st["signatures"]:
            sig = _signature(loader, st, g)
            assert (sig.version, sig.first_version, sig.signed_at) == (
                g["version"], g["first_signed_version"], loader.t(g["signed_at"])), (st["id"], g)
            assert sig.reconfirmed_at == (loader.t(g["reconfirmed_at"]) if g["reconfirmed_at"] else None)
            assert sig.withdrawn_at == (loader.t(g["withdrawn_at"]) if g["withdrawn_at"] else None)
            assert sig.is_pending(s.current_version) is (g["reconfirmation"] == "pending")
            if g["signer_org"] is None:  # individuals, listed by name with their consent
                person = people[g["signed_by"]]
                assert sig.organization_id is None and sig.person_id == loader.people[g["signed_by"]].id
                assert sig.name_public is person["consent_publish_name"]
                assert (sig.list_group, sig.sort_name_ko) == (
                    (Group.INDIVIDUAL, person["display_name"]["ko"]) if person["consent_publish_name"]
                    else (Group.UNNAMED, ""))
            else:
                assert sig.organization_id == loader.orgs[g["signer_org"]].id
        assert s.signature_count == sum(1 for g in st["signatures"] if not g["withdrawn_at"])
    # the statement was drafted before its consultation existed, so the link could not be made then
    register = loader.made[("statement", "public-ai-register-statement")]
    assert register.consultation_id is None


def test_demo_register_statement_is_at_version_two_with_two_signatures_pending(loaded):
    loader, data, now = loaded
    st = data["statements"][1]
    s = loader.made[("statement", st["id"])]
    v1, v2 = statement_queries.versions(s)
    assert (s.current_version, v2.change_note.en) == (2, st["versions"][1]["change_note"]["en"])
    assert v1.content_sha256 != v2.content_sha256
    pending = {g["signer_org"] for g in st["signatures"]
               if _signature(loader, st, g).is_pending(s.current_version)}
    assert pending == {"saebyeok", "ongi"} and statement_queries.pending_count(s) == 2
    asked = loader.t("-10d@10:00")
    for org in ("saebyeok", "ongi", "garimmak", "seohae-ailaw"):
        sig = loader.made[("signature", st["id"], org)]
        assert sig.reconfirmation_requested_at == asked and sig.first_version == 1
    ryu = loader.made[("signature", st["id"], "p-ryu")]
    assert (ryu.version, ryu.list_group, ryu.sort_name_en) == (2, Group.INDIVIDUAL, "Ryu Hyun-seok")


def test_demo_summit_statement_has_one_withdrawn_signature(loaded):
    loader, data, now = loaded
    st = data["statements"][0]
    s = loader.made[("statement", st["id"])]
    withdrawn = loader.made[("signature", st["id"], "saemulgyeol")]
    assert withdrawn.list_group == Group.WITHDRAWN and withdrawn.withdrawal_reason.en.startswith("Withdrawn until")
    assert statement_queries.group_counts(s) == {Group.CIVIL_SOCIETY: 4, Group.INDIVIDUAL: 1, Group.WITHDRAWN: 1}
    assert s.signature_count == 5


def test_demo_statement_events_belong_to_their_statements(loaded):
    loader, data, _ = loaded
    ids = {loader.made[("statement", st["id"])].id for st in data["statements"]}
    events = db.session.scalars(db.select(Event).where(Event.event_type.like("statement.%"))).all()
    assert {(e.scope_type, e.scope_id) for e in events} == {("statement", i) for i in ids}
    kinds = sorted(e.event_type for e in events)
    assert {k: kinds.count(k) for k in set(kinds)} == {
        EventType.STATEMENT_OPENED: 2, EventType.STATEMENT_VERSIONED: 1, EventType.STATEMENT_SIGNED: 13,
        EventType.STATEMENT_RECONFIRMED: 2, EventType.STATEMENT_SIGNATURE_WITHDRAWN: 1}


# ---- the AI register ---------------------------------------------------------------------------------

def test_the_register_entries_load_with_their_stages_links_and_withheld_fields(loaded):
    from consult.register.actions import content_hash
    from consult.register.models import EntryConsultation, RegisterEntry, RegisterRevision, Stage
    loader, data, now = loaded
    entries = {r["id"]: loader.made[("register", r["id"])] for r in data["register"]}
    assert len(entries) == count(RegisterEntry) == 7
    db.session.expire_all()
    for r in data["register"]:
        e = entries[r["id"]]
        assert e.organization.slug == r["operator_org"] and e.name.ko == r["system_name"]["ko"]
        assert e.status.value == r["status"] and e.high_impact.value == r["high_impact"]["status"]
        stages = list(e.content["assessment"])
        if r["hria"] is None:
            assert stages == [] and e.assessment_stage is None and e.content["no_assessment_reason"]["ko"]
        else:
            wanted = [s.value for s in Stage][:[s.value for s in Stage].index(r["hria"]["stage"]) + 1]
            assert stages == wanted and e.assessment_stage.value == r["hria"]["stage"]
            assert e.content["assessment"][r["hria"]["stage"]]["summary"] == r["hria"]["summary"]
            dates = [item["date"] for item in e.content["assessment"].values()]
            assert dates == sorted(dates)
            # registered with the first stage, each later one a revision; the last at last_updated
            assert e.revision == len(stages) and e.updated_at == demo.reltime(r["last_updated"], now)
        assert e.content_sha256 == content_hash(e.content)
        linked = db.session.scalars(db.select(EntryConsultation.consultation_id).where(
            EntryConsultation.entry_id == e.id)).all()
        assert sorted(linked) == sorted(loader.made[("consultation", c)].id for c in r["linked_consultations"])
        assert e.has_consultation == bool(r["linked_consultations"])
    immigration = entries["reg-immigration-face"].content
    assert immigration["withheld"][0]["field"] == "supplier" and immigration["withheld"][0]["ground"] == 7
    assert immigration["supplier"] == {"ko": None, "en": None}
    police = entries["reg-police-cctv"].content["withheld"][0]
    assert police["field"] == "other" and police["ground"] == 4 and police["label"]["ko"]
    assert count(RegisterRevision) == sum(e.revision for e in entries.values())
    events = db.session.scalars(db.select(Event).where(Event.event_type.like("register.%"))).all()
    assert Counter(e.event_type for e in events) == {
        "register.created": 7, "register.revised": count(RegisterRevision) - 7,
        "register.consultation_linked": sum(len(r["linked_consultations"]) for r in data["register"])}
