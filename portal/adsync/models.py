"""Active Directory sync tables: connection config, attribute mapping and run logs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from portal.db.base import Base, Timestamps


class ADSyncConfig(Timestamps, Base):
    __tablename__ = "ad_sync_config"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    server_url: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer, default=636)
    use_ldaps: Mapped[bool] = mapped_column(Boolean, default=True)
    use_starttls: Mapped[bool] = mapped_column(Boolean, default=False)
    ca_certificate: Mapped[str | None] = mapped_column(Text)
    tls_server_name: Mapped[str | None] = mapped_column(String(255))
    bind_dn: Mapped[str] = mapped_column(String(500))
    # AES-256-GCM ciphertext (nonce || ciphertext+tag); never returned by the API.
    bind_password: Mapped[bytes | None] = mapped_column(LargeBinary)
    base_dns: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default="[]")
    user_filter: Mapped[str] = mapped_column(String(1000), default="(objectClass=user)")
    sync_schedule: Mapped[str | None] = mapped_column(String(100))
    attribute_mapping: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    ou_mapping: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    group_mapping: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    highest_committed_usn: Mapped[int | None] = mapped_column(BigInteger)


class ADAttributeMapping(Timestamps, Base):
    __tablename__ = "ad_attribute_mapping"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    config_id: Mapped[int] = mapped_column(ForeignKey("ad_sync_config.id", ondelete="CASCADE"), index=True)
    ad_attribute: Mapped[str] = mapped_column(String(100))
    user_field: Mapped[str] = mapped_column(String(100))
    is_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")


class ADSyncLog(Base):
    __tablename__ = "ad_sync_logs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    sync_started_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    sync_completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="running")
    mode: Mapped[str] = mapped_column(String(20), default="full")
    trigger: Mapped[str] = mapped_column(String(20), default="manual", server_default="manual")
    workflow_id: Mapped[str | None] = mapped_column(String(200))
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The directory's highestCommittedUSN read before this run's first search; stored into the config on success.
    highest_usn: Mapped[int | None] = mapped_column(BigInteger)
    # Phase and pages done, updated in the same transaction as each page, so a retried activity resumes exactly.
    progress: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    synced_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    deactivated_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error_details: Mapped[list[Any]] = mapped_column(JSONB, default=list, server_default="[]")
