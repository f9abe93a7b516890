"""Every change to organisations, memberships and member invitations."""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import policy, record
from ..accounts.models import Person
from ..errors import Denied, Invalid
from ..extensions import atomic, db
from ..i18n import Bilingual
from ..mail.actions import enqueue, external_url
from ..record import EventType
from .models import (GovSubkind, MemberInvitation, Membership, Organization, OrgKind, Role,
                     VerificationStatus)

INVITATION_LIFETIME = timedelta(days=14)


@dataclass(frozen=True)
class OrgInput:
    name: Bilingual
    short_name: Bilingual
    kind: OrgKind
    subkind: GovSubkind | None
    website: str | None
    description: Bilingual


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:50]


RESERVED_SLUGS = {"new", "invitations"}


def _unique_slug(wanted: str) -> str:
    base = slugify(wanted) or "org"
    if base in RESERVED_SLUGS:
        base = f"{base}-org"
    taken = set(db.session.scalars(select(Organization.slug).where(
        (Organization.slug == base) | Organization.slug.like(f"{base}-%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _check_input(data: OrgInput) -> None:
    if data.kind == OrgKind.GOVERNMENT and data.subkind is None:
        raise Invalid("subkind", _l("Choose the kind of government body."))
    if data.kind != OrgKind.GOVERNMENT and data.subkind is not None:
        raise Invalid("subkind", _l("Only government bodies can have a kind of government body."))


def _name_taken(name: Bilingual, except_id: int | None = None) -> bool:
    clauses = []
    if name.ko:
        clauses.append(func.lower(Organization.name_ko) == name.ko.lower())
    if name.en:
        clauses.append(func.lower(Organization.name_en) == name.en.lower())
    stmt = select(func.count()).select_from(Organization).where(clauses[0] if len(clauses) == 1
                                                                 else clauses[0] | clauses[1])
    if except_id is not None:
        stmt = stmt.where(Organization.id != except_id)
    return bool(db.session.scalar(stmt))


@atomic
def create_organization(actor: policy.Actor, data: OrgInput, *, now: datetime,
                        slug: str | None = None, join: bool = True) -> Organization:
    """Register an organisation with actor as its first admin; it waits for verification.

    A platform admin may register one on its behalf without joining it (join=False).
    """
    if not policy.can_create_organization(actor) or (not join and not actor.is_platform_admin):
        raise Denied(_l("Verify your email address before registering an organisation."))
    _check_input(data)
    if _name_taken(data.name):
        raise Invalid("name", _l("An organisation with this name is already registered."))
    org = Organization(slug=_unique_slug(slug or data.name.en or data.short_name.en or ""),
                       kind=data.kind, subkind=data.subkind, name=data.name, short_name=data.short_name,
                       description=data.description, website=data.website, created_at=now,
                       created_by_id=actor.person.id, status=VerificationStatus.PENDING,  # type: ignore[union-attr]
                       verification_requested_at=now, decision_note=Bilingual(None, None))
    db.session.add(org)
    db.session.flush()
    if join:
        db.session.add(Membership(organization_id=org.id, person_id=actor.person.id, role=Role.ADMIN,  # type: ignore[union-attr]
                                  title=Bilingual(None, None), created_at=now))
    record.append(EventType.ORGANIZATION_CREATED,
                  actor=policy.Actor(actor.person, org, Role.ADMIN) if join else policy.Actor(actor.person),
                  subject=org, payload={"kind": str(data.kind),
                                        "subkind": str(data.subkind) if data.subkind else None,
                                        "name": data.name.as_dict(), "website": data.website,
                                        "registered_by_platform_admin": not join},
                  now=now)
    return org


@atomic
def update_organization(actor: policy.Actor, org: Organization, data: OrgInput, *,
                        now: datetime) -> Organization:
    """Change the public profile. The kind of a verified organisation is fixed (it was verified as such)."""
    if not policy.can_edit_organization(actor, org):
        raise Denied(_l("Only the organisation's administrators can change its profile."))
    _check_input(data)
    if org.is_verified and (data.kind != org.kind or data.subkind != org.subkind):
        raise Invalid("kind", _l("The kind of a verified organisation cannot be changed."))
    if _name_taken(data.name, except_id=org.id):
        raise Invalid("name", _l("An organisation with this name is already registered."))
    before = {"name": org.name, "short_name": org.short_name, "description": org.description,
              "website": org.website, "kind": org.kind, "subkind": org.subkind}
    org.name, org.short_name, org.description = data.name, data.short_name, data.description
    org.website, org.kind, org.subkind = data.website, data.kind, data.subkind
    after = {"name": org.name, "short_name": org.short_name, "description": org.description,
             "website": org.website, "kind": org.kind, "subkind": org.subkind}
    changed = sorted(k for k in before if before[k] != after[k])
    if "name" in changed or "kind" in changed:
        from ..statements.actions import follow_organization
        follow_organization(org)
    if changed:
        record.append(EventType.ORGANIZATION_UPDATED, actor=actor, subject=org,
                      payload={"changed": changed, "name": org.name.as_dict()}, now=now)
    return org


DECISIONS = {
    # decision: (allowed from, new status, event)
    "verify": ({VerificationStatus.PENDING, VerificationStatus.REJECTED, VerificationStatus.REVOKED},
               VerificationStatus.VERIFIED, EventType.ORGANIZATION_VERIFIED),
    "reject": ({VerificationStatus.PENDING}, VerificationStatus.REJECTED, EventType.ORGANIZATION_REJECTED),
    "revoke": ({VerificationStatus.VERIFIED}, VerificationStatus.REVOKED, EventType.ORGANIZATION_REVOKED),
}


@atomic
def decide_verification(actor: policy.Actor, org: Organization, decision: str, note: Bilingual, *,
                        now: datetime, notify: bool = True) -> Organization:
    """A platform admin verifies, rejects or revokes, always with a public basis or reason."""
    if not policy.can_decide_verification(actor, org):
        raise Denied(_l("Only a platform administrator outside the organisation can decide its verification."))
    if decision not in DECISIONS:
        raise Invalid("decision", _l("Choose verify, reject or revoke."))
    allowed_from, new_status, event_type = DECISIONS[decision]
    if org.status not in allowed_from:
        raise Invalid("decision", _l("This decision does not apply to the organisation's current state."))
    if not note:
        raise Invalid("note", _l("State the basis or reason; it is published with the decision."))
    org.status = new_status
    org.decided_at = now
    org.decided_by_id = actor.person.id  # type: ignore[union-attr]
    org.decision_note = note
    record.append(event_type, actor=policy.Actor(actor.person), subject=org,
                  payload={"status": str(new_status), "note": note.as_dict()}, now=now)
    if new_status is VerificationStatus.VERIFIED:  # invitations sent by email to its members become its own
        from ..consultations.actions import attach_email_invitations
        attach_email_invitations(org, now=now)
    admins = db.session.scalars(select(Person).join(Membership, Membership.person_id == Person.id).where(
        Membership.organization_id == org.id, Membership.role == Role.ADMIN,
        Person.erased_at.is_(None))).all()
    for admin in admins if notify else []:
        enqueue(admin.email or "", "verification_decided", lang=admin.locale, now=now, org=org,
                status=new_status, note=note,
                link=external_url("orgs.show", lang=admin.locale, slug=org.slug))
    return org


def _admin_count(org_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organization_id == org_id, Membership.role == Role.ADMIN)) or 0


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@atomic
def invite_member(actor: policy.Actor, org: Organization, email: str, role: Role, *, lang: str,
                  now: datetime) -> MemberInvitation:
    """Invite someone by email; the link lets the holder of that address join with `role`."""
    if not policy.can_manage_members(actor, org):
        raise Denied(_l("Only the organisation's administrators can invite members."))
    email = email.strip().lower()
    already = db.session.scalar(select(func.count()).select_from(Membership).join(
        Person, Person.id == Membership.person_id).where(Membership.organization_id == org.id,
                                                         Person.email == email))
    if already:
        raise Invalid("email", _l("This person is already a member."))
    open_invites = db.session.scalars(select(MemberInvitation).where(
        MemberInvitation.organization_id == org.id, MemberInvitation.email == email,
        MemberInvitation.accepted_at.is_(None), MemberInvitation.cancelled_at.is_(None))).all()
    for old in open_invites:  # a new invitation replaces an older one
        old.cancelled_at = now
    token = secrets.token_urlsafe(32)
    invitation = MemberInvitation(organization_id=org.id, email=email, role=role,
                                  token_sha256=token_hash(token), invited_by_id=actor.person.id,  # type: ignore[union-attr]
                                  created_at=now, expires_at=now + INVITATION_LIFETIME)
    db.session.add(invitation)
    record.append(EventType.MEMBER_INVITED, actor=actor, subject=invitation,
                  payload={"organization": org.id, "role": str(role)}, now=now)
    enqueue(email, "member_invitation", lang=lang, now=now, org=org, role=role,
            inviter=actor.person, expires_at=invitation.expires_at,
            link=external_url("orgs.accept_invitation", lang=lang, token=token))
    return invitation


def invitation_for(token: str) -> MemberInvitation | None:
    return db.session.scalar(select(MemberInvitation).where(MemberInvitation.token_sha256 == token_hash(token)))


@atomic
def accept_invitation(person: Person, token: str, *, now: datetime) -> Membership:
    """Join the organisation; only the invited address may accept, once, before it expires."""
    invitation = invitation_for(token)
    if invitation is None or not invitation.is_open(now):
        raise Invalid("token", _l("This invitation is invalid, was already used or has expired."))
    if not person.is_verified or person.email != invitation.email:
        raise Denied(_l("This invitation was sent to another email address."))
    existing = db.session.scalar(select(Membership).where(
        Membership.organization_id == invitation.organization_id, Membership.person_id == person.id))
    if existing is not None:
        raise Invalid("token", _l("You are already a member of this organisation."))
    membership = Membership(organization_id=invitation.organization_id, person_id=person.id,
                            role=invitation.role, title=Bilingual(None, None), created_at=now)
    db.session.add(membership)
    invitation.accepted_at = now
    org = db.session.get(Organization, invitation.organization_id)
    record.append(EventType.MEMBER_ADDED, actor=policy.Actor(person, org, invitation.role),
                  subject=membership, payload={"organization": invitation.organization_id,
                                               "role": str(invitation.role),
                                               "invitation": invitation.id}, now=now)
    return membership


@atomic
def change_member(actor: policy.Actor, membership: Membership, role: Role, title: Bilingual, *,
                  now: datetime) -> Membership:
    """Change a member's role and title; the last admin cannot step down."""
    org = membership.organization
    if not policy.can_manage_members(actor, org):
        raise Denied(_l("Only the organisation's administrators can change members."))
    if membership.role == Role.ADMIN and role != Role.ADMIN and _admin_count(org.id) <= 1:
        raise Invalid("role", _l("An organisation needs at least one administrator."))
    old_role = membership.role
    membership.role, membership.title = role, title
    if old_role != role:
        record.append(EventType.MEMBER_ROLE_CHANGED, actor=actor, subject=membership,
                      payload={"organization": org.id, "from": str(old_role), "to": str(role)}, now=now)
    return membership


@atomic
def remove_member(actor: policy.Actor, membership: Membership, *, now: datetime) -> None:
    """Admins remove members, and anyone may leave; the last admin cannot go."""
    org = membership.organization
    leaving = actor.person is not None and actor.person.id == membership.person_id
    if not (leaving or policy.can_manage_members(actor, org)):
        raise Denied(_l("Only the organisation's administrators can remove members."))
    if membership.role == Role.ADMIN and _admin_count(org.id) <= 1:
        raise Invalid("member", _l("An organisation needs at least one administrator."))
    record.append(EventType.MEMBER_REMOVED, actor=actor, subject=membership,
                  payload={"organization": org.id, "role": str(membership.role), "left": leaving}, now=now)
    db.session.delete(membership)


@atomic
def set_member_title(org: Organization, person: Person, title: Bilingual, *, now: datetime) -> None:
    """Set a member's position without an event (positions are profile text, not decisions)."""
    membership = db.session.scalar(select(Membership).where(
        Membership.organization_id == org.id, Membership.person_id == person.id))
    if membership is not None:
        membership.title = title


@atomic
def add_member_directly(org: Organization, person: Person, role: Role, title: Bilingual, *,
                        now: datetime) -> Membership:
    """Add a member without an invitation: for the demo loader and administrators' commands only."""
    membership = Membership(organization_id=org.id, person_id=person.id, role=role, title=title,
                            created_at=now)
    db.session.add(membership)
    record.append(EventType.MEMBER_ADDED, actor=policy.Actor(person, org, role), subject=membership,
                  payload={"organization": org.id, "role": str(role), "invitation": None}, now=now)
    return membership
