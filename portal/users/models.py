"""User table: local and Active Directory accounts."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Computed,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.db.base import Base, Timestamps


class AuthSource(enum.StrEnum):
    local = "local"
    ad = "ad"


def _trgm(name: str, column: str) -> Index:
    return Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


class User(Timestamps, Base):
    __tablename__ = "users"
    __table_args__ = (
        _trgm("ix_users_name_trgm", "name"),
        _trgm("ix_users_name_en_trgm", "name_en"),
        _trgm("ix_users_name_chosung_trgm", "name_chosung"),
        _trgm("ix_users_phone_digits_trgm", "phone_digits"),
        Index("ix_users_name_prefix", "name", postgresql_ops={"name": "text_pattern_ops"}),
        Index("ix_users_name_chosung_prefix", "name_chosung", postgresql_ops={"name_chosung": "text_pattern_ops"}),
        # Migration 0006: the type-ahead's prefix arms, and the bigrams of employee search (portal/search).
        Index("ix_users_username_prefix", "username", postgresql_ops={"username": "text_pattern_ops"}),
        Index("ix_users_name_en_prefix", func.lower(literal_column("name_en")).label("lower_name_en"),
              postgresql_ops={"lower_name_en": "text_pattern_ops"}),
        Index("ix_users_search_bigrams",
              text("gw_user_bigrams(name, name_en, username, email, position, job_title, name_chosung)"),
              postgresql_using="gin"),
        # Migration 0011: employee search's queries of three or more characters.
        Index("ix_users_search_trigrams",
              text("gw_user_trigrams(name, name_en, username, email, position, job_title, name_chosung)"),
              postgresql_using="gin"),
        # Migration 0010: the type-ahead's first keystroke, each prefix arm in rank order.
        *(Index(f"ix_users_{column}_first", text(first), "is_active", text("length(name)"), "name", "id")
          for column, first in (("name", "left(name, 1)"), ("name_en", "left(lower(name_en), 1)"),
                                ("username", "left(username, 1)"), ("name_chosung", "left(name_chosung, 1)"))),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    employee_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[str | None] = mapped_column(String(50))
    job_title: Mapped[str | None] = mapped_column(String(100))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    profile_image_url: Mapped[str | None] = mapped_column(String(500))
    locale: Mapped[str] = mapped_column(String(8), default="ko", server_default="ko")

    auth_source: Mapped[AuthSource] = mapped_column(
        Enum(AuthSource, name="auth_source", values_callable=lambda e: [m.value for m in e]),
        default=AuthSource.local,
        server_default=AuthSource.local.value,
    )
    password_hash: Mapped[str | None] = mapped_column(String(100))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped on password change, deactivation or role change: older access tokens stop working.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Bumped when every session must end: password change or reset, deactivation, reactivation. A refresh
    # token remembers the value it was issued under and is refused once it differs (checked in PostgreSQL, so
    # it holds even when the Redis revocation of those tokens did not happen).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    ad_username: Mapped[str | None] = mapped_column(String(256), index=True)
    ad_dn: Mapped[str | None] = mapped_column(String(1000))
    ad_object_guid: Mapped[str | None] = mapped_column(String(64), unique=True)
    ad_sync_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true", index=True)

    # Search helpers kept by PostgreSQL itself: the 초성 (initial consonants) of the name, phone digits only.
    name_chosung: Mapped[str | None] = mapped_column(Text, Computed("gw_chosung(name)", persisted=True))
    phone_digits: Mapped[str | None] = mapped_column(
        Text, Computed("regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')", persisted=True)
    )
