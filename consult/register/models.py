"""The public-sector AI register (공공 인공지능 등록부): one entry per AI system a public body uses, every
change kept as a revision, consultations linked to it, and civil society's flags with the body's answers.

An entry's fields live in one JSON document (`content`, shaped by `fields.FIELDS`); the entry row repeats
what lists filter, sort and search on, so the register list never opens a document. Every change to the
document is a new `RegisterRevision` holding the whole document and its SHA-256, and an event in the
record — a quietly edited entry would show as a revision whose hash the log does not know."""
from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum, StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, composite, mapped_column, relationship

from ..consultations.models import Outcome
from ..extensions import StrEnumType, UTCDateTime, db
from ..i18n import Bilingual
from ..orgs.models import _enum_check


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return str(LABELS[type(self)][self])


class EntryStatus(_Labelled):
    PLANNING = "planning"
    DEVELOPMENT = "development"
    PILOT = "pilot"
    IN_OPERATION = "in_operation"
    RETIRED = "retired"


class HighImpact(_Labelled):
    """Whether the body considers the system high-impact AI under the AI Framework Act art. 2(4)."""

    YES = "yes"
    NO = "no"
    UNDER_REVIEW = "under_review"  # confirmation asked of the Minister of Science and ICT (art. 33)
    NOT_DETERMINED = "not_determined"


class Area(_Labelled):
    """The high-impact areas of the AI Framework Act art. 2(4), letters 가–카 (../shared/korea/conventions.md §8)."""

    ENERGY = "energy"  # 가
    DRINKING_WATER = "drinking_water"  # 나
    HEALTH_CARE = "health_care"  # 다
    MEDICAL_DEVICES = "medical_devices"  # 라
    NUCLEAR = "nuclear"  # 마
    BIOMETRIC_LAW_ENFORCEMENT = "biometric_law_enforcement"  # 바
    RIGHTS_DECISIONS = "rights_decisions"  # 사 (hiring, loan screening)
    TRANSPORT = "transport"  # 아
    PUBLIC_SERVICE_DECISIONS = "public_service_decisions"  # 자
    STUDENT_EVALUATION = "student_evaluation"  # 차
    DECREE = "decree"  # 카: other areas set by Presidential Decree

    @property
    def letter(self) -> str:
        return "가나다라마바사아자차카"[list(Area).index(self)]


class Stage(_Labelled):
    """The four stages of the NHRCK human rights impact assessment tool, in order."""

    PLANNING = "planning"  # 계획 및 수립
    ANALYSIS = "analysis"  # 분석과 평가
    REMEDY = "remedy"  # 개선과 구제
    DISCLOSURE = "disclosure"  # 공개와 점검


class Ground(IntEnum):
    """Items of 「공공기관의 정보공개에 관한 법률」 art. 9(1): the only grounds on which a field may be withheld."""

    SECRET_BY_LAW = 1
    NATIONAL_SECURITY = 2
    LIFE_AND_PROPERTY = 3
    INVESTIGATION = 4
    DECISION_IN_PROGRESS = 5
    PRIVACY = 6
    BUSINESS_SECRET = 7
    UNFAIR_GAIN = 8

    @property
    def label(self) -> str:
        return str(GROUND_LABELS[self])


class FlagKind(_Labelled):
    MISSING_INFORMATION = "missing_information"
    UNREGISTERED_SYSTEM = "unregistered_system"
    DISAGREEMENT = "disagreement"


class LinkKind(_Labelled):
    ASSESSMENT = "assessment"  # a consultation opened on the entry's impact assessment
    RELATED = "related"  # any other consultation about the system


LABELS: dict[type, dict[StrEnum, object]] = {}
for _member, _label in [
    (EntryStatus.PLANNING, _l("Planning")),
    (EntryStatus.DEVELOPMENT, _l("In development")),
    (EntryStatus.PILOT, _l("Pilot")),
    (EntryStatus.IN_OPERATION, _l("In operation")),
    (EntryStatus.RETIRED, _l("Retired")),
    (HighImpact.YES, _l("High-impact AI")),
    (HighImpact.NO, _l("Not high-impact AI")),
    (HighImpact.UNDER_REVIEW, _l("High-impact status under review")),
    (HighImpact.NOT_DETERMINED, _l("High-impact status not determined")),
    (Area.ENERGY, _l("Supply of energy")),
    (Area.DRINKING_WATER, _l("Production of drinking water")),
    (Area.HEALTH_CARE, _l("Provision of health care")),
    (Area.MEDICAL_DEVICES, _l("Medical devices and digital medical devices")),
    (Area.NUCLEAR, _l("Nuclear materials and facilities")),
    (Area.BIOMETRIC_LAW_ENFORCEMENT, _l("Biometric analysis in criminal investigation or arrest")),
    (Area.RIGHTS_DECISIONS, _l("Judgements affecting rights and duties, such as hiring and loan screening")),
    (Area.TRANSPORT, _l("Operation of transport means, facilities and systems")),
    (Area.PUBLIC_SERVICE_DECISIONS, _l("Decisions by public bodies affecting citizens, such as eligibility for public services")),
    (Area.STUDENT_EVALUATION, _l("Evaluation of students")),
    (Area.DECREE, _l("Other areas set by Presidential Decree")),
    (Stage.PLANNING, _l("Planning and preparation")),
    (Stage.ANALYSIS, _l("Analysis and assessment")),
    (Stage.REMEDY, _l("Improvement and remedy")),
    (Stage.DISCLOSURE, _l("Disclosure and review")),
    (FlagKind.MISSING_INFORMATION, _l("Missing information")),
    (FlagKind.UNREGISTERED_SYSTEM, _l("A system in use that is not registered")),
    (FlagKind.DISAGREEMENT, _l("Disagreement with the entry")),
    (LinkKind.ASSESSMENT, _l("Consultation on the impact assessment")),
    (LinkKind.RELATED, _l("Related consultation")),
]:
    LABELS.setdefault(type(_member), {})[_member] = _label

GROUND_LABELS = {
    Ground.SECRET_BY_LAW: _l("Official Information Disclosure Act, Article 9(1), item 1 (secret under other laws)"),
    Ground.NATIONAL_SECURITY: _l("Official Information Disclosure Act, Article 9(1), item 2 (national security, defence, unification, diplomacy)"),
    Ground.LIFE_AND_PROPERTY: _l("Official Information Disclosure Act, Article 9(1), item 3 (life, body and property of citizens)"),
    Ground.INVESTIGATION: _l("Official Information Disclosure Act, Article 9(1), item 4 (trials, crime prevention and investigation)"),
    Ground.DECISION_IN_PROGRESS: _l("Official Information Disclosure Act, Article 9(1), item 5 (audits, tenders, research, decisions in progress)"),
    Ground.PRIVACY: _l("Official Information Disclosure Act, Article 9(1), item 6 (personal information)"),
    Ground.BUSINESS_SECRET: _l("Official Information Disclosure Act, Article 9(1), item 7 (trade or business secrets)"),
    Ground.UNFAIR_GAIN: _l("Official Information Disclosure Act, Article 9(1), item 8 (unfair gain or loss)"),
}


class RegisterEntry(db.Model):
    """One AI system of one public body. `content` is the current document (see fields.FIELDS); the
    columns beside it repeat what the list filters, sorts and searches on and are written only together
    with a new revision, by the actions."""

    __tablename__ = "register_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revision: Mapped[int] = mapped_column(Integer, default=1)  # number of the current revision
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    # repeated from content for lists, filters and search
    name_ko: Mapped[str | None] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    name: Mapped[Bilingual] = composite("name_ko", "name_en")
    summary_ko: Mapped[str | None] = mapped_column(String(300))
    summary_en: Mapped[str | None] = mapped_column(String(300))
    summary: Mapped[Bilingual] = composite("summary_ko", "summary_en")
    status: Mapped[EntryStatus] = mapped_column(StrEnumType(EntryStatus, 20))
    high_impact: Mapped[HighImpact] = mapped_column(StrEnumType(HighImpact, 20))
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    assessment_stage: Mapped[Stage | None] = mapped_column(StrEnumType(Stage, 20))  # furthest stage recorded
    has_consultation: Mapped[bool] = mapped_column(Boolean, default=False)
    # lower-cased text of the searchable fields in both languages, for substring search (two-syllable
    # Korean words included); the search issue replaces this with the search module
    search_text: Mapped[str] = mapped_column(Text, default="")

    organization = relationship("Organization", lazy="raise_on_sql")

    __table_args__ = (
        _enum_check("status", EntryStatus, "status_known"),
        _enum_check("high_impact", HighImpact, "high_impact_known"),
        _enum_check("assessment_stage", Stage, "stage_known"),
        CheckConstraint("name_ko IS NOT NULL OR name_en IS NOT NULL", name="name_present"),
        CheckConstraint("revision >= 1", name="revision_positive"),
        Index("ix_register_entry_list", "updated_at", "id"),
        Index("ix_register_entry_org", "organization_id", "updated_at", "id"),
        Index("ix_register_entry_status", "status", "updated_at", "id"),
    )

    @property
    def has_assessment(self) -> bool:
        return self.assessment_stage is not None


class EntryArea(db.Model):
    """The high-impact areas an entry names (none, one or several), for the area filter."""

    __tablename__ = "register_entry_area"

    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entry.id", ondelete="CASCADE"), primary_key=True)
    area: Mapped[Area] = mapped_column(StrEnumType(Area, 40), primary_key=True)

    __table_args__ = (
        _enum_check("area", Area, "area_known"),
        Index("ix_register_entry_area", "area", "entry_id"),
    )


class RegisterRevision(db.Model):
    """The whole document of an entry as of one change, never updated. Revision 1 is the registration;
    later ones carry a public change note and the keys of the fields that changed."""

    __tablename__ = "register_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entry.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    change_note_ko: Mapped[str | None] = mapped_column(Text)
    change_note_en: Mapped[str | None] = mapped_column(Text)
    change_note: Mapped[Bilingual] = composite("change_note_ko", "change_note_en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    created_by = relationship("Person", lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("entry_id", "number", name="uq_register_revision_number"),
        Index("ix_register_revision_feed", "created_at", "id"),  # the register's feed of changes
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("number = 1 OR change_note_ko IS NOT NULL OR change_note_en IS NOT NULL",
                        name="change_note_after_first"),
    )


class EntryConsultation(db.Model):
    """A consultation about the entry's system, shown on both pages; `assessment` when it was opened
    from the entry on its impact assessment."""

    __tablename__ = "register_consultation"

    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entry.id", ondelete="CASCADE"), primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[LinkKind] = mapped_column(StrEnumType(LinkKind, 20))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    consultation = relationship("Consultation", lazy="raise_on_sql")
    entry = relationship("RegisterEntry", lazy="raise_on_sql")

    __table_args__ = (
        _enum_check("kind", LinkKind, "kind_known"),
        Index("ix_register_consultation_consultation", "consultation_id"),
    )


class Flag(db.Model):
    """A verified organisation's public flag on an entry — or on a body, for a system in use that is not
    registered — and the body's public answer, with the outcomes of a disposition."""

    __tablename__ = "register_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("register_entry.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="RESTRICT"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    kind: Mapped[FlagKind] = mapped_column(StrEnumType(FlagKind, 30))
    field: Mapped[str | None] = mapped_column(String(40))  # the field a missing-information flag is about
    body: Mapped[str] = mapped_column(Text)  # plain text as written
    lang: Mapped[str] = mapped_column(String(2))
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[Outcome | None] = mapped_column(StrEnumType(Outcome, 20))
    answer_ko: Mapped[str | None] = mapped_column(Text)
    answer_en: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[Bilingual] = composite("answer_ko", "answer_en")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    body_org = relationship("Organization", foreign_keys=[body_org_id], lazy="raise_on_sql")
    organization = relationship("Organization", foreign_keys=[organization_id], lazy="raise_on_sql")
    entry = relationship("RegisterEntry", lazy="raise_on_sql")

    __table_args__ = (
        _enum_check("kind", FlagKind, "kind_known"),
        _enum_check("outcome", Outcome, "outcome_known"),
        CheckConstraint("entry_id IS NOT NULL OR kind = 'unregistered_system'", name="entry_unless_unregistered"),
        CheckConstraint("(outcome IS NULL) = (answered_at IS NULL)", name="answer_complete"),
        Index("ix_register_flag_entry", "entry_id", "created_at", "id"),
        Index("ix_register_flag_body", "body_org_id", "created_at", "id"),
    )


def stage_order(stage: Stage | None) -> int:
    """0 for no assessment, 1–4 for the stages in order."""
    return 0 if stage is None else list(Stage).index(stage) + 1


def date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
