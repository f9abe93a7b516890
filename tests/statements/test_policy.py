"""Every actor × every joint-statement policy function × every statement state, against a table written
out by hand (the statement part of tests/test_policy.py, which checks that together the tables have a
column for every policy function).

Pure transient objects: the policy functions read only what they are given, so no database is needed.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from consult import policy
from consult.accounts.models import Person
from consult.consultations import models as _consultations  # noqa: F401 - Statement.consultation maps to it
from consult.orgs.models import Organization, OrgKind, Role, VerificationStatus
from consult.policy import ANONYMOUS, Actor
from consult.statements.models import Signature, Statement, Status

NOW = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)

DRAFTING, CO_DRAFTING, OTHER_CSO, PENDING_CSO, GOVERNMENT = 1, 2, 3, 4, 5
DRAFTERS = frozenset({DRAFTING, CO_DRAFTING})
SIGNING_PERSON = 10  # the verified person, who signed the statements below as an individual


def _person(pid: int, *, verified: bool = True, platform_admin: bool = False, erased: bool = False) -> Person:
    return Person(id=pid, email=None if erased else f"p{pid}@example.org", display_name=None if erased else "김하늘",
                  email_verified_at=NOW - 30 * DAY if verified else None, is_platform_admin=platform_admin,
                  erased_at=NOW - DAY if erased else None, locale="ko", session_nonce="n")


def _org(oid: int, kind: OrgKind, status: VerificationStatus) -> Organization:
    return Organization(id=oid, slug=f"org-{oid}", kind=kind, status=status)


def _statement(sid: int, *, opened: datetime | None, deadline: datetime | None = NOW + 10 * DAY,
               closed: datetime | None = None, individuals: bool = True) -> Statement:
    return Statement(id=sid, owner_org_id=DRAFTING, opened_at=opened, signing_deadline=deadline, closed_at=closed,
                     allows_individuals=individuals, current_version=1, signature_count=0)


def _signature(sid: int, s: Statement, *, org_id: int | None, person_id: int) -> Signature:
    signer = f"org:{org_id}" if org_id else f"person:{person_id}"
    return Signature(id=sid, statement_id=s.id, signer=signer, organization_id=org_id, person_id=person_id,
                     version=1, first_version=1, signed_at=NOW - DAY)


def _world() -> SimpleNamespace:
    orgs = {
        "drafting": _org(DRAFTING, OrgKind.CIVIL_SOCIETY, VerificationStatus.VERIFIED),
        "co-drafting": _org(CO_DRAFTING, OrgKind.ACADEMIA, VerificationStatus.VERIFIED),
        "other cso": _org(OTHER_CSO, OrgKind.CIVIL_SOCIETY, VerificationStatus.VERIFIED),
        "pending cso": _org(PENDING_CSO, OrgKind.CIVIL_SOCIETY, VerificationStatus.PENDING),
        "government": _org(GOVERNMENT, OrgKind.GOVERNMENT, VerificationStatus.VERIFIED),
    }
    o = orgs
    actors = {
        "anonymous": ANONYMOUS,
        "verified person": Actor(_person(SIGNING_PERSON)),
        "unverified person": Actor(_person(11, verified=False)),
        "admin of drafting org": Actor(_person(12), o["drafting"], Role.ADMIN),
        "editor of drafting org": Actor(_person(13), o["drafting"], Role.EDITOR),
        "admin of co-drafting org": Actor(_person(14), o["co-drafting"], Role.ADMIN),
        "editor of co-drafting org": Actor(_person(15), o["co-drafting"], Role.EDITOR),
        "admin of other CSO": Actor(_person(16), o["other cso"], Role.ADMIN),
        "editor of other CSO": Actor(_person(17), o["other cso"], Role.EDITOR),
        "admin of pending CSO": Actor(_person(18), o["pending cso"], Role.ADMIN),
        "official (admin of a ministry)": Actor(_person(19), o["government"], Role.ADMIN),
        "platform admin": Actor(_person(20, platform_admin=True)),
        "erased person": Actor(_person(21, erased=True)),
        # a stale actor: an erased person still carrying the drafting organisation's membership acts as nobody
        "erased admin of drafting org": Actor(_person(22, erased=True), o["drafting"], Role.ADMIN),
    }
    statements = {
        "draft": _statement(100, opened=None),
        "open": _statement(101, opened=NOW - DAY),
        "orgs only": _statement(102, opened=NOW - DAY, individuals=False),
        "no deadline": _statement(103, opened=NOW - DAY, deadline=None),
        "closed early": _statement(104, opened=NOW - 5 * DAY, closed=NOW - DAY),
        "past deadline": _statement(105, opened=NOW - 20 * DAY, deadline=NOW - DAY),
    }
    s = statements
    signatures = {
        # the other CSO's signature (given by its admin) and the verified person's, on an open statement …
        "org, open": (_signature(500, s["open"], org_id=OTHER_CSO, person_id=16), s["open"]),
        "person, open": (_signature(501, s["open"], org_id=None, person_id=SIGNING_PERSON), s["open"]),
        # … and on one whose signing has ended
        "org, closed": (_signature(502, s["closed early"], org_id=OTHER_CSO, person_id=16), s["closed early"]),
        "person, past deadline": (_signature(503, s["past deadline"], org_id=None, person_id=SIGNING_PERSON),
                                  s["past deadline"]),
    }
    return SimpleNamespace(orgs=orgs, actors=actors, statements=statements, signatures=signatures)


def test_the_world_is_in_the_states_it_claims() -> None:
    s = _world().statements
    assert {name: x.status_at(NOW) for name, x in s.items()} == {
        "draft": Status.DRAFT, "open": Status.OPEN, "orgs only": Status.OPEN, "no deadline": Status.OPEN,
        "closed early": Status.CLOSED, "past deadline": Status.CLOSED}


def _call(world: SimpleNamespace, actor_name: str, column: str) -> bool:
    """`fn`, `fn:statement`, or `can_change_signature:signature`; `drafters` is always DRAFTERS."""
    name, _, target = column.partition(":")
    fn = getattr(policy, name)
    actor = world.actors[actor_name]
    if name == "can_draft_statement":
        return fn(actor)
    if name in ("is_drafter", "can_see_signing_members"):
        return fn(actor, DRAFTERS)
    if name == "can_change_signature":
        sig, s = world.signatures[target]
        return fn(actor, sig, s, now=NOW)
    s = world.statements[target]
    if name == "can_view_statement":
        return fn(actor, s, DRAFTERS)
    if name == "can_sign":
        return fn(actor, s, now=NOW)
    return fn(actor, s, DRAFTERS, now=NOW)


ACTORS = list(_world().actors)
T, F = True, False
# one row per column; the values are in ACTORS order:
#    anonymous, verified person, unverified person, drafting admin, drafting editor, co-drafting admin,
#    co-drafting editor, other CSO admin, other CSO editor, admin of pending CSO, official, platform admin,
#    erased person, erased admin of drafting org
EXPECTED: dict[str, list[bool]] = {
    #                                           anon vp  up   dA   dE   cA   cE   oA   oE   pA   gov  pa   ep   eDA
    "can_draft_statement":                      [F,  F,  F,   T,   T,   T,   T,   T,   T,   F,   F,   F,   F,   F],
    "is_drafter":                               [F,  F,  F,   T,   T,   T,   T,   F,   F,   F,   F,   F,   F,   F],
    "can_see_signing_members":                  [F,  F,  F,   T,   T,   T,   T,   F,   F,   F,   F,   F,   F,   F],
    "can_view_statement:draft":                 [F,  F,  F,   T,   T,   T,   T,   F,   F,   F,   F,   F,   F,   F],
    "can_view_statement:open":                  [T,  T,  T,   T,   T,   T,   T,   T,   T,   T,   T,   T,   T,   T],
    "can_view_statement:past deadline":         [T,  T,  T,   T,   T,   T,   T,   T,   T,   T,   T,   T,   T,   T],
    "can_edit_statement:draft":                 [F,  F,  F,   T,   T,   T,   T,   F,   F,   F,   F,   F,   F,   F],
    "can_edit_statement:open":                  [F,  F,  F,   T,   T,   T,   T,   F,   F,   F,   F,   F,   F,   F],
    "can_edit_statement:closed early":          [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_edit_statement:past deadline":         [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    # whether the statement is in a state to be opened, published, closed or submitted is the action's check
    "can_release_statement:draft":              [F,  F,  F,   T,   F,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_release_statement:open":               [F,  F,  F,   T,   F,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_release_statement:past deadline":      [F,  F,  F,   T,   F,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_sign:draft":                           [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_sign:open":                            [F,  T,  F,   T,   F,   T,   F,   T,   F,   F,   T,   T,   F,   F],
    "can_sign:no deadline":                     [F,  T,  F,   T,   F,   T,   F,   T,   F,   F,   T,   T,   F,   F],
    "can_sign:orgs only":                       [F,  F,  F,   T,   F,   T,   F,   T,   F,   F,   T,   F,   F,   F],
    "can_sign:closed early":                    [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_sign:past deadline":                   [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_change_signature:org, open":           [F,  F,  F,   F,   F,   F,   F,   T,   F,   F,   F,   F,   F,   F],
    "can_change_signature:person, open":        [F,  T,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_change_signature:org, closed":         [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_change_signature:person, past deadline": [F, F, F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
}
COLUMNS = list(EXPECTED)

CELLS = [(actor, column, row[i]) for column, row in EXPECTED.items() for i, actor in enumerate(ACTORS)]


def test_the_table_is_complete() -> None:
    assert len(ACTORS) == 14
    for column, row in EXPECTED.items():
        assert len(row) == len(ACTORS), column
        assert callable(getattr(policy, column.partition(":")[0])), column


@pytest.mark.parametrize(("actor", "column", "expected"), CELLS, ids=[f"{a} | {c}" for a, c, _ in CELLS])
def test_cell(actor: str, column: str, expected: bool) -> None:
    assert _call(_world(), actor, column) is expected


# ---- the clock decides, to the second ---------------------------------------------------------------

def test_signing_ends_at_the_deadline_or_at_an_early_close_whichever_comes_first() -> None:
    w = _world()
    s, cso = w.statements["open"], w.actors["admin of other CSO"]
    sig, _ = w.signatures["org, open"]
    second = timedelta(seconds=1)
    deadline = s.signing_deadline
    assert policy.can_sign(cso, s, now=deadline - second)
    assert policy.can_change_signature(cso, sig, s, now=deadline - second)
    assert not policy.can_sign(cso, s, now=deadline)
    assert not policy.can_change_signature(cso, sig, s, now=deadline)
    s.closed_at = NOW + DAY  # closed before the deadline
    assert s.closes_at == NOW + DAY
    assert policy.can_sign(cso, s, now=NOW + DAY - second) and not policy.can_sign(cso, s, now=NOW + DAY)
    assert policy.can_edit_statement(w.actors["editor of drafting org"], s, DRAFTERS, now=NOW + DAY - second)
    assert not policy.can_edit_statement(w.actors["editor of drafting org"], s, DRAFTERS, now=NOW + DAY)


def test_a_revoked_organisation_neither_drafts_nor_signs_but_still_changes_its_signature() -> None:
    w = _world()
    admin, s = w.actors["admin of drafting org"], w.statements["open"]
    other, (sig, _) = w.actors["admin of other CSO"], w.signatures["org, open"]
    w.orgs["drafting"].status = VerificationStatus.REVOKED
    w.orgs["other cso"].status = VerificationStatus.REVOKED
    assert not policy.is_drafter(admin, DRAFTERS)
    assert not policy.can_release_statement(admin, s, DRAFTERS, now=NOW)
    assert not policy.can_view_statement(admin, w.statements["draft"], DRAFTERS)
    assert not policy.can_sign(admin, s, now=NOW)
    # what it signed before the revocation it may still withdraw (or re-confirm): the rule asks for an
    # admin of the signing organisation, not for a verified one
    assert policy.can_change_signature(other, sig, s, now=NOW)


def test_an_organisation_signature_is_not_the_signing_admins_own() -> None:
    """The admin who signed for an organisation cannot withdraw it as an individual, nor can another
    person change an individual's signature by acting for an organisation."""
    w = _world()
    (org_sig, s), (person_sig, _) = w.signatures["org, open"], w.signatures["person, open"]
    signing_admin = w.actors["admin of other CSO"].person
    assert not policy.can_change_signature(Actor(signing_admin), org_sig, s, now=NOW)
    signing_person = w.actors["verified person"].person
    assert not policy.can_change_signature(Actor(signing_person, w.orgs["other cso"], Role.ADMIN), person_sig, s,
                                           now=NOW)
