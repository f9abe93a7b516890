"""Reads of the record: pages of events, newest first, by keyset on seq."""
from __future__ import annotations

from sqlalchemy import and_, false, or_, select

from ..extensions import db
from ..pagination import Page, read_cursor
from .models import Event, PersonKey

PAGE_SIZE = 50


def event_page(*, event_type: str | None = None, org_id: int | None = None, subject_type: str | None = None,
               subject_id: int | None = None, before: str | None = None, scope_type: str | None = None,
               scope_id: int | None = None, subject_ids: list[tuple[str, int]] | None = None,
               limit: int = PAGE_SIZE) -> Page[Event]:
    """One page of events matching the filters, newest first: one query whatever the size.

    scope_type/scope_id gather everything that belongs to one object (a consultation's comments too);
    subject_ids narrows to the given (type, id) subjects."""
    stmt = select(Event)
    if scope_type:
        stmt = stmt.where(Event.scope_type == scope_type, Event.scope_id == scope_id)
    if subject_ids is not None:
        stmt = stmt.where(or_(false(), *[and_(Event.subject_type == t, Event.subject_id == i) for t, i in subject_ids]))
    if event_type:
        stmt = stmt.where(Event.event_type == event_type)
    if org_id is not None:
        stmt = stmt.where(Event.actor_org_id == org_id)
    if subject_type:
        stmt = stmt.where(Event.subject_type == subject_type)
        if subject_id is not None:
            stmt = stmt.where(Event.subject_id == subject_id)
    if (key := read_cursor(before, (int,))) is not None:
        stmt = stmt.where(Event.seq < key[0])
    rows = db.session.scalars(stmt.order_by(Event.seq.desc()).limit(limit + 1)).all()
    return Page.of(rows, limit, lambda e: (e.seq,))


def people_by_commitment(commitments: set[str]) -> dict[str, int]:
    """commitment → person id, for the commitments that still have a salt (not erased)."""
    if not commitments:
        return {}
    rows = db.session.execute(select(PersonKey.commitment, PersonKey.person_id)
                              .where(PersonKey.commitment.in_(commitments)))
    return {c: pid for c, pid in rows}


def by_seq(seq: int) -> Event | None:
    return db.session.get(Event, seq)
