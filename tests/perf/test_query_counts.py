"""The number of SQL statements a page runs does not grow with the data (STYLE §9).

Each test measures a page with a little data, adds a lot (60 organisations, 300 events, 30 members),
measures again, and asserts both counts are equal and small.
"""
from __future__ import annotations

from consult import record
from consult.extensions import atomic, db, utcnow
from consult.i18n import Bilingual
from consult.orgs import actions as org_actions
from consult.orgs.models import OrgKind, Role
from consult.policy import Actor
from consult.record import EventType

from ..factories import make_org, make_person
from ..web.support import client_for, site_admin

KINDS = list(OrgKind)


def _many_orgs(n: int, *, verified: bool, prefix: str = "Group") -> list:
    """n organisations of every kind, registered by one busy founder (fast: one account)."""
    founder = make_person()
    admin = Actor(site_admin())
    orgs = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        org = org_actions.create_organization(Actor(founder), org_actions.OrgInput(
            name=Bilingual(f"{prefix} 단체 {i:03d}", f"{prefix} {i:03d}" if i % 3 else None), short_name=Bilingual(None, None),
            kind=kind, subkind=org_actions.GovSubkind.AGENCY if kind == OrgKind.GOVERNMENT else None,
            website=None, description=Bilingual("소개", "About")), now=utcnow())
        if verified:
            org_actions.decide_verification(admin, org, "verify", Bilingual("확인", "Checked"), now=utcnow(),
                                            notify=False)
        orgs.append(org)
    return orgs


@atomic
def _events_up_to(total: int, orgs: list, people: list) -> None:
    now = utcnow()
    n = 0
    while record.size() < total:
        org, person = orgs[n % len(orgs)], people[n % len(people)]
        record.append(EventType.ORGANIZATION_UPDATED, actor=Actor(person, org, Role.ADMIN), subject=org,
                      payload={"changed": ["description"]}, now=now)
        n += 1


def _measure(c, url, count_queries) -> int:
    assert c.get(url).status_code == 200  # warm-up: templates compiled, session cookie set
    # the test shares the app's session: expire what it holds, so that every object a page touches
    # costs SQL as in a fresh request, and an N+1 shows up in the count instead of hiding in the map
    db.session.expire_all()
    with count_queries() as n:
        r = c.get(url)
    assert r.status_code == 200
    return n()


def test_directory(client, count_queries):
    make_org()
    few = _measure(client, "/ko/organizations/", count_queries)
    _many_orgs(60, verified=True)
    many = _measure(client, "/ko/organizations/", count_queries)
    assert client.get("/ko/organizations/?kind=government").status_code == 200
    assert many == few <= 3, (few, many)


def test_log(client, count_queries):
    make_org()
    few = _measure(client, "/ko/log", count_queries)
    orgs = _many_orgs(30, verified=True)
    people = [make_person() for _ in range(5)]
    for org, person in zip(orgs, people, strict=False):  # the first five organisations
        org_actions.add_member_directly(org, person, Role.ADMIN, Bilingual(None, None), now=utcnow())
    _events_up_to(300, orgs, people)
    many = _measure(client, "/ko/log", count_queries)
    assert many == few <= 7, (few, many)


def test_home(client, count_queries):
    make_org()
    few = _measure(client, "/ko/", count_queries)
    _many_orgs(40, verified=True)
    many = _measure(client, "/ko/", count_queries)
    assert many == few <= 8, (few, many)


def test_organisation_page(app, client, count_queries):
    """As a visitor, a platform admin and a member (who also see the member list)."""
    admin = make_person()
    org = make_org(admin=admin, name_en="Measured Group")
    viewers = {"anonymous": client, "platform admin": client_for(app, site_admin()), "member": client_for(app, admin)}
    url = f"/en/organizations/{org.slug}"
    few = {name: _measure(c, url, count_queries) for name, c in viewers.items()}
    for _ in range(30):
        org_actions.add_member_directly(org, make_person(), Role.EDITOR, Bilingual("간사", "Officer"), now=utcnow())
    _many_orgs(60, verified=True)
    _events_up_to(300, [org], [admin])
    many = {name: _measure(c, url, count_queries) for name, c in viewers.items()}
    # the timeline (진행 경과) adds a fixed 5: its events, their organisations, person keys, people, officials
    assert many == few and max(few.values()) <= 12, (few, many)


def test_members_page(app, count_queries):
    admin = make_person()
    org = make_org(admin=admin)
    c = client_for(app, admin)
    url = f"/en/organizations/{org.slug}/members"
    few = _measure(c, url, count_queries)
    for _ in range(30):
        org_actions.add_member_directly(org, make_person(), Role.EDITOR, Bilingual(None, None), now=utcnow())
    for n in range(10):
        org_actions.invite_member(Actor(admin, org, Role.ADMIN), org, f"invitee{n}@example.org", Role.EDITOR,
                                  lang="ko", now=utcnow())
    many = _measure(c, url, count_queries)
    assert many == few <= 6, (few, many)


def test_verification_queue(app, count_queries):
    c = client_for(app, site_admin())
    make_org(verified=False)
    few = _measure(c, "/ko/admin/organizations", count_queries)
    _many_orgs(60, verified=False)
    _many_orgs(10, verified=True, prefix="Verified")
    many = _measure(c, "/ko/admin/organizations", count_queries)
    assert many == few <= 4, (few, many)


def test_account_page(app, count_queries):
    person = make_person()
    c = client_for(app, person)
    make_org(admin=person)
    few = _measure(c, "/ko/account", count_queries)
    for _ in range(12):
        make_org(admin=person)
    many = _measure(c, "/ko/account", count_queries)
    assert many == few <= 3, (few, many)


# ---- consultations ------------------------------------------------------------------------------

def _consultation_pages(count_queries, client, c, comments: int, authors, official) -> dict[str, int]:
    from ..factories import bulk_comments
    bulk_comments(c, comments, authors, official=official, campaign_every=2)
    urls = {"list": "/ko/consultations/", "list-open": "/en/consultations/?status=open",
            "page": f"/ko/consultations/{c.id}", "section": f"/en/consultations/{c.id}?on=s2",
            "report": f"/ko/consultations/{c.id}/report", "home": "/ko/"}
    return {name: _measure(client, url, count_queries) for name, url in urls.items()}


def test_consultation_pages_do_not_grow_with_comments(app, count_queries):
    """10 comments, then 2,000: the list, the consultation page and the report run the same SQL."""
    from ..factories import commenter, make_consultation, make_official
    official = make_official()
    c = make_consultation(official)
    authors = [commenter() for _ in range(4)]
    client = app.test_client()
    few = _consultation_pages(count_queries, client, c, 10, authors, official)
    many = _consultation_pages(count_queries, client, c, 1990, authors, official)
    assert many == few, (few, many)
    assert max(few.values()) <= 22, few  # 22: the consultation page lists the AI register entries about its system
