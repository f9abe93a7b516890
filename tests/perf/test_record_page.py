"""A consultation's record page runs the same SQL with a little data and with 500 invitations, 100
requests, 10 meetings and 10,000 comments (STYLE §9, SPEC §7); its Atom feed too."""
from __future__ import annotations

from consult.consultations.models import Mode
from consult.extensions import db
from consult.orgs.models import OrgKind

from ..factories import bulk_comments, bulk_participation, commenter, make_consultation, make_official

BOUND = 26  # 26 today: see record.py and queries.record_data (two counts, three GROUP BYs)


def _measure(client, url: str, count_queries) -> int:  # type: ignore[no-untyped-def]
    assert client.get(url).status_code == 200  # warm-up: templates compiled
    # expire what the test's session holds, so that every object the page touches costs SQL as in a fresh
    # request and an N+1 shows up in the count (relationships are raise_on_sql besides)
    db.session.expire_all()
    with count_queries() as n:
        r = client.get(url)
    assert r.status_code == 200, url
    return n()


def test_record_page_and_feed_query_counts_are_flat(client, count_queries):
    official = make_official()
    c = make_consultation(official, mode=Mode.INVITED, opened_days_ago=40, days_open=30,
                          target_groups=[OrgKind.CIVIL_SOCIETY, OrgKind.ACADEMIA, OrgKind.LABOUR])
    authors = [commenter(kind) for kind in (OrgKind.CIVIL_SOCIETY, OrgKind.ACADEMIA, OrgKind.LABOUR)]
    bulk_participation(c, official, invitations=3, requests=2, meetings=1, orgs_per_meeting=2)
    bulk_comments(c, 3, authors, official=official)
    urls = [f"/{lang}/consultations/{c.id}/record{tail}" for lang in ("ko", "en") for tail in ("", ".atom", "?all=1")]
    few = {url: _measure(client, url, count_queries) for url in urls}
    bulk_participation(c, official, invitations=500, requests=100, meetings=10)
    bulk_comments(c, 10_000, authors, official=official)
    many = {url: _measure(client, url, count_queries) for url in urls}
    assert many == few
    assert max(many.values()) <= BOUND, many
    page = client.get(urls[3]).get_data(as_text=True)  # /en/…/record: the first invitations and requests
    assert page.count('id="invitation-') == 100 and page.count('id="request-') == 30
    assert "Show all 503 invitations" in page and "Show all 102 requests" in page
    page = client.get(urls[5]).get_data(as_text=True)  # ?all=1: every one
    assert page.count('id="invitation-') == 503 and page.count('id="request-') == 102
    assert page.count('id="meeting-') == 11
