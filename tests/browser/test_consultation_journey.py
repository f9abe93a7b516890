"""Consultations in a real browser: an official drafts and publishes, a civil-society organisation
comments, the official publishes a revised version and answers the comment, and anyone sees all of it
(the comment, the answer, the word-by-word changes, the chart) in Korean and in English. axe-core checks
every page the journey visits. Plus: a comment sent after the deadline is refused and nothing is saved,
and the list's filters narrow in place with htmx and work the same without JavaScript."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, gettext

from consult.consultations.models import Comment, CommentRevision
from consult.extensions import utcnow
from consult.i18n import Bilingual
from consult.orgs.models import OrgKind

from ..conftest import count
from ..factories import PASSWORD, commenter, make_consultation, make_official, make_org, make_person
from .conftest import axe_violations, describe_violations, log_in, release_database

pytestmark = pytest.mark.browser

SEOUL = ZoneInfo("Asia/Seoul")
COMMENT = "제2조의 평가 시점을 **도입 전**으로 명확히 해 주십시오. 평가 결과도 공개해야 합니다."
REASON = Bilingual("평가 결과 공개 의무를 제2조에 추가했습니다.", "Article 2 now requires the results to be published.")
NEW_ARTICLE_2 = Bilingual("공공기관은 고영향 인공지능을 도입하기 전에 인권영향평가를 실시하고 그 결과를 공개하여야 한다.",
                          "A public body shall carry out a human rights impact assessment before introducing "
                          "high-impact AI and shall publish its results.")
SECTIONS = [
    (Bilingual("제1조", "Article 1"), Bilingual("목적", "Purpose"),
     Bilingual("이 지침은 공공기관의 인공지능 이용에 관하여 필요한 사항을 정함을 목적으로 한다.",
               "This guideline sets out what public bodies must do when they use artificial intelligence.")),
    (Bilingual("제2조", "Article 2"), Bilingual("영향평가", "Impact assessment"),
     Bilingual("공공기관은 고영향 인공지능을 도입하기 전에 인권영향평가를 실시하여야 한다.",
               "A public body shall carry out a human rights impact assessment before introducing high-impact AI.")),
    (Bilingual("제3조", "Article 3"), Bilingual("공개", "Disclosure"),
     Bilingual("공공기관은 평가 결과를 누리집에 공개하여야 한다.",
               "A public body shall publish the results of the assessment on its website.")),
]


class Axe:
    """Runs axe-core on every page a journey shows and collects what it finds (asserted at the end)."""

    def __init__(self) -> None:
        self.findings: list[str] = []
        self.pages: list[str] = []

    def __call__(self, page: Any, what: str = "") -> None:
        where = page.url.split("/", 3)[-1] + (f" ({what})" if what else "")
        self.pages.append(where)
        self.findings.extend(describe_violations("/" + where, axe_violations(page)))

    def assert_clean(self) -> None:
        assert not self.findings, f"{len(self.findings)} accessibility violations:\n" + "\n".join(self.findings)


def _submit(page: Any, form: str) -> None:
    """Send the form matched by the CSS selector `form` with its submit button; wait for the next page."""
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").click()


def _tick(page: Any, box_id: str) -> None:
    """Tick a KRDS checkbox or radio as people do, on its label (the label covers the input)."""
    page.locator(f"label[for='{box_id}']").click()
    assert page.locator(f"#{box_id}").is_checked()


def _fill_bilingual(page: Any, name: str, value: Bilingual) -> None:
    page.locator(f"#{name}-ko").fill(value.ko or "")
    page.locator(f"#{name}-en").fill(value.en or "")


def _flash(page: Any) -> str:
    return page.locator(".flashes").inner_text()


def _opening_day() -> str:
    """The first day the form can open a consultation that is open right away: today in Seoul once 09:00
    (the opening hour) has passed, else yesterday (publishing accepts an opening at most a day back)."""
    seoul = datetime.now(SEOUL)
    day = seoul.date() if seoul.hour >= 9 else seoul.date() - timedelta(days=1)
    return day.isoformat()


def test_official_publishes_cso_comments_official_revises_and_answers_anyone_sees_it(app, live_server,
                                                                                       new_context):
    official = make_person(email="official@msit.example.go.kr", name="정민호")
    make_org(kind=OrgKind.GOVERNMENT, admin=official, name_ko="과학기술정보통신부", name_en="Ministry of Science and ICT")
    member = make_person(email="kim.haneul@digitalrights.example.org", name="김하늘")
    make_org(admin=member, name_ko="디지털권리포럼", name_en="Digital Rights Forum")
    official_email, member_email = official.email, member.email
    release_database()
    axe = Axe()

    # the official, in Korean: a new consultation through the form, three sections, publish
    desk = new_context().new_page()
    log_in(desk, official_email, PASSWORD, "ko")
    desk.goto("/ko/consultations/")
    axe(desk)
    with desk.expect_navigation():
        desk.locator("main a[href*='/consultations/new']").click()
    axe(desk)
    _fill_bilingual(desk, "title", Bilingual("인공지능 공공이용 지침(안) 행정예고",
                                             "Administrative notice: draft guideline on public-sector AI"))
    _fill_bilingual(desk, "summary", Bilingual("공공기관의 인공지능 이용 원칙을 정합니다.",
                                               "Sets principles for public bodies' use of AI."))
    _tick(desk, "target_groups-1")  # civil society
    _tick(desk, "target_groups-2")  # academia
    desk.locator("#opens_on").fill(_opening_day())
    desk.locator("#closes_on").fill((datetime.now(SEOUL).date() + timedelta(days=30)).isoformat())
    _submit(desk, "main form")
    assert re.search(r"/ko/consultations/\d+/manage$", desk.url), desk.url + desk.locator("main").inner_text()[:800]
    consultation = int(desk.url.split("/")[-2])
    manage = f"/ko/consultations/{consultation}/manage"
    axe(desk)
    for number, heading, body in SECTIONS:
        with desk.expect_navigation():
            desk.locator("a[href$='/versions/1/sections/new']").click()
        if number.en == "Article 1":
            axe(desk)
        _fill_bilingual(desk, "number", number)
        _fill_bilingual(desk, "heading", heading)
        _fill_bilingual(desk, "body", body)
        _submit(desk, "main form")
        assert desk.url.endswith(f"{manage}#editable"), desk.url
    assert desk.locator(".manage-sections > li").count() == 3
    axe(desk, "three sections")
    _submit(desk, f"form[action$='/consultations/{consultation}/publish']")
    assert desk.url.endswith(f"/ko/consultations/{consultation}"), desk.url + _flash(desk)
    assert desk.locator("ol.sections > li").count() == 3
    axe(desk)

    # a member of a verified civil-society organisation, in English, comments on article 2
    cso = new_context().new_page()
    log_in(cso, member_email, PASSWORD)
    cso.goto(f"/en/consultations/{consultation}")
    axe(cso, "with the comment form")
    form = cso.locator("#comment-form")
    assert form.locator("#author option:checked").inner_text() == "Digital Rights Forum"
    form.locator("#section").select_option(label="Article 2 Impact assessment")
    form.locator("#body").fill(COMMENT)
    preview = cso.locator("#comment-preview strong")
    preview.wait_for()  # the live preview, rendered by the server as the comment will be
    assert preview.inner_text() == "도입 전"
    axe(cso, "with the preview")
    _submit(cso, "#comment-form")
    assert re.search(rf"/en/consultations/{consultation}/comments/\d+$", cso.url), cso.url
    comment = int(cso.url.rsplit("/", 1)[1])
    assert "submitted" in _flash(cso)
    assert cso.locator(".comment-body strong").inner_text() == "도입 전"
    axe(cso)

    # the official starts version 2, rewrites article 2, says what changed and publishes it
    desk.goto(manage)
    _submit(desk, f"form[action$='/consultations/{consultation}/versions/new']")
    assert desk.url.endswith(f"{manage}#editable"), desk.url
    axe(desk, "version 2 being prepared")
    with desk.expect_navigation():
        desk.locator(".manage-sections > li").nth(1).locator("a[href*='/versions/2/sections/']").click()
    assert desk.locator("#body-ko").input_value() == SECTIONS[1][2].ko  # a copy of version 1
    axe(desk)
    _fill_bilingual(desk, "body", NEW_ARTICLE_2)
    _submit(desk, "main form")
    _fill_bilingual(desk, "change_note", Bilingual("제2조에 평가 결과 공개 의무를 추가했습니다.",
                                                   "Article 2 now requires publishing the assessment's results."))
    _submit(desk, f"form[action$='/consultations/{consultation}/versions/2']")
    assert desk.url.endswith(f"{manage}#editable"), desk.url + desk.locator("main").inner_text()[:800]
    _submit(desk, f"form[action$='/consultations/{consultation}/versions/2/publish']")
    assert desk.url.endswith(f"/ko/consultations/{consultation}/versions/2/changes"), desk.url + _flash(desk)
    assert desk.locator("#section-s2 ins").count() > 0
    axe(desk)

    # … and records the disposition of the comment, linking the changed article of version 2
    desk.goto(f"/ko/consultations/{consultation}")
    with desk.expect_navigation():
        desk.locator(f"#comment-{comment} .comment-title a").click()
    axe(desk)
    with desk.expect_navigation():
        desk.locator(f"a[href$='/comments/{comment}/disposition']").click()
    axe(desk)
    _tick(desk, "outcome-1")  # partially accepted
    _fill_bilingual(desk, "reason", REASON)
    changed = desk.locator("label[for^='changed_sections-']", has_text="제2조")
    assert changed.count() == 1 and "2" in changed.inner_text()  # version 2's article 2
    _tick(desk, changed.get_attribute("for"))
    _submit(desk, "main form")
    assert desk.url.endswith(f"/ko/consultations/{consultation}/comments/{comment}"), desk.url
    axe(desk, "with its disposition")

    # anyone, logged out, in Korean and in English
    visitor = new_context().new_page()
    for lang in ("ko", "en"):
        visitor.goto(f"/{lang}/consultations/{consultation}")
        card = visitor.locator(f"#comment-{comment}")
        assert card.locator(".comment-body strong").inner_text() == "도입 전"
        assert ("Digital Rights Forum" if lang == "en" else "디지털권리포럼") in card.inner_text()
        box = card.locator(".disposition")
        assert getattr(REASON, lang) in box.inner_text()
        axe(visitor)
        with visitor.expect_navigation():
            box.locator("a[href*='/versions/2/changes#section-s2']").click()
        assert visitor.url.endswith(f"/{lang}/consultations/{consultation}/versions/2/changes#section-s2")
        article = visitor.locator("#section-s2")
        added = " ".join(article.locator(f"[lang={lang}] ins").all_inner_texts())
        assert ("결과를 공개" in added) if lang == "ko" else ("publish its results" in added), added
        assert article.locator(f"[lang={lang}] del").count() > 0  # "실시하여야" / "AI." gave way
        assert visitor.locator("#section-s1 ins, #section-s3 ins").count() == 0  # unchanged
        axe(visitor)
        visitor.goto(f"/{lang}/consultations/{consultation}/report")
        chart = visitor.locator("svg.outcome-chart")
        assert chart.is_visible() and chart.locator("rect").count() > 0
        assert visitor.locator("svg.outcome-chart title").first.text_content()  # named, in the page's language
        rows = visitor.locator("table.tbl.data tbody tr")
        assert rows.count() == 1  # one stakeholder group commented: civil society
        cells = rows.first.locator("td").all_inner_texts()
        assert cells == ["0", "1", "0", "0", "0", "0", "1"], cells  # partially accepted: 1, of 1 comment
        axe(visitor)
    assert len(axe.pages) >= 20, axe.pages
    axe.assert_clean()


REFUSED = ("You cannot comment on this consultation now: it is not open, or you may not comment on it. "
           "Nothing was saved.")


def test_comment_sent_after_the_deadline_is_refused_and_nothing_is_saved(app, live_server, page, record_size,
                                                                          monkeypatch):
    consultation = make_consultation(make_official())
    cid = consultation.id
    member_email = commenter().person.email
    before = record_size()
    with force_locale("ko"):
        refused = gettext(REFUSED)
    release_database()
    axe = Axe()

    log_in(page, member_email, PASSWORD, "ko")
    page.goto(f"/ko/consultations/{cid}")
    page.locator("#body").fill("마감 직전에 쓴 의견입니다.")
    axe(page, "the comment form, before the deadline")
    # the deadline passes while the form is open: the consultation pages' clock moves past it
    late = utcnow() + timedelta(days=60)
    monkeypatch.setattr("consult.consultations.views.utcnow", lambda: late)
    with page.expect_navigation() as navigation:
        page.locator("#comment-form button[type=submit]").click()
    assert navigation.value.status == 403
    notice = page.locator("main .notice").inner_text()
    assert notice == refused, notice
    assert refused != REFUSED, "the refusal is not translated into Korean"
    axe(page, "the refusal")
    assert count(Comment) == 0 and count(CommentRevision) == 0
    assert record_size() == before
    release_database()
    axe.assert_clean()


def _titles(page: Any) -> list[str]:
    return page.locator("#consultation-results .org-card-title").all_inner_texts()


def test_list_filters_narrow_in_place_and_without_javascript(app, live_server, new_context):
    ministry = make_official()
    make_consultation(ministry, title=Bilingual("열린 지침(안)", "Open guideline"))
    make_consultation(ministry, opened_days_ago=40, days_open=25, title=Bilingual("마감된 지침(안)", "Closed guideline"))
    other = make_official()
    make_consultation(other, opened_days_ago=None, title=Bilingual("예정된 지침(안)", "Scheduled guideline"))
    other_slug = other.org.slug
    release_database()
    axe = Axe()

    page = new_context().new_page()
    page.goto("/ko/consultations/")
    assert sorted(_titles(page)) == ["마감된 지침(안)", "열린 지침(안)", "예정된 지침(안)"]
    assert not page.locator("form.filters button[type=submit]").is_visible()  # htmx filters on change
    page.evaluate("() => { window.notReloaded = true; }")
    with page.expect_response(lambda r: "status=closed" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("#status").select_option("closed")
    page.wait_for_url(re.compile(r"/ko/consultations/\?status=closed"))
    page.wait_for_function("() => document.querySelectorAll('#consultation-results .consultation-card').length === 1")
    assert _titles(page) == ["마감된 지침(안)"]
    assert page.evaluate("() => window.notReloaded") is True  # the same document: no reload
    assert page.evaluate("() => document.activeElement.id") == "consultation-results"  # focus follows
    axe(page, "filtered by status")
    page.locator("#status").select_option("")
    with page.expect_response(lambda r: f"org={other_slug}" in r.url):
        page.locator("#org").select_option(other_slug)
    page.wait_for_function("() => document.querySelectorAll('#consultation-results .consultation-card').length === 1")
    assert _titles(page) == ["예정된 지침(안)"]
    assert page.evaluate("() => window.notReloaded") is True

    without_js = new_context(java_script_enabled=False).new_page()
    without_js.goto("/ko/consultations/")
    without_js.locator("#status").select_option("closed")
    _submit(without_js, "form.filters")
    assert re.search(r"/ko/consultations/\?status=closed(&|$)", without_js.url), without_js.url
    assert _titles(without_js) == ["마감된 지침(안)"]
    axe.assert_clean()  # (axe itself needs JavaScript: it checked the same list above, narrowed by htmx)
