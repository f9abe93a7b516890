"""The public directory: verified organisations only, in name order, by keyset pages, filtered by kind."""
from __future__ import annotations

import html
import re

import pytest

from consult.extensions import utcnow
from consult.i18n import Bilingual
from consult.orgs import actions as org_actions
from consult.orgs.models import OrgKind
from consult.pagination import encode_cursor
from consult.policy import Actor

from ..factories import make_org, make_person
from ..web.support import page_text, shows, site_admin

HANGUL_NAMES = ["가람연구소", "나눔법률센터", "다솜재단", "라온협회", "마루노동조합", "바른AI포럼", "사람과기술",
                "아름연대", "자유정보센터", "차세대교육모임", "카이정책연구원", "타래시민회", "파랑노동센터", "하늘데이터"]


@pytest.fixture
def directory(app):
    """35 verified organisations (some with a name in one language only), plus pending and rejected ones."""
    founder = make_person()
    admin = Actor(site_admin())
    verified = {}
    for i in range(35):
        ko = f"{HANGUL_NAMES[i % len(HANGUL_NAMES)]} {i:02d}" if i % 5 else None
        en = f"Group {i:02d}" if i % 4 else None
        if not ko and not en:
            en = f"English Only {i:02d}"
        kind = [OrgKind.CIVIL_SOCIETY, OrgKind.ACADEMIA, OrgKind.LABOUR][i % 3]
        org = org_actions.create_organization(Actor(founder), org_actions.OrgInput(
            name=Bilingual(ko, en), short_name=Bilingual(None, None), kind=kind, subkind=None, website=None,
            description=Bilingual("소개", None)), now=utcnow())
        org_actions.decide_verification(admin, org, "verify", Bilingual("확인", "Checked"), now=utcnow(), notify=False)
        verified[org.slug] = org
    hidden = [make_org(verified=False, name_en="Pending Group"), make_org(verified=False, name_en="Rejected Group")]
    org_actions.decide_verification(admin, hidden[1], "reject", Bilingual("사유", "Reason"), now=utcnow(),
                                    notify=False)
    return verified, hidden


def _walk(client, url):
    slugs, pages = [], 0
    while url:
        body = page_text(client.get(url))
        slugs += re.findall(r'<h2 class="org-card-title"><a href="/\w\w/organizations/([^"]+)">', body)
        more = re.search(r'<p class="more">\s*<a[^>]* href="([^"]+)"', body)
        url = html.unescape(more.group(1)) if more else None
        pages += 1
        assert pages < 10
    return slugs, pages


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_pages_list_every_verified_organisation_once(client, directory, lang):
    verified, hidden = directory
    slugs, pages = _walk(client, f"/{lang}/organizations/")
    assert sorted(slugs) == sorted(verified) and len(slugs) == len(set(slugs)) and pages == 2
    assert not {o.slug for o in hidden} & set(slugs)


def test_korean_names_come_in_ganada_order(client, directory):
    verified, _ = directory
    slugs, _ = _walk(client, "/ko/organizations/")
    shown = [verified[s].name.ko for s in slugs if verified[s].name.ko]
    assert shown == sorted(shown)


def test_filter_by_kind(client, directory):
    verified, _ = directory
    labour = {s for s, o in verified.items() if o.kind == OrgKind.LABOUR}
    slugs, _ = _walk(client, "/en/organizations/?kind=labour")
    assert set(slugs) == labour
    body = page_text(client.get("/en/organizations/?kind=government"))
    assert shows(body, "No verified organisations of this kind yet.")
    body = page_text(client.get("/en/organizations/?kind=labour"))
    assert re.search(r'<option value="labour" selected>[^<]*\(%d\)</option>' % len(labour), body)


@pytest.mark.parametrize("query", ["kind=church", "after=%21", "after=" + encode_cursor([1, 2]),
                                   "after=" + encode_cursor(["가", 2**80])])
def test_bad_parameters_are_400(client, query):
    assert client.get(f"/en/organizations/?{query}").status_code == 400
