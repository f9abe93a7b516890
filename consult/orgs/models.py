"""Organisations, their members and pending member invitations."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, composite, mapped_column, relationship

from ..extensions import StrEnumType, UTCDateTime, db
from ..i18n import Bilingual


class OrgKind(StrEnum):
    """Organisation kinds of SPEC §1; also the stakeholder groups a consultation targets."""

    GOVERNMENT = "government"
    CIVIL_SOCIETY = "civil_society"
    ACADEMIA = "academia"
    INDUSTRY = "industry"
    LABOUR = "labour"
    INTERNATIONAL = "international"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(ORG_KIND_LABELS[self])


ORG_KIND_LABELS = {
    OrgKind.GOVERNMENT: _l("Government body"),
    OrgKind.CIVIL_SOCIETY: _l("Civil-society organisation"),
    OrgKind.ACADEMIA: _l("Academia and research"),
    OrgKind.INDUSTRY: _l("Industry or business association"),
    OrgKind.LABOUR: _l("Labour organisation"),
    OrgKind.INTERNATIONAL: _l("International organisation"),
    OrgKind.OTHER: _l("Other"),
}


class GovSubkind(StrEnum):
    MINISTRY = "ministry"
    AGENCY = "agency"
    LOCAL_GOVERNMENT = "local_government"
    PUBLIC_INSTITUTION = "public_institution"

    @property
    def label(self) -> str:
        return str(GOV_SUBKIND_LABELS[self])


GOV_SUBKIND_LABELS = {
    GovSubkind.MINISTRY: _l("Ministry"),
    GovSubkind.AGENCY: _l("Central agency"),
    GovSubkind.LOCAL_GOVERNMENT: _l("Local government"),
    GovSubkind.PUBLIC_INSTITUTION: _l("Public institution"),
}


class VerificationStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return str(VERIFICATION_LABELS[self])


VERIFICATION_LABELS = {
    VerificationStatus.PENDING: _l("Verification pending"),
    VerificationStatus.VERIFIED: _l("Verified"),
    VerificationStatus.REJECTED: _l("Verification rejected"),
    VerificationStatus.REVOKED: _l("Verification revoked"),
}


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {Role.ADMIN: _l("Administrator"), Role.EDITOR: _l("Editor")}


def _enum_check(column: str, enum: type[StrEnum], name: str) -> CheckConstraint:
    values = ", ".join(f"'{v.value}'" for v in enum)
    return CheckConstraint(f"{column} IN ({values})", name=name)


class Organization(db.Model):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[OrgKind] = mapped_column(StrEnumType(OrgKind, 20))
    subkind: Mapped[GovSubkind | None] = mapped_column(StrEnumType(GovSubkind, 20))
    name_ko: Mapped[str | None] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[Bilingual] = composite("name_ko", "name_en")
    short_name_ko: Mapped[str | None] = mapped_column(String(60))
    short_name_en: Mapped[str | None] = mapped_column(String(60))
    short_name: Mapped[Bilingual] = composite("short_name_ko", "short_name_en")
    description_ko: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    description: Mapped[Bilingual] = composite("description_ko", "description_en")
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    status: Mapped[VerificationStatus] = mapped_column(StrEnumType(VerificationStatus, 12),
                                                      default=VerificationStatus.PENDING)
    verification_requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # public basis of a verification, or the reason for a rejection or revocation
    decision_note_ko: Mapped[str | None] = mapped_column(Text)
    decision_note_en: Mapped[str | None] = mapped_column(Text)
    decision_note: Mapped[Bilingual] = composite("decision_note_ko", "decision_note_en")

    members = relationship("Membership", back_populates="organization", lazy="raise_on_sql",
                           cascade="all, delete-orphan")
    decided_by = relationship("Person", foreign_keys=[decided_by_id], lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("name_ko IS NOT NULL OR name_en IS NOT NULL", name="name_present"),
        _enum_check("kind", OrgKind, "kind_known"),
        _enum_check("status", VerificationStatus, "status_known"),
        CheckConstraint("subkind IS NULL OR kind = 'government'", name="subkind_government_only"),
        Index("ix_organization_status_kind", "status", "kind", "name_ko", "id"),
        Index("ix_organization_status_requested", "status", "verification_requested_at", "id"),
    )

    @property
    def is_verified(self) -> bool:
        return self.status == VerificationStatus.VERIFIED

    @property
    def is_government(self) -> bool:
        return self.kind == OrgKind.GOVERNMENT

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"


class Membership(db.Model):
    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(StrEnumType(Role, 10))
    title_ko: Mapped[str | None] = mapped_column(String(120))
    title_en: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[Bilingual] = composite("title_ko", "title_en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organization = relationship("Organization", back_populates="members", lazy="raise_on_sql")
    person = relationship("Person", back_populates="memberships", lazy="raise_on_sql",
                          foreign_keys=[person_id])

    __table_args__ = (
        UniqueConstraint("organization_id", "person_id", name="uq_membership_org_person"),
        _enum_check("role", Role, "role_known"),
    )


class MemberInvitation(db.Model):
    """An invitation by email to join an organisation; the link's token is stored only as a hash."""

    __tablename__ = "member_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(StrEnumType(Role, 10))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization = relationship("Organization", lazy="raise_on_sql")

    __table_args__ = (
        _enum_check("role", Role, "role_known"),
        Index("ix_member_invitation_org_open", "organization_id", "accepted_at", "cancelled_at"),
    )

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.cancelled_at is None and now < self.expires_at
