"""The W3C Nu HTML Checker finds no error on any page (KWCAG asks for markup without errors).

The pages come from the same crawl as the accessibility test (tests/browser/crawl.py), fetched with the
test client in both languages, as a visitor, a platform administrator, an organisation's administrator
and a ministry's official, plus the error page, forms shown again with their errors and a refused comment.
vnu.jar checks them all in one run.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

from ..browser.crawl import Crawler, Fetched, Site, build_site, crawls, links_in, missing, missing_message, seeds
from ..conftest import Client

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ORIGIN = "http://localhost"
CANARY = '<!DOCTYPE html><html lang="en"><title>canary</title><p id="twice">a</p><p id="twice">b</p></html>'


def _client(app: Flask) -> Client:
    """A client of its own for each crawl. Each request runs in an app context of its own: under the
    `app` fixture's context, requests would share `g`, where Flask-WTF keeps the CSRF token and
    Flask-Login the current user, so one client's login would leak into the next."""
    app.test_client_class = Client
    return app.test_client()  # type: ignore[return-value]


def _fetcher(app: Flask, client: Client):
    def fetch(path: str) -> Fetched:
        with app.app_context():  # a fresh `g` per request, as a real server gives (see _client)
            response = client.get(path, follow_redirects=True)
        request = response.request
        url = ORIGIN + request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
        html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        fetched = Fetched(response.status_code, url, links_in(html, url))
        fetched.html = html  # type: ignore[attr-defined]
        return fetched
    return fetch


def _crawl_all(app: Flask, site: Site, save) -> tuple[list, list[str]]:  # type: ignore[no-untyped-def]
    """The four crawls and the re-rendered forms; returns (pages checked, problems)."""
    checked: list = []
    problems: list[str] = []
    for crawl, email in crawls(site):
        client = _client(app)
        if email:
            with app.app_context():
                r = client.post("/en/login", data={"email": email, "password": site.password})
            assert r.status_code == 303, r.get_data(as_text=True)[:300]
        crawler = Crawler(app, ORIGIN, _fetcher(app, client),
                          lambda path, fetched, crawl=crawl: save(f"{crawl} {path}", fetched.html))
        checked += crawler.run(seeds(site, crawl))
        problems += [f"[{crawl}] {p}" for p in crawler.problems]
        if crawl == "org_admin":  # the comment form shown again with its errors, and a late comment refused
            ids = site.consultations
            for lang in ("ko", "en"):
                for consultation, status, what in ((ids.open, 422, "empty comment, shown again with its errors"),
                                                   (ids.closed, 403, "comment on a closed consultation, refused")):
                    with app.app_context():
                        r = client.post(f"/{lang}/consultations/{consultation}/comments", data={"body": ""})
                    assert r.status_code == status, r.get_data(as_text=True)[:300]
                    save(f"org_admin POST /{lang}/consultations/{consultation}/comments ({what})",
                         r.get_data(as_text=True))
                st_ids = site.statements
                for path, status, what in (
                        ("/statements/new", 422, "empty draft, shown again with its errors"),
                        (f"/statements/{st_ids.open}/edit", 422, "new version without a change note"),
                        (f"/statements/{st_ids.open}/signatures/{st_ids.forum_signature}/withdraw", 422,
                         "withdrawal with an overlong reason"),
                        (f"/statements/{st_ids.closed}/sign", 403, "signing a closed statement, refused")):
                    data = {"reason-en": "x" * 1001} if "withdraw" in path else {"signer": "person:1"}
                    with app.app_context():
                        r = client.post(f"/{lang}{path}", data=data if "new" not in path and "edit" not in path else {})
                    assert r.status_code == status, (path, r.status_code, r.get_data(as_text=True)[:300])
                    save(f"org_admin POST /{lang}{path} ({what})", r.get_data(as_text=True))
    client = _client(app)
    for lang in ("ko", "en"):
        with app.app_context():
            r = client.post(f"/{lang}/register", data={})
        assert r.status_code == 422
        save(f"anonymous POST /{lang}/register (empty form, shown again with its errors)", r.get_data(as_text=True))
    return checked, problems


def _vnu(files: list[Path]) -> list[dict]:
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is not installed: the Nu HTML Checker (vnu.jar) needs it (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run `npm ci` (package.json lists vnu-jar)")
    run = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always",
                          *map(str, files)], capture_output=True, text=True, timeout=300)
    output = run.stderr.strip() or run.stdout.strip()
    try:
        return json.loads(output)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu.jar gave no JSON report (exit {run.returncode}):\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")


def test_every_page_is_valid_html(app, outbox, tmp_path):
    site = build_site(outbox)
    pages: dict[Path, str] = {}

    def save(label: str, html: str) -> None:
        if not html:
            return
        path = tmp_path / f"page-{len(pages):03d}.html"
        path.write_text(html, encoding="utf-8")
        pages[path] = label

    checked, problems = _crawl_all(app, site, save)
    assert not missing(app, checked), missing_message(app, checked)
    assert not problems, "\n".join(problems)
    assert len(pages) >= 40, f"only {len(pages)} pages were crawled"
    print(f"vnu checks {len(pages)} pages")  # seen with -s

    # a canary with one known error proves that the checker really read and judged the files
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY, encoding="utf-8")
    errors, canary_errors = [], []
    for message in _vnu([*pages, canary]):
        file = Path(urlsplit(message.get("url", "")).path)
        if file == canary:
            canary_errors.append(message.get("message", ""))
            continue
        where = pages.get(file, message.get("url", "?"))
        errors.append(f"{where} (line {message.get('lastLine', '?')}): {message.get('type')}: "
                      f"{message.get('message')}\n    {(message.get('extract') or '').strip()}")
    assert any("Duplicate ID" in m for m in canary_errors), f"vnu missed the canary's error: {canary_errors}"
    assert not errors, f"{len(errors)} HTML errors in {len(pages)} pages:\n" + "\n".join(errors)
