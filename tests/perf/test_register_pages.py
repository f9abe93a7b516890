"""The AI register's pages run the same SQL with 20 entries and with 5,000 (STYLE §9, issue 8), and an
entry's pages the same with 3 revisions and with 3,000.

A few entries are registered through the actions (a welfare system with a linked consultation and three
revisions, a face-recognition system with a withheld field and no assessment, a traffic system); the
rest are clones of them inserted in bulk (`bulk_entries`: the rows the actions write — entry, its first
revision, its areas — without events), spread over several bodies, statuses, assessment stages and
consultation states. Measured: the list unfiltered, with each filter, with a two-syllable Korean query
and an English one, as htmx asks for it and on a later keyset page; an entry page, its history and a
revision; a body's page; the coverage page; the exports.
"""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from itertools import count
from typing import Any, Sequence

from sqlalchemy import func, insert, select, update

from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.register import actions
from consult.register.models import EntryArea, EntryStatus, RegisterEntry, RegisterRevision, Stage
from consult.consultations.models import Outcome
from consult.register.models import FlagKind
from tests.factories import commenter, make_consultation, make_entry, make_official
from tests.web.support import client_for

_batch = count(1)
HTMX = {"HX-Request": "true", "HX-Target": "register-results"}


def bulk_entries(templates: Sequence[RegisterEntry], n: int, bodies: Sequence[Any], *,
                 before: datetime | None = None) -> None:
    """n entries cloned from the templates (their documents, hashes and search text, the name numbered),
    each with its first revision and its areas, as register_system leaves them but without events;
    updated one minute apart going back from `before` (default: now), across `bodies`."""
    batch = next(_batch)
    before = before or utcnow()
    stages = [None, *Stage]
    docs = [(t, t.content, [a for a in t.content.get("areas", [])]) for t in templates]
    rows = []
    for i in range(n):
        t, doc, _areas = docs[i % len(docs)]
        moment = before - timedelta(minutes=i + 1)
        rows.append(dict(
            organization_id=bodies[i % len(bodies)].id, created_at=moment, created_by_id=None, updated_at=moment,
            revision=1, content=doc, content_sha256=t.content_sha256,
            name_ko=f"{t.name_ko} {batch}-{i}" if t.name_ko else None, name_en=f"{t.name_en} {batch}-{i}" if t.name_en else None,
            summary_ko=t.summary_ko, summary_en=t.summary_en,
            status=list(EntryStatus)[i % len(EntryStatus)], high_impact=t.high_impact,
            personal_data=bool(i % 2), assessment_stage=stages[i % len(stages)], has_consultation=i % 5 == 0,
            search_text=t.search_text))
    ids: list[int] = []
    for k in range(0, len(rows), 1000):
        ids += db.session.scalars(insert(RegisterEntry).returning(RegisterEntry.id, sort_by_parameter_order=True),
                                  rows[k:k + 1000]).all()
    revisions, areas = [], []
    for i, (entry_id, row) in enumerate(zip(ids, rows, strict=True)):
        _t, doc, entry_areas = docs[i % len(docs)]
        revisions.append(dict(entry_id=entry_id, number=1, content=doc, content_sha256=row["content_sha256"],
                              changed_fields=[], change_note_ko=None, change_note_en=None,
                              created_at=row["created_at"], created_by_id=None))
        areas += [dict(entry_id=entry_id, area=a) for a in entry_areas]
    for k in range(0, len(revisions), 1000):
        db.session.execute(insert(RegisterRevision), revisions[k:k + 1000])
    for k in range(0, len(areas), 1000):
        db.session.execute(insert(EntryArea), areas[k:k + 1000])
    db.session.commit()


def bulk_revisions(entry: RegisterEntry, n: int) -> None:
    """n more revisions of an entry (the same document, a change note each), as rows only."""
    first = db.session.scalar(select(func.max(RegisterRevision.number)).where(RegisterRevision.entry_id == entry.id))
    moment = entry.updated_at
    rows = [dict(entry_id=entry.id, number=first + i + 1, content=entry.content, content_sha256=entry.content_sha256,
                 changed_fields=["high_impact_note"], change_note_ko=f"메모 {i}", change_note_en=f"Note {i}",
                 created_at=moment + timedelta(seconds=i + 1), created_by_id=None) for i in range(n)]
    for k in range(0, len(rows), 1000):
        db.session.execute(insert(RegisterRevision), rows[k:k + 1000])
    db.session.execute(update(RegisterEntry).where(RegisterEntry.id == entry.id).values(
        revision=first + n, updated_at=moment + timedelta(seconds=n)))
    db.session.commit()


def _measure(c, url: str, count_queries, headers: dict[str, str] | None = None) -> int:  # type: ignore[no-untyped-def]
    assert c.get(url, headers=headers).status_code == 200, url  # warm-up: templates compiled
    db.session.expire_all()  # every object a page touches costs SQL, as in a fresh request
    with count_queries() as n:
        r = c.get(url, headers=headers)
        r.get_data()  # streamed exports run their queries while the body is read
    assert r.status_code == 200, url
    return n()


def _pages(c, count_queries, entry_id: int, body_id: int, body_slug: str,  # type: ignore[no-untyped-def]
           viewers: dict[str, Any]) -> dict[str, int]:
    pages = {
        "list": "/ko/ai-register/",
        "list en": "/en/ai-register/",
        "list by body": f"/ko/ai-register/?body={body_slug}",
        "list by area": "/ko/ai-register/?area=public_service_decisions",
        "list by status": "/ko/ai-register/?status=pilot",
        "list with assessment": "/ko/ai-register/?assessment=yes",
        "list without assessment": "/ko/ai-register/?assessment=no",
        "list with consultation": "/ko/ai-register/?consultation=yes",
        "list without personal data": "/ko/ai-register/?personal_data=no",
        "list q 복지": "/ko/ai-register/?q=%EB%B3%B5%EC%A7%80",
        "list q face": "/en/ai-register/?q=face",
        "list q and filters": "/ko/ai-register/?q=%EC%96%BC%EA%B5%B4&status=in_operation&personal_data=yes",
        "entry": f"/ko/ai-register/{entry_id}",
        "entry en": f"/en/ai-register/{entry_id}",
        "history": f"/ko/ai-register/{entry_id}/history",
        "revision": f"/en/ai-register/{entry_id}/revisions/2",
        "body": f"/ko/ai-register/bodies/{body_id}",
        "coverage": "/ko/ai-register/coverage",
        "entry json": f"/en/ai-register/{entry_id}.json",
        "csv": "/en/ai-register/register.csv",
        "json": "/en/ai-register/register.json",
        "feed": "/ko/ai-register/feed.atom",
    }
    counts = {label: _measure(c, url, count_queries) for label, url in pages.items()}
    counts["list htmx"] = _measure(c, "/ko/ai-register/?status=pilot", count_queries, HTMX)
    for who, viewer in viewers.items():  # the officials' buttons and answer forms, the flag form
        counts[f"entry as {who}"] = _measure(viewer, f"/ko/ai-register/{entry_id}", count_queries)
        counts[f"list as {who}"] = _measure(viewer, "/ko/ai-register/", count_queries)
    return counts


def test_register_pages_do_not_grow_with_entries_or_revisions(app, client, count_queries):  # type: ignore[no-untyped-def]
    from tests.register.test_views import NO_ASSESSMENT, _text, searchable
    now = utcnow()
    ministry, police, city = make_official(), make_official(), make_official()
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
    cso = commenter()
    for i in range(3):
        flag = actions.flag_entry(cso, body_org=ministry.org, entry=welfare, kind=FlagKind.MISSING_INFORMATION,
                                  field="model_type", body=f"모형을 밝혀 주십시오 {i}", lang="ko", now=now)
        if i:
            actions.answer_flag(ministry, flag, Outcome.NOTED, Bilingual("검토합니다.", "We will look at it."), now=now)
    viewers = {"official": client_for(app, ministry.person), "cso": client_for(app, cso.person)}
    bodies = [ministry.org, police.org, city.org]
    templates = [welfare, face, traffic]

    bulk_entries(templates, 17, bodies, before=now - timedelta(days=6))
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 20
    few = _pages(client, count_queries, welfare.id, police.org.id, police.org.slug, viewers)

    bulk_entries(templates, 4980, bodies, before=now - timedelta(days=10))
    bulk_revisions(welfare, 3000)
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 5000
    for i in range(300):
        actions.flag_entry(cso, body_org=ministry.org, entry=welfare, kind=FlagKind.DISAGREEMENT,
                           body=f"동의하지 않습니다 {i}", lang="ko", now=now)
    many = _pages(client, count_queries, welfare.id, police.org.id, police.org.slug, viewers)

    assert many == few, {k: (few[k], many[k]) for k in few if few[k] != many[k]}
    # the list: bodies for the filter, one page, the count (plus the body's row when filtered by body);
    # an entry: the entry with its body, consultations, flags (and what manage.py's includes ask)
    assert few["list"] <= 4 and few["list htmx"] <= 4 and few["coverage"] <= 2 and few["history"] <= 4, few
    assert max(few.values()) <= 12, few

    # a later page of the list (keyset: ?after=…) costs what the first does, as a page and as htmx asks
    first = client.get("/ko/ai-register/?personal_data=yes").get_data(as_text=True)
    link = re.search(r'<p class="more">\s*<a [^>]*href="([^"]+)"', first)
    assert link, "no link to the next page"
    later = html.unescape(link.group(1))
    assert "after=" in later
    assert _measure(client, later, count_queries) == _measure(client, "/ko/ai-register/?personal_data=yes", count_queries)
    assert _measure(client, later, count_queries, HTMX) == few["list htmx"]
    print("\nquery counts (20 entries = 5,000 entries, 3 revisions = 3,002):",
          ", ".join(f"{k} {v}" for k, v in few.items()))
