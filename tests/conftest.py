"""Test fixtures: a migrated database (SQLite by default, PostgreSQL with TEST_DATABASE_URL), reset
before every test; an app context; a client that sends CSRF tokens; login(); count_queries()."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, insert, text

from consult import create_app
from consult.extensions import db, limiter

PASSWORD = "correct horse battery staple"
_TMP = Path(tempfile.mkdtemp(prefix="gongnon-tests-"))
DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
IS_SQLITE = DATABASE_URL.startswith("sqlite")
_TEMPLATE = _TMP / "template.db"

TEST_CONFIG = {
    "TESTING": True,
    "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
    "SECRET_KEY": "test-secret-key",
    "SESSION_COOKIE_SECURE": False,  # the test client and live server speak plain HTTP
    "RATELIMIT_STORAGE_URI": "memory://",
    "MAIL_DELIVER_INLINE": False,
    "SMTP_HOST": None,
    "PUBLIC_URL": "http://gongnon.test",
    "PASSWORD_METHOD": "pbkdf2:sha256:1000",
    "WTF_CSRF_SSL_STRICT": False,
    "INSTANCE_PATH": str(_TMP / "instance"),  # keys made by tests never touch the project's instance/
}


def _migrate(app: Flask) -> None:
    from flask_migrate import upgrade
    with app.app_context():
        if not IS_SQLITE:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def _app() -> Flask:
    """One application for the whole run, its database migrated once (from the real migrations)."""
    app = create_app(TEST_CONFIG)
    _migrate(app)
    if IS_SQLITE:
        shutil.copy(_TMP / "test.db", _TEMPLATE)
    return app


def _reset(app: Flask) -> None:
    """A clean database: copy the migrated SQLite file, or TRUNCATE every table on PostgreSQL."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        if IS_SQLITE:
            for suffix in ("-wal", "-shm"):
                (_TMP / f"test.db{suffix}").unlink(missing_ok=True)
            shutil.copy(_TEMPLATE, _TMP / "test.db")
            return
        tables = ", ".join(t.name for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            from consult.record import RecordHead
            conn.execute(insert(RecordHead).values(id=1, size=0))


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    _reset(_app)
    limiter.reset()
    with _app.app_context():
        yield _app
        db.session.remove()


class Client(FlaskClient):
    """A test client that puts a valid CSRF token into every form it posts (csrf=False to omit it).

    The `app` fixture keeps one app context pushed for the whole test and Flask reuses it for test-client
    requests, so `flask.g` would outlive a request: Flask-Babel's locale, Flask-Login's user and
    Flask-WTF's token would leak from one request (or one client) into the next. Each request starts
    with an empty `g`, as a real request does; the database session stays shared with the test.
    """

    def open(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/en/privacy").get_data(as_text=True)
        match = re.search(r'"X-CSRFToken": "([^"]+)"', page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post(self, *args: Any, csrf: bool = True, **kwargs: Any):  # type: ignore[override]
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)):
            kwargs["data"] = {"csrf_token": self.csrf_token(), **(data or {})}
        return super().post(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> Client:
    app.test_client_class = Client
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def login(client: Client):
    """login(person) logs the client in through the real form; returns the response."""
    def _login(person: Any, password: str = PASSWORD):
        response = client.post("/en/login", data={"email": person.email, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return response
    return _login


@pytest.fixture
def count_queries(app: Flask):
    """with count_queries() as n: …; n() is the number of SQL statements run inside the block."""
    @contextmanager
    def _count() -> Iterator[Any]:
        statements: list[str] = []

        def _before(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
            if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", _before)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(db.engine, "before_cursor_execute", _before)
    return _count


@pytest.fixture
def outbox(app: Flask):
    """outbox() lists the queued mail (OutboxMessage rows), oldest first."""
    from consult.mail.models import OutboxMessage

    def _outbox() -> list[OutboxMessage]:
        db.session.expire_all()
        return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))
    return _outbox


@pytest.fixture
def record_size(app: Flask):
    from consult import record

    def _size() -> int:
        db.session.expire_all()
        return record.size()
    return _size


def count(model: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model)) or 0
