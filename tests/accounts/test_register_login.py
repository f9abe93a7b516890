"""Registration, login (with throttling and safe redirects) and logout, through the web forms."""
from __future__ import annotations

import html
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from consult.accounts.models import Person
from consult.extensions import db

from ..conftest import PASSWORD
from ..factories import make_person
from ..web.support import db_state, ko, page_text, shows

GOOD = {"email": "new.person@example.org", "display_name": "김새봄", "display_name_latin": "Kim Saebom",
        "password": PASSWORD, "password_again": PASSWORD, "locale": "en", "consent_collection": "y"}


def _register(client, lang="en", **overrides):
    return client.post(f"/{lang}/register", data={**GOOD, **overrides})


def test_registration_creates_an_unverified_account_and_queues_one_mail(client, outbox, record_size):
    r = _register(client, consent_publish_name="y")
    assert r.status_code == 303 and r.headers["Location"] == "/en/account"
    person = db.session.scalar(select(Person))
    assert (person.email, person.display_name, person.display_name_latin, person.locale) == \
        ("new.person@example.org", "김새봄", "Kim Saebom", "en")
    assert not person.is_verified and person.consent_publish_name and person.consent_publish_name_at
    assert person.password_hash and PASSWORD not in person.password_hash
    [mail] = outbox()
    assert mail.to_address == "new.person@example.org" and "/en/verify-email/" in mail.body
    assert record_size() == 1
    assert "new.person@example.org" in page_text(client.get("/en/account"))  # logged in right away


BAD_REGISTRATIONS = [
    ({"email": "a" * 250 + "@example.org"}, "At most 254 characters."),
    ({"email": "not-an-email"}, "Enter a valid email address, such as name@example.org."),
    ({"email": ""}, "Enter your email address."),
    ({"display_name": "가" * 81}, "At most 80 characters."),
    ({"display_name": ""}, "Enter the name to show on the platform."),
    ({"display_name": "<script>alert(1)</script>"}, "This field cannot contain HTML tags."),
    ({"display_name": "김<img src=x onerror=alert(1)>"}, "This field cannot contain HTML tags."),
    ({"display_name_latin": "<b>Kim</b>"}, "This field cannot contain HTML tags."),
    ({"display_name": "김\x07하늘"}, "Remove the control or invisible characters from this field."),
    ({"display_name": "김\u200b하늘"}, "Remove the control or invisible characters from this field."),
    ({"display_name": "김\u202e하늘"}, "Remove the control or invisible characters from this field."),
    ({"display_name_latin": "Kim\x00"}, "Remove the control or invisible characters from this field."),
    ({"password": "short", "password_again": "short"}, "Use between 10 and 200 characters."),
    ({"password": "x" * 201, "password_again": "x" * 201}, "Use between 10 and 200 characters."),
    ({"password_again": "another password"}, "The two passwords do not match."),
    ({"locale": "fr"}, "Not a valid choice."),
    ({"locale": ""}, "Choose a language."),
    ({"consent_collection": ""}, "Registration needs your consent to the collection and use of personal data."),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_REGISTRATIONS,
                         ids=[f"{next(iter(o))}={str(next(iter(o.values())))[:12]!r}" for o, _ in BAD_REGISTRATIONS])
def test_bad_registration_is_refused_at_its_field_and_saves_nothing(client, overrides, message):
    before = db_state()
    r = _register(client, **overrides)
    assert r.status_code == 422
    assert shows(r, message)
    assert db_state() == before


def test_bad_registration_message_is_korean_on_korean_pages(client):
    before = db_state()
    r = _register(client, lang="ko", display_name="<b>김</b>", password="short", password_again="short")
    assert r.status_code == 422
    body = html.unescape(page_text(r))
    assert '<html lang="ko">' in body
    assert html.unescape(ko("This field cannot contain HTML tags.")) in body
    assert ko("Use between %(min)d and %(max)d characters.", min=10, max=200) in body
    assert db_state() == before


def test_spaces_around_the_email_are_ignored_at_registration(client):
    assert _register(client, email=" new.person@example.org  ").status_code == 303
    assert db.session.scalar(select(Person.email)) == "new.person@example.org"


def test_passwords_keep_their_spaces(client):
    assert _register(client, password="  spaced out pass  ", password_again="  spaced out pass  ").status_code == 303
    client.post("/en/logout")
    r = client.post("/en/login", data={"email": GOOD["email"], "password": "spaced out pass"})
    assert r.status_code == 422
    r = client.post("/en/login", data={"email": GOOD["email"], "password": "  spaced out pass  "})
    assert r.status_code == 303


def test_duplicate_email_is_refused_whatever_its_case(client, outbox):
    make_person(email="taken@example.org")
    before = db_state()
    r = _register(client, email="Taken@EXAMPLE.org")
    assert r.status_code == 422
    assert shows(r, "An account with this email address already exists.")
    assert db_state() == before


def test_registration_without_csrf_token_is_refused(client):
    before = db_state()
    r = client.post("/en/register", data=GOOD, csrf=False)
    assert r.status_code == 400
    assert shows(r, "The form expired or came from another site")
    assert db_state() == before


def test_a_logged_in_person_is_sent_to_their_account_instead_of_registering(client, login):
    login(make_person())
    before = db_state()
    assert client.get("/en/register").headers["Location"].endswith("/en/account")
    r = _register(client, email="second@example.org")
    assert r.status_code == 302 and db_state() == before


# ---- login -----------------------------------------------------------------------------------------

def test_login_with_any_case_of_the_email_and_spaces_around_it(client):
    make_person(email="ha.neul@example.org")
    r = client.post("/en/login", data={"email": "  Ha.Neul@Example.ORG ", "password": PASSWORD})
    assert r.status_code == 303 and r.headers["Location"] == "/en/account"


@pytest.mark.parametrize("email,password", [
    ("ha.neul@example.org", "wrong password"),
    ("nobody@example.org", PASSWORD),
])
def test_failed_login_says_the_same_whichever_part_was_wrong(client, email, password):
    make_person(email="ha.neul@example.org")
    before = db_state()
    r = client.post("/en/login", data={"email": email, "password": password})
    assert r.status_code == 422
    assert shows(r, "The email address or password is not correct.")
    assert db_state() == before
    assert client.get("/en/account").status_code == 302


def test_login_form_errors_are_translated(client):
    r = client.post("/ko/login", data={"email": "not-an-email", "password": ""})
    assert r.status_code == 422
    body = page_text(r)
    assert ko("Enter a valid email address, such as name@example.org.") in body
    assert ko("Enter your password.") in body


def test_login_without_csrf_token_is_refused(client):
    make_person(email="ha.neul@example.org")
    r = client.post("/en/login", data={"email": "ha.neul@example.org", "password": PASSWORD}, csrf=False)
    assert r.status_code == 400
    assert client.get("/en/account").status_code == 302


def test_the_eleventh_login_attempt_in_a_minute_is_throttled(client):
    make_person(email="ha.neul@example.org")
    for _ in range(10):
        assert client.post("/en/login", data={"email": "ha.neul@example.org", "password": "guess"}).status_code == 422
    r = client.post("/en/login", data={"email": "ha.neul@example.org", "password": PASSWORD})
    assert r.status_code == 429  # even the right password waits
    assert shows(r, "Too many attempts") and "Retry-After" in r.headers
    assert client.get("/en/account").status_code == 302


def test_throttling_follows_the_email_across_addresses(client):
    make_person(email="ha.neul@example.org")
    for n in range(10):
        r = client.post("/en/login", data={"email": "ha.neul@example.org", "password": "guess"},
                        environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        assert r.status_code == 422
    r = client.post("/en/login", data={"email": "ha.neul@example.org", "password": "guess"},
                    environ_base={"REMOTE_ADDR": "203.0.113.77"})
    assert r.status_code == 429


def test_the_login_limit_comes_from_the_configuration(app, client, monkeypatch):
    make_person(email="x@example.org")
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert client.post("/en/login", data={"email": "x@example.org", "password": "guess"}).status_code == 422
    r = client.post("/ko/login", data={"email": "x@example.org", "password": "guess"})
    assert r.status_code == 429 and ko("Too many attempts") in page_text(r)


def test_an_erased_account_cannot_log_in(client, login):
    person = make_person(email="gone@example.org")
    login(person)
    assert client.post("/en/account/delete", data={"confirm_email": "gone@example.org",
                                                    "password": PASSWORD}).status_code == 303
    r = client.post("/en/login", data={"email": "gone@example.org", "password": PASSWORD})
    assert r.status_code == 422


# ---- redirects after login never leave the site ----------------------------------------------------

OFF_SITE = [
    "https://evil.example", "http://evil.example/en/account", "//evil.example", "///evil.example",
    "/\\evil.example", "\\\\evil.example", "\\/evil.example", "/\t/evil.example", " //evil.example",
    "javascript:alert(1)", "JavaScript:alert(document.cookie)", "https:evil.example",
    "http://localhost@evil.example", "data:text/html,<script>alert(1)</script>", "evil.example",
]


def _on_site(location: str) -> bool:
    parts = urlsplit(location)
    return parts.scheme in ("", "http") and parts.netloc in ("", "localhost") and location.startswith("/") \
        and not location.startswith("//") and "\\" not in location


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_redirects_off_site(client, target):
    make_person(email="ha.neul@example.org")
    r = client.post("/en/login", query_string={"next": target},
                    data={"email": "ha.neul@example.org", "password": PASSWORD})
    assert r.status_code == 303
    assert _on_site(r.headers["Location"]), r.headers["Location"]
    assert r.headers["Location"] == "/en/account"
    # already logged in: the login page redirects too, also on-site
    r = client.get("/en/login", query_string={"next": target})
    assert _on_site(r.headers["Location"]), r.headers["Location"]


def test_login_returns_to_the_page_that_asked_for_it(client):
    make_person(email="ha.neul@example.org")
    r = client.get("/en/account")
    assert r.status_code == 302 and "/en/login?next=" in r.headers["Location"]
    r = client.post(r.headers["Location"], data={"email": "ha.neul@example.org", "password": PASSWORD})
    assert r.status_code == 303 and r.headers["Location"] == "/en/account"
    r2 = client.post("/en/logout")
    assert r2.status_code == 303
    r = client.post("/en/login", query_string={"next": "/en/organizations/?kind=academia"},
                    data={"email": "ha.neul@example.org", "password": PASSWORD})
    assert r.headers["Location"] == "/en/organizations/?kind=academia"


# ---- logout ----------------------------------------------------------------------------------------

def test_logout_needs_a_post_with_a_csrf_token(client, login):
    login(make_person())
    r = client.get("/en/logout")
    assert r.status_code == 405 and shows(r, "This action is not allowed here")
    r = client.post("/en/logout", csrf=False)
    assert r.status_code == 400
    assert client.get("/en/account").status_code == 200  # still logged in
    r = client.post("/en/logout")
    assert r.status_code == 303 and r.headers["Location"] == "/en/"
    assert client.get("/en/account").status_code == 302
