"""Reads of the AI register: the public list (filters, search, keyset pages), one entry with its linked
consultations and flags, its revisions, per-body pages, the coverage overview (one GROUP BY) and the
streams behind the open-data exports and the feed. Every page costs a fixed number of queries whatever
the number of entries and revisions; the list never opens an entry's document."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from flask import abort
from sqlalchemy import and_, exists, func, or_, select, tuple_
from sqlalchemy.orm import contains_eager, defer, joinedload

from ..consultations.models import Consultation
from ..extensions import db
from ..orgs.models import Organization, OrgKind
from ..pagination import Page, read_cursor, read_moment_cursor
from ..record.models import Event
from ..record.types import EventType
from .models import Area, EntryArea, EntryConsultation, EntryStatus, Flag, RegisterEntry, RegisterRevision

PAGE_SIZE = 20
HISTORY_PAGE_SIZE = 30
FEED_SIZE = 50
Q_MAX = 200  # characters of a search query


def like_pattern(q: str) -> str:
    r"""A LIKE pattern finding q as a literal substring: `\`, `%` and `_` escaped with `\`."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def normalise_query(q: str | None) -> str:
    """The search text as search_text holds it: lower-cased, blanks collapsed."""
    return " ".join((q or "").split()).lower()


@dataclass(frozen=True)
class ListFilters:
    """What the register list is narrowed to. Booleans are None (any), True or False."""

    body: Organization | None = None
    area: Area | None = None
    status: EntryStatus | None = None
    assessment: bool | None = None
    consultation: bool | None = None
    personal_data: bool | None = None
    q: str = ""

    def args(self) -> dict[str, str]:
        """The query-string arguments that give these filters (for "more" links and the feed)."""
        out: dict[str, str] = {}
        if self.body:
            out["body"] = self.body.slug
        if self.area:
            out["area"] = self.area.value
        if self.status:
            out["status"] = self.status.value
        for key in ("assessment", "consultation", "personal_data"):
            value = getattr(self, key)
            if value is not None:
                out[key] = "yes" if value else "no"
        if self.q:
            out["q"] = self.q
        return out

    @property
    def active(self) -> bool:
        return bool(self.args())

    def where(self) -> list[Any]:
        """The SQL conditions of these filters."""
        conditions: list[Any] = []
        if self.body:
            conditions.append(RegisterEntry.organization_id == self.body.id)
        if self.area:
            conditions.append(exists().where(EntryArea.entry_id == RegisterEntry.id, EntryArea.area == self.area))
        if self.status:
            conditions.append(RegisterEntry.status == self.status)
        if self.assessment is not None:
            conditions.append(RegisterEntry.assessment_stage.is_not(None) if self.assessment
                              else RegisterEntry.assessment_stage.is_(None))
        if self.consultation is not None:
            # has_consultation: a published consultation is linked (the actions keep it, a linked draft does not count)
            conditions.append(RegisterEntry.has_consultation.is_(self.consultation))
        if self.personal_data is not None:
            conditions.append(RegisterEntry.personal_data.is_(self.personal_data))
        if q := normalise_query(self.q):
            conditions.append(RegisterEntry.search_text.like(like_pattern(q), escape="\\"))
        return conditions


# the list reads the repeated columns only: the document and search text stay in the database
def _list_options() -> tuple[Any, ...]:
    return (defer(RegisterEntry.content), defer(RegisterEntry.search_text), joinedload(RegisterEntry.organization))


def entry_page(filters: ListFilters, after: str | None, limit: int = PAGE_SIZE) -> Page[RegisterEntry]:
    """Entries, the latest changed first, narrowed by the filters: one query."""
    stmt = select(RegisterEntry).options(*_list_options()).where(*filters.where())
    if (key := read_moment_cursor(after)) is not None:
        stmt = stmt.where(tuple_(RegisterEntry.updated_at, RegisterEntry.id) < key)
    stmt = stmt.order_by(RegisterEntry.updated_at.desc(), RegisterEntry.id.desc()).limit(limit + 1)
    rows = db.session.scalars(stmt).all()
    return Page.of(rows, limit, lambda e: (e.updated_at.isoformat(), e.id))


def count(filters: ListFilters) -> int:
    """How many entries match the filters: one query."""
    return db.session.scalar(select(func.count()).select_from(RegisterEntry).where(*filters.where())) or 0


def bodies() -> list[Organization]:
    """Government bodies with at least one entry, for the list's filter: one query."""
    with_entries = select(RegisterEntry.organization_id)
    return list(db.session.scalars(select(Organization).where(Organization.id.in_(with_entries))
                                   .order_by(Organization.name_ko, Organization.id)))


def body_by_slug(slug: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.slug == slug,
                                                        Organization.kind == OrgKind.GOVERNMENT))


def body_or_404(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None or org.kind != OrgKind.GOVERNMENT:
        abort(404)
    return org


# ---- one entry ------------------------------------------------------------------------------------

def entry_or_404(entry_id: int) -> RegisterEntry:
    e = db.session.scalar(select(RegisterEntry).where(RegisterEntry.id == entry_id)
                          .options(defer(RegisterEntry.search_text), joinedload(RegisterEntry.organization)))
    if e is None:
        abort(404)
    return e


def linked_consultations(entry: RegisterEntry, *, public_only: bool = True) -> list[EntryConsultation]:
    """The consultations linked to the entry (published ones unless asked), oldest link first: one query."""
    stmt = (select(EntryConsultation).join(EntryConsultation.consultation)
            .options(contains_eager(EntryConsultation.consultation))
            .where(EntryConsultation.entry_id == entry.id)
            .order_by(EntryConsultation.linked_at, EntryConsultation.consultation_id))
    if public_only:
        stmt = stmt.where(Consultation.published_at.is_not(None))
    return list(db.session.scalars(stmt))


def flags(entry: RegisterEntry) -> list[Flag]:
    """The entry's flags, oldest first, with the flagging organisations: one query."""
    return list(db.session.scalars(select(Flag).where(Flag.entry_id == entry.id)
                                   .options(joinedload(Flag.organization))
                                   .order_by(Flag.created_at, Flag.id)))


# ---- revisions ------------------------------------------------------------------------------------

def revision_page(entry: RegisterEntry, after: str | None, limit: int = HISTORY_PAGE_SIZE) -> Page[RegisterRevision]:
    """The entry's revisions, newest first, without their documents: one query."""
    stmt = (select(RegisterRevision).where(RegisterRevision.entry_id == entry.id)
            .options(defer(RegisterRevision.content)))
    if (values := read_cursor(after, (int,))) is not None:
        stmt = stmt.where(RegisterRevision.number < values[0])
    rows = db.session.scalars(stmt.order_by(RegisterRevision.number.desc()).limit(limit + 1)).all()
    return Page.of(rows, limit, lambda r: (r.number,))


def revision_pair(entry: RegisterEntry, number: int) -> tuple[RegisterRevision, RegisterRevision | None]:
    """Revision `number` and the one before it (None for the first): one query; 404 if there is none."""
    rows = {r.number: r for r in db.session.scalars(select(RegisterRevision).where(
        RegisterRevision.entry_id == entry.id, RegisterRevision.number.in_([number, number - 1])))}
    if number not in rows:
        abort(404)
    return rows[number], rows.get(number - 1)


_SCOPE = RegisterEntry.__tablename__
_REVISION = RegisterRevision.__tablename__


def revision_events(entry: RegisterEntry, revisions: list[RegisterRevision]) -> dict[int, int]:
    """The record's sequence number for each of these revisions (revision id → seq): one query on the
    record's scope index. Revision 1 is the registration event (its subject is the entry); every later
    one is a revision event whose subject is the revision."""
    if not revisions:
        return {}
    ids = [r.id for r in revisions]
    rows = db.session.execute(select(Event.seq, Event.event_type, Event.subject_id).where(
        Event.scope_type == _SCOPE, Event.scope_id == entry.id,
        or_(Event.event_type == EventType.REGISTER_CREATED.value,
            and_(Event.event_type == EventType.REGISTER_REVISED.value, Event.subject_type == _REVISION,
                 Event.subject_id.in_(ids))))).all()
    first = next((r.id for r in revisions if r.number == 1), None)
    out: dict[int, int] = {}
    for seq, kind, subject_id in rows:
        if kind == EventType.REGISTER_CREATED.value:
            if first is not None:
                out[first] = seq
        else:
            out[subject_id] = seq
    return out


# ---- per body and coverage ------------------------------------------------------------------------

@dataclass(frozen=True)
class Coverage:
    body: Organization
    entries: int
    without_assessment: int
    without_consultation: int


def coverage(org_id: int | None = None) -> list[Coverage]:
    """For every government body with entries (or one body): its entries, those without an impact
    assessment and those without a published consultation — one GROUP BY query, most entries first."""
    stmt = (select(Organization, func.count(RegisterEntry.id),
                   func.count(RegisterEntry.id).filter(RegisterEntry.assessment_stage.is_(None)),
                   func.count(RegisterEntry.id).filter(RegisterEntry.has_consultation.is_(False)))
            .join(RegisterEntry, RegisterEntry.organization_id == Organization.id)
            .group_by(Organization.id)
            .order_by(func.count(RegisterEntry.id).desc(), Organization.name_ko, Organization.id))
    if org_id is not None:
        stmt = stmt.where(Organization.id == org_id)
    return [Coverage(org, n, a, c) for org, n, a, c in db.session.execute(stmt).all()]


# ---- open data ------------------------------------------------------------------------------------

def all_entries() -> Iterator[RegisterEntry]:
    """Every entry with its document and body, in id order, streamed in chunks for the exports."""
    stmt = (select(RegisterEntry).options(defer(RegisterEntry.search_text), joinedload(RegisterEntry.organization))
            .order_by(RegisterEntry.id))
    yield from db.session.scalars(stmt.execution_options(yield_per=500))


def all_links(public_only: bool = True) -> dict[int, list[tuple[EntryConsultation, Consultation]]]:
    """Every entry's linked consultations (entry id → links), for the exports: one query."""
    stmt = (select(EntryConsultation, Consultation).join(Consultation, Consultation.id == EntryConsultation.consultation_id)
            .order_by(EntryConsultation.entry_id, EntryConsultation.linked_at, EntryConsultation.consultation_id))
    if public_only:
        stmt = stmt.where(Consultation.published_at.is_not(None))
    out: dict[int, list[tuple[EntryConsultation, Consultation]]] = {}
    for link, c in db.session.execute(stmt).all():
        out.setdefault(link.entry_id, []).append((link, c))
    return out


def recent_revisions(limit: int = FEED_SIZE) -> list[tuple[RegisterRevision, RegisterEntry]]:
    """The latest revisions of all entries, newest first, with their entries and bodies: one query."""
    stmt = (select(RegisterRevision, RegisterEntry).join(RegisterEntry, RegisterEntry.id == RegisterRevision.entry_id)
            .options(defer(RegisterRevision.content), defer(RegisterEntry.content), defer(RegisterEntry.search_text),
                     joinedload(RegisterEntry.organization))
            .order_by(RegisterRevision.created_at.desc(), RegisterRevision.id.desc()).limit(limit))
    return [(r, e) for r, e in db.session.execute(stmt).all()]


