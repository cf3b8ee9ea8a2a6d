"""Migrations: empty → head → base → head again, and the models match what the migrations build."""

from __future__ import annotations

import psycopg
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from portal.db import migrate
from portal.db.models import Base

SEED_TABLES = {
    "users", "departments", "roles", "user_roles", "permissions", "role_permissions", "portal_layouts",
    "approval_documents", "approval_lines", "approval_history", "approval_templates", "boards", "posts",
    "comments", "post_attachments", "post_likes", "ad_sync_config", "ad_sync_logs", "ad_attribute_mapping",
    "notifications", "audit_logs",
}


def _fresh_db(services, name):
    with psycopg.connect(services.pg_admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return services.db_url(name)


def _tables(url):
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(services):
    url = _fresh_db(services, "gw_migrations_roundtrip")
    migrate.upgrade(url)
    assert SEED_TABLES <= _tables(url)
    migrate.downgrade(url, "base")
    assert _tables(url) == set()
    migrate.upgrade(url)
    assert SEED_TABLES <= _tables(url)


def test_models_and_migrations_do_not_drift(services):
    url = _fresh_db(services, "gw_migrations_drift")
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_search_indexes_exist(services):
    url = _fresh_db(services, "gw_migrations_indexes")
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        insp = inspect(engine)
        user_idx = {tuple(i["column_names"]) for i in insp.get_indexes("users")}
        user_uq = {tuple(u["column_names"]) for u in insp.get_unique_constraints("users")}
        assert {("username",), ("email",), ("employee_number",)} <= user_uq
        assert {("department_id",), ("created_at",)} <= user_idx
        post_idx = {i["name"] for i in insp.get_indexes("posts")}
        assert {"ix_posts_title_trgm", "ix_posts_content_text_trgm"} <= post_idx
    finally:
        engine.dispose()
