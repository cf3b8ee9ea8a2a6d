"""Async engine and session factory; built from settings, never at import time."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from sqlalchemy import Engine, Executable, Result, event
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SessionFactory = async_sessionmaker[AsyncSession]


# A pooled connection idle for longer than this is pinged before it is used again (a PostgreSQL restart or a
# failover kills idle connections); one handed back moments ago under load is not, which saves a round trip.
PING_IDLE_AFTER_SECONDS = 2.0


# PostgreSQL plans a prepared statement once for all parameter values ("generic plan") on connections started
# with this option. For employee search that is worth about 1 ms of the server's CPU per search, half or more of
# its cost, since planning those statements takes longer than running them. It is an option for chosen
# statements only: a generic plan does not know a LIKE pattern or a LIMIT, so elsewhere it can be far worse.
GENERIC_PLANS = "-c plan_cache_mode=force_generic_plan"


def create_engine(url: str, *, pool_size: int = 10, autocommit: bool = False, generic_plans: bool = False,
                  ping_idle_after: float = PING_IDLE_AFTER_SECONDS) -> AsyncEngine:
    """The engine of a process. `autocommit=True` gives one for reads only: its connections stay in autocommit, so
    a statement costs no BEGIN and no ROLLBACK round trip, and a checkout no switching of the session mode.
    `generic_plans=True`: its connections plan each prepared statement once (`GENERIC_PLANS`); psycopg prepares
    a statement on its sixth run on a connection."""
    options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    if generic_plans:
        options["connect_args"] = {"options": GENERIC_PLANS}
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=10, **options)
    _ping_when_idle(engine.sync_engine, ping_idle_after)
    return engine


def _ping_when_idle(engine: Engine, after: float) -> None:
    """SQLAlchemy's `pool_pre_ping`, but only for a connection that sat in the pool for `after` seconds. A dead
    one is replaced before the caller sees it (raising `DisconnectionError` makes the pool reconnect)."""

    @event.listens_for(engine, "checkin")
    def _idle_from(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < after:
            return  # new, or back in use right after it was returned
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("a pooled connection was dead") from exc


async def driver_rows(conn: AsyncConnection, sql: str, parameters: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of `sql` (compiled for psycopg: `%(name)s` placeholders), run on the psycopg connection under
    `conn` itself. For the hottest reads only: SQLAlchemy's execution and result layers cost about 0.6 ms of CPU
    per employee search, more than the search's own plan. What SQLAlchemy would do on an error is done here:
    the error comes out as SQLAlchemy's (so it is answered as any other database error), and a connection that
    psycopg found broken is invalidated (the pool opens a new one instead)."""
    raw = await conn.get_raw_connection()
    driver: psycopg.AsyncConnection[Any] = raw.driver_connection  # type: ignore[assignment]
    try:
        cursor = await driver.execute(sql, parameters)
        return await cursor.fetchall() if cursor.description is not None else []  # none from a plain UPDATE
    except psycopg.Error as exc:
        if driver.broken:
            await conn.invalidate(exc)
        raise DBAPIError.instance(sql, parameters, exc, psycopg.Error, hide_parameters=True,
                                  connection_invalidated=driver.broken) from exc


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """A session whose work is committed when the block ends and rolled back on error."""
    async with factory() as session, session.begin():
        yield session


class LazyReads:
    """Reads on one connection of a read engine (`create_engine(autocommit=True)`), opened at the first `execute`:
    a request served from the cache opens none."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._conn: AsyncConnection | None = None

    async def execute(self, statement: Executable, parameters: dict[str, Any] | None = None) -> Result[Any]:
        if self._conn is None:
            self._conn = await self.engine.connect()
        return await self._conn.execute(statement, parameters)

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()


@asynccontextmanager
async def lazy_reads(engine: AsyncEngine) -> AsyncIterator[LazyReads]:
    reads = LazyReads(engine)
    try:
        yield reads
    finally:
        await reads.close()
