"""Helpers for the HTTP-level tests in tests/accounts, tests/orgs, tests/record, tests/web and tests/perf.

(Each test-client request starts with an empty `g`: see tests.conftest.Client.)
"""
from __future__ import annotations

import html
import re
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pytest
from babel.support import Translations
from flask import Flask
from sqlalchemy import select, text

from consult.accounts.models import Person
from consult.extensions import db
from tests.conftest import PASSWORD, Client
from tests.factories import make_person

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


@pytest.fixture
def in_english_request(app: Flask) -> Iterator[None]:
    """Actions run inside requests (views) or the demo loader; an Invalid's message is translated when the
    exception is made, which needs a locale: action tests use this to act inside an English request."""
    with app.test_request_context("/en/"):
        yield


def events_since(seq: int) -> list[Any]:
    """The record's events from sequence number seq on, freshly read."""
    from consult.record import Event
    db.session.expire_all()
    return list(db.session.scalars(select(Event).where(Event.seq >= seq).order_by(Event.seq)))


def payload(event: Any) -> dict[str, Any]:
    import json
    return json.loads(event.leaf)["payload"]


def client_for(app: Flask, person: Person, password: str = PASSWORD) -> Client:
    """Another browser, logged in as person through the real login form."""
    app.test_client_class = Client
    c: Client = app.test_client()  # type: ignore[assignment]
    r = c.post("/en/login", data={"email": person.email, "password": password})
    assert r.status_code == 303, re.findall(r"form-hint-invalid.{0,200}", r.get_data(as_text=True))
    return c


def site_admin() -> Person:
    """A platform admin who can log in through the form (factories.platform_admin() uses a .test
    address, which the login form's email validation refuses)."""
    existing = db.session.scalar(select(Person).where(Person.email == "admin@gongnon.example.org"))
    return existing or make_person(email="admin@gongnon.example.org", platform_admin=True, name="최유나",
                                   locale="en")


def db_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: compare before and after to prove that nothing changed."""
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(text(f"SELECT * FROM {table.name}")).all()  # noqa: S608 - our table names
        state[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return state


@lru_cache(maxsize=2)
def _catalogue(lang: str) -> Translations:
    return Translations.load(str(TRANSLATIONS), [lang])


def translated(message: str, lang: str = "en", **values: Any) -> str:
    """The catalogue's text for an interface message (the English catalogue may reword a msgid)."""
    text_ = _catalogue(lang).gettext(message)
    if lang == "ko":
        assert text_ != message, f"no Korean translation for {message!r}"
    return text_ % values if values else text_


def ko(message: str, **values: Any) -> str:
    """The Korean text of an interface message, HTML-escaped as a page shows it."""
    from markupsafe import escape
    return str(escape(translated(message, "ko", **values)))


def page_text(response: Any) -> str:
    return response.get_data(as_text=True)


def shows(response: Any, message: str, lang: str = "en", **values: Any) -> bool:
    """True if the page shows the message as the catalogue of lang words it."""
    body = response if isinstance(response, str) else response.get_data(as_text=True)
    return translated(message, lang, **values) in html.unescape(body)


def flashes(client: Client, url: str = "/en/privacy") -> str:
    """The flashed messages shown on the next page."""
    body = client.get(url).get_data(as_text=True)
    match = re.search(r'<div class="flashes".*?</div>', body, re.S)
    return match.group(0) if match else ""


def app_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """caplog, switched on for the app's own loggers (call it at the start of a test). The session's in-process migration runs Alembic's fileConfig(),
    which disables every logger that existed before it ("gongnon", "gongnon.mail"); production migrates
    in a separate process (`flask db upgrade`), so only tests need them switched back on."""
    import logging
    for name in ("gongnon", "gongnon.mail"):
        logging.getLogger(name).disabled = False
    caplog.set_level(logging.INFO)
    return caplog


@contextmanager
def limiter_restored() -> Iterator[None]:
    """Creating another app re-initialises the shared Limiter (its storage and the strategy built on it);
    put every attribute back afterwards, so the session's app keeps its own counters."""
    from consult.extensions import limiter
    saved = dict(limiter.__dict__)
    try:
        yield
    finally:
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)
