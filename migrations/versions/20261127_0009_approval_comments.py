"""approval document comments (의견)

Revision ID: 0009_approval_comments
Revises: 0008_notify_outbox
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_approval_comments"
down_revision: str | None = "0008_notify_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "approval_comments",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("document_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["approval_documents.id"], ondelete="CASCADE",
                                name="fk_approval_comments_document_id_approval_documents"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="RESTRICT",
                                name="fk_approval_comments_author_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_approval_comments"),
    )
    op.create_index("ix_approval_comments_document_id", "approval_comments", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_approval_comments_document_id", table_name="approval_comments")
    op.drop_table("approval_comments")
