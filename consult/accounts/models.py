"""A person with an account. Named `Person` (table `person`): `user` is reserved in PostgreSQL."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import UTCDateTime, db

NAME_WITHHELD = _l("Individual (name withheld)")
ERASED = _l("Erased account")


def new_session_nonce() -> str:
    return secrets.token_hex(16)


class Person(UserMixin, db.Model):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL once erased; stored lower-case so that the unique index is case-insensitive
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(80))
    display_name_latin: Mapped[str | None] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(2), default="ko")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_collection_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_publish_name: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_publish_name_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # part of the login cookie: changing it (password change, erasure) logs out every session
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)

    memberships = relationship("Membership", back_populates="person", lazy="raise_on_sql",
                               foreign_keys="Membership.person_id")

    __table_args__ = (CheckConstraint("locale IN ('ko', 'en')", name="locale_known"),)

    def get_id(self) -> str:
        return f"{self.id}.{self.session_nonce}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses erased accounts
        return self.erased_at is None

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def public_name(self, lang: str = "ko") -> str:
        """The name others may see: the display name with consent, otherwise a neutral label."""
        if self.erased_at is not None:
            return str(ERASED)
        if not self.consent_publish_name:
            return str(NAME_WITHHELD)
        if lang == "en" and self.display_name_latin:
            return self.display_name_latin
        return self.display_name or ""

    def __repr__(self) -> str:
        return f"<Person {self.id}>"
