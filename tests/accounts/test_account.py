"""The account page: email verification links, profile and consent, data download, account deletion."""
from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import itsdangerous
import pytest
from sqlalchemy import select

from consult.accounts import tokens
from consult.accounts.models import Person
from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.mail.models import OutboxMessage
from consult.orgs import actions as org_actions
from consult.orgs.models import Membership, Role
from consult.record import Event, EventType, PersonKey

from ..conftest import PASSWORD, count
from ..factories import make_org, make_person
from ..web.support import db_state, flashes, ko, page_text, shows
from .test_register_login import GOOD


def _verification_link(outbox) -> str:
    return re.search(r"http://gongnon\.test(/\w\w/verify-email/\S+)", outbox()[-1].body).group(1)


# ---- email verification ----------------------------------------------------------------------------

def test_verification_link_works_once_and_only_for_its_address(client, outbox, record_size):
    client.post("/en/register", data=GOOD)
    link = _verification_link(outbox)
    r = client.get(link)
    assert r.status_code == 303 and r.headers["Location"] == "/en/account"
    assert shows(flashes(client), "Your email address is verified.")
    assert db.session.scalar(select(Person)).is_verified
    size = record_size()
    assert client.get(link).status_code == 303 and record_size() == size  # idempotent


@pytest.mark.parametrize("token", ["not-a-token", "W1syLCJhYmMiXV0.aaaa.bbbb", ""])
def test_a_bad_verification_token_is_refused(client, outbox, token):
    client.post("/en/register", data=GOOD)
    before = db_state()
    r = client.get(f"/en/verify-email/{token}")
    if token == "":
        assert r.status_code == 404
    else:
        assert r.status_code == 400 and shows(r, "This verification link is invalid or has expired.")
    assert db_state() == before


def test_an_expired_verification_link_is_refused(client, outbox, monkeypatch):
    eight_days_ago = int(time.time()) - 8 * 24 * 3600
    with monkeypatch.context() as m:
        m.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
        client.post("/en/register", data=GOOD)
    before = db_state()
    r = client.get(_verification_link(outbox))
    assert r.status_code == 400 and shows(r, "This verification link is invalid or has expired.")
    assert db_state() == before


def test_a_token_for_an_erased_account_is_refused(client, login, outbox):
    person = make_person(email="gone@example.org", verified=False)
    token = tokens.make(tokens.VERIFY_EMAIL, person.id, person.email)
    login(person)
    client.post("/en/account/delete", data={"confirm_email": "gone@example.org", "password": PASSWORD})
    before = db_state()
    assert client.get(f"/en/verify-email/{token}").status_code == 400
    assert db_state() == before


def test_resend_verification(client, outbox):
    client.post("/en/register", data=GOOD)
    r = client.post("/en/account/resend-verification")
    assert r.status_code == 303 and len(outbox()) == 2
    assert shows(flashes(client, "/en/account"), "We sent a new verification link to new.person@example.org.")
    client.get(_verification_link(outbox))
    before = db_state()
    client.post("/en/account/resend-verification")
    assert shows(flashes(client, "/en/account"), "Your email address is already verified.")
    assert db_state() == before


def test_resend_verification_needs_csrf_and_a_login(app, client, outbox):
    client.post("/en/register", data=GOOD)
    before = db_state()
    assert client.post("/en/account/resend-verification", csrf=False).status_code == 400
    assert app.test_client().post("/en/account/resend-verification").status_code == 302
    assert db_state() == before


# ---- profile and consent ---------------------------------------------------------------------------

def _profile(client, **overrides):
    data = {"display_name": "김하늘", "display_name_latin": "Kim Ha-neul", "locale": "ko",
            "consent_publish_name": "y"}
    data.update(overrides)
    return client.post("/en/account/profile", data={k: v for k, v in data.items() if v is not None})


def test_profile_update(client, login):
    person = make_person(email="ha.neul@example.org", publish_name=False, locale="en")
    login(person)
    r = _profile(client)
    assert r.status_code == 303 and r.headers["Location"] == "/en/account"
    db.session.refresh(person)
    assert (person.display_name, person.display_name_latin, person.locale) == ("김하늘", "Kim Ha-neul", "ko")
    assert person.consent_publish_name and person.consent_publish_name_at is not None
    assert "Kim Ha-neul" in page_text(client.get("/en/account"))


def test_withdrawing_consent_hides_the_name(client, login):
    person = make_person(email="ha.neul@example.org", publish_name=True, name="김하늘")
    login(person)
    r = _profile(client, consent_publish_name=None)  # the box left unticked
    assert r.status_code == 303
    db.session.refresh(person)
    assert person.consent_publish_name is False and person.consent_publish_name_at is None
    page = page_text(client.get("/en/account"))
    shown = re.search(r"<dt>Shown to others as</dt><dd>(.*?)</dd>", page).group(1)
    assert shown == "Individual (name withheld)"


BAD_PROFILES = [
    ({"display_name": "가" * 81}, "At most 80 characters."),
    ({"display_name": ""}, "Enter the name to show on the platform."),
    ({"display_name": "<script>alert(1)</script>"}, "This field cannot contain HTML tags"),
    ({"display_name_latin": "Kim\u2066Ha"}, "Remove the control or invisible characters from this field."),
    ({"display_name": "김\x1b[31m"}, "Remove the control or invisible characters from this field."),
    ({"locale": "ja"}, "Not a valid choice."),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_PROFILES, ids=[m for _, m in BAD_PROFILES])
def test_bad_profile_input_changes_nothing(client, login, overrides, message):
    login(make_person(email="ha.neul@example.org"))
    before = db_state()
    r = _profile(client, **overrides)
    assert r.status_code == 422 and shows(r, message)
    assert db_state() == before


def test_profile_without_csrf_token_changes_nothing(client, login):
    login(make_person())
    before = db_state()
    r = client.post("/en/account/profile", data={"display_name": "바뀐 이름", "locale": "ko"}, csrf=False)
    assert r.status_code == 400 and db_state() == before


def test_korean_profile_error(client, login):
    login(make_person())
    r = client.post("/ko/account/profile", data={"display_name": "", "locale": "ko"})
    assert r.status_code == 422 and ko("Enter the name to show on the platform.") in page_text(r)


# ---- download my data ------------------------------------------------------------------------------

def test_download_my_data(client, login):
    person = make_person(email="ha.neul@example.org", name="김하늘")
    org = make_org(admin=person, name_ko="참여연대 테스트", name_en="Test Solidarity")
    login(person)
    r = client.get("/en/account/data.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in r.headers["Cache-Control"]
    data = json.loads(r.get_data(as_text=True))
    assert data["account"]["email"] == "ha.neul@example.org" and data["account"]["display_name"] == "김하늘"
    assert data["memberships"] == [{"organization": org.slug, "role": "admin", "title": {"ko": None, "en": None},
                                    "since": data["memberships"][0]["since"]}]
    assert data["record"]["commitment"] == db.session.get(PersonKey, person.id).commitment
    assert data["consents"]["collection_and_use"] is not None
    assert "김하늘" in r.get_data(as_text=True)  # UTF-8, not \\u escapes


def test_download_my_data_needs_a_login(client):
    r = client.get("/en/account/data.json")
    assert r.status_code == 302 and "/en/login" in r.headers["Location"]


# ---- delete my account -----------------------------------------------------------------------------

def test_delete_account_erases_the_person_and_keeps_the_record(app, client, login, record_size):
    person = make_person(email="ha.neul@example.org", name="김하늘")
    other_admin = make_person()
    org = make_org(admin=other_admin)
    org_actions.add_member_directly(org, person, Role.EDITOR, Bilingual("간사", "Officer"), now=utcnow())
    leaves = [e.leaf for e in db.session.scalars(select(Event).order_by(Event.seq))]
    login(person)
    assert client.get("/en/account/delete").status_code == 200
    r = client.post("/en/account/delete", data={"confirm_email": "Ha.Neul@example.org", "password": PASSWORD})
    assert r.status_code == 303 and r.headers["Location"] == "/en/"
    assert shows(flashes(client), "Your account was deleted.")
    assert client.get("/en/account").status_code == 302  # logged out
    db.session.expire_all()
    erased = db.session.get(Person, person.id)
    assert erased.email is None and erased.display_name is None and erased.display_name_latin is None
    assert erased.password_hash is None and erased.erased_at is not None
    assert db.session.get(PersonKey, person.id) is None
    assert count(Membership) == 1  # the other admin's
    events = list(db.session.scalars(select(Event).order_by(Event.seq)))
    assert [e.leaf for e in events[:len(leaves)]] == leaves
    assert events[-1].event_type == EventType.ACCOUNT_ERASED and record_size() == len(leaves) + 1
    r = client.post("/en/login", data={"email": "ha.neul@example.org", "password": PASSWORD})
    assert r.status_code == 422
    assert "김하늘" not in page_text(client.get(f"/en/organizations/{org.slug}"))


def test_deleting_an_account_drops_its_unsent_mail(client, outbox):
    client.post("/en/register", data=GOOD)
    assert len(outbox()) == 1
    client.post("/en/account/delete", data={"confirm_email": GOOD["email"], "password": PASSWORD})
    assert outbox() == [] and count(OutboxMessage) == 0


@pytest.mark.parametrize("data,message", [
    ({"confirm_email": "someone.else@example.org", "password": PASSWORD},
     "This is not the email address of your account."),
    ({"confirm_email": "ha.neul@example.org", "password": "wrong password"}, "The password is not correct."),
    ({"confirm_email": "", "password": PASSWORD}, "Enter your email address."),
    ({"confirm_email": "ha.neul@example.org", "password": ""}, "Enter your password."),
])
def test_delete_account_refuses_a_wrong_confirmation(client, login, data, message):
    login(make_person(email="ha.neul@example.org"))
    before = db_state()
    r = client.post("/en/account/delete", data=data)
    assert r.status_code == 422 and shows(r, message)
    assert db_state() == before
    assert client.get("/en/account").status_code == 200


def test_delete_account_without_csrf_token_changes_nothing(client, login):
    login(make_person(email="ha.neul@example.org"))
    before = db_state()
    r = client.post("/en/account/delete", data={"confirm_email": "ha.neul@example.org", "password": PASSWORD},
                    csrf=False)
    assert r.status_code == 400 and db_state() == before


def test_korean_delete_error(client, login):
    login(make_person(email="ha.neul@example.org"))
    r = client.post("/ko/account/delete", data={"confirm_email": "x@example.org", "password": PASSWORD})
    assert r.status_code == 422 and ko("This is not the email address of your account.") in page_text(r)


def test_account_pages_need_a_login(client):
    for url in ("/en/account", "/en/account/delete"):
        r = client.get(url)
        assert r.status_code == 302 and r.headers["Location"].startswith("/en/login?next=")
    assert client.post("/en/account/delete", data={"confirm_email": "x@example.org",
                                                    "password": PASSWORD}).status_code == 302


def test_invitations_expire_with_the_erased_address(client, login, outbox):
    admin = make_person()
    org = make_org(admin=admin)
    invitee = make_person(email="invitee@example.org")
    org_actions.invite_member(policy_actor(admin, org), org, "invitee@example.org", Role.EDITOR, lang="en",
                              now=utcnow() - timedelta(minutes=1))
    login(invitee)
    client.post("/en/account/delete", data={"confirm_email": "invitee@example.org", "password": PASSWORD})
    from consult.orgs.models import MemberInvitation
    assert count(MemberInvitation) == 0


def policy_actor(person, org):
    from consult.accounts.queries import actor_in
    return actor_in(person, org)
