"""Keyset pagination: a page of rows plus an opaque cursor for the next one (never OFFSET)."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Sequence, TypeVar

from flask import abort

T = TypeVar("T")


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, types: Sequence[type]) -> list[Any] | None:
    """The values of a cursor if it is well-formed and of the expected types, else None."""
    if not cursor or len(cursor) > 400:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(types):
        return None
    for value, kind in zip(values, types, strict=True):
        if not isinstance(value, kind) or isinstance(value, bool):
            return None
        if isinstance(value, int) and not -2**63 <= value < 2**63:  # would overflow the database's BIGINT
            return None
    return values


def read_cursor(cursor: str | None, types: Sequence[type]) -> list[Any] | None:
    """The values of a cursor from the query string (None when absent). A malformed one is the client's
    error (400), not a silent jump back to the first page."""
    if not cursor:
        return None
    values = decode_cursor(cursor, types)
    if values is None:
        abort(400)
    return values


def read_moment_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """A (moment, id) cursor from the query string — lists sorted by a time then an id. A malformed one,
    or a moment without its time zone, is the client's error (400)."""
    values = read_cursor(cursor, (str, int))
    if values is None:
        return None
    try:
        moment = datetime.fromisoformat(values[0])
    except ValueError:
        abort(400)
    if moment.tzinfo is None:
        abort(400)
    return moment, values[1]


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None

    @classmethod
    def of(cls, rows: Sequence[T], limit: int, key: Any) -> "Page[T]":
        """Rows fetched with limit + 1: the extra row only tells that another page exists."""
        items = list(rows[:limit])
        more = len(rows) > limit
        return cls(items, encode_cursor(key(items[-1])) if more and items else None)
