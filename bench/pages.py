"""Benchmark: latency of the public pages under gunicorn, with a large record.

    .venv/bin/python bench/pages.py [--events 10000] [--orgs 500] [--requests 300] [--database URL]

Builds a fresh database (SQLite in a temporary folder unless --database is given; a PostgreSQL database
given here is EMPTIED), loads the demo, appends --events more events and --orgs verified organisations
through the real actions, starts gunicorn (2 workers, like this 2-core machine) and measures sequential
requests to each page: p50 / p95 / max in milliseconds. Not a test: it prints figures for the notes.
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

from common import report  # noqa: E402

PAGES = ["/ko/", "/ko/log", "/en/log?type=organization.verified", "/ko/organizations/",
         "/en/organizations/?kind=civil_society", "/ko/organizations/open-circuit"]


def build(database: str, events: int, orgs: int) -> None:
    from sqlalchemy import text

    from consult import create_app, demo
    from consult.extensions import db, utcnow
    from consult.i18n import Bilingual
    from consult.orgs import actions
    from consult.orgs.models import OrgKind
    from consult.policy import Actor
    from consult.record import EventType, append

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade
        upgrade()
        now = utcnow() - timedelta(days=30)
        loader = demo.load(now)
        admin = loader.people["p-admin"]
        kim = loader.people["p-kim"]
        for i in range(orgs):
            org = actions.create_organization(Actor(kim), actions.OrgInput(
                name=Bilingual(f"벤치마크 단체 {i:05d}", f"Benchmark Group {i:05d}"), short_name=Bilingual(None, None),
                kind=list(OrgKind)[i % len(OrgKind)] if i % 7 else OrgKind.CIVIL_SOCIETY, subkind=None,
                website=None, description=Bilingual("설명입니다.", "A description.")), now=now)
            actions.decide_verification(Actor(admin), org, "verify", Bilingual("확인", "Checked"), now=now,
                                        notify=False)
        # bulk events through record.append(), in batches of 1,000 per transaction
        org = loader.orgs["open-circuit"]
        for start in range(0, events, 1000):
            for _ in range(min(1000, events - start)):
                append(EventType.ORGANIZATION_UPDATED, actor=Actor(kim, org), subject=org,
                       payload={"changed": ["description"]}, now=now)
            db.session.commit()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--orgs", type=int, default=500)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database")
    parser.add_argument("--port", type=int, default=5099)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gongnon-bench-"))
    database = args.database or f"sqlite:///{tmp / 'bench.db'}"
    t0 = time.perf_counter()
    build(database, args.events, args.orgs)
    print(f"built {database.split('@')[-1]}: +{args.events} events, +{args.orgs} organisations "
          f"in {time.perf_counter() - t0:.1f}s")
    report(database, args.port, PAGES, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
