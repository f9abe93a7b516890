"""Fixtures for the AI register tests (write side and read side alike).

- `official`: the admin of a verified government body (ministry), who registers entries;
- `official_editor`: an editor of the same body (officials of either role keep the register);
- `other_official`: the admin of another verified government body;
- `cso`: the admin of a verified civil-society organisation (flags entries);
- `unverified`: the admin of a civil-society organisation whose verification is pending;
- `make_entry(actor, now=None, **overrides)`: registers a complete valid entry of actor.org through
  `actions.register_system` (document from tests.factories.entry_document; overrides replace fields);
- `entry`: one entry registered by `official` two days ago;
- `refused` (from the consultations' tests): proves a refused action changed nothing at all.
"""
from __future__ import annotations

import pytest

from consult.extensions import utcnow
from consult.orgs.models import OrgKind, Role
from consult.policy import Actor
from tests.consultations.conftest import refused  # noqa: F401 - a fixture, shared rather than copied
from tests.factories import commenter, make_entry as _make_entry, make_official, make_org, make_person


@pytest.fixture
def now(app):  # type: ignore[no-untyped-def]
    return utcnow()


@pytest.fixture
def official(app):  # type: ignore[no-untyped-def]
    """The admin of a verified ministry."""
    return make_official()


@pytest.fixture
def official_editor(official):  # type: ignore[no-untyped-def]
    """An editor of the same ministry."""
    return make_official(official.org, Role.EDITOR)


@pytest.fixture
def other_official(app):  # type: ignore[no-untyped-def]
    """The admin of another verified ministry."""
    return make_official()


@pytest.fixture
def cso(app):  # type: ignore[no-untyped-def]
    """The admin of a verified civil-society organisation."""
    return commenter()


@pytest.fixture
def unverified(app):  # type: ignore[no-untyped-def]
    """The admin of a civil-society organisation still awaiting verification."""
    admin = make_person()
    return Actor(admin, make_org(kind=OrgKind.CIVIL_SOCIETY, admin=admin, verified=False), Role.ADMIN)


@pytest.fixture
def make_entry(app):  # type: ignore[no-untyped-def]
    return _make_entry


@pytest.fixture
def entry(official):  # type: ignore[no-untyped-def]
    """An entry of `official`'s body, registered two days ago (revision 1, assessment at planning)."""
    return _make_entry(official)
