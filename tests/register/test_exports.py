"""The AI register as open data: the whole register as CSV (UTF-8 with a BOM, one column per field and
language, withheld fields with their legal basis) and JSON (documented keys, the document exactly as
hashed), one entry as JSON, and the Atom feed of changes."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import timedelta
from xml.etree import ElementTree

import pytest
import rfc8785

from consult.extensions import utcnow
from consult.i18n import Bilingual
from consult.register import actions
from consult.register.fields import FIELDS
from consult.register.views import csv_columns
from tests.factories import make_consultation

from .test_views import NO_ASSESSMENT, _text, searchable

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def entries(official, other_official, make_entry):  # type: ignore[no-untyped-def]
    now = utcnow()
    welfare = make_entry(official, now=now - timedelta(days=3))
    face = make_entry(other_official, now=now - timedelta(days=2), **searchable(
        ("얼굴 인식 출입 관리", "Face recognition entry control"), supplier=_text(None, None)),
        status="in_operation", high_impact="under_review", areas=["biometric_law_enforcement"], withheld=[
            {"field": "supplier", "label": None, "ground": 7, "reason": _text("영업비밀", "Trade secret")},
            {"field": "other", "label": _text("임계값", "Thresholds"), "ground": 4, "reason": _text("우회 방지", "Evasion")}],
        **NO_ASSESSMENT)
    c = make_consultation(official)
    actions.link_consultation(official, welfare, c, now=now)
    actions.revise_entry(official, welfare, {**welfare.content, "purpose": _text("새 목적", "New purpose")},
                         Bilingual("목적 변경", "Purpose changed"), now=now)
    return {"welfare": welfare, "face": face, "consultation": c}


def test_csv_has_a_bom_a_header_per_field_and_language_and_one_row_per_entry(client, entries):  # type: ignore[no-untyped-def]
    r = client.get("/en/ai-register/register.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    raw = r.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    header = list(rows[0].keys())
    assert header == csv_columns()
    for f in FIELDS:
        if f.kind in ("text", "long"):
            assert f"{f.key}_ko" in header and f"{f.key}_en" in header
    assert {"status_date_pilot", "assessment_planning_date", "assessment_disclosure_summary_en", "risks_ko",
            "withheld_en", "personal_data", "areas", "consultations"} <= set(header)
    assert len(rows) == 2
    by_id = {int(row["id"]): row for row in rows}
    welfare, face = by_id[entries["welfare"].id], by_id[entries["face"].id]
    assert welfare["system_name_ko"] == "복지급여 부정수급 위험 예측 시스템"
    assert welfare["purpose_en"] == "New purpose" and welfare["revision"] == "2"
    assert welfare["personal_data"] == "yes" and welfare["areas"] == "public_service_decisions"
    assert welfare["content_sha256"] == entries["welfare"].content_sha256
    assert f"/consultations/{entries['consultation'].id}" in welfare["consultations"]
    assert face["supplier_en"] == "withheld: Official Information Disclosure Act, Article 9(1), item 7"
    assert face["supplier_ko"] == "비공개: 「공공기관의 정보공개에 관한 법률」 제9조제1항제7호"
    assert "Thresholds: withheld: Official Information Disclosure Act, Article 9(1), item 4 — Evasion" in face["withheld_en"]
    assert face["assessment_planning_date"] == "" and face["no_assessment_reason_en"] == "No assessment is planned yet."


def _canonical_sha256(doc: dict) -> str:  # type: ignore[type-arg]
    return hashlib.sha256(rfc8785.dumps(doc)).hexdigest()


def test_register_json_has_the_documented_keys_and_hashable_documents(client, entries):  # type: ignore[no-untyped-def]
    r = client.get("/ko/ai-register/register.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    data = json.loads(r.get_data(as_text=True))
    assert set(data) == {"schema", "generated_at", "source", "fields", "grounds", "entries"}
    assert [f["key"] for f in data["fields"]] == [f.key for f in FIELDS]
    assert {"key", "kind", "section", "required", "withholdable", "atrs", "nl"} == set(data["fields"][0])
    assert set(data["grounds"]) == {str(n) for n in range(1, 9)}
    assert len(data["entries"]) == 2
    for e in data["entries"]:
        assert set(e) == {"id", "body", "revision", "created_at", "updated_at", "content_sha256", "links",
                          "consultations", "content"}
        assert set(e["body"]) == {"id", "slug", "name", "url"} and set(e["links"]) == {"page", "history", "json"}
        assert set(e["content"]) == {f.key for f in FIELDS}
        assert _canonical_sha256(e["content"]) == e["content_sha256"]  # anyone can check the hash
    welfare = next(e for e in data["entries"] if e["id"] == entries["welfare"].id)
    assert welfare["revision"] == 2 and welfare["consultations"][0]["id"] == entries["consultation"].id
    assert welfare["consultations"][0]["record"].endswith(f"/consultations/{entries['consultation'].id}/record")
    assert welfare["links"]["page"] == f"http://localhost/ko/ai-register/{welfare['id']}"


def test_entry_json(client, entries):  # type: ignore[no-untyped-def]
    face = entries["face"]
    r = client.get(f"/en/ai-register/{face.id}.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    data = r.get_json()
    assert data["id"] == face.id and data["schema"].startswith("https://")
    assert data["content"]["withheld"][0] == {"field": "supplier", "label": {"ko": None, "en": None}, "ground": 7,
                                             "reason": {"ko": "영업비밀", "en": "Trade secret"}}
    assert data["content"]["supplier"] == {"ko": None, "en": None}
    assert _canonical_sha256(data["content"]) == data["content_sha256"] == face.content_sha256
    assert client.get("/en/ai-register/424242.json").status_code == 404


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_atom_feed_of_changes(client, entries, lang):  # type: ignore[no-untyped-def]
    r = client.get(f"/{lang}/ai-register/feed.atom")
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(r.get_data())
    assert feed.tag == f"{ATOM}feed"
    items = feed.findall(f"{ATOM}entry")
    assert len(items) == 3  # two registrations and one revision
    first = items[0]
    assert first.find(f"{ATOM}link").get("href").endswith(f"/ai-register/{entries['welfare'].id}/revisions/2")  # type: ignore[union-attr]
    if lang == "en":
        assert first.findtext(f"{ATOM}title") == "Revision 2: Welfare benefit fraud risk prediction system"
        assert "Purpose changed" in (first.findtext(f"{ATOM}summary") or "")
        assert "Purpose and task" in (first.findtext(f"{ATOM}summary") or "")
    ids = [i.findtext(f"{ATOM}id") for i in items]
    assert len(set(ids)) == 3
    updated = [i.findtext(f"{ATOM}updated") for i in items]
    assert updated == sorted(updated, reverse=True)


def test_exports_of_an_empty_register(client, app):  # type: ignore[no-untyped-def]
    assert json.loads(client.get("/en/ai-register/register.json").get_data(as_text=True))["entries"] == []
    raw = client.get("/en/ai-register/register.csv").get_data()
    assert raw.decode("utf-8-sig").splitlines() == [",".join(csv_columns())]
    feed = ElementTree.fromstring(client.get("/en/ai-register/feed.atom").get_data())
    assert feed.findall(f"{ATOM}entry") == []
