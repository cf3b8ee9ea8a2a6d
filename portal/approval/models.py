"""Approval (전자결재) tables: templates, documents, line steps and history (the Temporal projection)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from portal.db.base import Base, Timestamps


class ApprovalTemplate(Timestamps, Base):
    __tablename__ = "approval_templates"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(50))
    form_schema: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    line_rule: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    sla_policy: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    numbering_rule: Mapped[str] = mapped_column(String(100), default="{code}-{yyyy}-{seq:06d}")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class ApprovalDocument(Timestamps, Base):
    __tablename__ = "approval_documents"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("approval_templates.id", ondelete="RESTRICT"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    document_type: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[str | None] = mapped_column(Text)
    form_data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    status: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft", index=True)
    current_step: Mapped[int | None] = mapped_column(Integer)
    document_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    previous_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("approval_documents.id", ondelete="SET NULL")
    )
    workflow_id: Mapped[str | None] = mapped_column(String(100))
    # The line as the drafter edits it (drafts); snapshotted into the workflow and approval_lines at submit.
    line_spec: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # Sequence number of the last workflow snapshot written: older (retried, replayed) snapshots are ignored.
    projection_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the document needs someone's attention outside the normal flow, e.g. its current approver was
    # deactivated by the directory sync: {"reason": "approver_inactive", "user_ids": [...], "at": "..."}.
    attention: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class ApprovalLine(Base):
    __tablename__ = "approval_lines"
    __table_args__ = (
        UniqueConstraint("document_id", "line_type", "step_order", "approver_id",
                         name="uq_approval_lines_position"),
        Index("ix_approval_lines_approver_status", "approver_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("approval_documents.id", ondelete="CASCADE"))
    step_order: Mapped[int] = mapped_column(Integer)
    line_type: Mapped[str] = mapped_column(String(20), default="approval")
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    group_rule: Mapped[str | None] = mapped_column(String(10))
    required_count: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="waiting", server_default="waiting")
    comment: Mapped[str | None] = mapped_column(Text)
    acted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApprovalHistory(Base):
    __tablename__ = "approval_history"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("approval_documents.id", ondelete="CASCADE"), index=True
    )
    step_order: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16), default="web", server_default="web")
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # Activities insert with this key so a retry never writes the same row twice.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )


class ApprovalDelegation(Timestamps, Base):
    """대결: while active (dates inclusive), the delegate may act for the delegator."""

    __tablename__ = "approval_delegations"
    __table_args__ = (Index("ix_approval_delegations_lookup", "delegate_id", "delegator_id", "starts_on"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    delegator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class DocumentNumberSequence(Base):
    """One counter per template and year; incremented under a row lock, so numbers are never duplicated."""

    __tablename__ = "document_number_sequences"

    template_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(BigInteger, default=0)


class ApprovalActionToken(Base):
    """Email action link of one approver for one step of one document. The token itself is an HMAC over
    `nonce` with the server key; only its SHA-256 is stored."""

    __tablename__ = "approval_action_tokens"
    __table_args__ = (
        UniqueConstraint("document_id", "step_order", "approver_id", name="uq_approval_action_tokens_target"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("approval_documents.id", ondelete="CASCADE"))
    step_order: Mapped[int] = mapped_column(Integer)
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    used_action: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ApprovalAttachment(Base):
    __tablename__ = "approval_attachments"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("approval_documents.id", ondelete="CASCADE"), index=True)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(500), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ApprovalComment(Base):
    """A free comment (의견) on a document by anyone who may read it, beside the comments given with actions."""

    __tablename__ = "approval_comments"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("approval_documents.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
