"""Search through the real actions, on SQLite and PostgreSQL alike: Korean as people type it, English,
what must never be found, the index following edits in the same transaction, filters and keyset pages."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.consultations import actions as consult
from consult.consultations.models import Outcome, Status
from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.orgs.models import OrgKind
from consult.register import actions as register
from consult.search import queries
from consult.search.models import SearchDocument, doc_id
from consult.statements import actions as statements
from tests.factories import (commenter, entry_document, make_comment, make_consultation, make_entry, make_official,
                             make_org, make_statement, platform_admin)
from consult.policy import Actor


def found(q: str, **filters) -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    results = queries.search(queries.Filters(q=q, **filters), utcnow())
    return {(d.kind, d.object_id) for g in results.groups for d in g.items}


def kinds(q: str, **filters) -> set[str]:  # type: ignore[no-untyped-def]
    return {k for k, _ in found(q, **filters)}


@pytest.fixture
def world(app):  # type: ignore[no-untyped-def]
    official = make_official()
    c = make_consultation(official)  # sections: 목적 / 영향평가 (인권영향평가를) / 공개
    author = commenter()
    ko = make_comment(c, author, body="인공지능 **규제를** 강화하고 AI 기본법의 고영향 기준을 명확히 해 주십시오.")
    en = make_comment(c, commenter(), body="Facial recognition needs a prior human rights assessment.", lang="en")
    return dict(official=official, c=c, author=author, ko=ko, en=en)


def test_korean_as_people_type_it(world):
    c, ko = world["c"], world["ko"]
    assert ("comment", ko.id) in found("규제")  # two syllables, particle attached in the text
    assert ("comment", ko.id) in found("규제를")
    sections = {i for k, i in found("영향평가를") if k == "section"}  # particle attached to the query
    assert sections  # 인권영향평가를 in 제2조, and its heading 영향평가
    assert ("consultation", c.id) in found("인공지능의")  # 인공지능 공공이용 지침(안)
    assert ("comment", ko.id) in found("AI 기본법")  # mixed scripts, both words required
    assert ("comment", ko.id) not in found("AI 기본법 개인정보")


def test_english_and_both_languages(world):
    en = world["en"]
    assert ("comment", en.id) in found("facial recogni")
    assert "section" in kinds("impact assessment")  # the English text of a Korean-first section
    assert "section" in kinds("인권영향평가")


def test_unpublished_things_are_never_found(app):
    official = make_official()
    make_consultation(official, published=False, title=Bilingual("비공개초안 규제 지침", "Secretdraft rules"))
    make_statement(opened=False, title=Bilingual("작성중성명 규제", "Draftstatement"))
    make_org(verified=False, name_ko="심사대기단체", name_en="Pendingorg")  # a pending organisation
    for q in ("비공개초안", "secretdraft", "작성중성명", "draftstatement", "심사대기단체", "pendingorg"):
        assert found(q) == set(), q
    assert db.session.scalar(select(db.func.count()).select_from(SearchDocument).where(
        SearchDocument.kind.in_(["consultation", "statement"]))) == 0


def test_hidden_and_withdrawn_comments_and_their_dispositions_are_not_found(world):
    c, ko, en, author, official = world["c"], world["ko"], world["en"], world["author"], world["official"]
    consult.record_disposition(official, ko, consult.DispositionInput(Outcome.NOTED, Bilingual("검토독특어 반영", None)),
                               now=utcnow())
    assert ("comment", ko.id) in found("규제") and kinds("검토독특어") == {"disposition"}
    consult.hide_comment(Actor(platform_admin()), ko, Bilingual("욕설", "Abuse"), now=utcnow())
    assert ("comment", ko.id) not in found("규제")
    assert found("검토독특어") == set()  # the disposition of a hidden comment goes with it
    consult.withdraw_comment(commenter_of(en), en, Bilingual(None, "Changed our mind"), now=utcnow())
    assert found("facial") == set()


def commenter_of(comment):  # type: ignore[no-untyped-def]
    from consult.accounts.models import Person
    from consult.orgs.models import Organization, Role
    return Actor(db.session.get(Person, comment.author_id), db.session.get(Organization, comment.author_org_id), Role.ADMIN)


def test_the_index_follows_edits_in_the_same_transaction(world):
    ko, author = world["ko"], world["author"]
    consult.revise_comment(author, ko, consult.CommentInput(body="개인정보 보호를 우선해 주십시오.", lang="ko"), now=utcnow())
    assert ("comment", ko.id) not in found("규제") and ("comment", ko.id) in found("개인정보")

    # a failed action leaves the index as it was: the documents are written in its transaction
    with pytest.raises(Exception):
        consult.revise_comment(author, ko, consult.CommentInput(body="", lang="ko"), now=utcnow())
    assert ("comment", ko.id) in found("개인정보")


def test_a_new_versions_sections_are_found_and_the_old_ones_stay(world):
    c, official = world["c"], world["official"]
    old = {i for k, i in found("목적") if k == "section"}
    v2 = consult.start_version(official, c, now=utcnow())
    consult.save_section(official, c, v2, consult.SectionInput(Bilingual("제9조", "Article 9"), Bilingual("감독신설", "Oversight"),
                                                                Bilingual("감독위원회를 둔다.", "A board oversees.")), now=utcnow())
    assert found("감독신설") == set()  # the unpublished version's sections are a draft
    consult.update_version(official, c, v2, title=Bilingual("개정안 2", "Version 2"), summary=Bilingual(None, None),
                           change_note=Bilingual("감독 조항 신설", "Adds oversight"), now=utcnow())
    consult.publish_version(official, c, v2, now=utcnow())
    new = {i for k, i in found("목적") if k == "section"}
    assert old < new and kinds("감독신설") == {"section"}
    doc = db.session.scalar(select(SearchDocument).where(SearchDocument.kind == "section",
                                                          SearchDocument.section_key.is_not(None),
                                                          SearchDocument.version_number == 2).limit(1))
    assert doc is not None


def test_a_register_revision_is_found(app):
    official = make_official()
    entry = make_entry(official)
    assert ("register_entry", entry.id) in found("부정수급")
    doc = entry_document(summary={"ko": "얼굴인식 출입 통제", "en": "Face matching at gates"})
    register.revise_entry(official, entry, doc, Bilingual("요약 변경", None), now=utcnow())
    assert ("register_entry", entry.id) in found("얼굴인식")
    assert ("register_entry", entry.id) in found("face matching")


def test_filters(world):
    c, ko, en, official = world["c"], world["ko"], world["en"], world["official"]
    consult.record_disposition(official, ko, consult.DispositionInput(Outcome.ACCEPTED, Bilingual("수용합니다 반영", None)),
                               now=utcnow())
    consult.record_disposition(official, en, consult.DispositionInput(Outcome.NOT_ACCEPTED, Bilingual("불수용 반영", None)),
                               now=utcnow())
    from consult.consultations.models import Disposition
    accepted = db.session.scalar(select(Disposition.id).where(Disposition.comment_id == ko.id))
    assert found("반영", outcome=Outcome.ACCEPTED) == {("disposition", accepted)}
    assert kinds("인공지능", kind="section") <= {"section"}
    author_org = world["author"].org
    assert {k for k, _ in found("규제", org=author_org)} == {"comment"}
    assert found("규제", state=Status.OPEN) and not found("규제", state=Status.CLOSED)
    today = utcnow().date()
    assert found("규제", since=today - timedelta(days=1), until=today + timedelta(days=1))
    assert not found("규제", since=today + timedelta(days=2))
    assert not found("규제", until=today - timedelta(days=30))


def test_keyset_pages_within_a_kind(world):
    c = world["c"]
    authors = [commenter() for _ in range(3)]
    made = {make_comment(c, authors[i % 3], body=f"페이지검사 의견 {i}").id for i in range(queries.PAGE_SIZE + 5)}
    first = queries.search(queries.Filters(q="페이지검사", kind="comment"), utcnow())
    [group] = first.groups
    assert len(group.items) == queries.PAGE_SIZE and group.next_cursor and group.count == len(made)
    from consult.pagination import decode_cursor
    after = decode_cursor(group.next_cursor, (int,))[0]
    second = queries.search(queries.Filters(q="페이지검사", kind="comment"), utcnow(), after=after)
    ids = [d.object_id for d in group.items] + [d.object_id for d in second.groups[0].items]
    assert set(ids) == made and ids == sorted(ids, reverse=True) and second.groups[0].next_cursor is None
    overview = queries.search(queries.Filters(q="페이지검사"), utcnow())
    assert len(overview.groups[0].items) == queries.GROUP_SIZE


def test_statements_and_organisations(app):
    s = make_statement(title=Bilingual("감시장비 금지 공동성명", "Joint statement against surveillance gear"))
    assert ("statement", s.id) in found("감시장비")
    assert ("statement", s.id) in found("surveillance")
    org = make_org(kind=OrgKind.ACADEMIA, name_ko="한빛정책연구소", name_en="Hanbit Policy Institute")
    assert ("organization", org.id) in found("정책연구소")  # a substring of a long name
    assert ("organization", org.id) in found("hanbit")


def test_the_listener_and_the_rebuild_write_the_same_documents(world):
    from consult.search.actions import rebuild_index
    before = db.session.execute(select(SearchDocument.id, SearchDocument.terms, SearchDocument.public_from)
                                .order_by(SearchDocument.id)).all()
    assert rebuild_index() == len(before)
    after = db.session.execute(select(SearchDocument.id, SearchDocument.terms, SearchDocument.public_from)
                               .order_by(SearchDocument.id)).all()
    assert before == after
    assert found("규제") and found("인공지능의")  # and the full-text index was rebuilt too


@pytest.mark.parametrize("mark", ['"', "*", "%", "_", "\\", "'", ":*", "&", "|", "!", "(", ")", "^", ":", "<->", "--", ";"])
def test_syntax_characters_are_only_text(world, mark):
    assert found(mark) == set()  # punctuation alone: nothing to search for, and no error
    assert ("comment", world["ko"].id) in found(f"{mark}규제{mark}")  # punctuation separates words


@pytest.mark.parametrize("q", ["NEAR(규제 AI)", "규제 OR 인권", "규제 NOT", "'규제':* | '인권'", "a & !b",
                               "; DROP TABLE comment; --", "a" * 190, "x" * 30 + "*"])
def test_operator_words_are_words(world, q):
    found(q)  # no error from either engine; NEAR, OR, NOT are words that must be present like any other
    assert ("comment", world["ko"].id) not in found(q + " 없는낱말")


def test_long_prefixes_match_exactly(world):
    """Prefix terms longer than SQLite's longest prefix index are asked cut and then checked whole: the same
    documents as a prefix index would give, on both databases."""
    c = world["c"]
    author = world["author"]
    long_en = make_comment(c, author, body="Transparency obligations and a transparent register.", lang="en")
    long_ko = make_comment(c, author, body="알고리즘영향평가위원회설치법안을 검토해 주십시오.")
    assert ("comment", long_en.id) in found("transparency")
    assert ("comment", long_en.id) in found("transparen")  # a prefix of both words
    assert ("comment", long_en.id) not in found("transparencyx")
    assert ("comment", long_en.id) not in found("transparently")  # cut to "transp" for FTS5: not enough
    assert ("comment", long_ko.id) in found("영향평가위원회설치")  # 8 syllables inside a longer word
    assert ("comment", long_ko.id) in found("알고리즘영향평가위원회를")  # with a particle: its stem
    assert ("comment", long_ko.id) not in found("영향평가위원회해산")
    assert ("comment", long_ko.id) not in found("transparency 영향평가위원회해산")  # both words needed


@pytest.mark.parametrize("window", [1, 2, 3, 1000])
def test_counts_do_not_depend_on_the_scan_window(world, monkeypatch, window):
    """PostgreSQL counts the newest SCAN_WINDOW documents of a kind with a substring test and the older ones
    with the GIN index: whatever the window, the same counts (SQLite ignores it)."""
    c = world["c"]
    authors = [commenter() for _ in range(2)]
    for i in range(7):
        make_comment(c, authors[i % 2], body=f"창구검사 의견 {i}" if i % 2 else f"Window check {i} 창구검사를")
    def page(q: str, **kw):  # type: ignore[no-untyped-def]
        after = kw.pop("after", None)
        results = queries.search(queries.Filters(q=q, **kw), utcnow(), after=after)
        return [(g.kind, g.count, [d.id for d in g.items], g.next_cursor) for g in results.groups]

    monkeypatch.setattr(queries, "SCAN_WINDOW", window)
    newest = max(d.id for d in queries.search(queries.Filters(q="창구검사", kind="comment"), utcnow()).groups[0].items)
    asked = [("창구검사", {}), ("창구검사를", {}), ("window", {}), ("규제", {}), ("영향평가", {}), ("없는낱말", {}),
             ("창구검사", {"kind": "comment"}), ("창구검사", {"kind": "comment", "after": newest})]
    for q, kw in asked:
        got = page(q, **kw)
        monkeypatch.setattr(queries, "SCAN_WINDOW", 10_000)
        assert page(q, **kw) == got, (q, kw)
        monkeypatch.setattr(queries, "SCAN_WINDOW", window)
    assert {g.kind: g.count for g in queries.search(queries.Filters(q="창구검사"), utcnow()).groups} == {"comment": 7}
    assert {g.kind: g.count for g in queries.search(queries.Filters(q="window"), utcnow()).groups} == {"comment": 4}
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    assert {g.kind: g.count for g in queries.search(queries.Filters(q="창구검사"), utcnow()).groups} == {"comment": 3}


def test_migration_0007_creates_what_the_rebuild_creates():
    """`flask search reindex` recreates the FTS5 table and the GIN index from backends.py; migration 0007 has
    its own copy of the DDL (migrations never import the application): the two must not drift apart."""
    import importlib.util
    from pathlib import Path

    from consult.search import backends
    path = Path(__file__).resolve().parents[2] / "migrations/versions/0007_search.py"
    spec = importlib.util.spec_from_file_location("migration_0007", path)
    migration = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(migration)  # type: ignore[union-attr]
    assert migration.SQLITE_DDL == backends.SQLITE_DDL
    assert migration.PG_INDEX == backends.PG_INDEX
