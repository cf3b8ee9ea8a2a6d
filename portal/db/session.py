"""Async engine and session factory; built from settings, never at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Executable, Result
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=True)


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """A session whose work is committed when the block ends and rolled back on error."""
    async with factory() as session, session.begin():
        yield session


class LazyReads:
    """Reads on one autocommit connection, opened at the first `execute` (a request served from the cache opens
    none): no BEGIN and no ROLLBACK round trips around the statements. For read-only requests only."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._conn: AsyncConnection | None = None

    async def execute(self, statement: Executable, parameters: dict[str, Any] | None = None) -> Result[Any]:
        if self._conn is None:
            conn = await self.engine.connect()
            self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
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
