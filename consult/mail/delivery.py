"""Send what the outbox holds: by SMTP when SMTP_HOST is set, else into the server log.

A message is claimed by bumping its attempt counter with a compare-and-set UPDATE before sending, so
two workers never send the same message; failures back off exponentially and give up after
MAX_ATTEMPTS (the row stays, with its last error, for an administrator to see).
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from .models import OutboxMessage

log = logging.getLogger("gongnon.mail")
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most six hours, before the next try."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _message(row: OutboxMessage) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}", domain="gongnon")
    msg.set_content(row.body)
    return msg


def _send(msg: EmailMessage) -> None:
    cfg = current_app.config
    if not cfg["SMTP_HOST"]:
        # the text itself, not its MIME form: Korean bodies are base64 there and the link unreadable
        log.info("mail (not sent: no SMTP_HOST)\nTo: %s\nSubject: %s\n\n%s", msg["To"], msg["Subject"],
                 msg.get_content())
        return
    security = (cfg["SMTP_SECURITY"] or "starttls").lower()
    smtp_class = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
    kwargs = {"context": ssl.create_default_context()} if security == "ssl" else {}
    with smtp_class(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=30, **kwargs) as smtp:
        if security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if cfg["SMTP_USERNAME"]:
            smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
        smtp.send_message(msg)


def deliver_due(now: datetime, limit: int = 100) -> tuple[int, int]:
    """Send up to `limit` due messages; returns (sent, failed this round)."""
    db.session.rollback()  # start from a fresh transaction
    due = db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
                                       OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)).all()
    db.session.commit()
    sent = failed = 0
    for message_id in due:
        row = db.session.get(OutboxMessage, message_id)
        if row is None:
            continue
        attempts = row.attempts
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.attempts == attempts,
                   OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
                   OutboxMessage.next_attempt_at <= now)  # still due: not leased to another worker
            .values(attempts=attempts + 1, next_attempt_at=now + LEASE)).rowcount
        db.session.commit()
        if claimed != 1:
            continue  # another worker has it
        db.session.refresh(row)
        try:
            _send(_message(row))
        except (OSError, smtplib.SMTPException) as exc:
            failed += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if row.attempts >= MAX_ATTEMPTS:
                row.failed_at = now
            else:
                row.next_attempt_at = now + backoff(row.attempts)
            log.warning("mail %s to outbox attempt %s failed: %s", row.id, row.attempts, row.last_error)
        else:
            sent += 1
            row.sent_at = now
            row.last_error = None
        db.session.commit()
    return sent, failed
