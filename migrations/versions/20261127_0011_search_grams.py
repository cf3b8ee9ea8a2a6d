"""employee search: trigrams for queries of three or more characters, and the department arm on bigrams

Revision ID: 0011_search_grams
Revises: 0010_first_character
Create Date: 2026-11-27

- `ix_users_search_trigrams`: the same searchable text as `ix_users_search_bigrams` (migration 0006), cut into
  three-character windows. Two-character windows of romanised names are common (`un`, `ju` each in tens of
  thousands of rows), so a query like `Yunjun` spent 1.5-2.5 ms intersecting their long posting lists; its
  trigrams are rare. Queries of two characters (most Korean given names) keep the bigram index.
- `ix_departments_name_bigrams`: employee search also finds the members of departments whose name contains the
  query. That arm lower-cased all department names on every search (0.6 ms for 500 departments); now a query
  of two or more characters reads only the departments holding all its bigrams.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_search_grams"
down_revision: str | None = "0010_first_character"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As the bigram functions of 0006: plpgsql loops over built-in functions only (an index expression runs with a
# restricted search_path), chr(31) between columns so that no query matches across two of them.
TRIGRAM_FUNCTIONS = """
CREATE OR REPLACE FUNCTION gw_trigrams(value text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
DECLARE
    lowered CONSTANT text := lower(value);
    result text[] := '{}';
BEGIN
    FOR i IN 1 .. length(lowered) - 2 LOOP
        result := result || substr(lowered, i, 3);
    END LOOP;
    RETURN result;
END
$$;

CREATE OR REPLACE FUNCTION gw_user_trigrams(name text, name_en text, username text, email text, rank text,
                                            title text, chosung text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    doc CONSTANT text := lower(coalesce(name, '') || chr(31) || coalesce(name_en, '') || chr(31)
                               || coalesce(username, '') || chr(31) || coalesce(email, '') || chr(31)
                               || coalesce(rank, '') || chr(31) || coalesce(title, '') || chr(31)
                               || coalesce(chosung, ''));
    result text[] := '{}';
BEGIN
    FOR i IN 1 .. length(doc) - 2 LOOP
        result := result || substr(doc, i, 3);
    END LOOP;
    RETURN result;
END
$$;
"""

USER_COLUMNS = "name, name_en, username, email, position, job_title, name_chosung"


def upgrade() -> None:
    op.execute(TRIGRAM_FUNCTIONS)
    op.create_index("ix_users_search_trigrams", "users", [sa.text(f"gw_user_trigrams({USER_COLUMNS})")],
                    postgresql_using="gin")
    op.create_index("ix_departments_name_bigrams", "departments", [sa.text("gw_bigrams(name)")],
                    postgresql_using="gin")


def downgrade() -> None:
    op.drop_index("ix_departments_name_bigrams", table_name="departments")
    op.drop_index("ix_users_search_trigrams", table_name="users")
    op.execute("DROP FUNCTION IF EXISTS gw_user_trigrams(text, text, text, text, text, text, text)")
    op.execute("DROP FUNCTION IF EXISTS gw_trigrams(text)")
