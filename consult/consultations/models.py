"""Consultations: the draft's versions and sections, attachments, comments with their revisions,
dispositions, deadline changes, the result report, and who takes part (invitations, requests)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import (Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, composite, mapped_column, relationship

from ..extensions import StrEnumType, UTCDateTime, db
from ..i18n import Bilingual
from ..orgs.models import OrgKind, _enum_check


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return str(LABELS[type(self)][self])


class NoticeType(_Labelled):
    LEGISLATIVE = "legislative_notice"
    ADMINISTRATIVE = "administrative_notice"

    @property
    def minimum_days(self) -> int:
        """Administrative Procedures Act art. 43 and 46(3): 40 days for legislative, 20 for administrative."""
        return 40 if self is NoticeType.LEGISLATIVE else 20


class Mode(_Labelled):
    OPEN = "open"
    INVITED = "invited"


class Status(_Labelled):
    """Where a consultation stands; derived from the clock and recorded decisions, never stored."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    CONCLUDED = "concluded"


class CommentStatus(_Labelled):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    HIDDEN = "hidden"


class Outcome(_Labelled):
    ACCEPTED = "accepted"
    PARTIALLY_ACCEPTED = "partially_accepted"
    NOT_ACCEPTED = "not_accepted"
    NOTED = "noted"
    OUT_OF_SCOPE = "out_of_scope"


class Purpose(_Labelled):
    WRITTEN_INPUT = "written_input"
    HEARING = "hearing"
    EXPERT_MEETING = "expert_meeting"


class InvitationState(_Labelled):
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class MeetingKind(_Labelled):
    PUBLIC_HEARING = "public_hearing"  # 공청회
    ROUNDTABLE = "roundtable"  # 간담회
    EXPERT_MEETING = "expert_meeting"  # 전문가 회의
    BRIEFING = "briefing"  # 설명회


class MeetingFormat(_Labelled):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class RequestDecision(_Labelled):
    PENDING = "pending"
    GRANTED = "granted"
    DENIED = "denied"


# StrEnum members equal their values, so Outcome.ACCEPTED == InvitationState.ACCEPTED == "accepted": one
# flat dict would let the last label win. Labels are therefore kept per enumeration.
LABELS: dict[type, dict[StrEnum, object]] = {}
for _member, _label in [
    (NoticeType.LEGISLATIVE, _l("Legislative notice")),
    (NoticeType.ADMINISTRATIVE, _l("Administrative notice")),
    (Mode.OPEN, _l("Open to all verified organisations")),
    (Mode.INVITED, _l("Invited organisations only")),
    (Status.DRAFT, _l("Draft")),
    (Status.SCHEDULED, _l("Scheduled")),
    (Status.OPEN, _l("Open for comment")),
    (Status.CLOSED, _l("Closed")),
    (Status.CONCLUDED, _l("Concluded")),
    (CommentStatus.PUBLISHED, _l("Published")),
    (CommentStatus.WITHDRAWN, _l("Withdrawn")),
    (CommentStatus.HIDDEN, _l("Hidden by moderation")),
    (Outcome.ACCEPTED, _l("Accepted")),
    (Outcome.PARTIALLY_ACCEPTED, _l("Partially accepted")),
    (Outcome.NOT_ACCEPTED, _l("Not accepted")),
    (Outcome.NOTED, _l("Noted")),
    (Outcome.OUT_OF_SCOPE, _l("Out of scope")),
    (Purpose.WRITTEN_INPUT, _l("Written input")),
    (Purpose.HEARING, _l("Hearing participant")),
    (Purpose.EXPERT_MEETING, _l("Expert meeting")),
    (InvitationState.SENT, _l("Awaiting answer")),
    (InvitationState.ACCEPTED, _l("Invitation accepted")),
    (InvitationState.DECLINED, _l("Invitation declined")),
    (InvitationState.WITHDRAWN, _l("Invitation withdrawn")),
    (MeetingKind.PUBLIC_HEARING, _l("Public hearing")),
    (MeetingKind.ROUNDTABLE, _l("Roundtable")),
    (MeetingKind.EXPERT_MEETING, _l("Expert meeting")),
    (MeetingKind.BRIEFING, _l("Briefing")),
    (MeetingFormat.IN_PERSON, _l("In person")),
    (MeetingFormat.ONLINE, _l("Online")),
    (MeetingFormat.HYBRID, _l("In person and online")),
    (RequestDecision.PENDING, _l("Awaiting decision")),
    (RequestDecision.GRANTED, _l("Granted")),
    (RequestDecision.DENIED, _l("Denied")),
]:
    LABELS.setdefault(type(_member), {})[_member] = _label



class Consultation(db.Model):
    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notice_type: Mapped[NoticeType] = mapped_column(StrEnumType(NoticeType, 24))
    mode: Mapped[Mode] = mapped_column(StrEnumType(Mode, 10))
    allows_individuals: Mapped[bool] = mapped_column(Boolean, default=False)
    # comma-separated OrgKind values: the stakeholder groups the consultation is meant to hear
    target_groups_text: Mapped[str] = mapped_column("target_groups", String(120), default="")
    title_ko: Mapped[str | None] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[Bilingual] = composite("title_ko", "title_en")
    summary_ko: Mapped[str | None] = mapped_column(Text)
    summary_en: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[Bilingual] = composite("summary_ko", "summary_en")
    department_ko: Mapped[str | None] = mapped_column(String(120))
    department_en: Mapped[str | None] = mapped_column(String(120))
    department: Mapped[Bilingual] = composite("department_ko", "department_en")
    instrument_ko: Mapped[str | None] = mapped_column(String(120))
    instrument_en: Mapped[str | None] = mapped_column(String(120))
    instrument: Mapped[Bilingual] = composite("instrument_ko", "instrument_en")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    short_period_reason_ko: Mapped[str | None] = mapped_column(Text)
    short_period_reason_en: Mapped[str | None] = mapped_column(Text)
    short_period_reason: Mapped[Bilingual] = composite("short_period_reason_ko", "short_period_reason_en")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner = relationship("Organization", lazy="raise_on_sql")
    versions = relationship("Version", back_populates="consultation", lazy="raise_on_sql",
                            order_by="Version.number")

    __table_args__ = (
        CheckConstraint("title_ko IS NOT NULL OR title_en IS NOT NULL", name="title_present"),
        CheckConstraint("closes_at > opens_at", name="period_positive"),
        _enum_check("notice_type", NoticeType, "notice_type_known"),
        _enum_check("mode", Mode, "mode_known"),
        CheckConstraint("concluded_at IS NULL OR published_at IS NOT NULL", name="concluded_after_published"),
        Index("ix_consultation_list", "published_at", "opens_at", "id"),
        Index("ix_consultation_owner", "owner_org_id", "opens_at", "id"),
    )

    @property
    def target_groups(self) -> list[OrgKind]:
        return [OrgKind(v) for v in self.target_groups_text.split(",") if v]

    @target_groups.setter
    def target_groups(self, kinds: list[OrgKind]) -> None:
        self.target_groups_text = ",".join(k.value for k in OrgKind if k in set(kinds))

    def status_at(self, now: datetime) -> Status:
        """The state at `now`: from the clock between publication and conclusion (SPEC §2)."""
        if self.concluded_at is not None:
            return Status.CONCLUDED
        if self.published_at is None:
            return Status.DRAFT
        if now < self.opens_at:
            return Status.SCHEDULED
        if now < self.closes_at:
            return Status.OPEN
        return Status.CLOSED

    @property
    def period_days(self) -> int:
        """Length of the comment period in whole days (what the notice-period rule counts)."""
        return (self.closes_at - self.opens_at).days

    @property
    def is_short(self) -> bool:
        return self.period_days < self.notice_type.minimum_days


class Version(db.Model):
    """One version of the draft. Editable until published; immutable after (content hash recorded)."""

    __tablename__ = "consultation_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title_ko: Mapped[str | None] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[Bilingual] = composite("title_ko", "title_en")
    summary_ko: Mapped[str | None] = mapped_column(Text)
    summary_en: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[Bilingual] = composite("summary_ko", "summary_en")
    change_note_ko: Mapped[str | None] = mapped_column(Text)
    change_note_en: Mapped[str | None] = mapped_column(Text)
    change_note: Mapped[Bilingual] = composite("change_note_ko", "change_note_en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_sha256: Mapped[str | None] = mapped_column(String(64))

    consultation = relationship("Consultation", back_populates="versions", lazy="raise_on_sql")
    sections = relationship("Section", back_populates="version", lazy="raise_on_sql",
                            order_by="Section.position", cascade="all, delete-orphan")
    attachments = relationship("Attachment", back_populates="version", lazy="raise_on_sql",
                               order_by="Attachment.id", cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("consultation_id", "number", name="uq_version_number"),
        CheckConstraint("published_at IS NULL OR content_sha256 IS NOT NULL", name="published_hashed"),
    )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Section(db.Model):
    """An article of a version; `key` is stable across versions so that diffs pair sections."""

    __tablename__ = "consultation_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("consultation_version.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)
    number_ko: Mapped[str | None] = mapped_column(String(40))
    number_en: Mapped[str | None] = mapped_column(String(40))
    number: Mapped[Bilingual] = composite("number_ko", "number_en")
    heading_ko: Mapped[str | None] = mapped_column(String(200))
    heading_en: Mapped[str | None] = mapped_column(String(200))
    heading: Mapped[Bilingual] = composite("heading_ko", "heading_en")
    body_ko: Mapped[str | None] = mapped_column(Text)
    body_en: Mapped[str | None] = mapped_column(Text)
    body: Mapped[Bilingual] = composite("body_ko", "body_en")

    version = relationship("Version", back_populates="sections", lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("version_id", "key", name="uq_section_key"),
        CheckConstraint("body_ko IS NOT NULL OR body_en IS NOT NULL", name="body_present"),
        Index("ix_section_version_position", "version_id", "position"),
    )


class Attachment(db.Model):
    """A PDF attached to a version; the file lives in instance/uploads/ under its SHA-256."""

    __tablename__ = "consultation_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("consultation_version.id", ondelete="CASCADE"),
                                            index=True)
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    version = relationship("Version", back_populates="attachments", lazy="raise_on_sql")


class DeadlineChange(db.Model):
    __tablename__ = "deadline_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    old_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    new_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason_ko: Mapped[str | None] = mapped_column(Text)
    reason_en: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[Bilingual] = composite("reason_ko", "reason_en")


class Comment(db.Model):
    """A comment on the whole draft (section_id NULL) or one section of one published version.

    The current text is kept here for reading; every text ever submitted is a CommentRevision.
    """

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("consultation_version.id", ondelete="RESTRICT"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_section.id", ondelete="RESTRICT"))
    author_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    lang: Mapped[str] = mapped_column(String(2))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # the author's own rendering in the other language, if they gave one
    translation_source: Mapped[str | None] = mapped_column(Text)
    translation_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[CommentStatus] = mapped_column(StrEnumType(CommentStatus, 10), default=CommentStatus.PUBLISHED)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision_count: Mapped[int] = mapped_column(Integer, default=1)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason_ko: Mapped[str | None] = mapped_column(Text)
    withdrawal_reason_en: Mapped[str | None] = mapped_column(Text)
    withdrawal_reason: Mapped[Bilingual] = composite("withdrawal_reason_ko", "withdrawal_reason_en")
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    hidden_reason_ko: Mapped[str | None] = mapped_column(Text)
    hidden_reason_en: Mapped[str | None] = mapped_column(Text)
    hidden_reason: Mapped[Bilingual] = composite("hidden_reason_ko", "hidden_reason_en")
    # campaign grouping: SHA-256 of the normalised text, and the first comment of its group
    text_sha256: Mapped[str] = mapped_column(String(64))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))

    author_org = relationship("Organization", lazy="raise_on_sql")
    author = relationship("Person", foreign_keys=[author_id], lazy="raise_on_sql")
    section = relationship("Section", lazy="raise_on_sql")
    version = relationship("Version", lazy="raise_on_sql")
    disposition = relationship("Disposition", back_populates="comment", uselist=False, lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("lang IN ('ko', 'en')", name="lang_known"),
        _enum_check("status", CommentStatus, "status_known"),
        CheckConstraint("author_org_id IS NOT NULL OR author_id IS NOT NULL OR status <> 'published'",
                        name="has_author"),
        # section_id last: a section's comments are read in order from the index, without a sort or row reads
        Index("ix_comment_page", "consultation_id", "submitted_at", "id", "section_id"),
        Index("ix_comment_section_page", "section_id", "submitted_at", "id"),
        Index("ix_comment_section_count", "consultation_id", "section_id"),
        Index("ix_comment_authors", "consultation_id", "author_org_id", "status"),
        Index("ix_comment_text", "consultation_id", "text_sha256"),
        Index("ix_comment_campaign", "campaign_id"),
        Index("ix_comment_author_org", "author_org_id"),
        Index("ix_comment_author", "author_id"),
    )

    @property
    def is_published(self) -> bool:
        return self.status == CommentStatus.PUBLISHED

    # body_html and translation_html are written only by sanitize() (actions.py), so they are safe markup
    @property
    def body_markup(self) -> Markup:
        return Markup(self.body_html)

    @property
    def translation_markup(self) -> Markup | None:
        return Markup(self.translation_html) if self.translation_html else None


class CommentRevision(db.Model):
    """Every text a comment has had, in order (number 1 is the text first submitted)."""

    __tablename__ = "comment_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lang: Mapped[str] = mapped_column(String(2))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    translation_source: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("comment_id", "number", name="uq_comment_revision_number"),)

    @property
    def body_markup(self) -> Markup:
        return Markup(self.body_html)  # written only by sanitize()


class CommentBand(db.Model):
    """One locality-sensitive band of a comment's MinHash signature: comments sharing a band in the
    same consultation are candidates for near-duplicates (see campaigns.py)."""

    __tablename__ = "comment_band"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index("ix_comment_band_lookup", "consultation_id", "band", "digest"),)


class Disposition(db.Model):
    """How the owning body handled one comment (SPEC §4). One per comment, by the database."""

    __tablename__ = "disposition"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), unique=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[Outcome] = mapped_column(StrEnumType(Outcome, 20))
    reason_ko: Mapped[str | None] = mapped_column(Text)
    reason_en: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[Bilingual] = composite("reason_ko", "reason_en")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    comment = relationship("Comment", back_populates="disposition", lazy="raise_on_sql")
    decided_by = relationship("Person", lazy="raise_on_sql")
    changed_sections = relationship("Section", secondary="disposition_section", lazy="raise_on_sql",
                                    order_by="Section.position")

    __table_args__ = (
        _enum_check("outcome", Outcome, "outcome_known"),
        CheckConstraint("reason_ko IS NOT NULL OR reason_en IS NOT NULL", name="reason_present"),
    )


class DispositionSection(db.Model):
    """A section of a later version that changed because of the comment."""

    __tablename__ = "disposition_section"

    disposition_id: Mapped[int] = mapped_column(ForeignKey("disposition.id", ondelete="CASCADE"), primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("consultation_section.id", ondelete="CASCADE"),
                                            primary_key=True)


class ResultReport(db.Model):
    """The result report published when a consultation is concluded (결과보고서)."""

    __tablename__ = "result_report"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    title_ko: Mapped[str | None] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[Bilingual] = composite("title_ko", "title_en")
    body_ko: Mapped[str | None] = mapped_column(Text)
    body_en: Mapped[str | None] = mapped_column(Text)
    body: Mapped[Bilingual] = composite("body_ko", "body_en")
    body_html_ko: Mapped[str | None] = mapped_column(Text)
    body_html_en: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[Bilingual] = composite("body_html_ko", "body_html_en")
    undisposed_reason_ko: Mapped[str | None] = mapped_column(Text)
    undisposed_reason_en: Mapped[str | None] = mapped_column(Text)
    undisposed_reason: Mapped[Bilingual] = composite("undisposed_reason_ko", "undisposed_reason_en")

    published_by = relationship("Person", lazy="raise_on_sql")

    def body_markup(self, lang: str) -> Markup:
        """The report in lang (or the other language), as sanitize() rendered it when it was published."""
        return Markup(getattr(self, f"body_html_{lang}") or getattr(self, f"body_html_{'en' if lang == 'ko' else 'ko'}") or "")


class Invitation(db.Model):
    """An organisation invited to a consultation for one purpose (written input, a hearing, an expert
    meeting) — or, by email, one not yet on the platform: such an invitation attaches to the organisation
    once it registers and is verified. Never deleted: withdrawing it is a state with a public reason.
    "No answer" is not stored: it is a `sent` invitation whose consultation has closed."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    # an invitation by email: the address (never shown publicly) and the organisation's name as given
    invited_email: Mapped[str | None] = mapped_column(String(254))
    invited_name_ko: Mapped[str | None] = mapped_column(String(200))
    invited_name_en: Mapped[str | None] = mapped_column(String(200))
    invited_name: Mapped[Bilingual] = composite("invited_name_ko", "invited_name_en")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    purpose: Mapped[Purpose] = mapped_column(StrEnumType(Purpose, 20))
    message_ko: Mapped[str | None] = mapped_column(Text)
    message_en: Mapped[str | None] = mapped_column(Text)
    message: Mapped[Bilingual] = composite("message_ko", "message_en")
    state: Mapped[InvitationState] = mapped_column(StrEnumType(InvitationState, 10))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    answer_reason_ko: Mapped[str | None] = mapped_column(Text)
    answer_reason_en: Mapped[str | None] = mapped_column(Text)
    answer_reason: Mapped[Bilingual] = composite("answer_reason_ko", "answer_reason_en")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    withdrawal_reason_ko: Mapped[str | None] = mapped_column(Text)
    withdrawal_reason_en: Mapped[str | None] = mapped_column(Text)
    withdrawal_reason: Mapped[Bilingual] = composite("withdrawal_reason_ko", "withdrawal_reason_en")
    attached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the closing reminder, sent once

    organization = relationship("Organization", lazy="raise_on_sql")
    invited_by = relationship("Person", foreign_keys=[invited_by_id], lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("consultation_id", "organization_id", "purpose", name="uq_invitation_org_purpose"),
        UniqueConstraint("consultation_id", "invited_email", "purpose", name="uq_invitation_email_purpose"),
        CheckConstraint("organization_id IS NOT NULL OR invited_email IS NOT NULL", name="invitee_known"),
        CheckConstraint("(state = 'withdrawn') = (withdrawn_at IS NOT NULL)", name="withdrawn_with_date"),
        _enum_check("purpose", Purpose, "purpose_known"),
        _enum_check("state", InvitationState, "state_known"),
        Index("ix_invitation_record", "consultation_id", "sent_at", "id"),
        Index("ix_invitation_email", "invited_email"),
    )

    def shown_state(self, consultation_status: Status) -> str:
        """The state a reader sees: `no_answer` for one still unanswered when the consultation has closed."""
        if self.state is InvitationState.SENT and consultation_status in (Status.CLOSED, Status.CONCLUDED):
            return "no_answer"
        return self.state.value


class ParticipationRequest(db.Model):
    """An organisation asking to take part in an `invited` consultation; granted or denied in public."""

    __tablename__ = "participation_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    motivation_ko: Mapped[str | None] = mapped_column(Text)
    motivation_en: Mapped[str | None] = mapped_column(Text)
    motivation: Mapped[Bilingual] = composite("motivation_ko", "motivation_en")
    decision: Mapped[RequestDecision] = mapped_column(StrEnumType(RequestDecision, 10),
                                                     default=RequestDecision.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason_ko: Mapped[str | None] = mapped_column(Text)
    reason_en: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[Bilingual] = composite("reason_ko", "reason_en")

    organization = relationship("Organization", lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("consultation_id", "organization_id", name="uq_participation_request_org"),
        _enum_check("decision", RequestDecision, "decision_known"),
    )


class Meeting(db.Model):
    """A hearing or meeting held on a consultation (공청회, 간담회, 전문가 회의), recorded by its officials:
    when, how, where, who was invited and who attended, and the minutes (text, and an optional PDF)."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    kind: Mapped[MeetingKind] = mapped_column(StrEnumType(MeetingKind, 20))
    format: Mapped[MeetingFormat] = mapped_column(StrEnumType(MeetingFormat, 10))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    title_ko: Mapped[str | None] = mapped_column(String(300))
    title_en: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[Bilingual] = composite("title_ko", "title_en")
    place_ko: Mapped[str | None] = mapped_column(String(300))
    place_en: Mapped[str | None] = mapped_column(String(300))
    place: Mapped[Bilingual] = composite("place_ko", "place_en")
    minutes_ko: Mapped[str | None] = mapped_column(Text)
    minutes_en: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[Bilingual] = composite("minutes_ko", "minutes_en")
    # the minutes as a PDF, stored like attachments (instance/uploads/<sha256>.pdf)
    minutes_filename: Mapped[str | None] = mapped_column(String(200))
    minutes_sha256: Mapped[str | None] = mapped_column(String(64))
    minutes_size: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    __table_args__ = (
        CheckConstraint("title_ko IS NOT NULL OR title_en IS NOT NULL", name="title_present"),
        CheckConstraint("(minutes_sha256 IS NULL) = (minutes_filename IS NULL)", name="pdf_whole"),
        CheckConstraint("ends_at IS NULL OR ends_at > held_at", name="ends_after_start"),
        _enum_check("kind", MeetingKind, "kind_known"),
        _enum_check("format", MeetingFormat, "format_known"),
        Index("ix_meeting_consultation", "consultation_id", "held_at", "id"),
    )


class MeetingOrganization(db.Model):
    """An organisation at a meeting: invited to it, attending it, or both."""

    __tablename__ = "meeting_organization"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"), primary_key=True)
    invited: Mapped[bool] = mapped_column(Boolean, default=False)
    attended: Mapped[bool] = mapped_column(Boolean, default=False)

    organization = relationship("Organization", lazy="raise_on_sql")

    __table_args__ = (CheckConstraint("invited OR attended", name="invited_or_attended"),
                      Index("ix_meeting_organization_org", "organization_id"))
