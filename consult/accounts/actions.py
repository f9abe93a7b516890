"""Every change to accounts. Actor and clock come in as arguments; each action is one transaction."""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import policy, record
from ..errors import Denied, Invalid
from ..extensions import atomic, db
from ..mail.actions import enqueue, external_url
from ..mail.models import OutboxMessage
from ..record import EventType
from . import tokens
from .models import Person, new_session_nonce

# A hash to compare against when the email is unknown, so that login takes the same time either way.
_DUMMY_HASH = generate_password_hash("not a password")


@dataclass(frozen=True)
class RegistrationInput:
    email: str
    display_name: str
    display_name_latin: str | None
    password: str
    consent_collection: bool
    consent_publish_name: bool
    locale: str


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_METHOD"])


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == normalize_email(email)))


def authenticate(email: str, password: str) -> Person | None:
    """The active person with this email and password, or None (in constant-ish time)."""
    person = find_by_email(email)
    if person is None or person.password_hash is None or person.erased_at is not None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return person if check_password_hash(person.password_hash, password) else None


def _send_verification(person: Person, now: datetime) -> None:
    token = tokens.make(tokens.VERIFY_EMAIL, person.id, person.email)
    enqueue(person.email or "", "verify_email", lang=person.locale, now=now, person=person,
            link=external_url("accounts.verify_email", lang=person.locale, token=token))


@atomic
def register(data: RegistrationInput, *, now: datetime, send_mail: bool = True) -> Person:
    """Create an account (unverified) and queue the verification mail (not for demo accounts)."""
    if not data.consent_collection:
        raise Invalid("consent_collection", _l("Registration needs your consent to the collection and use of personal data."))
    email = normalize_email(data.email)
    if db.session.scalar(select(func.count()).select_from(Person).where(Person.email == email)):
        raise Invalid("email", _l("An account with this email address already exists."))
    person = Person(email=email, display_name=data.display_name.strip(),
                    display_name_latin=(data.display_name_latin or "").strip() or None,
                    password_hash=hash_password(data.password), locale=data.locale,
                    created_at=now, consent_collection_at=now,
                    consent_publish_name=data.consent_publish_name,
                    consent_publish_name_at=now if data.consent_publish_name else None,
                    session_nonce=new_session_nonce())
    db.session.add(person)
    db.session.flush()
    record.append(EventType.ACCOUNT_REGISTERED, actor=policy.Actor(person=person), subject=None,
                  subject_type="person", payload={"name_published": data.consent_publish_name}, now=now)
    if send_mail:
        _send_verification(person, now)
    return person


@atomic
def resend_verification(person: Person, *, now: datetime) -> None:
    """Queue a new verification mail for a person whose address is not verified yet."""
    if person.is_verified:
        raise Invalid("email", _l("Your email address is already verified."))
    _send_verification(person, now)


@atomic
def verify_email(token: str, *, now: datetime) -> Person:
    """Mark the address in the token verified; the token must match the current address."""
    found = tokens.read(tokens.VERIFY_EMAIL, token)
    person = db.session.get(Person, found[0]) if found else None
    if person is None or person.erased_at is not None \
            or not hmac.compare_digest(found[1], tokens.fingerprint(person.email)):  # type: ignore[index]
        raise Invalid("token", _l("This verification link is invalid or has expired."))
    return mark_email_verified(person, now=now)


@atomic
def mark_email_verified(person: Person, *, now: datetime) -> Person:
    """Record that the person's address works (from a verification link, or for demo accounts)."""
    if person.email_verified_at is None:
        person.email_verified_at = now
        record.append(EventType.ACCOUNT_EMAIL_VERIFIED, actor=policy.Actor(person=person), subject=None,
                      subject_type="person", now=now)
    return person


@atomic
def grant_platform_admin(person: Person, *, now: datetime) -> Person:
    """Make a person a platform administrator (from the command line only); a public event."""
    if not person.is_platform_admin:
        person.is_platform_admin = True
        record.append(EventType.PLATFORM_ADMIN_GRANTED, actor=None, subject=None, subject_type="person",
                      payload={"person": record.commitment(person)}, now=now)
    return person


@atomic
def request_password_reset(email: str, *, lang: str, now: datetime) -> None:
    """Queue a reset link if the address has an account; say nothing either way (no enumeration)."""
    person = find_by_email(email)
    if person is None or person.erased_at is not None or person.email is None:
        return
    token = tokens.make(tokens.RESET_PASSWORD, person.id, person.password_hash)
    enqueue(person.email, "reset_password", lang=lang, now=now, person=person,
            link=external_url("accounts.reset_password", lang=lang, token=token))


def person_for_reset(token: str) -> Person | None:
    """The person a reset token is for, while it is fresh and the password is unchanged."""
    found = tokens.read(tokens.RESET_PASSWORD, token)
    person = db.session.get(Person, found[0]) if found else None
    if person is None or person.erased_at is not None \
            or not hmac.compare_digest(found[1], tokens.fingerprint(person.password_hash)):  # type: ignore[index]
        return None
    return person


@atomic
def reset_password(token: str, new_password: str, *, now: datetime) -> Person:
    """Set a new password from a reset link; every other session is logged out."""
    person = person_for_reset(token)
    if person is None:
        raise Invalid("token", _l("This password reset link is invalid or has expired."))
    person.password_hash = hash_password(new_password)
    person.session_nonce = new_session_nonce()
    if person.email_verified_at is None:  # the mail reached them, so the address works
        person.email_verified_at = now
    return person


@atomic
def change_password(actor: policy.Actor, person: Person, current: str, new_password: str,
                    *, now: datetime) -> Person:
    if not policy.can_manage_account(actor, person):
        raise Denied(_l("You can change only your own password."))
    if not person.password_hash or not check_password_hash(person.password_hash, current):
        raise Invalid("current_password", _l("The current password is not correct."))
    person.password_hash = hash_password(new_password)
    person.session_nonce = new_session_nonce()
    return person


@atomic
def update_profile(actor: policy.Actor, person: Person, *, display_name: str,
                   display_name_latin: str | None, consent_publish_name: bool, locale: str,
                   now: datetime) -> Person:
    """Change the name, language and the optional consent to publish one's name."""
    if not policy.can_manage_account(actor, person):
        raise Denied(_l("You can change only your own account."))
    person.display_name = display_name.strip()
    person.display_name_latin = (display_name_latin or "").strip() or None
    person.locale = locale
    if consent_publish_name != person.consent_publish_name:
        person.consent_publish_name = consent_publish_name
        person.consent_publish_name_at = now if consent_publish_name else None
    return person


@atomic
def erase_account(actor: policy.Actor, person: Person, *, now: datetime) -> None:
    """Erase a person (PIPA art. 36): name, email and password go, and so does the salt behind
    their commitment in the record, so past events can no longer be linked to them."""
    from ..orgs.models import MemberInvitation, Membership
    if not policy.can_manage_account(actor, person):
        raise Denied(_l("You can delete only your own account."))
    record.append(EventType.ACCOUNT_ERASED, actor=policy.Actor(person=person), subject=None,
                  subject_type="person", now=now)
    db.session.execute(delete(Membership).where(Membership.person_id == person.id))
    if person.email:
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.to_address == person.email,
                                                       OutboxMessage.sent_at.is_(None)))
        db.session.execute(delete(MemberInvitation).where(MemberInvitation.email == person.email))
    db.session.execute(delete(record.PersonKey).where(record.PersonKey.person_id == person.id))
    person.email = None
    person.display_name = None
    person.display_name_latin = None
    person.password_hash = None
    person.consent_publish_name = False
    person.consent_publish_name_at = None
    person.is_platform_admin = False
    person.erased_at = now
    from ..statements.actions import forget_person
    forget_person(person.id)
    person.session_nonce = new_session_nonce()
