"""verifiable record: Merkle tree nodes, the tree's right edge on the head row, signed checkpoints

Revision ID: 0002_merkle_tree
Revises: 0001_foundation
"""
import hashlib

import sqlalchemy as sa
from alembic import op

revision = '0002_merkle_tree'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def _node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()  # RFC 6962 §2.1


def upgrade():
    with op.batch_alter_table('record_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frontier', sa.LargeBinary(), nullable=False, server_default=sa.text("''")))
    op.create_table('tree_node',
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('level', 'idx', name=op.f('pk_tree_node'))
    )
    op.create_table('checkpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('root_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('key_id', sa.String(length=8), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkpoint')),
    sa.UniqueConstraint('tree_size', 'key_id', name='uq_checkpoint_size_key')
    )

    # Lay the tree over the events already recorded, in index order, as record.append() would have.
    bind = op.get_bind()
    tree_node = sa.table('tree_node', sa.column('level'), sa.column('idx'), sa.column('hash'))
    frontier = []
    rows = []
    result = bind.execute(sa.text("SELECT seq, leaf_hash FROM event ORDER BY seq"))
    for seq, digest in result:
        digest = bytes(digest)
        rows.append({"level": 0, "idx": seq, "hash": digest})
        frontier.append((0, digest))
        position = seq
        while len(frontier) >= 2 and frontier[-1][0] == frontier[-2][0]:
            (level, right), (_, left) = frontier.pop(), frontier.pop()
            position //= 2
            merged = _node(left, right)
            frontier.append((level + 1, merged))
            rows.append({"level": level + 1, "idx": position, "hash": merged})
        if len(rows) >= 5000:
            op.bulk_insert(tree_node, rows)
            rows = []
    if rows:
        op.bulk_insert(tree_node, rows)
    packed = b"".join(bytes([level]) + digest for level, digest in frontier)
    bind.execute(sa.text("UPDATE record_head SET frontier = :f WHERE id = 1"), {"f": packed})

    # The tree and the checkpoints are as append-only as the events.
    if bind.dialect.name == "postgresql":
        for table in ("tree_node", "checkpoint"):
            op.execute(f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table}
                           FOR EACH ROW EXECUTE FUNCTION event_append_only()""")
    else:
        for table in ("tree_node", "checkpoint"):
            for op_name in ("UPDATE", "DELETE"):
                op.execute(f"""CREATE TRIGGER {table}_no_{op_name.lower()} BEFORE {op_name} ON {table}
                               BEGIN SELECT RAISE(ABORT, 'the record is append-only'); END""")


def downgrade():
    bind = op.get_bind()
    for table in ("tree_node", "checkpoint"):
        if bind.dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    op.drop_table('checkpoint')
    op.drop_table('tree_node')
    with op.batch_alter_table('record_head', schema=None) as batch_op:
        batch_op.drop_column('frontier')
