"""Every authorization rule, as small pure functions. Views ask first, actions ask again at the write,
templates ask to show buttons. Nothing here writes, reads the clock or touches request globals."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .accounts.models import Person
    from .consultations.models import Comment, Consultation
    from .orgs.models import Membership, Organization, Role
    from .register.models import Flag, RegisterEntry
    from .statements.models import Signature, Statement


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


# ---- consultations --------------------------------------------------------------------------------
# `now` is passed in; `participating` says whether actor.org was invited to (or granted a place in) an
# `invited` consultation — the caller looks it up (consultations.queries.is_participant).

def is_official(actor: Actor) -> bool:
    """A member (either role) of a verified government organisation: its officials."""
    return actor.org is not None and can_act_for(actor, actor.org) and actor.org.is_government


def can_create_consultation(actor: Actor) -> bool:
    """Officials open consultations for their own organisation."""
    return is_official(actor)


def can_manage_consultation(actor: Actor, c: Consultation) -> bool:
    """The owning organisation's officials edit drafts, publish versions, change deadlines, decide."""
    return is_official(actor) and actor.org is not None and actor.org.id == c.owner_org_id


def can_view_consultation(actor: Actor, c: Consultation) -> bool:
    """Everything published is public; a draft only to its owner's officials."""
    return c.published_at is not None or can_manage_consultation(actor, c)


def can_edit_draft(actor: Actor, c: Consultation, *, now: datetime) -> bool:
    """Details and the unpublished version are edited by the owner until the consultation concludes;
    the consultation's own details only until it is published."""
    from .consultations.models import Status
    return can_manage_consultation(actor, c) and c.status_at(now) is not Status.CONCLUDED


def can_change_deadline(actor: Actor, c: Consultation, *, now: datetime) -> bool:
    """A published, not yet concluded consultation's deadline can move (always with a public reason)."""
    from .consultations.models import Status
    return can_manage_consultation(actor, c) and c.status_at(now) in (Status.SCHEDULED, Status.OPEN, Status.CLOSED)


def can_invite(actor: Actor, c: Consultation, *, now: datetime) -> bool:
    """The owner's officials invite organisations while the consultation is published and not yet closed."""
    from .consultations.models import Status
    return (can_manage_consultation(actor, c) and c.published_at is not None
            and c.status_at(now) in (Status.SCHEDULED, Status.OPEN))


def can_comment(actor: Actor, c: Consultation, *, now: datetime, participating: bool = False) -> bool:
    """While open: an editor or admin for a verified organisation (invited ones only in `invited` mode;
    never the owner), or a person with a verified email where an `open` consultation allows individuals."""
    from .consultations.models import Mode, Status
    if c.status_at(now) is not Status.OPEN or not _active(actor):
        return False
    if actor.org is None:
        return (c.allows_individuals and c.mode is Mode.OPEN and actor.person is not None
                and actor.person.is_verified)
    if not can_act_for(actor, actor.org) or actor.org.id == c.owner_org_id:
        return False
    return c.mode is Mode.OPEN or participating


def can_edit_comment(actor: Actor, comment: Comment, c: Consultation, *, now: datetime) -> bool:
    """Its author (the organisation's editors and admins, or the individual) revises or withdraws it
    until the deadline."""
    from .consultations.models import Status
    if c.status_at(now) is not Status.OPEN or not comment.is_published or not _active(actor):
        return False
    if comment.author_org_id is not None:
        return actor.org is not None and actor.org.id == comment.author_org_id and can_act_for(actor, actor.org)
    return actor.org is None and actor.person is not None and actor.person.id == comment.author_id


def can_moderate(actor: Actor) -> bool:
    """Platform admins hide comments (with a public reason)."""
    return _active(actor) and actor.is_platform_admin


def can_decide_disposition(actor: Actor, c: Consultation, *, now: datetime) -> bool:
    """The owner's officials record and change dispositions once comments arrive, until conclusion."""
    from .consultations.models import Status
    return can_manage_consultation(actor, c) and c.status_at(now) in (Status.OPEN, Status.CLOSED)


def can_conclude(actor: Actor, c: Consultation, *, now: datetime) -> bool:
    """After the deadline the owner's officials publish the result report, which concludes it."""
    from .consultations.models import Status
    return can_manage_consultation(actor, c) and c.status_at(now) is Status.CLOSED


# ---- joint statements -----------------------------------------------------------------------------
# `drafters` is the set of organisation ids that draft a statement (its owner and co-drafters) — the
# caller looks it up (statements.queries.drafter_ids).

def can_draft_statement(actor: Actor) -> bool:
    """Editors and admins of a verified non-government organisation draft joint statements."""
    return (actor.org is not None and can_act_for(actor, actor.org) and not actor.org.is_government)


def is_drafter(actor: Actor, drafters: set[int] | frozenset[int]) -> bool:
    """A member (editor or admin) of the drafting organisation or a co-drafter, acting for it."""
    return actor.org is not None and actor.org.id in drafters and can_act_for(actor, actor.org)


def can_view_statement(actor: Actor, s: Statement, drafters: set[int] | frozenset[int]) -> bool:
    """An opened statement is public; a draft only to its drafting organisations."""
    return s.opened_at is not None or is_drafter(actor, drafters)


def can_edit_statement(actor: Actor, s: Statement, drafters: set[int] | frozenset[int], *,
                       now: datetime) -> bool:
    """Drafters edit the draft in place, and after opening write new versions until signing closes."""
    from .statements.models import Status
    return is_drafter(actor, drafters) and s.status_at(now) is not Status.CLOSED


def can_release_statement(actor: Actor, s: Statement, drafters: set[int] | frozenset[int], *,
                          now: datetime) -> bool:
    """Opening for signature, publishing, closing early and submitting to a consultation speak for the
    coalition: admins of a drafting organisation."""
    from .orgs.models import Role
    return is_drafter(actor, drafters) and actor.role == Role.ADMIN


def can_sign(actor: Actor, s: Statement, *, now: datetime) -> bool:
    """While open: an admin for a verified organisation, or a person with a verified email where the
    statement allows individuals."""
    from .statements.models import Status
    if s.status_at(now) is not Status.OPEN or not _active(actor):
        return False
    if actor.org is None:
        return s.allows_individuals and actor.person is not None and actor.person.is_verified
    return is_org_admin(actor, actor.org) and actor.org.is_verified


def can_change_signature(actor: Actor, sig: Signature, s: Statement, *, now: datetime) -> bool:
    """The signatory (an admin of the signing organisation, or the individual) withdraws or re-confirms
    while signing is open."""
    from .statements.models import Status
    if s.status_at(now) is not Status.OPEN or not _active(actor):
        return False
    if sig.organization_id is not None:
        return actor.org is not None and actor.org.id == sig.organization_id and is_org_admin(actor, actor.org)
    return actor.org is None and actor.person is not None and actor.person.id == sig.person_id


def can_see_signing_members(actor: Actor, drafters: set[int] | frozenset[int]) -> bool:
    """Which member signed for an organisation is shown to the drafters only."""
    return is_drafter(actor, drafters)


# ---- the AI register ------------------------------------------------------------------------------

def can_register_system(actor: Actor) -> bool:
    """Officials (editors and admins of a verified government organisation) register their body's AI systems."""
    return is_official(actor)


def can_edit_entry(actor: Actor, entry: RegisterEntry) -> bool:
    """The operating body's officials revise an entry, record its assessment stages and link consultations."""
    return is_official(actor) and actor.org is not None and actor.org.id == entry.organization_id


def can_flag(actor: Actor) -> bool:
    """Editors and admins of a verified non-government organisation flag entries (and unregistered systems)."""
    return actor.org is not None and can_act_for(actor, actor.org) and not actor.org.is_government


def can_answer_flag(actor: Actor, flag: Flag) -> bool:
    """The officials of the body a flag is about answer it publicly."""
    return is_official(actor) and actor.org is not None and actor.org.id == flag.body_org_id
