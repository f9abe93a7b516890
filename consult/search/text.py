"""Words, index terms, the query language and highlighted snippets — pure functions, shared by both
database backends so that SQLite and PostgreSQL find exactly the same documents.

Korean is written in words (어절) that carry their particles at the END: 인공지능의, 영향평가를, 규제를. So:

- a document's words are runs of one script (Hangul | digits | other letters): "AI기본법" is "ai" + "기본법";
- every word is an index term, and every Hangul word of 4+ syllables also gives its suffixes of 3+ syllables
  as terms marked with `SUFFIX` ("인권영향평가를" → "s권영향평가를", "s영향평가를", "s향평가를", "s평가를"),
  so a prefix query on the marked suffixes is a substring query: "영향평가" is found inside 인권영향평가를;
- a query word of 2 syllables matches word prefixes (규제 → 규제를, 규제하는), one of 3+ any substring of a word,
  and a common particle stripped from the end gives one more alternative, never the only one
  (인공지능의 → 인공지능의… | 인공지능…);
- Latin words of 3+ letters match word prefixes (regulat → regulation); shorter words and numbers, whole
  words only (AI, 3).

A query is an AND of words, each an OR of (term, prefix?) alternatives; the backends render it as an FTS5
expression or a tsquery with every term quoted, so no user character is ever syntax.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

SUFFIX = "s"  # marks suffix terms; a real word never mixes Latin and Hangul (words split at scripts)
MAX_WORD = 30  # characters of a word that are indexed (longer words are cut: no runaway suffixes)
MAX_QUERY = 200  # characters of a query
MAX_WORDS = 10  # words of a query that count

_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff"
_WORDS = re.compile(rf"[{_HANGUL}]+|\d+|[^\W\d_{_HANGUL}]+")
_IS_HANGUL = re.compile(rf"[{_HANGUL}]")

# particles (조사) that end Korean words, longest first so 에서는 goes before 는
PARTICLES = tuple(sorted((
    "의", "을", "를", "이", "가", "은", "는", "에", "에서", "으로", "로", "와", "과", "도", "만", "에게",
    "까지", "부터", "께서", "한테", "처럼", "보다", "이나", "나", "이란", "란", "이라는", "라는", "에서는",
    "에서도", "에는", "에도", "으로는", "로는", "으로서", "로서", "으로써", "로써", "에게는", "과의", "와의",
    "이며", "며", "이다", "에의", "만의", "마다", "조차", "밖에", "같이",
), key=len, reverse=True))


def normalise(text: str) -> str:
    """NFKC (Hangul typed as separate jamo becomes syllables; full-width letters become ASCII), case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> list[str]:
    """The words of text: runs of one script, normalised, each cut to MAX_WORD characters."""
    return [w[:MAX_WORD] for w in _WORDS.findall(normalise(text))]


def is_hangul(word: str) -> bool:
    return bool(_IS_HANGUL.match(word))


def index_terms(*texts: str | None) -> str:
    """The space-separated index terms of a document: each distinct word, and the marked suffixes of
    Hangul words of 4+ syllables (3+ syllables each)."""
    terms: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for w in words(text):
            terms[w] = None
            if len(w) >= 4 and is_hangul(w):
                for i in range(1, len(w) - 2):
                    terms[SUFFIX + w[i:]] = None
    return " ".join(terms)


def strip_particle(word: str) -> str | None:
    """The word without a common particle at its end, if one is there and two syllables remain."""
    for p in PARTICLES:
        if word.endswith(p) and len(word) - len(p) >= 2:
            return word[: -len(p)]
    return None


@dataclass(frozen=True)
class Alternative:
    term: str
    prefix: bool


@dataclass(frozen=True)
class Word:
    """One query word: the document must have a term matching one of the alternatives."""

    text: str  # as the visitor typed it, normalised
    alternatives: tuple[Alternative, ...]
    forms: tuple[str, ...]  # the strings a snippet highlights


class QueryTooLong(ValueError):
    pass


def _alternatives(form: str) -> list[Alternative]:
    if is_hangul(form):
        if len(form) >= 3:  # a substring of a word: a prefix of the word or of one of its suffixes
            return [Alternative(form, True), Alternative(SUFFIX + form, True)]
        return [Alternative(form, len(form) == 2)]
    if form.isdigit() or len(form) < 3:
        return [Alternative(form, False)]
    return [Alternative(form, True)]


def parse(q: str | None) -> list[Word]:
    """The words of a query (at most MAX_WORDS, duplicates dropped). Raises QueryTooLong above MAX_QUERY
    characters. An empty list means there is nothing to search for."""
    q = " ".join((q or "").split())
    if len(q) > MAX_QUERY:
        raise QueryTooLong(q)
    out: list[Word] = []
    seen: set[str] = set()
    for w in words(q):
        if w in seen:
            continue
        seen.add(w)
        forms = [w]
        if is_hangul(w) and (stem := strip_particle(w)):
            forms.append(stem)
        alternatives: dict[Alternative, None] = {}
        for form in forms:
            alternatives.update(dict.fromkeys(_alternatives(form)))
        out.append(Word(w, tuple(alternatives), tuple(forms)))
        if len(out) == MAX_WORDS:
            break
    return out


def minimal(word: Word) -> tuple[Alternative, ...]:
    """The word's alternatives without those another one already covers (`인공지능의*` and `s인공지능의*` are
    inside `인공지능*` and `s인공지능*`): the same matches, fewer and shorter terms for the engine."""
    def covered(a: Alternative) -> bool:
        return any(b != a and b.prefix and a.term.startswith(b.term) for b in word.alternatives)
    return tuple(a for a in word.alternatives if not covered(a))


def fts5_expression(query: list[Word], prefix_max: int | None = None) -> str:
    """The query as an SQLite FTS5 expression: every term a quoted string ("" inside), so `*`, `:`,
    `^`, NEAR, AND, OR, NOT and parentheses typed by a visitor stay text. With `prefix_max`, a prefix term
    longer than that is cut to its first `prefix_max` characters (a superset: the caller filters further,
    see backends.SQLite)."""
    def quoted(a: Alternative) -> str:
        term = a.term[:prefix_max] if a.prefix and prefix_max else a.term
        return '"' + term.replace('"', '""') + '"' + ("*" if a.prefix else "")
    return " AND ".join("(" + " OR ".join(dict.fromkeys(quoted(a) for a in minimal(w))) + ")" for w in query)


def tsquery_text(query: list[Word]) -> str:
    """The query as PostgreSQL tsquery input: every lexeme single-quoted (`'` doubled, `\\` escaped), so
    `& | ! ( ) : * < >` typed by a visitor stay text; `:*` only where we ask for a prefix."""
    def quoted(a: Alternative) -> str:
        return "'" + a.term.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if a.prefix else "")
    return " & ".join("(" + " | ".join(quoted(a) for a in minimal(w)) + ")" for w in query)


# ---- snippets ------------------------------------------------------------------------------------

SNIPPET = 180  # characters around the first match


def _class(form: str) -> str:
    """The character class of the form's script, to find where a word starts or ends."""
    if is_hangul(form):
        return f"[{_HANGUL}]"
    if form.isdigit():
        return r"\d"
    return rf"[^\W\d_{_HANGUL}]"


def _pattern(query: list[Word]) -> re.Pattern[str] | None:
    """What a snippet marks: the same rule as the index (substring, word prefix or whole word)."""
    parts = []
    for w in query:
        for form in sorted(w.forms, key=len, reverse=True):
            body, cls = re.escape(form), _class(form)
            kind = _alternatives(form)
            if len(kind) == 2:
                parts.append(body)
            elif kind[0].prefix:
                parts.append(rf"(?<!{cls}){body}")
            else:
                parts.append(rf"(?<!{cls}){body}(?!{cls})")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def snippet(text: str | None, query: list[Word], size: int = SNIPPET) -> Markup | None:
    """A window of plain `text` around its first match, HTML-escaped, matches wrapped in <mark>; the
    text's start when nothing matches; None for no text."""
    if not text:
        return None
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    pattern = _pattern(query)
    first = pattern.search(text) if pattern else None
    start = 0 if first is None else max(0, first.start() - size // 3)
    if start:  # start at a word boundary
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first.start() else start  # type: ignore[union-attr]
    window = text[start:start + size]
    out = [Markup("… ") if start else Markup("")]
    pos = 0
    for m in pattern.finditer(window) if pattern else ():
        out.append(escape(window[pos:m.start()]))
        out.append(Markup("<mark>") + escape(m.group()) + Markup("</mark>"))
        pos = m.end()
    out.append(escape(window[pos:]))
    if start + size < len(text):
        out.append(Markup(" …"))
    return Markup("").join(out)


def matches(text: str | None, query: list[Word]) -> bool:
    pattern = _pattern(query)
    return bool(text and pattern and pattern.search(unicodedata.normalize("NFKC", text)))


_MARKDOWN = re.compile(r"[*_`>#]+|\[([^\]]*)\]\([^)]*\)|^\s*[-+]\s+", re.MULTILINE)


def plain(markdown: str | None) -> str | None:
    """Readable plain text of our Markdown subset (emphasis, quotes, list marks and link targets dropped)."""
    if markdown is None:
        return None
    return _MARKDOWN.sub(lambda m: m.group(1) or " ", markdown)
