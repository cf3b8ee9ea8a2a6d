"""search performance: prefix and bigram indexes for employee search and type-ahead

Revision ID: 0006_search_perf
Revises: 0005
Create Date: 2026-11-28

- `ix_users_username_prefix`, `ix_users_name_en_prefix`: the type-ahead's prefix arms (`LIKE 'q%'`) as b-tree
  range scans. The database collation is not "C", so only `text_pattern_ops` serves `LIKE`.
- `ix_users_search_bigrams`: employee search matches substrings of name, English name, username, email,
  position, job title and 초성. Trigrams need three characters, but most Korean given names have two
  (`민준`), so the index holds every two-character window of those columns (`gw_user_bigrams`); a query's
  own windows (`gw_bigrams`) must all be there, and the exact ILIKE then runs on those candidates only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_search_perf"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# plpgsql with a loop: about ten times faster than a SQL function over generate_series, which matters for
# the index build and for every insert or update of a user. Only built-in functions are called, because an
# index expression runs with a restricted search_path.
BIGRAM_FUNCTIONS = """
CREATE OR REPLACE FUNCTION gw_bigrams(value text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
DECLARE
    lowered CONSTANT text := lower(value);
    result text[] := '{}';
BEGIN
    FOR i IN 1 .. length(lowered) - 1 LOOP
        result := result || substr(lowered, i, 2);
    END LOOP;
    RETURN result;
END
$$;

CREATE OR REPLACE FUNCTION gw_user_bigrams(name text, name_en text, username text, email text, rank text,
                                           title text, chosung text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    -- chr(31) between the columns: no query contains it, so no query matches across two columns.
    doc CONSTANT text := lower(coalesce(name, '') || chr(31) || coalesce(name_en, '') || chr(31)
                               || coalesce(username, '') || chr(31) || coalesce(email, '') || chr(31)
                               || coalesce(rank, '') || chr(31) || coalesce(title, '') || chr(31)
                               || coalesce(chosung, ''));
    result text[] := '{}';
BEGIN
    FOR i IN 1 .. length(doc) - 1 LOOP
        result := result || substr(doc, i, 2);
    END LOOP;
    RETURN result;
END
$$;
"""

BIGRAM_COLUMNS = "name, name_en, username, email, position, job_title, name_chosung"


def upgrade() -> None:
    op.execute(BIGRAM_FUNCTIONS)
    op.create_index("ix_users_username_prefix", "users", ["username"],
                    postgresql_ops={"username": "text_pattern_ops"})
    op.create_index("ix_users_name_en_prefix", "users", [sa.text("lower(name_en) text_pattern_ops")])
    op.create_index("ix_users_search_bigrams", "users", [sa.text(f"gw_user_bigrams({BIGRAM_COLUMNS})")],
                    postgresql_using="gin")


def downgrade() -> None:
    op.drop_index("ix_users_search_bigrams", table_name="users")
    op.drop_index("ix_users_name_en_prefix", table_name="users")
    op.drop_index("ix_users_username_prefix", table_name="users")
    op.execute("DROP FUNCTION IF EXISTS gw_user_bigrams(text, text, text, text, text, text, text)")
    op.execute("DROP FUNCTION IF EXISTS gw_bigrams(text)")
