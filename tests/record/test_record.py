"""The record: gap-free sequence, canonical leaves, append-only at every layer, all-or-nothing actions,
and erasure that leaves every leaf byte-identical."""
from __future__ import annotations

import hashlib
import json
import re
import threading
from datetime import timedelta

import pytest
import rfc8785
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from consult import record
from consult.accounts import actions as accounts
from consult.accounts.models import Person
from consult.extensions import atomic, db, utcnow
from consult.i18n import Bilingual
from consult.mail.models import OutboxMessage
from consult.orgs.models import MemberInvitation, Membership, Organization, Role
from consult.policy import Actor
from consult.record import AppendOnlyError, Event, EventType, PersonKey

from ..conftest import IS_SQLITE, PASSWORD, count
from ..factories import make_org, make_person
from ..web.support import client_for, site_admin

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _events() -> list[Event]:
    db.session.expire_all()
    return list(db.session.scalars(select(Event).order_by(Event.seq)))


def _busy_history(app, client) -> dict:
    """What people do in the first weeks, through the web forms: register, verify, create an
    organisation, get verified, invite and accept a member, change a role, remove a member."""
    admin = site_admin()
    # a newcomer registers (name and email are personal data) and verifies the address
    r = client.post("/en/register", data={
        "email": "seo.yeon@example.org", "display_name": "윤서연", "display_name_latin": "Yoon Seoyeon",
        "password": PASSWORD, "password_again": PASSWORD, "locale": "en", "consent_collection": "y"})
    assert r.status_code == 303
    founder = db.session.scalar(select(Person).where(Person.email == "seo.yeon@example.org"))
    accounts.mark_email_verified(founder, now=utcnow())
    r = client.post("/en/organizations/new", data={
        "name-ko": "공익인권법센터", "name-en": "Public Interest Rights Centre", "kind": "civil_society",
        "subkind": "", "website": "https://rights.example.org", "description-ko": "소개", "description-en": "About"})
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    org = db.session.scalar(select(Organization).where(Organization.name_en == "Public Interest Rights Centre"))
    r = client_for(app, admin).post(f"/en/admin/organizations/{org.slug}", data={
        "decision": "verify", "note-ko": "고유번호증 확인", "note-en": "Checked the registration number"})
    assert r.status_code == 303
    # the founder invites a colleague, who accepts with the invited address
    colleague = make_person(email="minho.jeong@example.org", name="정민호")
    r = client.post(f"/en/organizations/{org.slug}/members/invite",
                    data={"email": "minho.jeong@example.org", "role": "editor"})
    assert r.status_code == 303
    token = re.search(r"/invitations/(\S+)", _outbox_bodies()[-1]).group(1)
    r = client_for(app, colleague).post(f"/en/organizations/invitations/{token}")
    assert r.status_code == 303
    membership = db.session.scalar(select(Membership).where(Membership.person_id == colleague.id))
    r = client.post(f"/en/organizations/{org.slug}/members/{membership.id}",
                    data={"role": "admin", "title-ko": "사무국장", "title-en": "Secretary General"})
    assert r.status_code == 303
    r = client.post(f"/en/organizations/{org.slug}/members/{membership.id}/remove")
    assert r.status_code == 303
    return {"founder": founder, "colleague": colleague, "admin": admin, "org": org}


def _outbox_bodies() -> list[str]:
    db.session.expire_all()
    return [m.body for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_sequence_is_gap_free_and_each_leaf_is_canonical_json(app, client):
    _busy_history(app, client)
    events = _events()
    assert len(events) >= 10
    assert [e.seq for e in events] == list(range(len(events)))
    assert record.size() == len(events)
    for e in events:
        leaf = e.leaf.encode("utf-8")
        body = json.loads(leaf)
        assert leaf == rfc8785.dumps(body), e.leaf  # RFC 8785: sorted keys, no whitespace, UTF-8
        assert list(body) == sorted(body)
        assert body["index"] == e.seq
        assert body["type"] == e.event_type and body["actor_org"] == e.actor_org_id
        assert body["actor_person"] == e.actor_person
        assert body["subject"] == {"type": e.subject_type, "id": e.subject_id}
        assert body["time"] == e.occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert e.leaf_hash == hashlib.sha256(b"\x00" + leaf).digest()  # RFC 6962 §2.1
    created = next(e for e in events if e.event_type == EventType.ORGANIZATION_CREATED)
    assert "공익인권법센터" in created.leaf and "\\u" not in created.leaf  # non-ASCII stays UTF-8


def test_floats_are_refused_and_nothing_is_appended(app):
    for payload in ({"share": 0.5}, {"nested": {"x": [1, 2.0]}}, {"list": [{"y": 1e3}]}):
        with pytest.raises(TypeError):
            record.canonical(payload)

    @atomic
    def _bad_action():
        record.append(EventType.ORGANIZATION_UPDATED, actor=None, subject=None, subject_type="platform",
                      payload={"ratio": 0.25}, now=utcnow())

    before = record.size()
    with pytest.raises(TypeError):
        _bad_action()
    assert record.size() == before and count(Event) == before


def test_people_appear_in_leaves_only_as_a_salted_commitment(app, client):
    people = _busy_history(app, client)
    persons = list(db.session.scalars(select(Person)))
    secrets_ = set()
    for p in persons:
        secrets_ |= {s for s in (p.email, p.display_name, p.display_name_latin) if s}
    assert {"seo.yeon@example.org", "윤서연", "Yoon Seoyeon", "minho.jeong@example.org", "정민호"} <= secrets_
    events = _events()
    for e in events:
        for secret in secrets_:
            assert secret.lower() not in e.leaf.lower(), (secret, e.leaf)
        if e.actor_person is not None:
            assert HEX64.match(e.actor_person)
    keys = {k.person_id: k.commitment for k in db.session.scalars(select(PersonKey))}
    founder = people["founder"]
    assert keys[founder.id] in {e.actor_person for e in events}
    # the commitment is salted: it cannot be recomputed from the account id alone
    assert keys[founder.id] != hashlib.sha256(f"person:{founder.id}".encode()).hexdigest()
    granted = next(e for e in events if e.event_type == EventType.PLATFORM_ADMIN_GRANTED)
    assert json.loads(granted.leaf)["payload"]["person"] == keys[people["admin"].id]


def test_the_orm_refuses_to_update_or_delete_an_event(app):
    make_person()
    event = db.session.scalars(select(Event)).first()
    event.event_type = "account.forged"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    event = db.session.scalars(select(Event)).first()
    db.session.delete(event)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    assert [e.event_type for e in _events()][:1] == [EventType.ACCOUNT_REGISTERED]


@pytest.mark.parametrize("statement", [
    "UPDATE event SET event_type = 'account.forged' WHERE seq = 0",
    "UPDATE event SET leaf = '{}'",
    "DELETE FROM event WHERE seq = 0",
    "DELETE FROM event",
])
def test_the_database_refuses_raw_updates_and_deletes(app, statement):
    make_person()
    before = [(e.seq, e.leaf, e.leaf_hash) for e in _events()]
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
        db.session.commit()
    db.session.rollback()
    assert [(e.seq, e.leaf, e.leaf_hash) for e in _events()] == before
    assert db.engine.dialect.name == ("sqlite" if IS_SQLITE else "postgresql")


def test_a_bulk_orm_update_reaches_the_trigger_too(app):
    make_person()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(update(Event).values(event_type="account.forged"))
        db.session.commit()
    db.session.rollback()
    assert "account.forged" not in {e.event_type for e in _events()}


def _enqueue_then_fail(monkeypatch, module):
    """Let the action write its mail, then fail: the row, the event and the mail must all vanish."""
    real = module.enqueue

    def enqueue(*args, **kwargs):
        real(*args, **kwargs)
        db.session.flush()
        raise RuntimeError("the mail template server fell over")
    monkeypatch.setattr(module, "enqueue", enqueue)


def test_a_failing_registration_leaves_no_person_no_event_and_no_mail(app, client, monkeypatch, record_size, outbox):
    from consult.accounts import actions as account_actions
    _enqueue_then_fail(monkeypatch, account_actions)
    r = client.post("/en/register", data={
        "email": "lost@example.org", "display_name": "김하늘", "password": PASSWORD, "password_again": PASSWORD,
        "locale": "en", "consent_collection": "y"})
    assert r.status_code == 500 and "Something went wrong on our side" in r.get_data(as_text=True)
    assert count(Person) == 0 and count(PersonKey) == 0 and record_size() == 0 and outbox() == []
    assert count(Event) == 0


def test_a_failing_invitation_leaves_no_invitation_no_event_and_no_mail(app, client, login, monkeypatch,
                                                                        record_size, outbox):
    from consult.orgs import actions as org_actions
    founder = make_person()
    org = make_org(admin=founder)
    login(founder)
    before = record_size()
    _enqueue_then_fail(monkeypatch, org_actions)
    r = client.post(f"/en/organizations/{org.slug}/members/invite", data={"email": "x@example.org", "role": "editor"})
    assert r.status_code == 500
    assert count(MemberInvitation) == 0 and record_size() == before and outbox() == []
    assert [e.seq for e in _events()] == list(range(before))
    # the next append continues the sequence without a gap
    make_person()
    assert [e.seq for e in _events()] == list(range(before + 2))


def test_erasure_unlinks_the_person_and_changes_no_leaf(app, client):
    people = _busy_history(app, client)
    founder = people["founder"]
    commitment = db.session.get(PersonKey, founder.id).commitment
    others = {k.person_id: k.commitment for k in db.session.scalars(select(PersonKey)) if k.person_id != founder.id}
    before = [(e.seq, e.leaf, e.leaf_hash) for e in _events()]
    assert commitment in {json.loads(leaf)["actor_person"] for _, leaf, _ in before}

    r = client.post("/en/account/delete", data={"confirm_email": "seo.yeon@example.org", "password": PASSWORD})
    assert r.status_code == 303

    after = [(e.seq, e.leaf, e.leaf_hash) for e in _events()]
    assert after[:len(before)] == before
    assert [json.loads(leaf)["type"] for _, leaf, _ in after[len(before):]] == [EventType.ACCOUNT_ERASED]
    assert db.session.get(PersonKey, founder.id) is None
    from consult.record.queries import people_by_commitment
    assert people_by_commitment({commitment}) == {}
    # nobody else lost their link
    assert {k.person_id: k.commitment for k in db.session.scalars(select(PersonKey))} == others
    page = client.get("/en/log").get_data(as_text=True)
    assert "Erased account" in page and "윤서연" not in page and "Yoon Seoyeon" not in page


def _append_concurrently(app, threads: int, per_thread: int) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for i in range(per_thread):
                    make_person(email=f"t{n}-{i}@example.org")  # two events: registered, verified
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    return errors


def test_concurrent_appends_give_a_gap_free_sequence(app):
    threads, per_thread = 6, 4
    errors = _append_concurrently(app, threads, per_thread)
    assert errors == []
    events = _events()
    assert [e.seq for e in events] == list(range(threads * per_thread * 2))
    assert [json.loads(e.leaf)["index"] for e in events] == [e.seq for e in events]
    assert record.size() == len(events)
    assert count(Person) == threads * per_thread


def test_mark_verified_twice_appends_once(app):
    person = make_person(verified=False)
    accounts.mark_email_verified(person, now=utcnow())
    accounts.mark_email_verified(person, now=utcnow() + timedelta(minutes=1))
    types = [e.event_type for e in _events()]
    assert types.count(EventType.ACCOUNT_EMAIL_VERIFIED) == 1


def test_events_name_the_organisation_that_acted(app):
    admin = make_person()
    org = make_org(admin=admin)
    from consult.orgs import actions as org_actions
    org_actions.update_organization(Actor(admin, org, Role.ADMIN), org,
                                    org_actions.OrgInput(name=Bilingual("새 이름", "New name"),
                                                         short_name=Bilingual(None, None), kind=org.kind,
                                                         subkind=None, website=None,
                                                         description=Bilingual(None, None)), now=utcnow())
    last = _events()[-1]
    assert last.event_type == EventType.ORGANIZATION_UPDATED and last.actor_org_id == org.id
    assert json.loads(last.leaf)["payload"]["changed"] == ["description", "name", "website"]
