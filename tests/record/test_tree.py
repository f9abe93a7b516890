"""The Merkle tree over the record: roots and proofs from stored subtrees equal a naive RFC 6962
computation for every size up to 64; appends never re-hash; the tree cannot be edited."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from consult import record
from consult.extensions import atomic, db, utcnow
from consult.record import AppendOnlyError, EventType, TreeNode, tree

from ..conftest import IS_SQLITE
from . import naive_log


# the independent, naive reference (RFC 6962 §2.1 written out recursively), shared with test_verify.py
naive_mth = naive_log.mth
naive_path = naive_log.inclusion_proof
naive_consistency = naive_log.consistency_proof


@atomic
def _append(n: int) -> None:
    now = utcnow()
    for i in range(n):
        record.append(EventType.ORGANIZATION_UPDATED, actor=None, subject=None, subject_type="test",
                      payload={"i": i, "text": "검증 가능한 기록"}, now=now)


def _leaves() -> list[bytes]:
    return [leaf.encode() for leaf in db.session.scalars(select(record.Event.leaf).order_by(record.Event.seq))]


def test_rfc6962_vectors_through_the_stored_tree(app):
    """The eight-leaf data set of the certificate-transparency project, roots for sizes 1–8."""
    data = [bytes.fromhex(h) for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                       "606162636465666768696a6b6c6d6e6f"]]
    roots = ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
             "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
             "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
             "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
             "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
             "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
             "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]
    frontier: list[tuple[int, bytes]] = []
    for i, leaf in enumerate(data):
        tree.add_leaf(frontier, i, record.leaf_hash(leaf))
        assert tree.frontier_root(frontier).hex() == roots[i]
        assert naive_mth(data[:i + 1]).hex() == roots[i]
    assert tree.frontier_root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_roots_and_proofs_equal_the_naive_computation_for_every_size_to_64(app):
    _append(64)
    leaves = _leaves()
    assert len(leaves) == 64
    for n in range(0, 65):
        assert tree.root(n) == naive_mth(leaves[:n]), n
        for m in range(n):
            assert tree.inclusion_proof(m, n) == naive_path(m, leaves[:n]), (m, n)
        for m in range(n + 1):
            assert tree.consistency_proof(m, n) == naive_consistency(m, leaves[:n]), (m, n)
    head = db.session.get(record.RecordHead, 1)
    assert tree.frontier_root(tree.unpack_frontier(head.frontier)) == naive_mth(leaves)


def test_an_append_writes_only_the_nodes_it_completes(app, count_queries):
    _append(7)
    assert db.session.scalar(select(func.count()).select_from(TreeNode)) == 7 + 3 + 1  # levels 0, 1, 2
    with count_queries() as n:
        _append(1)  # leaf 7 completes nodes at levels 1, 2 and 3
    inserted = db.session.scalar(select(func.count()).select_from(TreeNode))
    assert inserted == 11 + 4
    assert n() <= 8  # head lock, person key lookups none, inserts — never a read of the tree


def test_proofs_read_a_logarithmic_number_of_nodes(app, count_queries):
    _append(300)
    asked: list[int] = []
    real = tree.load_nodes

    def spy(keys):  # type: ignore[no-untyped-def]
        keys = list(keys)
        asked.append(len(set(keys)))
        return real(keys)

    tree.load_nodes = spy  # type: ignore[assignment]
    try:
        with count_queries() as n:
            tree.inclusion_proof(123, 300)
            tree.consistency_proof(77, 300)
            tree.root(299)
    finally:
        tree.load_nodes = real  # type: ignore[assignment]
    assert n() == 3
    assert max(asked) <= 2 * 9 * 9  # O(log² n) at worst for n = 300 (2^9 > 300); in practice far less
    assert sum(asked) < 60, asked


def test_the_tree_cannot_be_edited(app):
    _append(2)
    node = db.session.scalars(select(TreeNode)).first()
    node.hash = b"\x00" * 32
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    for statement in ("UPDATE tree_node SET hash = hash", "DELETE FROM tree_node",
                      "UPDATE checkpoint SET note = note"):
        if "checkpoint" in statement:
            from consult.record import checkpoints
            checkpoints.publish(now=utcnow())
        with pytest.raises(Exception) as refused:
            db.session.execute(text(statement))
            db.session.flush()
        assert "append-only" in str(refused.value)
        db.session.rollback()


def test_tree_stays_consistent_with_its_leaves_under_concurrent_writers(app):
    """8 threads × 25 appends (200 on SQLite's single writer, as many through PostgreSQL's row lock):
    indexes 0..N-1 without gap or duplicate, and a root equal to the one recomputed from the leaves."""
    import threading
    threads, per_thread = 8, 25 if IS_SQLITE else 200
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with app.app_context():
                for _ in range(per_thread):
                    _append(1)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    db.session.commit()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors, errors[:3]
    db.session.expire_all()
    seqs = list(db.session.scalars(select(record.Event.seq).order_by(record.Event.seq)))
    assert seqs == list(range(threads * per_thread))
    leaves = _leaves()
    assert tree.root(len(leaves)) == naive_mth(leaves)
    head = db.session.get(record.RecordHead, 1)
    assert tree.frontier_root(tree.unpack_frontier(head.frontier)) == naive_mth(leaves)


def test_integers_beyond_json_precision_are_refused(app):
    with pytest.raises(TypeError):
        record.canonical({"n": 2**53})
    assert record.canonical({"n": 2**53 - 1, "ok": True}) == b'{"n":9007199254740991,"ok":true}'


def test_node_lookups_search_the_primary_key_instead_of_scanning(app):
    """A row-value IN made SQLite scan tree_node: proofs grew tenfold from 10k to 100k events.
    (On PostgreSQL, with sequential scans priced out, the plan must be able to use the primary key.)"""
    _append(40)
    statements: list[tuple[str, object]] = []
    from sqlalchemy import event as sa_event

    def grab(_conn, _cursor, statement, parameters, *_args):  # type: ignore[no-untyped-def]
        if "FROM tree_node" in statement:
            statements.append((statement, parameters))

    sa_event.listen(db.engine, "before_cursor_execute", grab)
    try:
        tree.inclusion_proof(17, 40)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", grab)
    [(statement, parameters)] = statements
    connection = db.session.connection()
    if IS_SQLITE:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        details = " | ".join(str(row[-1]) for row in plan)
        assert "SCAN tree_node" not in details and "SEARCH tree_node" in details, details
    else:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        details = " | ".join(str(row[0]) for row in plan)
        assert "Seq Scan" not in details and "pk_tree_node" in details, details
