"""The two full-text backends behind one interface: `backend().match(query)` gives the FROM clause, the
condition and the id column to range, page and order on; everything else (filters, kinds, pages, counts)
is the same SQL on both databases.

SQLite: an FTS5 table with external content (`search_document.terms`), the `ascii` tokenizer (it splits only
on ASCII punctuation and spaces, so it keeps exactly the terms text.index_terms() wrote, Hangul included),
prefix indexes for 2- to 6-character prefixes, kept in step by triggers on search_document. FTS5 walks
the matches in rowid order and seeks within a rowid range, so "the newest 20 comments matching 규제" reads
about 20 entries of the index. A prefix query that no prefix index serves is very different: FTS5 then
merges the doclists of every matching term into one list in memory before the first row comes out (60 ms
for 영향평가 over a million comments, whatever the rowid range or LIMIT). So every prefix term is cut to the
longest prefix index (PREFIX_MAX characters: `transparency*` is asked as `transp*`), and the rows found are
kept only when their `terms` hold the whole term — a check on the few rows a page reads, not on every match.

PostgreSQL: a GIN index on `array_to_tsvector(string_to_array(terms, ' '))` — the same terms as lexemes,
with no parser or dictionary in between — queried with a tsquery cast from quoted text (`'규제':*`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Engine, FromClause, String, bindparam, event, and_, cast, column, func, literal, literal_column, or_, table
from sqlalchemy.dialects.postgresql import TSQUERY

from ..extensions import db
from . import text
from .models import SearchDocument

FTS_TABLE = "search_fts"
PREFIX_MAX = 6  # the longest FTS5 prefix index (prefix='2 3 4 5 6' below): 3-5 syllables, s + 3-5 syllables

# the DDL, also written out in migration 0007 (migrations never import the application)
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(terms, content='search_document', content_rowid='id', "
    "tokenize='ascii', prefix='2 3 4 5 6', detail='none')",
    f"""CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
        INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (new.id, new.terms); END""",
    f"""CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, terms) VALUES ('delete', old.id, old.terms); END""",
    f"""CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, terms) VALUES ('delete', old.id, old.terms);
        INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (new.id, new.terms); END""",
)
SQLITE_DROP = ("DROP TRIGGER IF EXISTS search_document_ai", "DROP TRIGGER IF EXISTS search_document_ad",
               "DROP TRIGGER IF EXISTS search_document_au", f"DROP TABLE IF EXISTS {FTS_TABLE}")
PG_INDEX = ("CREATE INDEX ix_search_document_terms ON search_document "
            "USING gin (array_to_tsvector(string_to_array(terms, ' ')))")
PG_DROP = "DROP INDEX IF EXISTS ix_search_document_terms"


def is_internal(name: str | None) -> bool:
    """Tables the ORM does not describe (FTS5 and its shadow tables): left alone by autogenerate."""
    return bool(name) and name.startswith(FTS_TABLE)  # type: ignore[union-attr]


@dataclass(frozen=True)
class Match:
    source: FromClause  # what to select from
    condition: ColumnElement[bool]
    id: Any  # the column to range, page and order on (the FTS rowid on SQLite, so FTS5 does it)
    # PostgreSQL: the same test as `condition`, made row by row on the padded terms given (`padded`; a
    # substring test: ~1 µs a row, where building the tsvector of a row for `condition` costs ~7 µs);
    # None on SQLite
    scan: Callable[[Any], ColumnElement[bool]] | None = None
    # every value of the query is a named bind parameter: `params` are their values, and statements built
    # from a Match can be reused for any query of the same `shape` with these params (queries._statement)
    params: dict[str, Any] = field(default_factory=dict)
    shape: tuple[Any, ...] = ()


def padded(terms: Any) -> Any:
    """The terms column between spaces (what `holds` searches), labelled "padded"."""
    return (literal(" ") + terms + literal(" ")).label("padded")


def needles(query: list[text.Word], words: list[int]) -> dict[str, str]:
    """What `holds` looks for in the padded terms, by parameter name: " regul" can only start a term, " ai "
    only be a whole term (terms are letters and digits separated by single spaces)."""
    return {f"needle_{i}_{j}": " " + a.term + ("" if a.prefix else " ")
            for i in words for j, a in enumerate(text.minimal(query[i]))}


def holds(query: list[text.Word], padded_terms: Any, find: Callable[..., Any], words: list[int]) -> ColumnElement[bool]:
    """The documents whose padded terms (" " + terms + " ") hold the words of the query numbered `words`,
    tested as substrings (`needles`). `find` is the database's instr/strpos."""
    return and_(*(or_(*(find(padded_terms, bindparam(f"needle_{i}_{j}", type_=String)) != 0
                        for j in range(len(text.minimal(query[i]))))) for i in words))


class SQLite:
    name = "sqlite"
    _fts = table(FTS_TABLE, column("rowid"))

    def match(self, query: list[text.Word]) -> Match:
        fts = self._fts.alias(FTS_TABLE)
        source = fts.join(SearchDocument.__table__, SearchDocument.id == fts.c.rowid)
        condition = literal_column(FTS_TABLE).op("MATCH")(bindparam("fts", type_=String))
        params: dict[str, Any] = {"fts": text.fts5_expression(query, PREFIX_MAX)}
        # the words with a prefix term cut for FTS5: their rows must also hold the whole term
        cut = [i for i, w in enumerate(query) if any(a.prefix and len(a.term) > PREFIX_MAX for a in text.minimal(w))]
        if cut:
            condition = and_(condition, holds(query, padded(SearchDocument.terms).element, func.instr, cut))
            params.update(needles(query, cut))
        shape = tuple((i, len(text.minimal(query[i]))) for i in cut)
        return Match(source, condition, fts.c.rowid, params=params, shape=shape)


class PostgreSQL:
    name = "postgresql"

    def match(self, query: list[text.Word]) -> Match:
        vector = func.array_to_tsvector(func.string_to_array(SearchDocument.terms, " "))
        condition = vector.op("@@")(cast(bindparam("tsquery", type_=String), TSQUERY))
        words = list(range(len(query)))
        return Match(SearchDocument.__table__, condition, SearchDocument.id,
                     scan=lambda terms: holds(query, terms, func.strpos, words),
                     params={"tsquery": text.tsquery_text(query), **needles(query, words)},
                     shape=tuple(len(text.minimal(w)) for w in query))


@event.listens_for(Engine, "do_connect")
def _no_jit(dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
    """PostgreSQL connections without JIT compilation. The search statements hold branches that run only
    when the newest documents hold too few matches (queries._window); the planner costs them for the case
    where they do run, the statement's total passes jit_above_cost, and compiling it then takes 200-300 ms
    — for a statement that runs in 10. (JIT pays only for long analytic queries, which this site has not.)"""
    if dialect.name == "postgresql":
        cparams["options"] = " ".join(filter(None, (cparams.get("options"), "-c jit=off")))


def backend() -> SQLite | PostgreSQL:
    return PostgreSQL() if db.engine.dialect.name == "postgresql" else SQLite()
