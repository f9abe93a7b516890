"""Reads about people: login lookup, memberships, the data a person may download."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import policy, record
from ..extensions import db
from ..mail.models import OutboxMessage
from .models import Person


def load_for_login(cookie_id: str) -> Person | None:
    """The person a login cookie names, if its session nonce still matches (not logged out everywhere)."""
    person_id, _, nonce = cookie_id.partition(".")
    if not person_id.isdigit() or not nonce:
        return None
    person = db.session.get(Person, int(person_id))
    if person is None or person.erased_at is not None or person.session_nonce != nonce:
        return None
    return person


def memberships(person: Person) -> list[Any]:
    """The person's memberships with their organisations, in one query."""
    from ..orgs.models import Membership, Organization
    return list(db.session.scalars(
        select(Membership).where(Membership.person_id == person.id)
        .options(joinedload(Membership.organization)).order_by(Organization.name_ko)
        .join(Membership.organization)))


def actor_in(person: Person | None, org: Any) -> policy.Actor:
    """The actor this person is with respect to org: a member with their role, or themself."""
    from ..orgs.models import Membership
    if person is None or not getattr(person, "is_authenticated", False):
        return policy.ANONYMOUS
    membership = db.session.scalar(select(Membership).where(
        Membership.person_id == person.id, Membership.organization_id == org.id))
    return policy.actor_for(person, org, membership)


def export_data(person: Person) -> dict[str, Any]:
    """Everything the platform holds about a person, for "download my data" (PIPA art. 35)."""
    def moment(value: Any) -> str | None:
        return value.isoformat() if value else None

    key = db.session.get(record.PersonKey, person.id)
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == person.email)
                               .order_by(OutboxMessage.id)).all() if person.email else []
    return {
        "format": "gongnon-personal-data/1",
        "account": {
            "id": person.id, "email": person.email, "display_name": person.display_name,
            "display_name_latin": person.display_name_latin, "locale": person.locale,
            "created_at": moment(person.created_at), "email_verified_at": moment(person.email_verified_at),
            "is_platform_admin": person.is_platform_admin,
        },
        "consents": {
            "collection_and_use": moment(person.consent_collection_at),
            "publish_name": person.consent_publish_name,
            "publish_name_given_at": moment(person.consent_publish_name_at),
        },
        "memberships": [
            {"organization": m.organization.slug, "role": str(m.role), "title": m.title.as_dict(),
             "since": moment(m.created_at)} for m in memberships(person)
        ],
        "record": {
            "commitment": key.commitment if key else None,
            "note": "Events in the public record name you only by this commitment, "
                    "SHA-256 of a secret salt and your account id. Deleting your account deletes the salt.",
        },
        "mail": [{"subject": m.subject, "queued_at": moment(m.created_at), "sent_at": moment(m.sent_at)}
                 for m in mails],
    }
