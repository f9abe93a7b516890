"""Error pages in both languages with the right status; security headers and cookie flags."""
from __future__ import annotations

import re

import pytest

from ..conftest import PASSWORD, TEST_CONFIG, Client
from ..factories import make_person
from .support import app_logs, client_for, limiter_restored, page_text, shows

TITLES = {
    400: "The request could not be understood", 403: "You do not have permission", 404: "Page not found",
    405: "This action is not allowed here", 413: "The upload is too large", 429: "Too many attempts",
    500: "Something went wrong on our side",
}


def _assert_error_page(r, code: int, lang: str) -> None:
    assert r.status_code == code
    body = page_text(r)
    assert f'<html lang="{lang}">' in body
    assert shows(body, TITLES[code], lang) and shows(body, "Error %(code)s", lang, code=code)
    assert r.headers["Content-Language"] == lang
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_404(client, lang):
    _assert_error_page(client.get(f"/{lang}/xyz"), 404, lang)
    _assert_error_page(client.get(f"/{lang}/organizations/xyz"), 404, lang)
    _assert_error_page(client.get(f"/{lang}/log/123456"), 404, lang)


@pytest.mark.parametrize(("accept", "lang"), [("en", "en"), ("ko", "ko"), ("fr", "ko")])
def test_404_outside_a_language_prefix_is_negotiated(client, accept, lang):
    _assert_error_page(client.get("/xyz", headers={"Accept-Language": accept}), 404, lang)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_403(app, lang):
    c = client_for(app, make_person())
    _assert_error_page(c.get(f"/{lang}/admin/organizations"), 403, lang)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_400(client, lang):
    _assert_error_page(client.get(f"/{lang}/log?type=no.such.type"), 400, lang)
    r = client.post(f"/{lang}/login", data={"email": "x@example.org", "password": "x"}, csrf=False)
    _assert_error_page(r, 400, lang)
    assert shows(r, "The form expired or came from another site. Go back, reload the page and submit it again. "
                    "Nothing was changed.", lang)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_405(client, lang):
    r = client.get(f"/{lang}/logout")
    _assert_error_page(r, 405, lang)
    assert r.headers["Allow"].split(", ") == ["POST"] or "POST" in r.headers["Allow"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_413(app, client, monkeypatch, lang):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    r = client.post(f"/{lang}/login", data={"email": "x@example.org", "password": "p" * 5000})
    _assert_error_page(r, 413, lang)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_429(client, lang):
    make_person(email="x@example.org")  # a known address: its wrong password is checked with the fast test hash
    for _ in range(10):
        client.post(f"/{lang}/login", data={"email": "x@example.org", "password": "guess"})
    r = client.post(f"/{lang}/login", data={"email": "x@example.org", "password": "guess"})
    _assert_error_page(r, 429, lang)
    assert int(r.headers["Retry-After"]) > 0


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_500_is_a_page_in_the_visitors_language_and_is_logged(client, monkeypatch, caplog, lang):
    from consult.web import views
    logs = app_logs(caplog)

    def broken():
        raise RuntimeError("the database went away")
    monkeypatch.setattr(views.org_queries, "kind_counts", broken)
    r = client.get(f"/{lang}/")
    _assert_error_page(r, 500, lang)
    assert "the database went away" not in page_text(r)  # no internals for the visitor
    assert "the database went away" in logs.text  # but in the log


# ---- security headers ------------------------------------------------------------------------------

PAGES = ["/ko/", "/en/log", "/en/login", "/ko/register", "/en/organizations/", "/en/privacy", "/en/nowhere"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers(client, path):
    r = client.get(path)
    csp = r.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in (part.strip() for part in csp.split(";")) if d}
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["default-src"] == ["'self'"] and directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"] and directives["form-action"] == ["'self'"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "HX-Request" in r.headers.get_all("Vary") or "HX-Request" in r.headers.get("Vary", "")


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_no_inline_script_or_style(client, path):
    """What the CSP would block: inline <script>, on…= handlers, style= attributes."""
    body = page_text(client.get(path))
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", body)
    assert not re.search(r"\sstyle\s*=", body)
    assert "<style" not in body


def test_pages_seen_with_a_session_are_not_cached(app):
    c = client_for(app, make_person())
    assert c.get("/en/account").headers["Cache-Control"] == "no-store"


def _cookie_headers(r) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in r.headers.get_all("Set-Cookie")}


def _flags(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_cookies_are_http_only_and_same_site_in_tests_too(client):
    make_person(email="ha.neul@example.org")
    client.get("/en/login")
    r = client.post("/en/login", data={"email": "ha.neul@example.org", "password": PASSWORD, "remember": "y"})
    cookies = _cookie_headers(r)
    for name in ("session", "remember_token"):
        assert {"httponly", "samesite=lax"} <= _flags(cookies[name]), cookies[name]


@pytest.fixture
def default_app(app, monkeypatch):
    """An app with the default cookie settings (tests switch Secure off for the plain-HTTP client)."""
    from consult import create_app
    from consult.extensions import db
    monkeypatch.delenv("COOKIE_SECURE", raising=False)
    config = {k: v for k, v in TEST_CONFIG.items() if k != "SESSION_COOKIE_SECURE"}
    with limiter_restored():
        other = create_app(config)
        other.test_client_class = Client
        try:
            yield other
        finally:
            with other.app_context():
                db.session.remove()
                db.engine.dispose()


def test_cookies_are_secure_http_only_and_same_site_by_default(default_app):
    assert default_app.config["SESSION_COOKIE_SECURE"] is True
    assert default_app.config["REMEMBER_COOKIE_SECURE"] is True
    with default_app.app_context():
        make_person(email="ha.neul@example.org")
    c = default_app.test_client()
    r = c.get("/en/login", base_url="https://localhost")
    session = _cookie_headers(r)["session"]
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= _flags(session), session
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_text(r)).group(1)
    r = c.post("/en/login", base_url="https://localhost", data={
        "csrf_token": token, "email": "ha.neul@example.org", "password": PASSWORD, "remember": "y"})
    assert r.status_code == 303
    cookies = _cookie_headers(r)
    for name in ("session", "remember_token"):
        assert {"secure", "httponly", "samesite=lax"} <= _flags(cookies[name]), cookies[name]
