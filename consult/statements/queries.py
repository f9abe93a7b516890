"""Reads of joint statements: the public list, one statement's versions, its signatory list (grouped,
sorted, keyset-paginated), counts per group, and the full lists behind print and export. Each page costs
a fixed number of queries whatever the number of signatures."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator

from flask import abort
from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..orgs.models import Organization
from ..pagination import Page, read_cursor, read_moment_cursor
from .models import CoDrafter, Group, Signature, Statement, StatementVersion, Status, Submission

PAGE_SIZE = 20
SIGNATURE_PAGE_SIZE = 50
SORTS = ("date", "name")


def statement_or_404(statement_id: int) -> Statement:
    s = db.session.scalar(select(Statement).where(Statement.id == statement_id)
                          .options(joinedload(Statement.owner), joinedload(Statement.consultation)))
    if s is None:
        abort(404)
    return s


def co_drafters(s: Statement) -> list[Organization]:
    return list(db.session.scalars(select(Organization).join(CoDrafter, CoDrafter.organization_id == Organization.id)
                                   .where(CoDrafter.statement_id == s.id).order_by(CoDrafter.position)))


def drafter_ids(s: Statement, co: list[Organization] | None = None) -> frozenset[int]:
    """The drafting organisation and its co-drafters (pass `co` when already loaded)."""
    if co is None:
        ids = db.session.scalars(select(CoDrafter.organization_id).where(CoDrafter.statement_id == s.id)).all()
    else:
        ids = [o.id for o in co]
    return frozenset([s.owner_org_id, *ids])


def versions(s: Statement) -> list[StatementVersion]:
    return list(db.session.scalars(select(StatementVersion).where(StatementVersion.statement_id == s.id)
                                   .order_by(StatementVersion.number)))


def version(s: Statement, number: int) -> StatementVersion | None:
    return db.session.scalar(select(StatementVersion).where(StatementVersion.statement_id == s.id,
                                                            StatementVersion.number == number))


def current(s: Statement) -> StatementVersion:
    v = version(s, s.current_version)
    assert v is not None
    return v


# ---- the public list ------------------------------------------------------------------------------

def status_clause(status: Status, now: datetime) -> Any:
    """SQL for "the statement is in `status` at `now`" — the same rule as Statement.status_at."""
    ended = or_(and_(Statement.closed_at.is_not(None), Statement.closed_at <= now),
                and_(Statement.signing_deadline.is_not(None), Statement.signing_deadline <= now))
    return {
        Status.DRAFT: Statement.opened_at.is_(None),
        Status.OPEN: and_(Statement.opened_at.is_not(None), ~ended),
        Status.CLOSED: and_(Statement.opened_at.is_not(None), ended),
    }[status]


@dataclass(frozen=True)
class ListFilters:
    status: Status | None = None
    published: bool = False
    org: Organization | None = None

    def args(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.status:
            out["status"] = self.status.value
        if self.published:
            out["published"] = "1"
        if self.org:
            out["org"] = self.org.slug
        return out


def public_page(filters: ListFilters, after: str | None, now: datetime, limit: int = PAGE_SIZE) -> Page[Statement]:
    """Opened statements, the latest first, narrowed by the filters; one query."""
    stmt = select(Statement).where(Statement.opened_at.is_not(None)).options(joinedload(Statement.owner))
    if filters.status:
        stmt = stmt.where(status_clause(filters.status, now))
    if filters.published:
        stmt = stmt.where(Statement.published_at.is_not(None))
    if filters.org:
        drafted = select(CoDrafter.statement_id).where(CoDrafter.organization_id == filters.org.id)
        stmt = stmt.where(or_(Statement.owner_org_id == filters.org.id, Statement.id.in_(drafted)))
    if (key := read_moment_cursor(after)) is not None:
        stmt = stmt.where(tuple_(Statement.opened_at, Statement.id) < key)
    rows = db.session.scalars(stmt.order_by(Statement.opened_at.desc(), Statement.id.desc()).limit(limit + 1)).all()
    return Page.of(rows, limit, lambda s: (s.opened_at.isoformat(), s.id))


def status_counts(now: datetime) -> dict[str, int]:
    """How many opened statements are open, closed and published: one query."""
    row = db.session.execute(select(
        func.count().filter(status_clause(Status.OPEN, now)),
        func.count().filter(status_clause(Status.CLOSED, now)),
        func.count().filter(Statement.published_at.is_not(None)),
    ).where(Statement.opened_at.is_not(None))).one()
    return {"open": row[0], "closed": row[1], "published": row[2]}


def drafting_orgs() -> list[Organization]:
    """Organisations that drafted an opened statement (for the list's filter)."""
    owners = select(Statement.owner_org_id).where(Statement.opened_at.is_not(None))
    return list(db.session.scalars(select(Organization).where(Organization.id.in_(owners))
                                   .order_by(Organization.name_ko)))


def drafts_of(org_ids: list[int]) -> list[Statement]:
    """Statements still being drafted by (or with) these organisations."""
    if not org_ids:
        return []
    co = select(CoDrafter.statement_id).where(CoDrafter.organization_id.in_(org_ids))
    return list(db.session.scalars(select(Statement).where(
        Statement.opened_at.is_(None), or_(Statement.owner_org_id.in_(org_ids), Statement.id.in_(co)))
        .order_by(Statement.created_at.desc(), Statement.id.desc()).limit(50)))


def for_consultation(consultation_id: int) -> list[Statement]:
    """Opened statements that name this consultation."""
    return list(db.session.scalars(select(Statement).where(
        Statement.consultation_id == consultation_id, Statement.opened_at.is_not(None))
        .order_by(Statement.opened_at.desc()).limit(50)))


# ---- signatures -----------------------------------------------------------------------------------

def signature_of(s: Statement, signer: str) -> Signature | None:
    return db.session.scalar(select(Signature).where(Signature.statement_id == s.id, Signature.signer == signer))


def signatures_of(s: Statement, signers: list[str]) -> list[Signature]:
    """The signatures these signatories (\"org:<id>\", \"person:<id>\") gave on s: one query."""
    return list(db.session.scalars(select(Signature).where(Signature.statement_id == s.id,
                                                           Signature.signer.in_(signers))
                                   .options(joinedload(Signature.organization)).order_by(Signature.id)))


def signature_or_404(s: Statement, signature_id: int) -> Signature:
    sig = db.session.scalar(select(Signature).where(Signature.id == signature_id, Signature.statement_id == s.id)
                            .options(joinedload(Signature.organization), joinedload(Signature.person)))
    if sig is None:
        abort(404)
    return sig


def signing_counts(s: Statement) -> tuple[dict[Group, int], int]:
    """Signatures per group (withdrawn ones in their own group), and how many still await re-confirmation
    of the current version: one indexed query."""
    # withdrawn signatures are in their own group: the filter reads only indexed columns
    pending = func.count().filter(Signature.list_group != Group.WITHDRAWN, Signature.version < s.current_version)
    rows = db.session.execute(select(Signature.list_group, func.count(), pending)
                              .where(Signature.statement_id == s.id).group_by(Signature.list_group)).all()
    return {Group(g): n for g, n, _p in rows}, sum(p for _g, _n, p in rows)


def group_counts(s: Statement) -> dict[Group, int]:
    return signing_counts(s)[0]


def pending_count(s: Statement) -> int:
    """Signatures still bound to an earlier version (awaiting re-confirmation)."""
    return signing_counts(s)[1]


def _sort_column(sort: str, lang: str) -> Any:
    if sort == "name":
        return Signature.sort_name_ko if lang == "ko" else Signature.sort_name_en
    return Signature.signed_at


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        abort(400)
    if moment.tzinfo is None:
        abort(400)
    return moment


def signature_page(s: Statement, *, sort: str, lang: str, after: str | None,
                   limit: int = SIGNATURE_PAGE_SIZE) -> Page[Signature]:
    """One page of the signatory list in group order, then by date or name; one query on one index.
    Individuals who asked not to be named are only counted (group_counts), never listed."""
    column = _sort_column(sort, lang)
    stmt = (select(Signature).where(Signature.statement_id == s.id, Signature.list_group != Group.UNNAMED)
            .options(joinedload(Signature.organization), joinedload(Signature.person)))
    if (values := read_cursor(after, (int, str, int))) is not None:
        second = values[1] if sort == "name" else _moment(values[1])
        stmt = stmt.where(tuple_(Signature.list_group, column, Signature.id) > (values[0], second, values[2]))
    rows = db.session.scalars(stmt.order_by(Signature.list_group, column, Signature.id).limit(limit + 1)).all()

    def key(sig: Signature) -> tuple[Any, ...]:
        value = getattr(sig, column.key)
        return (sig.list_group, value if sort == "name" else value.isoformat(), sig.id)

    return Page.of(rows, limit, key)


def all_signatures(s: Statement, *, lang: str) -> Iterator[Signature]:
    """Every signature in list order (by name), streamed in chunks for the exports."""
    stmt = (select(Signature).where(Signature.statement_id == s.id)
            .options(joinedload(Signature.organization), joinedload(Signature.person))
            .order_by(Signature.list_group, _sort_column("name", lang), Signature.id))
    yield from db.session.scalars(stmt.execution_options(yield_per=1000))


@dataclass(frozen=True)
class PrintedName:
    name: str
    lang: str
    pending: bool


_HANGUL = re.compile("[\uac00-\ud7a3]")


def printed_names(s: Statement, lang: str) -> list[tuple[Group, list[PrintedName]]]:
    """Every current signatory's name by group, for the printed statement: one query of three columns (the
    sort names are the public names: an organisation's, or a consenting individual's)."""
    column = _sort_column("name", lang)
    rows = db.session.execute(select(Signature.list_group, column, Signature.version).where(
        Signature.statement_id == s.id, Signature.list_group.not_in([Group.WITHDRAWN, Group.UNNAMED]))
        .order_by(Signature.list_group, column, Signature.id)).all()
    groups: list[tuple[Group, list[PrintedName]]] = []
    for group, name, number in rows:
        if not groups or groups[-1][0] != group:
            groups.append((Group(group), []))
        groups[-1][1].append(PrintedName(name, "ko" if _HANGUL.search(name) else "en", number < s.current_version))
    return groups


def submissions(s: Statement) -> list[Submission]:
    return list(db.session.scalars(select(Submission).where(Submission.statement_id == s.id)
                                   .options(joinedload(Submission.consultation))
                                   .order_by(Submission.submitted_at)))


def submission_for_comment(comment_id: int) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.comment_id == comment_id)
                             .options(joinedload(Submission.statement)))
