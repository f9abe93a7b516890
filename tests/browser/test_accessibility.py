"""axe-core (WCAG 2.2 A/AA and best practices) finds nothing on any page, in Korean and in English.

The pages are crawled, not listed: from /ko/ and /en/, following links, as a visitor, as a platform
administrator, as the administrator of a verified organisation and as a ministry's official who owns
consultations in every state (tests/browser/crawl.py), plus the
error page and a form shown again with its errors. A new page that no link reaches fails the test.
"""
from __future__ import annotations

from typing import Any

import pytest

from .conftest import DESKTOP, PHONE, SCREENSHOTS, axe_violations, describe_violations, log_in
from .crawl import Checked, Crawler, Fetched, build_site, crawls, missing, missing_message, seeds

pytestmark = pytest.mark.browser

LINKS = "els => els.filter(a => !a.hasAttribute('download')).map(a => a.href)"


def _crawl(app: Any, page: Any, origin: str, crawl: str, site: Any, findings: list[str]) -> Crawler:
    def fetch(path: str) -> Fetched:
        response = page.goto(path)
        return Fetched(response.status if response else 0, page.url, page.eval_on_selector_all("a[href]", LINKS))

    def check(path: str, _fetched: Fetched) -> None:
        where = f"[{crawl}] {path}"
        findings.extend(describe_violations(where, axe_violations(page)))
        key = crawler.key(path)
        html_lang = page.evaluate("() => document.documentElement.lang")
        if key and key[1] and html_lang != key[1]:
            findings.append(f"{where}: <html lang={html_lang!r}> on a page of the {key[1]!r} site")

    crawler = Crawler(app, origin, fetch, check)
    crawler.run(seeds(site, crawl))
    return crawler


def test_every_page_passes_axe_in_both_languages(app, live_server, new_context, outbox):
    site = build_site(outbox)
    findings: list[str] = []
    problems: list[str] = []
    checked: list[Checked] = []
    counts = {}
    for crawl, email in crawls(site):
        page = new_context().new_page()
        if email:
            log_in(page, email, site.password)
        crawler = _crawl(app, page, live_server, crawl, site, findings)
        checked += crawler.checked
        counts[crawl] = len(crawler.checked)
        problems += [f"[{crawl}] {p}" for p in crawler.problems]
        if crawl == "anonymous":  # a form shown again with its messages (422), in both languages
            for lang in ("ko", "en"):
                page.goto(f"/{lang}/register")
                with page.expect_navigation():
                    page.locator("main form button[type=submit]").click()
                assert page.locator(".form-hint-invalid").count() > 0
                findings.extend(describe_violations(f"[anonymous] /{lang}/register (empty form sent)",
                                                    axe_violations(page)))
        page.context.close()
    print(f"axe checked {counts} pages by crawling, and 2 forms shown with errors")  # seen with -s
    assert not missing(app, checked), missing_message(app, checked)
    assert not problems, "\n".join(problems)
    assert not findings, f"{len(findings)} accessibility violations:\n" + "\n".join(findings)


@pytest.mark.parametrize("viewport_name, viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_key_pages_pass_axe_on_desktop_and_phone(app, live_server, new_context, outbox, viewport_name, viewport):
    site = build_site(outbox)
    page = new_context(viewport=viewport).new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    findings: list[str] = []
    for lang in ("ko", "en"):
        for name, path in (("home", f"/{lang}/"), ("register", f"/{lang}/register"),
                           ("organisation", f"/{lang}/organizations/{site.verified_slug}"),
                           ("directory", f"/{lang}/organizations/")):
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            findings.extend(describe_violations(f"{viewport_name} {path}", axe_violations(page)))
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}-{viewport_name}.png"), full_page=True)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                findings.append(f"{viewport_name} {path}: the page is {overflow}px wider than the screen")
    assert not findings, f"{len(findings)} problems:\n" + "\n".join(findings)


def test_axe_sees_a_violation(app, live_server, page):
    """The check above can fail: an image without a text alternative is reported, with its selector."""
    page.goto("/en/")
    page.evaluate("() => { const img = document.createElement('img'); img.id = 'unlabelled';"
                  " img.src = '/static/img/logo.svg'; document.querySelector('main').append(img); }")
    [violation] = axe_violations(page)
    assert violation["id"] == "image-alt" and violation["nodes"][0]["target"] == "#unlabelled"
    assert "image-alt (critical)" in describe_violations("/en/", [violation])[0]
