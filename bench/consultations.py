"""Benchmark: the consultation pages under gunicorn with 10,000 comments on one consultation.

    .venv/bin/python bench/consultations.py [--comments 10000] [--requests 300] [--database URL]
        [--invitations 500] [--participation-requests 100] [--meetings 10]

Builds a fresh database (SQLite in a temporary folder unless --database is given; a PostgreSQL database
given here is EMPTIED), loads the demo, adds --comments comments (half with a disposition, from 40
organisations, spread over the sections) in bulk to the open `welfare-fraud-ai` consultation, and for its
record page --invitations invitations, --participation-requests requests and --meetings meetings, gathers
statistics (ANALYZE; VACUUM ANALYZE on PostgreSQL, as autovacuum would), starts
gunicorn (2 workers, like this 2-core machine) and measures, per page: p50 / p95 / max latency of
sequential requests, and requests per second from 4 concurrent clients. Not a test: it prints figures
for the notes.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import analyze, report  # noqa: E402


def build(database: str, comments: int, invitations: int = 500, requests: int = 100, meetings: int = 10) -> int:
    """The demo plus `comments` comments on welfare-fraud-ai; returns that consultation's id."""
    from sqlalchemy import text

    from consult import create_app, demo
    from consult.extensions import db, utcnow
    from consult.i18n import Bilingual
    from consult.orgs import actions
    from consult.orgs.models import OrgKind, Role
    from consult.policy import Actor
    from tests.factories import bulk_comments, bulk_participation

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade
        upgrade()
        loader = demo.load(utcnow() - timedelta(minutes=5))
        admin, kim = loader.people["p-admin"], loader.people["p-kim"]
        authors = []
        for i in range(40):
            org = actions.create_organization(Actor(kim), actions.OrgInput(
                name=Bilingual(f"벤치마크 단체 {i:03d}", f"Benchmark Group {i:03d}"), short_name=Bilingual(None, None),
                kind=list(OrgKind)[1:][i % 6], subkind=None, website=None,
                description=Bilingual("설명입니다.", "A description.")), now=utcnow())
            actions.decide_verification(Actor(admin), org, "verify", Bilingual("확인", "Checked"), now=utcnow(),
                                        notify=False)
            authors.append(Actor(kim, org, Role.ADMIN))
        welfare = loader.made[("consultation", "welfare-fraud-ai")]
        official = Actor(loader.people["p-mohw-yoon"], loader.orgs["mohw"], Role.ADMIN)
        bulk_comments(welfare, comments, authors, official=official)
        bulk_participation(welfare, official, invitations=invitations, requests=requests, meetings=meetings)
        welfare_id = welfare.id
        # the steady state of a live database: statistics gathered (autovacuum does it on PostgreSQL) and,
        # on PostgreSQL, the visibility map set so that index-only scans need not visit the table
        analyze(db)
        return welfare_id


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--invitations", type=int, default=500)
    parser.add_argument("--participation-requests", type=int, default=100)
    parser.add_argument("--meetings", type=int, default=10)
    parser.add_argument("--database")
    parser.add_argument("--port", type=int, default=5098)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gongnon-bench-"))
    database = args.database or f"sqlite:///{tmp / 'bench.db'}"
    t0 = time.perf_counter()
    cid = build(database, args.comments, args.invitations, args.participation_requests, args.meetings)
    print(f"built {database.split('@')[-1]}: demo + {args.comments} comments on consultation {cid} "
          f"in {time.perf_counter() - t0:.1f}s")
    pages = ["/ko/consultations/", "/en/consultations/?status=open", f"/ko/consultations/{cid}",
             f"/en/consultations/{cid}?on=s4", f"/ko/consultations/{cid}/report",
             f"/ko/consultations/{cid}/record", f"/en/consultations/{cid}/record", f"/ko/consultations/{cid}/record.atom"]
    report(database, args.port, pages, args.requests, rps=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
