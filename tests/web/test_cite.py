"""Citable links (issue 9): every consultation, version, section, comment, disposition, statement and
register entry has a short URL that leads to its page in the visitor's language, and its page offers
the short link and a citation (text and BibTeX, with the access date)."""
from __future__ import annotations

import html
import re

import pytest

from consult.consultations import actions as consult
from consult.consultations.models import Outcome
from consult.extensions import utcnow
from consult.i18n import Bilingual
from consult.orgs.models import OrgKind

from ..factories import commenter, make_comment, make_consultation, make_entry, make_official, make_statement
from .support import page_text, translated

PUBLIC = "http://gongnon.test"  # PUBLIC_URL of the test configuration


@pytest.fixture
def world(app):  # type: ignore[no-untyped-def]
    official = make_official()
    c = make_consultation(official)
    comment = make_comment(c, commenter())
    consult.record_disposition(official, comment, consult.DispositionInput(
        Outcome.ACCEPTED, Bilingual("반영하겠습니다.", "We will take it up.")), now=utcnow())
    statement = make_statement()
    draft = make_statement(opened=False)
    entry = make_entry(make_official())
    return {"c": c, "comment": comment, "statement": statement, "draft": draft, "entry": entry}


def _location(client, path: str, lang: str = "en") -> str:  # type: ignore[no-untyped-def]
    r = client.get(path, headers={"Accept-Language": lang})
    assert r.status_code == 302, (path, r.status_code)
    return r.headers["Location"]


def test_short_urls_lead_to_the_page_in_the_visitors_language(client, world):
    c, comment, statement, entry = world["c"], world["comment"], world["statement"], world["entry"]
    assert _location(client, f"/c/{c.id}").endswith(f"/en/consultations/{c.id}")
    assert _location(client, f"/c/{c.id}", "ko").endswith(f"/ko/consultations/{c.id}")
    assert _location(client, f"/c/{c.id}", "fr").endswith(f"/ko/consultations/{c.id}")  # Korean by default
    assert _location(client, f"/c/{c.id}/v1").endswith(f"/en/consultations/{c.id}/versions/1")
    assert _location(client, f"/c/{c.id}/v1/art-2").endswith(f"/en/consultations/{c.id}/versions/1#section-art-2")
    assert _location(client, f"/k/{comment.id}").endswith(f"/en/consultations/{c.id}/comments/{comment.id}")
    assert _location(client, f"/d/{comment.id}").endswith(f"/consultations/{c.id}/comments/{comment.id}#disposition")
    assert _location(client, f"/s/{statement.id}", "ko").endswith(f"/ko/statements/{statement.id}")
    assert _location(client, f"/r/{entry.id}").endswith(f"/en/ai-register/{entry.id}")
    # every target answers 200 for a visitor
    for path in (f"/c/{c.id}", f"/c/{c.id}/v1", f"/k/{comment.id}", f"/s/{statement.id}", f"/r/{entry.id}"):
        assert client.get(_location(client, path)).status_code == 200


@pytest.mark.parametrize("path", ["/k/999999", "/d/999999", "/c/1/v1/bad key", "/c/1/v1/" + "a" * 65,
                                  "/c/99999999999", "/k/-1", "/r/x"])
def test_a_short_url_for_nothing_is_a_404(client, world, path):
    assert client.get(path).status_code == 404


def test_a_draft_behind_a_short_url_stays_hidden(client, world):
    draft = world["draft"]
    assert client.get(_location(client, f"/s/{draft.id}")).status_code == 404


def _cite(page: str, box: str) -> dict[str, str]:
    found = re.search(rf'<details class="cite-box" id="{box}">(.*?)</details>', page, re.S)
    assert found, f"no {box} box"
    part = found.group(1)
    return {"url": re.search(r'value="([^"]+)"', part).group(1),  # type: ignore[union-attr]
            "text": html.unescape(re.search(r'<p class="citation"[^>]*>(.*?)</p>', part, re.S).group(1)),  # type: ignore[union-attr]
            "bibtex": html.unescape(re.search(r"<pre[^>]*>(.*?)</pre>", part, re.S).group(1))}  # type: ignore[union-attr]


def test_pages_offer_the_short_link_and_a_citation(client, world):
    c, comment, statement, entry = world["c"], world["comment"], world["statement"], world["entry"]
    today = utcnow().date().isoformat()[:4]
    page = page_text(client.get(f"/en/consultations/{c.id}"))
    cited = _cite(page, "cite-consultation")
    assert cited["url"] == f"{PUBLIC}/c/{c.id}"
    assert c.title.en in cited["text"] and c.owner.name.en in cited["text"] and "accessed" in cited["text"]
    assert cited["bibtex"].startswith(f"@misc{{gongnon-consultation-{c.id},") and f"url          = {{{PUBLIC}/c/{c.id}}}" in cited["bibtex"]
    assert "urldate" in cited["bibtex"] and today in cited["bibtex"]
    assert _cite(page, "cite-version")["url"] == f"{PUBLIC}/c/{c.id}/v1"
    assert re.search(rf'href="{PUBLIC}/c/{c.id}/v1/[A-Za-z0-9_-]+">', page)  # a link per section
    page = page_text(client.get(f"/en/consultations/{c.id}/comments/{comment.id}"))
    assert _cite(page, "cite-comment")["url"] == f"{PUBLIC}/k/{comment.id}"
    assert _cite(page, "cite-disposition")["url"] == f"{PUBLIC}/d/{comment.id}" and 'id="disposition"' in page
    assert _cite(page_text(client.get(f"/en/statements/{statement.id}")), "cite-statement")["url"] == \
        f"{PUBLIC}/s/{statement.id}"
    assert _cite(page_text(client.get(f"/en/ai-register/{entry.id}")), "cite-entry")["url"] == f"{PUBLIC}/r/{entry.id}"


def test_the_korean_citation_is_korean_and_bibtex_braces_are_escaped(client, world, app):
    from consult.web.cite import citation
    with app.test_request_context("/ko/"):
        cited = citation("/c/1", key="consultation-1", author="과학기술정보통신부", title="규칙 {초안}", when=utcnow())
    assert "\\{초안\\}" in cited.bibtex and "{과학기술정보통신부}" in cited.bibtex
    page = page_text(client.get(f"/ko/consultations/{world['c'].id}"))
    text = _cite(page, "cite-consultation")["text"]
    assert translated("Cite or link this consultation", "ko") in page and "공론" in text and "접속일" in text
