"""/ko/search and /en/search over HTTP: full page and htmx partial, highlighting from escaped text, links,
and bad input answered with a clear 400 or an empty result — never a 500."""
from __future__ import annotations

import pytest

from consult.consultations import actions as consult
from consult.extensions import utcnow
from tests.factories import commenter, make_comment, make_consultation, make_official

HTMX = {"HX-Request": "true", "HX-Target": "search-results"}


@pytest.fixture
def site(app):  # type: ignore[no-untyped-def]
    c = make_consultation(make_official())
    comment = make_comment(c, commenter(), body="<b>규제를</b> 강화해 주십시오. 인공지능의 위험이 큽니다.")
    return c, comment


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_full_page_groups_results_and_marks_matches(client, site, lang):
    c, comment = site
    r = client.get(f"/{lang}/search?q=규제")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Vary"].find("HX-Request") >= 0
    assert 'id="search-group-comment"' in html and "<mark>규제</mark>를" in html
    assert "&lt;b&gt;" not in html or "<b>" not in html.split('id="search-results"')[1]  # never the stored HTML
    assert f'href="/{lang}/consultations/{c.id}/comments/{comment.id}"' in html
    assert 'role="search"' in html and 'id="header-q"' in html  # the header box


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_htmx_gets_the_results_only(client, site, lang):
    r = client.get(f"/{lang}/search?q=인공지능의&kind=section", headers=HTMX)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.lstrip().startswith('<div id="search-results"')
    assert "<html" not in html and 'id="search-group-section"' in html
    assert "#section-" in html and "on=" in html  # a section opens the consultation at that section


def test_sections_link_to_their_version_and_anchor(client, site):
    c, _ = site
    html = client.get("/ko/search?q=영향평가를").get_data(as_text=True)
    assert f"/ko/consultations/{c.id}/versions/1?on=" in html


@pytest.mark.parametrize("url", [
    "/ko/search", "/en/search?q=", "/ko/search?q=%22*NEAR(%25_%5C%27:*%26", "/ko/search?q=" + "%EA%B0%80" * 10,
    "/ko/search?q=규제&per_page=100000&limit=999999", "/ko/search?q=규제&unknown=1",
    "/ko/search?q=규제&from=&to=",
])
def test_odd_but_valid_requests_answer_200(client, site, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [
    "/ko/search?q=" + "a" * 10000, "/en/search?q=" + "가" * 201,
    "/ko/search?q=규제&kind=everything", "/ko/search?q=규제&org=no-such-org", "/ko/search?q=규제&state=draft",
    "/ko/search?q=규제&outcome=maybe", "/ko/search?q=규제&from=2024-13-45", "/ko/search?q=규제&to=yesterday",
    "/ko/search?q=규제&after=not-a-cursor", "/ko/search?q=규제&kind=comment&after=WyJ4Il0",
    "/ko/search?q=규제&after=WzEyOTg4NjM4NDc1N10",  # a well-formed cursor without its kind
    "/ko/search?q=규제&kind=comment&after=WzFd",  # another kind's range
])
def test_bad_input_is_a_clear_400(client, site, url):
    r = client.get(url)
    assert r.status_code == 400


def test_overlong_query_says_why(client, site):
    html = client.get("/en/search?q=" + "a" * 10000).get_data(as_text=True)
    assert "Enter at most 200 characters to search." in html and 'aria-invalid="true"' in html


def test_more_pages_within_a_kind(client, site):
    c, _ = site
    authors = [commenter() for _ in range(2)]
    for i in range(25):
        make_comment(c, authors[i % 2], body=f"쪽넘김 의견 {i}")
    first = client.get("/en/search?q=쪽넘김&kind=comment").get_data(as_text=True)
    assert first.count('class="search-hit"') == 20 and "after=" in first
    after = first.split("after=")[1].split("&")[0].split('"')[0]
    second = client.get(f"/en/search?q=쪽넘김&kind=comment&after={after}", headers=HTMX).get_data(as_text=True)
    assert second.count('class="search-hit"') == 5 and "after=" not in second
    overview = client.get("/en/search?q=쪽넘김").get_data(as_text=True)
    assert overview.count('class="search-hit"') == 5 and "kind=comment" in overview


def test_a_hidden_comment_disappears_from_the_page(client, site):
    from consult.i18n import Bilingual
    from consult.policy import Actor
    from tests.factories import platform_admin
    _, comment = site
    consult.hide_comment(Actor(platform_admin()), comment, Bilingual("사유", "Reason"), now=utcnow())
    html = client.get("/ko/search?q=규제").get_data(as_text=True)
    assert 'id="search-group-comment"' not in html
