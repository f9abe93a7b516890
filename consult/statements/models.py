"""Joint statements (공동성명): the drafting organisation and its co-drafters, the text frozen version by
version, and the signatures (연명), each bound to the version it was given on."""
from __future__ import annotations

from datetime import datetime
from enum import IntEnum, StrEnum

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, composite, mapped_column, relationship

from ..extensions import UTCDateTime, db
from ..i18n import Bilingual
from ..orgs.models import OrgKind


class Status(StrEnum):
    """Where a statement stands for signing; derived from its dates and the clock, never stored."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.DRAFT: _l("Being drafted"),
    Status.OPEN: _l("Open for signature"),
    Status.CLOSED: _l("Signing closed"),
}


class Group(IntEnum):
    """How the signatory list is grouped, in order: organisations by kind, named individuals, unnamed
    individuals (only counted), then withdrawn signatures. Stored on each signature so one index serves the grouped, sorted, paginated list."""

    CIVIL_SOCIETY = 1
    LABOUR = 2
    ACADEMIA = 3
    INTERNATIONAL = 4
    INDUSTRY = 5
    OTHER = 6
    GOVERNMENT = 7
    INDIVIDUAL = 8
    UNNAMED = 9  # individuals who did not consent to publishing their name: counted, not listed
    WITHDRAWN = 10

    @classmethod
    def of_kind(cls, kind: OrgKind) -> Group:
        return cls[kind.name]

    @property
    def label(self) -> str:
        return str(GROUP_LABELS[self])


GROUP_LABELS = {
    Group.CIVIL_SOCIETY: _l("Civil-society organisations"),
    Group.LABOUR: _l("Labour organisations"),
    Group.ACADEMIA: _l("Academia and research"),
    Group.INTERNATIONAL: _l("International organisations"),
    Group.INDUSTRY: _l("Industry and business associations"),
    Group.OTHER: _l("Other organisations"),
    Group.GOVERNMENT: _l("Government bodies"),
    Group.INDIVIDUAL: _l("Individuals"),
    Group.UNNAMED: _l("Individuals who asked not to be named"),
    Group.WITHDRAWN: _l("Withdrawn signatures"),
}


class Statement(db.Model):
    """A joint statement. The text lives in its versions; the current one is `current_version`."""

    __tablename__ = "statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id", ondelete="SET NULL"))
    allows_individuals: Mapped[bool] = mapped_column(Boolean, default=False)
    signing_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the current version's title, repeated here so lists need no join (versions are immutable once open)
    title_ko: Mapped[str | None] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[Bilingual] = composite("title_ko", "title_en")
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # counts kept with each signature change, so lists and pages never count 20,000 rows
    signature_count: Mapped[int] = mapped_column(Integer, default=0)

    owner = relationship("Organization", lazy="raise_on_sql")
    consultation = relationship("Consultation", lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("title_ko IS NOT NULL OR title_en IS NOT NULL", name="title_present"),
        CheckConstraint("published_at IS NULL OR opened_at IS NOT NULL", name="published_after_opened"),
        CheckConstraint("signature_count >= 0", name="count_not_negative"),
        Index("ix_statement_list", "opened_at", "id"),
        Index("ix_statement_owner", "owner_org_id", "opened_at", "id"),
        Index("ix_statement_consultation", "consultation_id"),
    )

    def status_at(self, now: datetime) -> Status:
        if self.opened_at is None:
            return Status.DRAFT
        if self.closed_at is not None and self.closed_at <= now:
            return Status.CLOSED
        if self.signing_deadline is not None and self.signing_deadline <= now:
            return Status.CLOSED
        return Status.OPEN

    @property
    def is_opened(self) -> bool:
        return self.opened_at is not None

    @property
    def closes_at(self) -> datetime | None:
        """When signing ends (or ended): the earlier of an early close and the deadline."""
        ends = [d for d in (self.closed_at, self.signing_deadline) if d is not None]
        return min(ends) if ends else None

    def __repr__(self) -> str:
        return f"<Statement {self.id}>"


class CoDrafter(db.Model):
    """An organisation whose members may edit the statement's drafts beside the drafting organisation."""

    __tablename__ = "statement_co_drafter"

    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"),
                                                 primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    organization = relationship("Organization", lazy="raise_on_sql")

    __table_args__ = (Index("ix_statement_co_drafter_org", "organization_id"),)


class StatementVersion(db.Model):
    """One text of a statement. Version 1 is edited while the statement is drafted; opening freezes it,
    and every later change is a new, already frozen version with a public change note."""

    __tablename__ = "statement_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title_ko: Mapped[str | None] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[Bilingual] = composite("title_ko", "title_en")
    body_source_ko: Mapped[str | None] = mapped_column(Text)
    body_source_en: Mapped[str | None] = mapped_column(Text)
    body_source: Mapped[Bilingual] = composite("body_source_ko", "body_source_en")
    body_html_ko: Mapped[str | None] = mapped_column(Text)
    body_html_en: Mapped[str | None] = mapped_column(Text)
    change_note_ko: Mapped[str | None] = mapped_column(Text)
    change_note_en: Mapped[str | None] = mapped_column(Text)
    change_note: Mapped[Bilingual] = composite("change_note_ko", "change_note_en")
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_sha256: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("statement_id", "number", name="number_once"),
        CheckConstraint("title_ko IS NOT NULL OR title_en IS NOT NULL", name="title_present"),
        CheckConstraint("body_source_ko IS NOT NULL OR body_source_en IS NOT NULL", name="body_present"),
        CheckConstraint("(frozen_at IS NULL) = (content_sha256 IS NULL)", name="frozen_with_hash"),
    )

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def body_markup(self, lang: str) -> tuple[Markup, str, bool]:
        """The sanitised body in lang (or the other language, marked as a fallback): html, lang, fallback."""
        html = getattr(self, f"body_html_{lang}")
        if html:
            return Markup(html), lang, False  # stored output of sanitize()
        other = "en" if lang == "ko" else "ko"
        return Markup(getattr(self, f"body_html_{other}") or ""), other, True


class Signature(db.Model):
    """One signatory of a statement: an organisation (through one of its admins) or an individual.

    One row per signatory per statement, enforced by UNIQUE(statement_id, signer): a withdrawn signature
    signed again is the same row. `version` is the version the signature binds to now; it stays on an
    older version until the signer re-confirms the newer text.
    """

    __tablename__ = "signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    # "org:<id>" or "person:<id>": who signs, as one value the database keeps unique per statement
    signer: Mapped[str] = mapped_column(String(40))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    name_public: Mapped[bool] = mapped_column(Boolean, default=True)
    list_group: Mapped[int] = mapped_column(Integer)
    # the name the list sorts by in each language ("" for an individual without consent; erasure clears it)
    sort_name_ko: Mapped[str] = mapped_column(String(200), default="")
    sort_name_en: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer)
    first_version: Mapped[int] = mapped_column(Integer)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reconfirmation_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reconfirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason_ko: Mapped[str | None] = mapped_column(Text)
    withdrawal_reason_en: Mapped[str | None] = mapped_column(Text)
    withdrawal_reason: Mapped[Bilingual] = composite("withdrawal_reason_ko", "withdrawal_reason_en")

    organization = relationship("Organization", lazy="raise_on_sql")
    person = relationship("Person", lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("statement_id", "signer", name="one_per_signer"),
        CheckConstraint("(organization_id IS NULL) <> (signer LIKE 'org:%')", name="signer_matches"),
        CheckConstraint("version >= first_version", name="version_order"),
        CheckConstraint(f"list_group BETWEEN {min(Group)} AND {max(Group)}", name="group_known"),
        Index("ix_signature_by_date", "statement_id", "list_group", "signed_at", "id"),
        Index("ix_signature_by_name_ko", "statement_id", "list_group", "sort_name_ko", "id"),
        Index("ix_signature_by_name_en", "statement_id", "list_group", "sort_name_en", "id"),
        # counts per group and of pending re-confirmations, read from the index alone
        Index("ix_signature_counts", "statement_id", "list_group", "version"),
        Index("ix_signature_person", "person_id"),
        Index("ix_signature_org", "organization_id"),
    )

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_pending(self, current_version: int) -> bool:
        """Signed an earlier text and not yet re-confirmed the current one."""
        return not self.is_withdrawn and self.version < current_version

    def __repr__(self) -> str:
        return f"<Signature {self.id} {self.signer}>"


class Submission(db.Model):
    """A published statement sent to a consultation as one joint comment, with the signatories it
    carried at that moment (the list itself stays live on the statement's page)."""

    __tablename__ = "statement_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="RESTRICT"))
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="RESTRICT"))
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="RESTRICT"), unique=True)
    version: Mapped[int] = mapped_column(Integer)
    signatory_count: Mapped[int] = mapped_column(Integer)
    signatories_sha256: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    statement = relationship("Statement", lazy="raise_on_sql")
    consultation = relationship("Consultation", lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("statement_id", "consultation_id", name="once_per_consultation"),
        Index("ix_statement_submission_consultation", "consultation_id"),
    )
