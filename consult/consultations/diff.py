"""What changed between two versions: sections paired by their stable key, words highlighted.

Words are runs of non-space characters (Korean 어절 included), so a changed particle marks its whole
어절 — how Korean readers compare article texts. Whitespace is kept with the words so the text reads
as written. The result is data; templates mark it up with <ins>/<del>.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    op: str  # "same", "added", "removed"
    text: str


@dataclass
class SectionDiff:
    key: str
    change: str  # "same", "changed", "added", "removed"
    old: Any | None  # Section of the earlier version
    new: Any | None  # Section of the later version
    pieces: dict[str, dict[str, list[Piece]]] = field(default_factory=dict)  # lang → part → pieces


def words(old: str | None, new: str | None) -> list[Piece]:
    """A word-level diff of two texts as a list of same/added/removed pieces."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return pieces


PARTS = ("number", "heading", "body")


def _text(section: Any, part: str, lang: str) -> str:
    return getattr(getattr(section, part), lang) or "" if section is not None else ""


def sections(old_sections: list[Any], new_sections: list[Any]) -> list[SectionDiff]:
    """Pair sections by key, in the later version's order (removed ones where they stood)."""
    old_by_key = {s.key: s for s in old_sections}
    new_keys = {s.key for s in new_sections}
    result: list[SectionDiff] = []
    pending_removed = [s for s in old_sections if s.key not in new_keys]
    for s in new_sections:
        while pending_removed and pending_removed[0].position < old_by_key.get(s.key, s).position:
            gone = pending_removed.pop(0)
            result.append(_pair(gone.key, gone, None))
        result.append(_pair(s.key, old_by_key.get(s.key), s))
    for gone in pending_removed:
        result.append(_pair(gone.key, gone, None))
    return result


def _pair(key: str, old: Any | None, new: Any | None) -> SectionDiff:
    if old is None:
        change = "added"
    elif new is None:
        change = "removed"
    elif all(_text(old, p, lang) == _text(new, p, lang) for p in PARTS for lang in ("ko", "en")):
        change = "same"
    else:
        change = "changed"
    d = SectionDiff(key, change, old, new)
    for lang in ("ko", "en"):
        d.pieces[lang] = {p: words(_text(old, p, lang), _text(new, p, lang)) for p in PARTS}
    return d
