"""Signed, expiring links for email verification, password reset and member invitations.

A token names the person and a fingerprint of the state it may change (the email it verifies, the
password hash it replaces), so it stops working once used.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"
MAX_AGE = {VERIFY_EMAIL: 7 * 24 * 3600, RESET_PASSWORD: 2 * 3600}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"gongnon-{purpose}")


def fingerprint(value: str | None) -> str:
    return hashlib.sha256((value or "").encode()).hexdigest()[:16]


def make(purpose: str, person_id: int, state: str | None) -> str:
    return _serializer(purpose).dumps([person_id, fingerprint(state)])


def read(purpose: str, token: str) -> tuple[int, str] | None:
    """(person id, state fingerprint) if the token is genuine and fresh, else None."""
    try:
        person_id, state = _serializer(purpose).loads(token, max_age=MAX_AGE[purpose])
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    if not isinstance(person_id, int) or not isinstance(state, str):
        return None
    return person_id, state
