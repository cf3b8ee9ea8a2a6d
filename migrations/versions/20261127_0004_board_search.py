"""boards: full-text search column on posts (English words; Korean uses the trigram indexes)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VECTOR = "to_tsvector('english', coalesce(title, '') || ' ' || regexp_replace(coalesce(content, ''), '<[^>]+>', ' ', 'g'))"


def upgrade() -> None:
    op.add_column("posts", sa.Column("search_vector", postgresql.TSVECTOR(), sa.Computed(VECTOR, persisted=True)))
    op.create_index("ix_posts_search_vector", "posts", ["search_vector"], postgresql_using="gin")
    op.create_index("ix_comments_post_created", "comments", ["post_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_comments_post_created", table_name="comments")
    op.drop_index("ix_posts_search_vector", table_name="posts")
    op.drop_column("posts", "search_vector")
