"""Unit tests of form-letter detection (campaigns.py) and the version diff (diff.py): pure functions."""
from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest

from consult.consultations import campaigns, diff
from consult.consultations.diff import Piece
from consult.i18n import Bilingual

LETTER_EN = ("We urge the Ministry to require a public human rights impact assessment before any high-impact AI "
             "system is deployed by a public body, and to publish every assessment in full on its website.")
LETTER_KO = ("과학기술정보통신부는 고영향 인공지능을 도입하는 모든 공공기관이 사전에 인권영향평가를 실시하고 "
             "그 결과를 누리집에 전부 공개하도록 지침에 명시하여야 합니다.")
UNRELATED_EN = "The definition of high-impact AI in Article 2 should include systems used in recruitment and education."
UNRELATED_KO = "제3조의 공개 의무는 개인정보가 포함된 평가 결과에는 적용되지 않도록 예외를 두어야 합니다."


# ---- normalize ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Hello,  World!!", "helloworld"),                   # case, spacing, punctuation
    ("HELLO\tworld\n", "helloworld"),
    ("Ｈｅｌｌｏ ①", "hello1"),                            # NFKC: full-width letters, circled digit
    ("Straße", "strasse"),                                # case-folding, not lower()
    ("제2조의 평가 시점을 명확히 해 주십시오.", "제2조의평가시점을명확히해주십시오"),
    ("제２조 — 「평가」 시점!", "제2조평가시점"),           # full-width digit, Korean brackets, dash
    ("", ""),
    ("!!! …", ""),
])
def test_normalize_keeps_only_case_folded_letters_and_digits(text: str, expected: str) -> None:
    assert campaigns.normalize(text) == expected


def test_decomposed_hangul_normalises_like_composed_hangul() -> None:
    import unicodedata
    composed = "평가 시점"
    assert campaigns.normalize(unicodedata.normalize("NFD", composed)) == campaigns.normalize(composed)


def test_text_digest_is_the_sha256_of_the_normalised_text() -> None:
    assert campaigns.text_digest("제2조의 평가 시점을 명확히 해 주십시오.") == \
        hashlib.sha256("제2조의평가시점을명확히해주십시오".encode()).hexdigest()
    assert campaigns.text_digest("We URGE you.") == campaigns.text_digest("we urge  you")
    assert campaigns.text_digest("we urge you") != campaigns.text_digest("we urge them")


# ---- similar -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    (LETTER_EN, LETTER_EN.upper().replace(" ", "  ").replace(",", "")),       # identical after normalising
    (LETTER_EN, LETTER_EN.replace("urge", "ask")),                             # one word changed
    (LETTER_EN, LETTER_EN.replace("urge", "ask").replace("in full", "in its entirety")),
    (LETTER_KO, LETTER_KO.replace("합니다", "한다")),                            # one ending changed
    (LETTER_KO, LETTER_KO + " 감사합니다."),                                      # a line added
    (LETTER_KO, LETTER_KO.replace(" ", "")),                                   # spacing (띄어쓰기) differs
])
def test_near_identical_texts_are_similar(a: str, b: str) -> None:
    assert campaigns.similar(a, b)
    assert campaigns.similar(b, a)


@pytest.mark.parametrize(("a", "b"), [
    (LETTER_EN, UNRELATED_EN),
    (LETTER_KO, UNRELATED_KO),
    (LETTER_KO, LETTER_EN),
    # the same demand, rewritten: a different letter, not a copy
    (LETTER_KO, "모든 공공기관은 고영향 인공지능 도입 전 인권영향평가를 하고 결과를 공개해야 한다고 생각합니다."),
    ("abc", "abd"),
])
def test_different_texts_are_not_similar(a: str, b: str) -> None:
    assert not campaigns.similar(a, b)


def test_similarity_threshold_is_on_the_jaccard_of_character_5_grams() -> None:
    a, b = LETTER_EN, LETTER_EN.replace("urge", "ask")
    sa, sb = campaigns.shingles(a), campaigns.shingles(b)
    norm_a = campaigns.normalize(a)
    assert len(sa) == len({norm_a[i:i + 5] for i in range(len(norm_a) - 4)})
    assert campaigns.jaccard(sa, sb) == pytest.approx(len(sa & sb) / len(sa | sb))
    assert campaigns.THRESHOLD <= campaigns.jaccard(sa, sb) < 1
    # two words changed in a short Korean sentence falls just under the threshold
    k2 = LETTER_KO.replace("모든", "각").replace("전부", "모두")
    assert campaigns.jaccard(campaigns.shingles(LETTER_KO), campaigns.shingles(k2)) < campaigns.THRESHOLD
    assert not campaigns.similar(LETTER_KO, k2)


def test_shingles_of_short_and_empty_texts() -> None:
    assert campaigns.shingles("") == set()
    assert campaigns.shingles("!!!") == set()
    assert len(campaigns.shingles("abc")) == 1       # shorter than a shingle: the whole text is one
    assert len(campaigns.shingles("abcdef")) == 2
    assert campaigns.jaccard(set(), {1}) == 0.0


# ---- bands (MinHash LSH) -----------------------------------------------------------------------------

def test_bands_are_sixteen_hex_digests_and_deterministic() -> None:
    b = campaigns.bands(LETTER_KO)
    assert len(b) == campaigns.BANDS == 16
    assert all(len(d) == 16 and int(d, 16) >= 0 for d in b)
    assert campaigns.bands(LETTER_KO) == b
    # stored in comment_band: the same text must give the same digests in every process, on every
    # machine and after every restart (no randomised hash()); these values are pinned
    assert campaigns.bands("제2조의 평가 시점을 명확히 해 주십시오.")[:2] == ["30bf1d39a0e77297", "f2c5ac20be8849bf"]
    assert campaigns.bands("Publish every assessment.")[:2] == ["085510c7f30778ae", "c06d806ee47bcc1f"]


def test_bands_ignore_what_normalisation_ignores() -> None:
    assert campaigns.bands(LETTER_EN) == campaigns.bands(LETTER_EN.upper().replace(",", " , "))
    assert campaigns.bands(LETTER_KO) == campaigns.bands(LETTER_KO.replace(" ", "\n"))


def _shared(a: str, b: str) -> int:
    return sum(x == y for x, y in zip(campaigns.bands(a), campaigns.bands(b)))


def test_near_duplicates_share_bands_and_unrelated_texts_do_not() -> None:
    assert _shared(LETTER_EN, LETTER_EN.replace("urge", "ask")) >= 1
    assert _shared(LETTER_KO, LETTER_KO.replace("합니다", "한다")) >= 1
    assert _shared(LETTER_EN, UNRELATED_EN) == 0
    assert _shared(LETTER_KO, UNRELATED_KO) == 0


# ---- diff.words ----------------------------------------------------------------------------------------

def test_words_marks_whole_words_and_keeps_the_spacing() -> None:
    assert diff.words("a b c", "a x c") == [Piece("same", "a "), Piece("removed", "b"), Piece("added", "x"),
                                            Piece("same", " c")]


def test_words_works_by_korean_eojeol_so_a_changed_particle_marks_its_whole_eojeol() -> None:
    pieces = diff.words("공공기관은 평가를 실시하여야 한다.", "공공기관은 평가의 결과를 공개하여야 한다.")
    assert pieces == [
        Piece("same", "공공기관은 "),
        Piece("removed", "평가를"), Piece("added", "평가의"),
        Piece("same", " "),
        Piece("removed", "실시하여야"), Piece("added", "결과를 공개하여야"),
        Piece("same", " 한다."),
    ]


def test_words_reassembles_both_texts_exactly() -> None:
    old = "제2조(영향평가)\n공공기관은  고영향 인공지능을 도입하기 전에\t평가를 실시하여야 한다."
    new = "제2조(영향평가)\n공공기관은 고영향 인공지능을 도입하거나 변경하기 전에\t평가를 실시하고 공개하여야 한다."
    pieces = diff.words(old, new)
    assert "".join(p.text for p in pieces if p.op != "added") == old
    assert "".join(p.text for p in pieces if p.op != "removed") == new
    assert {p.op for p in pieces} == {"same", "added", "removed"}


def test_words_of_missing_texts() -> None:
    assert diff.words(None, "새 조문") == [Piece("added", "새 조문")]
    assert diff.words("옛 조문", None) == [Piece("removed", "옛 조문")]
    assert diff.words("", "") == []
    assert diff.words("같은 글", "같은 글") == [Piece("same", "같은 글")]


# ---- diff.sections -------------------------------------------------------------------------------------

def _s(key: str, position: int, body_ko: str | None, body_en: str | None = None, *,
       heading: tuple[str | None, str | None] = ("목적", "Purpose"), number: str = "제1조") -> SimpleNamespace:
    return SimpleNamespace(key=key, position=position, number=Bilingual(number, number.replace("제", "Art. ")),
                           heading=Bilingual(*heading), body=Bilingual(body_ko, body_en))


def test_sections_pairs_by_key_and_classifies_each() -> None:
    old = [_s("s1", 1, "목적 조문", "Purpose"), _s("s2", 2, "평가를 실시한다.", "Assess."),
           _s("s3", 3, "공개한다.", "Publish.")]
    # s1 same; s2 changed; s3 removed; s4 added. Keys, not positions, pair them: s2 moved up.
    new = [_s("s2", 1, "평가를 미리 실시한다.", "Assess."), _s("s1", 2, "목적 조문", "Purpose"),
           _s("s4", 3, "신설 조문", "New article")]
    result = diff.sections(old, new)
    assert sorted((d.key, d.change) for d in result) == [
        ("s1", "same"), ("s2", "changed"), ("s3", "removed"), ("s4", "added")]
    by_key = {d.key: d for d in result}
    assert by_key["s2"].old is old[1] and by_key["s2"].new is new[0]
    assert by_key["s3"].new is None and by_key["s4"].old is None
    assert by_key["s2"].pieces["ko"]["body"] == [
        Piece("same", "평가를 "), Piece("added", "미리 "), Piece("same", "실시한다.")]
    assert by_key["s2"].pieces["en"]["body"] == [Piece("same", "Assess.")]
    assert by_key["s4"].pieces["en"]["body"] == [Piece("added", "New article")]
    assert by_key["s3"].pieces["ko"]["body"] == [Piece("removed", "공개한다.")]


def test_sections_keep_the_later_order_with_removed_ones_where_they_stood() -> None:
    old = [_s("s1", 1, "가"), _s("s2", 2, "나"), _s("s3", 3, "다"), _s("s4", 4, "라")]
    new = [_s("s1", 1, "가"), _s("s3", 3, "다"), _s("s5", 5, "마")]
    assert [(d.key, d.change) for d in diff.sections(old, new)] == [
        ("s1", "same"), ("s2", "removed"), ("s3", "same"), ("s4", "removed"), ("s5", "added")]


def test_every_section_appears_exactly_once_even_when_reordered() -> None:
    old = [_s("s1", 1, "가"), _s("s2", 2, "나"), _s("s3", 3, "다")]
    new = [_s("s3", 1, "다"), _s("s9", 2, "새"), _s("s1", 3, "가")]
    keys = [d.key for d in diff.sections(old, new)]
    assert sorted(keys) == ["s1", "s2", "s3", "s9"]
    # the later version's own order is kept
    assert [k for k in keys if k != "s2"] == ["s3", "s9", "s1"]


@pytest.mark.parametrize("part", ["number", "heading", "body"])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_change_in_any_part_or_language_makes_a_section_changed(part: str, lang: str) -> None:
    old = _s("s1", 1, "본문", "Body")
    new = _s("s1", 1, "본문", "Body")
    value = getattr(new, part)
    setattr(new, part, Bilingual(**{**value.as_dict(), lang: (getattr(value, lang) or "") + " 수정"}))
    (d,) = diff.sections([old], [new])
    assert d.change == "changed"
    assert any(p.op == "added" for p in d.pieces[lang][part])
    other = "en" if lang == "ko" else "ko"
    assert all(p.op == "same" for p in d.pieces[other][part])


def test_a_language_added_later_is_a_change_and_an_untranslated_side_is_empty() -> None:
    old, new = _s("s1", 1, "본문", None), _s("s1", 1, "본문", "Body")
    (d,) = diff.sections([old], [new])
    assert d.change == "changed"
    assert d.pieces["en"]["body"] == [Piece("added", "Body")]
    (same,) = diff.sections([old], [_s("s1", 1, "본문", None)])
    assert same.change == "same" and same.pieces["en"]["body"] == []


def test_sections_of_empty_versions() -> None:
    assert diff.sections([], []) == []
    assert [d.change for d in diff.sections([], [_s("s1", 1, "가")])] == ["added"]
    assert [d.change for d in diff.sections([_s("s1", 1, "가")], [])] == ["removed"]
