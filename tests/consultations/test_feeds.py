"""Atom feeds of new consultations, every public body's and one body's, in both languages; the list page
and the public bodies' pages point to them."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from consult.i18n import Bilingual
from consult.orgs.models import OrgKind
from tests.factories import make_consultation, make_official, make_org
from tests.web.support import ko, translated

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, url: str) -> ET.Element:  # type: ignore[no-untyped-def]
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    return ET.fromstring(r.get_data())


def titles(root: ET.Element) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]


def named(ko: str, en: str) -> dict:
    return {"title": Bilingual(ko, en)}


@pytest.fixture
def published(official):  # type: ignore[no-untyped-def]
    """Three consultations of one ministry (one opening tomorrow, one opened 5 days ago, one 30 days ago),
    its draft, and one of another ministry opened 10 days ago: (ministry official, other official)."""
    make_consultation(official, opened_days_ago=30, **named("개인정보 지침(안)", "Draft privacy guideline"))
    make_consultation(official, opened_days_ago=None, **named("얼굴인식 지침(안)", "Draft face recognition guideline"))
    make_consultation(official, opened_days_ago=5, **named("공공 인공지능 지침(안)", "Draft public AI guideline"))
    make_consultation(official, published=False, **named("작성 중인 지침(안)", "Unpublished draft guideline"))
    other = make_official()
    make_consultation(other, opened_days_ago=10, **named("교육 인공지능 지침(안)", "Draft AI in education guideline"))
    return official, other


def test_the_feed_lists_every_published_consultation_newest_first_in_each_language(client, published):
    official, other = published
    en = feed(client, "/en/consultations/feed.atom")
    assert titles(en) == ["Draft face recognition guideline", "Draft public AI guideline",
                          "Draft AI in education guideline", "Draft privacy guideline"]
    assert en.findtext(f"{ATOM}title") == "Consultations on Gongnon"
    assert en.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    ko = feed(client, "/ko/consultations/feed.atom")
    assert titles(ko) == ["얼굴인식 지침(안)", "공공 인공지능 지침(안)", "교육 인공지능 지침(안)", "개인정보 지침(안)"]
    assert ko.findtext(f"{ATOM}title") == translated("Consultations on Gongnon", "ko")
    entry = ko.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == official.org.name.ko
    href = entry.find(f"{ATOM}link").get("href")
    assert href.startswith("http://localhost/ko/consultations/") and client.get(href).status_code == 200
    assert translated("Administrative notice", "ko") in entry.findtext(f"{ATOM}summary")
    # the feed's own address and the page it mirrors
    links = {link.get("rel"): link.get("href") for link in ko.findall(f"{ATOM}link")}
    assert links == {"self": "http://localhost/ko/consultations/feed.atom",
                     "alternate": "http://localhost/ko/consultations/"}


def test_drafts_never_appear(client, published):
    for lang in ("ko", "en"):
        text = client.get(f"/{lang}/consultations/feed.atom").get_data(as_text=True)
        assert "작성 중인" not in text and "Unpublished" not in text
    official, _ = published
    text = client.get(f"/en/consultations/feed.atom?org={official.org.slug}").get_data(as_text=True)
    assert "Unpublished" not in text


def test_one_public_body_has_its_own_feed(client, published):
    official, other = published
    mine = feed(client, f"/en/consultations/feed.atom?org={official.org.slug}")
    assert titles(mine) == ["Draft face recognition guideline", "Draft public AI guideline", "Draft privacy guideline"]
    assert mine.findtext(f"{ATOM}title") == f"Consultations of {official.org.name.en} on Gongnon"
    self_link = next(link.get("href") for link in mine.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link == f"http://localhost/en/consultations/feed.atom?org={official.org.slug}"
    theirs = feed(client, f"/ko/consultations/feed.atom?org={other.org.slug}")
    assert titles(theirs) == ["교육 인공지능 지침(안)"]
    assert other.org.name.ko in theirs.findtext(f"{ATOM}title")
    # an organisation without consultations has an empty feed, not an error
    assert titles(feed(client, f"/en/consultations/feed.atom?org={make_org().slug}")) == []


def test_entry_ids_are_stable_and_shared_between_feeds(client, published):
    official, _ = published
    ids = [e.findtext(f"{ATOM}id") for e in feed(client, "/en/consultations/feed.atom").findall(f"{ATOM}entry")]
    assert len(set(ids)) == 4
    again = [e.findtext(f"{ATOM}id") for e in feed(client, "/en/consultations/feed.atom").findall(f"{ATOM}entry")]
    assert again == ids
    mine = [e.findtext(f"{ATOM}id") for e in
            feed(client, f"/en/consultations/feed.atom?org={official.org.slug}").findall(f"{ATOM}entry")]
    assert set(mine) <= set(ids)
    assert all(i.startswith("http://localhost/en/consultations/") and i.rsplit("/", 1)[1].isdigit() for i in ids)
    # updated: when each was published; the feed's: the latest of them
    root = feed(client, "/en/consultations/feed.atom")
    updated = [e.findtext(f"{ATOM}updated") for e in root.findall(f"{ATOM}entry")]
    assert all(u.endswith("Z") for u in updated) and root.findtext(f"{ATOM}updated") == max(updated)


@pytest.mark.parametrize("query", ["org=nobody", "org=" + "x" * 200])
def test_an_unknown_organisation_is_400_as_on_the_list(client, published, query):
    assert client.get(f"/en/consultations/?{query}").status_code == 400
    assert client.get(f"/en/consultations/feed.atom?{query}").status_code == 400


def test_the_feed_keeps_to_the_20_latest(client, official):
    for n in range(21):
        make_consultation(official, sections=1, opened_days_ago=n + 1, **named(f"지침 {n}", f"Guideline {n}"))
    assert titles(feed(client, "/en/consultations/feed.atom")) == [f"Guideline {n}" for n in range(20)]


def test_an_empty_feed_is_valid(client, app):
    root = feed(client, "/ko/consultations/feed.atom")
    assert titles(root) == [] and root.findtext(f"{ATOM}updated")


def test_the_list_and_each_public_body_link_to_their_feeds(client, published):
    official, _ = published
    page = client.get("/en/consultations/").get_data(as_text=True)
    assert ('<link rel="alternate" type="application/atom+xml" href="/en/consultations/feed.atom" '
            'title="Consultations on Gongnon">') in page
    assert '<a href="/en/consultations/feed.atom">Atom feed of new consultations</a>' in page
    head, body = client.get(f"/ko/organizations/{official.org.slug}").get_data(as_text=True).split("</head>")
    url = f"/ko/consultations/feed.atom?org={official.org.slug}"
    assert f'rel="alternate" type="application/atom+xml" href="{url}"' in head
    label = ko("Atom feed of this public body's new consultations")
    assert f'<a href="{url}">{label}</a>' in body
    # a civil-society organisation publishes no consultations: no feed on its page
    cso = make_org(kind=OrgKind.CIVIL_SOCIETY)
    page = client.get(f"/en/organizations/{cso.slug}").get_data(as_text=True)
    assert "feed.atom" not in page
