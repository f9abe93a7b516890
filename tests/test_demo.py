"""The demo content loads through the actions into an empty database, as `make run` does."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from consult import demo
from consult.accounts.models import Person
from consult.extensions import db, utcnow
from consult.orgs.models import Membership, Organization, VerificationStatus
from consult.record import Event, EventType

from .conftest import count


def test_reltime_forms():
    now = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)  # 12:00 in Seoul
    assert demo.reltime("-45d", now) == datetime(2026, 10, 15, 3, 0, tzinfo=UTC)
    assert demo.reltime("+12d", now) == datetime(2026, 12, 11, 3, 0, tzinfo=UTC)
    assert demo.reltime("-3d4h", now) == datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
    assert demo.reltime("-90m", now) == datetime(2026, 11, 29, 1, 30, tzinfo=UTC)
    # the Seoul calendar day 12 days earlier, at 09:00 KST = 00:00 UTC
    assert demo.reltime("-12d@09:00", now) == datetime(2026, 11, 17, 0, 0, tzinfo=UTC)


def test_demo_loads_people_organisations_and_their_history(app, client):
    data = json.loads(demo.DEMO_FILE.read_text(encoding="utf-8"))
    demo.load(utcnow())
    assert count(Person) == len(data["people"]) == 28
    assert count(Organization) == len(data["organisations"]) == 23
    pending = db.session.scalars(db.select(Organization.slug).where(
        Organization.status == VerificationStatus.PENDING)).all()
    assert pending == ["citizen-ai-watch"]
    memberships = sum(len(p["memberships"]) for p in data["people"])
    assert count(Membership) == memberships
    admin = db.session.scalar(db.select(Person).where(Person.email == "admin@gongnon.example.org"))
    assert admin.is_platform_admin and admin.is_verified
    somang = db.session.scalar(db.select(Person).where(Person.email == "somang@example.com"))
    assert not somang.consent_publish_name
    # the record reads in time order, and every verification is an event
    events = db.session.scalars(db.select(Event).order_by(Event.seq)).all()
    times = [e.occurred_at for e in events]
    assert times == sorted(times)
    verified = [e for e in events if e.event_type == EventType.ORGANIZATION_VERIFIED]
    assert len(verified) == 22
    # demo accounts log in with the shared password; none got a mail
    r = client.post("/en/login", data={"email": "haneul@opencircuit.example.org",
                                       "password": data["meta"]["demo_password"]})
    assert r.status_code == 303
    from consult.mail.models import OutboxMessage
    assert count(OutboxMessage) == 0


def test_demo_loader_refuses_a_database_with_people(app):
    from consult.cli import demo_load
    from tests.factories import make_person
    make_person()
    runner = app.test_cli_runner()
    result = runner.invoke(demo_load, ["--if-empty"])
    assert result.exit_code == 0 and "not loaded" in result.output
    result = runner.invoke(demo_load, [])
    assert result.exit_code != 0
