"""Each list endpoint of the API runs a fixed number of SQL statements per page, however many rows
exist (STYLE §9): measured with a few rows, then with many."""
from __future__ import annotations

from consult.extensions import db

from ..factories import (bulk_comments, bulk_participation, bulk_signatures, commenter,
                         make_consultation, make_entry, make_official, make_org, make_statement)


def _count(client, count_queries, url):  # type: ignore[no-untyped-def]
    assert client.get(url).status_code == 200
    db.session.expire_all()
    with count_queries() as n:
        r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    return n()


def test_consultation_lists_are_flat(client, app, count_queries):
    official = make_official()
    c = make_consultation(official, allows_individuals=True)
    bulk_comments(c, 2, [commenter()], official=official)  # one with a disposition: its loads run too
    pages = [f"/api/v1/consultations/{c.id}/{p}" for p in ("comments", "invitations", "requests", "meetings", "versions")]
    pages += ["/api/v1/consultations", "/api/v1/events", "/api/v1/organizations"]
    bulk_participation(c, official, invitations=3, requests=2, meetings=1, orgs_per_meeting=2)
    few = {url: _count(client, count_queries, url) for url in pages}
    bulk_comments(c, 300, [commenter(), commenter()], official=official)
    bulk_participation(c, official, invitations=300, requests=120, meetings=60, orgs_per_meeting=20)
    for _ in range(12):
        make_consultation(official)
    many = {url: _count(client, count_queries, url) for url in pages}
    assert many == few
    assert max(few.values()) <= 8, few


def test_statement_and_register_lists_are_flat(client, app, count_queries):
    s = make_statement()
    official = make_official()
    make_entry(official)
    pages = [f"/api/v1/statements/{s.id}/signatories", "/api/v1/statements", "/api/v1/register"]
    few = {url: _count(client, count_queries, url) for url in pages}
    bulk_signatures(s, 400, orgs=[make_org() for _ in range(5)])
    for _ in range(8):
        make_statement()
        make_entry(official)
    many = {url: _count(client, count_queries, url) for url in pages}
    assert many == few
    assert max(few.values()) <= 6, few
