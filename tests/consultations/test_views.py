"""The consultations blueprint over HTTP, as people meet it: the public list and pages, downloads, the
comment forms, and the officials' pages. Every refused request proves that nothing changed (db_state).

Data is made through the factories and actions (as the demo loader does); everything a test checks goes
through the test client. Consultations take their status from the real clock: "closed" ones opened 40
days ago for 30 days, "scheduled" ones open tomorrow.
"""
from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.consultations import actions as consult
from consult.consultations import queries
from consult.consultations.forms import seoul_day
from consult.consultations.models import (Attachment, Comment, CommentRevision, CommentStatus, Consultation,
                                          DeadlineChange, Disposition, NoticeType, ResultReport, Section, Version)
from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.orgs.models import Membership, Organization, OrgKind, Role
from consult.pagination import encode_cursor
from consult.policy import Actor
from consult.record import Event, EventType
from tests.conftest import count
from tests.factories import (bulk_comments, commenter, make_comment, make_consultation, make_official, make_org,
                             make_person)
from tests.web.support import client_for, db_state, flashes, page_text, shows, site_admin, translated

BODY = "제2조의 평가 시점을 **명확히** 해 주십시오."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
HTMX = {"HX-Request": "true"}
NEW_EN = "A public body shall publish a human rights impact assessment before deploying high-impact AI."
NEW_KO = "공공기관은 고영향 인공지능을 도입하기 전에 반드시 인권영향평가를 실시하고 공개하여야 한다."


# ---- helpers ---------------------------------------------------------------------------------------

def at(c: Consultation, tail: str = "", lang: str = "en") -> str:
    return f"/{lang}/consultations/{c.id}{tail}"


def titled(en: str) -> Bilingual:
    return Bilingual(f"{en} (국문)", en)


def sections_of(version: Version) -> list[Section]:
    return list(db.session.scalars(select(Section).where(Section.version_id == version.id)
                                   .order_by(Section.position, Section.id)))


def versions_of(c: Consultation) -> list[Version]:
    db.session.expire_all()
    return list(db.session.scalars(select(Version).where(Version.consultation_id == c.id).order_by(Version.number)))


def field_error(response, field_id: str) -> str:
    """The message shown under one field (its `<id>-error` paragraph), unescaped; "" if none."""
    m = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</p>', page_text(response), re.S)
    return html.unescape(m.group(1)) if m else ""


def select_options(response, name: str) -> list[str]:
    m = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page_text(response), re.S)
    return re.findall(r'<option[^>]*value="([^"]*)"', m.group(1)) if m else []


def checkbox_values(response, name: str) -> list[str]:
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page_text(response))
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs]  # type: ignore[union-attr]


def lead(message: str, lang: str = "en") -> str:
    """The catalogue's text of a message up to its first placeholder (for messages with a date)."""
    return translated(message, lang).split("%(")[0]


def checked(response, name: str) -> list[str]:
    """The values of the checked radio buttons or checkboxes called `name`."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page_text(response))
    on = [i for i in inputs if re.search(r"\schecked[\s>=]", i)]
    return [re.search(r'value="([^"]*)"', i).group(1) for i in on]  # type: ignore[union-attr]


def h1(response) -> str:
    m = re.search(r"<h1[^>]*>(.*?)</h1>", page_text(response), re.S)
    assert m, "no h1"
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip()


def comment_data(author: str, body: str = BODY, section: str = "", lang: str = "ko", **extra: str) -> dict:
    return {"author": author, "section": section, "lang": lang, "body": body, "translation": "", **extra}


def events_after(size: int) -> list[str]:
    """The types of the events appended since the record had `size` events (seq counts from 0)."""
    seq = size
    db.session.expire_all()
    return [e.event_type for e in db.session.scalars(select(Event).where(Event.seq >= seq).order_by(Event.seq))]


def publish_version_2(official: Actor, c: Consultation) -> Version:
    """Version 2 of c with Article 2 rewritten, published (through the actions)."""
    now = utcnow()
    v2 = consult.start_version(official, c, now=now)
    s = sections_of(v2)[1]
    consult.save_section(official, c, v2, consult.SectionInput(s.number, s.heading, Bilingual(NEW_KO, NEW_EN)),
                         section=s, now=now)
    consult.update_version(official, c, v2, title=v2.title, summary=v2.summary,
                           change_note=Bilingual("제2조 수정", "Article 2 revised"), now=now)
    return consult.publish_version(official, c, v2, now=now)


def past_comment(c: Consultation, actor: Actor, body: str = BODY) -> Comment:
    """A comment written while c was open (c may have closed since)."""
    return make_comment(c, actor, body=body, now=c.opens_at + timedelta(days=1))


@pytest.fixture
def closed(official):  # type: ignore[no-untyped-def]
    return make_consultation(official, opened_days_ago=40, days_open=30, title=titled("Closed consultation"))


# ---- the public list -------------------------------------------------------------------------------

@pytest.fixture
def listed(official):  # type: ignore[no-untyped-def]
    other = make_official()
    return {
        "open": make_consultation(official, sections=1, title=titled("Open admin notice")),
        "scheduled": make_consultation(official, sections=1, opened_days_ago=None, title=titled("Scheduled notice")),
        "closed": make_consultation(official, sections=1, opened_days_ago=40, days_open=30,
                                    title=titled("Closed notice")),
        "legislative": make_consultation(other, sections=1, notice_type=NoticeType.LEGISLATIVE, days_open=45,
                                         title=titled("Legislative notice of another ministry")),
        "draft": make_consultation(official, sections=1, published=False, title=titled("Secret draft")),
    }


def _slug(c: Consultation) -> str:
    return db.session.get(Organization, c.owner_org_id).slug  # type: ignore[union-attr]


def _titles(response) -> set[str]:
    """The English titles of the consultations listed on a page."""
    return set(re.findall(r'<span lang="en">([^<]*)</span></a></h2>', page_text(response)))


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"open", "scheduled", "closed", "legislative"}),
    ("?status=open", {"open", "legislative"}),
    ("?status=scheduled", {"scheduled"}),
    ("?status=closed", {"closed"}),
    ("?status=concluded", set()),
    ("?notice_type=legislative_notice", {"legislative"}),
    ("?notice_type=administrative_notice", {"open", "scheduled", "closed"}),
    ("?org={owner}", {"open", "scheduled", "closed"}),
    ("?org={other}&status=open", {"legislative"}),
    ("?org={owner}&notice_type=legislative_notice", set()),
])
def test_the_list_shows_published_consultations_narrowed_by_each_filter(client, listed, query, expected):
    query = query.format(owner=_slug(listed["open"]), other=_slug(listed["legislative"]))
    r = client.get(f"/en/consultations/{query}")
    assert r.status_code == 200
    assert _titles(r) == {listed[k].title.en for k in expected}
    if not expected:
        assert shows(r, "No consultations match these filters.")


@pytest.mark.parametrize("query", ["status=bogus", "status=draft", "status=OPEN", "org=no-such-org",
                                   "notice_type=decree", "notice_type=open"])
def test_invalid_filter_values_are_400(client, listed, query):
    assert client.get(f"/en/consultations/?{query}").status_code == 400


def test_an_htmx_request_for_the_results_gets_only_the_partial(client, listed):
    full = client.get("/en/consultations/?status=open")
    assert "<html" in page_text(full) and 'id="consultation-results"' in page_text(full)
    r = client.get("/en/consultations/?status=open", headers={**HTMX, "HX-Target": "consultation-results"})
    body = page_text(r)
    assert r.status_code == 200 and "HX-Request" in r.headers.get("Vary", "")
    assert body.lstrip().startswith('<div id="consultation-results"') and "<html" not in body
    assert _titles(r) == {listed["open"].title.en, listed["legislative"].title.en}
    # another target is not this partial: the full page
    assert "<html" in page_text(client.get("/en/consultations/", headers={**HTMX, "HX-Target": "main"}))


def test_the_more_link_fetches_the_next_keyset_page(client, official):
    made = [make_consultation(official, sections=1, opened_days_ago=i + 1, title=titled(f"Consultation {i:02d}"))
            for i in range(21)]
    first = client.get("/en/consultations/")
    assert _titles(first) == {c.title.en for c in made[:20]}
    links = re.findall(r'<p class="more">\s*<a[^>]*href="([^"]+)"', page_text(first))
    assert len(links) == 1 and "after=" in links[0]
    second = client.get(html.unescape(links[0]))
    assert second.status_code == 200 and _titles(second) == {made[20].title.en}
    assert 'class="more"' not in page_text(second)
    # a filter is kept in the next page's link
    assert "status=open" in html.unescape(re.findall(r'<p class="more">\s*<a[^>]*href="([^"]+)"', page_text(
        client.get("/en/consultations/?status=open")))[0])


@pytest.mark.parametrize("after", ["garbage!", "bm90IGpzb24", encode_cursor(["not a date", 1]),
                                   encode_cursor(["2024-01-01T00:00:00", 1]), encode_cursor([1, 2]),
                                   encode_cursor(["2024-01-01T00:00:00+00:00", 2**70])])
def test_a_malformed_cursor_is_400(client, consultation, after):
    assert client.get(f"/en/consultations/?after={after}").status_code == 400
    assert client.get(at(consultation, f"?after={after}")).status_code == 400


# ---- who sees a draft ------------------------------------------------------------------------------

def test_a_draft_is_404_to_everyone_but_the_owners_officials(app, client, official, cso):
    draft = make_consultation(official, published=False, title=titled("Secret draft"))
    editor = make_official(official.org, Role.EDITOR)
    for tail in ["", "/versions/1", "/versions/1/changes", "/report", "/comments.csv", "/comments.json"]:
        assert client.get(at(draft, tail)).status_code == 404, tail
    assert client.post(at(draft, "/comments/preview"), data={"body": "x"}).status_code == 404
    others = {"cso member": client_for(app, cso.person), "official of another ministry":
              client_for(app, make_official().person), "platform admin": client_for(app, site_admin())}
    for who, browser in others.items():
        for tail in ["", "/manage", "/edit", "/report", "/comments.csv", "/versions/1/sections/new"]:
            assert browser.get(at(draft, tail)).status_code == 404, (who, tail)
        assert "Secret draft" not in page_text(browser.get("/en/consultations/"))
    for person in (official.person, editor.person):
        browser = client_for(app, person)
        r = browser.get(at(draft))
        assert r.status_code == 303 and r.headers["Location"] == at(draft, "/manage")
        manage = browser.get(at(draft, "/manage"))
        assert manage.status_code == 200 and "Secret draft" in page_text(manage)
        assert shows(manage, "This draft is not public yet.")
        assert "Secret draft" in page_text(browser.get("/en/consultations/"))  # "For officials"


# ---- one consultation: versions, changes, comments, report -----------------------------------------

def test_version_pages_and_the_changes_page(client, official, consultation):
    v2 = publish_version_2(official, consultation)
    consult.start_version(official, consultation, now=utcnow())  # version 3, being prepared: not public
    r = client.get(at(consultation))
    assert r.status_code == 200 and NEW_EN in page_text(r)
    assert not shows(r, "You are reading an earlier version. Comments go to the current version, %(number)d.",
                     number=2)
    one = client.get(at(consultation, "/versions/1"))
    assert one.status_code == 200 and NEW_EN not in page_text(one)
    assert shows(one, "You are reading an earlier version. Comments go to the current version, %(number)d.", number=2)
    two = client.get(at(consultation, "/versions/2"))
    assert two.status_code == 200 and v2.content_sha256 in page_text(two) and NEW_EN in page_text(two)
    changes = client.get(at(consultation, "/versions/2/changes"))
    body = page_text(changes)
    assert changes.status_code == 200
    assert re.search(r"<ins>[^<]*deploying", body) and re.search(r"<del>[^<]*introducing", body)
    assert "Article 2 revised" in body
    for tail in ["/versions/3", "/versions/0", "/versions/1/changes", "/versions/3/changes", "/versions/9/changes",
                 "/versions/0/changes"]:
        assert client.get(at(consultation, tail)).status_code == 404, tail


def test_the_comment_page_and_the_section_filter(client, consultation, cso):
    s2 = sections_of(consult.latest_published(consultation))[1]
    on_s2 = make_comment(consultation, cso, body="On article two", section_id=s2.id)
    whole = make_comment(consultation, commenter(), body="On the whole draft")
    r = client.get(at(consultation, f"/comments/{on_s2.id}"))
    assert r.status_code == 200 and "On article two" in page_text(r) and cso.org.name.en in page_text(r)
    only_s2 = page_text(client.get(at(consultation, f"?on={s2.key}")))
    assert "On article two" in only_s2 and "On the whole draft" not in only_s2
    only_whole = page_text(client.get(at(consultation, "?on=draft")))
    assert "On the whole draft" in only_whole and "On article two" not in only_whole
    assert client.get(at(consultation, "?on=s99")).status_code == 404
    partial = client.get(at(consultation, f"?on={s2.key}"), headers={**HTMX, "HX-Target": "comments"})
    assert page_text(partial).lstrip().startswith('<div id="comments"') and "<html" not in page_text(partial)
    # a comment seen through another consultation's address is not there
    elsewhere = make_consultation()
    assert client.get(at(elsewhere, f"/comments/{whole.id}")).status_code == 404
    assert client.get(at(consultation, "/comments/999999")).status_code == 404


def test_the_comment_list_pages_by_keyset(client, consultation, cso):
    bulk_comments(consultation, 30, [cso])
    first = page_text(client.get(at(consultation)))
    ids = [int(i) for i in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', first)]
    assert len(ids) == queries.COMMENT_PAGE_SIZE
    link = re.search(r'<p class="more">\s*<a[^>]*href="([^"]+)"', first)
    assert link
    second = page_text(client.get(html.unescape(link.group(1))))
    rest = [int(i) for i in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', second)]
    assert len(rest) == 30 - queries.COMMENT_PAGE_SIZE and not set(rest) & set(ids)


def test_the_report_page_before_and_after_conclusion(client, official, closed, cso):
    item = past_comment(closed, cso)
    r = client.get(at(closed, "/report"))
    assert r.status_code == 200
    assert shows(r, "The result report is published when the consultation concludes. Until then, the figures "
                    "below show the dispositions recorded so far.")
    consult.record_disposition(official, item, consult.DispositionInput(
        consult.Outcome.ACCEPTED, Bilingual("반영", "Reflected")), now=utcnow())
    consult.conclude(official, closed, title=Bilingual("결과보고", "Result of the consultation"),
                     body=Bilingual("**감사**합니다", "Thank you **all**"), undisposed_reason=Bilingual(None, None),
                     now=utcnow())
    r = client.get(at(closed, "/report"))
    assert r.status_code == 200 and "Result of the consultation" in page_text(r)
    assert "<strong>all</strong>" in page_text(r)
    assert shows(r, "%(rate)d%% (%(done)d of %(total)d comments have a disposition)", rate=100, done=1, total=1)


# ---- downloads -------------------------------------------------------------------------------------

@pytest.fixture
def mixed_comments(consultation, cso):  # type: ignore[no-untyped-def]
    """Four comments: two published (one on a section), one withdrawn, one hidden."""
    s1 = sections_of(consult.latest_published(consultation))[0]
    kept = make_comment(consultation, cso, body="Kept comment body")
    on_section = make_comment(consultation, commenter(OrgKind.ACADEMIA), body="On article one", section_id=s1.id)
    withdrawer = commenter()
    withdrawn = make_comment(consultation, withdrawer, body="Withdrawn secret text")
    hidden = make_comment(consultation, commenter(), body="Hidden abusive text")
    consult.withdraw_comment(withdrawer, withdrawn, Bilingual(None, None), now=utcnow())
    consult.hide_comment(Actor(site_admin()), hidden, Bilingual("욕설", "Abuse"), now=utcnow())
    return {"kept": kept, "on_section": on_section, "withdrawn": withdrawn, "hidden": hidden}


def test_the_csv_download(client, consultation, mixed_comments):
    from consult.consultations.views import EXPORT_FIELDS
    r = client.get(at(consultation, "/comments.csv"))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == f"attachment; filename=consultation-{consultation.id}-comments-en.csv"
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == EXPORT_FIELDS
    records = {int(row["comment_id"]): row for row in csv.DictReader(io.StringIO(text[1:]))}
    assert sorted(records) == sorted(m.id for m in mixed_comments.values()) and len(rows) == 5
    assert records[mixed_comments["kept"].id]["body"] == "Kept comment body"
    assert records[mixed_comments["on_section"].id]["section"] == "Article 1"
    assert records[mixed_comments["on_section"].id]["organization_kind"] == "academia"
    for gone in ("withdrawn", "hidden"):
        row = records[mixed_comments[gone].id]
        assert row["status"] == gone and row["body"] == "" and row["translation"] == ""
    assert "secret text" not in text and "abusive" not in text
    korean = client.get(at(consultation, "/comments.csv", "ko")).get_data(as_text=True)
    assert next(r for r in csv.DictReader(io.StringIO(korean[1:])) if r["section"])["section"] == "제1조"


def test_the_json_download(client, consultation, mixed_comments):
    r = client.get(at(consultation, "/comments.json"))
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    document = json.loads(r.get_data(as_text=True))
    assert document["consultation"] == consultation.id and document["title"]["en"] == consultation.title.en
    by_id = {row["comment_id"]: row for row in document["comments"]}
    assert len(document["comments"]) == 4 and set(by_id) == {m.id for m in mixed_comments.values()}
    assert by_id[mixed_comments["kept"].id]["body"] == "Kept comment body"
    assert by_id[mixed_comments["withdrawn"].id]["body"] is None
    hidden = by_id[mixed_comments["hidden"].id]
    assert hidden["body"] is None and hidden["status"] == "hidden"


# ---- attachments -----------------------------------------------------------------------------------

def test_an_attachment_downloads_as_a_sandboxed_pdf(app, client, official):
    c = make_consultation(official, published=False, opened_days_ago=None)
    v1 = consult.editable_version(c)
    a1 = consult.add_attachment(official, c, v1, "초안 전문.pdf", PDF, now=utcnow())
    consult.publish_consultation(official, c, now=utcnow())
    v2 = consult.start_version(official, c, now=utcnow())
    a2 = consult.add_attachment(official, c, v2, "version-2.pdf", PDF + b"% v2\n%%EOF\n", now=utcnow())
    r = client.get(at(c, f"/versions/1/attachments/{a1.id}"))
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.get_data() == PDF
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%EC%B4%88%EC%95%88" in r.headers["Content-Disposition"]
    policy = r.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert a1.filename in page_text(client.get(at(c)))
    # an unpublished version's file is only for the officials
    assert client.get(at(c, f"/versions/2/attachments/{a2.id}")).status_code == 404
    assert client_for(app, official.person).get(at(c, f"/versions/2/attachments/{a2.id}")).status_code == 200
    # another version's (or another consultation's) attachment is not under this address
    consult.update_version(official, c, v2, title=v2.title, summary=v2.summary,
                           change_note=Bilingual("첨부 추가", "Attachment added"), now=utcnow())
    consult.publish_version(official, c, v2, now=utcnow())
    assert client.get(at(c, f"/versions/2/attachments/{a2.id}")).status_code == 200
    assert client.get(at(c, f"/versions/1/attachments/{a2.id}")).status_code == 404
    assert client.get(at(c, f"/versions/2/attachments/{a1.id}")).status_code == 404
    assert client.get(at(make_consultation(official), f"/versions/1/attachments/{a1.id}")).status_code == 404


HUGE = [2**31, 2**63 - 1, 2**63, 2**64, 2**70]


@pytest.mark.parametrize("n", HUGE)
def test_huge_ids_are_404_not_500(client, login, official, consultation, n):
    item = make_comment(consultation)
    tails = [f"/versions/{n}", f"/versions/{n}/changes", f"/versions/1/attachments/{n}", f"/comments/{n}",
             f"/comments/{n}/disposition", f"/campaigns/{n}/disposition", f"/versions/{n}/sections/new"]
    draft = make_consultation(official, published=False)
    for tail in ["", "/report", "/comments.csv", "/comments.json", f"/comments/{item.id}", "/versions/1"]:
        assert client.get(f"/en/consultations/{n}{tail}").status_code == 404, tail
    login(official.person)
    for tail in tails:
        assert client.get(at(consultation, tail)).status_code == 404, tail
    assert client.get(at(draft, f"/versions/1/sections/{n}")).status_code == 404
    assert client.post(at(draft, f"/versions/1/sections/{n}/delete"), data={}).status_code == 404
    assert client.get(f"/en/consultations/{n}/manage").status_code == 404
    assert client.post(f"/en/consultations/{n}/comments", data=comment_data("self")).status_code == 404


# ---- submitting comments ---------------------------------------------------------------------------

def test_an_org_admin_submits_a_comment_on_a_section(client, login, consultation, cso, record_size):
    current = sections_of(consult.latest_published(consultation))
    s2 = current[1]
    login(cso.person)
    page = client.get(at(consultation))
    assert select_options(page, "author") == [f"org:{cso.org.id}"]
    assert select_options(page, "section") == ["", *[str(s.id) for s in current]]
    before = record_size()
    r = client.post(at(consultation, "/comments"), data=comment_data(f"org:{cso.org.id}", section=str(s2.id)))
    assert r.status_code == 303
    item = db.session.scalar(select(Comment))
    assert r.headers["Location"] == at(consultation, f"/comments/{item.id}")
    assert (item.author_org_id, item.author_id, item.section_id) == (cso.org.id, cso.person.id, s2.id)
    assert record_size() == before + 1 and events_after(before) == [EventType.COMMENT_SUBMITTED]
    shown = client.get(r.headers["Location"])
    assert "<strong>명확히</strong>" in page_text(shown) and cso.org.name.en in page_text(shown)
    assert shows(shown, "Your comment was submitted and is now public.")
    assert "<strong>명확히</strong>" in page_text(client.get(at(consultation)))


def test_an_org_editor_submits_a_comment(client, login, consultation):
    editor = commenter(role=Role.EDITOR)
    login(editor.person)
    r = client.post(at(consultation, "/comments"), data=comment_data(f"org:{editor.org.id}", lang="en",
                                                                     body="Please clarify Article 2."))
    assert r.status_code == 303
    item = db.session.scalar(select(Comment))
    assert (item.author_org_id, item.author_id, item.lang) == (editor.org.id, editor.person.id, "en")
    assert "Please clarify Article 2." in page_text(client.get(r.headers["Location"]))


def test_the_author_choices_are_only_what_the_person_may_speak_for(client, login, official):
    person = make_person()
    admin_of = make_org(admin=person, name_en="Group where admin")
    editor_of = make_org(editors=(person,), name_en="Group where editor")
    make_org(admin=person, verified=False, name_en="Unverified group")
    make_official(official.org, Role.ADMIN)  # somebody else in the owner: irrelevant
    open_to_all = make_consultation(official, allows_individuals=True)
    orgs_only = make_consultation(official)
    login(person)
    assert sorted(select_options(client.get(at(open_to_all)), "author")) == sorted(
        [f"org:{admin_of.id}", f"org:{editor_of.id}", "self"])
    assert sorted(select_options(client.get(at(orgs_only)), "author")) == sorted(
        [f"org:{admin_of.id}", f"org:{editor_of.id}"])


def test_an_individual_comments_where_individuals_are_allowed(client, login, official, record_size):
    c = make_consultation(official, allows_individuals=True)
    person = make_person()
    login(person)
    assert select_options(client.get(at(c)), "author") == ["self"]
    before = record_size()
    r = client.post(at(c, "/comments"), data=comment_data("self", body="개인 의견입니다."))
    assert r.status_code == 303
    item = db.session.scalar(select(Comment))
    assert (item.author_org_id, item.author_id) == (None, person.id) and record_size() == before + 1
    assert "개인 의견입니다." in page_text(client.get(r.headers["Location"]))


def test_an_individual_cannot_comment_where_only_organisations_may(client, login, consultation):
    login(make_person())
    page = client.get(at(consultation))
    assert 'id="comment-form"' not in page_text(page) and select_options(page, "author") == []
    before = db_state()
    r = client.post(at(consultation, "/comments"), data=comment_data("self"))
    assert r.status_code == 403 and shows(r, "Comment could not be submitted")
    assert db_state() == before and count(Comment) == 0


def test_the_owning_ministry_cannot_comment_on_its_own_consultation(client, login, official, consultation):
    login(official.person)
    assert 'id="comment-form"' not in page_text(client.get(at(consultation)))
    before = db_state()
    assert client.post(at(consultation, "/comments"), data=comment_data(f"org:{official.org.id}")).status_code == 403
    assert db_state() == before


def test_a_forged_author_is_refused_and_saves_nothing(client, login, consultation, cso, official):
    stranger = make_org(name_en="Not my organisation")
    login(cso.person)
    # another org, the owner, oneself where individuals may not comment, and garbage
    for author in [f"org:{stranger.id}", f"org:{official.org.id}", "self", "org:abc", "org:", f"org:{2**70}",
                   "admin", ""]:
        before = db_state()
        r = client.post(at(consultation, "/comments"), data=comment_data(author))
        assert r.status_code == 422 and field_error(r, "author"), author
        assert db_state() == before and count(Comment) == 0, author


def test_a_forged_section_is_refused_and_saves_nothing(client, login, official, consultation, cso):
    other = make_consultation(official)
    old_section = sections_of(consult.latest_published(consultation))[0]
    publish_version_2(official, consultation)  # version 1's sections are no longer commentable
    foreign = sections_of(consult.latest_published(other))[0]
    login(cso.person)
    for section in [str(foreign.id), str(old_section.id), "abc", "-1", str(2**70), "1 OR 1=1"]:
        before = db_state()
        r = client.post(at(consultation, "/comments"), data=comment_data(f"org:{cso.org.id}", section=section))
        assert r.status_code == 422, section
        assert field_error(r, "section"), section
        assert db_state() == before and count(Comment) == 0


@pytest.mark.parametrize(("body", "message"), [
    ("좋은 초안입니다 <script>alert(1)</script>", "This field cannot contain HTML tags."),
    ('<img src=x onerror="alert(1)">', "This field cannot contain HTML tags."),
    ("<a href=\"https://example.org\" onclick=alert(1)>link</a>", "This field cannot contain HTML tags."),
    ("[자료](javascript:alert(1))", "Links must start with https://, http:// or mailto:."),
    ("[data](data:text/html;base64,PHNjcmlwdD4=)", "Links must start with https://, http:// or mailto:."),
    ("[tab](java%09script:alert(1))", "Links must start with https://, http:// or mailto:."),
])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_markup_in_a_comment_is_refused_with_a_translated_message(client, login, consultation, cso, body, message,
                                                                 lang):
    login(cso.person)
    before = db_state()
    r = client.post(at(consultation, "/comments", lang), data=comment_data(f"org:{cso.org.id}", body=body))
    assert r.status_code == 422
    assert field_error(r, "body") == translated(message, lang)  # in Korean: fails if untranslated
    assert db_state() == before and count(Comment) == 0
    assert "<script>alert" not in page_text(r) and "onerror=\"alert" not in page_text(r)


@pytest.mark.parametrize(("body", "message", "values"), [
    ("가" * 10_001, "At most %(max)d characters.", {"max": 10_000}),
    ("", "Write your comment.", {}),
    ("   \n  ", "Write your comment.", {}),
    ("숨은\u200b글자", "Remove the control or invisible characters from this field.", {}),
])
def test_an_empty_overlong_or_invisible_body_is_refused(client, login, consultation, cso, body, message, values):
    login(cso.person)
    before = db_state()
    r = client.post(at(consultation, "/comments"), data=comment_data(f"org:{cso.org.id}", body=body))
    assert r.status_code == 422 and field_error(r, "body") == translated(message, **values)
    assert db_state() == before and count(Comment) == 0


def test_a_body_of_exactly_the_maximum_is_accepted(client, login, consultation, cso):
    login(cso.person)
    r = client.post(at(consultation, "/comments"), data=comment_data(f"org:{cso.org.id}", body="가" * 10_000))
    assert r.status_code == 303 and count(Comment) == 1


@pytest.mark.parametrize("state", ["closed", "scheduled", "draft", "concluded"])
def test_posting_outside_the_open_period_is_refused_and_saves_nothing(client, login, official, cso, state,
                                                                    record_size):
    c = {"closed": lambda: make_consultation(official, opened_days_ago=40, days_open=30),
         "scheduled": lambda: make_consultation(official, opened_days_ago=None),
         "draft": lambda: make_consultation(official, published=False),
         "concluded": lambda: make_consultation(official, opened_days_ago=40, days_open=30)}[state]()
    if state == "concluded":
        consult.conclude(official, c, title=Bilingual("결과", "Result"), body=Bilingual("본문", "Body"),
                         undisposed_reason=Bilingual(None, None), now=utcnow())
    login(cso.person)
    before, size = db_state(), record_size()
    if state != "draft":
        assert 'id="comment-form"' not in page_text(client.get(at(c)))
    r = client.post(at(c, "/comments"), data=comment_data(f"org:{cso.org.id}"))
    assert r.status_code == (404 if state == "draft" else 403)
    assert count(Comment) == 0 and record_size() == size and db_state() == before


def test_posting_without_a_csrf_token_is_400_and_saves_nothing(client, login, consultation, cso):
    login(cso.person)
    before = db_state()
    r = client.post(at(consultation, "/comments"), data=comment_data(f"org:{cso.org.id}"), csrf=False)
    assert r.status_code == 400
    r = client.post(at(consultation, "/comments"), data=comment_data(f"org:{cso.org.id}", csrf_token="forged"),
                    csrf=False)
    assert r.status_code == 400
    assert db_state() == before and count(Comment) == 0


def test_commenting_needs_a_login(client, consultation):
    before = db_state()
    r = client.post(at(consultation, "/comments"), data=comment_data("self"))
    assert r.status_code == 302 and "/en/login" in r.headers["Location"]
    assert db_state() == before


def test_the_preview_shows_sanitised_html(client, consultation, official):
    body = "**굵게** <script>alert(1)</script> [링크](https://example.org) [x](javascript:alert(1)) " \
           "<img src=x onerror=alert(1)>"
    before = db_state()
    r = client.post(at(consultation, "/comments/preview"), data={"body": body}, headers=HTMX)
    text = page_text(r)
    assert r.status_code == 200 and "<html" not in text
    assert "<strong>굵게</strong>" in text and 'href="https://example.org"' in text
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;" in text and "&lt;img" in text  # shown as text, never run
    assert not re.search(r'href="javascript:', text) and text.count("<a ") == 1
    assert db_state() == before
    assert client.post(at(consultation, "/comments/preview"), data={"body": "x"}, csrf=False).status_code == 400
    draft = make_consultation(official, published=False)
    assert client.post(at(draft, "/comments/preview"), data={"body": "x"}).status_code == 404


def test_a_refused_htmx_submission_returns_the_form_partial(client, login, consultation, cso):
    login(cso.person)
    before = db_state()
    r = client.post(at(consultation, "/comments"), headers=HTMX,
                    data=comment_data(f"org:{cso.org.id}", body="<script>alert(1)</script>"))
    text = page_text(r)
    assert r.status_code == 422 and "<html" not in text
    assert text.lstrip().startswith("<form") and 'id="comment-form"' in text
    assert field_error(r, "body") == translated("This field cannot contain HTML tags.")
    assert db_state() == before
    full = client.post(at(consultation, "/comments"), data=comment_data(f"org:{cso.org.id}", body=""))
    assert full.status_code == 422 and "<html" in page_text(full)


# ---- revising, withdrawing, hiding -----------------------------------------------------------------

def test_the_author_revises_a_comment_and_the_earlier_text_stays(client, login, consultation, cso, record_size):
    item = make_comment(consultation, cso, body="첫 번째 의견 원문")
    login(cso.person)
    form = client.get(at(consultation, f"/comments/{item.id}/edit"))
    assert form.status_code == 200 and "첫 번째 의견 원문" in page_text(form)
    before = record_size()
    r = client.post(at(consultation, f"/comments/{item.id}/edit"),
                    data={"lang": "ko", "body": "고친 의견 본문", "translation": "Revised comment"})
    assert r.status_code == 303 and r.headers["Location"] == at(consultation, f"/comments/{item.id}")
    assert record_size() == before + 1 and events_after(before) == [EventType.COMMENT_REVISED]
    assert count(CommentRevision) == 2
    page = page_text(client.get(r.headers["Location"]))
    assert "고친 의견 본문" in page and "Revised comment" in page
    assert "첫 번째 의견 원문" in page  # under "Earlier texts"
    assert 'id="revisions-title"' in page
    # a bad revision changes nothing
    state = db_state()
    bad = client.post(at(consultation, f"/comments/{item.id}/edit"), data={"lang": "ko", "body": "<b>x</b>"})
    assert bad.status_code == 422 and field_error(bad, "body") and db_state() == state


def test_another_member_of_the_author_org_may_revise_but_nobody_else(app, consultation, cso):
    item = make_comment(consultation, cso)
    colleague = make_official(cso.org, Role.EDITOR)  # an editor of the same (civil-society) organisation
    assert client_for(app, colleague.person).get(at(consultation, f"/comments/{item.id}/edit")).status_code == 200
    for person in (commenter().person, make_official().person, site_admin(), make_person()):
        browser = client_for(app, person)
        before = db_state()
        assert browser.get(at(consultation, f"/comments/{item.id}/edit")).status_code == 403
        assert browser.post(at(consultation, f"/comments/{item.id}/edit"),
                            data={"lang": "ko", "body": "가로챈 글"}).status_code == 403
        assert browser.post(at(consultation, f"/comments/{item.id}/withdraw"), data={}).status_code == 403
        assert db_state() == before


def test_no_revision_or_withdrawal_after_the_deadline(client, login, closed, cso):
    item = past_comment(closed, cso)
    login(cso.person)
    before = db_state()
    assert client.get(at(closed, f"/comments/{item.id}/edit")).status_code == 403
    assert client.post(at(closed, f"/comments/{item.id}/edit"), data={"lang": "ko", "body": "늦은 수정"}).status_code == 403
    assert client.post(at(closed, f"/comments/{item.id}/withdraw"), data={}).status_code == 403
    assert db_state() == before


def test_a_withdrawn_comment_leaves_a_tombstone(client, login, consultation, cso, record_size):
    item = make_comment(consultation, cso, body="철회할 의견 본문")
    login(cso.person)
    before = record_size()
    r = client.post(at(consultation, f"/comments/{item.id}/withdraw"),
                    data={"reason-ko": "", "reason-en": "We merged it into a joint statement"})
    assert r.status_code == 303 and record_size() == before + 1
    db.session.expire_all()
    assert db.session.get(Comment, item.id).status is CommentStatus.WITHDRAWN
    for url in (at(consultation), at(consultation, f"/comments/{item.id}")):
        page = client.get(url)
        assert "철회할 의견 본문" not in page_text(page), url
        assert lead("Withdrawn by its author on %(date)s.") in html.unescape(page_text(page)), url
        assert "joint statement" in page_text(page), url
    # withdrawn: no more editing
    assert client.get(at(consultation, f"/comments/{item.id}/edit")).status_code == 403


def test_a_platform_admin_hides_a_comment_with_a_reason(app, consultation, cso, record_size):
    item = make_comment(consultation, cso, body="숨길 의견 본문")
    admin = client_for(app, site_admin())
    assert admin.get(at(consultation, f"/comments/{item.id}/hide")).status_code == 200
    before = db_state()
    r = admin.post(at(consultation, f"/comments/{item.id}/hide"), data={"reason-ko": "", "reason-en": ""})
    assert r.status_code == 422
    assert field_error(r, "reason-ko") == translated("State the reason for hiding the comment; it will be public.")
    assert db_state() == before
    size = record_size()
    r = admin.post(at(consultation, f"/comments/{item.id}/hide"), data={"reason-ko": "개인정보 포함", "reason-en": ""})
    assert r.status_code == 303 and record_size() == size + 1
    for url in (at(consultation), at(consultation, f"/comments/{item.id}")):
        page = page_text(app.test_client().get(url))
        assert "숨길 의견 본문" not in page and "개인정보 포함" in page
        assert lead("Hidden by a platform administrator on %(date)s.") in html.unescape(page)


def test_a_withdrawn_or_hidden_comment_cannot_be_hidden_again(app, consultation, cso):
    item = make_comment(consultation, cso)
    consult.withdraw_comment(cso, item, Bilingual(None, None), now=utcnow())
    admin = client_for(app, site_admin())
    before = db_state()
    r = admin.post(at(consultation, f"/comments/{item.id}/hide"), data={"reason-ko": "삭제", "reason-en": ""})
    assert r.status_code == 422
    assert field_error(r, "reason-ko") == translated("Only a published comment can be hidden.")
    assert db_state() == before


def test_only_platform_admins_hide_comments(app, client, official, consultation, cso):
    item = make_comment(consultation, cso)
    for person in (cso.person, official.person, make_person()):
        browser = client_for(app, person)
        before = db_state()
        assert browser.get(at(consultation, f"/comments/{item.id}/hide")).status_code == 403
        assert browser.post(at(consultation, f"/comments/{item.id}/hide"),
                            data={"reason-ko": "삭제", "reason-en": ""}).status_code == 403
        assert db_state() == before
    assert client.get(at(consultation, f"/comments/{item.id}/hide")).status_code == 302  # log in first


# ---- officials: creating and editing a draft -------------------------------------------------------

def consultation_form(**overrides: object) -> dict:
    opens = seoul_day(utcnow() + timedelta(days=1))
    data: dict = {
        "title-ko": "인공지능 영향평가 고시(안)", "title-en": "Draft notice on AI impact assessment",
        "summary-ko": "영향평가 절차를 정합니다.", "summary-en": "Sets the assessment procedure.",
        "department-ko": "인공지능정책과", "department-en": "", "instrument-ko": "", "instrument-en": "",
        "notice_type": "administrative_notice", "mode": "open", "target_groups": ["civil_society", "academia"],
        "opens_on": opens.isoformat(), "closes_on": (opens + timedelta(days=30)).isoformat(),
        "short_period_reason-ko": "", "short_period_reason-en": ""}
    data.update(overrides)
    return data


def test_an_official_creates_a_draft(app, client, login, official, record_size):
    login(official.person)
    form = client.get("/en/consultations/new")
    assert form.status_code == 200 and 'name="title-ko"' in page_text(form)
    before = record_size()
    r = client.post(f"/en/consultations/new?org={official.org.id}", data=consultation_form())
    assert r.status_code == 303
    c = db.session.scalar(select(Consultation))
    assert r.headers["Location"] == at(c, "/manage")
    assert c.published_at is None and c.owner_org_id == official.org.id and c.title.en.startswith("Draft notice")
    assert [k.value for k in c.target_groups] == ["civil_society", "academia"]
    assert events_after(before) == [EventType.CONSULTATION_CREATED]
    assert client.get(r.headers["Location"]).status_code == 200
    assert app.test_client().get(at(c)).status_code == 404  # a draft: not public


@pytest.mark.parametrize(("overrides", "field", "message", "values"), [
    ({"closes_on": "{opens+10}"}, "short_period_reason-ko",
     "This period is shorter than the %(days)d days the law expects for this kind of notice: state the reason, "
     "which will be public.", {"days": 20}),
    ({"notice_type": "legislative_notice", "closes_on": "{opens+30}"}, "short_period_reason-ko",
     "This period is shorter than the %(days)d days the law expects for this kind of notice: state the reason, "
     "which will be public.", {"days": 40}),
    ({"mode": "invited", "allows_individuals": "y"}, "allows_individuals",
     "Individuals can comment only on a consultation open to all; in invited mode only invited organisations "
     "comment.", {}),
    ({"title-ko": "", "title-en": ""}, "title-ko", "Fill in at least one language.", {}),
    ({"title-en": "<script>x</script>"}, "title-en", "This field cannot contain HTML tags.", {}),
    ({"target_groups": []}, "target_groups", "Choose at least one stakeholder group to hear.", {}),
    ({"target_groups": ["martians"]}, "target_groups", None, {}),
    ({"notice_type": "decree"}, "notice_type", None, {}),
    ({"opens_on": "2025-02-30"}, "opens_on", None, {}),
    ({"closes_on": ""}, "closes_on", "Enter a valid date.", {}),
])
def test_a_bad_draft_is_refused_at_its_field_and_saves_nothing(client, login, official, overrides, field, message,
                                                               values):
    opens = seoul_day(utcnow() + timedelta(days=1))
    overrides = {k: (opens + timedelta(days=int(v[7:-1]))).isoformat() if isinstance(v, str) and v.startswith("{opens+")
                 else v for k, v in overrides.items()}
    login(official.person)
    before = db_state()
    r = client.post(f"/en/consultations/new?org={official.org.id}", data=consultation_form(**overrides))
    assert r.status_code == 422
    error = field_error(r, field)
    assert error and (message is None or error == translated(message, **values))
    assert db_state() == before


def test_a_short_period_with_a_reason_is_accepted(client, login, official):
    opens = seoul_day(utcnow() + timedelta(days=1))
    login(official.person)
    r = client.post(f"/en/consultations/new?org={official.org.id}", data=consultation_form(
        closes_on=(opens + timedelta(days=10)).isoformat(), **{"short_period_reason-en": "Urgent safety rule"}))
    assert r.status_code == 303 and count(Consultation) == 1


def test_only_officials_open_consultations(app, cso, official):
    editor = make_official(official.org, Role.EDITOR)
    assert client_for(app, editor.person).get("/en/consultations/new").status_code == 200
    unverified_ministry = make_org(kind=OrgKind.GOVERNMENT, verified=False)
    unverified_admin = db.session.get(type(official.person), db.session.scalar(select(Membership.person_id).where(
        Membership.organization_id == unverified_ministry.id)))
    for person in (cso.person, make_person(), site_admin(), unverified_admin):
        browser = client_for(app, person)
        before = db_state()
        assert browser.get("/en/consultations/new").status_code == 403
        assert browser.post("/en/consultations/new", data=consultation_form()).status_code == 403
        assert db_state() == before


def test_an_official_edits_a_draft_but_not_a_published_consultation(client, login, official, consultation):
    draft = make_consultation(official, published=False)
    login(official.person)
    form = client.get(at(draft, "/edit"))
    assert form.status_code == 200 and draft.title.en in page_text(form)
    r = client.post(at(draft, "/edit"), data=consultation_form(**{"title-en": "Renamed draft"}))
    assert r.status_code == 303
    db.session.expire_all()
    assert db.session.get(Consultation, draft.id).title.en == "Renamed draft"
    assert versions_of(draft)[0].title.en == "Renamed draft"
    before = db_state()
    bad = client.post(at(draft, "/edit"), data=consultation_form(**{"title-ko": "", "title-en": ""}))
    assert bad.status_code == 422 and db_state() == before
    # refused by the action (after its rollback the page is drawn again from fresh rows)
    refused = client.post(at(draft, "/edit"), data=consultation_form(mode="invited", allows_individuals="y"))
    assert refused.status_code == 422 and 'id="allows_individuals-error"' in page_text(refused)
    assert db_state() == before
    assert client.get(at(consultation, "/edit")).status_code == 403
    assert client.post(at(consultation, "/edit"), data=consultation_form(**{"title-en": "Changed"})).status_code == 403
    assert db_state() == before


# ---- officials: sections and attachments -----------------------------------------------------------

def section_form(number: str = "제4조", body_ko: str = "새 조문 본문", body_en: str = "New article text") -> dict:
    return {"number-ko": number, "number-en": number.replace("제", "Article ").replace("조", ""),
            "heading-ko": "신설", "heading-en": "New", "body-ko": body_ko, "body-en": body_en}


def test_sections_are_added_edited_moved_and_removed(client, login, official):
    draft = make_consultation(official, published=False, sections=3)
    v1 = consult.editable_version(draft)
    login(official.person)
    assert client.get(at(draft, "/versions/1/sections/new")).status_code == 200
    r = client.post(at(draft, "/versions/1/sections/new"), data=section_form())
    assert r.status_code == 303 and r.headers["Location"] == at(draft, "/manage#editable")
    ids = [s.id for s in sections_of(v1)]
    assert len(ids) == 4 and sections_of(v1)[-1].body.ko == "새 조문 본문"
    edit = client.get(at(draft, f"/versions/1/sections/{ids[0]}"))
    assert edit.status_code == 200 and "이 지침은 공공기관의" in page_text(edit)
    assert client.post(at(draft, f"/versions/1/sections/{ids[0]}"),
                       data=section_form("제1조", "고친 목적 조항", "Revised purpose")).status_code == 303
    db.session.expire_all()
    assert db.session.get(Section, ids[0]).body.en == "Revised purpose"
    assert client.post(at(draft, f"/versions/1/sections/{ids[0]}/down"), data={}).status_code == 303
    assert [s.id for s in sections_of(v1)] == [ids[1], ids[0], ids[2], ids[3]]
    assert client.post(at(draft, f"/versions/1/sections/{ids[3]}/up"), data={}).status_code == 303
    assert [s.id for s in sections_of(v1)] == [ids[1], ids[0], ids[3], ids[2]]
    assert client.post(at(draft, f"/versions/1/sections/{ids[2]}/delete"), data={}).status_code == 303
    db.session.expire_all()
    assert [s.id for s in sections_of(v1)] == [ids[1], ids[0], ids[3]]
    manage = page_text(client.get(at(draft, "/manage")))
    assert manage.index("A public body shall carry out") < manage.index("Revised purpose") < manage.index(
        "New article text")
    assert "publish the results of the assessment" not in manage  # Article 3, removed


def test_bad_section_requests_change_nothing(app, client, login, official, consultation):
    draft = make_consultation(official, published=False)
    s = sections_of(consult.editable_version(draft))[0]
    published_section = sections_of(consult.latest_published(consultation))[0]
    browsers = [client_for(app, commenter().person), client_for(app, make_official().person)]
    login(official.person)
    before = db_state()
    r = client.post(at(draft, "/versions/1/sections/new"), data=section_form(body_ko="", body_en=""))
    assert r.status_code == 422 and field_error(r, "body-ko") == translated("Fill in at least one language.")
    r = client.post(at(draft, f"/versions/1/sections/{s.id}"), data=section_form(body_ko="<iframe src=x>"))
    assert r.status_code == 422 and field_error(r, "body-ko") == translated("This field cannot contain HTML tags.")
    # another version's section, a published version, no CSRF token
    assert client.post(at(draft, f"/versions/1/sections/{published_section.id}"),
                       data=section_form()).status_code == 404
    assert client.post(at(draft, f"/versions/1/sections/{published_section.id}/delete"), data={}).status_code == 404
    assert client.post(at(consultation, f"/versions/1/sections/{published_section.id}/delete"),
                       data={}).status_code == 409
    assert client.post(at(consultation, "/versions/1/sections/new"), data=section_form()).status_code == 409
    assert client.post(at(draft, f"/versions/1/sections/{s.id}/delete"), data={}, csrf=False).status_code == 400
    assert db_state() == before
    for browser in browsers:
        assert browser.post(at(draft, "/versions/1/sections/new"), data=section_form()).status_code == 404
        assert browser.post(at(consultation, f"/versions/1/sections/{published_section.id}/delete"),
                            data={}).status_code == 403
    assert db_state() == before


def test_an_official_attaches_a_pdf(client, login, official):
    draft = make_consultation(official, published=False)
    login(official.person)
    r = client.post(at(draft, "/versions/1/attachments"), data={"file": (io.BytesIO(PDF), "고시안 전문.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 303
    a = db.session.scalar(select(Attachment))
    assert a.filename == "고시안 전문.pdf" and a.size == len(PDF)
    assert "고시안 전문.pdf" in page_text(client.get(at(draft, "/manage")))
    download = client.get(at(draft, f"/versions/1/attachments/{a.id}"))
    assert download.status_code == 200 and download.get_data() == PDF
    assert client.post(at(draft, f"/versions/1/attachments/{a.id}/delete"), data={}).status_code == 303
    assert count(Attachment) == 0


@pytest.mark.parametrize(("upload", "message"), [
    ((PNG, "picture.pdf"), "This file is not a PDF. Attach a PDF document."),
    ((b"%PDF-1.4 but never ends", "cut.pdf"), "This file is not a PDF. Attach a PDF document."),
    ((b"", "empty.pdf"), None),
    (None, "Choose a PDF file."),
])
def test_a_bad_upload_is_refused_and_saves_nothing(client, login, official, upload, message):
    draft = make_consultation(official, published=False)
    login(official.person)
    before = db_state()
    data = {"file": (io.BytesIO(upload[0]), upload[1])} if upload else {}
    r = client.post(at(draft, "/versions/1/attachments"), data=data, content_type="multipart/form-data")
    assert r.status_code == 422
    error = field_error(r, "file")
    assert error and (message is None or error == translated(message))
    assert db_state() == before and count(Attachment) == 0


# ---- officials: publishing and versions ------------------------------------------------------------

def test_publishing_makes_the_consultation_public_and_records_it(app, client, login, official, record_size):
    draft = make_consultation(official, published=False, opened_days_ago=None, title=titled("Soon public"))
    login(official.person)
    before = record_size()
    r = client.post(at(draft, "/publish"), data={})
    assert r.status_code == 303 and r.headers["Location"] == at(draft)
    assert events_after(before) == [EventType.CONSULTATION_PUBLISHED, EventType.VERSION_PUBLISHED]
    anonymous = app.test_client()
    page = anonymous.get(at(draft))
    assert page.status_code == 200 and "Soon public" in page_text(page)
    assert versions_of(draft)[0].content_sha256 in page_text(page)
    assert "Soon public" in page_text(anonymous.get("/en/consultations/"))
    # publishing twice does nothing more
    state = db_state()
    assert client.post(at(draft, "/publish"), data={}).status_code == 303
    assert shows(flashes(client, at(draft, "/manage")), "This consultation is already published.")
    assert db_state() == state


def test_a_draft_without_sections_is_not_published(client, login, official):
    draft = make_consultation(official, published=False, opened_days_ago=None, sections=0)
    login(official.person)
    before = db_state()
    r = client.post(at(draft, "/publish"), data={})
    assert r.status_code == 303 and r.headers["Location"] == at(draft, "/manage")
    assert shows(flashes(client, at(draft, "/manage")), "Add at least one section before publishing.")
    assert db_state() == before


def test_publishing_needs_the_owner_and_a_csrf_token(app, client, login, official, cso):
    draft = make_consultation(official, published=False, opened_days_ago=None)
    browsers = [client_for(app, cso.person), client_for(app, make_official().person)]
    login(official.person)
    before = db_state()
    for browser in browsers:
        assert browser.post(at(draft, "/publish"), data={}).status_code == 404
    assert client.post(at(draft, "/publish"), data={}, csrf=False).status_code == 400
    assert db_state() == before


def test_a_second_version_is_prepared_and_published_with_a_change_note(client, login, official, consultation,
                                                                      record_size):
    login(official.person)
    r = client.post(at(consultation, "/versions/new"), data={})
    assert r.status_code == 303 and r.headers["Location"] == at(consultation, "/manage#editable")
    v2 = versions_of(consultation)[1]
    assert v2.number == 2 and v2.published_at is None
    assert client.get(at(consultation, "/versions/2")).status_code == 404  # not public yet
    s = sections_of(v2)[1]
    assert client.post(at(consultation, f"/versions/2/sections/{s.id}"),
                       data={**section_form("제2조", NEW_KO, NEW_EN), "heading-ko": "영향평가",
                             "heading-en": "Impact assessment"}).status_code == 303
    # without a change note: an error message, nothing published
    before, size = db_state(), record_size()
    r = client.post(at(consultation, "/versions/2/publish"), data={})
    assert r.status_code == 303 and r.headers["Location"] == at(consultation, "/manage")
    assert shows(flashes(client, at(consultation, "/manage")), "Say what changed in this version; the note is public.")
    assert db_state() == before and record_size() == size
    # a bad version form changes nothing either
    bad = client.post(at(consultation, "/versions/2"), data={"title-ko": "", "title-en": "", "change_note-ko": "x"})
    assert bad.status_code == 422 and field_error(bad, "title-ko") and db_state() == before
    r = client.post(at(consultation, "/versions/2"), data={
        "title-ko": v2.title.ko, "title-en": v2.title.en, "summary-ko": "", "summary-en": "",
        "change_note-ko": "제2조를 고쳤습니다.", "change_note-en": "Article 2 now requires publication."})
    assert r.status_code == 303
    r = client.post(at(consultation, "/versions/2/publish"), data={})
    assert r.status_code == 303 and r.headers["Location"] == at(consultation, "/versions/2/changes")
    assert events_after(size) == [EventType.VERSION_PUBLISHED]
    changes = page_text(client.get(r.headers["Location"]))
    assert "Article 2 now requires publication." in changes
    assert re.search(r"<ins>[^<]*deploying", changes) and re.search(r"<del>[^<]*introducing", changes)
    assert re.search(r"<ins>[^<]*반드시", changes)
    assert NEW_EN in page_text(client.get(at(consultation)))
    # a published version cannot be published again or changed
    state = db_state()
    assert client.post(at(consultation, "/versions/2/publish"), data={}).status_code == 409
    assert client.post(at(consultation, "/versions/1"), data={"title-ko": "x"}).status_code == 409
    assert db_state() == state


# ---- officials: the deadline -----------------------------------------------------------------------

def test_the_deadline_moves_only_with_a_reason_and_to_a_future_day(client, login, official, consultation):
    login(official.person)
    later = seoul_day(consultation.closes_at) + timedelta(days=10)
    before = db_state()
    r = client.post(at(consultation, "/deadline"), data={"closes_on": later.isoformat(), "reason-ko": "",
                                                         "reason-en": ""})
    assert r.status_code == 422 and field_error(r, "reason-ko") == translated("Fill in at least one language.")
    yesterday = seoul_day(utcnow() - timedelta(days=2))
    r = client.post(at(consultation, "/deadline"), data={"closes_on": yesterday.isoformat(), "reason-ko": "연장"})
    assert r.status_code == 422
    assert shows(r, "Choose a new deadline in the future and after the opening.")
    r = client.post(at(consultation, "/deadline"), data={"closes_on": "someday", "reason-ko": "연장"})
    assert r.status_code == 422 and field_error(r, "closes_on")
    assert db_state() == before
    r = client.post(at(consultation, "/deadline"),
                    data={"closes_on": later.isoformat(), "reason-ko": "", "reason-en": "More time for academia"})
    assert r.status_code == 303 and count(DeadlineChange) == 1
    page = client.get(at(consultation))
    assert shows(page, "Deadline changes") and "More time for academia" in page_text(page)
    db.session.expire_all()
    assert seoul_day(db.session.get(Consultation, consultation.id).closes_at) == later


def test_only_the_owner_moves_the_deadline(app, official, consultation, cso):
    later = (seoul_day(consultation.closes_at) + timedelta(days=10)).isoformat()
    browsers = [client_for(app, cso.person), client_for(app, make_official().person)]
    before = db_state()
    for browser in browsers:
        r = browser.post(at(consultation, "/deadline"), data={"closes_on": later, "reason-ko": "연장"})
        assert r.status_code == 403
    assert db_state() == before


# ---- officials: dispositions -----------------------------------------------------------------------

def _disposition(outcome: str = "accepted", reason: str = "제2조에 반영했습니다.", sections: list[int] = ()) -> dict:
    return {"outcome": outcome, "reason-ko": reason, "reason-en": "", "changed_sections": [str(i) for i in sections]}


def test_a_disposition_links_sections_of_a_later_version(client, login, official, consultation, cso, record_size):
    item = make_comment(consultation, cso, body="제2조를 고쳐 주십시오.")
    v2 = publish_version_2(official, consultation)
    v2_ids = [s.id for s in sections_of(v2)]
    login(official.person)
    form = client.get(at(consultation, f"/comments/{item.id}/disposition"))
    assert form.status_code == 200 and checked(form, "outcome") == [] == checked(form, "changed_sections")
    assert checkbox_values(form, "changed_sections") == [str(i) for i in v2_ids]  # version 1's are not offered
    before = record_size()
    r = client.post(at(consultation, f"/comments/{item.id}/disposition"), data=_disposition(sections=[v2_ids[1]]))
    assert r.status_code == 303 and r.headers["Location"] == at(consultation, f"/comments/{item.id}")
    assert events_after(before) == [EventType.DISPOSITION_RECORDED]
    page = client.get(r.headers["Location"])
    assert "제2조에 반영했습니다." in page_text(page) and shows(page, "Changed sections:")
    assert f'/versions/2/changes#section-{sections_of(v2)[1].key}' in page_text(page)
    # changing it: the form comes back filled in
    again = client.get(at(consultation, f"/comments/{item.id}/disposition"))
    assert checked(again, "outcome") == ["accepted"] and checked(again, "changed_sections") == [str(v2_ids[1])]
    r = client.post(at(consultation, f"/comments/{item.id}/disposition"), data=_disposition("noted", "참고합니다."))
    assert r.status_code == 303 and events_after(before + 1) == [EventType.DISPOSITION_CHANGED]
    assert count(Disposition) == 1 and "참고합니다." in page_text(client.get(r.headers["Location"]))


def test_a_forged_disposition_is_refused(client, login, official, consultation, cso):
    item = make_comment(consultation, cso)
    v1_ids = [s.id for s in sections_of(consult.latest_published(consultation))]
    publish_version_2(official, consultation)
    foreign = sections_of(consult.latest_published(make_consultation(official)))[0]
    login(official.person)
    before = db_state()
    for data, field in [(_disposition(sections=[v1_ids[0]]), "changed_sections"),
                        (_disposition(sections=[foreign.id]), "changed_sections"),
                        (_disposition(sections=[2**70]), "changed_sections"),
                        ({**_disposition(), "changed_sections": ["abc"]}, "changed_sections"),
                        (_disposition(outcome="approved"), "outcome"),
                        (_disposition(reason=""), "reason-ko")]:
        r = client.post(at(consultation, f"/comments/{item.id}/disposition"), data=data)
        assert r.status_code == 422, data
        assert field_error(r, field), data
    assert db_state() == before and count(Disposition) == 0


def test_a_withdrawn_comment_gets_no_disposition(client, login, official, consultation, cso):
    item = make_comment(consultation, cso)
    consult.withdraw_comment(cso, item, Bilingual(None, None), now=utcnow())
    login(official.person)
    before = db_state()
    r = client.post(at(consultation, f"/comments/{item.id}/disposition"), data=_disposition())
    assert r.status_code == 422
    assert field_error(r, "outcome") == translated("A withdrawn or hidden comment gets no disposition.")
    assert db_state() == before and count(Disposition) == 0


def test_only_the_owners_officials_record_dispositions(app, official, consultation, cso):
    item = make_comment(consultation, cso)
    browsers = [client_for(app, p) for p in (make_official().person, cso.person, site_admin())]
    before = db_state()
    for browser in browsers:
        assert browser.get(at(consultation, f"/comments/{item.id}/disposition")).status_code == 403
        assert browser.post(at(consultation, f"/comments/{item.id}/disposition"),
                            data=_disposition()).status_code == 403
    assert db_state() == before and count(Disposition) == 0
    editor = make_official(official.org, Role.EDITOR)
    assert client_for(app, editor.person).post(at(consultation, f"/comments/{item.id}/disposition"),
                                               data=_disposition()).status_code == 303


def test_a_campaign_disposition_answers_every_comment_of_the_group(client, login, official, consultation):
    letter = ("We urge the Ministry to require a public human rights impact assessment before any high-impact AI "
              "system is deployed by a public body, and to publish every assessment in full on its website.")
    group = [make_comment(consultation, commenter(), body=letter, lang="en") for _ in range(3)]
    alone = make_comment(consultation, commenter(), body="A different point about Article 3 and its timing.")
    campaign_id = group[0].campaign_id
    assert campaign_id and all(m.campaign_id == campaign_id for m in group) and alone.campaign_id is None
    login(official.person)
    manage = page_text(client.get(at(consultation, "/manage")))
    assert at(consultation, f"/campaigns/{campaign_id}/disposition") in manage
    form = client.get(at(consultation, f"/campaigns/{campaign_id}/disposition"))
    assert form.status_code == 200 and shows(form, "Answer a group of similar comments")
    before = db_state()
    assert client.post(at(consultation, f"/campaigns/{campaign_id}/disposition"),
                       data=_disposition(reason="")).status_code == 422
    assert db_state() == before
    r = client.post(at(consultation, f"/campaigns/{campaign_id}/disposition"),
                    data=_disposition("partially_accepted", "일부 반영합니다."))
    assert r.status_code == 303 and r.headers["Location"] == at(consultation, "/manage#campaigns")
    answered = set(db.session.scalars(select(Disposition.comment_id)))
    assert answered == {m.id for m in group}
    for m in group:
        assert "일부 반영합니다." in page_text(client.get(at(consultation, f"/comments/{m.id}")))
    assert client.get(at(consultation, f"/campaigns/{alone.id}/disposition")).status_code == 404


def test_a_group_whose_comments_were_all_withdrawn_gets_no_answer(client, login, official, consultation):
    authors = [commenter(), commenter()]
    letter = "Please publish every impact assessment in full, with the data used and the people consulted."
    group = [make_comment(consultation, a, body=letter, lang="en") for a in authors]
    for author, m in zip(authors, group):
        consult.withdraw_comment(author, m, Bilingual(None, None), now=utcnow())
    login(official.person)
    before = db_state()
    r = client.post(at(consultation, f"/campaigns/{group[0].campaign_id}/disposition"), data=_disposition())
    assert r.status_code == 422
    assert shows(r, "There is no such group of comments in this consultation.")
    assert db_state() == before and count(Disposition) == 0


# ---- officials: concluding -------------------------------------------------------------------------

def _report(**overrides: str) -> dict:
    return {"title-ko": "의견수렴 결과", "title-en": "Result of the consultation", "body-ko": "검토 결과입니다.",
            "body-en": "What we did with **your** comments.", "undisposed_reason-ko": "",
            "undisposed_reason-en": "", **overrides}


def test_concluding_needs_every_disposition_or_a_reason(client, login, official, closed, record_size):
    answered, waiting, _ = [past_comment(closed, commenter(), body=f"의견 {i}번입니다.") for i in range(3)]
    consult.record_disposition(official, answered, consult.DispositionInput(
        consult.Outcome.NOTED, Bilingual("참고", "Noted")), now=utcnow())
    login(official.person)
    manage = page_text(client.get(at(closed, "/manage")))
    assert 'id="deadline-title"' in manage and 'id="newversion-title"' in manage
    assert at(closed, "/conclude") in manage
    assert client.get(at(closed, "/conclude")).status_code == 200
    before = db_state()
    r = client.post(at(closed, "/conclude"), data=_report())
    assert r.status_code == 422
    assert field_error(r, "undisposed_reason-ko") == translated(
        "%(count)d comments have no disposition yet: record them, or state publicly why not.", count=2)
    assert db_state() == before
    size = record_size()
    r = client.post(at(closed, "/conclude"), data=_report(**{"undisposed_reason-en": "Two arrived off topic."}))
    assert r.status_code == 303 and r.headers["Location"] == at(closed, "/report")
    assert events_after(size) == [EventType.CONSULTATION_CONCLUDED] and count(ResultReport) == 1
    report = page_text(client.get(r.headers["Location"]))
    assert "Result of the consultation" in report and "Two arrived off topic." in report
    assert "<strong>your</strong>" in report
    manage = page_text(client.get(at(closed, "/manage")))
    assert 'id="deadline-title"' not in manage and 'id="newversion-title"' not in manage
    assert at(closed, "/conclude") not in manage
    # and nothing moves any more
    state = db_state()
    assert client.post(at(closed, "/deadline"), data={"closes_on": "2099-01-01", "reason-ko": "연장"}).status_code == 403
    assert client.post(at(closed, "/versions/new"), data={}).status_code == 303
    assert shows(flashes(client, at(closed, "/manage")),
                 "A new version can be prepared only for a published consultation that is not concluded.")
    assert client.post(at(closed, f"/comments/{waiting.id}/disposition"), data=_disposition()).status_code == 403
    assert client.get(at(closed, "/conclude")).status_code == 403
    assert db_state() == state


def test_an_open_consultation_cannot_be_concluded(app, client, login, official, consultation, cso):
    login(official.person)
    before = db_state()
    assert client.get(at(consultation, "/conclude")).status_code == 403
    assert client.post(at(consultation, "/conclude"), data=_report()).status_code == 403
    assert client_for(app, cso.person).post(at(consultation, "/conclude"), data=_report()).status_code == 403
    assert db_state() == before


# ---- both languages --------------------------------------------------------------------------------

def test_pages_in_korean_and_english(app, official, cso):
    c = make_consultation(official)
    item = make_comment(c, cso, section_id=sections_of(consult.latest_published(c))[1].id)
    make_comment(c, body="**강조** [링크](https://example.org)")
    publish_version_2(official, c)
    draft = make_consultation(official, published=False)
    anonymous, mine = app.test_client(), client_for(app, official.person)
    public = ["/consultations/", "/consultations/?status=open", f"/consultations/{c.id}",
              f"/consultations/{c.id}/versions/1", f"/consultations/{c.id}/versions/2/changes",
              f"/consultations/{c.id}/comments/{item.id}", f"/consultations/{c.id}/report",
              f"/consultations/{c.id}?on=s2"]
    officials = [f"/consultations/{c.id}/manage", f"/consultations/{draft.id}/manage", "/consultations/new",
                 f"/consultations/{draft.id}/edit", f"/consultations/{c.id}/comments/{item.id}/disposition",
                 f"/consultations/{draft.id}/versions/1/sections/new"]
    for lang in ("ko", "en"):
        for browser, urls in ((anonymous, public), (mine, officials)):
            for url in urls:
                r = browser.get(f"/{lang}{url}")
                assert r.status_code == 200, (lang, url)
                assert f'<html lang="{lang}">' in page_text(r), (lang, url)
                assert translated("Skip to main content", lang) in page_text(r), (lang, url)
        assert h1(anonymous.get(f"/{lang}/consultations/")) == translated("Consultations", lang)
        assert h1(anonymous.get(f"/{lang}/consultations/{c.id}")) == getattr(c.title, lang)
        assert h1(anonymous.get(f"/{lang}/consultations/{c.id}/comments/{item.id}")) == translated(
            "Comment %(id)s", lang, id=item.id)
        missing = anonymous.get(f"/{lang}/consultations/{draft.id}")
        assert missing.status_code == 404 and f'<html lang="{lang}">' in page_text(missing)
        assert translated("Page not found", lang) in page_text(missing)
        csv_text = anonymous.get(f"/{lang}/consultations/{c.id}/comments.csv").get_data(as_text=True)
        assert ("제2조" if lang == "ko" else "Article 2") in csv_text
        document = json.loads(anonymous.get(f"/{lang}/consultations/{c.id}/comments.json").get_data(as_text=True))
        assert {row["section"] for row in document["comments"]} == {None, "제2조" if lang == "ko" else "Article 2"}
    assert "본문 바로가기" in page_text(anonymous.get(f"/ko/consultations/{c.id}"))
