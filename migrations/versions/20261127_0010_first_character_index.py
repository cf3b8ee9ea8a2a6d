"""type-ahead first keystroke: one index per prefix arm, ordered by the type-ahead's rank

Revision ID: 0010_first_character
Revises: 0009_approval_comments
Create Date: 2026-11-27

A one-character prefix (`김`, `ㄱ`, `k`) matches a large share of the company, and the type-ahead ranks by
(length(name), name, id): with the prefix indexes alone PostgreSQL read and sorted every match (75 ms for `김`
on 100,000 employees). Each index here is (first character, active, length(name), name, id), so an arm reads
its top N in rank order and stops (0.1 ms).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_first_character"
down_revision: str | None = "0009_approval_comments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIRST_CHARACTER = {
    "ix_users_name_first": "left(name, 1)",
    "ix_users_name_en_first": "left(lower(name_en), 1)",
    "ix_users_username_first": "left(username, 1)",
    "ix_users_name_chosung_first": "left(name_chosung, 1)",
}


def upgrade() -> None:
    for name, first in FIRST_CHARACTER.items():
        op.create_index(name, "users", [sa.text(first), "is_active", sa.text("length(name)"), "name", "id"])


def downgrade() -> None:
    for name in reversed(FIRST_CHARACTER):
        op.drop_index(name, table_name="users")
