"""The migrations build exactly the schema the models describe (no change left for autogenerate)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from consult.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        # search's full-text index (migration 0007): FTS5 tables on SQLite, a GIN expression index on PostgreSQL
        context = MigrationContext.configure(connection, opts={
            "compare_type": False,
            "include_name": lambda name, type_, _parents: not (type_ == "table" and name.startswith("search_fts")
                                                               or name == "ix_search_document_terms")})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], "run `flask db migrate` and review the new migration:\n" + "\n".join(map(str, diff))
