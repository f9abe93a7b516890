"""search: the search_document table and its full-text index (FTS5 on SQLite, GIN on PostgreSQL)

Revision ID: 0007_search
Revises: 0006_register
Create Date: 2026-12-06 10:00:00

Existing rows are indexed by `flask search reindex` (docs/SEARCH.md); new writes index themselves.
The DDL repeats consult/search/backends.py as it is today: migrations never import the application.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_search'
down_revision = '0006_register'
branch_labels = None
depends_on = None

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(terms, content='search_document', content_rowid='id', "
    "tokenize='ascii', prefix='2 3 4 5 6', detail='none')",
    """CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
        INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END""",
    """CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); END""",
    """CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
        INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END""",
)
PG_INDEX = ("CREATE INDEX ix_search_document_terms ON search_document "
            "USING gin (array_to_tsvector(string_to_array(terms, ' ')))")


def upgrade():
    op.create_table('search_document',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('statement_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('version_number', sa.Integer(), nullable=True),
    sa.Column('section_key', sa.String(length=20), nullable=True),
    sa.Column('slug', sa.String(length=60), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('public_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title_ko', sa.Text(), nullable=True),
    sa.Column('title_en', sa.Text(), nullable=True),
    sa.Column('context_ko', sa.Text(), nullable=True),
    sa.Column('context_en', sa.Text(), nullable=True),
    sa.Column('text_ko', sa.Text(), nullable=True),
    sa.Column('text_en', sa.Text(), nullable=True),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_document'))
    )
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.create_index('ix_search_document_consultation', ['consultation_id', 'id'], unique=False)
        batch_op.create_index('ix_search_document_org', ['organization_id', 'id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_INDEX)
    else:
        for statement in SQLITE_DDL:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_document_terms")
    else:
        for name in ("search_document_ai", "search_document_ad", "search_document_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.drop_index('ix_search_document_org')
        batch_op.drop_index('ix_search_document_consultation')
    op.drop_table('search_document')
