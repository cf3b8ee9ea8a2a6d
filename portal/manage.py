"""Operator commands: `python -m portal.manage init` applies migrations and the bootstrap data."""

from __future__ import annotations

import argparse
import asyncio

from portal.bootstrap import bootstrap
from portal.common.logging import configure_logging
from portal.db import migrate
from portal.db.session import create_engine, create_session_factory
from portal.settings import Settings, get_settings


async def _bootstrap(settings: Settings) -> None:
    engine = create_engine(settings.effective_database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session:
            await bootstrap(session, settings)
    finally:
        await engine.dispose()


def init(settings: Settings) -> None:
    migrate.upgrade(settings.effective_database_url)
    asyncio.run(_bootstrap(settings))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m portal.manage")
    parser.add_argument("command", choices=["init", "migrate"])
    args = parser.parse_args()
    settings = get_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    if args.command == "migrate":
        migrate.upgrade(settings.effective_database_url)
    else:
        init(settings)


if __name__ == "__main__":
    main()
