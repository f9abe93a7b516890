"""The record as people read it: events with their organisation, the person where public, and labels.

Used by /log, the entry pages and every timeline (an organisation's now; consultations and statements
later). A fixed number of queries whatever the number of events.
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import load_only

from ..accounts.models import Person
from ..consultations.models import Consultation
from ..register.models import RegisterEntry
from ..statements.models import Statement
from ..extensions import db
from ..orgs import queries as org_queries
from ..orgs.models import Membership, Organization, OrgKind
from ..record import EventType
from ..record import queries as record_queries

TIMELINE_LENGTH = 20


def present(events: list, known: list[Any] = ()) -> list[dict]:  # type: ignore[type-arg,assignment]
    """Events with what a reader needs (organisation, person if public, payload, the published consultation
    or opened statement they belong to): a fixed number of queries whatever the number of events.
    `known`: scopes the caller has loaded already (the statement whose timeline this is)."""
    orgs = org_queries.by_ids(e.actor_org_id for e in events)
    people_ids = record_queries.people_by_commitment({e.actor_person for e in events if e.actor_person})
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(set(people_ids.values()))))} \
        if people_ids else {}
    officials: set[int] = set()
    if people:
        officials = set(db.session.scalars(select(Membership.person_id).join(Membership.organization).where(
            Membership.person_id.in_(people.keys()), Organization.kind == OrgKind.GOVERNMENT)))
    shown = []
    for e in events:
        leaf = json.loads(e.leaf)
        person = people.get(people_ids.get(e.actor_person, -1)) if e.actor_person else None
        shown.append({
            "event": e, "leaf": leaf, "payload": leaf["payload"], "org": orgs.get(e.actor_org_id),
            "person": person, "person_erased": bool(e.actor_person) and person is None,
            # officials and platform admins act in public (SPEC §6); other people stay unnamed here
            "person_public": person is not None and (person.is_platform_admin or person.id in officials),
            "label": _label(e.event_type),
            "subject_org": None,
        })
    subject_orgs = org_queries.by_ids(s["event"].subject_id for s in shown
                                      if s["event"].subject_type == "organization")
    scoped = {s["event"].scope_id for s in shown if s["event"].scope_type == "consultation"}
    # a draft's title is private until it is published: only published consultations are named
    consultations = {c.id: c for c in db.session.scalars(select(Consultation).where(
        Consultation.id.in_(scoped), Consultation.published_at.is_not(None)))} if scoped else {}
    # likewise a statement is named once it is open for signature
    statements = {st.id: st for st in known if isinstance(st, Statement) and st.opened_at is not None}
    stated = {s["event"].scope_id for s in shown if s["event"].scope_type == "statement"} - statements.keys()
    if stated:
        statements.update((st.id, st) for st in db.session.scalars(select(Statement).where(
            Statement.id.in_(stated), Statement.opened_at.is_not(None))))
    # AI register entries are public from registration on: named by their current name (one query)
    registered = {s["event"].scope_id for s in shown if s["event"].scope_type == "register_entry"}
    register_entries = {e.id: e for e in db.session.scalars(select(RegisterEntry).where(
        RegisterEntry.id.in_(registered)).options(load_only(RegisterEntry.id, RegisterEntry.name_ko,
                                                            RegisterEntry.name_en)))} if registered else {}
    for s in shown:
        s["register_entry"] = register_entries.get(s["event"].scope_id) \
            if s["event"].scope_type == "register_entry" else None
        s["statement"] = statements.get(s["event"].scope_id) if s["event"].scope_type == "statement" else None
        if s["event"].subject_type == "organization":
            s["subject_org"] = subject_orgs.get(s["event"].subject_id)
        s["consultation"] = consultations.get(s["event"].scope_id) \
            if s["event"].scope_type == "consultation" else None
    return shown


def _label(event_type: str) -> str:
    try:
        return EventType(event_type).label
    except ValueError:
        return event_type




def timeline(subject_type: str, subject_id: int, limit: int = TIMELINE_LENGTH) -> list[dict[str, Any]]:
    """The latest events about one subject, newest first, ready for the timeline macro."""
    return present(record_queries.event_page(subject_type=subject_type, subject_id=subject_id, limit=limit).items)
