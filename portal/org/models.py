"""Department tree table."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db.base import Base, Timestamps


class Department(Timestamps, Base):
    __tablename__ = "departments"
    # Migration 0011: the department arm of employee search (portal/search) reads names through their bigrams.
    __table_args__ = (Index("ix_departments_name_bigrams", text("gw_bigrams(name)"), postgresql_using="gin"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(50), unique=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True), index=True
    )
    ad_ou: Mapped[str | None] = mapped_column(String(500), unique=True)
    # The OU's objectGUID: survives renames and moves of the OU, unlike its DN.
    ad_object_guid: Mapped[str | None] = mapped_column(String(64), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
