"""notify_outbox: an index of the mails given up after two days of failures

Revision ID: 0014_outbox_given_up
Revises: 0013_session_version
Create Date: 2026-11-28

`GET /admin/approval/mail` counts the waiting mails from the due index and the given-up ones from this one, so
neither reads the sent mails, which are nearly all of the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_outbox_given_up"
down_revision: str | None = "0013_session_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_notify_outbox_given_up", "notify_outbox", ["failed_at"], unique=False,
                    postgresql_where=sa.text("failed_at IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_notify_outbox_given_up", table_name="notify_outbox",
                  postgresql_where=sa.text("failed_at IS NOT NULL"))
