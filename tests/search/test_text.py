"""The query language and index terms (pure functions): Korean words with particles, mixed scripts, and
every character of FTS5 and tsquery syntax kept as text."""
from __future__ import annotations

import pytest

from consult.search import text


def terms(s: str) -> set[str]:
    return set(text.index_terms(s).split())


def test_words_split_scripts_and_normalise():
    assert text.words("AI기본법, Regulation! 제3조") == ["ai", "기본법", "regulation", "제", "3", "조"]
    # Hangul typed as separate jamo (as macOS file names do) is the same word
    assert text.words("\u1100\u1172\u110c\u1166") == ["규제"]


def test_index_terms_add_marked_suffixes_of_long_korean_words():
    assert terms("인권영향평가를") == {"인권영향평가를", "s권영향평가를", "s영향평가를", "s향평가를", "s평가를"}
    assert terms("규제를 regulation") == {"규제를", "regulation"}  # short words and Latin: no suffixes


def test_particles_are_an_extra_alternative_never_the_only_one():
    [w] = text.parse("인공지능의")
    assert text.Alternative("인공지능의", True) in w.alternatives
    assert text.Alternative("인공지능", True) in w.alternatives
    assert text.Alternative("s인공지능", True) in w.alternatives  # inside a longer word too
    [w] = text.parse("규제를")
    assert {a.term for a in w.alternatives} == {"규제를", "s규제를", "규제"}
    [w] = text.parse("국가")  # stripping 가 would leave one syllable: not an alternative
    assert [a.term for a in w.alternatives] == ["국가"]


def test_short_latin_words_and_numbers_match_whole_words():
    ai, law = text.parse("AI 기본법")
    assert ai.alternatives == (text.Alternative("ai", False),)
    assert text.Alternative("s기본법", True) in law.alternatives
    assert text.parse("2024")[0].alternatives == (text.Alternative("2024", False),)
    assert text.parse("regul")[0].alternatives == (text.Alternative("regul", True),)


@pytest.mark.parametrize("q", ['"', "*", "NEAR(a b)", "a OR b", "NOT x", "^start", "col:umn", "(x)", "%", "_",
                               "\\", "'", ":*", "&", "|", "!", "<->", "a' | 'b", '"" AND ""*'])
def test_syntax_characters_never_reach_the_engines_as_syntax(q):
    query = text.parse(q)
    fts, tsq = text.fts5_expression(query), text.tsquery_text(query)
    for w in query:  # what remains are words, each quoted whole
        for a in w.alternatives:
            assert a.term.replace("s", "").isalnum() or a.term.isalnum()
    assert fts.count('"') % 2 == 0 and tsq.count("'") % 2 == 0


def test_quotes_inside_terms_are_escaped():
    word = text.Word("x", (text.Alternative('a"b', True), text.Alternative("c'd\\", False)), ("x",))
    assert text.fts5_expression([word]) == '("a""b"* OR "c\'d\\")'
    assert text.tsquery_text([word]) == "('a\"b':* | 'c''d\\\\')"


def test_queries_are_limited():
    with pytest.raises(text.QueryTooLong):
        text.parse("가" * 201)
    assert text.parse("   ") == []
    assert len(text.parse(" ".join(f"word{chr(97 + i)}" for i in range(20)))) == text.MAX_WORDS
    assert text.parse("가" * 200)[0].text == "가" * text.MAX_WORD


def test_snippets_escape_text_and_mark_matches():
    s = text.snippet("<script>alert(1)</script> 인공지능의 위험과 인권영향평가를 다룹니다.", text.parse("인공지능의 영향평가"))
    assert "<script>" not in s and "&lt;script&gt;" in s
    assert "<mark>인공지능의</mark>" in s and "인권<mark>영향평가</mark>를" in s
    far = text.snippet("가나다 " * 100 + "규제를 강화", text.parse("규제"))
    assert far.startswith("… ") and "<mark>규제</mark>를" in far
    assert "<mark>" not in text.snippet("방법안내", text.parse("법안"))  # 2 syllables: word starts only


def test_plain_drops_markdown():
    assert text.plain("**명확히** 해 주십시오 [링크](http://x.org)\n- 항목").split() == ["명확히", "해", "주십시오", "링크", "항목"]


def test_the_engines_get_the_alternatives_no_other_one_covers():
    [w] = text.parse("인공지능의")  # 인공지능의* is inside 인공지능*, s인공지능의* inside s인공지능*
    assert set(text.minimal(w)) == {text.Alternative("인공지능", True), text.Alternative("s인공지능", True)}
    assert text.tsquery_text([w]) == "('인공지능':* | 's인공지능':*)"
    [w] = text.parse("규제를")  # 규제를* is inside 규제*; 규제를 inside a longer word is not
    assert text.minimal(w) == (text.Alternative("s규제를", True), text.Alternative("규제", True))


def test_fts5_prefix_terms_can_be_cut_to_the_longest_prefix_index():
    query = text.parse("transparency AI 영향평가를")
    assert text.fts5_expression(query, 6) == '("transp"*) AND ("ai") AND ("영향평가"* OR "s영향평가"*)'
    assert text.fts5_expression(query) == '("transparency"*) AND ("ai") AND ("영향평가"* OR "s영향평가"*)'
