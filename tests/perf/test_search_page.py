"""The search page runs the same number of queries with 3 comments and with 3,000 (STYLE §9, issue 9):
the organisations for the filter, the capped counts per kind (one statement), the result ids (one
statement for every kind), their rows and the organisations they name."""
from __future__ import annotations

import pytest

from consult.search.actions import rebuild_index
from tests.factories import bulk_comments, commenter, make_comment, make_consultation, make_official

HTMX = {"HX-Request": "true", "HX-Target": "search-results"}


@pytest.mark.parametrize("url,headers", [
    ("/ko/search?q=평가", {}),  # 2 syllables
    ("/ko/search?q=명확히", {}),
    ("/en/search?q=인공지능의 AI", {}),
    ("/en/search?q=평가&kind=comment", HTMX),
    ("/ko/search?q=평가&kind=disposition&outcome=accepted&state=open", {}),
])
def test_search_query_count_is_flat(client, count_queries, url, headers):
    official = make_official()
    c = make_consultation(official)
    authors = [commenter() for _ in range(3)]
    for a in authors:
        make_comment(c, a)
    client.get(url, headers=headers)  # warm caches (templates, translations)
    with count_queries() as few:
        assert client.get(url, headers=headers).status_code == 200
    bulk_comments(c, 3000, authors, official=official)
    rebuild_index()
    with count_queries() as many:
        html = client.get(url, headers=headers).get_data(as_text=True)
    assert 'class="search-hit"' in html or "kind=disposition" in url
    assert many() == few() <= 5
