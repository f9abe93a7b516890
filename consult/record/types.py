"""Every event type of the record, one dotted past tense each (SPEC §6)."""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class EventType(StrEnum):
    ACCOUNT_REGISTERED = "account.registered"
    ACCOUNT_EMAIL_VERIFIED = "account.email_verified"
    ACCOUNT_ERASED = "account.erased"
    ORGANIZATION_CREATED = "organization.created"
    ORGANIZATION_UPDATED = "organization.updated"
    ORGANIZATION_VERIFIED = "organization.verified"
    ORGANIZATION_REJECTED = "organization.rejected"
    ORGANIZATION_REVOKED = "organization.revoked"
    MEMBER_INVITED = "membership.invited"
    MEMBER_ADDED = "membership.added"
    MEMBER_ROLE_CHANGED = "membership.role_changed"
    MEMBER_REMOVED = "membership.removed"
    PLATFORM_ADMIN_GRANTED = "platform.admin_granted"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS[self])


EVENT_LABELS = {
    EventType.ACCOUNT_REGISTERED: _l("Account registered"),
    EventType.ACCOUNT_EMAIL_VERIFIED: _l("Email address verified"),
    EventType.ACCOUNT_ERASED: _l("Account erased"),
    EventType.ORGANIZATION_CREATED: _l("Organisation created"),
    EventType.ORGANIZATION_UPDATED: _l("Organisation details changed"),
    EventType.ORGANIZATION_VERIFIED: _l("Organisation verified"),
    EventType.ORGANIZATION_REJECTED: _l("Organisation verification rejected"),
    EventType.ORGANIZATION_REVOKED: _l("Organisation verification revoked"),
    EventType.MEMBER_INVITED: _l("Member invited"),
    EventType.MEMBER_ADDED: _l("Member added"),
    EventType.MEMBER_ROLE_CHANGED: _l("Member role changed"),
    EventType.MEMBER_REMOVED: _l("Member removed"),
    EventType.PLATFORM_ADMIN_GRANTED: _l("Platform administrator appointed"),
}
