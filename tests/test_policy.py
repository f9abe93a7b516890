"""Every role × every policy function, against a table written out by hand.

Changing any rule in consult/policy.py breaks at least one cell here; adding a policy function
without adding its column (here, in tests/consultations/test_policy.py for consultation rules, in
tests/statements/test_policy.py for joint-statement rules, or in tests/register/test_policy.py for the AI
register) breaks test_every_policy_function_has_a_column.
"""
from __future__ import annotations

import inspect
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from consult import policy
from consult.accounts.models import Person
from consult.orgs.models import Membership, Organization, OrgKind, Role, VerificationStatus
from consult.policy import ANONYMOUS, Actor

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _person(pid: int, *, verified: bool = True, platform_admin: bool = False, erased: bool = False) -> Person:
    return Person(id=pid, email=None if erased else f"p{pid}@example.org", display_name=None if erased else "김하늘",
                  email_verified_at=NOW if verified else None, is_platform_admin=platform_admin,
                  erased_at=NOW if erased else None, locale="ko", session_nonce="n")


def _org(oid: int, status: VerificationStatus) -> Organization:
    return Organization(id=oid, slug=f"org-{oid}", kind=OrgKind.CIVIL_SOCIETY, status=status)


def _world() -> SimpleNamespace:
    """Transient objects: the policy functions are pure, so no database is needed."""
    orgs = {"verified": _org(1, VerificationStatus.VERIFIED), "pending": _org(2, VerificationStatus.PENDING),
            "rejected": _org(3, VerificationStatus.REJECTED), "revoked": _org(4, VerificationStatus.REVOKED)}
    v, p = orgs["verified"], orgs["pending"]
    actors = {
        "anonymous": ANONYMOUS,
        "unverified person": Actor(_person(10, verified=False)),
        "verified person": Actor(_person(11)),
        "editor of verified org": Actor(_person(12), v, Role.EDITOR),
        "admin of verified org": Actor(_person(13), v, Role.ADMIN),
        "admin of pending org": Actor(_person(14), p, Role.ADMIN),
        "platform admin": Actor(_person(15, platform_admin=True)),
        "platform admin, admin of the org": Actor(_person(16, platform_admin=True), v, Role.ADMIN),
        "erased person": Actor(_person(17, erased=True)),
        # stale actors: an erased person still carrying a role or the admin flag acts as nobody
        "erased admin of verified org": Actor(_person(18, erased=True), v, Role.ADMIN),
        "erased platform admin": Actor(_person(19, platform_admin=True, erased=True)),
    }
    someone_else = _person(99)
    return SimpleNamespace(orgs=orgs, actors=actors, someone_else=someone_else)


def _call(world: SimpleNamespace, actor_name: str, column: str) -> bool:
    name, _, target = column.partition(":")
    fn = getattr(policy, name)
    actor = world.actors[actor_name]
    if name == "can_manage_account":
        person = actor.person if target == "self" and actor.person is not None else world.someone_else
        return fn(actor, person)
    if target:
        return fn(actor, world.orgs[target])
    return fn(actor)


COLUMNS = [
    "can_register", "can_manage_account:self", "can_manage_account:other", "can_create_organization",
    "can_view_organization:verified", "can_view_organization:pending", "can_view_organization:rejected",
    "can_view_organization:revoked",
    "is_member:verified", "is_member:pending", "is_org_admin:verified", "is_org_admin:pending",
    "can_edit_organization:verified", "can_edit_organization:pending",
    "can_manage_members:verified", "can_manage_members:pending",
    "can_act_for:verified", "can_act_for:pending",
    "can_view_members:verified", "can_view_members:pending",
    "can_review_organizations",
    "can_decide_verification:verified", "can_decide_verification:pending",
    "can_decide_verification:rejected", "can_decide_verification:revoked",
]

T, F = True, False
# one row per actor, in COLUMNS order
EXPECTED: dict[str, list[bool]] = {
    #                          reg  self oth  crt  vV   vP   vR   vX   mV   mP   aV   aP   eV   eP   mmV  mmP  actV actP vmV  vmP  rev  dV   dP   dR   dX
    "anonymous":              [T,   F,   F,   F,   T,   F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "unverified person":      [F,   T,   F,   F,   T,   F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "verified person":        [F,   T,   F,   T,   T,   F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "editor of verified org": [F,   T,   F,   T,   T,   F,   T,   T,   T,   F,   F,   F,   F,   F,   F,   F,   T,   F,   T,   F,   F,   F,   F,   F,   F],
    "admin of verified org":  [F,   T,   F,   T,   T,   F,   T,   T,   T,   F,   T,   F,   T,   F,   T,   F,   T,   F,   T,   F,   F,   F,   F,   F,   F],
    "admin of pending org":   [F,   T,   F,   T,   T,   T,   T,   T,   F,   T,   F,   T,   F,   T,   F,   T,   F,   F,   F,   T,   F,   F,   F,   F,   F],
    "platform admin":         [F,   T,   F,   T,   T,   T,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   T,   T,   T,   T,   T,   T,   T],
    "platform admin, admin of the org":
                              [F,   T,   F,   T,   T,   T,   T,   T,   T,   F,   T,   F,   T,   F,   T,   F,   T,   F,   T,   T,   T,   F,   T,   T,   T],
    "erased person":          [F,   F,   F,   F,   T,   F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "erased admin of verified org":
                              [F,   F,   F,   F,   T,   F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "erased platform admin":  [F,   F,   F,   F,   T,   F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
}

CELLS = [(actor, column, row[i]) for actor, row in EXPECTED.items() for i, column in enumerate(COLUMNS)]


def test_the_table_is_complete() -> None:
    assert set(EXPECTED) == set(_world().actors)
    for actor, row in EXPECTED.items():
        assert len(row) == len(COLUMNS), actor


def test_every_policy_function_has_a_column() -> None:
    """Each public policy function has a column here or in the consultations' or statements' table (and no
    column names a function that does not exist)."""
    from tests.consultations.test_policy import COLUMNS as CONSULTATION_COLUMNS
    from tests.register.test_policy import COLUMNS as REGISTER_COLUMNS
    from tests.statements.test_policy import COLUMNS as STATEMENT_COLUMNS
    functions = {name for name, fn in inspect.getmembers(policy, inspect.isfunction)
                 if fn.__module__ == policy.__name__ and not name.startswith("_") and name != "actor_for"}
    covered = {c.partition(":")[0] for c in [*COLUMNS, *CONSULTATION_COLUMNS, *STATEMENT_COLUMNS, *REGISTER_COLUMNS]}
    assert functions == covered


@pytest.mark.parametrize(("actor", "column", "expected"), CELLS,
                         ids=[f"{a} | {c}" for a, c, _ in CELLS])
def test_cell(actor: str, column: str, expected: bool) -> None:
    assert _call(_world(), actor, column) is expected


# ---- actor_for: how views turn a person and a membership into an Actor ----------------------------

def _membership(person: Person, org: Organization, role: Role) -> Membership:
    return Membership(id=500, person_id=person.id, organization_id=org.id, role=role)


def test_actor_for_nobody_is_anonymous() -> None:
    w = _world()
    assert policy.actor_for(None, w.orgs["verified"]) is ANONYMOUS
    visitor = SimpleNamespace(is_authenticated=False)  # flask-login's AnonymousUserMixin
    assert policy.actor_for(visitor) is ANONYMOUS  # type: ignore[arg-type]


def test_actor_for_a_member_carries_the_role() -> None:
    w = _world()
    person, org = _person(40), w.orgs["verified"]
    actor = policy.actor_for(person, org, _membership(person, org, Role.EDITOR))
    assert (actor.person, actor.org, actor.role) == (person, org, Role.EDITOR)


def test_actor_for_ignores_a_membership_of_another_person_or_organisation() -> None:
    w = _world()
    person, other = _person(41), _person(42)
    org, elsewhere = w.orgs["verified"], w.orgs["pending"]
    assert policy.actor_for(person, org, _membership(other, org, Role.ADMIN)) == Actor(person)
    assert policy.actor_for(person, org, _membership(person, elsewhere, Role.ADMIN)) == Actor(person)
    assert policy.actor_for(person, org, None) == Actor(person)
