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
    CONSULTATION_CREATED = "consultation.created"
    CONSULTATION_PUBLISHED = "consultation.published"
    CONSULTATION_DEADLINE_CHANGED = "consultation.deadline_changed"
    CONSULTATION_CONCLUDED = "consultation.concluded"
    VERSION_PUBLISHED = "version.published"
    COMMENT_SUBMITTED = "comment.submitted"
    COMMENT_REVISED = "comment.revised"
    COMMENT_WITHDRAWN = "comment.withdrawn"
    COMMENT_HIDDEN = "comment.hidden"
    DISPOSITION_RECORDED = "disposition.recorded"
    DISPOSITION_CHANGED = "disposition.changed"
    INVITATION_SENT = "invitation.sent"
    INVITATION_ANSWERED = "invitation.answered"
    INVITATION_WITHDRAWN = "invitation.withdrawn"
    INVITATION_ATTACHED = "invitation.attached"
    MEETING_RECORDED = "meeting.recorded"
    PARTICIPATION_REQUESTED = "participation.requested"
    PARTICIPATION_DECIDED = "participation.decided"
    STATEMENT_OPENED = "statement.opened"
    STATEMENT_VERSIONED = "statement.versioned"
    STATEMENT_PUBLISHED = "statement.published"
    STATEMENT_CLOSED = "statement.closed"
    STATEMENT_SUBMITTED = "statement.submitted"
    STATEMENT_SIGNED = "statement.signed"
    STATEMENT_RECONFIRMED = "statement.reconfirmed"
    STATEMENT_SIGNATURE_WITHDRAWN = "statement.signature_withdrawn"
    REGISTER_CREATED = "register.created"
    REGISTER_REVISED = "register.revised"
    REGISTER_CONSULTATION_LINKED = "register.consultation_linked"
    REGISTER_FLAGGED = "register.flagged"
    REGISTER_FLAG_ANSWERED = "register.flag_answered"

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
    EventType.CONSULTATION_CREATED: _l("Consultation drafted"),
    EventType.CONSULTATION_PUBLISHED: _l("Consultation published"),
    EventType.CONSULTATION_DEADLINE_CHANGED: _l("Consultation deadline changed"),
    EventType.CONSULTATION_CONCLUDED: _l("Result report published"),
    EventType.VERSION_PUBLISHED: _l("Draft version published"),
    EventType.COMMENT_SUBMITTED: _l("Comment submitted"),
    EventType.COMMENT_REVISED: _l("Comment revised"),
    EventType.COMMENT_WITHDRAWN: _l("Comment withdrawn"),
    EventType.COMMENT_HIDDEN: _l("Comment hidden by moderation"),
    EventType.DISPOSITION_RECORDED: _l("Disposition recorded"),
    EventType.DISPOSITION_CHANGED: _l("Disposition changed"),
    EventType.INVITATION_SENT: _l("Organisation invited"),
    EventType.INVITATION_ANSWERED: _l("Invitation answered"),
    EventType.INVITATION_WITHDRAWN: _l("Invitation withdrawn"),
    EventType.INVITATION_ATTACHED: _l("Invitation by email matched to a registered organisation"),
    EventType.MEETING_RECORDED: _l("Meeting recorded"),
    EventType.PARTICIPATION_REQUESTED: _l("Participation requested"),
    EventType.PARTICIPATION_DECIDED: _l("Participation request decided"),
    EventType.STATEMENT_OPENED: _l("Statement opened for signature"),
    EventType.STATEMENT_VERSIONED: _l("Statement text changed (new version)"),
    EventType.STATEMENT_PUBLISHED: _l("Statement published"),
    EventType.STATEMENT_CLOSED: _l("Statement signing closed"),
    EventType.STATEMENT_SUBMITTED: _l("Statement submitted to a consultation"),
    EventType.STATEMENT_SIGNED: _l("Statement signed"),
    EventType.STATEMENT_RECONFIRMED: _l("Signature re-confirmed"),
    EventType.STATEMENT_SIGNATURE_WITHDRAWN: _l("Signature withdrawn"),
    EventType.REGISTER_CREATED: _l("AI system registered"),
    EventType.REGISTER_REVISED: _l("AI register entry changed (new revision)"),
    EventType.REGISTER_CONSULTATION_LINKED: _l("Consultation linked to an AI register entry"),
    EventType.REGISTER_FLAGGED: _l("AI register flag raised"),
    EventType.REGISTER_FLAG_ANSWERED: _l("AI register flag answered"),
}
