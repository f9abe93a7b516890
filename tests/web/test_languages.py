"""Languages: / negotiates, every page says its language, the switcher keeps the page, and bilingual
content falls back visibly and with the right lang attribute."""
from __future__ import annotations

import html
import re

import pytest

from consult.extensions import utcnow
from consult.i18n import Bilingual
from consult.orgs import actions as org_actions
from consult.orgs.models import OrgKind
from consult.policy import Actor

from ..factories import make_org, make_person
from .support import client_for, ko, page_text, shows, site_admin


@pytest.mark.parametrize(("accept", "lang"), [
    ("ko-KR,ko;q=0.9,en-US;q=0.8", "ko"),
    ("ko", "ko"),
    ("en-US,en;q=0.9", "en"),
    ("en", "en"),
    ("en-GB", "en"),
    ("fr-FR,fr;q=0.9", "ko"),
    ("fr, en;q=0.5", "en"),
    ("en;q=0.3, ko;q=0.8", "ko"),
    (None, "ko"),
])
def test_the_root_negotiates_the_language(client, accept, lang):
    headers = {"Accept-Language": accept} if accept else {}
    r = client.get("/", headers=headers)
    assert r.status_code == 302 and r.headers["Location"] == f"/{lang}/"


def test_the_bare_log_address_negotiates_and_keeps_the_query(client):
    r = client.get("/log?type=organization.verified", headers={"Accept-Language": "en"})
    assert r.headers["Location"] == "/en/log?type=organization.verified"


def _switch_link(body: str) -> str:
    return html.unescape(re.search(r'<a class="lang-switch" href="([^"]+)" hreflang="(\w\w)"', body).group(1))


@pytest.mark.parametrize("path", ["/{lang}/", "/{lang}/log", "/{lang}/log?type=organization.verified",
                                  "/{lang}/organizations/?kind=academia", "/{lang}/login?next=/{lang}/account",
                                  "/{lang}/privacy", "/{lang}/terms", "/{lang}/register",
                                  "/{lang}/password/forgot"])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_page_states_its_language_and_links_to_itself_in_the_other(client, path, lang):
    other = "en" if lang == "ko" else "ko"
    r = client.get(path.format(lang=lang))
    assert r.status_code == 200
    body = page_text(r)
    assert f'<html lang="{lang}">' in body and r.headers["Content-Language"] == lang
    link = _switch_link(body)
    expected = path.format(lang=other).replace(f"next=/{other}/", f"next=/{lang}/")  # the query is kept as is
    assert link == expected


def test_the_switcher_keeps_the_organisation_and_every_query_value(client):
    org = make_org(name_ko="한국인권재단", name_en="Korea Human Rights Foundation")
    body = page_text(client.get(f"/ko/organizations/{org.slug}"))
    assert _switch_link(body) == f"/en/organizations/{org.slug}"
    body = page_text(client.get("/en/log?type=organization.created&org=" + org.slug))
    assert _switch_link(body) == f"/ko/log?type=organization.created&org={org.slug}"


def test_interface_text_follows_the_url_in_one_session(client):
    en = page_text(client.get("/en/login"))
    kr = page_text(client.get("/ko/login"))
    assert shows(en, "Forgot your password?") and not shows(kr, "Forgot your password?")
    assert ko("Forgot your password?") in kr


def test_a_logged_in_page_keeps_its_language(app):
    person = make_person()
    c = client_for(app, person)
    body = page_text(c.get("/ko/account"))
    assert '<html lang="ko">' in body and ko("My account") in body
    assert _switch_link(body) == "/en/account"


# ---- bilingual content -----------------------------------------------------------------------------

def _korean_only_org():
    admin = make_person()
    org = org_actions.create_organization(Actor(admin), org_actions.OrgInput(
        name=Bilingual("진보네트워크센터", None), short_name=Bilingual("진보넷", None), kind=OrgKind.CIVIL_SOCIETY,
        subkind=None, website=None, description=Bilingual("정보인권 단체입니다.", None)), now=utcnow())
    org_actions.decide_verification(Actor(site_admin()), org, "verify", Bilingual("확인", None), now=utcnow(),
                                    notify=False)
    return org


FALLBACK = re.compile(r'<span lang="ko">진보네트워크센터</span> <small class="fallback">\(not translated\)</small>')


def test_a_korean_only_name_shows_on_english_pages_marked_as_korean(client):
    org = _korean_only_org()
    page = page_text(client.get(f"/en/organizations/{org.slug}"))
    assert FALLBACK.search(page), re.findall(r".{80}진보네트워크센터.{80}", page)
    assert '<div lang="ko" class="plain-text"><p>정보인권 단체입니다.</p>' in page
    assert FALLBACK.search(page_text(client.get("/en/organizations/")))
    assert FALLBACK.search(page_text(client.get("/en/log")))


def test_no_fallback_marker_in_the_language_that_exists(client):
    org = _korean_only_org()
    page = page_text(client.get(f"/ko/organizations/{org.slug}"))
    assert '<span lang="ko">진보네트워크센터</span>' in page
    assert 'class="fallback"' not in page and ko("(not translated)") not in page


def test_the_fallback_marker_is_translated(client):
    admin = make_person()
    org = org_actions.create_organization(Actor(admin), org_actions.OrgInput(
        name=Bilingual(None, "Open Net"), short_name=Bilingual(None, None), kind=OrgKind.CIVIL_SOCIETY,
        subkind=None, website=None, description=Bilingual(None, None)), now=utcnow())
    org_actions.decide_verification(Actor(site_admin()), org, "verify", Bilingual(None, "Checked"), now=utcnow(),
                                    notify=False)
    page = page_text(client.get(f"/ko/organizations/{org.slug}"))
    assert f'<span lang="en">Open Net</span> <small class="fallback">{ko("(not translated)")}</small>' in page
