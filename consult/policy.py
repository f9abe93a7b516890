"""Every authorization rule, as small pure functions. Views ask first, actions ask again at the write,
templates ask to show buttons. Nothing here writes, reads the clock or touches request globals."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .accounts.models import Person
    from .orgs.models import Membership, Organization, Role


@dataclass(frozen=True)
class Actor:
    """Who acts: a person (or nobody), and the organisation they act for with their role in it."""

    person: Person | None
    org: Organization | None = None
    role: Role | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.person is None

    @property
    def is_platform_admin(self) -> bool:
        return self.person is not None and self.person.is_platform_admin and self.person.erased_at is None


ANONYMOUS = Actor(person=None)


def actor_for(person: Person | None, org: Organization | None = None,
              membership: Membership | None = None) -> Actor:
    """The actor `person` is when acting for `org` through `membership` (None: as themself)."""
    if person is None or not person.is_authenticated:
        return ANONYMOUS
    if org is None or membership is None or membership.person_id != person.id \
            or membership.organization_id != org.id:
        return Actor(person=person)
    return Actor(person=person, org=org, role=membership.role)


def _active(actor: Actor) -> bool:
    return actor.person is not None and actor.person.erased_at is None


# ---- accounts -------------------------------------------------------------------------------------

def can_register(actor: Actor) -> bool:
    """Only visitors register; a logged-in person already has an account."""
    return actor.person is None


def can_manage_account(actor: Actor, person: Person) -> bool:
    """A person manages (downloads, erases) only their own account."""
    return _active(actor) and actor.person is not None and actor.person.id == person.id


# ---- organisations --------------------------------------------------------------------------------

def can_create_organization(actor: Actor) -> bool:
    """Any person with a verified email address may register an organisation (it then awaits review)."""
    return _active(actor) and actor.person is not None and actor.person.is_verified


def can_view_organization(actor: Actor, org: Organization) -> bool:
    """Verified, rejected and revoked organisations are public (with the reason); a pending one is seen
    by its members and platform admins until it is decided."""
    from .orgs.models import VerificationStatus
    if org.status != VerificationStatus.PENDING:
        return True
    return actor.is_platform_admin or (actor.org is not None and actor.org.id == org.id)


def is_member(actor: Actor, org: Organization) -> bool:
    return _active(actor) and actor.org is not None and actor.org.id == org.id and actor.role is not None


def is_org_admin(actor: Actor, org: Organization) -> bool:
    from .orgs.models import Role
    return is_member(actor, org) and actor.role == Role.ADMIN


def can_edit_organization(actor: Actor, org: Organization) -> bool:
    """The organisation's admins edit its profile, before and after verification."""
    return is_org_admin(actor, org)


def can_manage_members(actor: Actor, org: Organization) -> bool:
    """The organisation's admins invite, change and remove members."""
    return is_org_admin(actor, org)


def can_act_for(actor: Actor, org: Organization) -> bool:
    """Acting on behalf of an organisation (comment, sign, invite …) needs a verified organisation."""
    return is_member(actor, org) and org.is_verified


def can_view_members(actor: Actor, org: Organization) -> bool:
    """Member lists (with roles and pending invitations) are for the organisation and platform admins."""
    return is_member(actor, org) or actor.is_platform_admin


# ---- platform administration ----------------------------------------------------------------------

def can_review_organizations(actor: Actor) -> bool:
    """Platform admins see the verification queue."""
    return _active(actor) and actor.is_platform_admin


def can_decide_verification(actor: Actor, org: Organization) -> bool:
    """Platform admins verify or reject a pending organisation, revoke a verified one, and may verify a
    rejected or revoked one later (with a new public basis); never one they belong to."""
    if not can_review_organizations(actor):
        return False
    return not (actor.org is not None and actor.org.id == org.id)
