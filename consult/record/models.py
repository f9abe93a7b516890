"""The append-only event record: one row per event, a head row that serialises writers, person keys."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import UTCDateTime, db


class Event(db.Model):
    """One event; `leaf` holds its canonical JSON (RFC 8785), the bytes a Merkle leaf will hash.

    The other columns repeat parts of the leaf so that pages can filter and join; the leaf is the
    truth and never changes (a before_flush guard and database triggers refuse updates and deletes).
    """

    __tablename__ = "event"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    event_type: Mapped[str] = mapped_column(String(64))
    actor_org_id: Mapped[int | None] = mapped_column(Integer)
    actor_person: Mapped[str | None] = mapped_column(String(64))  # commitment, hex
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    # what the event belongs to: its subject, or the scope given to append() (a comment's consultation)
    scope_type: Mapped[str | None] = mapped_column(String(32))
    scope_id: Mapped[int | None] = mapped_column(BigInteger)
    leaf: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))  # SHA-256(0x00 ‖ leaf), RFC 6962 §2.1

    __table_args__ = (
        Index("ix_event_type_seq", "event_type", "seq"),
        Index("ix_event_org_seq", "actor_org_id", "seq"),
        Index("ix_event_subject_seq", "subject_type", "subject_id", "seq"),
        Index("ix_event_scope_seq", "scope_type", "scope_id", "seq"),
    )


class RecordHead(db.Model):
    """The single row that says how many events exist; locking it serialises appends.

    `frontier` is the right edge of the Merkle tree (see tree.py): one level byte and 32 hash bytes per
    complete subtree of the current size, so an append computes the new nodes without reading any.
    """

    __tablename__ = "record_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    frontier: Mapped[bytes] = mapped_column(LargeBinary, default=b"")


class TreeNode(db.Model):
    """A complete subtree of the Merkle tree: leaves [index·2^level, (index+1)·2^level)."""

    __tablename__ = "tree_node"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column("idx", BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class Checkpoint(db.Model):
    """A signed checkpoint (C2SP signed note) as published; every one is kept."""

    __tablename__ = "checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(8))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # one checkpoint per size and key: after a key rotation the same size is signed again
    __table_args__ = (UniqueConstraint("tree_size", "key_id", name="uq_checkpoint_size_key"),)


class PersonKey(db.Model):
    """The salt behind a person's commitment in the record. Erasing a person deletes this row:
    leaves keep the commitment, but nothing links it to anyone any more."""

    __tablename__ = "person_key"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary(32))
    commitment: Mapped[str] = mapped_column(String(64), unique=True)
