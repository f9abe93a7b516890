"""Fixtures for the joint-statement tests: a drafting CSO admin, a draft and an opened statement, signers
of every kind, and `refused` (from the consultations' tests), which proves that a refused action changed
nothing at all — every row of every table, the record included."""
from __future__ import annotations

import pytest

from consult.extensions import utcnow
from consult.orgs.models import OrgKind, Role
from consult.policy import Actor
from tests.consultations.conftest import refused  # noqa: F401 - a fixture, shared rather than copied
from tests.factories import commenter, make_person, make_statement


@pytest.fixture
def now(app):  # type: ignore[no-untyped-def]
    return utcnow()


@pytest.fixture
def drafter(app):  # type: ignore[no-untyped-def]
    """The admin of a verified civil-society organisation, who drafts the statements below."""
    return commenter()


@pytest.fixture
def co_drafter(app):  # type: ignore[no-untyped-def]
    """The admin of a verified research institute that co-drafts `statement`."""
    return commenter(OrgKind.ACADEMIA)


@pytest.fixture
def draft(drafter):  # type: ignore[no-untyped-def]
    """A draft by `drafter`, deadline in 10 days, individuals allowed; private to its drafters."""
    return make_statement(drafter, opened=False)


@pytest.fixture
def statement(drafter, co_drafter):  # type: ignore[no-untyped-def]
    """Opened for signature a day ago by `drafter` with `co_drafter`; closes in 10 days; individuals allowed;
    no signatures yet."""
    return make_statement(drafter, co_drafters=(co_drafter,))


@pytest.fixture
def signer(app):  # type: ignore[no-untyped-def]
    """The admin of another verified civil-society organisation (not a drafter)."""
    return commenter()


@pytest.fixture
def individual(app):  # type: ignore[no-untyped-def]
    """A person with a verified email address who consented to publishing their name, acting as themself;
    they read Gongnon in English (their mail comes in English)."""
    return Actor(make_person(name="박은하", locale="en"))


@pytest.fixture
def editor(drafter):  # type: ignore[no-untyped-def]
    """An editor of the drafting organisation."""
    from consult.i18n import Bilingual
    from consult.orgs import actions as orgs
    person = make_person()
    orgs.add_member_directly(drafter.org, person, Role.EDITOR, Bilingual("활동가", "Campaigner"), now=utcnow())
    return Actor(person, drafter.org, Role.EDITOR)
