"""The public log page: keyset pages that add up to the whole record, filters, and bad parameters."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from consult import record
from consult.extensions import atomic, db, utcnow
from consult.orgs.models import Role
from consult.pagination import encode_cursor
from consult.policy import Actor
from consult.record import Event, EventType

from ..factories import make_org, make_person
from .support import page_text, shows


@atomic
def _updates(orgs, total: int) -> None:
    """Top the record up to `total` events with profile updates by the organisations' admins."""
    now = utcnow()
    for n in range(total - record.size()):
        org, admin = orgs[n % len(orgs)]
        record.append(EventType.ORGANIZATION_UPDATED, actor=Actor(admin, org, Role.ADMIN), subject=org,
                      payload={"changed": ["description"], "n": n}, now=now)


@pytest.fixture
def busy_record(app):
    first, second = make_person(), make_person()
    orgs = [(make_org(admin=first), first), (make_org(admin=second, name_en="Second Group"), second)]
    _updates(orgs, 120)
    return [o for o, _ in orgs]


def _seqs(body: str, lang: str = "en") -> list[int]:
    return [int(n) for n in re.findall(rf'<th scope="row"><a href="/{lang}/log/(\d+)">', body)]


def _walk(client, url: str) -> tuple[list[int], int]:
    """Follow the "more" links from url; every seq seen, and how many pages it took."""
    seen, pages = [], 0
    while url:
        r = client.get(url)
        assert r.status_code == 200
        body = page_text(r)
        seen += _seqs(body, url[1:3])
        pages += 1
        more = re.search(r'<p class="more">\s*<a[^>]* href="([^"]+)"', body)
        url = html.unescape(more.group(1)) if more else None
        assert pages < 20
    return seen, pages


def test_pages_follow_the_cursor_through_the_whole_record(client, busy_record):
    assert record.size() == 120
    seen, pages = _walk(client, "/en/log")
    assert seen == list(range(119, -1, -1))  # newest first, no duplicate, nothing missing
    assert pages == 3  # 50 + 50 + 20


def test_korean_pages_walk_the_same_record(client, busy_record):
    seen, _ = _walk(client, "/ko/log")
    assert seen == list(range(119, -1, -1))


def test_filter_by_type(client, busy_record):
    wanted = set(db.session.scalars(select(Event.seq).where(Event.event_type == EventType.ORGANIZATION_UPDATED)))
    seen, _ = _walk(client, "/en/log?type=organization.updated")
    assert seen == sorted(wanted, reverse=True) and len(seen) > 50
    body = page_text(client.get("/en/log?type=organization.verified"))
    verified = set(db.session.scalars(select(Event.seq).where(Event.event_type == EventType.ORGANIZATION_VERIFIED)))
    assert set(_seqs(body)) == verified and len(verified) == 2
    assert shows(body, "Organisation verified")


def test_filter_by_organisation(client, busy_record):
    org = busy_record[1]
    wanted = set(db.session.scalars(select(Event.seq).where(Event.actor_org_id == org.id)))
    seen, _ = _walk(client, f"/en/log?org={org.slug}")
    assert seen == sorted(wanted, reverse=True) and len(seen) > 50
    both, _ = _walk(client, f"/en/log?org={org.slug}&type=organization.created")
    assert len(both) == 1


def test_the_partial_for_htmx(client, busy_record):
    r = client.get("/en/log?type=organization.updated", headers={"HX-Request": "true", "HX-Target": "log-results"})
    body = page_text(r)
    assert r.status_code == 200 and body.lstrip().startswith('<div id="log-results"') and "<html" not in body
    assert "HX-Request" in r.headers.get("Vary", "")


def test_an_empty_filter_says_so(client, busy_record):
    r = client.get("/en/log?type=account.erased")
    assert r.status_code == 200 and shows(r, "No entries match.")


@pytest.mark.parametrize("query", [
    "type=organization.deleted", "type=%3Cscript%3E", "before=%21%21%21", "before=" + encode_cursor(["ten"]),
    "before=" + encode_cursor([1, 2]), "before=" + encode_cursor([True]), "before=" + encode_cursor([2**64]),
    "before=" + encode_cursor([-2**70]), "before=bm90IGpzb24",
])
def test_bad_parameters_are_400(client, query):
    make_org()
    for lang in ("en", "ko"):
        r = client.get(f"/{lang}/log?{query}")
        assert r.status_code == 400, query
        assert f'<html lang="{lang}">' in page_text(r)


def test_an_unknown_organisation_filter_is_404(client, busy_record):
    assert client.get("/en/log?org=no-such-org").status_code == 404


def test_single_entries(client, busy_record):
    r = client.get("/en/log/0")
    assert r.status_code == 200 and shows(r, "Account registered")
    for seq in (120, 99999, 2**63 - 1, 2**63, 10**30):
        assert client.get(f"/en/log/{seq}").status_code == 404, seq
