"""Benchmark: the full bulk dump (`flask export`) of a database with 1,000,000 comments — wall time and
peak memory (RSS) of the exporting process.

    .venv/bin/python bench/export.py [--comments 1000000] [--database URL] [--keep]

Builds a fresh database (SQLite in a temporary folder unless --database is given; a PostgreSQL database
given here is EMPTIED): a consultation made through the real actions (official, three sections), 40
commenting organisations, then the comments inserted in bulk 10,000 at a time (tests.factories.bulk_comments:
rows as the actions write them, every second one with a disposition, every tenth in a campaign; no events).
Statistics are gathered (ANALYZE; VACUUM ANALYZE on PostgreSQL). The dump then runs in a child process
(`flask export --out DIR`), so its peak RSS (getrusage of the child, ru_maxrss) is the export's alone, not
the seeding's. Prints rows, files and sizes, wall time and peak RSS. Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(database: str, comments: int) -> None:
    from sqlalchemy import text

    from consult import create_app
    from consult.extensions import db
    from tests.factories import bulk_comments, commenter, make_consultation, make_official

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "PASSWORD_METHOD": "pbkdf2:sha256:1000",
                      "INSTANCE_PATH": os.environ["GONGNON_INSTANCE"]})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade
        upgrade()
        official = make_official()
        c = make_consultation(official, days_open=60)
        authors = [commenter() for _ in range(40)]
        start = time.perf_counter()
        for done in range(0, comments, 10_000):
            bulk_comments(c, min(10_000, comments - done), authors, official=official)
            if done % 100_000 == 0:
                print(f"  seeded {done:>9,} comments ({time.perf_counter() - start:.0f} s)", flush=True)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--database", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (dump and SQLite file)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gongnon-bench-export-"))
    database = args.database or f"sqlite:///{work / 'bench.db'}"
    os.environ["GONGNON_INSTANCE"] = str(work / "instance")
    print(f"database: {database.split('@')[-1]}; {args.comments:,} comments")
    t0 = time.perf_counter()
    build(database, args.comments)
    print(f"seeded in {time.perf_counter() - t0:.0f} s")
    out = work / "dump"
    env = {**os.environ, "DATABASE_URL": database, "FLASK_APP": "wsgi:app", "PUBLIC_URL": "https://gongnon.example.org"}
    start = time.perf_counter()
    subprocess.run([str(ROOT / ".venv/bin/flask"), "export", "--out", str(out)], cwd=ROOT, env=env, check=True)
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    total = 0
    for path in sorted(out.iterdir()):
        size = path.stat().st_size
        total += size
        if path.suffix == ".jsonl":
            with path.open("rb") as f:
                rows = sum(1 for _ in f)
            print(f"  {path.name:32} {rows:>10,} rows {size / 2**20:10.1f} MiB")
    print(f"dump: {total / 2**20:.0f} MiB in {wall:.1f} s; peak RSS of the export process {peak_kib / 1024:.0f} MiB")
    if not args.keep:
        import shutil
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
