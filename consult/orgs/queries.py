"""Reads about organisations, each a fixed number of queries whatever the data."""
from __future__ import annotations

from collections.abc import Iterable

from flask import abort
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import joinedload

from ..accounts.models import Person
from ..extensions import db
from ..pagination import Page, read_cursor
from .models import MemberInvitation, Membership, Organization, OrgKind, VerificationStatus

PAGE_SIZE = 30


def by_slug(slug: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.slug == slug[:60]))


def by_slug_or_404(slug: str) -> Organization:
    org = by_slug(slug)
    if org is None:
        abort(404)
    return org


def by_ids(ids: Iterable[int]) -> dict[int, Organization]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {o.id: o for o in db.session.scalars(select(Organization).where(Organization.id.in_(wanted)))}


def _sort_name(lang: str):  # type: ignore[no-untyped-def]
    first, second = (Organization.name_ko, Organization.name_en) if lang == "ko" else \
        (Organization.name_en, Organization.name_ko)
    return func.coalesce(first, second)


def directory(lang: str, kind: OrgKind | None, after: str | None, limit: int = PAGE_SIZE) -> Page[Organization]:
    """Verified organisations in name order (가나다순 in Korean), one page."""
    sort = _sort_name(lang)
    stmt = select(Organization).where(Organization.status == VerificationStatus.VERIFIED)
    if kind is not None:
        stmt = stmt.where(Organization.kind == kind)
    if (key := read_cursor(after, (str, int))) is not None:
        stmt = stmt.where(tuple_(sort, Organization.id) > tuple(key))
    rows = db.session.scalars(stmt.order_by(sort, Organization.id).limit(limit + 1)).all()
    return Page.of(rows, limit, lambda o: (o.name.pick(lang).text, o.id))


def kind_counts() -> dict[str, int]:
    rows = db.session.execute(select(Organization.kind, func.count()).where(
        Organization.status == VerificationStatus.VERIFIED).group_by(Organization.kind))
    return {kind: n for kind, n in rows}


def review_queue(status: VerificationStatus, after: str | None, limit: int = PAGE_SIZE) -> Page[Organization]:
    """Organisations in a verification state, oldest request first (the queue admins work through)."""
    stmt = select(Organization).where(Organization.status == status)
    if (key := read_cursor(after, (str, int))) is not None:
        stmt = stmt.where(tuple_(Organization.verification_requested_at, Organization.id) >
                          (_parse_moment(key[0]), key[1]))
    rows = db.session.scalars(stmt.order_by(Organization.verification_requested_at, Organization.id)
                              .limit(limit + 1)).all()
    return Page.of(rows, limit, lambda o: (o.verification_requested_at.isoformat(), o.id))


def _parse_moment(text: str):  # type: ignore[no-untyped-def]
    from datetime import datetime
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        abort(400)
    if moment.tzinfo is None:  # our cursors carry an offset; a naive time would fail in UTCDateTime
        abort(400)
    return moment


def status_counts() -> dict[str, int]:
    rows = db.session.execute(select(Organization.status, func.count()).group_by(Organization.status))
    return {status: n for status, n in rows}


def members(org: Organization) -> list[Membership]:
    return list(db.session.scalars(select(Membership).where(Membership.organization_id == org.id)
                                   .options(joinedload(Membership.person))
                                   .order_by(Membership.role, Membership.created_at, Membership.id)))


def member_count(org: Organization) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organization_id == org.id)) or 0


def membership_or_404(org: Organization, membership_id: int) -> Membership:
    """A membership of this organisation (an id from another organisation is a 404, not a leak)."""
    membership = db.session.scalar(select(Membership).where(
        Membership.id == membership_id, Membership.organization_id == org.id)
        .options(joinedload(Membership.person), joinedload(Membership.organization)))
    if membership is None:
        abort(404)
    return membership


def open_invitations(org: Organization, now) -> list[MemberInvitation]:  # type: ignore[no-untyped-def]
    return list(db.session.scalars(select(MemberInvitation).where(
        MemberInvitation.organization_id == org.id, MemberInvitation.accepted_at.is_(None),
        MemberInvitation.cancelled_at.is_(None), MemberInvitation.expires_at > now)
        .order_by(MemberInvitation.created_at)))


def decided_by(org: Organization) -> Person | None:
    return db.session.get(Person, org.decided_by_id) if org.decided_by_id else None


def verified_non_government(limit: int = 500) -> list[Organization]:
    """Verified organisations that are not government bodies, by Korean name (co-drafter choices)."""
    return list(db.session.scalars(select(Organization).where(
        Organization.status == VerificationStatus.VERIFIED, Organization.kind != OrgKind.GOVERNMENT)
        .order_by(Organization.name_ko, Organization.id).limit(limit)))
