"""The search itself: one interface over both backends. `search(filters, now)` answers a results page in
two statements whatever the amount of data — the capped counts per kind, and the results (the first few of
every kind, or one keyset page of one kind) — plus one for the organisations the results name."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, String, bindparam, func, literal, select, union_all

from ..consultations.models import Consultation, Outcome, Status
from ..consultations.queries import status_clause
from ..extensions import UTCDateTime, db
from ..i18n import SEOUL
from ..orgs.models import Organization, VerificationStatus
from ..pagination import encode_cursor
from . import text
from .backends import Match, backend, padded
from .models import KINDS, SearchDocument, kind_range

PAGE_SIZE = 20  # one kind
GROUP_SIZE = 5  # each kind, when all are shown
COUNT_CAP = 1000  # counts above this show as "1,000+": counting a million matches is not worth the wait
SCAN_WINDOW = 20_000  # PostgreSQL: the newest documents of a kind counted without the GIN index (see _count)
STATES = (Status.SCHEDULED, Status.OPEN, Status.CLOSED, Status.CONCLUDED)
# the kinds a consultation-state filter keeps (the others have no consultation)
CONSULTATION_KINDS = ("consultation", "section", "comment", "disposition", "statement")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    kind: str | None = None
    org: Organization | None = None
    state: Status | None = None
    outcome: Outcome | None = None
    since: date | None = None  # dates in Korea, both included
    until: date | None = None

    def args(self) -> dict[str, str]:
        """The query-string arguments that give these filters (for "more" links and kind links)."""
        out = {"q": self.q} if self.q else {}
        if self.kind:
            out["kind"] = self.kind
        if self.org:
            out["org"] = self.org.slug
        if self.state:
            out["state"] = self.state.value
        if self.outcome:
            out["outcome"] = self.outcome.value
        if self.since:
            out["from"] = self.since.isoformat()
        if self.until:
            out["to"] = self.until.isoformat()
        return out

    def kinds(self) -> tuple[str, ...]:
        """The kinds these filters can find."""
        kinds: tuple[str, ...] = KINDS
        if self.outcome:
            kinds = ("disposition",)
        if self.state:
            kinds = tuple(k for k in kinds if k in CONSULTATION_KINDS)
        if self.kind:
            kinds = tuple(k for k in kinds if k == self.kind)
        return kinds


@dataclass
class Group:
    kind: str
    count: int  # capped at COUNT_CAP + 1
    items: list[SearchDocument] = field(default_factory=list)
    next_cursor: str | None = None

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


@dataclass
class Results:
    query: list[text.Word]
    groups: list[Group]  # kinds with matches, in KINDS order
    orgs: dict[int, Organization]

    @property
    def total(self) -> int:
        return sum(min(g.count, COUNT_CAP) for g in self.groups)

    @property
    def capped(self) -> bool:
        return any(g.capped for g in self.groups)


def _seoul_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), SEOUL).astimezone(timezone.utc)


def _conditions(filters: Filters, d: Any = None) -> list[ColumnElement[bool]]:
    """The filters as conditions on the columns of `d` (search_document's, or those of a subquery of it); their
    values are the named parameters of _filter_params."""
    d = SearchDocument.__table__.c if d is None else d
    now = bindparam("now", type_=UTCDateTime)
    conditions: list[ColumnElement[bool]] = [d.public_from <= now]
    if filters.org:
        conditions.append(d.organization_id == bindparam("org", type_=Integer))
    if filters.outcome:
        conditions.append(d.outcome == bindparam("outcome", type_=String))
    if filters.since:
        conditions.append(d.at >= bindparam("since", type_=UTCDateTime))
    if filters.until:
        conditions.append(d.at < bindparam("until", type_=UTCDateTime))
    if filters.state:
        # the state follows the clock: asked of the consultation row (the same rule as its pages)
        conditions.append(d.consultation_id.in_(
            select(Consultation.id).where(status_clause(filters.state, now))))  # type: ignore[arg-type]
    return conditions


def _filter_params(filters: Filters, now: datetime, after: int | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"now": now}
    if filters.org:
        params["org"] = filters.org.id
    if filters.outcome:
        params["outcome"] = filters.outcome.value
    if filters.since:
        params["since"] = _seoul_midnight(filters.since)
    if filters.until:
        params["until"] = _seoul_midnight(filters.until + timedelta(days=1))
    if after is not None:
        params["below"] = after - 1
    return params


def _high(kind: str, after: int | None) -> Any:
    """The highest id of the kind a page may show: below the cursor, if there is one."""
    return kind_range(kind)[1] if after is None else bindparam("below", type_=BigInteger)


_STATEMENTS: dict[tuple[Any, ...], Any] = {}
_STATEMENTS_MAX = 256


def _cached(key: tuple[Any, ...], build: Any) -> Any:
    """The statement for this key, built now if it is new. Every value of a query, its filters and its cursor
    is a named parameter (Match.params, _filter_params), so one statement serves every query of the same
    shape: building the statement tree (7 kinds, two branches each on PostgreSQL) costs more Python time
    than the database takes to run it. The key holds everything that shapes the tree."""
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        if len(_STATEMENTS) >= _STATEMENTS_MAX:
            _STATEMENTS.clear()
        stmt = _STATEMENTS[key] = build()
    return stmt


def _kind_select(m: Match, kind: str, filters: Filters, after: int | None, *, columns: list[Any], limit: int) -> Any:
    low, _ = kind_range(kind)
    return (select(*columns).select_from(m.source)
            .where(m.condition, m.id >= low, m.id <= _high(kind, after), *_conditions(filters))
            .order_by(m.id.desc()).limit(limit))


def _window(m: Match, kind: str, filters: Filters, after: int | None = None) -> tuple[Any, Any, Any, Any]:
    """PostgreSQL: the kind's matches (below the cursor `after`) as two disjoint selects of their ids —
    `recent` among the newest SCAN_WINDOW documents, tested row by row with the substring test, and
    `older` among the ones before those, found with the GIN index — the id expression `older` ranges and
    orders on, and the condition for `older` to run at all (the kind has more documents than the window).

    Why: a GIN index cannot stop early — its bitmap holds every match of the query in every kind before the
    first row comes out (40 ms for 규제 over a million comments) — and the other plan the planner likes, the
    id index backwards with the tsquery as a filter, builds a tsvector for every row it passes (7 µs a row:
    130 ms to count 1,001 comments holding "transparency", seconds to find the three comments holding a word
    that is common only among sections, the planner not knowing the cost). The window reads at most
    SCAN_WINDOW rows at ~1 µs; `older` runs only when the window did not hold enough (the query is then
    rare enough for its bitmap to be small), never for a kind smaller than the window (a one-time filter
    on `boundary`), and ranges on `id + 0`, which no index serves, so that its only plan is the GIN bitmap
    (not the id index backwards, nor a BitmapAnd with a million ids of the primary key)."""
    d = SearchDocument
    low, high = kind_range(kind)[0], _high(kind, after)
    newest = (select(d.id, d.public_from, d.organization_id, d.outcome, d.at, d.consultation_id, padded(d.terms))
              .where(d.id >= low, d.id <= high).order_by(d.id.desc()).limit(SCAN_WINDOW).subquery())
    recent = select(newest.c.id).where(m.scan(newest.c.padded), *_conditions(filters, newest.c))  # type: ignore[misc]
    boundary = (select(d.id).where(d.id >= low, d.id <= high).order_by(d.id.desc())
                .offset(SCAN_WINDOW - 1).limit(1).scalar_subquery())  # the oldest id of the window
    unindexed = d.id + 0
    older = select(d.id).where(unindexed >= low, unindexed < boundary, m.condition, *_conditions(filters))
    return recent.order_by(newest.c.id.desc()), older, unindexed, boundary.is_not(None)


def _gated(inner: Any, *gates: Any) -> Any:
    """`inner` (which has a LIMIT, so it stays a subquery) run only when the gates (conditions that do not
    depend on its rows) hold: above the subquery, they are one-time filters over whatever plan it gets, so
    a parallel plan the planner may choose for the GIN branch (costed for the case where it does run) does
    not start its workers when it does not."""
    sub = inner.subquery()
    return select(sub.c.id).where(*gates)


def _count(m: Match, kind: str, filters: Filters) -> Any:
    """The kind's matches, counted up to COUNT_CAP + 1 (a scalar subquery). SQLite: FTS5 streams the kind's
    matches within its rowid range and the count stops at the cap. PostgreSQL: see _window; `older` is not
    run when the window already holds more than the cap."""
    if m.scan is None:
        return select(func.count()).select_from(_kind_select(
            m, kind, filters, None, columns=[literal(1)], limit=COUNT_CAP + 1).subquery()).scalar_subquery()
    recent, older, _, beyond = _window(m, kind, filters)
    both = union_all(recent.order_by(None), _gated(older.limit(COUNT_CAP + 1), beyond)).subquery()
    return select(func.count()).select_from(select(both.c.id).limit(COUNT_CAP + 1).subquery()).scalar_subquery()


def _ids(m: Match, kind: str, filters: Filters, after: int | None, limit: int) -> Any:
    """The ids of the kind's newest `limit` matches below the cursor (or more: the caller sorts and keeps the
    first ones). PostgreSQL: the window's (a CTE), and only if they are fewer than `limit`, `older`'s."""
    if m.scan is None:
        return _kind_select(m, kind, filters, after, columns=[SearchDocument.id], limit=limit)
    recent, older, unindexed, beyond = _window(m, kind, filters, after)
    first = recent.limit(limit).cte(f"recent_{kind}")
    short = select(func.count()).select_from(first).scalar_subquery() < limit
    return union_all(select(first.c.id), _gated(older.order_by(unindexed.desc()).limit(limit), beyond, short))


def _key(m: Match, filters: Filters, *rest: Any) -> tuple[Any, ...]:
    return (backend().name, m.shape, bool(filters.org), bool(filters.outcome), bool(filters.since),
            bool(filters.until), filters.state, SCAN_WINDOW, COUNT_CAP, *rest)


def counts(query: list[text.Word], filters: Filters, now: datetime, m: Match | None = None) -> dict[str, int]:
    """Matches per kind, each counted up to COUNT_CAP + 1: one statement."""
    kinds = filters.kinds()
    if not kinds:
        return {}
    m = m or backend().match(query)
    stmt = _cached(_key(m, filters, "counts", kinds), lambda: select(*[_count(m, k, filters) for k in kinds]))
    values = db.session.execute(stmt, {**m.params, **_filter_params(filters, now)}).one()
    return dict(zip(kinds, values, strict=True))


def search(filters: Filters, now: datetime, after: int | None = None) -> Results:
    """Results for the filters (filters.q parsed by the caller must not be empty). With one kind chosen, a
    keyset page of PAGE_SIZE after the cursor; else the first GROUP_SIZE of every kind."""
    query = text.parse(filters.q)
    if not query:
        return Results(query, [], {})
    m = backend().match(query)
    found = {k: n for k, n in counts(query, filters, now, m).items() if n}
    groups = {k: Group(k, n) for k, n in found.items()}
    if groups:
        size = PAGE_SIZE if filters.kind else GROUP_SIZE
        kinds = tuple(groups)

        def build() -> Any:
            selects = [_ids(m, k, filters, after, size + 1) for k in kinds]
            return union_all(*[select(s.subquery().c.id) for s in selects]) if len(selects) > 1 else selects[0]
        ids_query = _cached(_key(m, filters, "ids", kinds, size, after is None), build)
        ids = db.session.scalars(ids_query, {**m.params, **_filter_params(filters, now, after)}).all()
        if ids:
            rows = db.session.scalars(select(SearchDocument).where(SearchDocument.id.in_(ids))
                                      .order_by(SearchDocument.id.desc())).all()
            for row in rows:
                g = groups[row.kind]
                if len(g.items) < size:
                    g.items.append(row)
                else:
                    g.next_cursor = encode_cursor([g.items[-1].id])
    org_ids = {r.organization_id for g in groups.values() for r in g.items if r.organization_id}
    orgs = {o.id: o for o in db.session.scalars(select(Organization).where(Organization.id.in_(org_ids)))} \
        if org_ids else {}
    ordered = [groups[k] for k in KINDS if k in groups]
    return Results(query, ordered, orgs)


def organizations(lang: str) -> list[Organization]:
    """Organisations a visitor can narrow to (those with a public page), by name: one query."""
    name = Organization.name_ko if lang == "ko" else Organization.name_en
    return list(db.session.scalars(select(Organization).where(Organization.status != VerificationStatus.PENDING)
                                   .order_by(func.coalesce(name, Organization.name_ko, Organization.name_en),
                                             Organization.id)))


def organization_by_slug(slug: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.slug == slug[:60],
                                                        Organization.status != VerificationStatus.PENDING))
