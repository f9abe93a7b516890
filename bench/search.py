"""Benchmark: the search page under gunicorn over 1,000,000 comments and 10,000 draft sections.

    .venv/bin/python bench/search.py [--comments 1000000] [--sections 10000] [--requests 200]
        [--database URL] [--port 5301] [--no-build]

--no-build measures a database built before (by this script, with --database) as it is: seeding a million
comments takes minutes, measuring a change to the queries does not need it. After a change to the index
(text.py, index.py, the FTS5 options) run `flask search reindex` on it first.

Builds a fresh database (SQLite in a temporary folder unless --database is given; a PostgreSQL database
given here is EMPTIED), loads the demo, then inserts in bulk (core INSERTs, no events): 100 published
consultations with one published version each and --sections sections between them, and --comments
comments spread over those consultations and the demo's organisations. Texts are drawn from a pool of
Korean, English and mixed sentences (seeded random), so a word is in a realistic share of documents:
규제 in about one comment in four, 영향평가 in one in eight, transparency in one in ten. The search index is then
built in bulk (`consult.search.index.rebuild`: FTS5 'rebuild' on SQLite, GIN built after the rows on
PostgreSQL), statistics gathered, and gunicorn (2 workers) serves the page. Measured, per query: p50 / p95 /
max latency of sequential requests for the first results page (every kind, with counts) — a 2-syllable
Korean word, a 4-syllable one, an English word, a mixed query — and one kind's page. Prints the timings of
each build step too. Not a test: it prints figures for the notes.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import analyze, report  # noqa: E402

KO = [
    "인공지능 규제를 강화해야 합니다.", "고영향 인공지능의 기준을 명확히 해 주십시오.", "인권영향평가를 도입 전에 실시해야 합니다.",
    "평가 결과는 누리집에 공개되어야 합니다.", "얼굴인식 기술의 공공장소 사용을 금지해 주십시오.", "개인정보 처리 근거가 부족합니다.",
    "AI 기본법 시행령과의 관계를 설명해 주십시오.", "시민 참여 절차를 보장해야 합니다.", "자율규제만으로는 충분하지 않습니다.",
    "영향평가 대상 기관의 범위를 넓혀야 합니다.", "공공기관의 알고리즘 등록을 의무화해야 합니다.", "이의신청 절차를 마련해 주십시오.",
    "데이터 편향을 정기적으로 점검해야 합니다.", "감독 기구의 독립성이 필요합니다.", "법안의 정의 조항이 모호합니다.",
    "복지 급여 결정에 자동화된 판단을 쓰지 말아야 합니다.", "교육 현장의 인공지능 교과서 도입을 재검토해 주십시오.",
    "노동자 감시에 쓰이는 시스템을 규제 대상에 포함해야 합니다.", "설명 요구권을 명시해 주십시오.", "예산 집행 내역을 공개해야 합니다.",
]
EN = [
    "Transparency obligations should cover every public body.", "The definition of high-impact AI is too narrow.",
    "Facial recognition in public spaces must be banned.", "An independent oversight board is needed.",
    "Impact assessments should be published before deployment.", "People need a right to an explanation.",
    "The AI Basic Act should apply to procurement as well.", "Data protection rules must not be weakened.",
    "Automated decisions on welfare benefits need human review.", "Civil society was not consulted early enough.",
]
SECTION_HEADINGS = [("목적", "Purpose"), ("정의", "Definitions"), ("영향평가", "Impact assessment"), ("공개", "Disclosure"),
                    ("규제 대상", "Scope of regulation"), ("감독", "Oversight"), ("이의신청", "Objections"), ("벌칙", "Penalties")]


def _sentences(rng: random.Random) -> tuple[str, str]:
    """A comment body of 2–4 sentences and its language (one in five in English)."""
    if rng.random() < 0.2:
        return " ".join(rng.sample(EN, rng.randint(2, 4))), "en"
    return " ".join(rng.sample(KO, rng.randint(2, 4))), "ko"


def build(database: str, comments: int, sections: int) -> dict[str, float]:
    """The demo plus the bulk rows and the index; returns the seconds each step took."""
    from sqlalchemy import func, insert, select, text

    from consult import create_app, demo
    from consult.consultations.models import Comment, Consultation, Section, Version
    from consult.extensions import db, utcnow
    from consult.orgs.models import Organization, VerificationStatus
    from consult.search import index

    timings: dict[str, float] = {}
    rng = random.Random(9)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "PASSWORD_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        t = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade
        upgrade()
        demo.load(utcnow() - timedelta(minutes=5))
        timings["migrate + demo"] = time.perf_counter() - t
        now = utcnow()
        orgs = db.session.scalars(select(Organization.id).where(Organization.status == VerificationStatus.VERIFIED)).all()
        gov = orgs[0]
        t = time.perf_counter()
        n_consultations = 100
        per = max(1, sections // n_consultations)
        start_c = (db.session.scalar(select(func.max(Consultation.id))) or 0) + 1
        start_v = (db.session.scalar(select(func.max(Version.id))) or 0) + 1
        cons, vers, secs = [], [], []
        for i in range(n_consultations):
            cid, vid = start_c + i, start_v + i
            opened = now - timedelta(days=200 - i)
            cons.append(dict(id=cid, owner_org_id=gov, created_at=opened, notice_type="administrative_notice",
                             mode="open", allows_individuals=True, target_groups="civil_society",
                             title_ko=f"인공지능 정책 의견수렴 {i}", title_en=f"AI policy consultation {i}",
                             summary_ko="공공 인공지능 규율 방안입니다.", summary_en="How public AI is governed.",
                             opens_at=opened, closes_at=opened + timedelta(days=400), published_at=opened))
            vers.append(dict(id=vid, consultation_id=cid, number=1, title_ko="제1판", title_en="Version 1",
                             created_at=opened, published_at=opened, content_sha256="0" * 64))
            for j in range(per):
                ko, en = SECTION_HEADINGS[j % len(SECTION_HEADINGS)]
                secs.append(dict(version_id=vid, key=f"s{j}", position=j, number_ko=f"제{j + 1}조",
                                 number_en=f"Article {j + 1}", heading_ko=ko, heading_en=en,
                                 body_ko=" ".join(rng.sample(KO, 2)), body_en=" ".join(rng.sample(EN, 2))))
        db.session.execute(insert(Consultation), cons)
        db.session.execute(insert(Version), vers)
        for k in range(0, len(secs), 5000):
            db.session.execute(insert(Section), secs[k:k + 5000])
        db.session.commit()
        timings[f"{len(secs)} sections"] = time.perf_counter() - t

        t = time.perf_counter()
        start = (db.session.scalar(select(func.max(Comment.id))) or 0) + 1
        bodies = [_sentences(rng) for _ in range(5000)]  # a pool, numbered per comment below
        batch: list[dict] = []
        conn = db.session.connection()
        for i in range(comments):
            body, lang = bodies[i % len(bodies)]
            c = i % n_consultations
            at = now - timedelta(days=190 - c, seconds=-i)
            batch.append(dict(id=start + i, consultation_id=start_c + c, version_id=start_v + c, section_id=None,
                              author_org_id=orgs[i % len(orgs)], author_id=None, lang=lang,
                              body_source=f"{body} ({i})", body_html=f"<p>{body} ({i})</p>", status="published",
                              submitted_at=at, revision_count=1, text_sha256=f"{start + i:064x}"))
            if len(batch) == 10_000:
                conn.execute(insert(Comment), batch)
                batch.clear()
        if batch:
            conn.execute(insert(Comment), batch)
        db.session.commit()
        timings[f"{comments} comments"] = time.perf_counter() - t

        t = time.perf_counter()
        with db.engine.begin() as conn:
            written = index.rebuild(conn, batch=10_000)
        timings[f"index ({written} documents)"] = time.perf_counter() - t

        t = time.perf_counter()
        analyze(db)
        if db.engine.dialect.name == "sqlite":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        timings["analyze (+ FTS5 optimize)"] = time.perf_counter() - t
    return timings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--sections", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database")
    parser.add_argument("--port", type=int, default=5301)
    parser.add_argument("--no-build", action="store_true", help="measure --database as it is (built before)")
    args = parser.parse_args()
    if args.no_build and not args.database:
        parser.error("--no-build needs --database")
    database = args.database or f"sqlite:///{Path(tempfile.mkdtemp(prefix='gongnon-bench-')) / 'bench.db'}"
    if not args.no_build:
        t0 = time.perf_counter()
        for step, seconds in build(database, args.comments, args.sections).items():
            print(f"  {step:40} {seconds:7.1f}s")
        print(f"built {database.split('@')[-1]} in {time.perf_counter() - t0:.1f}s")
    pages = ["/ko/search?q=%EA%B7%9C%EC%A0%9C",  # 규제
             "/ko/search?q=%EC%98%81%ED%96%A5%ED%8F%89%EA%B0%80",  # 영향평가
             "/en/search?q=transparency",
             "/ko/search?q=AI+%EA%B8%B0%EB%B3%B8%EB%B2%95",  # AI 기본법
             "/ko/search?q=%EC%9D%B8%EA%B3%B5%EC%A7%80%EB%8A%A5%EC%9D%98&kind=comment"]  # 인공지능의, one kind
    report(database, args.port, pages, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
