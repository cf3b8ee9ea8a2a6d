"""Applying Alembic migrations programmatically (dev runner, `portal.manage`, tests)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parents[2]


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _in_thread(fn: object, *args: object) -> None:
    # env.py runs its own event loop; a fresh thread keeps it apart from any loop the caller is in.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(fn, *args).result()  # type: ignore[arg-type]


def upgrade(url: str, revision: str = "head") -> None:
    _in_thread(command.upgrade, alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    _in_thread(command.downgrade, alembic_config(url), revision)
