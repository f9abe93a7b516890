"""Fixtures for the consultations tests: an official, consultations in each state, a commenter, and
`refused`, which proves that a refused action changed nothing at all."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import pytest

from consult.extensions import utcnow
from tests.factories import commenter, make_consultation, make_official
from tests.web.support import db_state


@pytest.fixture
def refused(app):  # type: ignore[no-untyped-def]
    """with refused(Invalid, "field"): action(…) — the action raises (Invalid at that field, or Denied)
    and every row of every table, the record included, is as it was before."""
    @contextmanager
    def _refused(exception: type[Exception], field: str | None = None) -> Iterator[Any]:
        before = db_state()
        with pytest.raises(exception) as info:
            yield info
        if field is not None:
            assert info.value.field == field, info.value  # type: ignore[attr-defined]
        assert db_state() == before, "a refused action changed the database"
    return _refused


@pytest.fixture
def official(app):  # type: ignore[no-untyped-def]
    """The admin of a verified ministry: an official who owns the consultations below."""
    return make_official()


@pytest.fixture
def consultation(official):  # type: ignore[no-untyped-def]
    """Published, open since five days, closing in 25 days, three sections, mode open."""
    return make_consultation(official)


@pytest.fixture
def cso(app):  # type: ignore[no-untyped-def]
    """The admin of a verified civil-society organisation."""
    return commenter()


@pytest.fixture
def now(app):  # type: ignore[no-untyped-def]
    return utcnow()
