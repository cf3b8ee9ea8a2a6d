"""employee search: 초성 and phone-digit columns with trigram indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Initial consonant (초성) of each Hangul syllable; other characters are kept as they are, lower-cased.
CHOSUNG_FUNCTION = """
CREATE OR REPLACE FUNCTION gw_chosung(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
DECLARE
    initials CONSTANT text[] := ARRAY['ㄱ','ㄲ','ㄴ','ㄷ','ㄸ','ㄹ','ㅁ','ㅂ','ㅃ','ㅅ','ㅆ','ㅇ','ㅈ','ㅉ','ㅊ','ㅋ','ㅌ','ㅍ','ㅎ'];
    result text := '';
    code integer;
    ch text;
BEGIN
    FOREACH ch IN ARRAY regexp_split_to_array(value, '') LOOP
        code := ascii(ch);
        IF code BETWEEN 44032 AND 55203 THEN
            result := result || initials[(code - 44032) / 588 + 1];
        ELSE
            result := result || lower(ch);
        END IF;
    END LOOP;
    RETURN result;
END
$$;
"""

TRGM = [("ix_users_name_trgm", "name"), ("ix_users_name_en_trgm", "name_en"),
        ("ix_users_name_chosung_trgm", "name_chosung"), ("ix_users_phone_digits_trgm", "phone_digits")]


def upgrade() -> None:
    op.execute(CHOSUNG_FUNCTION)
    op.add_column("users", sa.Column("name_chosung", sa.Text(), sa.Computed("gw_chosung(name)", persisted=True)))
    op.add_column("users", sa.Column(
        "phone_digits", sa.Text(),
        sa.Computed("regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')", persisted=True)))
    for name, column in TRGM:
        op.create_index(name, "users", [column], postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})
    op.create_index("ix_users_name_prefix", "users", ["name"], postgresql_ops={"name": "text_pattern_ops"})
    op.create_index("ix_users_name_chosung_prefix", "users", ["name_chosung"],
                    postgresql_ops={"name_chosung": "text_pattern_ops"})


def downgrade() -> None:
    op.drop_index("ix_users_name_chosung_prefix", table_name="users")
    op.drop_index("ix_users_name_prefix", table_name="users")
    for name, _ in TRGM:
        op.drop_index(name, table_name="users")
    op.drop_column("users", "phone_digits")
    op.drop_column("users", "name_chosung")
    op.execute("DROP FUNCTION IF EXISTS gw_chosung(text)")
