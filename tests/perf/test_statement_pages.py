"""A statement's pages run the same SQL with 10 signatures and with 5,000 (STYLE §9, SPEC §5).

The statement is at version 2, signed by organisations of several kinds and by individuals (some not
named, some withdrawn, some still on version 1). Measured: the statement page sorted by date and by name,
as a visitor, as a drafter (who also sees who signed for each organisation and the drafters' buttons)
and as an individual signatory (their own signature and its buttons); the signatory list alone as htmx
asks for it; the list of statements; and the print page and exports, which stream every signature.
"""
from __future__ import annotations

import html
import re
from datetime import timedelta

from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.orgs.models import OrgKind
from consult.policy import Actor
from consult.statements import actions
from consult.statements.models import Group, Signature

from ..factories import bulk_signatures, commenter, make_org, make_person, make_statement, statement_input
from ..web.support import client_for

HTMX_LIST = {"HX-Request": "true", "HX-Target": "signatories"}


def _measure(c, url: str, count_queries, headers: dict[str, str] | None = None) -> int:  # type: ignore[no-untyped-def]
    assert c.get(url, headers=headers).status_code == 200  # warm-up: templates compiled, session cookie set
    # the test shares the app's session: expire what it holds, so that every object a page touches costs
    # SQL as in a fresh request, and an N+1 shows up in the count instead of hiding in the identity map
    db.session.expire_all()
    with count_queries() as n:
        r = c.get(url, headers=headers)
    assert r.status_code == 200, url
    return n()


def _pages(count_queries, viewers: dict, sid: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    show = f"/statements/{sid}"
    counts = {}
    for who, c in viewers.items():
        counts[f"{who} page"] = _measure(c, f"/ko{show}", count_queries)
        counts[f"{who} page by name"] = _measure(c, f"/en{show}?sort=name", count_queries)
    anonymous = viewers["anonymous"]
    counts["htmx list by date"] = _measure(anonymous, f"/ko{show}", count_queries, HTMX_LIST)
    counts["htmx list by name"] = _measure(anonymous, f"/en{show}?sort=name", count_queries, HTMX_LIST)
    counts["version 1"] = _measure(anonymous, f"/ko{show}/versions/1", count_queries)
    counts["list"] = _measure(anonymous, "/ko/statements/", count_queries)
    counts["list, open"] = _measure(anonymous, "/en/statements/?status=open", count_queries)
    counts["drafter's list"] = _measure(viewers["drafter"], "/ko/statements/", count_queries)
    counts["print"] = _measure(anonymous, f"/ko{show}/print", count_queries)
    counts["csv"] = _measure(anonymous, f"/ko{show}/signatories.csv", count_queries)
    counts["json"] = _measure(anonymous, f"/ko{show}/signatories.json", count_queries)
    return counts


def test_statement_pages_do_not_grow_with_signatures(app, client, count_queries):
    drafter = commenter()
    signer = Actor(make_person(name="박은하"))  # an individual who signs version 1 and logs in
    s = make_statement(drafter, co_drafters=(commenter(OrgKind.ACADEMIA),))
    now = utcnow()
    actions.sign(drafter, s, now=now)
    actions.sign(signer, s, now=now)
    actions.sign(commenter(OrgKind.LABOUR), s, now=now)
    actions.revise(drafter, s, statement_input(body=Bilingual("30일 안에 평가 결과를 공개할 것을 요구합니다.",
                                                              "We call for the results within 30 days."),
                                               change_note=Bilingual("기한 추가", "Added a deadline")).text,
                   now=now + timedelta(seconds=1))
    # other statements for the list: a draft of the drafter's, one published and closed
    make_statement(drafter, opened=False)
    other = commenter()
    done = make_statement(other)
    actions.publish_statement(other, done, now=now)
    actions.close_statement(other, done, now=now)
    orgs = [make_org(kind=kind) for kind in (OrgKind.CIVIL_SOCIETY, OrgKind.INDUSTRY, OrgKind.INTERNATIONAL,
                                             OrgKind.OTHER, OrgKind.ACADEMIA)]
    viewers = {"anonymous": client, "drafter": client_for(app, drafter.person),
               "signatory": client_for(app, signer.person)}

    bulk_signatures(s, 7, orgs=orgs[:2], withdrawn_every=3)
    assert db.session.scalar(db.select(db.func.count()).select_from(Signature)
                             .where(Signature.statement_id == s.id)) == 10
    few = _pages(count_queries, viewers, s.id)

    bulk_signatures(s, 4990, orgs=orgs[2:], withdrawn_every=11)
    groups = set(db.session.scalars(db.select(Signature.list_group).where(Signature.statement_id == s.id)))
    assert {Group.CIVIL_SOCIETY, Group.LABOUR, Group.INDIVIDUAL, Group.UNNAMED, Group.WITHDRAWN} <= groups
    assert db.session.scalar(db.select(db.func.count()).select_from(Signature)
                             .where(Signature.statement_id == s.id)) == 5000
    many = _pages(count_queries, viewers, s.id)

    assert many == few, {k: (few[k], many[k]) for k in few if few[k] != many[k]}
    # a page: statement, co-drafters, versions, counts, one page of the list, submissions, the timeline's
    # 4–5, the viewer's memberships and signatures; htmx asks for the list only; exports stream in one
    assert max(few.values()) <= 15 and few["htmx list by date"] <= 6 and few["csv"] <= 3, few

    # a later page of the list (keyset: ?after=…) costs what the first does, as a page and as htmx asks
    for lang, sort in (("ko", "date"), ("en", "name")):
        first = client.get(f"/{lang}/statements/{s.id}?sort={sort}").get_data(as_text=True)
        link = re.search(r'<p class="more">\s*<a [^>]*href="([^"]+)"', first)
        assert link, "no link to the next page of signatories"
        later = html.unescape(link.group(1))
        assert "after=" in later and f"sort={sort}" in later, later
        assert _measure(client, later, count_queries) == few["anonymous page"]
        assert _measure(client, later, count_queries, HTMX_LIST) == few["htmx list by date"]

