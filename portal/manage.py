"""Operator commands: `python -m portal.manage init` applies migrations and the bootstrap data; `demo` loads
the demo company (a worker must be running)."""

from __future__ import annotations

import argparse
import asyncio
import sys

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


def demo(settings: Settings) -> int:
    from portal import demo as demo_company

    if settings.env == "production" and settings.demo_data is not True:
        sys.stderr.write("refusing to load demo data in production (set GW_DEMO_DATA=true to insist)\n")
        return 2
    report = asyncio.run(demo_company.run(settings))
    if report.nothing_created:
        sys.stdout.write("demo data already loaded; nothing to do\n")
    else:
        done = ", ".join(f"{n} {kind}" for kind, n in sorted(report.created.items()))
        sys.stdout.write(f"demo data loaded: {done}\n")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m portal.manage")
    parser.add_argument("command", choices=["init", "migrate", "demo"])
    args = parser.parse_args()
    settings = get_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    if args.command == "migrate":
        migrate.upgrade(settings.effective_database_url)
    elif args.command == "demo":
        sys.exit(demo(settings))
    else:
        init(settings)


if __name__ == "__main__":
    main()
