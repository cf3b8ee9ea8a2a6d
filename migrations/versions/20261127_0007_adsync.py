"""AD sync: TLS server name, OU GUIDs on departments, run progress, documents needing attention

Revision ID: 0007_adsync
Revises: 0006_search_perf
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007_adsync"
down_revision: str | None = "0006_search_perf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ad_sync_config", sa.Column("tls_server_name", sa.String(255), nullable=True))
    op.add_column("departments", sa.Column("ad_object_guid", sa.String(64), nullable=True))
    op.create_unique_constraint("uq_departments_ad_object_guid", "departments", ["ad_object_guid"])
    op.add_column("ad_sync_logs", sa.Column("trigger", sa.String(20), nullable=False, server_default="manual"))
    op.add_column("ad_sync_logs", sa.Column("requested_by", sa.BigInteger(), nullable=True))
    op.create_foreign_key("fk_ad_sync_logs_requested_by_users", "ad_sync_logs", "users", ["requested_by"], ["id"],
                          ondelete="SET NULL")
    op.add_column("ad_sync_logs", sa.Column("highest_usn", sa.BigInteger(), nullable=True))
    op.add_column("ad_sync_logs", sa.Column("progress", postgresql.JSONB(), nullable=False, server_default="{}"))
    op.add_column("approval_documents", sa.Column("attention", postgresql.JSONB(), nullable=True))


def downgrade() -> None:
    op.drop_column("approval_documents", "attention")
    op.drop_column("ad_sync_logs", "progress")
    op.drop_column("ad_sync_logs", "highest_usn")
    op.drop_constraint("fk_ad_sync_logs_requested_by_users", "ad_sync_logs", type_="foreignkey")
    op.drop_column("ad_sync_logs", "requested_by")
    op.drop_column("ad_sync_logs", "trigger")
    op.drop_constraint("uq_departments_ad_object_guid", "departments", type_="unique")
    op.drop_column("departments", "ad_object_guid")
    op.drop_column("ad_sync_config", "tls_server_name")
