"""Benchmark: the AI register's list under gunicorn with 5,000 entries, unfiltered, with each filter and
with a two-syllable Korean search.

    .venv/bin/python bench/register.py [--entries 5000] [--bodies 40] [--requests 300] [--database URL]

Builds a fresh database (SQLite in a temporary folder unless --database is given; a PostgreSQL database
given here is EMPTIED) and registers three systems through the real actions (a welfare system, 복지, with
an assessment, a linked consultation and two more revisions; a face-recognition system, 얼굴, with a
withheld field and no assessment; a traffic system), each by a different government body. The other
entries are clones of those three inserted in bulk (tests.perf.test_register_pages.bulk_entries: entry,
first revision and areas as the actions write them, no events), spread over --bodies bodies, every status,
assessment stage and consultation state, a third of them matching 복지. Statistics are gathered (ANALYZE;
VACUUM ANALYZE on PostgreSQL), gunicorn starts (2 workers, like this 2-core machine) and each page is
measured: p50 / p95 / max latency of sequential requests, and requests per second from 4 concurrent
clients. Pages: the list (ko, unfiltered), by body, area, status, with/without assessment, with
consultation, without personal data, a search for 복지 and for 얼굴 with two filters, the list as htmx asks
for it, a later page (keyset cursor), an entry page, the coverage page. Not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import analyze, report  # noqa: E402

HTMX = {"HX-Request": "true", "HX-Target": "register-results"}


def build(database: str, entries: int, bodies: int) -> tuple[int, str, str]:
    """The database with `entries` register entries; returns an entry id, a body's slug and a cursor
    half-way down the unfiltered list."""
    from sqlalchemy import select, text

    from consult import create_app
    from consult.extensions import db, utcnow
    from consult.i18n import Bilingual
    from consult.pagination import encode_cursor
    from consult.register import actions
    from consult.register.models import RegisterEntry
    from tests.factories import make_consultation, make_entry, make_official
    from tests.perf.test_register_pages import bulk_entries
    from tests.register.test_views import NO_ASSESSMENT, _text, searchable

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade
        upgrade()
        now = utcnow()
        officials = [make_official() for _ in range(bodies)]
        ministry, police, city = officials[:3]
        welfare = make_entry(ministry, now=now - timedelta(days=5))
        face = make_entry(police, now=now - timedelta(days=5), **searchable(
            ("얼굴 인식 출입 관리", "Face recognition entry control"), supplier=_text(None, None)),
            status="in_operation", high_impact="under_review", areas=["biometric_law_enforcement"], withheld=[
                {"field": "supplier", "label": None, "ground": 7, "reason": _text("영업비밀", "Trade secret")}],
            **NO_ASSESSMENT)
        traffic = make_entry(city, now=now - timedelta(days=5), **searchable(("교통 신호 최적화", "Traffic signal optimiser")),
                             status="retired", high_impact="no", areas=[], personal_data=False, **NO_ASSESSMENT)
        actions.link_consultation(ministry, welfare, make_consultation(ministry), now=now - timedelta(days=4))
        for i in range(2):
            actions.revise_entry(ministry, welfare, {**welfare.content, "high_impact_note": _text(f"메모 {i}", f"Note {i}")},
                                 Bilingual(f"메모 {i}", f"Note {i}"), now=now - timedelta(days=3, hours=-i))
        bulk_entries([welfare, face, traffic], entries - 3, [o.org for o in officials], before=now - timedelta(days=6))
        entry_id, slug = welfare.id, police.org.slug
        key = db.session.execute(select(RegisterEntry.updated_at, RegisterEntry.id)
                                 .order_by(RegisterEntry.updated_at.desc(), RegisterEntry.id.desc())
                                 .offset(entries // 2).limit(1)).one()
        cursor = encode_cursor([key[0].isoformat(), key[1]])
        analyze(db)
        return entry_id, slug, cursor


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--bodies", type=int, default=40)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database")
    parser.add_argument("--port", type=int, default=5098)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gongnon-bench-"))
    database = args.database or f"sqlite:///{tmp / 'bench.db'}"
    t0 = time.perf_counter()
    entry_id, slug, cursor = build(database, args.entries, args.bodies)
    print(f"built {database.split('@')[-1]}: {args.entries} register entries of {args.bodies} bodies "
          f"in {time.perf_counter() - t0:.1f}s")
    r = "/ko/ai-register/"
    pages = [(r, r, {}),
             (f"{r}?body=… (one body of {args.bodies})", f"{r}?body={slug}", {}),
             (f"{r}?area=public_service_decisions", f"{r}?area=public_service_decisions", {}),
             (f"{r}?status=pilot", f"{r}?status=pilot", {}),
             (f"{r}?assessment=yes", f"{r}?assessment=yes", {}),
             (f"{r}?assessment=no", f"{r}?assessment=no", {}),
             (f"{r}?consultation=yes", f"{r}?consultation=yes", {}),
             (f"{r}?personal_data=no", f"{r}?personal_data=no", {}),
             (f"{r}?q=복지", f"{r}?q={quote('복지')}", {}),
             (f"{r}?q=얼굴&status=in_operation&personal_data=yes",
              f"{r}?q={quote('얼굴')}&status=in_operation&personal_data=yes", {}),
             (f"{r}?q=복지 (htmx: the results only)", f"{r}?q={quote('복지')}", HTMX),
             (f"{r}?after=… (half-way)", f"{r}?after={cursor}", {}),
             (f"{r}{entry_id} (an entry)", f"{r}{entry_id}", {}),
             (f"{r}coverage", f"{r}coverage", {})]
    report(database, args.port, pages, args.requests, rps=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
