"""Search and open data in a real browser (issue 9, "Done when"): a logged-out visitor searches 규제 and
인공지능의 and finds the matching sections, comments and register entries, in Korean and in English;
follows a citable short link from a page's "Cite or link" box; downloads the day's dump (its
datapackage.json) and the OpenAPI document. axe-core checks every page the journey shows."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

from consult.extensions import utcnow

from ..factories import commenter, make_comment, make_consultation, make_entry, make_official
from .conftest import release_database
from .test_consultation_journey import Axe

pytestmark = pytest.mark.browser

REGULATION = "자율규제만으로는 부족합니다. 고영향 인공지능에는 법적 규제가 필요합니다."


def _groups(page: Any) -> dict[str, str]:
    """Each result group's heading → the text of its results."""
    found = {}
    for group in page.locator("#search-results section.search-group").all():
        found[group.locator("h2").inner_text()] = re.sub(r"\s+", " ", group.inner_text())
    return found


def test_visitor_searches_in_korean_and_english_follows_a_short_link_and_downloads_open_data(
        app, live_server, new_context, tmp_path):
    official = make_official()
    c = make_consultation(official)  # its sections speak of 인공지능 and 영향평가
    make_comment(c, commenter(), body=REGULATION)
    entry = make_entry(make_official())  # 복지급여 부정수급 위험 예측 시스템: "인공지능이 급여 자료를 분석해 …"
    cid, entry_id = c.id, entry.id
    app.config["DUMPS_PATH"] = str(tmp_path / "dumps")
    from consult.api.export import write_dump
    with app.test_request_context(base_url="http://gongnon.test"):  # as `flask export` runs it
        write_dump(utcnow())
    release_database()
    axe = Axe()
    page = new_context().new_page()

    # 규제 (two syllables) from the header's box: the comment, with the word marked
    page.goto("/ko/")
    page.locator("#header-q").fill("규제")
    with page.expect_navigation():
        page.locator("#header-q").press("Enter")
    assert "/ko/search?q=" in page.url
    groups = _groups(page)
    comments = next(text for heading, text in groups.items() if heading.startswith("의견"))
    assert "법적 규제가 필요합니다" in comments
    assert page.locator("#search-results mark", has_text="규제").count() >= 1
    axe(page, "규제")

    # 인공지능의 (a particle attached), narrowed in place: sections, comments and the register entry
    page.evaluate("() => { window.notReloaded = true }")
    page.locator("#search-q").fill("인공지능의")
    with page.expect_response(lambda r: "/ko/search" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("#search-q").press("Enter")
    page.wait_for_function("() => document.querySelector('#search-results').innerText.includes('복지급여')")
    assert page.evaluate("() => window.notReloaded") is True
    text = page.locator("#search-results").inner_text()
    assert "고영향 인공지능을 도입하기 전에" in text  # the section (제2조)
    assert "복지급여 부정수급 위험 예측 시스템" in text  # the register entry
    assert page.locator("#search-results mark", has_text="인공지능").count() >= 2
    axe(page, "인공지능의")

    # the same in English
    page.goto("/en/search?q=impact+assessment")
    text = page.locator("#search-results").inner_text()
    assert "human rights impact assessment" in text
    page.goto("/en/search?q=%EC%9D%B8%EA%B3%B5%EC%A7%80%EB%8A%A5%EC%9D%98")  # 인공지능의 on the English page
    assert "Welfare benefit fraud risk prediction system" in page.locator("#search-results").inner_text()
    axe(page, "인공지능의 in English")

    # a citable link: the consultation's short URL leads back to it, in the reader's language
    page.goto(f"/en/consultations/{cid}")
    page.locator("#cite-consultation summary").click()
    short = page.locator("#cite-consultation-url").input_value()
    assert re.fullmatch(rf"https?://[^/]+/c/{cid}", short), short
    assert "accessed" in page.locator("#cite-consultation-text").inner_text()
    axe(page, "cite box open")
    page.goto(re.sub(r"^https?://[^/]+", "", short))
    assert page.url.endswith(f"/en/consultations/{cid}")
    page.goto(f"/r/{entry_id}")
    assert re.search(rf"/(ko|en)/ai-register/{entry_id}$", page.url)

    # the open data: the day's dump and the OpenAPI document
    page.goto("/en/data")
    axe(page, "dumps")
    with page.expect_download() as download:
        page.locator("a[href$='/datapackage.json']").first.click()
    package = json.loads(open(download.value.path(), encoding="utf-8").read())
    paths = {r["path"] for r in package["resources"]}
    assert {"comments.csv", "sections.jsonl", "register_entries.csv", "checkpoint.txt"} - paths <= {"checkpoint.txt"}, paths
    page.goto("/ko/api")
    axe(page, "API reference")
    with page.expect_download() as download:
        page.locator("a[href$='/openapi.json']").first.click()
    document = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert document["openapi"].startswith("3.1") and "/consultations" in document["paths"]
    app.config.pop("DUMPS_PATH")
    axe.assert_clean()
