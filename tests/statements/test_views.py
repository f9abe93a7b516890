"""The statements blueprint over HTTP, as people meet it: the public list, page, diff, print and exports;
the drafters' forms; signing with and without htmx. Every refused request proves that nothing changed.

Data is made through the actions; everything a test checks goes through the test client.
"""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.orgs.models import Membership, OrgKind, Role
from consult.pagination import encode_cursor
from consult.policy import Actor
from consult.statements import actions as st
from consult.statements.models import Signature, Statement, StatementVersion
from tests.factories import commenter, make_consultation, make_official, make_org, make_person
from tests.web.support import client_for, db_state, page_text, shows

HTMX = {"HX-Request": "true"}
BODY_KO = "우리는 공공기관이 쓰는 **인공지능**을 모두 공개 등록부에 올리도록 요구합니다.\n\n둘째 문단입니다."
BODY_EN = "We call on every public body to enter the **AI** it uses in a public register.\n\nA second paragraph."


def text(title: str = "공공 인공지능 등록제를 촉구하는 공동성명", en: str = "Joint statement for a public AI register",
         body_ko: str = BODY_KO, body_en: str = BODY_EN, note: Bilingual = Bilingual(None, None)) -> st.TextInput:
    return st.TextInput(Bilingual(title, en), Bilingual(body_ko, body_en), note)


@pytest.fixture
def shared_draft(drafter, co_drafter):  # type: ignore[no-untyped-def]
    """A draft by `drafter` with `co_drafter` (the conftest's `draft` has no co-drafter)."""
    return st.create_statement(drafter, st.StatementInput(text(), co_drafter_ids=(co_drafter.org.id,),
                                                          signing_deadline=utcnow() + timedelta(days=10),
                                                          allows_individuals=True), now=utcnow())


@pytest.fixture
def opened(shared_draft, drafter):  # type: ignore[no-untyped-def]
    return st.open_statement(drafter, shared_draft, now=utcnow())


def at(s: Statement, tail: str = "", lang: str = "en") -> str:
    return f"/{lang}/statements/{s.id}{tail}"


def signatures() -> int:
    return db.session.scalar(select(func.count()).select_from(Signature)) or 0


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"title-ko": "공동성명", "title-en": "Joint statement", "body-ko": BODY_KO,
                               "body-en": BODY_EN, "consultation": "", "deadline": ""}
    data.update(overrides)
    return data


# ---- public pages ---------------------------------------------------------------------------------

def test_a_draft_is_hidden_from_everyone_but_its_drafters(app, client, shared_draft, drafter, co_drafter):
    assert client.get(at(shared_draft)).status_code == 404
    assert client.get(at(shared_draft, "/print")).status_code == 404
    assert client.get(at(shared_draft, "/signatories.csv")).status_code == 404
    outsider = commenter()
    assert client_for(app, outsider.person).get(at(shared_draft)).status_code == 404
    for person in (drafter.person, co_drafter.person):
        r = client_for(app, person).get(at(shared_draft))
        assert r.status_code == 200 and "Joint statement for a public AI register" in page_text(r)
    assert "Joint statement for a public AI register" not in client.get("/en/statements/").get_data(as_text=True)


def test_the_public_page_shows_text_hash_versions_and_signatories(app, client, opened, drafter, co_drafter):
    now = utcnow()
    sig = st.sign(drafter, opened, now=now)
    st.sign(co_drafter, opened, now=now)
    st.sign(Actor(make_person()), opened, name_public=False, now=now)
    st.revise(drafter, opened, text(body_en=BODY_EN + " Added.", note=Bilingual("추가", "Added a sentence")), now=now)
    st.reconfirm(drafter, sig, now=now)
    v1, v2 = db.session.scalars(select(StatementVersion).order_by(StatementVersion.number)).all()
    r = client.get(at(opened))
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    assert v2.content_sha256 in body and v1.content_sha256 not in body
    assert "Version 1" in body and "Version 2" in body and "Added a sentence" in body
    assert "3 signatures" in page_text(r)
    assert "signed version 1 — re-confirmation pending" in page_text(r)
    assert "1 individual who asked not to be named" in page_text(r)
    assert "signed by" not in page_text(r)  # which member signed is for the drafters only
    assert "signed by" in page_text(client_for(app, co_drafter.person).get(at(opened)))
    old = client.get(at(opened, "/versions/1"))
    assert v1.content_sha256 in old.get_data(as_text=True) and "earlier version" in page_text(old)
    ko = client.get(at(opened, lang="ko"))
    assert "서명" in page_text(ko) and 'lang="ko"' in ko.get_data(as_text=True)


def test_the_diff_marks_added_words(client, opened, drafter):
    st.revise(drafter, opened, text(body_en=BODY_EN + " Mandatory now.", note=Bilingual(None, "Stronger")),
              now=utcnow())
    r = client.get(at(opened, "/versions/2/changes"))
    assert r.status_code == 200 and "Mandatory now.</ins>" in r.get_data(as_text=True)
    assert client.get(at(opened, "/versions/1/changes")).status_code == 404
    assert client.get(at(opened, "/versions/3")).status_code == 404


def test_print_page_ends_with_the_signatories(client, opened, drafter, co_drafter):
    st.sign(drafter, opened, now=utcnow())
    st.sign(co_drafter, opened, now=utcnow())
    r = client.get(at(opened, "/print"))
    body = page_text(r)
    assert r.status_code == 200
    names = [drafter.org.name.en, co_drafter.org.name.en]
    assert all(n in body for n in names)
    assert body.index("second paragraph") < min(body.index(n) for n in names)


def test_exports_list_every_signature_with_its_state(client, opened, drafter, co_drafter):
    now = utcnow()
    st.sign(drafter, opened, now=now)
    theirs = st.sign(co_drafter, opened, now=now)
    st.withdraw_signature(co_drafter, theirs, Bilingual(None, None), now=now)
    r = client.get(at(opened, "/signatories.csv"))
    raw = r.get_data(as_text=True)
    assert raw.startswith("\ufeff") and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    assert {row["state"] for row in rows} == {"current", "withdrawn"} and len(rows) == 2
    data = json.loads(client.get(at(opened, "/signatories.json")).get_data(as_text=True))
    assert data["signatures"] == 1 and len(data["signatories"]) == 2
    assert data["content_sha256"] == st.content_hash(db.session.get(StatementVersion, 1))


def test_list_filters_and_feed(client, opened, drafter):
    other = st.create_statement(commenter(), st.StatementInput(text(en="Closed statement")), now=utcnow())
    assert other.opened_at is None
    r = client.get("/en/statements/")
    assert r.status_code == 200 and "Joint statement for a public AI register" in page_text(r)
    assert "Closed statement" not in page_text(r)  # still a shared_draft
    r = client.get("/en/statements/?status=open", headers={**HTMX, "HX-Target": "statement-results"})
    assert r.status_code == 200 and "<html" not in r.get_data(as_text=True)
    assert "Joint statement" in page_text(client.get(f"/en/statements/?org={drafter.org.slug}"))
    assert "No statements match" in page_text(client.get("/en/statements/?published=1"))
    feed = client.get("/ko/statements/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.get_data())
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1 and entries[0].find("{http://www.w3.org/2005/Atom}title").text.startswith("공공")


@pytest.mark.parametrize("query", ["status=shared_draft", "status=x", "published=yes", "org=nobody", "after=%%%",
                                   "after=" + encode_cursor(["not a date", 1])])
def test_bad_list_filters_are_400(client, opened, query):
    assert client.get(f"/en/statements/?{query}").status_code == 400


@pytest.mark.parametrize("query", ["sort=size", "after=abc", "after=" + encode_cursor([1, "2020-01-01", 1]),
                                   "after=" + encode_cursor([1, "x", "y"])])
def test_bad_signatory_list_arguments_are_400(client, opened, query):
    assert client.get(at(opened, f"?{query}")).status_code == 400


def test_unknown_statements_are_404(client):
    for url in ("/en/statements/999", "/en/statements/99999999999999", "/en/statements/1/print",
                "/en/statements/1/signatories.json", "/en/statements/abc"):
        assert client.get(url).status_code == 404, url


def test_signatory_list_pages_by_keyset(app, client, opened):
    from consult.statements import queries
    for _ in range(3):
        st.sign(commenter(), opened, now=utcnow())
    first = queries.signature_page(opened, sort="name", lang="en", after=None, limit=2)
    second = queries.signature_page(opened, sort="name", lang="en", after=first.next_cursor, limit=2)
    assert len(first.items) == 2 and len(second.items) == 1
    assert {s.id for s in first.items}.isdisjoint(s.id for s in second.items)
    r = client.get(at(opened, "?sort=name"), headers={**HTMX, "HX-Target": "signatories"})
    assert r.status_code == 200 and r.get_data(as_text=True).lstrip().startswith('<div id="signatories">')


# ---- drafting -------------------------------------------------------------------------------------

def test_an_editor_drafts_a_statement_through_the_form(app, drafter, co_drafter):
    editor = make_person()
    db.session.add(Membership(person_id=editor.id, organization_id=drafter.org.id, role=Role.EDITOR, created_at=utcnow()))
    db.session.commit()
    c = client_for(app, editor)
    assert c.get("/en/statements/new").status_code == 200
    r = c.post("/en/statements/new", data=form_data(org=str(drafter.org.id), co_drafters=[str(co_drafter.org.id)],
                                                    deadline=(utcnow() + timedelta(days=5)).date().isoformat(),
                                                    allows_individuals="y"))
    assert r.status_code == 303
    s = db.session.scalar(select(Statement))
    assert s.owner_org_id == drafter.org.id and s.opened_at is None and s.allows_individuals
    assert s.signing_deadline is not None and s.signing_deadline.astimezone().hour is not None
    # the editor edits, but only an admin opens it for signature
    assert c.post(at(s, "/open")).status_code == 403
    assert c.get(at(s, "/edit")).status_code == 200


@pytest.mark.parametrize("overrides, message", [
    ({"title-ko": "", "title-en": ""}, "Fill in at least one language."),
    ({"body-ko": "<script>alert(1)</script>", "body-en": ""}, "This field cannot contain HTML tags."),
    ({"body-en": "[x](javascript:alert(1))"}, "Links must start with https://, http:// or mailto:."),
    ({"body-ko": "가" * (st.MAX_BODY + 1)}, f"At most {st.MAX_BODY} characters."),
    ({"deadline": "2020-01-01"}, "The signing deadline must be in the future."),
    ({"deadline": "not-a-date"}, "Not a valid date value."),
    ({"co_drafters": ["999999"]}, "Not a valid choice"),
    ({"consultation": "999999"}, "Not a valid choice"),
])
def test_bad_drafts_are_refused_and_change_nothing(app, drafter, overrides, message):
    c = client_for(app, drafter.person)
    before = db_state()
    r = c.post("/en/statements/new", data=form_data(org=str(drafter.org.id), **overrides))
    assert r.status_code == 422 and message.lower() in r.get_data(as_text=True).lower(), page_text(r)[:2000]
    assert db_state() == before


def test_government_officials_and_visitors_cannot_draft(app, client):
    official = make_official()
    assert client_for(app, official.person).get("/en/statements/new").status_code == 403
    assert client.get("/en/statements/new").status_code == 302  # to the login page
    assert client.post("/en/statements/new", data=form_data()).status_code == 302


def test_a_co_drafter_edits_the_draft(app, shared_draft, co_drafter):
    c = client_for(app, co_drafter.person)
    r = c.post(at(shared_draft, "/edit"), data=form_data(**{"title-en": "Edited title"}, co_drafters=[str(co_drafter.org.id)]))
    assert r.status_code == 303
    assert db.session.get(StatementVersion, 1).title.en == "Edited title"


def test_opening_freezes_and_a_new_text_needs_a_change_note(app, shared_draft, drafter):
    c = client_for(app, drafter.person)
    assert c.post(at(shared_draft, "/open")).status_code == 303
    v1 = db.session.get(StatementVersion, 1)
    assert v1.content_sha256 == st.content_hash(v1)
    assert c.post(at(shared_draft, "/open")).status_code == 303  # refused with a message, nothing changed
    before = db_state()
    r = c.post(at(shared_draft, "/edit"), data=form_data(**{"title-en": "New"}))
    assert r.status_code == 422 and "Say what changed" in page_text(r)
    same = {"title-ko": "공공 인공지능 등록제를 촉구하는 공동성명", "title-en": "Joint statement for a public AI register"}
    r = c.post(at(shared_draft, "/edit"), data=form_data(**same, **{"change_note-en": "nothing"}))
    assert r.status_code == 422 and "nothing to save" in page_text(r)
    assert db_state() == before
    r = c.post(at(shared_draft, "/edit"), data=form_data(**{"body-en": BODY_EN + " More.", "change_note-en": "More"}))
    assert r.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(StatementVersion)) == 2


def test_opening_and_publishing_need_a_drafting_admin_and_csrf(app, shared_draft, drafter):
    outsider = commenter()
    before = db_state()
    assert client_for(app, outsider.person).post(at(shared_draft, "/open")).status_code == 404  # a shared_draft is hidden
    assert client_for(app, drafter.person).post(at(shared_draft, "/open"), csrf=False).status_code == 400
    assert db_state() == before
    st.open_statement(drafter, shared_draft, now=utcnow())
    assert client_for(app, outsider.person).post(at(shared_draft, "/publish")).status_code == 403
    assert client_for(app, drafter.person).post(at(shared_draft, "/publish")).status_code == 303
    assert db.session.get(Statement, shared_draft.id).published_at is not None


# ---- signing ---------------------------------------------------------------------------------------

def test_signing_with_htmx_returns_the_updated_region(app, opened):
    signer = commenter()
    c = client_for(app, signer.person)
    r = c.post(at(opened, "/sign"), data={"signer": f"org:{signer.org.id}"}, headers=HTMX)
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and body.lstrip().startswith('<section class="card signing" id="signing"')
    assert "1 signature" in page_text(r) and signer.org.name.en in body
    assert signatures() == 1


def test_signing_without_javascript_redirects_back(app, opened):
    signer = commenter()
    c = client_for(app, signer.person)
    r = c.post(at(opened, "/sign"), data={"signer": f"org:{signer.org.id}"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/en/statements/{opened.id}#signing")
    assert "signed version 1" in page_text(c.get(at(opened)))


def test_signing_twice_is_refused_and_changes_nothing(app, opened):
    signer = commenter()
    c = client_for(app, signer.person)
    c.post(at(opened, "/sign"), data={"signer": f"org:{signer.org.id}"})
    before = db_state()
    r = c.post(at(opened, "/sign"), data={"signer": f"org:{signer.org.id}"}, headers=HTMX)
    assert r.status_code == 422 and "already on the statement" in page_text(r)
    assert db_state() == before


def test_signing_for_an_organisation_one_is_not_admin_of_is_refused(app, opened):
    signer = commenter()
    stranger = commenter()
    editor = make_person()
    db.session.add(Membership(person_id=editor.id, organization_id=signer.org.id, role=Role.EDITOR, created_at=utcnow()))
    db.session.commit()
    before = db_state()
    r = client_for(app, stranger.person).post(at(opened, "/sign"), data={"signer": f"org:{signer.org.id}"})
    assert r.status_code == 422  # not one of their choices
    r = client_for(app, editor).post(at(opened, "/sign"), data={"signer": f"org:{signer.org.id}"})
    assert r.status_code == 403 and "Only an admin" in page_text(r)
    assert db_state() == before


def test_signing_a_draft_a_closed_or_unknown_statement_is_refused(app, shared_draft, drafter):
    signer = commenter()
    c = client_for(app, signer.person)
    before = db_state()
    assert c.post(at(shared_draft, "/sign"), data={"signer": f"org:{signer.org.id}"}).status_code == 404
    assert c.post("/en/statements/9999/sign", data={"signer": f"org:{signer.org.id}"}).status_code == 404
    st.open_statement(drafter, shared_draft, now=utcnow())
    st.close_statement(drafter, shared_draft, now=utcnow())
    before = db_state()
    r = c.post(at(shared_draft, "/sign"), data={"signer": f"org:{signer.org.id}"})
    assert r.status_code == 403 and "not open for signature" in page_text(r)
    assert db_state() == before


def test_an_individual_signs_without_publishing_the_name(app, opened):
    person = make_person()
    c = client_for(app, person)
    r = c.post(at(opened, "/sign"), data={"signer": f"person:{person.id}"}, headers=HTMX)
    assert r.status_code == 200 and "1 individual who asked not to be named" in page_text(r)
    assert not db.session.scalar(select(Signature)).name_public
    assert person.display_name not in client_for(app, make_person()).get(at(opened)).get_data(as_text=True)


def test_withdrawing_someone_elses_signature_is_refused(app, opened, drafter):
    sig = st.sign(drafter, opened, now=utcnow())
    outsider = client_for(app, commenter().person)
    before = db_state()
    r = outsider.post(at(opened, f"/signatures/{sig.id}/withdraw"), data={})
    assert r.status_code == 403 and db_state() == before
    c = client_for(app, drafter.person)
    assert c.get(at(opened, f"/signatures/{sig.id}/withdraw")).status_code == 200
    r = c.post(at(opened, f"/signatures/{sig.id}/withdraw"), data={"reason-en": "Our board said no."})
    assert r.status_code == 303
    assert "withdrawn on" in page_text(c.get(at(opened)))
    assert db.session.get(Statement, opened.id).signature_count == 0


def test_reconfirming_binds_the_signature_to_the_new_version(app, opened, drafter):
    sig = st.sign(drafter, opened, now=utcnow())
    st.revise(drafter, opened, text(body_en="Changed.", note=Bilingual(None, "Changed")), now=utcnow())
    c = client_for(app, drafter.person)
    r = c.post(at(opened, f"/signatures/{sig.id}/reconfirm"), headers=HTMX)
    assert r.status_code == 200 and db.session.get(Signature, sig.id).version == 2
    r = c.post(at(opened, f"/signatures/{sig.id}/reconfirm"), headers=HTMX)
    assert r.status_code == 422


# ---- submitting -----------------------------------------------------------------------------------

def test_a_published_statement_becomes_one_joint_comment(app, client, opened, drafter, co_drafter):
    from consult.consultations.models import Comment
    consultation = make_consultation(make_official())
    st.sign(drafter, opened, now=utcnow())
    st.sign(co_drafter, opened, now=utcnow())
    c = client_for(app, drafter.person)
    assert c.get(at(opened, "/submit")).status_code == 403  # not published yet
    st.publish_statement(drafter, opened, now=utcnow())
    assert c.get(at(opened, "/submit")).status_code == 200
    r = c.post(at(opened, "/submit"), data={"consultation": str(consultation.id)})
    assert r.status_code == 303
    comment = db.session.scalar(select(Comment))
    assert comment.author_org_id == drafter.org.id and "public register" in (comment.translation_source or "")
    page = client.get(f"/en/consultations/{consultation.id}/comments/{comment.id}")
    assert "with 2 signatories at the time of submission" in page_text(page)
    before = db_state()
    r = c.post(at(opened, "/submit"), data={"consultation": str(consultation.id)})
    assert r.status_code == 422 and "already submitted" in page_text(r)
    assert db_state() == before
