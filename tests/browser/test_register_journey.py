"""The AI register in a real browser (issue 8, "Done when"): an official of a ministry registers an AI
system through the form, records two stages of its human rights impact assessment (the second with its
report as a PDF) and opens a consultation on the assessment; a civil-society organisation flags a field
with missing information and the ministry answers in public; then a logged-out visitor finds the entry
by a two-syllable Korean word (the list narrowing in place with htmx), reads it in Korean and in English,
sees its history and the revision's field-by-field changes and the coverage chart with its table, and
downloads the register as CSV. axe-core checks every page the journey shows."""
from __future__ import annotations

import re
from types import SimpleNamespace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from consult.extensions import db
from consult.i18n import Bilingual
from consult.orgs.models import OrgKind
from consult.register.models import Flag, RegisterEntry

from ..factories import PASSWORD, make_org, make_person
from .conftest import log_in, release_database
from .test_consultation_journey import Axe, _fill_bilingual, _flash, _submit, _tick
from .test_statement_journey import _in

pytestmark = pytest.mark.browser

SEOUL = ZoneInfo("Asia/Seoul")
NAME = Bilingual("공항 출국장 얼굴인식 탑승 시스템", "Face-recognition boarding system at airport departures")
SUMMARY = Bilingual("출국장에서 얼굴 사진을 여권 사진과 대조해 탑승권 확인을 돕습니다. 원하지 않으면 직원에게 직접 확인받을 수 있습니다.",
                    "Matches travellers' faces with their passport photos at departure gates. Anyone may ask "
                    "staff to check them in person instead.")
TEXTS = {
    "unit": Bilingual("출입국심사과", "Immigration Inspection Division"),
    "purpose": Bilingual("탑승 수속 시간을 줄이고 신원 확인을 돕습니다.", "Shortens boarding and helps identity checks."),
    "data_sources": Bilingual("여권 사진, 현장 촬영 얼굴 사진", "Passport photos, photos taken at the gate"),
    "data_categories": Bilingual("얼굴 특징정보", "Facial templates"),
    "decision_role": Bilingual("불일치하면 직원이 직접 확인합니다.", "A mismatch goes to a member of staff."),
    "human_oversight": Bilingual("모든 불일치를 직원이 검토합니다.", "Staff review every mismatch."),
    "contest": Bilingual("출입국민원센터에 이의를 제기할 수 있습니다.", "Objections go to the immigration service centre."),
}
PLANNING = Bilingual("평가 계획을 세우고 영향받는 집단을 확인했습니다.", "Planned the assessment and identified who is affected.")
ANALYSIS = Bilingual("오인식률이 집단별로 다른지 분석했습니다.", "Analysed whether false matches differ between groups.")
FLAG = "The entry does not name the supplier of the face-matching model, nor how the contract was awarded."
ANSWER = Bilingual("공급사와 조달 방식을 다음 개정판에 기재하겠습니다.", "We will add the supplier and the procurement route.")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _days_ago(days: int) -> str:
    return (datetime.now(SEOUL).date() - timedelta(days=days)).isoformat()


def _entry() -> Any:
    """The entry as the database has it now (read, then the test thread's transaction ended)."""
    db.session.expire_all()
    entry = db.session.scalar(db.select(RegisterEntry))
    assert entry is not None
    seen = SimpleNamespace(id=entry.id, revision=entry.revision, content=entry.content,
                           content_sha256=entry.content_sha256)
    release_database()
    return seen


def _main(page: Any) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_official_registers_assesses_and_consults_cso_flags_body_answers_and_anyone_finds_it(
        app, live_server, new_context, tmp_path):
    official = make_person(email="official@moj.example.go.kr", name="한지우")
    make_org(kind=OrgKind.GOVERNMENT, admin=official, name_ko="법무부", name_en="Ministry of Justice")
    campaigner = make_person(email="campaigner@opencircuit.example.org", name="서다은", locale="en")
    cso = make_org(admin=campaigner, name_ko="열린회로", name_en="Open Circuit")
    official_email, campaigner_email, cso_id = official.email, campaigner.email, cso.id
    release_database()
    axe = Axe()

    # the official registers the system with the first stage of its assessment
    desk = new_context().new_page()
    log_in(desk, official_email, PASSWORD, lang="ko")
    desk.goto("/ko/ai-register/new")
    axe(desk, "empty form")
    _fill_bilingual(desk, "system_name", NAME)
    _fill_bilingual(desk, "summary", SUMMARY)
    for name, value in TEXTS.items():
        _fill_bilingual(desk, name, value)
    _tick(desk, desk.locator("input[name=status][value=pilot]").get_attribute("id"))
    _tick(desk, desk.locator("input[name=high_impact][value=yes]").get_attribute("id"))
    _tick(desk, desk.locator("input[name=areas][value=biometric_law_enforcement]").get_attribute("id"))
    _tick(desk, desk.locator("input[name=personal_data][value=yes]").get_attribute("id"))
    desk.locator("#status_dates-planning").fill(_days_ago(200))
    desk.locator("#status_dates-pilot").fill(_days_ago(30))
    desk.select_option("#assessment", "planning")
    desk.locator("#assessment_date").fill(_days_ago(60))
    _fill_bilingual(desk, "assessment_summary", PLANNING)
    _submit(desk, "main form[action*='/ai-register/new']")
    entry = _entry()
    assert desk.url.endswith(f"/ko/ai-register/{entry.id}"), desk.url + _main(desk)[:1500]
    assert _in("ko", "The AI system was registered. Its first revision and its hash are in the public record.") \
        in _flash(desk)
    assert NAME.ko in _main(desk) and entry.content_sha256 in _main(desk)
    axe(desk, "registered")

    # the second stage, with its report
    desk.goto(f"/ko/ai-register/{entry.id}/assessment")
    axe(desk, "assessment form")
    _tick(desk, desk.locator("input[name=stage][value=analysis]").get_attribute("id"))
    desk.locator("#date").fill(_days_ago(10))
    _fill_bilingual(desk, "summary", ANALYSIS)
    pdf = tmp_path / "analysis.pdf"
    pdf.write_bytes(PDF)
    desk.locator("#pdf").set_input_files(str(pdf))
    _submit(desk, "main form[enctype]")
    assert _in("ko", "The assessment stage was recorded as a new revision of the entry.") in _flash(desk)
    entry = _entry()
    assert entry.revision == 2 and list(entry.content["assessment"]) == ["planning", "analysis"]
    assert entry.content["assessment"]["analysis"]["pdf"]["filename"] == "analysis.pdf"

    # a consultation on the assessment: a draft of the ministry, linked to the entry, pre-filled
    _submit(desk, "form[action$='/consultations/assessment']")
    assert re.search(r"/ko/consultations/\d+/", desk.url), desk.url
    assert _in("ko", "A draft consultation on the impact assessment was created and linked to the entry. Check "
                     "its text and period, then publish it.") in _flash(desk)
    assert NAME.ko in desk.locator("#title-ko").input_value()  # pre-filled from the entry
    assert NAME.en in desk.locator("#title-en").input_value()

    # the civil-society organisation flags the missing supplier (in English)
    watcher = new_context().new_page()
    log_in(watcher, campaigner_email, PASSWORD)
    watcher.goto(f"/en/ai-register/{entry.id}")
    axe(watcher, "entry with the flag form")
    _tick(watcher, watcher.locator("input[name=kind][value=missing_information]").get_attribute("id"))
    watcher.select_option("#field", "supplier")
    watcher.locator("#body").fill(FLAG)
    _tick(watcher, watcher.locator("input[name=lang][value=en]").get_attribute("id"))
    _submit(watcher, "form[action$='/flags']")
    assert "Your flag was published" in _flash(watcher)
    flag = db.session.scalar(db.select(Flag))
    assert flag is not None and flag.organization_id == cso_id and flag.field == "supplier"
    flag_id = flag.id
    release_database()
    assert FLAG in _main(watcher)

    # the ministry answers in public
    desk.goto(f"/ko/ai-register/{entry.id}")
    answer = desk.locator(f"#flag-{flag_id} form")
    _tick(desk, answer.locator("input[name$='outcome'][value=accepted]").get_attribute("id"))
    answer.locator("[name$='answer-ko']").fill(ANSWER.ko or "")
    answer.locator("[name$='answer-en']").fill(ANSWER.en or "")
    with desk.expect_navigation():
        answer.locator("button[type=submit]").click()
    assert _in("ko", "Your answer was published. The organisation that raised the flag has been notified.") \
        in _flash(desk)
    axe(desk, "answered")

    # anyone, logged out: finds it by a two-syllable word, the list narrowing in place
    visitor = new_context().new_page()
    visitor.goto("/ko/ai-register/")
    visitor.evaluate("() => { window.notReloaded = true }")
    with visitor.expect_response(lambda r: "q=" in r.url and r.request.headers.get("hx-request") == "true"):
        visitor.locator("#q").fill("얼굴")  # typed through an IME: the keyup that ends composing
        visitor.locator("#q").press("End")
    visitor.wait_for_function("() => document.querySelector('#register-results').innerText.includes('탑승')")
    assert visitor.evaluate("() => window.notReloaded") is True
    assert "q=" in visitor.url
    axe(visitor, "search 얼굴")
    with visitor.expect_navigation():
        visitor.locator("#register-results a", has_text=NAME.ko).first.click()
    for lang, name in (("ko", NAME.ko), ("en", NAME.en)):
        visitor.goto(f"/{lang}/ai-register/{entry.id}")
        text = _main(visitor)
        assert name in text and (ANSWER.ko if lang == "ko" else ANSWER.en) in text and FLAG in text
        assert _in(lang, "Analysis and assessment") in text and _in(lang, "Planning and preparation") in text
        axe(visitor, f"entry in {lang}")
    visitor.goto(f"/en/ai-register/{entry.id}/history")
    history = _main(visitor)
    assert "Revision 2" in history and "Revision 1" in history and "Recorded the assessment stage" in history
    axe(visitor, "history")
    visitor.goto(f"/en/ai-register/{entry.id}/revisions/2")
    assert ANALYSIS.en in _main(visitor)
    axe(visitor, "revision 2")
    visitor.goto("/ko/ai-register/coverage")
    chart = visitor.locator("svg[role=img]")
    assert chart.count() == 1 and chart.get_attribute("aria-labelledby")  # named by its title and description
    row = visitor.locator("#coverage-table tbody tr", has_text="법무부")
    # one entry; it has an assessment; its consultation is still a draft, so it counts as without one
    assert re.sub(r"\s+", " ", row.inner_text()).split()[-3:] == ["1", "0", "1"]
    axe(visitor, "coverage")
    visitor.goto("/en/ai-register/")
    with visitor.expect_download() as download:
        visitor.locator("a[href$='/register.csv']").click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf") and NAME.ko.encode() in data and NAME.en.encode() in data
    axe.assert_clean()
