"""notify outbox: emails written with the approval projection, sent by the worker's mail dispatcher

Revision ID: 0008_notify_outbox
Revises: 0007_adsync
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_notify_outbox"
down_revision: str | None = "0007_adsync"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notify_outbox",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("document_id", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.String(length=50), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("with_action_link", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["approval_documents.id"],
                                name=op.f("fk_notify_outbox_document_id_approval_documents"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notify_outbox_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notify_outbox_dedupe_key")),
    )
    op.create_index("ix_notify_outbox_due", "notify_outbox", ["next_attempt_at"], unique=False,
                    postgresql_where=sa.text("sent_at IS NULL AND failed_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_notify_outbox_due", table_name="notify_outbox",
                  postgresql_where=sa.text("sent_at IS NULL AND failed_at IS NULL"))
    op.drop_table("notify_outbox")
