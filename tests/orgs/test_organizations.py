"""Registering an organisation, who sees a pending one, and editing its profile."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.orgs import actions as org_actions
from consult.orgs.models import Membership, Organization, OrgKind, Role, VerificationStatus
from consult.policy import Actor
from consult.record import Event, EventType

from ..factories import make_org, make_person
from ..web.support import client_for, db_state, flashes, ko, page_text, shows, site_admin

GOOD = {"name-ko": "디지털정의네트워크", "name-en": "Digital Justice Network", "short_name-ko": "디정넷",
        "short_name-en": "DJN", "kind": "civil_society", "subkind": "", "website": "https://djn.example.org",
        "description-ko": "디지털 권리 단체입니다.", "description-en": "A digital rights group."}


def _create(client, lang="en", **overrides):
    return client.post(f"/{lang}/organizations/new", data={**GOOD, **overrides})


def test_a_verified_person_registers_an_organisation_that_waits_for_review(client, login, record_size):
    founder = make_person(email="founder@example.org")
    login(founder)
    before = record_size()
    r = _create(client)
    assert r.status_code == 303
    org = db.session.scalar(select(Organization))
    assert r.headers["Location"] == f"/en/organizations/{org.slug}" and org.slug == "digital-justice-network"
    assert org.status == VerificationStatus.PENDING and org.name == Bilingual("디지털정의네트워크", "Digital Justice Network")
    [membership] = db.session.scalars(select(Membership)).all()
    assert (membership.person_id, membership.role) == (founder.id, Role.ADMIN)
    assert record_size() == before + 1
    last = db.session.scalars(select(Event).order_by(Event.seq.desc())).first()
    assert last.event_type == EventType.ORGANIZATION_CREATED and last.actor_org_id == org.id
    page = page_text(client.get(r.headers["Location"]))
    assert shows(page, "Verification pending") and "Digital Justice Network" in page
    assert shows(flashes(client), "A platform administrator will review it") or "review" in page


def test_an_unverified_person_cannot_register_an_organisation(client, login):
    login(make_person(verified=False))
    r = client.get("/en/organizations/new")
    assert r.status_code == 303 and r.headers["Location"] == "/en/account"
    assert shows(flashes(client, "/en/account"), "Verify your email address before registering an organisation.")
    before = db_state()
    assert _create(client).status_code == 303
    assert db_state() == before


def test_registering_needs_a_login(client):
    before = db_state()
    r = _create(client)
    assert r.status_code == 302 and "/en/login" in r.headers["Location"]
    assert db_state() == before


BAD_ORGS = [
    ({"name-ko": "", "name-en": ""}, "Fill in at least one language."),
    ({"name-en": "N" * 201}, "At most 200 characters."),
    ({"short_name-ko": "가" * 61}, "At most 60 characters."),
    ({"description-en": "d" * 2001}, "At most 2000 characters."),
    ({"name-en": "<script>alert(1)</script>"}, "This field cannot contain HTML tags."),
    ({"description-ko": "소개 <img src=x onerror=alert(1)>"}, "This field cannot contain HTML tags."),
    ({"name-ko": "디지털\u200b정의"}, "Remove the control or invisible characters from this field."),
    ({"name-en": "Digital\tJustice"}, "Remove the control or invisible characters from this field."),
    ({"kind": "secret_society"}, "Not a valid choice."),
    ({"kind": ""}, "Choose the kind of organisation."),
    ({"kind": "government", "subkind": ""}, "Choose the kind of government body."),
    ({"kind": "civil_society", "subkind": "ministry"}, "Only government bodies can have a kind of government body."),
    ({"subkind": "galaxy"}, "Not a valid choice."),
    ({"website": "javascript:alert(1)"}, "Enter a web address starting with https:// or http://."),
    ({"website": "ftp://djn.example.org"}, "Enter a web address starting with https:// or http://."),
    ({"website": "https://djn.example.org/" + "a" * 300}, "At most 300 characters."),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_ORGS, ids=[f"{list(o)[0]}:{m[:20]}" for o, m in BAD_ORGS])
def test_bad_registration_is_refused_at_its_field_and_saves_nothing(client, login, overrides, message):
    login(make_person())
    before = db_state()
    r = _create(client, **overrides)
    assert r.status_code == 422
    assert shows(r, message)
    assert db_state() == before


def test_a_name_already_registered_is_refused_whatever_its_case(client, login):
    make_org(name_ko="디지털정의네트워크", name_en="Some other name")
    login(make_person())
    before = db_state()
    r = _create(client, **{"name-ko": "디지털정의네트워크"})
    assert r.status_code == 422
    assert shows(r, "An organisation with this name is already registered.")
    r = _create(client, **{"name-ko": "새 이름", "name-en": "SOME OTHER NAME"})
    assert r.status_code == 422
    assert db_state() == before


def test_korean_form_errors(client, login):
    login(make_person())
    r = _create(client, lang="ko", **{"name-ko": "", "name-en": "", "website": "javascript:alert(1)"})
    assert r.status_code == 422
    body = page_text(r)
    assert ko("Fill in at least one language.") in body
    assert ko("Enter a web address starting with https:// or http://.") in body


def test_registration_without_csrf_token_is_refused(client, login):
    login(make_person())
    before = db_state()
    assert client.post("/en/organizations/new", data=GOOD, csrf=False).status_code == 400
    assert db_state() == before


def test_slugs_are_unique_and_avoid_reserved_words(client, login):
    login(make_person())
    assert _create(client, **{"name-en": "New", "name-ko": "새 단체"}).status_code == 303
    assert _create(client, **{"name-en": "New!", "name-ko": "새 단체 둘"}).status_code == 303
    slugs = sorted(db.session.scalars(select(Organization.slug)))
    assert slugs == ["new-org", "new-org-2"]
    for slug in slugs:
        assert client.get(f"/en/organizations/{slug}").status_code == 200


# ---- who sees a pending organisation ---------------------------------------------------------------

def test_a_pending_organisation_is_seen_only_by_its_members_and_platform_admins(app, client):
    founder = make_person()
    org = make_org(admin=founder, verified=False)
    url = f"/en/organizations/{org.slug}"
    r = client.get(url)
    assert r.status_code == 404 and shows(r, "Page not found")
    assert client_for(app, make_person()).get(url).status_code == 404
    assert client_for(app, founder).get(url).status_code == 200
    assert client_for(app, site_admin()).get(url).status_code == 200
    # not in the public directory either
    assert org.name.en not in page_text(client.get("/en/organizations/"))


@pytest.mark.parametrize("decision", ["verify", "reject"])
def test_decided_organisations_are_public(client, decision):
    org = make_org(verified=False)
    org_actions.decide_verification(Actor(site_admin()), org, decision, Bilingual("근거", "Basis"), now=utcnow(),
                                    notify=False)
    assert client.get(f"/en/organizations/{org.slug}").status_code == 200


def test_an_unknown_organisation_is_404_in_the_pages_language(client):
    r = client.get("/ko/organizations/no-such-org")
    assert r.status_code == 404 and ko("Page not found") in page_text(r)


# ---- editing ---------------------------------------------------------------------------------------

def _edit(client, org, **overrides):
    data = {"name-ko": org.name.ko, "name-en": org.name.en, "short_name-ko": "", "short_name-en": "",
            "kind": str(org.kind), "subkind": str(org.subkind or ""), "website": org.website or "",
            "description-ko": "새 소개", "description-en": "New description"}
    data.update(overrides)
    return client.post(f"/en/organizations/{org.slug}/edit", data=data)


def test_an_admin_edits_the_profile(client, login, record_size):
    admin = make_person()
    org = make_org(admin=admin)
    login(admin)
    assert client.get(f"/en/organizations/{org.slug}/edit").status_code == 200
    before = record_size()
    r = _edit(client, org, **{"name-en": "Renamed Rights Group"})
    assert r.status_code == 303
    db.session.refresh(org)
    assert org.name.en == "Renamed Rights Group" and org.description.en == "New description"
    assert record_size() == before + 1
    assert "Renamed Rights Group" in page_text(client.get(f"/en/organizations/{org.slug}"))


def test_the_kind_of_a_verified_organisation_cannot_change(client, login):
    admin = make_person()
    org = make_org(admin=admin)
    login(admin)
    before = db_state()
    r = _edit(client, org, kind="industry")
    assert r.status_code == 422
    assert shows(r, "The kind of a verified organisation cannot be changed.")
    assert db_state() == before


def test_the_kind_of_a_pending_organisation_can_change(client, login):
    admin = make_person()
    org = make_org(admin=admin, verified=False)
    login(admin)
    assert _edit(client, org, kind="academia").status_code == 303
    db.session.refresh(org)
    assert org.kind == OrgKind.ACADEMIA


@pytest.mark.parametrize("who", ["editor", "other org admin", "verified person", "platform admin"])
def test_only_the_organisations_admins_edit(app, who):
    admin, editor = make_person(), make_person()
    org = make_org(admin=admin, editors=(editor,))
    people = {"editor": editor, "other org admin": None, "verified person": make_person(),
              "platform admin": site_admin()}
    if who == "other org admin":
        people[who] = make_person()
        make_org(admin=people[who])
    c = client_for(app, people[who])
    before = db_state()
    assert c.get(f"/en/organizations/{org.slug}/edit").status_code == 403
    r = _edit(c, org, **{"name-en": "Hijacked"})
    assert r.status_code == 403 and shows(r, "You do not have permission")
    assert db_state() == before


def test_editing_needs_a_login_and_a_real_organisation(client, login):
    org = make_org()
    r = client.get(f"/en/organizations/{org.slug}/edit")
    assert r.status_code == 302 and "/en/login" in r.headers["Location"]
    login(make_person())
    assert client.get("/en/organizations/nope/edit").status_code == 404


def test_edit_without_csrf_token_changes_nothing(client, login):
    admin = make_person()
    org = make_org(admin=admin)
    login(admin)
    before = db_state()
    r = client.post(f"/en/organizations/{org.slug}/edit", data={**GOOD, "name-en": "Changed"}, csrf=False)
    assert r.status_code == 400 and db_state() == before


@pytest.mark.parametrize(("overrides", "message"), BAD_ORGS[:8], ids=[m[:30] for _, m in BAD_ORGS[:8]])
def test_bad_edits_change_nothing(client, login, overrides, message):
    admin = make_person()
    org = make_org(admin=admin)
    login(admin)
    before = db_state()
    r = _edit(client, org, **overrides)
    assert r.status_code == 422 and shows(r, message)
    assert db_state() == before


def test_an_edit_that_changes_nothing_records_nothing(client, login, record_size):
    admin = make_person()
    org = make_org(admin=admin)
    login(admin)
    _edit(client, org)  # description changes
    before = record_size()
    assert _edit(client, org).status_code == 303
    assert record_size() == before
