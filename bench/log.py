"""Benchmark of the verifiable record at 10k, 100k and 1M events.

    .venv/bin/python bench/log.py [--sizes 10000,100000,1000000] [--database URL] [--verify]

Seeds events in bulk (the leaves are real canonical JSON and the tree nodes are computed exactly as
record.append() computes them, but inserted with executemany: seeding is not what we measure), then at
each size reports, in-process against the database:
  - append throughput through the real service path (record.append in one @atomic action per event);
  - inclusion and consistency proof latency, p50/p95 over random indexes (tree.inclusion_proof /
    tree.consistency_proof, including their one database query), and the same through HTTP
    (/log/proof/… on the Flask test client);
  - checkpoint signing time (checkpoints.publish after the tree grew);
and with --verify, the standalone verifier's full check (python -m consult.verify) against gunicorn.
A PostgreSQL database given with --database is EMPTIED first.
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import gunicorn  # noqa: E402


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def seed(upto: int, now: datetime) -> None:
    """Bulk-append synthetic events until the record holds `upto` (same bytes as append() makes)."""
    from sqlalchemy import insert, select

    from consult import record
    from consult.extensions import db
    from consult.record import Event, RecordHead, TreeNode, tree

    head = db.session.scalars(select(RecordHead)).one()
    frontier = tree.unpack_frontier(head.frontier)
    start = head.size
    events, nodes = [], []
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    for seq in range(start, upto):
        body = {"index": seq, "time": stamp, "type": "organization.updated", "actor_org": 1 + seq % 500,
                "actor_person": None, "subject": {"type": "organization", "id": 1 + seq % 500},
                "payload": {"changed": ["description"]}}
        leaf = record.canonical(body)
        digest = record.leaf_hash(leaf)
        events.append({"seq": seq, "occurred_at": now, "event_type": "organization.updated",
                       "actor_org_id": body["actor_org"], "actor_person": None, "subject_type": "organization",
                       "subject_id": body["actor_org"], "leaf": leaf.decode(), "leaf_hash": digest})
        nodes.extend({"level": n.level, "index": n.index, "hash": n.hash}
                     for n in tree.add_leaf(frontier, seq, digest))
        if len(events) >= 20_000 or seq == upto - 1:
            db.session.execute(insert(Event), events)
            db.session.execute(insert(TreeNode), nodes)
            events, nodes = [], []
    head.size = upto
    head.frontier = tree.pack_frontier(frontier)
    db.session.commit()


def measure(app, size: int, samples: int = 400) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from consult import record
    from consult.extensions import atomic, utcnow
    from consult.record import EventType, checkpoints, tree

    rng = random.Random(size)
    out: dict[str, str] = {}
    timings = []
    for _ in range(samples):
        index = rng.randrange(size)
        t = time.perf_counter()
        tree.inclusion_proof(index, size)
        timings.append((time.perf_counter() - t) * 1000)
    out["inclusion proof (in-process)"] = f"p50 {pct(timings, .5):.2f} ms, p95 {pct(timings, .95):.2f} ms"
    timings = []
    for _ in range(samples):
        old = rng.randrange(1, size)
        t = time.perf_counter()
        tree.consistency_proof(old, size)
        timings.append((time.perf_counter() - t) * 1000)
    out["consistency proof (in-process)"] = f"p50 {pct(timings, .5):.2f} ms, p95 {pct(timings, .95):.2f} ms"
    client = app.test_client()
    timings = []
    for _ in range(samples):
        index = rng.randrange(size)
        t = time.perf_counter()
        r = client.get(f"/log/proof/inclusion?index={index}&size={size}")
        timings.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    out["GET /log/proof/inclusion"] = f"p50 {pct(timings, .5):.2f} ms, p95 {pct(timings, .95):.2f} ms"

    @atomic
    def one(now: datetime) -> None:
        record.append(EventType.ORGANIZATION_UPDATED, actor=None, subject=None, subject_type="bench",
                      payload={"n": 1}, now=now)

    n = 1000
    t = time.perf_counter()
    for _ in range(n):
        one(utcnow())
    elapsed = time.perf_counter() - t
    out["append (one transaction each)"] = f"{n / elapsed:.0f} events/s ({elapsed / n * 1000:.2f} ms each)"
    t = time.perf_counter()
    checkpoints.publish(now=utcnow())
    out["checkpoint signing (publish)"] = f"{(time.perf_counter() - t) * 1000:.1f} ms"
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--database")
    parser.add_argument("--verify", action="store_true", help="also time the standalone verifier")
    parser.add_argument("--port", type=int, default=5098)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gongnon-bench-log-"))
    database = args.database or f"sqlite:///{tmp / 'log.db'}"
    from flask_migrate import upgrade
    from sqlalchemy import text

    from consult import create_app
    from consult.extensions import db
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "INSTANCE_PATH": str(tmp / "instance"),
                      "LOG_ORIGIN": "bench.gongnon.example/log"})
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        print(f"database: {db.engine.dialect.name}")
        for size in (int(s) for s in args.sizes.split(",")):
            t = time.perf_counter()
            seed(size, now)
            from consult import record
            actual = record.size()
            print(f"\n== {actual:,} events (seeded in {time.perf_counter() - t:.1f} s)")
            for name, value in measure(app, actual).items():
                print(f"  {name:34} {value}")
        if args.verify:
            env = {"DATABASE_URL": database, "GONGNON_INSTANCE": str(tmp / "instance"),
                   "LOG_ORIGIN": "bench.gongnon.example/log", "COOKIE_SECURE": "false"}
            with gunicorn(env, args.port, ready_path="/log/key") as base:
                t = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "consult.verify", base],
                                      cwd=ROOT, capture_output=True, text=True)
                print(f"\n== standalone verifier, full check of {record.size():,} entries: "
                      f"{time.perf_counter() - t:.1f} s, exit {done.returncode}")
                print("  " + done.stdout.strip().replace("\n", "\n  "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
