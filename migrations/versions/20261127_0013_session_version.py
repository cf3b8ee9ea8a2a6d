"""users: a session version, so a refresh token from before a deactivation never works again

Revision ID: 0013_session_version
Revises: 0012_post_text
Create Date: 2026-11-27

Refresh tokens live in Redis and were revoked there on deactivation by an administrator, but not by the AD
sync, which has no part in that, and not at all while Redis was unreachable: a reactivated account's old
refresh tokens worked again. Each refresh token now carries the `session_version` it was issued under, and
refreshing compares it with the row, which every deactivation, reactivation and password change bumps.

Department administrators read only the audit rows about their departments' users (as actor or as target):
an index on the target lets that query combine the actor and target indexes instead of reading every row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_session_version"
down_revision: str | None = "0012_post_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))
    op.create_index("ix_audit_logs_target", "audit_logs", ["target_type", "target_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_logs_target", table_name="audit_logs")
    op.drop_column("users", "session_version")
