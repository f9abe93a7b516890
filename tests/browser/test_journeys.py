"""The main journeys in a real browser (chromium), against the app served over HTTP."""
from __future__ import annotations

import re
from typing import Any

import pytest

from consult.orgs.models import OrgKind

from ..factories import PASSWORD, make_org
from .conftest import log_in, log_out, release_database
from .crawl import loginable_platform_admin

pytestmark = pytest.mark.browser


def _mail_link(outbox, to: str, base_url: str) -> str:  # type: ignore[no-untyped-def]
    """The link in the newest mail to `to`, pointed at the live server instead of PUBLIC_URL."""
    bodies = [m.body for m in outbox() if m.to_address == to]
    release_database()
    assert bodies, f"no mail to {to}"
    match = re.search(r"http://gongnon\.test(/\S+)", bodies[-1])
    assert match, bodies[-1]
    return base_url + match.group(1)


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _tick(page: Any, box: Any) -> None:
    """Tick a KRDS checkbox or radio as people do, on its label (the label covers the input)."""
    page.locator(f"label[for='{box.get_attribute('id')}']").click()
    assert box.is_checked()


def _flash(page: Any) -> str:
    return page.locator(".flashes").inner_text()


def test_register_verify_create_organisation_and_get_it_verified(app, live_server, page, outbox):
    admin_email = loginable_platform_admin().email
    release_database()
    email = "park.jimin@example.org"

    # register, in English
    page.goto("/en/")
    with page.expect_navigation():
        page.get_by_role("link", name="Register", exact=True).click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Display name").fill("박지민")
    page.get_by_label("Name in Latin letters (optional)").fill("Park Jimin")
    page.get_by_label("Password (required)", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    _tick(page, page.get_by_role("radio", name="English"))
    _tick(page, page.get_by_role("checkbox", name="I agree to the collection and use of my personal data (required)"))
    _submit(page, "Register")
    assert page.url.endswith("/en/account")
    assert email in _flash(page)
    log_out(page)

    # the verification link from the mail, then log in
    page.goto(_mail_link(outbox, email, live_server))
    assert page.url.endswith("/en/login")
    assert "verified" in _flash(page)
    log_in(page, email, PASSWORD)
    assert page.locator("main").get_by_text("Verified", exact=True).is_visible()

    # register an organisation
    with page.expect_navigation():
        page.get_by_role("link", name="Register an organisation").click()
    name = page.get_by_role("group", name="Official name")
    name.get_by_label("Korean").fill("열린데이터연대")
    name.get_by_label("English").fill("Open Data Alliance")
    page.get_by_label("Kind of organisation").select_option("civil_society")
    page.get_by_label("Website").fill("https://opendata.example.org")
    _submit(page, "Register the organisation")
    assert re.search(r"/en/organizations/open-data-alliance$", page.url)
    assert page.locator("h1").inner_text() == "Open Data Alliance"
    assert page.locator("main .krds-badge").inner_text() == "Verification pending"
    log_out(page)

    # the platform administrator verifies it, with a basis in both languages
    log_in(page, admin_email, PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name="Verification queue").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Review Open Data Alliance").click()
    assert page.get_by_role("radio", name="Verify", exact=True).is_checked()
    basis = page.get_by_role("group", name="Basis or reason (public)")
    basis.get_by_label("Korean").fill("고유번호증 확인")
    basis.get_by_label("English").fill("Checked the tax registration certificate")
    _submit(page, "Record the decision")
    assert page.url.endswith("/en/admin/organizations")
    assert "recorded" in _flash(page)
    log_out(page)

    # anyone sees it verified, with the basis, and the log lists both steps
    page.goto("/en/organizations/open-data-alliance")
    assert page.locator("main .krds-badge").inner_text() == "Verified"
    assert page.get_by_text("Checked the tax registration certificate").is_visible()
    page.goto("/en/log")
    rows = page.locator("tbody tr", has=page.get_by_role("link", name="Open Data Alliance"))
    labels = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())]
    assert "Organisation created" in labels and "Organisation verified" in labels, labels
    with page.expect_navigation():
        rows.filter(has_text="Organisation verified").get_by_role("rowheader").get_by_role("link").click()
    leaf = page.locator("pre.leaf").first.inner_text()
    assert '"organization.verified"' in leaf and "Checked the tax registration certificate" in leaf


def test_language_switcher_keeps_the_page_and_its_query(app, live_server, page):
    org = make_org(name_ko="디지털권리포럼", name_en="Digital Rights Forum")
    slug = org.slug
    release_database()
    for path in ("/organizations/?kind=civil_society", f"/organizations/{slug}", "/log?type=organization.verified"):
        page.goto("/ko" + path)
        assert page.locator("html").get_attribute("lang") == "ko"
        switch = page.locator("a.lang-switch")
        assert switch.get_attribute("hreflang") == "en" and switch.inner_text() == "English"
        with page.expect_navigation():
            switch.click()
        assert page.url == live_server + "/en" + path
        assert page.locator("html").get_attribute("lang") == "en"
        if path.endswith(slug):
            assert page.locator("h1").inner_text() == "Digital Rights Forum"
        with page.expect_navigation():
            page.locator("a.lang-switch").click()
        assert page.url == live_server + "/ko" + path
        assert page.locator("html").get_attribute("lang") == "ko"
        if path.endswith(slug):  # the organisation's name, in the page's language
            assert page.locator("h1").inner_text() == "디지털권리포럼"


def _result_names(page: Any) -> list[str]:
    return page.locator("#org-results .org-card-title").all_inner_texts()


def test_directory_filter_narrows_in_place_and_without_javascript(app, live_server, new_context):
    make_org(name_ko="디지털권리포럼", name_en="Digital Rights Forum")
    make_org(kind=OrgKind.ACADEMIA, name_ko="한국AI법학회", name_en="Korean Society for AI and Law")
    release_database()

    page = new_context().new_page()
    page.goto("/en/organizations/")
    assert sorted(_result_names(page)) == ["Digital Rights Forum", "Korean Society for AI and Law"]
    assert not page.get_by_role("button", name="Filter").is_visible()  # htmx filters on change
    page.evaluate("() => { window.notReloaded = true; }")
    with page.expect_response(lambda r: "kind=academia" in r.url and r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Kind of organisation").select_option("academia")
    page.wait_for_url("**/en/organizations/?kind=academia")
    page.wait_for_function("() => document.querySelectorAll('#org-results .org-card').length === 1")
    assert _result_names(page) == ["Korean Society for AI and Law"]
    assert page.evaluate("() => window.notReloaded") is True  # the same document: no reload
    assert page.evaluate("() => document.activeElement.id") == "org-results"  # focus follows the change

    without_js = new_context(java_script_enabled=False).new_page()
    without_js.goto("/en/organizations/")
    without_js.get_by_label("Kind of organisation").select_option("academia")
    with without_js.expect_navigation():
        without_js.get_by_role("button", name="Filter").click()
    assert without_js.url.endswith("/en/organizations/?kind=academia")
    assert _result_names(without_js) == ["Korean Society for AI and Law"]


CSP_LISTENER = """
window.cspViolations = 0;
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations += 1;
  window.reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
});
"""


def _watch(context: Any) -> list[str]:
    """Everything the pages of context complain about: CSP violations, console messages (except
    Chrome's verbose hints), script errors and failed or 4xx/5xx subresources."""
    seen: list[str] = []
    context.expose_function("reportCspViolation", lambda text: seen.append(f"CSP violation: {text}"))
    context.add_init_script(CSP_LISTENER)  # through the DevTools protocol: the CSP does not block it

    def on_console(page: Any, message: Any) -> None:
        if message.type == "verbose":
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") == page.url:
            return  # the status of the page itself (the 404 page), which the test checks
        seen.append(f"console {message.type} on {page.url}: {message.text}")

    def on_failed(request: Any) -> None:
        if "ERR_ABORTED" not in (request.failure or ""):  # aborted: the page was left before it loaded
            seen.append(f"request failed: {request.url} ({request.failure})")

    def on_page(page: Any) -> None:
        page.on("console", lambda m: on_console(page, m))
        page.on("pageerror", lambda e: seen.append(f"script error on {page.url}: {e}"))
        page.on("requestfailed", on_failed)
        page.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document"
                and seen.append(f"{r.status} for {r.url}"))
    context.on("page", on_page)
    return seen


def test_content_security_policy_holds_on_every_kind_of_page(app, live_server, new_context):
    admin_email = loginable_platform_admin().email  # before make_org() makes one who cannot log in
    org = make_org(name_ko="디지털권리포럼", name_en="Digital Rights Forum")
    make_org(kind=OrgKind.ACADEMIA, name_ko="한국AI법학회", name_en="Korean Society for AI and Law")
    slug = org.slug
    release_database()
    context = new_context()
    seen = _watch(context)
    page = context.new_page()
    for path in ("/ko/", "/en/register", f"/ko/organizations/{slug}", "/en/log", "/en/no-such-page"):
        response = page.goto(path)
        csp = response.headers["content-security-policy"] if response else ""
        assert csp.startswith("default-src 'self'") and "unsafe" not in csp, csp
        page.wait_for_load_state("networkidle")
    page.goto("/en/organizations/")  # htmx at work
    with page.expect_response(lambda r: "kind=academia" in r.url):
        page.get_by_label("Kind of organisation").select_option("academia")
    page.wait_for_function("() => document.querySelectorAll('#org-results .org-card').length === 1")
    log_in(page, admin_email, PASSWORD)  # forms with checkboxes, radios and a select
    page.goto(f"/en/admin/organizations/{slug}")
    page.wait_for_load_state("networkidle")
    assert seen == []


def test_the_csp_watch_sees_a_violation(app, live_server, new_context):
    """The watch above can fail: an inline script is refused and reported."""
    context = new_context()
    seen = _watch(context)
    page = context.new_page()
    page.goto("/en/")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s); }")
    page.wait_for_function("() => window.cspViolations > 0")
    assert page.evaluate("() => window.ran") is None
    assert any(s.startswith("CSP violation: script-src") for s in seen), seen
