"""Every actor × every consultation policy function × every consultation state, against a table written
out by hand (the consultation half of tests/test_policy.py, which checks that together the two tables
have a column for every policy function).

Pure transient objects: the policy functions read only what they are given, so no database is needed.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from consult import policy
from consult.accounts.models import Person
from consult.consultations.models import Comment, CommentStatus, Consultation, Mode, Status
from consult.orgs.models import Organization, OrgKind, Role, VerificationStatus
from consult.policy import ANONYMOUS, Actor

NOW = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)

OWNER, OTHER_GOV, PENDING_GOV, CSO, PENDING_CSO = 1, 2, 3, 4, 5


def _person(pid: int, *, verified: bool = True, platform_admin: bool = False, erased: bool = False) -> Person:
    return Person(id=pid, email=None if erased else f"p{pid}@example.org", display_name=None if erased else "김하늘",
                  email_verified_at=NOW - 30 * DAY if verified else None, is_platform_admin=platform_admin,
                  erased_at=NOW - DAY if erased else None, locale="ko", session_nonce="n")


def _org(oid: int, kind: OrgKind, status: VerificationStatus) -> Organization:
    return Organization(id=oid, slug=f"org-{oid}", kind=kind, status=status)


def _consultation(cid: int, *, published: datetime | None, opens: datetime, closes: datetime,
                  concluded: datetime | None = None, mode: Mode = Mode.OPEN,
                  individuals: bool = False) -> Consultation:
    return Consultation(id=cid, owner_org_id=OWNER, published_at=published, opens_at=opens, closes_at=closes,
                        concluded_at=concluded, mode=mode, allows_individuals=individuals)


def _comment(cid: int, consultation: Consultation, *, org_id: int | None, author_id: int,
             status: CommentStatus = CommentStatus.PUBLISHED) -> Comment:
    return Comment(id=cid, consultation_id=consultation.id, author_org_id=org_id, author_id=author_id,
                   status=status)


def _world() -> SimpleNamespace:
    orgs = {
        "owner": _org(OWNER, OrgKind.GOVERNMENT, VerificationStatus.VERIFIED),
        "other government": _org(OTHER_GOV, OrgKind.GOVERNMENT, VerificationStatus.VERIFIED),
        "pending government": _org(PENDING_GOV, OrgKind.GOVERNMENT, VerificationStatus.PENDING),
        "cso": _org(CSO, OrgKind.CIVIL_SOCIETY, VerificationStatus.VERIFIED),
        "pending cso": _org(PENDING_CSO, OrgKind.CIVIL_SOCIETY, VerificationStatus.PENDING),
    }
    o = orgs
    actors = {
        "anonymous": ANONYMOUS,
        "verified person": Actor(_person(10)),
        "unverified person": Actor(_person(11, verified=False)),
        "official (admin) of owner": Actor(_person(12), o["owner"], Role.ADMIN),
        "official (editor) of owner": Actor(_person(13), o["owner"], Role.EDITOR),
        "official of other government org": Actor(_person(14), o["other government"], Role.ADMIN),
        "admin of pending government org": Actor(_person(15), o["pending government"], Role.ADMIN),
        "admin of verified CSO": Actor(_person(16), o["cso"], Role.ADMIN),
        "editor of verified CSO": Actor(_person(17), o["cso"], Role.EDITOR),
        "admin of pending CSO": Actor(_person(18), o["pending cso"], Role.ADMIN),
        "platform admin": Actor(_person(19, platform_admin=True)),
        "erased person": Actor(_person(20, erased=True)),
        # a stale actor: an erased person still carrying the owner's membership acts as nobody
        "erased official of owner": Actor(_person(21, erased=True), o["owner"], Role.ADMIN),
    }
    consultations = {
        "draft": _consultation(100, published=None, opens=NOW + 2 * DAY, closes=NOW + 32 * DAY),
        "scheduled": _consultation(101, published=NOW - DAY, opens=NOW + 2 * DAY, closes=NOW + 32 * DAY),
        "open": _consultation(102, published=NOW - 6 * DAY, opens=NOW - 5 * DAY, closes=NOW + 25 * DAY),
        "invited": _consultation(103, published=NOW - 6 * DAY, opens=NOW - 5 * DAY, closes=NOW + 25 * DAY,
                                 mode=Mode.INVITED),
        "individuals": _consultation(104, published=NOW - 6 * DAY, opens=NOW - 5 * DAY, closes=NOW + 25 * DAY,
                                     individuals=True),
        "closed": _consultation(105, published=NOW - 41 * DAY, opens=NOW - 40 * DAY, closes=NOW - DAY),
        "concluded": _consultation(106, published=NOW - 61 * DAY, opens=NOW - 60 * DAY, closes=NOW - 20 * DAY,
                                   concluded=NOW - 2 * DAY),
    }
    c = consultations
    cso_admin, verified_person = actors["admin of verified CSO"].person, actors["verified person"].person
    comments = {
        # by the CSO (written by its admin) on the open consultation
        "cso": (_comment(500, c["open"], org_id=CSO, author_id=cso_admin.id), c["open"]),
        # by the verified person as an individual, where individuals are allowed
        "person": (_comment(501, c["individuals"], org_id=None, author_id=verified_person.id), c["individuals"]),
        "cso after deadline": (_comment(502, c["closed"], org_id=CSO, author_id=cso_admin.id), c["closed"]),
        "cso withdrawn": (_comment(503, c["open"], org_id=CSO, author_id=cso_admin.id,
                                   status=CommentStatus.WITHDRAWN), c["open"]),
    }
    return SimpleNamespace(orgs=orgs, actors=actors, consultations=consultations, comments=comments)


def test_the_world_is_in_the_states_it_claims() -> None:
    c = _world().consultations
    assert {name: x.status_at(NOW) for name, x in c.items()} == {
        "draft": Status.DRAFT, "scheduled": Status.SCHEDULED, "open": Status.OPEN, "invited": Status.OPEN,
        "individuals": Status.OPEN, "closed": Status.CLOSED, "concluded": Status.CONCLUDED}


def _call(world: SimpleNamespace, actor_name: str, column: str) -> bool:
    """`fn`, `fn:consultation`, `fn:consultation+participating` or `fn:comment` (for can_edit_comment)."""
    name, _, target = column.partition(":")
    fn = getattr(policy, name)
    actor = world.actors[actor_name]
    if not target:
        return fn(actor)
    if name == "can_edit_comment":
        comment, consultation = world.comments[target]
        return fn(actor, comment, consultation, now=NOW)
    target, _, flag = target.partition("+")
    consultation = world.consultations[target]
    if name in ("can_manage_consultation", "can_view_consultation"):
        return fn(actor, consultation)
    if name == "can_comment":
        return fn(actor, consultation, now=NOW, participating=flag == "participating")
    return fn(actor, consultation, now=NOW)


ACTORS = list(_world().actors)
T, F = True, False
# one row per column; the values are in ACTORS order:
#    anonymous, verified person, unverified person, owner admin, owner editor, other government official,
#    admin of pending government org, CSO admin, CSO editor, admin of pending CSO, platform admin,
#    erased person, erased official of owner
EXPECTED: dict[str, list[bool]] = {
    #                                        anon vp  up   oA   oE   gov  pGov cA   cE   pCso pa   ep   eOff
    "is_official":                           [F,  F,  F,   T,   T,   T,   F,   F,   F,   F,   F,   F,   F],
    "can_create_consultation":               [F,  F,  F,   T,   T,   T,   F,   F,   F,   F,   F,   F,   F],
    "can_manage_consultation:draft":         [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_manage_consultation:concluded":     [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_view_consultation:draft":           [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_view_consultation:scheduled":       [T,  T,  T,   T,   T,   T,   T,   T,   T,   T,   T,   T,   T],
    "can_view_consultation:invited":         [T,  T,  T,   T,   T,   T,   T,   T,   T,   T,   T,   T,   T],
    "can_view_consultation:concluded":       [T,  T,  T,   T,   T,   T,   T,   T,   T,   T,   T,   T,   T],
    "can_invite:draft":                      [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_invite:scheduled":                  [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_invite:invited":                    [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_invite:closed":                     [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_invite:concluded":                  [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_edit_draft:draft":                  [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_edit_draft:scheduled":              [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_edit_draft:open":                   [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_edit_draft:closed":                 [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_edit_draft:concluded":              [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_change_deadline:draft":             [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_change_deadline:scheduled":         [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_change_deadline:open":              [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_change_deadline:closed":            [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_change_deadline:concluded":         [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_comment:draft":                     [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_comment:scheduled":                 [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_comment:scheduled+participating":   [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_comment:open":                      [F,  F,  F,   F,   F,   T,   F,   T,   T,   F,   F,   F,   F],
    "can_comment:invited":                   [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_comment:invited+participating":     [F,  F,  F,   F,   F,   T,   F,   T,   T,   F,   F,   F,   F],
    "can_comment:individuals":               [F,  T,  F,   F,   F,   T,   F,   T,   T,   F,   T,   F,   F],
    "can_comment:closed":                    [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_comment:closed+participating":      [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_comment:concluded":                 [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_edit_comment:cso":                  [F,  F,  F,   F,   F,   F,   F,   T,   T,   F,   F,   F,   F],
    "can_edit_comment:person":               [F,  T,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_edit_comment:cso after deadline":   [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_edit_comment:cso withdrawn":        [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_moderate":                          [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   T,   F,   F],
    "can_decide_disposition:draft":          [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_decide_disposition:scheduled":      [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_decide_disposition:open":           [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_decide_disposition:closed":         [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_decide_disposition:concluded":      [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_conclude:draft":                    [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_conclude:scheduled":                [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_conclude:open":                     [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_conclude:closed":                   [F,  F,  F,   T,   T,   F,   F,   F,   F,   F,   F,   F,   F],
    "can_conclude:concluded":                [F,  F,  F,   F,   F,   F,   F,   F,   F,   F,   F,   F,   F],
}
COLUMNS = list(EXPECTED)

CELLS = [(actor, column, row[i]) for column, row in EXPECTED.items() for i, actor in enumerate(ACTORS)]


def test_the_table_is_complete() -> None:
    assert len(ACTORS) == 13
    for column, row in EXPECTED.items():
        assert len(row) == len(ACTORS), column
        assert callable(getattr(policy, column.partition(":")[0])), column


@pytest.mark.parametrize(("actor", "column", "expected"), CELLS, ids=[f"{a} | {c}" for a, c, _ in CELLS])
def test_cell(actor: str, column: str, expected: bool) -> None:
    assert _call(_world(), actor, column) is expected


# ---- the clock decides, to the second ---------------------------------------------------------------

def test_comments_open_at_opens_at_and_close_at_closes_at() -> None:
    w = _world()
    c, cso = w.consultations["open"], w.actors["admin of verified CSO"]
    second = timedelta(seconds=1)
    assert not policy.can_comment(cso, c, now=c.opens_at - second)
    assert policy.can_comment(cso, c, now=c.opens_at)
    assert policy.can_comment(cso, c, now=c.closes_at - second)
    assert not policy.can_comment(cso, c, now=c.closes_at)
    official = w.actors["official (admin) of owner"]
    assert not policy.can_conclude(official, c, now=c.closes_at - second)
    assert policy.can_conclude(official, c, now=c.closes_at)


def test_a_concluded_consultation_stays_concluded_whatever_the_clock() -> None:
    w = _world()
    c, official = w.consultations["concluded"], w.actors["official (admin) of owner"]
    # even if a deadline were moved past the conclusion, it is concluded: nothing reopens it
    c.closes_at = NOW + 10 * DAY
    assert c.status_at(NOW) is Status.CONCLUDED
    assert not policy.can_comment(w.actors["admin of verified CSO"], c, now=NOW)
    assert not policy.can_change_deadline(official, c, now=NOW)


def test_an_organisation_comment_is_editable_by_its_members_not_by_the_person_who_wrote_it_alone() -> None:
    w = _world()
    comment, c = w.comments["cso"]
    writer = w.actors["admin of verified CSO"].person
    # the admin who wrote it, acting as an individual, does not speak for the organisation
    assert not policy.can_edit_comment(Actor(writer), comment, c, now=NOW)
    # …and a revoked organisation's members can no longer change what it said
    w.orgs["cso"].status = VerificationStatus.REVOKED
    assert not policy.can_edit_comment(w.actors["admin of verified CSO"], comment, c, now=NOW)
