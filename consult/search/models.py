"""The search index: one row per searchable thing, written only by consult.search.index (in the
transaction of the write that changed the thing) and by `flask search reindex`.

A row exists only for what the public pages show (a draft consultation, an unpublished version's sections,
a hidden or withdrawn comment and its disposition, a statement being drafted and a pending organisation
have none), and `public_from` repeats the moment it became public so that a query asks `public_from <= now`
rather than trusting a job to run. Its id is `KIND_CODES[kind] << 32 | object id`: a kind is one range of
ids, so the full-text index is searched within one kind by a range of its rowids, and newest first is the
order of its ids.

The full-text index beside it is backend-specific (created by migration 0007, see backends.py): an FTS5
table over `terms` on SQLite, a GIN index on `array_to_tsvector(string_to_array(terms, ' '))` on PostgreSQL.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, composite, mapped_column

from ..extensions import UTCDateTime, db
from ..i18n import Bilingual

# display order of the groups on the results page; the codes are part of the ids, never renumber them
KINDS = ("consultation", "section", "comment", "disposition", "statement", "register_entry", "organization")
KIND_CODES = {"consultation": 1, "section": 2, "comment": 3, "disposition": 4, "statement": 5,
              "organization": 6, "register_entry": 7}


def doc_id(kind: str, object_id: int) -> int:
    return KIND_CODES[kind] << 32 | object_id


def kind_range(kind: str) -> tuple[int, int]:
    """The lowest and highest document id of a kind."""
    return KIND_CODES[kind] << 32, (KIND_CODES[kind] << 32) | 0xFFFFFFFF


class SearchDocument(db.Model):
    __tablename__ = "search_document"

    # INTEGER PRIMARY KEY on SQLite makes it the rowid, which the FTS5 table is keyed by
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    # what links and filters need, so a results page reads no other table but organisations
    consultation_id: Mapped[int | None] = mapped_column(Integer)
    organization_id: Mapped[int | None] = mapped_column(Integer)
    statement_id: Mapped[int | None] = mapped_column(Integer)
    entry_id: Mapped[int | None] = mapped_column(Integer)
    comment_id: Mapped[int | None] = mapped_column(Integer)  # a disposition's comment
    version_number: Mapped[int | None] = mapped_column(Integer)  # a section's version
    section_key: Mapped[str | None] = mapped_column(String(20))
    slug: Mapped[str | None] = mapped_column(String(60))  # an organisation's
    outcome: Mapped[str | None] = mapped_column(String(20))  # a disposition's
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # the date shown and filtered on
    public_from: Mapped[datetime] = mapped_column(UTCDateTime)
    title_ko: Mapped[str | None] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    title: Mapped[Bilingual] = composite("title_ko", "title_en")
    # where it belongs (the consultation of a section, comment or disposition)
    context_ko: Mapped[str | None] = mapped_column(Text)
    context_en: Mapped[str | None] = mapped_column(Text)
    context: Mapped[Bilingual] = composite("context_ko", "context_en")
    # plain text (never HTML) in each language, for snippets
    text_ko: Mapped[str | None] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    terms: Mapped[str] = mapped_column(Text)  # text.index_terms() of title and text (not the context)

    __table_args__ = (
        Index("ix_search_document_org", "organization_id", "id"),
        Index("ix_search_document_consultation", "consultation_id", "id"),
    )
