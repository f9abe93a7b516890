"""Keeping the index in step: what each kind's document holds, the flush listener that rewrites the
documents of whatever a transaction changed (in that transaction), and the bulk rebuild.

One place does it for every action: `after_flush` sees the rows of known models that were added, changed
or deleted, and rewrites their documents from the database as the flush left it — so a moderated comment
loses its document in the same commit that hides it, and a rollback takes the index change with it. A
document is written only when the thing is public; otherwise its row is deleted.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Select, and_, delete, event, insert, select, text as sql
from sqlalchemy.orm import Session

from ..consultations.models import Comment, CommentStatus, Consultation, Disposition, Section, Version
from ..orgs.models import Organization, VerificationStatus
from ..register.fields import withheld_keys
from ..register.models import RegisterEntry, RegisterRevision
from ..statements.models import Statement, StatementVersion
from . import backends
from .models import SearchDocument, doc_id, kind_range
from .text import index_terms, plain

_doc = SearchDocument.__table__
Row = Any


def _document(kind: str, object_id: int, *, public_from: Any, at: Any, title: tuple[Any, Any] = (None, None),
              context: tuple[Any, Any] = (None, None), body: tuple[Any, Any] = (None, None),
              **links: Any) -> dict[str, Any] | None:
    if public_from is None:
        return None
    row = dict(id=doc_id(kind, object_id), kind=kind, object_id=object_id, consultation_id=None,
               organization_id=None, statement_id=None, entry_id=None, comment_id=None, version_number=None,
               section_key=None, slug=None, outcome=None, at=at or public_from, public_from=public_from,
               title_ko=title[0], title_en=title[1], context_ko=context[0], context_en=context[1],
               text_ko=body[0], text_en=body[1], terms=index_terms(*title, *body))
    row.update(links)
    return row


def _join(*parts: str | None) -> str | None:
    text = "\n".join(p for p in parts if p)
    return text or None


# ---- one select and one builder per kind (the listener and the rebuild share them) ----------------

def _consultations() -> Select[Any]:
    c = Consultation
    return select(c.id, c.owner_org_id, c.title_ko, c.title_en, c.summary_ko, c.summary_en, c.department_ko,
                  c.department_en, c.instrument_ko, c.instrument_en, c.opens_at, c.published_at)


def _consultation(r: Row) -> dict[str, Any] | None:
    return _document("consultation", r.id, public_from=r.published_at, at=r.opens_at,
                     title=(r.title_ko, r.title_en),
                     body=(_join(r.summary_ko, r.department_ko, r.instrument_ko),
                           _join(r.summary_en, r.department_en, r.instrument_en)),
                     consultation_id=r.id, organization_id=r.owner_org_id)


def _sections() -> Select[Any]:
    s, v, c = Section, Version, Consultation
    return (select(s.id, s.key, s.number_ko, s.number_en, s.heading_ko, s.heading_en, s.body_ko, s.body_en,
                   v.number.label("version_number"), v.published_at, c.id.label("consultation_id"),
                   c.published_at.label("consultation_published_at"), c.owner_org_id,
                   c.title_ko.label("c_title_ko"), c.title_en.label("c_title_en"))
            .join(v, v.id == s.version_id).join(c, c.id == v.consultation_id))


def _section(r: Row) -> dict[str, Any] | None:
    public = r.published_at if r.consultation_published_at is not None else None
    return _document("section", r.id, public_from=public, at=r.published_at,
                     title=(_join(r.number_ko, r.heading_ko), _join(r.number_en, r.heading_en)),
                     context=(r.c_title_ko, r.c_title_en), body=(r.body_ko, r.body_en),
                     consultation_id=r.consultation_id, organization_id=r.owner_org_id,
                     version_number=r.version_number, section_key=r.key)


def _comments() -> Select[Any]:
    m, c = Comment, Consultation
    return (select(m.id, m.consultation_id, m.author_org_id, m.lang, m.body_source, m.translation_source,
                   m.status, m.submitted_at, c.published_at, c.title_ko, c.title_en)
            .join(c, c.id == m.consultation_id))


def _comment(r: Row) -> dict[str, Any] | None:
    public = r.submitted_at if r.status == CommentStatus.PUBLISHED and r.published_at is not None else None
    own, other = plain(r.body_source), plain(r.translation_source)
    body = (own, other) if r.lang == "ko" else (other, own)
    return _document("comment", r.id, public_from=public, at=r.submitted_at, context=(r.title_ko, r.title_en),
                     body=body, consultation_id=r.consultation_id, organization_id=r.author_org_id)


def _dispositions() -> Select[Any]:
    d, m, c = Disposition, Comment, Consultation
    return (select(d.id, d.comment_id, d.consultation_id, d.outcome, d.reason_ko, d.reason_en, d.decided_at,
                   m.status, c.owner_org_id, c.published_at, c.title_ko, c.title_en)
            .join(m, m.id == d.comment_id).join(c, c.id == d.consultation_id))


def _disposition(r: Row) -> dict[str, Any] | None:
    # public with its comment: a hidden or withdrawn comment's answer is not found either
    public = r.decided_at if r.status == CommentStatus.PUBLISHED and r.published_at is not None else None
    return _document("disposition", r.id, public_from=public, at=r.decided_at, context=(r.title_ko, r.title_en),
                     body=(r.reason_ko, r.reason_en), consultation_id=r.consultation_id,
                     organization_id=r.owner_org_id, comment_id=r.comment_id, outcome=str(r.outcome))


def _statements() -> Select[Any]:
    s, v = Statement, StatementVersion
    return (select(s.id, s.owner_org_id, s.consultation_id, s.title_ko, s.title_en, s.opened_at,
                   v.body_source_ko, v.body_source_en)
            .join(v, and_(v.statement_id == s.id, v.number == s.current_version)))


def _statement(r: Row) -> dict[str, Any] | None:
    return _document("statement", r.id, public_from=r.opened_at, at=r.opened_at, title=(r.title_ko, r.title_en),
                     body=(plain(r.body_source_ko), plain(r.body_source_en)), statement_id=r.id,
                     organization_id=r.owner_org_id, consultation_id=r.consultation_id)


def _organizations() -> Select[Any]:
    o = Organization
    return select(o.id, o.slug, o.name_ko, o.name_en, o.short_name_ko, o.short_name_en, o.description_ko,
                  o.description_en, o.status, o.created_at, o.decided_at)


def _organization(r: Row) -> dict[str, Any] | None:
    # a pending organisation's page is not public (policy.can_view_organization)
    public = (r.decided_at or r.created_at) if r.status != VerificationStatus.PENDING else None
    return _document("organization", r.id, public_from=public, at=r.created_at,
                     title=(_join(r.name_ko, r.short_name_ko), _join(r.name_en, r.short_name_en)),
                     body=(r.description_ko, r.description_en), organization_id=r.id, slug=r.slug)


def _entries() -> Select[Any]:
    e = RegisterEntry
    return select(e.id, e.organization_id, e.name_ko, e.name_en, e.content, e.created_at, e.updated_at)


def _entry(r: Row) -> dict[str, Any] | None:
    doc, hidden = r.content or {}, withheld_keys(r.content or {})
    parts: dict[str, list[str | None]] = {"ko": [], "en": []}
    for key in ("summary", "purpose", "unit", "supplier"):  # what the register's own search reads
        value = doc.get(key)
        if key not in hidden and isinstance(value, dict):
            for lang in ("ko", "en"):
                parts[lang].append(value.get(lang))
    return _document("register_entry", r.id, public_from=r.created_at, at=r.updated_at,
                     title=(r.name_ko, r.name_en), body=(_join(*parts["ko"]), _join(*parts["en"])),
                     entry_id=r.id, organization_id=r.organization_id)


KINDS: dict[str, tuple[Callable[[], Select[Any]], Any, Callable[[Row], dict[str, Any] | None]]] = {
    "consultation": (_consultations, Consultation.id, _consultation),
    "section": (_sections, Section.id, _section),
    "comment": (_comments, Comment.id, _comment),
    "disposition": (_dispositions, Disposition.id, _disposition),
    "statement": (_statements, Statement.id, _statement),
    "organization": (_organizations, Organization.id, _organization),
    "register_entry": (_entries, RegisterEntry.id, _entry),
}


# ---- rewriting documents -------------------------------------------------------------------------

def reindex(conn: Connection, targets: dict[str, set[int]]) -> None:
    """Rewrite the documents of these objects from the database (deleting those no longer public)."""
    for kind, ids in targets.items():
        if not ids:
            continue
        select_, pk, build = KINDS[kind]
        for k in range(0, len(ids), 500):
            chunk = sorted(ids)[k:k + 500]
            conn.execute(delete(_doc).where(_doc.c.id.in_([doc_id(kind, i) for i in chunk])))
            docs = [d for r in conn.execute(select_().where(pk.in_(chunk))) if (d := build(r)) is not None]
            if docs:
                conn.execute(insert(_doc), docs)


def _targets(session: Session) -> dict[str, set[int]]:
    """The documents a flush may have changed, by kind."""
    out: dict[str, set[int]] = defaultdict(set)
    versions: set[int] = set()
    consultations: set[int] = set()
    comments: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        ident = getattr(obj, "id", None)
        if isinstance(obj, Consultation):
            out["consultation"].add(ident)
            consultations.add(ident)  # its publication makes its published versions' sections public
        elif isinstance(obj, Version):
            versions.add(ident)
        elif isinstance(obj, Section):
            out["section"].add(ident)
        elif isinstance(obj, Comment):
            out["comment"].add(ident)
            comments.add(ident)  # its disposition is public with it
        elif isinstance(obj, Disposition):
            out["disposition"].add(ident)
        elif isinstance(obj, Statement):
            out["statement"].add(ident)
        elif isinstance(obj, StatementVersion):
            out["statement"].add(obj.statement_id)
        elif isinstance(obj, Organization):
            out["organization"].add(ident)
        elif isinstance(obj, RegisterEntry):
            out["register_entry"].add(ident)
        elif isinstance(obj, RegisterRevision):
            out["register_entry"].add(obj.entry_id)
    conn = session.connection()
    if versions or consultations:
        out["section"].update(conn.scalars(select(Section.id).join(Version, Version.id == Section.version_id)
                                           .where(Version.id.in_(versions) | Version.consultation_id.in_(consultations))))
    if comments:
        out["disposition"].update(conn.scalars(select(Disposition.id).where(Disposition.comment_id.in_(comments))))
    return {k: {i for i in v if i is not None} for k, v in out.items()}


def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get("search_off"):
        return
    targets = _targets(session) if _touches(session) else {}
    if any(targets.values()):
        reindex(session.connection(), targets)


_MODELS = (Consultation, Version, Section, Comment, Disposition, Statement, StatementVersion, Organization,
           RegisterEntry, RegisterRevision)


def _touches(session: Session) -> bool:
    return any(isinstance(o, _MODELS) for o in (*session.new, *session.dirty, *session.deleted))


def listen(session_class: Any) -> None:
    """Keep the index in step with every flush of this session class (done once, in create_app)."""
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "after_flush", _after_flush)


# ---- the whole index at once ---------------------------------------------------------------------

def _stream(conn: Connection, kind: str, batch: int) -> Iterator[list[dict[str, Any]]]:
    select_, pk, build = KINDS[kind]
    last = 0
    while True:  # keyset batches: constant memory whatever the table's size
        rows = conn.execute(select_().where(pk > last).order_by(pk).limit(batch)).all()
        if not rows:
            return
        last = rows[-1].id
        yield [d for r in rows if (d := build(r)) is not None]


def rebuild(conn: Connection, kinds: Iterable[str] = tuple(KINDS), batch: int = 5000,
            progress: Callable[[str, int], None] | None = None) -> int:
    """Rebuild the documents of these kinds from the tables, in bulk; returns how many were written.
    SQLite: the triggers and the FTS5 table are dropped, and the table is created again (so its options are
    those of backends.SQLITE_DDL) and builds its index in one pass ('rebuild'); PostgreSQL: the GIN index is
    dropped and created again after the rows are in."""
    kinds = list(kinds)
    sqlite = conn.dialect.name == "sqlite"
    for statement in (backends.SQLITE_DROP if sqlite else (backends.PG_DROP,)):
        conn.execute(sql(statement))
    total = 0
    for kind in kinds:
        low, high = kind_range(kind)
        conn.execute(delete(_doc).where(_doc.c.id.between(low, high)))
        for docs in _stream(conn, kind, batch):
            if docs:
                conn.execute(insert(_doc), docs)
                total += len(docs)
                if progress:
                    progress(kind, total)
    if sqlite:
        conn.execute(sql(backends.SQLITE_DDL[0]))
        conn.execute(sql(f"INSERT INTO {backends.FTS_TABLE}({backends.FTS_TABLE}) VALUES ('rebuild')"))
        for statement in backends.SQLITE_DDL[1:]:
            conn.execute(sql(statement))
    else:
        conn.execute(sql(backends.PG_INDEX))
        conn.execute(sql("ANALYZE search_document"))
    return total
