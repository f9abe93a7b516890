"""The read API where clients meet it: filters, paging through everything, conditional GETs, CORS, JSON
errors, and what it shows of people, drafts and withdrawn or hidden content (as the pages do)."""
from __future__ import annotations

import json

import pytest

from consult.extensions import db

from ..factories import bulk_comments, commenter, make_consultation, make_official

API = "/api/v1"


def get(client, url, **kw):  # type: ignore[no-untyped-def]
    r = client.get(url, **kw)
    return r, (json.loads(r.get_data(as_text=True)) if r.get_data() else None)


def test_drafts_are_neither_listed_nor_served(client, world):
    r, body = get(client, f"{API}/consultations?limit=200")
    ids = {c["id"] for c in body["data"]}
    assert world.open in ids and world.invited in ids and world.draft not in ids
    for url in (f"/consultations/{world.draft}", f"/consultations/{world.draft}/comments",
                f"/statements/{world.draft_statement}", f"/statements/{world.draft_statement}/signatories"):
        r, body = get(client, API + url)
        assert r.status_code == 404 and body["error"]["code"] == "not_found"
    _, body = get(client, f"{API}/statements")
    assert [s["id"] for s in body["data"]] == [world.statement]


def test_comments_show_people_and_tombstones_as_the_pages_do(client, world):
    _, body = get(client, f"{API}/consultations/{world.open}/comments?limit=200")
    by_id = {m["id"]: m for m in body["data"]}
    assert by_id[world.named]["author"] == {"kind": "individual", "organization": None,
                                            "name": {"ko": "김공개", "en": by_id[world.named]["author"]["name"]["en"]}}
    assert by_id[world.unnamed]["author"]["name"] is None
    assert "이비공개" not in json.dumps(body, ensure_ascii=False)
    assert by_id[world.withdrawn]["status"] == "withdrawn" and by_id[world.withdrawn]["body"] is None
    assert by_id[world.withdrawn]["withdrawal_reason"]["ko"] == "중복 제출"
    hidden = by_id[world.hidden]
    assert hidden["body"] is None and hidden["body_html"] is None and hidden["hidden_reason"]["en"] == "Abuse"
    disposed = by_id[world.org_comment]
    assert disposed["disposition"]["outcome"] == "partially_accepted"
    assert disposed["disposition"]["decided_by"] is not None  # officials act in public
    assert disposed["author"]["organization"]["slug"]


def test_no_email_address_anywhere(client, world):
    text = ""
    for url in ("/consultations", f"/consultations/{world.invited}/invitations", f"/consultations/{world.invited}/requests",
                f"/consultations/{world.open}/comments", f"/statements/{world.statement}/signatories", "/organizations",
                "/events?limit=200"):
        text += client.get(API + url).get_data(as_text=True)
    assert "@example.org" not in text


def test_invitations_by_email_show_the_name_given(client, world):
    _, body = get(client, f"{API}/consultations/{world.invited}/invitations")
    by_email = [i for i in body["data"] if i["organization"] is None]
    assert by_email and by_email[0]["invited_name"] == {"ko": "새 단체", "en": "New group"}


def test_unnamed_signatories_are_counted_not_listed(client, world):
    _, body = get(client, f"{API}/statements/{world.statement}/signatories")
    assert len(body["data"]) == 2 and all(s["name"] for s in body["data"])
    assert "이비공개" not in json.dumps(body, ensure_ascii=False)
    _, statement = get(client, f"{API}/statements/{world.statement}")
    assert statement["signature_counts"]["unnamed"] == 1 and statement["signature_count"] == 3


def test_paging_reaches_every_comment(client, app):
    official = make_official()
    c = make_consultation(official)
    bulk_comments(c, 237, [commenter()], official=official)
    seen, url, pages = [], f"{API}/consultations/{c.id}/comments?limit=50", 0
    while url:
        r, body = get(client, url.replace("http://localhost", ""))
        assert r.status_code == 200
        seen += [m["id"] for m in body["data"]]
        url, pages = body["next"], pages + 1
        if url:
            assert r.headers["Link"] == f'<{url}>; rel="next"'
    assert len(seen) == len(set(seen)) == 237 and pages == 5


@pytest.mark.parametrize("query", ["limit=201", "limit=0", "limit=x", "limit=99999999999999999999", "cursor=%%%",
                                   "cursor=WzFd", "status=draft", "status=nope", "owner=nobody", "colour=blue",
                                   "status=open&status=closed"])
def test_bad_parameters_are_a_json_400(client, world, query):
    r, body = get(client, f"{API}/consultations?{query}")
    assert r.status_code == 400 and r.mimetype == "application/json"
    assert body["error"]["code"] == "bad_request" and body["error"]["message"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_unknown_ids_and_addresses_are_a_json_404(client, world):
    for url in ("/consultations/99999", "/consultations/2147483648", f"/consultations/{world.open}/comments/99999",
                f"/consultations/{world.invited}/comments/{world.org_comment}", "/organizations/no-such-org",
                "/register/99999", "/nothing-here"):
        r, body = get(client, API + url)
        assert r.status_code == 404 and body["error"]["code"] == "not_found", url


def test_a_pending_organisation_is_not_public(client, world):
    assert client.get(f"{API}/organizations/{world.pending_slug}").status_code == 404
    assert client.get(f"{API}/organizations/{world.org_slug}").status_code == 200


def test_writes_are_refused_in_json(client, world):
    r = client.post(f"{API}/consultations", csrf=False)
    assert r.status_code == 405 and r.json["error"]["code"] == "method_not_allowed"


def test_conditional_get_and_cors(client, world):
    url = f"{API}/consultations/{world.open}/comments/{world.org_comment}"
    r = client.get(url)
    etag, modified = r.headers["ETag"], r.headers["Last-Modified"]
    assert not etag.startswith("W/") and r.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in r.headers["Access-Control-Expose-Headers"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    preflight = client.options(url, headers={"Origin": "https://example.net", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in preflight.headers


def test_a_changed_list_has_a_new_etag(client, world):
    url = f"{API}/consultations/{world.open}/comments"
    etag = client.get(url).headers["ETag"]
    from ..factories import make_comment
    make_comment(db.session.get(__import__("consult.consultations.models", fromlist=["Consultation"]).Consultation,
                                world.open), commenter())
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_filters_match_the_pages(client, world):
    _, body = get(client, f"{API}/consultations?status=open")
    assert {c["status"] for c in body["data"]} == {"open"}
    _, body = get(client, f"{API}/consultations/{world.open}/comments?section=s2")
    assert [m["id"] for m in body["data"]] == [world.org_comment]
    _, body = get(client, f"{API}/consultations/{world.open}/comments?undisposed=true")
    assert world.org_comment not in {m["id"] for m in body["data"]} and world.named in {m["id"] for m in body["data"]}
    _, body = get(client, f"{API}/register?status=pilot&personal_data=true")
    assert [e["id"] for e in body["data"]] == [world.entry]
    _, body = get(client, f"{API}/register?status=retired")
    assert body["data"] == []
    _, body = get(client, f"{API}/events?consultation={world.invited}&limit=200")
    assert body["data"] and all(e["scope"] == {"type": "consultation", "id": world.invited} for e in body["data"])
    _, body = get(client, f"{API}/organizations?kind=government")
    assert body["data"] and {o["kind"] for o in body["data"]} == {"government"}


def test_openapi_document_and_reference_pages(client, world):
    r, doc = get(client, f"{API}/openapi.json")
    assert doc["openapi"].startswith("3.1") and "/consultations/{consultation_id}/comments" in doc["paths"]
    for lang in ("ko", "en"):
        page = client.get(f"/{lang}/api").get_data(as_text=True)
        assert "/api/v1/consultations/{consultation_id}/comments" in page and "limit" in page
        assert "<script>" not in page and "style=" not in page
