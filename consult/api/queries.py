"""Reads the API needs beyond the pages' own queries (which it calls where they fit): keyset pages of a
consultation's versions, invitations, requests and meetings, of organisations and of register entries,
each a fixed number of queries whatever the data; and the streams behind the bulk dumps."""
from __future__ import annotations

from typing import Any, Iterator

from sqlalchemy import select, tuple_
from sqlalchemy.orm import defer, joinedload, selectinload

from ..accounts.models import Person
from ..consultations import queries as consultation_queries
from ..consultations.models import (Comment, Consultation, Invitation, Meeting, MeetingOrganization,
                                    ParticipationRequest, Section, Version)
from ..extensions import db
from ..orgs.models import Organization, OrgKind, VerificationStatus
from ..pagination import Page, read_cursor, read_moment_cursor
from ..register.models import EntryConsultation, RegisterEntry
from ..register.queries import ListFilters as RegisterFilters
from ..statements.models import CoDrafter, Signature, Statement, StatementVersion
from ..statements.models import Group as SignatureGroup


def published_consultation(consultation_id: int) -> Consultation | None:
    """The consultation if it is published (a draft is private to its officials: 404 here)."""
    c = consultation_queries.consultation_or_none(consultation_id)
    return c if c is not None and c.published_at is not None else None


def people(ids: set[int | None]) -> dict[int, Person]:
    """The named people of a page (officials), one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(wanted)))}


def version_page(c: Consultation, after: str | None, limit: int) -> tuple[Page[Version], dict[int, list[Section]]]:
    """Published versions in order with their sections: two queries."""
    stmt = select(Version).where(Version.consultation_id == c.id, Version.published_at.is_not(None))
    if (key := read_cursor(after, (int,))) is not None:
        stmt = stmt.where(Version.number > key[0])
    rows = db.session.scalars(stmt.order_by(Version.number).limit(limit + 1)).all()
    page = Page.of(rows, limit, lambda v: (v.number,))
    return page, sections_of([v.id for v in page.items])


def sections_of(version_ids: list[int]) -> dict[int, list[Section]]:
    out: dict[int, list[Section]] = {i: [] for i in version_ids}
    if version_ids:
        for s in db.session.scalars(select(Section).where(Section.version_id.in_(version_ids))
                                    .order_by(Section.version_id, Section.position, Section.id)):
            out[s.version_id].append(s)
    return out


def published_version(c: Consultation, number: int) -> Version | None:
    return db.session.scalar(select(Version).where(Version.consultation_id == c.id, Version.number == number,
                                                   Version.published_at.is_not(None)))


def comment(c: Consultation, comment_id: int) -> Comment | None:
    found = db.session.scalar(consultation_queries._comment_options(select(Comment).where(Comment.id == comment_id)))
    return found if found is not None and found.consultation_id == c.id else None


def invitation_page(c: Consultation, after: str | None, limit: int) -> tuple[Page[Invitation], dict[int, Person]]:
    """Invitations in the order they were sent, with organisations and the officials named: two queries."""
    stmt = (select(Invitation).where(Invitation.consultation_id == c.id)
            .options(joinedload(Invitation.organization)))
    if (key := read_moment_cursor(after)) is not None:
        stmt = stmt.where(tuple_(Invitation.sent_at, Invitation.id) > key)
    rows = db.session.scalars(stmt.order_by(Invitation.sent_at, Invitation.id).limit(limit + 1)).all()
    page = Page.of(rows, limit, lambda i: (i.sent_at.isoformat(), i.id))
    return page, people({i.invited_by_id for i in page.items} | {i.withdrawn_by_id for i in page.items})


def request_page(c: Consultation, after: str | None, limit: int) -> tuple[Page[ParticipationRequest], dict[int, Person]]:
    """Participation requests in the order they came, with organisations and deciding officials: two queries."""
    stmt = (select(ParticipationRequest).where(ParticipationRequest.consultation_id == c.id)
            .options(joinedload(ParticipationRequest.organization)))
    if (key := read_moment_cursor(after)) is not None:
        stmt = stmt.where(tuple_(ParticipationRequest.requested_at, ParticipationRequest.id) > key)
    rows = db.session.scalars(stmt.order_by(ParticipationRequest.requested_at, ParticipationRequest.id)
                              .limit(limit + 1)).all()
    page = Page.of(rows, limit, lambda r: (r.requested_at.isoformat(), r.id))
    return page, people({r.decided_by_id for r in page.items})


def meeting_page(c: Consultation, after: str | None,
                 limit: int) -> tuple[Page[Meeting], dict[int, list[MeetingOrganization]], dict[int, Person]]:
    """Meetings, the latest first (as the record page), with their organisations and recording officials:
    three queries."""
    stmt = select(Meeting).where(Meeting.consultation_id == c.id)
    if (key := read_moment_cursor(after)) is not None:
        stmt = stmt.where(tuple_(Meeting.held_at, Meeting.id) < key)
    rows = db.session.scalars(stmt.order_by(Meeting.held_at.desc(), Meeting.id.desc()).limit(limit + 1)).all()
    page = Page.of(rows, limit, lambda m: (m.held_at.isoformat(), m.id))
    return page, meeting_orgs([m.id for m in page.items]), people({m.recorded_by_id for m in page.items})


def meeting_orgs(meeting_ids: list[int]) -> dict[int, list[MeetingOrganization]]:
    out: dict[int, list[MeetingOrganization]] = {i: [] for i in meeting_ids}
    if meeting_ids:
        for row in db.session.scalars(select(MeetingOrganization).where(MeetingOrganization.meeting_id.in_(meeting_ids))
                                      .options(joinedload(MeetingOrganization.organization))
                                      .order_by(MeetingOrganization.meeting_id, MeetingOrganization.organization_id)):
            out[row.meeting_id].append(row)
    return out


# ---- statements -----------------------------------------------------------------------------------

def co_drafters_of(statement_ids: list[int]) -> dict[int, list[Organization]]:
    """The co-drafting organisations of these statements, in their order: one query."""
    out: dict[int, list[Organization]] = {i: [] for i in statement_ids}
    if statement_ids:
        for row, org in db.session.execute(select(CoDrafter, Organization)
                                           .join(Organization, Organization.id == CoDrafter.organization_id)
                                           .where(CoDrafter.statement_id.in_(statement_ids))
                                           .order_by(CoDrafter.statement_id, CoDrafter.position)).all():
            out[row.statement_id].append(org)
    return out


def opened_statement(statement_id: int) -> Statement | None:
    """The statement once opened for signature (a draft is its drafters' only: 404 here)."""
    if not 0 < statement_id < 2**31:
        return None
    s = db.session.scalar(select(Statement).where(Statement.id == statement_id).options(joinedload(Statement.owner)))
    return s if s is not None and s.opened_at is not None else None


def frozen_versions(s: Statement) -> list[StatementVersion]:
    return list(db.session.scalars(select(StatementVersion).where(StatementVersion.statement_id == s.id,
                                                                  StatementVersion.frozen_at.is_not(None))
                                   .order_by(StatementVersion.number)))


# ---- organisations --------------------------------------------------------------------------------

def _org_options() -> Any:
    return selectinload(Organization.decided_by)


def organization_page(kind: OrgKind | None, after: str | None, limit: int) -> Page[Organization]:
    """Verified organisations (the directory's), by id: two queries (the second, the deciding admins)."""
    stmt = select(Organization).where(Organization.status == VerificationStatus.VERIFIED).options(_org_options())
    if kind is not None:
        stmt = stmt.where(Organization.kind == kind)
    if (key := read_cursor(after, (int,))) is not None:
        stmt = stmt.where(Organization.id > key[0])
    rows = db.session.scalars(stmt.order_by(Organization.id).limit(limit + 1)).all()
    return Page.of(rows, limit, lambda o: (o.id,))


def public_organization(slug: str) -> Organization | None:
    """An organisation whose page is public: any but one still pending verification."""
    if "\x00" in slug:  # PostgreSQL refuses NUL in text
        return None
    org = db.session.scalar(select(Organization).where(Organization.slug == slug[:60]).options(_org_options()))
    return org if org is not None and org.status != VerificationStatus.PENDING else None


# ---- the AI register ------------------------------------------------------------------------------

def entry_page(filters: RegisterFilters, after: str | None, limit: int) -> Page[RegisterEntry]:
    """Entries, the latest changed first (the list's order), with their documents: one query."""
    stmt = (select(RegisterEntry).options(defer(RegisterEntry.search_text), joinedload(RegisterEntry.organization))
            .where(*filters.where()))
    if (key := read_moment_cursor(after)) is not None:
        stmt = stmt.where(tuple_(RegisterEntry.updated_at, RegisterEntry.id) < key)
    rows = db.session.scalars(stmt.order_by(RegisterEntry.updated_at.desc(), RegisterEntry.id.desc())
                              .limit(limit + 1)).all()
    return Page.of(rows, limit, lambda e: (e.updated_at.isoformat(), e.id))


def entry_links(entry_ids: list[int]) -> dict[int, list[tuple[EntryConsultation, Consultation]]]:
    """The published consultations linked to these entries: one query."""
    out: dict[int, list[tuple[EntryConsultation, Consultation]]] = {i: [] for i in entry_ids}
    if entry_ids:
        stmt = (select(EntryConsultation, Consultation).join(Consultation, Consultation.id == EntryConsultation.consultation_id)
                .where(EntryConsultation.entry_id.in_(entry_ids), Consultation.published_at.is_not(None))
                .order_by(EntryConsultation.entry_id, EntryConsultation.linked_at, EntryConsultation.consultation_id))
        for link, c in db.session.execute(stmt).all():
            out[link.entry_id].append((link, c))
    return out


# ---- streams for the dumps ------------------------------------------------------------------------

CHUNK = 1000


def stream(stmt: Any, chunk: int = CHUNK) -> Iterator[Any]:
    """Rows of stmt, fetched `chunk` at a time through a server-side cursor on PostgreSQL (yield_per):
    memory stays flat however many rows there are."""
    yield from db.session.scalars(stmt.execution_options(yield_per=chunk))


SIGNATURES_LISTED = Signature.list_group != SignatureGroup.UNNAMED
