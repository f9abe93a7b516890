"""Every actor × every AI register policy function, against a table written out by hand (the register
part of tests/test_policy.py, which checks that together the tables have a column for every policy
function). Pure transient objects: no database."""
from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from consult import policy
from consult.accounts.models import Person
from consult.consultations import models as _consultations  # noqa: F401 - Flag.outcome maps to it
from consult.orgs.models import Organization, OrgKind, Role, VerificationStatus
from consult.policy import ANONYMOUS, Actor
from consult.register.models import Flag, FlagKind, RegisterEntry

NOW = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)
BODY, OTHER_BODY, PENDING_BODY, CSO, PENDING_CSO, ACADEMIA = 1, 2, 3, 4, 5, 6


def _person(pid: int, *, platform_admin: bool = False, erased: bool = False) -> Person:
    return Person(id=pid, email=None if erased else f"p{pid}@example.org", display_name=None if erased else "김하늘",
                  email_verified_at=NOW, is_platform_admin=platform_admin, erased_at=NOW if erased else None,
                  locale="ko", session_nonce="n")


def _org(oid: int, kind: OrgKind, status: VerificationStatus = VerificationStatus.VERIFIED) -> Organization:
    return Organization(id=oid, slug=f"org-{oid}", kind=kind, status=status)


def _world() -> SimpleNamespace:
    o = {"body": _org(BODY, OrgKind.GOVERNMENT), "other body": _org(OTHER_BODY, OrgKind.GOVERNMENT),
         "pending body": _org(PENDING_BODY, OrgKind.GOVERNMENT, VerificationStatus.PENDING),
         "cso": _org(CSO, OrgKind.CIVIL_SOCIETY), "pending cso": _org(PENDING_CSO, OrgKind.CIVIL_SOCIETY,
                                                                      VerificationStatus.PENDING),
         "academia": _org(ACADEMIA, OrgKind.ACADEMIA)}
    actors = {
        "anonymous": ANONYMOUS,
        "verified person": Actor(_person(10)),
        "admin of the body": Actor(_person(11), o["body"], Role.ADMIN),
        "editor of the body": Actor(_person(12), o["body"], Role.EDITOR),
        "admin of another body": Actor(_person(13), o["other body"], Role.ADMIN),
        "admin of a pending body": Actor(_person(14), o["pending body"], Role.ADMIN),
        "admin of a CSO": Actor(_person(15), o["cso"], Role.ADMIN),
        "editor of a CSO": Actor(_person(16), o["cso"], Role.EDITOR),
        "admin of a pending CSO": Actor(_person(17), o["pending cso"], Role.ADMIN),
        "editor of a research institute": Actor(_person(18), o["academia"], Role.EDITOR),
        "platform admin": Actor(_person(19, platform_admin=True)),
        "erased admin of the body": Actor(_person(20, erased=True), o["body"], Role.ADMIN),
    }
    entry = RegisterEntry(id=100, organization_id=BODY)
    flags = {"entry": Flag(id=200, body_org_id=BODY, entry_id=100, organization_id=CSO,
                           kind=FlagKind.MISSING_INFORMATION),
             "unregistered": Flag(id=201, body_org_id=BODY, entry_id=None, organization_id=CSO,
                                  kind=FlagKind.UNREGISTERED_SYSTEM)}
    return SimpleNamespace(actors=actors, entry=entry, flags=flags)


def _call(world: SimpleNamespace, actor_name: str, column: str) -> bool:
    name, _, target = column.partition(":")
    fn, actor = getattr(policy, name), world.actors[actor_name]
    if name == "can_edit_entry":
        return fn(actor, world.entry)
    if name == "can_answer_flag":
        return fn(actor, world.flags[target])
    return fn(actor)


ACTORS = list(_world().actors)
T, F = True, False
# values in ACTORS order: anonymous, verified person, body admin, body editor, other body admin, pending body
# admin, CSO admin, CSO editor, pending CSO admin, research editor, platform admin, erased body admin
EXPECTED: dict[str, list[bool]] = {
    #                                    anon vp   bA   bE   oB   pB   cA   cE   pC   rE   pa   eB
    "can_register_system":              [F,   F,   T,   T,   T,   F,   F,   F,   F,   F,   F,   F],
    "can_edit_entry":                   [F,   F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_flag":                         [F,   F,   F,   F,   F,   F,   T,   T,   F,   T,   F,   F],
    "can_answer_flag:entry":            [F,   F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_answer_flag:unregistered":     [F,   F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
}
COLUMNS = list(EXPECTED)
CELLS = [(actor, column, row[i]) for column, row in EXPECTED.items() for i, actor in enumerate(ACTORS)]


def test_the_table_is_complete() -> None:
    assert len(ACTORS) == 12
    for column, row in EXPECTED.items():
        assert len(row) == len(ACTORS), column


@pytest.mark.parametrize(("actor", "column", "expected"), CELLS, ids=[f"{a} | {c}" for a, c, _ in CELLS])
def test_cell(actor: str, column: str, expected: bool) -> None:
    assert _call(_world(), actor, column) is expected


def test_a_revoked_body_neither_registers_nor_edits_nor_answers() -> None:
    w = _world()
    admin = w.actors["admin of the body"]
    admin.org.status = VerificationStatus.REVOKED
    assert not policy.can_register_system(admin)
    assert not policy.can_edit_entry(admin, w.entry)
    assert not policy.can_answer_flag(admin, w.flags["entry"])
