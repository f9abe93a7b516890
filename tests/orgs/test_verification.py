"""The verification queue: only platform admins, never for their own organisation, always with a
public bilingual basis that shows on the record and the organisation's page; admins get a mail."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from consult.extensions import db, utcnow
from consult.i18n import Bilingual
from consult.orgs import actions as org_actions
from consult.orgs.models import VerificationStatus
from consult.pagination import encode_cursor
from consult.policy import Actor
from consult.record import Event, EventType

from ..factories import make_org, make_person
from ..web.support import client_for, db_state, flashes, ko, page_text, shows, site_admin

BASIS = {"decision": "verify", "note-ko": "고유번호증과 정관을 확인함", "note-en": "Checked the registration and statutes"}


@pytest.fixture
def pending(app):
    founder = make_person(email="founder@example.org", locale="en")
    org = make_org(admin=founder, verified=False, name_ko="시민AI감시단", name_en="Citizen AI Watch")
    return org


@pytest.fixture
def admin_client(app):
    return client_for(app, site_admin())


def _decide(c, org, lang="en", **data):
    return c.post(f"/{lang}/admin/organizations/{org.slug}", data={**BASIS, **data})


def _last_event() -> Event:
    db.session.expire_all()
    return db.session.scalars(select(Event).order_by(Event.seq.desc())).first()


# ---- the queue -------------------------------------------------------------------------------------

def test_the_queue_lists_pending_organisations_for_platform_admins(admin_client, pending):
    r = admin_client.get("/en/admin/organizations")
    assert r.status_code == 200 and "Citizen AI Watch" in page_text(r)
    r = admin_client.get("/en/admin/organizations?status=verified")
    assert r.status_code == 200 and "Citizen AI Watch" not in page_text(r)


@pytest.mark.parametrize("who", ["verified person", "org admin", "founder of the pending org"])
def test_the_queue_is_closed_to_everyone_else(app, client, pending, who):
    r = client.get("/en/admin/organizations")
    assert r.status_code == 302 and "/en/login" in r.headers["Location"]
    person = {"verified person": make_person(), "org admin": None, "founder of the pending org": None}[who]
    if who == "org admin":
        person = make_person()
        make_org(admin=person)
    if who == "founder of the pending org":
        from consult.accounts.models import Person
        person = db.session.scalar(select(Person).where(Person.email == "founder@example.org"))
    c = client_for(app, person)
    r = c.get("/en/admin/organizations")
    assert r.status_code == 403 and shows(r, "You do not have permission")
    before = db_state()
    assert c.get(f"/en/admin/organizations/{pending.slug}").status_code == 403
    assert _decide(c, pending).status_code == 403
    assert db_state() == before


@pytest.mark.parametrize("query", ["status=approved", "after=%21%21", "after=" + encode_cursor(["yesterday", 1]),
                                   "after=" + encode_cursor(["2024-01-01T00:00:00", 1]),
                                   "after=" + encode_cursor(["2024-01-01", 1]),
                                   "after=" + encode_cursor(["2024-01-01T00:00:00+00:00", 2**70])])
def test_bad_queue_parameters_are_400(admin_client, query):
    assert admin_client.get(f"/en/admin/organizations?{query}").status_code == 400


def test_the_queue_pages_by_keyset(admin_client):
    for n in range(35):
        make_org(verified=False, name_en=f"Pending Group {n:02d}")
    seen, url = [], "/en/admin/organizations"
    while url:
        page = page_text(admin_client.get(url))
        seen += [int(n) for n in re.findall(r"lang=\"en\">Pending Group (\d\d)</span>", page)]
        more = re.search(r'class="more">\s*<a[^>]* href="([^"]+)"', page)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert seen == list(range(35))


# ---- deciding --------------------------------------------------------------------------------------

def test_verifying_publishes_the_basis_and_mails_the_admins(admin_client, client, pending, outbox, record_size):
    before = record_size()
    assert admin_client.get(f"/en/admin/organizations/{pending.slug}").status_code == 200
    r = _decide(admin_client, pending)
    assert r.status_code == 303 and r.headers["Location"] == "/en/admin/organizations"
    assert shows(flashes(admin_client), "The decision was recorded and published.")
    db.session.refresh(pending)
    assert pending.status == VerificationStatus.VERIFIED and pending.decided_at is not None
    assert pending.decision_note == Bilingual("고유번호증과 정관을 확인함", "Checked the registration and statutes")
    event = _last_event()
    assert event.event_type == EventType.ORGANIZATION_VERIFIED and record_size() == before + 1
    assert event.subject_type == "organization" and event.subject_id == pending.id
    assert json.loads(event.leaf)["payload"] == {
        "note": {"en": "Checked the registration and statutes", "ko": "고유번호증과 정관을 확인함"},
        "status": "verified"}
    # public: on the log and on the organisation's page, in each language
    log = page_text(client.get("/en/log"))
    assert shows(log, "Organisation verified") and "Citizen AI Watch" in log
    assert shows(page_text(client.get("/en/log?type=organization.verified")), "Organisation verified")
    assert "Checked the registration and statutes" in page_text(client.get(f"/en/organizations/{pending.slug}"))
    ko_page = page_text(client.get(f"/ko/organizations/{pending.slug}"))
    assert "고유번호증과 정관을 확인함" in ko_page and ko("Verified") in ko_page
    # the organisation's admin is told, in their language
    [mail] = [m for m in outbox() if m.to_address == "founder@example.org"]
    assert mail.subject == "Verification decision for Citizen AI Watch"
    assert "Checked the registration and statutes" in mail.body and f"/en/organizations/{pending.slug}" in mail.body


def test_rejecting_and_revoking(admin_client, client, pending, outbox):
    r = _decide(admin_client, pending, decision="reject", **{"note-ko": "활동 실적 확인 불가", "note-en": ""})
    assert r.status_code == 303
    db.session.refresh(pending)
    assert pending.status == VerificationStatus.REJECTED
    assert _last_event().event_type == EventType.ORGANIZATION_REJECTED
    page = page_text(client.get(f"/en/organizations/{pending.slug}"))
    assert shows(page, "Verification rejected") and "활동 실적 확인 불가" in page
    verified = make_org()
    assert _decide(admin_client, verified, decision="revoke",
                   **{"note-ko": "해산", "note-en": "Dissolved"}).status_code == 303
    db.session.refresh(verified)
    assert verified.status == VerificationStatus.REVOKED and not verified.is_verified
    assert _last_event().event_type == EventType.ORGANIZATION_REVOKED
    assert "Dissolved" in page_text(client.get(f"/en/organizations/{verified.slug}"))


def test_a_revoked_organisation_can_be_verified_again(admin_client, pending):
    _decide(admin_client, pending)
    _decide(admin_client, pending, decision="revoke", **{"note-en": "Mistake in the registration number"})
    r = _decide(admin_client, pending, **{"note-en": "Corrected registration number checked"})
    assert r.status_code == 303
    db.session.refresh(pending)
    assert pending.is_verified


BAD_DECISIONS = [
    ({"note-ko": "", "note-en": ""}, "Fill in at least one language."),
    ({"note-en": "n" * 1001}, "At most 1000 characters."),
    ({"note-en": "<script>alert(1)</script>"}, "This field cannot contain HTML tags."),
    ({"note-ko": "확인\u200b함"}, "Remove the control or invisible characters from this field."),
    ({"decision": "approve"}, "Not a valid choice."),
    ({"decision": ""}, "Choose a decision."),
    ({"decision": "revoke"}, "This decision does not apply to the organisation's current state."),
]


@pytest.mark.parametrize(("data", "message"), BAD_DECISIONS, ids=[m[:30] for _, m in BAD_DECISIONS])
def test_bad_decisions_change_nothing(admin_client, pending, data, message):
    before = db_state()
    r = _decide(admin_client, pending, **data)
    assert r.status_code == 422 and shows(r, message)
    assert db_state() == before


def test_korean_decision_error(admin_client, pending):
    r = _decide(admin_client, pending, lang="ko", **{"note-ko": "", "note-en": ""})
    assert r.status_code == 422 and ko("Fill in at least one language.") in page_text(r)


def test_deciding_without_csrf_token_changes_nothing(admin_client, pending):
    before = db_state()
    r = admin_client.post(f"/en/admin/organizations/{pending.slug}", data=BASIS, csrf=False)
    assert r.status_code == 400 and db_state() == before


def test_a_platform_admin_cannot_decide_for_their_own_organisation(app, pending):
    member_admin = make_person(email="member.admin@example.org", platform_admin=True)
    own = make_org(admin=member_admin, verified=False, name_en="Admins Own Group")
    c = client_for(app, member_admin)
    before = db_state()
    assert c.get(f"/en/admin/organizations/{own.slug}").status_code == 403
    r = _decide(c, own)
    assert r.status_code == 403 and db_state() == before
    # the button is not offered on the organisation's page either
    assert not shows(page_text(c.get(f"/en/organizations/{own.slug}")), "Decide verification")
    # other organisations are fine
    assert _decide(c, pending).status_code == 303


def test_a_rejected_organisation_can_be_verified_later_but_not_rejected_twice(admin_client, pending):
    org_actions.decide_verification(Actor(site_admin()), pending, "reject", Bilingual("사유", "Reason"),
                                    now=utcnow(), notify=False)
    assert admin_client.get(f"/en/admin/organizations/{pending.slug}").status_code == 200
    before = db_state()
    assert _decide(admin_client, pending, decision="reject").status_code == 422
    assert db_state() == before
    assert _decide(admin_client, pending, decision="verify").status_code == 303
    db.session.refresh(pending)
    assert pending.status == VerificationStatus.VERIFIED


def test_an_unknown_organisation_is_404(admin_client):
    assert admin_client.get("/en/admin/organizations/no-such-org").status_code == 404
