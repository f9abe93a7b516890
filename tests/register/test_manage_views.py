"""The officials' and organisations' register pages over HTTP: register, change, record an assessment
stage, link and open consultations, flag and answer. Every refused request proves that nothing changed."""
from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.extensions import db, utcnow
from consult.register import actions as register
from consult.register.fields import FIELDS
from consult.register.models import EntryConsultation, Flag, FlagKind, RegisterEntry, RegisterRevision
from tests.conftest import count
from tests.factories import entry_document, make_consultation
from tests.web.support import client_for, db_state, page_text

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def form_data(doc: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The POST body the entry form sends for a document (the first assessment stage on a new entry)."""
    data: dict[str, Any] = {}
    for f in FIELDS:
        v, key = doc[f.key], f.key
        if f.kind in ("text", "long"):
            data[f"{key}-ko"], data[f"{key}-en"] = v["ko"] or "", v["en"] or ""
        elif f.kind in ("plain", "url", "date", "choice"):
            data[key] = v or ""
        elif f.kind == "bool":
            data[key] = "yes" if v else "no"
        elif f.kind == "areas":
            data[key] = list(v)
        elif f.kind == "status_dates":
            for status, day in v.items():
                data[f"status_dates-{status}"] = day or ""
        elif f.kind == "risks":
            for i, row in enumerate(v):
                for side in ("risk", "mitigation"):
                    data[f"risks-{i}-{side}-ko"], data[f"risks-{i}-{side}-en"] = row[side]["ko"] or "", row[side]["en"] or ""
        elif f.kind == "withheld":
            for i, row in enumerate(v):
                data[f"withheld-{i}-field"], data[f"withheld-{i}-ground"] = row["field"], str(row["ground"] or "")
                for side in ("label", "reason"):
                    data[f"withheld-{i}-{side}-ko"] = row[side]["ko"] or ""
                    data[f"withheld-{i}-{side}-en"] = row[side]["en"] or ""
        elif f.kind == "assessment" and v:
            stage, item = next(iter(v.items()))
            data.update({"assessment": stage, "assessment_date": item["date"],
                         "assessment_summary-ko": item["summary"]["ko"] or "",
                         "assessment_summary-en": item["summary"]["en"] or ""})
    data.update(extra)
    return data


def text_of(r: Any) -> str:
    return html.unescape(page_text(r))


def entries() -> int:
    return count(RegisterEntry)


# ---- register -------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_new_entry_form_renders_in_both_languages(app, official, lang):
    r = client_for(app, official.person).get(f"/{lang}/ai-register/new")
    assert r.status_code == 200
    body = page_text(r)
    assert 'name="system_name-ko"' in body and 'name="withheld-5-ground"' in body and 'name="risks-7-risk-en"' in body
    assert 'type="date"' in body and 'name="areas"' in body and 'name="assessment_date"' in body
    assert 'lang="ko"' in body and 'lang="en"' in body


def test_registering_through_the_form(app, official):
    c = client_for(app, official.person)
    r = c.post("/en/ai-register/new", data=form_data(entry_document()))
    assert r.status_code == 303, text_of(r)[:3000]
    entry = db.session.scalars(select(RegisterEntry)).one()
    assert r.headers["Location"].endswith(f"/en/ai-register/{entry.id}")
    assert entry.content == register.validate_document(entry_document())
    assert entry.organization_id == official.org.id


def test_a_missing_required_field_is_a_422_and_saves_nothing(app, official):
    c = client_for(app, official.person)
    before = db_state()
    doc = entry_document(purpose={"ko": None, "en": None}, contest={"ko": None, "en": None})
    r = c.post("/en/ai-register/new", data=form_data(doc))
    assert r.status_code == 422
    body = text_of(r)
    assert body.count("Fill in at least one language.") == 2 and "Please check the form." in body
    assert db_state() == before


def test_a_long_summary_is_a_422_with_its_message(app, official):
    c = client_for(app, official.person)
    before = db_state()
    r = c.post("/en/ai-register/new", data=form_data(entry_document(summary={"ko": "가" * 301, "en": "ok"})))
    assert r.status_code == 422 and "At most 300 characters." in text_of(r)
    assert db_state() == before


def test_a_withheld_field_without_legal_basis_is_a_422(app, official):
    c = client_for(app, official.person)
    before = db_state()
    row = {"field": "supplier", "label": {"ko": None, "en": None}, "ground": None,
           "reason": {"ko": "영업상 비밀", "en": None}}
    r = c.post("/en/ai-register/new", data=form_data(entry_document(supplier={"ko": None, "en": None},
                                                                    withheld=[row])))
    assert r.status_code == 422
    assert "Every withheld item needs its legal basis" in text_of(r)
    assert 'id="withheld-error"' in page_text(r)
    assert db_state() == before


def test_the_korean_page_shows_korean_messages(app, official):
    r = client_for(app, official.person).post("/ko/ai-register/new", data=form_data(
        entry_document(purpose={"ko": None, "en": None})))
    assert r.status_code == 422 and 'lang="ko"' in page_text(r)


def test_only_officials_open_the_new_entry_form(app, cso, unverified, client):
    assert client.get("/en/ai-register/new").status_code == 302  # to the login page
    for actor in (cso, unverified):
        c = client_for(app, actor.person)
        assert c.get("/en/ai-register/new").status_code == 403
        before = db_state()
        assert c.post("/en/ai-register/new", data=form_data(entry_document())).status_code == 403
        assert db_state() == before


def test_the_form_needs_its_csrf_token(app, official):
    c = client_for(app, official.person)
    before = db_state()
    r = c.post("/en/ai-register/new", data=form_data(entry_document()), csrf=False)
    assert r.status_code in (400, 422) and db_state() == before


# ---- edit -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_edit_form_shows_the_entry(app, official, entry, lang):
    r = client_for(app, official.person).get(f"/{lang}/ai-register/{entry.id}/edit")
    assert r.status_code == 200
    body = text_of(r)
    assert "복지급여 부정수급 위험 예측 시스템" in body and 'name="change_note-ko"' in body
    assert 'name="assessment_date"' not in body  # stages have their own form


def test_editing_through_the_form_makes_revision_two(app, official, entry):
    doc = {**entry.content, "status": "in_operation"}
    r = client_for(app, official.person).post(f"/en/ai-register/{entry.id}/edit", data=form_data(
        doc, **{"change_note-ko": "운영을 시작했습니다.", "change_note-en": "Now in operation."}))
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/en/ai-register/{entry.id}")
    db.session.expire_all()
    assert entry.revision == 2 and entry.content["assessment"] == doc["assessment"]
    rev = db.session.scalar(select(RegisterRevision).where(RegisterRevision.number == 2))
    assert rev.changed_fields == ["status"]


def test_an_edit_without_change_note_or_change_is_a_422(app, official, entry):
    c = client_for(app, official.person)
    before = db_state()
    r = c.post(f"/en/ai-register/{entry.id}/edit", data=form_data({**entry.content, "status": "retired"}))
    assert r.status_code == 422 and "Fill in at least one language." in text_of(r)
    r = c.post(f"/en/ai-register/{entry.id}/edit", data=form_data(entry.content, **{"change_note-en": "Nothing"}))
    assert r.status_code == 422 and "Nothing changed" in text_of(r)
    assert db_state() == before


def test_another_bodys_official_gets_403_and_unknown_ids_404(app, official, other_official, cso, entry):
    for actor in (other_official, cso):
        c = client_for(app, actor.person)
        before = db_state()
        for path in ("edit", "assessment", "consultations"):
            assert c.get(f"/en/ai-register/{entry.id}/{path}").status_code == 403
        r = c.post(f"/en/ai-register/{entry.id}/edit", data=form_data(
            {**entry.content, "status": "retired"}, **{"change_note-en": "Retired."}))
        assert r.status_code == 403
        assert c.post(f"/en/ai-register/{entry.id}/consultations/assessment").status_code == 403
        assert db_state() == before
    c = client_for(app, official.person)
    for path in ("edit", "assessment", "consultations", "flags"):
        assert c.get(f"/en/ai-register/{entry.id + 1000}/{path}").status_code == 404
    assert c.get("/en/ai-register/flags/999/answer").status_code == 404
    assert c.get("/en/ai-register/bodies/999/flags").status_code == 404


# ---- assessment stages ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_assessment_form_renders(app, official, entry, lang):
    r = client_for(app, official.person).get(f"/{lang}/ai-register/{entry.id}/assessment")
    assert r.status_code == 200 and 'enctype="multipart/form-data"' in page_text(r)


def test_recording_a_stage_with_its_pdf(app, official, entry):
    import io
    day = (utcnow() - timedelta(days=3)).date().isoformat()
    r = client_for(app, official.person).post(f"/en/ai-register/{entry.id}/assessment", data={
        "stage": "analysis", "date": day, "summary-ko": "분석을 마쳤습니다.", "summary-en": "Analysis done.",
        "pdf": (io.BytesIO(PDF), "분석 보고서.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 303, text_of(r)[:2000]
    db.session.expire_all()
    item = entry.content["assessment"]["analysis"]
    assert item["date"] == day and item["pdf"]["size"] == len(PDF) and entry.assessment_stage.value == "analysis"


def test_a_stage_dated_before_an_earlier_one_is_a_422(app, official, entry):
    import io
    before = db_state()
    r = client_for(app, official.person).post(f"/en/ai-register/{entry.id}/assessment", data={
        "stage": "analysis", "date": (utcnow() - timedelta(days=300)).date().isoformat(),
        "summary-en": "Analysis done.", "pdf": (io.BytesIO(b""), "")}, content_type="multipart/form-data")
    assert r.status_code == 422 and "cannot be dated before an earlier one" in text_of(r)
    assert db_state() == before


def test_a_file_that_is_not_a_pdf_is_a_422(app, official, entry):
    import io
    before = db_state()
    r = client_for(app, official.person).post(f"/en/ai-register/{entry.id}/assessment", data={
        "stage": "analysis", "date": utcnow().date().isoformat(), "summary-en": "Done.",
        "pdf": (io.BytesIO(b"MZ not a pdf"), "x.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 422 and "This file is not a PDF" in text_of(r)
    assert db_state() == before


# ---- consultations --------------------------------------------------------------------------------

def test_linking_a_published_consultation(app, official, entry):
    c = make_consultation(official)
    client = client_for(app, official.person)
    r = client.get(f"/en/ai-register/{entry.id}/consultations")
    assert r.status_code == 200 and f'value="{c.id}"' in page_text(r)
    r = client.post(f"/en/ai-register/{entry.id}/consultations", data={"consultation": str(c.id)})
    assert r.status_code == 303
    db.session.expire_all()
    assert entry.has_consultation and count(EntryConsultation) == 1


def test_linking_a_forged_consultation_id_is_refused(app, official, other_official, entry):
    theirs = make_consultation(other_official)
    before = db_state()
    r = client_for(app, official.person).post(f"/en/ai-register/{entry.id}/consultations",
                                              data={"consultation": str(theirs.id)})
    assert r.status_code == 422 and db_state() == before


def test_opening_an_assessment_consultation_goes_to_its_edit_page(app, official, entry):
    r = client_for(app, official.person).post(f"/en/ai-register/{entry.id}/consultations/assessment")
    assert r.status_code == 303
    c = db.session.scalars(select(Consultation)).one()
    assert r.headers["Location"].endswith(f"/en/consultations/{c.id}/edit")
    assert c.published_at is None


def test_opening_needs_the_csrf_token(app, official, entry):
    before = db_state()
    r = client_for(app, official.person).post(f"/en/ai-register/{entry.id}/consultations/assessment", csrf=False)
    assert r.status_code == 400 and db_state() == before


# ---- flags and answers ----------------------------------------------------------------------------

FLAG = {"kind": "missing_information", "field": "supplier", "body": "공급 기업이 누구인지 밝혀 주십시오.",
        "lang": "ko", "evidence_url": ""}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_flag_form_renders(app, cso, entry, lang):
    r = client_for(app, cso.person).get(f"/{lang}/ai-register/{entry.id}/flags")
    assert r.status_code == 200 and 'name="body"' in page_text(r)


def test_a_cso_flags_an_entry_and_the_officials_are_mailed(app, cso, official, entry, outbox):
    r = client_for(app, cso.person).post(f"/en/ai-register/{entry.id}/flags", data={"org": str(cso.org.id), **FLAG})
    assert r.status_code == 303
    flag = db.session.scalars(select(Flag)).one()
    assert r.headers["Location"].endswith(f"/en/ai-register/{entry.id}#flag-{flag.id}")
    assert (flag.kind, flag.field, flag.organization_id) == (FlagKind.MISSING_INFORMATION, "supplier", cso.org.id)
    assert official.person.email in {m.to_address for m in outbox()}


def test_an_unverified_org_cannot_flag(app, unverified, official, entry):
    c = client_for(app, unverified.person)
    before = db_state()
    assert c.get(f"/en/ai-register/{entry.id}/flags").status_code == 403
    assert c.post(f"/en/ai-register/{entry.id}/flags", data={"org": str(unverified.org.id), **FLAG}).status_code == 403
    assert client_for(app, official.person).post(f"/en/ai-register/{entry.id}/flags", data=FLAG).status_code == 403
    assert db_state() == before


def test_a_flag_without_text_is_a_422(app, cso, entry):
    before = db_state()
    r = client_for(app, cso.person).post(f"/en/ai-register/{entry.id}/flags",
                                         data={"org": str(cso.org.id), **FLAG, "body": ""})
    assert r.status_code == 422 and "Write your text." in text_of(r) and db_state() == before


def test_an_unregistered_system_needs_evidence(app, cso, official):
    c = client_for(app, cso.person)
    url = f"/en/ai-register/bodies/{official.org.id}/flags"
    assert c.get(url).status_code == 200
    before = db_state()
    data = {"org": str(cso.org.id), "body": "민원 분류에 인공지능을 씁니다.", "lang": "ko"}
    r = c.post(url, data={**data, "evidence_url": ""})
    assert r.status_code == 422 and "Link to the evidence" in text_of(r) and db_state() == before
    r = c.post(url, data={**data, "evidence_url": "javascript:alert(1)"})
    assert r.status_code == 422 and db_state() == before
    r = c.post(url, data={**data, "evidence_url": "https://news.example.org/ai"})
    assert r.status_code == 303
    flag = db.session.scalars(select(Flag)).one()
    assert flag.kind is FlagKind.UNREGISTERED_SYSTEM and flag.entry_id is None and flag.body_org_id == official.org.id


def test_the_body_answers_a_flag_once(app, cso, official, other_official, entry, outbox):
    flag = register.flag_entry(cso, body_org=official.org, entry=entry, kind=FlagKind.DISAGREEMENT,
                               body="평가가 부족합니다.", lang="ko", now=utcnow())
    url = f"/en/ai-register/flags/{flag.id}/answer"
    prefix = f"answer-{flag.id}-"
    answer = {f"{prefix}outcome": "noted", f"{prefix}answer-ko": "다음 개정 때 반영하겠습니다.", f"{prefix}answer-en": ""}
    for who in (other_official, cso):
        c = client_for(app, who.person)
        before = db_state()
        assert c.get(url).status_code == 403 and c.post(url, data=answer).status_code == 403
        assert db_state() == before
    c = client_for(app, official.person)
    assert c.get(url).status_code == 200
    before = db_state()
    r = c.post(url, data={**answer, f"{prefix}answer-ko": ""})
    assert r.status_code == 422 and db_state() == before
    r = c.post(url, data=answer)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"#flag-{flag.id}")
    db.session.expire_all()
    assert flag.outcome.value == "noted" and flag.answer.ko == "다음 개정 때 반영하겠습니다."
    assert cso.person.email in {m.to_address for m in outbox()}
    before = db_state()
    assert c.post(url, data=answer).status_code == 422 and db_state() == before


# ---- the entry page's includes --------------------------------------------------------------------

def test_the_entry_page_shows_officials_buttons_and_flag_forms(app, official, cso, entry, client):
    flag = register.flag_entry(cso, body_org=official.org, entry=entry, kind=FlagKind.DISAGREEMENT,
                               body="평가가 부족합니다.", lang="ko", now=utcnow())
    body = page_text(client_for(app, official.person).get(f"/en/ai-register/{entry.id}"))
    assert f"/en/ai-register/{entry.id}/edit" in body and f"/en/ai-register/flags/{flag.id}/answer" in body
    body = page_text(client_for(app, cso.person).get(f"/en/ai-register/{entry.id}"))
    assert f"/en/ai-register/{entry.id}/edit" not in body and f'action="/en/ai-register/{entry.id}/flags"' in body
    assert "평가가 부족합니다." in body
    body = page_text(client.get(f"/ko/ai-register/{entry.id}"))
    assert "/edit" not in body and f"/ai-register/flags/{flag.id}/answer" not in body


# ---- linked both ways, and in the record ------------------------------------------------------------

def test_the_consultation_page_lists_its_register_entries(official, entry, client):
    c = make_consultation(official)
    register.link_consultation(official, entry, c, now=utcnow())
    body = text_of(client.get(f"/en/consultations/{c.id}"))
    assert "AI register entries about this system" in body and f'href="/en/ai-register/{entry.id}"' in body
    assert "복지급여 부정수급" in body or "Welfare benefit fraud" in body


def test_the_log_names_the_entry_and_filters_by_it(official, entry, make_entry, client):
    other = make_entry(official, system_name={"ko": "민원 분류 도우미", "en": "Complaint sorter"})
    r = client.get(f"/en/log?register_entry={entry.id}")
    assert r.status_code == 200
    body = text_of(r)
    assert f'href="/en/ai-register/{entry.id}"' in body and "Welfare benefit fraud risk prediction system" in body
    assert "Complaint sorter" not in body
    assert "Complaint sorter" in text_of(client.get("/en/log"))
    assert client.get("/en/log?register_entry=x").status_code == 400
    assert other.id != entry.id
