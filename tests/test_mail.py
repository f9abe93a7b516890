"""The outbox worker against a real SMTP server (aiosmtpd on a free local port)."""
from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from consult.extensions import db, utcnow
from consult.mail.delivery import MAX_ATTEMPTS, backoff, deliver_due
from consult.mail.models import OutboxMessage

from .conftest import PASSWORD
from .web.support import app_logs, translated  # noqa: F401 (autouse fixture)


class Inbox:
    """An SMTP handler that keeps what it receives."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.original_content or e.content, policy=email.policy.default)
                for e in self.envelopes]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "none")
    try:
        yield inbox
    finally:
        controller.stop()


def _register(client, email_address="new.person@example.org", locale="en"):
    r = client.post(f"/{locale}/register", data={
        "email": email_address, "display_name": "김새봄", "display_name_latin": "Kim Saebom",
        "password": PASSWORD, "password_again": PASSWORD, "locale": locale, "consent_collection": "y"})
    assert r.status_code == 303


def _rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _now():
    """A whole second just after now (a mail queued a moment ago is due)."""
    return (utcnow() + timedelta(seconds=1)).replace(microsecond=0)


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_the_verification_mail_arrives_and_is_sent_once(client, smtp, locale):
    _register(client, locale=locale)
    assert deliver_due(_now()) == (1, 0)
    [message] = smtp.messages
    assert message["To"] == "new.person@example.org"
    assert message["Subject"] == translated("Verify your email address for Gongnon", locale)
    assert smtp.envelopes[0].rcpt_tos == ["new.person@example.org"]
    body = message.get_content()
    link = re.search(rf"http://gongnon\.test(/{locale}/verify-email/\S+)", body).group(1)
    [row] = _rows()
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None
    # a second run sends nothing again
    assert deliver_due(_now() + timedelta(hours=1)) == (0, 0)
    assert len(smtp.envelopes) == 1
    # and the link in the delivered mail works
    assert client.get(link).status_code == 303


def test_an_unreachable_server_is_retried_later_with_backoff(app, client, smtp, monkeypatch):
    _register(client)
    live_port = app.config["SMTP_PORT"]
    monkeypatch.setitem(app.config, "SMTP_PORT", _free_port())  # nothing listens there
    t0 = _now()
    assert deliver_due(t0) == (0, 1)
    [row] = _rows()
    assert row.sent_at is None and row.failed_at is None and row.attempts == 1
    assert row.next_attempt_at == t0 + backoff(1) == t0 + timedelta(minutes=1)
    assert "ConnectionRefusedError" in row.last_error or "Errno" in row.last_error
    assert deliver_due(t0 + timedelta(seconds=30)) == (0, 0)  # not due yet
    t1 = t0 + timedelta(minutes=1)
    assert deliver_due(t1) == (0, 1)
    [row] = _rows()
    assert row.attempts == 2 and row.next_attempt_at == t1 + timedelta(minutes=2)
    assert smtp.envelopes == []
    # the server is back
    monkeypatch.setitem(app.config, "SMTP_PORT", live_port)
    assert deliver_due(t1 + timedelta(minutes=2)) == (1, 0)
    [row] = _rows()
    assert row.sent_at is not None and row.last_error is None and row.attempts == 3
    assert len(smtp.envelopes) == 1


def test_the_worker_gives_up_after_max_attempts(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", _free_port())
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "none")
    _register(client)
    moment = _now()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert deliver_due(moment) == (0, 1)
        [row] = _rows()
        assert row.attempts == attempt
        moment = row.next_attempt_at
    assert row.failed_at is not None and row.sent_at is None
    assert deliver_due(moment + timedelta(days=30)) == (0, 0)


def test_backoff_grows_and_is_capped():
    assert [backoff(n).total_seconds() / 60 for n in range(1, 11)] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 360]


def test_two_workers_never_send_a_message_twice(app, client, smtp):
    for n in range(12):
        _register(app.test_client(), email_address=f"person{n}@example.org")
    now = _now()
    errors: list[BaseException] = []
    db.session.remove()  # end the test's own transaction (SQLite: it would hold the write lock)

    def worker() -> None:
        try:
            with app.app_context():
                deliver_due(now)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    recipients = sorted(m["To"] for m in smtp.messages)
    assert recipients == sorted(f"person{n}@example.org" for n in range(12))
    assert all(r.sent_at is not None and r.attempts == 1 for r in _rows())


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_without_smtp_host_the_mail_goes_to_the_log_readably(client, caplog, locale):
    logs = app_logs(caplog)
    _register(client, locale=locale)
    assert deliver_due(_now()) == (1, 0)
    assert "new.person@example.org" in logs.text
    assert translated("Verify your email address for Gongnon", locale) in logs.text
    assert re.search(rf"http://gongnon\.test/{locale}/verify-email/\S+", logs.text), logs.text
    [row] = _rows()
    assert row.sent_at is not None


def test_in_development_the_request_itself_delivers_to_the_log(app, client, caplog, monkeypatch):
    logs = app_logs(caplog)
    monkeypatch.setitem(app.config, "MAIL_DELIVER_INLINE", True)
    _register(client, locale="ko")
    [row] = _rows()
    assert row.sent_at is not None
    assert re.search(r"http://gongnon\.test/ko/verify-email/\S+", logs.text)
