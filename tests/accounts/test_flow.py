"""Registration → verification → login → logout, at the HTTP level."""
from __future__ import annotations

import re

from consult.accounts.models import Person
from consult.extensions import db
from consult.record import Event, EventType

from ..conftest import PASSWORD, count


def _register(client, **overrides):
    data = {"email": "New.Person@Example.org", "display_name": "김새봄", "display_name_latin": "Kim Saebom",
            "password": PASSWORD, "password_again": PASSWORD, "locale": "ko", "consent_collection": "y"}
    data.update(overrides)
    return client.post("/ko/register", data=data)


def test_register_verify_and_log_in(client, outbox, record_size):
    r = _register(client)
    assert r.status_code == 303
    person = db.session.scalar(db.select(Person))
    assert person.email == "new.person@example.org" and not person.is_verified
    assert person.consent_publish_name is False  # the optional consent was not given
    [mail] = outbox()
    assert mail.to_address == "new.person@example.org"
    link = re.search(r"http://gongnon\.test(/ko/verify-email/\S+)", mail.body).group(1)
    assert client.get(link).status_code == 303
    db.session.refresh(person)
    assert person.is_verified
    types = [e.event_type for e in db.session.scalars(db.select(Event).order_by(Event.seq))]
    assert types == [EventType.ACCOUNT_REGISTERED, EventType.ACCOUNT_EMAIL_VERIFIED]
    # a second use of the link changes nothing
    assert client.get(link).status_code == 303 and record_size() == 2
    client.post("/ko/logout")
    r = client.post("/en/login", data={"email": "NEW.person@example.org", "password": PASSWORD})
    assert r.status_code == 303 and r.headers["Location"].endswith("/en/account")
    assert "김새봄" in client.get("/en/account").get_data(as_text=True)


def test_registration_needs_the_required_consent_and_saves_nothing_without_it(client, record_size):
    r = _register(client, consent_collection="")
    assert r.status_code == 422
    assert "consent" in r.get_data(as_text=True)
    assert count(Person) == 0 and record_size() == 0


def test_duplicate_email_is_refused(client, outbox):
    assert _register(client).status_code == 303
    client.post("/ko/logout")
    r = _register(client, email="new.person@EXAMPLE.org")
    assert r.status_code == 422 and count(Person) == 1 and len(outbox()) == 1


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    _register(client)
    client.post("/ko/logout")
    r = client.post("/en/login", data={"email": "new.person@example.org", "password": "wrong password"})
    assert r.status_code == 422
    assert "email address or password is not correct" in r.get_data(as_text=True)
