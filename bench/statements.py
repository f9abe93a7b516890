"""Benchmark: a joint statement's pages under gunicorn with 20,000 signatures.

    .venv/bin/python bench/statements.py [--signatures 20000] [--orgs 200] [--requests 300] [--database URL]

Builds a fresh database (SQLite in a temporary folder unless --database is given; a PostgreSQL database
given here is EMPTIED), loads the demo, registers and verifies --orgs organisations of every
non-government kind, and has one of them draft and open a statement (co-drafted, individuals allowed)
through the real actions. Ten organisations sign through `sign`; then --signatures in all are reached in
bulk (tests.factories.bulk_signatures: rows only, no events or mail): the organisations, then individuals,
every 7th of them unnamed, every 20th signature withdrawn. The text changes to version 2 through `revise`
in the middle (its UPDATE and re-confirmation mails included), so the earlier half is bound to version 1:
a third of it re-confirms (rows updated in bulk), the rest stays pending. Statistics are gathered (ANALYZE;
VACUUM ANALYZE on PostgreSQL), gunicorn starts (2 workers, like this 2-core machine) and each page is
measured: p50 / p95 / max latency of sequential requests, and requests per second from 4 concurrent
clients. Pages: the statement by date (ko) and by name (en), the signatory list alone as htmx asks for it,
a page of the list deep in the alphabet (keyset cursor), the print page (every signatory, 20,000 names; a tenth of the requests),
and the list of statements. Not a test: it prints figures for the notes.
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

HTMX_LIST = {"HX-Request": "true", "HX-Target": "signatories"}


def build(database: str, signatures: int, orgs: int) -> tuple[int, str]:
    """The demo plus a statement with `signatures` signatures; returns its id and a cursor deep into its
    list by English name."""
    from sqlalchemy import select, text, tuple_, update

    from consult import create_app, demo
    from consult.extensions import db, utcnow
    from consult.i18n import Bilingual
    from consult.orgs import actions as org_actions
    from consult.orgs.models import OrgKind, Role
    from consult.pagination import encode_cursor
    from consult.policy import Actor
    from consult.statements import actions
    from consult.statements.models import Signature
    from tests.factories import STATEMENT_BODY, STATEMENT_TITLE, bulk_signatures

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade
        upgrade()
        start = utcnow() - timedelta(days=3)
        loader = demo.load(utcnow() - timedelta(minutes=5))
        admin, kim = loader.people["p-admin"], loader.people["p-kim"]
        kinds = [k for k in OrgKind if k is not OrgKind.GOVERNMENT]
        signers = []
        for i in range(orgs):
            org = org_actions.create_organization(Actor(kim), org_actions.OrgInput(
                name=Bilingual(f"연명 단체 {i:04d}", f"Signing Group {i:04d}" if i % 5 else None),
                short_name=Bilingual(None, None), kind=kinds[i % len(kinds)], subkind=None, website=None,
                description=Bilingual("설명입니다.", "A description.")), now=start)
            org_actions.decide_verification(Actor(admin), org, "verify", Bilingual("확인", "Checked"), now=start,
                                            notify=False)
            signers.append(Actor(kim, org, Role.ADMIN))
        drafter, co = signers[0], signers[1]
        s = actions.create_statement(drafter, actions.StatementInput(
            actions.TextInput(Bilingual(*STATEMENT_TITLE), Bilingual(*STATEMENT_BODY)), co_drafter_ids=(co.org.id,),  # type: ignore[union-attr]
            signing_deadline=utcnow() + timedelta(days=30), allows_individuals=True), now=start)
        actions.open_statement(drafter, s, now=start + timedelta(minutes=1))
        for n, signer in enumerate(signers[:10]):
            actions.sign(signer, s, now=start + timedelta(minutes=2 + n))
        rest = [a.org for a in signers[10:-1]]  # the last one signs through the action after version 2
        half = signatures // 2 - 10
        bulk_signatures(s, half, orgs=rest[:len(rest) // 2], withdrawn_every=20)
        revised = db.session.scalar(select(db.func.max(Signature.signed_at)).where(
            Signature.statement_id == s.id)) + timedelta(minutes=1)
        actions.revise(drafter, s, actions.TextInput(
            Bilingual(*STATEMENT_TITLE),
            Bilingual(STATEMENT_BODY[0] + "\n- 평가 결과를 30일 안에 공개할 것",
                      STATEMENT_BODY[1] + "\n- Results published within 30 days"),
            Bilingual("공개 기한(30일)을 넣었습니다.", "Added a 30-day deadline.")), now=revised)
        # a third of the earlier signatories re-confirm (rows only, as reconfirm leaves them)
        db.session.execute(update(Signature).where(
            Signature.statement_id == s.id, Signature.withdrawn_at.is_(None), Signature.version == 1,
            Signature.id % 3 == 0).values(version=2, reconfirmed_at=revised + timedelta(hours=1)))
        db.session.commit()
        # one more through the action, on version 2 (the bulk rows below follow it in time)
        actions.sign(signers[-1], s, now=revised + timedelta(minutes=1))
        bulk_signatures(s, signatures - half - 11, orgs=rest[len(rest) // 2:], withdrawn_every=20)
        sid = s.id
        # a cursor half-way down the list by English name (what "Show more" links to, many pages in)
        keys = db.session.execute(select(Signature.list_group, Signature.sort_name_en, Signature.id).where(
            Signature.statement_id == sid, Signature.list_group != 9)
            .order_by(Signature.list_group, Signature.sort_name_en, Signature.id)
            .offset(signatures // 2).limit(1)).one()
        assert db.session.scalar(select(db.func.count()).select_from(Signature).where(
            Signature.statement_id == sid, tuple_(Signature.list_group, Signature.sort_name_en, Signature.id)
            > tuple(keys))) > 100
        cursor = encode_cursor(list(keys))
        # the steady state of a live database: statistics gathered (autovacuum does it on PostgreSQL) and,
        # on PostgreSQL, the visibility map set so that index-only scans need not visit the table
        analyze(db)
        return sid, cursor


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=20_000)
    parser.add_argument("--orgs", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database")
    parser.add_argument("--port", type=int, default=5097)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gongnon-bench-"))
    database = args.database or f"sqlite:///{tmp / 'bench.db'}"
    t0 = time.perf_counter()
    sid, cursor = build(database, args.signatures, args.orgs)
    print(f"built {database.split('@')[-1]}: demo + {args.orgs} organisations + {args.signatures} signatures on "
          f"statement {sid} in {time.perf_counter() - t0:.1f}s")
    show = f"/statements/{sid}"
    pages = [(f"/ko{show}", f"/ko{show}", {}),
             (f"/en{show}?sort=name", f"/en{show}?sort=name", {}),
             (f"/ko{show} (htmx: the list only)", f"/ko{show}", HTMX_LIST),
             (f"/en{show}?sort=name&after=… (half-way)", f"/en{show}?sort=name&after={cursor}", {}),
             ("/ko/statements/", "/ko/statements/", {}),
             (f"/ko{show}/print (every signatory)", f"/ko{show}/print", {})]
    report(database, args.port, pages, args.requests, rps=True, fewer=lambda path: "print" in path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
