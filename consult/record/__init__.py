"""The event record: append() adds one event to the caller's transaction; nothing updates or deletes.

This package imports no domain. Subjects are any mapped object with an `id`; their type name is the
table name. Actors are any object with `.org` and `.person` (see policy.Actor).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any, Protocol

import rfc8785
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..extensions import db
from . import tree
from .models import Checkpoint, Event, PersonKey, RecordHead, TreeNode
from .types import EVENT_LABELS, EventType

__all__ = ["Event", "EventType", "EVENT_LABELS", "PersonKey", "RecordHead", "TreeNode", "Checkpoint", "append",
           "commitment", "canonical", "sha256_hex", "leaf_hash", "size", "AppendOnlyError"]

LEAF_PREFIX = tree.LEAF_PREFIX
HEAD_ID = 1


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an event."""


class _HasId(Protocol):
    id: Any


class _Actor(Protocol):
    org: Any
    person: Any


def canonical(value: Any) -> bytes:
    """RFC 8785 (JCS) canonical JSON bytes; floats are refused so every language agrees on them."""
    _refuse_floats(value)
    return rfc8785.dumps(value)


MAX_SAFE_INTEGER = 2**53 - 1  # RFC 8785 numbers are IEEE doubles: larger integers are not exact


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("event payloads hold no floats")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
        raise TypeError("event integers stay within ±(2**53 - 1)")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_floats(item)


def sha256_hex(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + leaf).digest()


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def commitment(person: _HasId) -> str:
    """The person's stand-in in the record: SHA-256(salt ‖ "person:<id>"), salt kept in person_key."""
    key = db.session.get(PersonKey, person.id)
    if key is None:
        salt = secrets.token_bytes(32)
        digest = hashlib.sha256(salt + f"person:{person.id}".encode()).hexdigest()
        key = PersonKey(person_id=person.id, salt=salt, commitment=digest)
        db.session.add(key)
    return key.commitment


def _lock_head() -> RecordHead:
    """The head row, locked until commit: the lock serialises writers, so seq has no gaps."""
    stmt = select(RecordHead).where(RecordHead.id == HEAD_ID).with_for_update()
    head = db.session.scalars(stmt.execution_options(populate_existing=True)).one_or_none()
    if head is None:  # first event of a new database
        head = RecordHead(id=HEAD_ID, size=0, frontier=b"")
        db.session.add(head)
    return head


def append(event_type: EventType, *, actor: _Actor | None, subject: _HasId | None,
           subject_type: str | None = None, payload: dict[str, Any] | None = None,
           scope: _HasId | None = None, now: datetime) -> Event:
    """Add one event to the current transaction (the caller's action commits it). Never commits.

    `scope` is what the event belongs to when that is not its subject (a comment's consultation): the
    payload names it (`{"consultation": 12}`) and the row repeats it, so timelines gather by scope.
    """
    db.session.flush()  # subjects get their ids
    org = getattr(actor, "org", None) if actor is not None else None
    person = getattr(actor, "person", None) if actor is not None else None
    kind = subject_type or (subject.__tablename__ if subject is not None else "platform")  # type: ignore[attr-defined]
    subject_id = subject.id if subject is not None else None
    payload = dict(payload or {})
    scope_type, scope_id = kind, subject_id
    if scope is not None:
        scope_type, scope_id = scope.__tablename__, scope.id  # type: ignore[attr-defined]
        payload.setdefault(scope_type, scope_id)
        if payload[scope_type] != scope_id:
            raise ValueError(f"payload names another {scope_type} than the event's scope")
    head = _lock_head()
    seq = head.size
    body = {
        "index": seq,
        "time": rfc3339(now),
        "type": str(event_type),
        "actor_org": org.id if org is not None else None,
        "actor_person": commitment(person) if person is not None else None,
        "subject": {"type": kind, "id": subject_id},
        "payload": payload,
    }
    leaf = canonical(body)
    digest = leaf_hash(leaf)
    event = Event(seq=seq, occurred_at=now.replace(microsecond=0), event_type=str(event_type),
                  actor_org_id=body["actor_org"], actor_person=body["actor_person"],
                  subject_type=kind, subject_id=subject_id, scope_type=scope_type, scope_id=scope_id,
                  leaf=leaf.decode("utf-8"), leaf_hash=digest)
    frontier = tree.unpack_frontier(head.frontier)
    nodes = tree.add_leaf(frontier, seq, digest)  # O(log n) new rows, nothing read
    head.size = seq + 1
    head.frontier = tree.pack_frontier(frontier)
    db.session.add(event)
    db.session.add_all(nodes)
    db.session.flush()
    return event


def size() -> int:
    """How many events the record holds."""
    return db.session.scalar(select(RecordHead.size).where(RecordHead.id == HEAD_ID)) or 0


@sa_event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, (Event, TreeNode, Checkpoint)) and session.is_modified(obj):
            raise AppendOnlyError("the record is never updated")
    for obj in session.deleted:
        if isinstance(obj, (Event, TreeNode, Checkpoint)):
            raise AppendOnlyError("the record is never deleted from")
