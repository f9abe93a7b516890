"""Forgotten and changed passwords: no account enumeration, one-use expiring links, other sessions end."""
from __future__ import annotations

import re
import time

import itsdangerous
import pytest
from sqlalchemy import select

from consult.accounts.models import Person
from consult.extensions import db

from ..conftest import PASSWORD
from ..factories import make_person
from ..web.support import client_for, db_state, flashes, ko, page_text, shows

NEW_PASSWORD = "a much better passphrase"


def _reset_link(outbox, lang="en") -> str:
    return re.search(rf"http://gongnon\.test(/{lang}/password/reset/\S+)", outbox()[-1].body).group(1)


def _forgot(client, email, lang="en"):
    return client.post(f"/{lang}/password/forgot", data={"email": email})


def test_forgot_password_sends_a_link_to_the_account(client, outbox):
    make_person(email="ha.neul@example.org")
    r = _forgot(client, "Ha.Neul@example.org ")
    assert r.status_code == 303 and r.headers["Location"] == "/en/login"
    [mail] = outbox()
    assert mail.to_address == "ha.neul@example.org" and mail.subject == "Set a new password for Gongnon"
    assert "/en/password/reset/" in mail.body


def test_forgot_password_does_not_reveal_whether_an_account_exists(app, client, outbox):
    make_person(email="ha.neul@example.org")
    known = _forgot(client, "ha.neul@example.org")
    known_flash = flashes(client)
    other = app.test_client()
    unknown = _forgot(other, "nobody@example.org")
    unknown_flash = flashes(other)
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    assert known_flash == unknown_flash and shows(known_flash, "If an account uses that address")
    assert [m.to_address for m in outbox()] == ["ha.neul@example.org"]


def test_an_erased_account_gets_no_reset_mail(client, login, outbox):
    person = make_person(email="gone@example.org")
    login(person)
    client.post("/en/account/delete", data={"confirm_email": "gone@example.org", "password": PASSWORD})
    r = _forgot(client, "gone@example.org")
    assert r.status_code == 303 and outbox() == []


@pytest.mark.parametrize("email,message", [
    ("not-an-email", "Enter a valid email address, such as name@example.org."),
    ("", "Enter your email address."),
    ("a" * 250 + "@example.org", "At most 254 characters."),
])
def test_forgot_password_form_errors(client, email, message):
    before = db_state()
    r = _forgot(client, email)
    assert r.status_code == 422 and shows(r, message)
    assert db_state() == before


def test_forgot_password_without_csrf_token_changes_nothing(client):
    make_person(email="ha.neul@example.org")
    before = db_state()
    r = client.post("/en/password/forgot", data={"email": "ha.neul@example.org"}, csrf=False)
    assert r.status_code == 400 and db_state() == before


def test_reset_sets_the_password_once_and_ends_every_other_session(app, client, outbox):
    person = make_person(email="ha.neul@example.org")
    laptop = client_for(app, person)  # a session that must end
    assert laptop.get("/en/account").status_code == 200
    _forgot(client, "ha.neul@example.org")
    link = _reset_link(outbox)
    assert client.get(link).status_code == 200
    r = client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert r.status_code == 303 and r.headers["Location"] == "/en/login"
    # the old session cookie stops working
    r = laptop.get("/en/account")
    assert r.status_code == 302 and "/en/login" in r.headers["Location"]
    # old password refused, new one works
    assert client.post("/en/login", data={"email": person.email, "password": PASSWORD}).status_code == 422
    assert client.post("/en/login", data={"email": person.email, "password": NEW_PASSWORD}).status_code == 303
    # the link was for the old password: it cannot be used again
    client.post("/en/logout")
    r = client.get(link)
    assert r.status_code == 400 and shows(r, "This password reset link is invalid or has expired.")
    before = db_state()
    r = client.post(link, data={"password": "yet another passphrase", "password_again": "yet another passphrase"})
    assert r.status_code == 400 and db_state() == before


def test_reset_verifies_an_unverified_address(client, outbox):
    make_person(email="late@example.org", verified=False)
    _forgot(client, "late@example.org")
    client.post(_reset_link(outbox), data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert db.session.scalar(select(Person).where(Person.email == "late@example.org")).is_verified


def test_an_expired_reset_link_is_refused(client, outbox, monkeypatch):
    make_person(email="ha.neul@example.org")
    three_hours_ago = int(time.time()) - 3 * 3600
    with monkeypatch.context() as m:
        m.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: three_hours_ago)
        _forgot(client, "ha.neul@example.org")
    link = _reset_link(outbox)
    before = db_state()
    r = client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert r.status_code == 400 and shows(r, "This password reset link is invalid or has expired.")
    assert db_state() == before


@pytest.mark.parametrize("mangle", [
    lambda link: link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"),  # bad signature
    lambda link: link.rsplit("/", 1)[0] + "/not-a-token",
    lambda link: link.replace("/en/password/reset/", "/en/verify-email/"),  # a reset token is no verification
])
def test_a_tampered_or_misused_link_is_refused(client, outbox, mangle):
    make_person(email="ha.neul@example.org", verified=False)
    _forgot(client, "ha.neul@example.org")
    before = db_state()
    r = client.get(mangle(_reset_link(outbox)))
    assert r.status_code == 400
    assert shows(r, "invalid or has expired")
    assert db_state() == before


def test_a_verification_token_does_not_reset_a_password(client, outbox):
    from tests.accounts.test_register_login import GOOD
    client.post("/en/register", data=GOOD)
    token = re.search(r"/en/verify-email/(\S+)", outbox()[-1].body).group(1)
    r = client.get(f"/en/password/reset/{token}")
    assert r.status_code == 400


@pytest.mark.parametrize("data,message", [
    ({"password": "short", "password_again": "short"}, "Use between 10 and 200 characters."),
    ({"password": NEW_PASSWORD, "password_again": "something else"}, "The two passwords do not match."),
    ({"password": "", "password_again": ""}, "Enter a password."),
])
def test_reset_form_errors_keep_the_old_password_and_the_link(client, outbox, data, message):
    person = make_person(email="ha.neul@example.org")
    _forgot(client, "ha.neul@example.org")
    link = _reset_link(outbox)
    before = db_state()
    r = client.post(link, data=data)
    assert r.status_code == 422 and shows(r, message)
    assert db_state() == before
    assert client.get(link).status_code == 200  # still usable
    assert client.post("/en/login", data={"email": person.email, "password": PASSWORD}).status_code == 303


def test_reset_without_csrf_token_changes_nothing(client, outbox):
    make_person(email="ha.neul@example.org")
    _forgot(client, "ha.neul@example.org")
    link = _reset_link(outbox)
    before = db_state()
    r = client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, csrf=False)
    assert r.status_code == 400 and db_state() == before


def test_korean_reset_mail_and_page(client, outbox):
    make_person(email="ha.neul@example.org")
    _forgot(client, "ha.neul@example.org", lang="ko")
    mail = outbox()[-1]
    assert mail.subject == ko("Set a new password for Gongnon")
    link = _reset_link(outbox, lang="ko")
    r = client.post(link, data={"password": "short", "password_again": "short"})
    assert r.status_code == 422
    assert ko("Use between %(min)d and %(max)d characters.", min=10, max=200) in page_text(r)


# ---- change password (logged in) -------------------------------------------------------------------

def _change(client, current=PASSWORD, new=NEW_PASSWORD, again=None, **kwargs):
    return client.post("/en/account/password", data={"current_password": current, "password": new,
                                                    "password_again": new if again is None else again}, **kwargs)


def test_change_password_keeps_this_session_and_ends_the_others(app, client, login):
    person = make_person(email="ha.neul@example.org")
    phone = client_for(app, person)
    login(person)
    r = _change(client)
    assert r.status_code == 303 and r.headers["Location"] == "/en/account"
    assert client.get("/en/account").status_code == 200
    assert phone.get("/en/account").status_code == 302
    other = app.test_client()
    assert other.post("/en/login", data={"email": person.email, "password": NEW_PASSWORD}).status_code == 303


@pytest.mark.parametrize("kwargs,message", [
    ({"current": "not my password"}, "The current password is not correct."),
    ({"current": ""}, "Enter your current password."),
    ({"new": "short"}, "Use between 10 and 200 characters."),
    ({"again": "something else"}, "The two passwords do not match."),
])
def test_change_password_errors_change_nothing(client, login, kwargs, message):
    login(make_person(email="ha.neul@example.org"))
    before = db_state()
    r = _change(client, **kwargs)
    assert r.status_code == 422 and shows(r, message)
    assert db_state() == before
    assert client.get("/en/account").status_code == 200


def test_change_password_without_csrf_token_changes_nothing(client, login):
    login(make_person())
    before = db_state()
    assert _change(client, csrf=False).status_code == 400
    assert db_state() == before


def test_change_password_needs_a_login(client):
    r = _change(client)
    assert r.status_code == 302 and "/en/login" in r.headers["Location"]
