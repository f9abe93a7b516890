"""Signatures given at the same moment, from threads, as concurrent requests would.

Like the record's concurrent appends (tests/record/test_record.py) this runs on both databases: on
SQLite writers queue behind BEGIN IMMEDIATE; on PostgreSQL (TEST_DATABASE_URL) they really overlap, and
the UNIQUE(statement_id, signer) key, the row locks and the SQL increment of signature_count are what
keep the outcome exact.
"""
from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any, Callable

from sqlalchemy import select

from consult import record
from consult.accounts.models import Person
from consult.errors import Invalid
from consult.extensions import db
from consult.i18n import Bilingual
from consult.orgs import actions as orgs
from consult.orgs.models import Organization, OrgKind, Role
from consult.policy import Actor
from consult.record import Event, EventType
from consult.statements import actions as st
from consult.statements.models import Signature, Statement
from tests.conftest import count
from tests.factories import commenter, make_person

Prepare = Callable[[], Callable[[], Any]]


def at_once(app, preparers: list[Prepare]) -> list[Any]:  # type: ignore[no-untyped-def]
    """Run each preparer in its own thread and application context (its own session), then — all of
    them at the same moment — the action it returned. Returns each action's result or exception."""
    start = threading.Barrier(len(preparers), timeout=60)
    outcomes: list[Any] = [None] * len(preparers)

    def work(i: int, prepare: Prepare) -> None:
        with app.app_context():
            try:
                act = prepare()
                # end the reading transaction: on SQLite it holds the write lock (BEGIN IMMEDIATE)
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                start.abort()
                outcomes[i] = exc
                return
            try:
                start.wait()
                outcomes[i] = act()
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                outcomes[i] = exc
            finally:
                db.session.remove()

    # nothing of the test's own session may hold a transaction (and on SQLite the write lock) meanwhile
    db.session.commit()
    workers = [threading.Thread(target=work, args=(i, p)) for i, p in enumerate(preparers)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not any(w.is_alive() for w in workers), "a signer never finished"
    db.session.expire_all()
    return outcomes


def signing(person_id: int, org_id: int | None, statement_id: int, now) -> Prepare:  # type: ignore[no-untyped-def]
    """Load the admin (or individual) and the statement in the thread's session; sign when called."""
    def prepare() -> Callable[[], str]:
        person = db.session.get(Person, person_id)
        org = db.session.get(Organization, org_id) if org_id else None
        s = db.session.get(Statement, statement_id)
        actor = Actor(person, org, Role.ADMIN) if org else Actor(person)
        return lambda: st.sign(actor, s, now=now) and "signed"
    return prepare


def withdrawing(person_id: int, org_id: int, signature_id: int, now) -> Prepare:  # type: ignore[no-untyped-def]
    def prepare() -> Callable[[], str]:
        actor = Actor(db.session.get(Person, person_id), db.session.get(Organization, org_id), Role.ADMIN)
        sig = db.session.get(Signature, signature_id)
        return lambda: st.withdraw_signature(actor, sig, Bilingual(None, None), now=now) and "withdrawn"
    return prepare


def second_admin(org: Organization) -> Person:
    person = make_person()
    orgs.add_member_directly(org, person, Role.ADMIN, Bilingual(None, None), now=org.created_at)
    return person


def signed_events(statement_id: int) -> list[Event]:
    return list(db.session.scalars(select(Event).where(
        Event.event_type == EventType.STATEMENT_SIGNED, Event.scope_type == "statement",
        Event.scope_id == statement_id).order_by(Event.seq)))


def assert_record_is_gap_free() -> None:
    seqs = list(db.session.scalars(select(Event.seq).order_by(Event.seq)))
    assert seqs == list(range(record.size()))


def test_fifty_organisations_signing_at_once_make_fifty_signatures_and_fifty_events(app, statement, now):
    kinds = [OrgKind.CIVIL_SOCIETY, OrgKind.LABOUR, OrgKind.ACADEMIA, OrgKind.INDUSTRY, OrgKind.INTERNATIONAL]
    signers = [commenter(kinds[i % len(kinds)]) for i in range(50)]
    jobs = [signing(a.person.id, a.org.id, statement.id, now + timedelta(microseconds=i))
            for i, a in enumerate(signers)]
    before, statement_id = record.size(), statement.id

    outcomes = at_once(app, jobs)

    assert outcomes == ["signed"] * 50
    assert count(Signature) == 50
    assert db.session.get(Statement, statement_id).signature_count == 50
    signers_in_db = set(db.session.scalars(select(Signature.signer).where(Signature.statement_id == statement_id)))
    assert signers_in_db == {f"org:{a.org.id}" for a in signers}
    events = signed_events(statement_id)
    assert len(events) == 50 and {e.actor_org_id for e in events} == {a.org.id for a in signers}
    assert record.size() == before + 50
    assert_record_is_gap_free()


def test_two_admins_of_one_organisation_signing_at_once_make_one_signature(app, statement, signer, now):
    other = second_admin(signer.org)
    jobs = [signing(signer.person.id, signer.org.id, statement.id, now),
            signing(other.id, signer.org.id, statement.id, now)]
    before, statement_id = record.size(), statement.id

    outcomes = at_once(app, jobs)

    assert sorted(map(str, outcomes)).count("signed") == 1, outcomes
    refused = next(o for o in outcomes if o != "signed")
    assert isinstance(refused, Invalid) and refused.field == "sign", repr(refused)
    assert count(Signature) == 1
    assert db.session.get(Statement, statement_id).signature_count == 1
    assert len(signed_events(statement_id)) == 1 and record.size() == before + 1
    assert_record_is_gap_free()


def test_one_person_signing_twice_at_once_makes_one_signature(app, statement, individual, now):
    """A double-clicked button: the same individual's two requests at the same moment."""
    jobs = [signing(individual.person.id, None, statement.id, now)] * 2
    statement_id = statement.id

    outcomes = at_once(app, jobs)

    assert outcomes.count("signed") == 1, outcomes
    assert count(Signature) == 1 and db.session.get(Statement, statement_id).signature_count == 1


def test_admins_withdrawing_one_signature_at_once_withdraw_it_once(app, statement, signer, individual, now):
    """Every admin of the signing organisation presses "withdraw" at the same moment: the count drops by
    one, one event is recorded, the others are told it is already withdrawn."""
    admins = [signer.person] + [second_admin(signer.org) for _ in range(5)]
    st.sign(individual, statement, now=now)
    sig = st.sign(signer, statement, now=now)
    jobs = [withdrawing(p.id, signer.org.id, sig.id, now + timedelta(minutes=1)) for p in admins]
    before, statement_id = record.size(), statement.id

    outcomes = at_once(app, jobs)

    assert outcomes.count("withdrawn") == 1, outcomes
    assert all(isinstance(o, Invalid) and o.field == "withdraw" for o in outcomes if o != "withdrawn"), outcomes
    assert db.session.get(Statement, statement_id).signature_count == 1
    assert record.size() == before + 1
    assert_record_is_gap_free()


def test_admins_signing_a_withdrawn_signature_again_at_once_sign_it_once(app, statement, signer, now):
    """Signing again reuses the withdrawn row (no INSERT for the UNIQUE key to refuse): the row lock must
    let only the first of several admins through."""
    admins = [signer.person] + [second_admin(signer.org) for _ in range(5)]
    st.withdraw_signature(signer, st.sign(signer, statement, now=now), Bilingual(None, None), now=now)
    jobs = [signing(p.id, signer.org.id, statement.id, now + timedelta(minutes=1)) for p in admins]
    before, statement_id = record.size(), statement.id

    outcomes = at_once(app, jobs)

    assert outcomes.count("signed") == 1, outcomes
    assert all(isinstance(o, Invalid) and o.field == "sign" for o in outcomes if o != "signed"), outcomes
    assert count(Signature) == 1 and db.session.get(Statement, statement_id).signature_count == 1
    assert len(signed_events(statement_id)) == 2 and record.size() == before + 1
    assert_record_is_gap_free()
