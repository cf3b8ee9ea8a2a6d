"""In-app notification rows and the email outbox the mail dispatcher drains."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db.base import Base


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "is_read", "created_at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    is_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Lets a retried activity insert the same notification without duplicating it.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Set once the matching email went out, so a retried send activity does not mail twice.
    email_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class NotifyOutbox(Base):
    """One email to send, written in the same transaction as the approval projection that caused it.

    The dispatcher claims due rows by pushing `next_attempt_at` one lease ahead, sends them over one SMTP
    connection and sets `sent_at` right after the server accepted each message; a row whose dispatcher died
    becomes due again when its lease ends. `message_id` is fixed at insert, so a resend after a crash between
    the server's acceptance and our commit carries the same Message-ID (mail clients fold such duplicates).
    """

    __tablename__ = "notify_outbox"
    __table_args__ = (
        Index("ix_notify_outbox_due", "next_attempt_at",
              postgresql_where=text("sent_at IS NULL AND failed_at IS NULL")),
        Index("ix_notify_outbox_given_up", "failed_at", postgresql_where=text("failed_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)  # the in-app row's key
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("approval_documents.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(50))
    step: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    with_action_link: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    message_id: Mapped[str] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # gave up (too old)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
