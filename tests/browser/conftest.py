"""Browser fixtures: Debian's chromium driven by Playwright (one browser for the whole run), the `app`
fixture's application served over HTTP by a live server per test, and axe-core.

Never `playwright install`: the tests use /usr/bin/chromium, and fail (not skip) without it.
"""
from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from consult.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SCREENSHOTS = ROOT / "test-results" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium). "
                    "Do not run `playwright install`.")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The base URL of the test's app served by werkzeug in a thread (fresh database, like `app`)."""
    db.session.commit()  # never leave the test's transaction open: on SQLite it would hold the write lock
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


@pytest.fixture
def new_context(browser: Any, live_server: str):
    """new_context(**options): a fresh browser context (own cookies) whose page.goto("/en/") goes to the
    live server; closed after the test."""
    contexts = []

    def _new(**options: Any) -> Any:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context
    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Any) -> Any:
    return new_context().new_page()


def release_database() -> None:
    """End the test thread's transaction before the browser makes the server write (SQLite write lock)."""
    db.session.commit()
    db.session.remove()


def log_in(page: Any, email: str, password: str, lang: str = "en") -> None:
    """Log in through the real form."""
    page.goto(f"/{lang}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(f"/{lang}/account"), page.url + page.locator("main").inner_text()[:500]


def log_out(page: Any) -> None:
    with page.expect_navigation():
        page.locator("header form[action$='/logout'] button[type=submit]").click()


# ---- axe-core ------------------------------------------------------------------------------------

_AXE_SOURCE: str | None = None

_RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now. The script goes in through the DevTools protocol
    (page.evaluate), which the page's CSP does not govern; the CSP itself stays on."""
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        if not AXE_JS.exists():
            pytest.fail(f"{AXE_JS} is missing: run `npm ci` (package.json lists axe-core)")
        _AXE_SOURCE = AXE_JS.read_text(encoding="utf-8") + "\n;void 0;"  # a script, not a function
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_AXE_SOURCE)
    return page.evaluate(_RUN_AXE, AXE_TAGS)


def describe_violations(where: str, violations: list[dict[str, Any]]) -> list[str]:
    """One readable block per violation: rule, impact, help text, and each offending element."""
    lines = []
    for v in violations:
        nodes = "\n".join(f"      {n['target']}" + (f"\n        {_squash(n['summary'])}" if n["summary"] else "")
                          for n in v["nodes"][:8])
        more = f"\n      … and {len(v['nodes']) - 8} more" if len(v["nodes"]) > 8 else ""
        lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>\n{nodes}{more}")
    return lines


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:400]


def rewrite_event_by_hand(seq: int, change: Any) -> None:
    """Do what someone with database access could: rewrite event `seq`'s leaf as change(leaf), past the
    append-only trigger (disabled on PostgreSQL, dropped on SQLite; each test gets a fresh database)."""
    from sqlalchemy import text
    edit = text("UPDATE event SET leaf = :leaf WHERE seq = :seq")
    with db.engine.begin() as conn:
        leaf = conn.execute(text("SELECT leaf FROM event WHERE seq = :seq"), {"seq": seq}).scalar_one()
        changed = change(leaf)
        assert changed != leaf
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE event DISABLE TRIGGER event_no_update"))
            conn.execute(edit, {"leaf": changed, "seq": seq})
            conn.execute(text("ALTER TABLE event ENABLE TRIGGER event_no_update"))
        else:
            conn.execute(text("DROP TRIGGER event_no_update"))
            conn.execute(edit, {"leaf": changed, "seq": seq})
