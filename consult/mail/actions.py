"""Queue a mail in the caller's transaction. Text comes from templates/mail/<name>.txt in the
recipient's language; the first line of the rendered template is the subject."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, g, has_request_context, render_template
from flask_babel import force_locale

from ..extensions import db
from .models import OutboxMessage


SUBJECT_MAX = 200  # the column holds 300; mail clients show far less
BOTH = "ko+en"  # for an address whose reader's language is unknown: Korean, then English, in one mail


class PerLanguage(dict):  # type: ignore[type-arg]
    """A context value that differs by language (a link to the page in that language)."""


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for a mail, built on PUBLIC_URL (never on the request's Host header)."""
    adapter = current_app.url_map.bind("localhost", script_name="/")
    return current_app.config["PUBLIC_URL"].rstrip("/") + adapter.build(endpoint, values)


def enqueue(to: str, template: str, *, lang: str, now: datetime, **context: Any) -> OutboxMessage:
    """Write one message to the outbox; the worker (or, in development, the request) sends it."""
    parts = []
    for one in (("ko", "en") if lang == BOTH else (lang,)):
        values = {k: v[one] if isinstance(v, PerLanguage) else v for k, v in context.items()}
        with force_locale(one):
            parts.append(render_template(f"mail/{template}.txt", lang=one, **values).strip().partition("\n"))
    subject = " / ".join(part[0].strip() for part in parts)
    body = "\n\n-----\n\n".join(part[2].strip() for part in parts)
    if len(subject) > SUBJECT_MAX:  # a long consultation title must not make the mail unsendable
        subject = subject[:SUBJECT_MAX - 1].rstrip() + "…"
    message = OutboxMessage(to_address=to, subject=subject, body=body.strip() + "\n",
                            created_at=now, next_attempt_at=now, attempts=0)
    db.session.add(message)
    if has_request_context():
        g.mail_enqueued = True
    return message
