"""Every AI register action: what it writes, what it records, and how it refuses bad input or the wrong
actor — each refusal proves that nothing at all changed (`refused` compares every row of every table, the
record and the outbox included)."""
from __future__ import annotations

import copy
import hashlib
from datetime import date, timedelta

import pytest
import rfc8785
from sqlalchemy import select

from consult.consultations import actions as consultations
from consult.consultations.models import Consultation, Outcome, Section, Version
from consult.errors import Denied, Invalid
from consult.extensions import db
from consult.i18n import Bilingual
from consult.record import Event, EventType
from consult.register import actions as register
from consult.register.actions import PdfUpload, validate_document
from consult.register.fields import FIELDS
from consult.register.models import (EntryArea, EntryConsultation, EntryStatus, Flag, FlagKind, HighImpact,
                                     RegisterEntry, RegisterRevision, Stage)
from tests.conftest import count
from tests.factories import entry_document, make_consultation, make_official
from tests.web.support import events_since, in_english_request, payload  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("in_english_request")

DAY = timedelta(days=1)
NOTE = Bilingual("처리 방식 설명을 보완했습니다.", "Clarified how outputs are used.")
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def revisions(entry: RegisterEntry) -> list[RegisterRevision]:
    db.session.expire_all()
    return list(db.session.scalars(select(RegisterRevision).where(RegisterRevision.entry_id == entry.id)
                                   .order_by(RegisterRevision.number)))


def last_event() -> Event:
    db.session.expire_all()
    return db.session.scalars(select(Event).order_by(Event.seq.desc()).limit(1)).one()


def doc_sha256(doc: dict) -> str:  # type: ignore[type-arg]
    return hashlib.sha256(rfc8785.dumps(doc)).hexdigest()


# ---- validate_document ------------------------------------------------------------------------------

def test_a_complete_document_is_normalised_with_every_field():
    doc = entry_document(summary={"ko": "  요약입니다.  ", "en": ""}, areas=["public_service_decisions", "energy"])
    out = validate_document(doc, today=date.today())
    assert list(out) == [f.key for f in FIELDS]
    assert out["summary"] == {"ko": "요약입니다.", "en": None}
    assert out["areas"] == ["energy", "public_service_decisions"]  # the Act's order


@pytest.mark.parametrize("key", [f.key for f in FIELDS if f.required and f.kind in ("text", "long")])
def test_each_required_text_field_needs_one_language(key):
    with pytest.raises(Invalid) as info:
        validate_document(entry_document(**{key: {"ko": None, "en": " "}}))
    assert info.value.field == key and "at least one language" in info.value.message


def test_required_choices_and_yes_no():
    for key in ("status", "high_impact"):
        with pytest.raises(Invalid) as info:
            validate_document(entry_document(**{key: None}))
        assert info.value.field == key
    with pytest.raises(Invalid) as info:
        validate_document(entry_document(status="running"))
    assert info.value.field == "status"
    doc = entry_document()
    del doc["personal_data"]
    with pytest.raises(Invalid) as info:
        validate_document(doc)
    assert info.value.field == "personal_data"


def test_summary_is_at_most_300_characters_in_each_language():
    validate_document(entry_document(summary={"ko": "가" * 300, "en": "a" * 300}))
    with pytest.raises(Invalid) as info:
        validate_document(entry_document(summary={"ko": "가" * 301, "en": "short"}))
    assert info.value.field == "summary" and "300" in info.value.message


def test_urls_are_http_or_https_only():
    assert validate_document(entry_document(assessment_link="https://example.org/hria.pdf"))["assessment_link"]
    for bad in ("javascript:alert(1)", "ftp://example.org/x", "example.org", "https://exa mple.org"):
        with pytest.raises(Invalid) as info:
            validate_document(entry_document(assessment_link=bad))
        assert info.value.field == "assessment_link"


def test_dates_are_iso_and_not_in_the_future():
    today = date.today()
    dates = {"planning": today.isoformat(), "development": None, "pilot": None, "in_operation": None, "retired": None}
    assert validate_document(entry_document(status_dates=dates), today=today)["status_dates"]["planning"] == \
        today.isoformat()
    for bad in ((today + DAY).isoformat(), "01/05/2026", "2026-13-01"):
        with pytest.raises(Invalid) as info:
            validate_document(entry_document(status_dates={**dates, "planning": bad}), today=today)
        assert info.value.field == "status_dates"


def test_areas_only_for_high_impact_or_under_review():
    assert validate_document(entry_document(high_impact="under_review", areas=["student_evaluation"]))
    assert validate_document(entry_document(high_impact="under_review", areas=[]))
    with pytest.raises(Invalid) as info:
        validate_document(entry_document(high_impact="no", areas=["energy"]))
    assert info.value.field == "areas"
    with pytest.raises(Invalid) as info:  # "yes" names its area
        validate_document(entry_document(high_impact="yes", areas=[]))
    assert info.value.field == "areas"
    with pytest.raises(Invalid):
        validate_document(entry_document(areas=["weather"]))


WITHHELD = {"field": "supplier", "label": {"ko": None, "en": None}, "ground": 7,
            "reason": {"ko": "영업상 비밀입니다.", "en": "A trade secret."}}


def test_a_withheld_field_needs_a_legal_basis_and_a_reason():
    out = validate_document(entry_document(supplier={"ko": None, "en": None}, withheld=[WITHHELD]))
    assert out["withheld"] == [WITHHELD]
    for bad in ({**WITHHELD, "ground": None}, {**WITHHELD, "ground": 9}, {**WITHHELD, "ground": "x"},
                {**WITHHELD, "reason": {"ko": "", "en": None}}):
        with pytest.raises(Invalid) as info:
            validate_document(entry_document(supplier={"ko": None, "en": None}, withheld=[bad]))
        assert info.value.field == "withheld"


def test_only_withholdable_fields_or_a_described_other_are_withheld():
    for field in ("system_name", "summary", "contest", "nonsense"):
        with pytest.raises(Invalid) as info:
            validate_document(entry_document(withheld=[{**WITHHELD, "field": field}]))
        assert info.value.field == "withheld"
    with pytest.raises(Invalid) as info:
        validate_document(entry_document(withheld=[{**WITHHELD, "field": "other"}]))
    assert info.value.field == "withheld"
    other = {**WITHHELD, "field": "other", "ground": 4,
             "label": {"ko": "카메라 설치 위치", "en": "Camera locations"}}
    assert validate_document(entry_document(withheld=[other]))["withheld"] == [other]


def test_a_withheld_field_is_empty_and_a_withheld_required_field_may_be():
    with pytest.raises(Invalid) as info:  # the supplier is still filled in
        validate_document(entry_document(withheld=[WITHHELD]))
    assert info.value.field == "supplier"
    out = validate_document(entry_document(data_sources={"ko": None, "en": None},
                                           withheld=[{**WITHHELD, "field": "data_sources", "ground": 4}]))
    assert out["data_sources"] == {"ko": None, "en": None}


def test_the_assessment_needs_a_stage_or_a_reason_but_not_both():
    reason = {"ko": "시범 운영 뒤 평가할 예정입니다.", "en": "To be assessed after the pilot."}
    assert validate_document(entry_document(assessment={}, no_assessment_reason=reason))
    with pytest.raises(Invalid) as info:
        validate_document(entry_document(assessment={}))
    assert info.value.field == "assessment"
    with pytest.raises(Invalid) as info:
        validate_document(entry_document(no_assessment_reason=reason))
    assert info.value.field == "no_assessment_reason"


def test_assessment_stages_are_in_order_of_their_dates():
    summary = {"ko": "요약", "en": "Summary"}
    ok = {"planning": {"date": "2026-01-01", "summary": summary, "pdf": None},
          "analysis": {"date": "2026-02-01", "summary": summary, "pdf": None}}
    assert list(validate_document(entry_document(assessment={"analysis": ok["analysis"],
                                                             "planning": ok["planning"]}))["assessment"]) == \
        ["planning", "analysis"]
    with pytest.raises(Invalid) as info:
        validate_document(entry_document(assessment={**ok, "analysis": {**ok["analysis"], "date": "2025-12-31"}}))
    assert info.value.field == "assessment_date"


def test_risks_drop_empty_rows_and_stop_at_eight():
    empty = {"risk": {"ko": None, "en": None}, "mitigation": {"ko": "", "en": None}}
    row = {"risk": {"ko": "위험", "en": None}, "mitigation": {"ko": "완화", "en": None}}
    assert validate_document(entry_document(risks=[row, empty]))["risks"] == [row]
    with pytest.raises(Invalid) as info:
        validate_document(entry_document(risks=[row] * 9))
    assert info.value.field == "risks"
    with pytest.raises(Invalid):
        validate_document(entry_document(risks=[{**row, "risk": {"ko": None, "en": None}}]))


def test_unknown_fields_are_refused():
    with pytest.raises(Invalid):
        validate_document({**entry_document(), "favourite_colour": "blue"})


# ---- register_system ------------------------------------------------------------------------------

def test_registering_writes_revision_one_the_columns_and_the_event(official, now, record_size):
    before = record_size()
    doc = entry_document(areas=["public_service_decisions", "rights_decisions"])
    entry = register.register_system(official, doc, now=now)
    db.session.expire_all()
    assert entry.organization_id == official.org.id and entry.revision == 1 and entry.created_at == now
    assert entry.name == Bilingual(*doc["system_name"].values()) and entry.summary.ko == doc["summary"]["ko"]
    assert (entry.status, entry.high_impact, entry.personal_data) == (EntryStatus.PILOT, HighImpact.YES, True)
    assert entry.assessment_stage is Stage.PLANNING and entry.has_consultation is False
    assert "부정수급" in entry.search_text and "welfare benefit fraud" in entry.search_text
    assert official.org.name.ko.lower() in entry.search_text and "korea social security" in entry.search_text
    assert set(db.session.scalars(select(EntryArea.area).where(EntryArea.entry_id == entry.id))) == \
        {"public_service_decisions", "rights_decisions"}
    [rev] = revisions(entry)
    assert rev.number == 1 and rev.content == entry.content == validate_document(doc)
    assert rev.content_sha256 == entry.content_sha256 == doc_sha256(rev.content)
    assert record_size() == before + 1
    event = last_event()
    assert (event.event_type, event.subject_type, event.subject_id) == ("register.created", "register_entry", entry.id)
    assert (event.scope_type, event.scope_id) == ("register_entry", entry.id)
    assert payload(event) == {"register_entry": entry.id, "revision": 1, "content_sha256": rev.content_sha256}


def test_an_editor_of_the_body_registers_too(official_editor, make_entry):
    assert make_entry(official_editor).organization_id == official_editor.org.id


def test_a_withheld_supplier_is_not_searchable(official, make_entry):
    entry = make_entry(official, supplier={"ko": None, "en": None}, withheld=[WITHHELD])
    assert "korea social security" not in entry.search_text


@pytest.mark.parametrize("who", ["cso", "unverified", "anonymous", "person"])
def test_only_officials_register(who, request, refused, now):
    from consult.policy import ANONYMOUS, Actor
    actor = {"anonymous": ANONYMOUS}.get(who) or (Actor(request.getfixturevalue("cso").person) if who == "person"
                                                  else request.getfixturevalue(who))
    with refused(Denied):
        register.register_system(actor, entry_document(), now=now)


def test_an_official_of_an_unverified_body_cannot_register(refused, now):
    from consult.orgs.models import OrgKind, Role
    from consult.policy import Actor
    from tests.factories import make_org, make_person
    admin = make_person()
    org = make_org(kind=OrgKind.GOVERNMENT, admin=admin, verified=False)
    with refused(Denied):
        register.register_system(Actor(admin, org, Role.ADMIN), entry_document(), now=now)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"system_name": {"ko": None, "en": None}}, "system_name"),
    ({"summary": {"ko": "가" * 301, "en": None}}, "summary"),
    ({"supplier": {"ko": None, "en": None}, "withheld": [{**WITHHELD, "ground": None}]}, "withheld"),
    ({"assessment": {}}, "assessment"),
])
def test_bad_documents_register_nothing(official, refused, now, overrides, field):
    with refused(Invalid, field):
        register.register_system(official, entry_document(**overrides), now=now)


def test_a_status_date_after_today_is_refused(official, refused, now):
    tomorrow = (now + 2 * DAY).date().isoformat()
    dates = {"planning": tomorrow, "development": None, "pilot": None, "in_operation": None, "retired": None}
    with refused(Invalid, "status_dates"):
        register.register_system(official, entry_document(status_dates=dates), now=now)


# ---- revise_entry ---------------------------------------------------------------------------------

def test_a_revision_records_what_changed(official, entry, now, record_size):
    before = record_size()
    old = copy.deepcopy(entry.content)
    doc = {**entry.content, "decision_role": {"ko": "위험 점수는 조사 순서에만 쓰입니다.", "en": "Scores only order cases."},
           "status": "in_operation", "areas": ["public_service_decisions", "rights_decisions"]}
    rev = register.revise_entry(official, entry, doc, NOTE, now=now)
    db.session.expire_all()
    assert rev.number == 2 and entry.revision == 2 and entry.updated_at == now
    assert rev.changed_fields == ["status", "areas", "decision_role"]  # in FIELDS order
    assert rev.change_note == NOTE and entry.status is EntryStatus.IN_OPERATION
    assert rev.content_sha256 == entry.content_sha256 == doc_sha256(rev.content) != doc_sha256(old)
    assert revisions(entry)[0].content == old  # revision 1 is kept as it was
    assert set(db.session.scalars(select(EntryArea.area).where(EntryArea.entry_id == entry.id))) == \
        {"public_service_decisions", "rights_decisions"}
    assert record_size() == before + 1
    event = last_event()
    assert (event.event_type, event.subject_type, event.subject_id) == ("register.revised", "register_revision", rev.id)
    assert (event.scope_type, event.scope_id) == ("register_entry", entry.id)
    assert payload(event) == {"register_entry": entry.id, "revision": 2, "content_sha256": rev.content_sha256,
                              "changed": ["status", "areas", "decision_role"]}


def test_a_revision_refreshes_the_search_text(official, entry, now):
    register.revise_entry(official, entry, {**entry.content, "system_name": {"ko": "급여 점검 도우미", "en": None}},
                          NOTE, now=now)
    db.session.expire_all()
    assert "급여 점검" in entry.search_text and "prediction system" not in entry.search_text
    assert entry.name == Bilingual("급여 점검 도우미", None)


def test_a_revision_needs_a_change_note(official, entry, refused, now):
    with refused(Invalid, "change_note"):
        register.revise_entry(official, entry, {**entry.content, "status": "in_operation"}, Bilingual(" ", None),
                              now=now)


def test_a_revision_that_changes_nothing_is_refused(official, entry, refused, now):
    with refused(Invalid, "change_note"):
        register.revise_entry(official, entry, copy.deepcopy(entry.content), NOTE, now=now)


def test_another_bodys_official_cannot_revise(other_official, cso, entry, refused, now):
    for actor in (other_official, cso):
        with refused(Denied):
            register.revise_entry(actor, entry, {**entry.content, "status": "retired"}, NOTE, now=now)


def test_a_bad_revision_changes_nothing(official, entry, refused, now):
    with refused(Invalid, "summary"):
        register.revise_entry(official, entry, {**entry.content, "summary": {"ko": "가" * 301, "en": None}},
                              NOTE, now=now)


def test_revisions_are_numbered_in_turn(official, official_editor, entry, now):
    register.revise_entry(official, entry, {**entry.content, "status": "in_operation"}, NOTE, now=now)
    register.revise_entry(official_editor, entry, {**entry.content, "status": "retired"}, NOTE, now=now + DAY)
    assert [r.number for r in revisions(entry)] == [1, 2, 3]
    assert [r.changed_fields for r in revisions(entry)] == [[], ["status"], ["status"]]


# ---- record_assessment_stage ------------------------------------------------------------------------

SUMMARY = Bilingual("분석과 평가를 마쳤습니다.", "Finished the analysis.")


def test_recording_a_stage_is_a_revision_with_a_generated_note(official, entry, now, record_size):
    before = record_size()
    day = (now - 3 * DAY).date()
    rev = register.record_assessment_stage(official, entry, Stage.ANALYSIS, day, SUMMARY,
                                           PdfUpload("../보고서.pdf", PDF), now=now)
    db.session.expire_all()
    item = entry.content["assessment"]["analysis"]
    assert item["date"] == day.isoformat() and item["summary"] == SUMMARY.as_dict()
    assert item["pdf"] == {"sha256": hashlib.sha256(PDF).hexdigest(), "filename": ".._보고서.pdf", "size": len(PDF)}
    from consult.consultations import uploads
    assert uploads.path_for(item["pdf"]["sha256"]).read_bytes() == PDF
    assert rev.number == 2 and rev.changed_fields == ["assessment"] and entry.assessment_stage is Stage.ANALYSIS
    assert rev.change_note == Bilingual("인권영향평가 단계를 기록했습니다: 분석과 평가",
                                        "Recorded the assessment stage: analysis and assessment")
    assert record_size() == before + 1 and last_event().event_type == "register.revised"
    assert payload(last_event())["changed"] == ["assessment"]


def test_stages_may_come_in_any_order_but_dates_follow_the_stages(official, entry, refused, now):
    planning_day = date.fromisoformat(entry.content["assessment"]["planning"]["date"])
    register.record_assessment_stage(official, entry, Stage.DISCLOSURE, planning_day + 10 * DAY, SUMMARY, now=now)
    register.record_assessment_stage(official, entry, Stage.ANALYSIS, planning_day + 5 * DAY, SUMMARY, now=now)
    db.session.expire_all()
    assert list(entry.content["assessment"]) == ["planning", "analysis", "disclosure"]
    assert entry.assessment_stage is Stage.DISCLOSURE
    with refused(Invalid, "date"):
        register.record_assessment_stage(official, entry, Stage.REMEDY, planning_day + 11 * DAY, SUMMARY, now=now)
    with refused(Invalid, "date"):
        register.record_assessment_stage(official, entry, Stage.REMEDY, planning_day - DAY, SUMMARY, now=now)
    with refused(Invalid, "date"):  # not in the future either
        register.record_assessment_stage(official, entry, Stage.DISCLOSURE, (now + 3 * DAY).date(), SUMMARY, now=now)


def test_recording_a_stage_replaces_the_reason_for_having_none(official, make_entry, now):
    entry = make_entry(official, assessment={}, no_assessment_reason={"ko": "예정", "en": "Planned"})
    assert entry.assessment_stage is None
    rev = register.record_assessment_stage(official, entry, Stage.PLANNING, now.date(), SUMMARY, now=now)
    assert rev.changed_fields == ["assessment", "no_assessment_reason"]
    assert entry.content["no_assessment_reason"] == {"ko": None, "en": None}


def test_bad_stages_change_nothing(official, other_official, entry, refused, now):
    with refused(Invalid, "pdf"):
        register.record_assessment_stage(official, entry, Stage.ANALYSIS, now.date(), SUMMARY,
                                         PdfUpload("x.pdf", b"MZ\x90\x00 not a pdf"), now=now)
    with refused(Invalid, "summary"):
        register.record_assessment_stage(official, entry, Stage.ANALYSIS, now.date(), Bilingual("", None), now=now)
    with refused(Invalid, "stage"):
        register.record_assessment_stage(official, entry, "evaluation", now.date(), SUMMARY, now=now)
    with refused(Denied):
        register.record_assessment_stage(other_official, entry, Stage.ANALYSIS, now.date(), SUMMARY, now=now)
    same = entry.content["assessment"]["planning"]
    with refused(Invalid, "summary"):  # recording the same stage again unchanged is no revision
        register.record_assessment_stage(official, entry, Stage.PLANNING, date.fromisoformat(same["date"]),
                                         Bilingual(**same["summary"]), now=now)


# ---- consultations ---------------------------------------------------------------------------------

def test_linking_a_published_consultation_of_the_body(official, entry, now, record_size):
    c = make_consultation(official)
    before = record_size()
    link = register.link_consultation(official, entry, c, now=now)
    db.session.expire_all()
    assert (link.entry_id, link.consultation_id, link.kind.value) == (entry.id, c.id, "related")
    assert entry.has_consultation and entry.revision == 1  # a link is no revision of the document
    assert record_size() == before + 1
    event = last_event()
    assert (event.event_type, event.subject_type, event.scope_type, event.scope_id) == \
        ("register.consultation_linked", "register_entry", "register_entry", entry.id)
    assert payload(event) == {"register_entry": entry.id, "consultation": c.id, "kind": "related"}


def test_a_consultation_is_linked_once_and_only_a_published_one_of_the_body(official, other_official, entry,
                                                                            refused, now):
    c, draft = make_consultation(official), make_consultation(official, published=False)
    theirs = make_consultation(other_official)
    register.link_consultation(official, entry, c, now=now)
    with refused(Invalid, "consultation"):
        register.link_consultation(official, entry, c, now=now)
    with refused(Invalid, "consultation"):
        register.link_consultation(official, entry, draft, now=now)
    with refused(Invalid, "consultation"):
        register.link_consultation(official, entry, theirs, now=now)
    with refused(Denied):
        register.link_consultation(other_official, entry, theirs, now=now)


def test_opening_an_assessment_consultation(official, entry, now, record_size):
    register.record_assessment_stage(official, entry, Stage.ANALYSIS, now.date(), SUMMARY, now=now)
    before = record_size()
    c = register.open_assessment_consultation(official, entry, now=now)
    db.session.expire_all()
    assert c.owner_org_id == official.org.id and c.published_at is None
    assert c.title == Bilingual("「복지급여 부정수급 위험 예측 시스템」 인권영향평가에 대한 의견수렴",
                                "Consultation on the human rights impact assessment of "
                                "Welfare benefit fraud risk prediction system")
    assert entry.content["summary"]["ko"] in c.summary.ko and "[분석과 평가] 분석과 평가를 마쳤습니다." in c.summary.ko
    version = db.session.scalar(select(Version).where(Version.consultation_id == c.id))
    sections = db.session.scalars(select(Section).where(Section.version_id == version.id)
                                  .order_by(Section.position)).all()
    assert [s.heading.ko for s in sections] == ["계획 및 수립", "분석과 평가"]
    link = db.session.get(EntryConsultation, (entry.id, c.id))
    assert link.kind.value == "assessment" and not entry.has_consultation  # a draft is not yet a consultation
    assert [e.event_type for e in events_since(before)] == ["consultation.created", "register.consultation_linked"]
    consultations.publish_consultation(official, c, now=now)
    db.session.expire_all()
    assert entry.has_consultation  # the publish hook


def test_publishing_an_unlinked_consultation_leaves_entries_alone(official, entry, now):
    c = make_consultation(official, published=False, opened_days_ago=None)
    consultations.publish_consultation(official, c, now=now)
    db.session.expire_all()
    assert not entry.has_consultation


def test_only_the_bodys_officials_open_an_assessment_consultation(other_official, cso, entry, refused, now):
    for actor in (other_official, cso):
        with refused(Denied):
            register.open_assessment_consultation(actor, entry, now=now)


# ---- flags ------------------------------------------------------------------------------------------

def test_a_flag_on_a_missing_field_is_recorded_and_mailed(cso, official, official_editor, entry, now, record_size,
                                                          outbox):
    before = record_size()
    flag = register.flag_entry(cso, body_org=official.org, entry=entry, kind=FlagKind.MISSING_INFORMATION,
                               field="supplier", body="  공급 기업을 밝혀 주십시오. ", lang="ko", now=now)
    db.session.expire_all()
    assert (flag.entry_id, flag.body_org_id, flag.organization_id, flag.person_id) == \
        (entry.id, official.org.id, cso.org.id, cso.person.id)
    assert flag.body == "공급 기업을 밝혀 주십시오." and flag.outcome is None
    assert record_size() == before + 1
    event = last_event()
    assert (event.event_type, event.subject_type, event.subject_id, event.scope_type, event.scope_id) == \
        ("register.flagged", "register_flag", flag.id, "register_entry", entry.id)
    assert payload(event) == {"register_entry": entry.id, "kind": "missing_information", "field": "supplier",
                              "body": official.org.id, "body_sha256": hashlib.sha256(flag.body.encode()).hexdigest(),
                              "evidence_url": None}
    mails = outbox()
    assert {m.to_address for m in mails} == {official.person.email, official_editor.person.email}
    assert all("누락" in m.subject or "missing" in m.subject.lower() or "정보" in m.subject for m in mails)
    assert all(f"/ko/ai-register/{entry.id}" in m.body for m in mails)


def test_an_unregistered_system_is_flagged_on_the_body(cso, official, now):
    flag = register.flag_entry(cso, body_org=official.org, kind=FlagKind.UNREGISTERED_SYSTEM,
                               body="민원 자동 분류에 인공지능을 씁니다.", lang="ko",
                               evidence_url="https://news.example.org/a", now=now)
    event = last_event()
    assert flag.entry_id is None and (event.scope_type, event.scope_id) == ("organization", official.org.id)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"kind": FlagKind.UNREGISTERED_SYSTEM, "evidence_url": None, "entry": None}, "evidence_url"),
    ({"kind": FlagKind.UNREGISTERED_SYSTEM, "evidence_url": "https://a.example.org"}, "kind"),
    ({"kind": FlagKind.MISSING_INFORMATION, "field": None}, "field"),
    ({"kind": FlagKind.MISSING_INFORMATION, "field": "favourite_colour"}, "field"),
    ({"kind": FlagKind.DISAGREEMENT, "body": "  "}, "body"),
    ({"kind": FlagKind.DISAGREEMENT, "body": "가" * 5001}, "body"),
    ({"kind": FlagKind.DISAGREEMENT, "evidence_url": "javascript:alert(1)"}, "evidence_url"),
    ({"kind": FlagKind.DISAGREEMENT, "entry": None}, "kind"),
])
def test_bad_flags_change_nothing(cso, official, entry, refused, now, kwargs, field):
    args = {"body_org": official.org, "entry": entry, "body": "평가가 부족합니다.", "lang": "ko", **kwargs}
    with refused(Invalid, field):
        register.flag_entry(cso, now=now, **args)


def test_a_flag_naming_another_body_is_refused(cso, other_official, entry, refused, now):
    with refused(Invalid, "kind"):
        register.flag_entry(cso, body_org=other_official.org, entry=entry, kind=FlagKind.DISAGREEMENT,
                            body="다른 기관", lang="ko", now=now)
    with refused(Invalid, "kind"):  # an organisation that is not a verified government body
        register.flag_entry(cso, body_org=cso.org, kind=FlagKind.UNREGISTERED_SYSTEM, body="x", lang="ko",
                            evidence_url="https://a.example.org", now=now)


def test_only_verified_non_government_organisations_flag(unverified, official, other_official, entry, refused, now):
    from consult.policy import Actor
    for actor in (unverified, official, other_official, Actor(unverified.person)):
        with refused(Denied):
            register.flag_entry(actor, body_org=official.org, entry=entry, kind=FlagKind.DISAGREEMENT,
                                body="동의하지 않습니다.", lang="ko", now=now)


ANSWER = Bilingual("다음 개정에서 공급 기업을 밝히겠습니다.", "We will name the supplier in the next revision.")


def test_the_body_answers_once_and_the_flagger_is_mailed(cso, official, entry, now, record_size, outbox):
    flag = register.flag_entry(cso, body_org=official.org, entry=entry, kind=FlagKind.MISSING_INFORMATION,
                               field="supplier", body="공급 기업을 밝혀 주십시오.", lang="ko", now=now)
    before, mailed = record_size(), len(outbox())
    register.answer_flag(official, flag, Outcome.ACCEPTED, ANSWER, now=now + DAY)
    db.session.expire_all()
    assert (flag.outcome, flag.answer, flag.answered_at, flag.answered_by_id) == \
        (Outcome.ACCEPTED, ANSWER, now + DAY, official.person.id)
    assert record_size() == before + 1
    event = last_event()
    assert (event.event_type, event.subject_id, event.scope_type) == ("register.flag_answered", flag.id,
                                                                        "register_entry")
    assert payload(event) == {"register_entry": entry.id, "outcome": "accepted",
                              "answer_sha256": hashlib.sha256(rfc8785.dumps(ANSWER.as_dict())).hexdigest()}
    [mail] = outbox()[mailed:]
    assert mail.to_address == cso.person.email and ANSWER.ko in mail.body


def test_bad_answers_change_nothing(cso, official, other_official, entry, refused, now):
    flag = register.flag_entry(cso, body_org=official.org, entry=entry, kind=FlagKind.DISAGREEMENT,
                               body="동의하지 않습니다.", lang="ko", now=now)
    with refused(Denied):
        register.answer_flag(other_official, flag, Outcome.NOTED, ANSWER, now=now)
    with refused(Denied):
        register.answer_flag(cso, flag, Outcome.NOTED, ANSWER, now=now)
    with refused(Invalid, "answer"):
        register.answer_flag(official, flag, Outcome.NOTED, Bilingual(" ", None), now=now)
    with refused(Invalid, "outcome"):
        register.answer_flag(official, flag, "maybe", ANSWER, now=now)
    register.answer_flag(official, flag, Outcome.NOTED, ANSWER, now=now)
    with refused(Invalid, "answer"):
        register.answer_flag(official, flag, Outcome.ACCEPTED, ANSWER, now=now)
