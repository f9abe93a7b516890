"""What the page checkers look at, shared by tests/browser/test_accessibility.py (axe-core in chromium)
and tests/web/test_html_validity.py (the Nu HTML Checker on test-client responses).

build_site() makes data that puts something on every page; Crawler visits every GET page reachable by
links from the seeds, once per (endpoint, language); required_pages() is what it must reach.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable
from urllib.parse import urljoin, urlsplit

from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from consult.accounts import actions as accounts
from consult.extensions import db, utcnow
from consult.i18n import LANGS, Bilingual
from consult.orgs import actions as orgs
from consult.orgs.models import OrgKind, Role
from consult.policy import Actor

from ..factories import PASSWORD, make_org, make_person, platform_admin

# GET endpoints that answer with something other than an HTML page: not crawled, not required.
NOT_PAGES = {
    "accounts.download_data": "the JSON download of one's data (an attachment, not a page)",
}

Key = tuple[str, "str | None"]  # (endpoint, lang); endpoint "404" for an address no rule matches


@dataclass(frozen=True)
class Seed:
    """Where a crawl starts, and the status that address must answer with."""

    path: str
    status: int = 200
    why: str = ""


@dataclass
class Site:
    """The data of build_site(): who logs in, and the pages no link leads to."""

    admin_email: str
    org_admin_email: str
    verified_slug: str
    reset_path: str  # a valid password reset link (Korean)
    invitation_path: str  # an open invitation addressed to org_admin_email (Korean)
    password: str = PASSWORD


def _mail_path(outbox: Callable[[], list], to: str) -> str:
    """The path of the link in the newest mail to `to` (mail links start with PUBLIC_URL)."""
    body = [m for m in outbox() if m.to_address == to][-1].body
    match = re.search(r"http://gongnon\.test(/\S+)", body)
    assert match, body
    return match.group(1)


ADMIN_EMAIL = "admin@gongnon.example.org"


def loginable_platform_admin():  # type: ignore[no-untyped-def]
    """The platform administrator, made before factories.platform_admin() would make its own: that one's
    address, admin@gongnon.test, is refused by the login form (email-validator rejects the special-use
    .test domain), so a browser could not log in with it."""
    return platform_admin() if _has_admin() else make_person(email=ADMIN_EMAIL, platform_admin=True)


def _has_admin() -> bool:
    from consult.accounts.models import Person
    return bool(db.session.scalar(db.select(db.func.count()).select_from(Person)
                                  .where(Person.is_platform_admin.is_(True))))


def build_site(outbox: Callable[[], list]) -> Site:
    """Organisations in every state, members, open invitations and a password reset, made through the
    real actions; the session is closed afterwards so the live server's requests never wait on it."""
    now = utcnow()
    admin = loginable_platform_admin()
    org_admin = make_person(email="kim.haneul@digitalrights.example.org", name="김하늘")
    editor = make_person(email="lee.seojun@digitalrights.example.org", name="이서준")
    forum = make_org(admin=org_admin, editors=(editor,), name_ko="디지털권리포럼", name_en="Digital Rights Forum")
    orgs.set_member_title(forum, editor, Bilingual("정책팀장", "Head of policy"), now=now)
    ministry_admin = make_person(email="official@msit.example.go.kr", name="정민호")
    ministry = make_org(kind=OrgKind.GOVERNMENT, admin=ministry_admin, name_ko="과학기술정보통신부",
                        name_en="Ministry of Science and ICT")
    make_org(kind=OrgKind.ACADEMIA, name_ko="한국AI법학회", name_en="Korean Society for AI and Law")
    make_org(kind=OrgKind.LABOUR, name_ko="플랫폼노동연대", name_en=None)  # no English name: fallback shown
    make_org(verified=False, name_ko="AI윤리연구소", name_en="AI Ethics Institute")  # in the queue
    rejected = make_org(verified=False, name_ko="가짜시민연합", name_en="Fake Citizens Union")
    orgs.decide_verification(Actor(admin), rejected, "reject",
                             Bilingual("등록 서류가 없습니다", "No registration documents"), now=now, notify=False)
    orgs.invite_member(Actor(org_admin, forum, Role.ADMIN), forum, "new.member@example.org", Role.EDITOR,
                       lang="ko", now=now)
    orgs.invite_member(Actor(ministry_admin, ministry, Role.ADMIN), ministry, org_admin.email, Role.EDITOR,
                       lang="ko", now=now)
    accounts.request_password_reset(editor.email, lang="ko", now=now)
    site = Site(admin_email=admin.email, org_admin_email=org_admin.email, verified_slug=forum.slug,
                reset_path=_mail_path(outbox, editor.email),
                invitation_path=_mail_path(outbox, org_admin.email))
    db.session.commit()
    db.session.remove()  # on SQLite an open transaction here would hold the write lock (BEGIN IMMEDIATE)
    return site


def _both(path: str) -> list[str]:
    """The Korean path and its English twin."""
    assert path.startswith("/ko/"), path
    return [path, "/en/" + path[4:]]


def seeds(site: Site, crawl: str) -> list[Seed]:
    """Where each crawl starts. Everything else must be reached by following links; pages that no link
    leads to are listed here, each with the reason."""
    start = [Seed("/ko/"), Seed("/en/")]
    if crawl == "anonymous":
        return start + [
            *(Seed(p, 404, "the error page") for p in _both("/ko/no-such-page")),
            *(Seed(p, 400, "reached from a mail: an invalid verification link")
              for p in _both("/ko/verify-email/not-a-valid-token")),
            *(Seed(p, 200, "reached from a mail: the password reset form") for p in _both(site.reset_path)),
        ]
    if crawl == "org_admin":
        return start + [Seed(p, 200, "reached from a mail: an invitation to join an organisation")
                        for p in _both(site.invitation_path)]
    return start


def required_pages(app: Flask) -> set[Key]:
    """Every (endpoint, language) of a GET route with a language prefix, except NOT_PAGES."""
    return {(rule.endpoint, lang) for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and "lang" in rule.arguments and rule.endpoint not in NOT_PAGES
            for lang in LANGS}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") and "download" not in values:
            self.hrefs.append(values["href"])  # type: ignore[arg-type]


def links_in(html: str, base: str) -> list[str]:
    """Absolute addresses of the <a href> in html (downloads left out), resolved against base."""
    parser = _Links()
    parser.feed(html)
    return [urljoin(base, href) for href in parser.hrefs]


@dataclass
class Fetched:
    status: int
    url: str  # where the browser or client ended up, after redirects (absolute)
    links: list[str]  # absolute addresses of the links on the page


@dataclass
class Checked:
    key: Key
    path: str
    status: int


@dataclass
class Crawler:
    """Breadth-first over same-origin links; each (endpoint, language) is checked once, at the first
    address found for it (query string included), later addresses with the same key are skipped.

    fetch(path) loads a page; check(path, fetched) inspects it (axe, saving the HTML …).
    """

    app: Flask
    origin: str  # scheme://host[:port] of the server the fetcher talks to
    fetch: Callable[[str], Fetched]
    check: Callable[[str, Fetched], None]
    checked: list[Checked] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._adapter = self.app.url_map.bind("localhost")
        self._seen: set[Key] = set()

    def key(self, path: str) -> Key | None:
        """The (endpoint, language) of a path; None for what is not a page (static files, downloads,
        POST-only addresses)."""
        parts = urlsplit(path)
        try:
            endpoint, args = self._adapter.match(parts.path, method="GET", query_args=parts.query)
        except RequestRedirect as redirect:  # e.g. a missing trailing slash
            return self.key(urlsplit(redirect.new_url).path)
        except MethodNotAllowed:
            return None
        except NotFound:
            first = parts.path.split("/")[1] if parts.path.count("/") > 1 else ""
            return ("404", first if first in LANGS else None)
        if endpoint == "static" or endpoint in NOT_PAGES or endpoint.startswith("log."):
            return None  # log.*: the machine-readable log API (text/plain, JSON), tested in tests/record
        return (endpoint, args.get("lang"))

    def _local(self, url: str) -> str | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def run(self, start: list[Seed]) -> list[Checked]:
        queue: deque[tuple[str, int, str]] = deque((s.path, s.status, "seed") for s in start)
        while queue:
            path, expected, found_on = queue.popleft()
            key = self.key(path)
            if key is None or key in self._seen:
                continue
            self._seen.add(key)
            fetched = self.fetch(path)
            final = self._local(fetched.url) or path
            final_key = self.key(final) or key
            if fetched.status != expected:
                self.problems.append(f"{path} (linked from {found_on}) answered {fetched.status}, "
                                     f"expected {expected}")
            if final_key != key and final_key in self._seen:
                continue  # redirected to a page already checked
            self._seen.add(final_key)
            self.check(final, fetched)
            self.checked.append(Checked(final_key, final, fetched.status))
            for link in fetched.links:
                local = self._local(link.split("#", 1)[0])
                if local is not None:
                    queue.append((local, 200, final))
        return self.checked


def missing(app: Flask, checked: list[Checked]) -> list[str]:
    """Required (endpoint, language) pairs no crawl reached, as readable lines."""
    reached = {c.key for c in checked}
    return [f"{endpoint} ({lang})" for endpoint, lang in sorted(required_pages(app) - reached)]


def missing_message(app: Flask, checked: list[Checked]) -> str:
    lines = missing(app, checked)
    return ("No link leads to these pages, so they were not checked: " + ", ".join(lines)
            + ". Link them from a page, or add a seed (with the reason) in tests/browser/crawl.py seeds().")
