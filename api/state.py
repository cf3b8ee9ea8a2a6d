"""Process-wide resources of the API, created in the lifespan and reached through `request.app.state`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from portal.auth.tokens import VerifiedTokens
from portal.common.errors import ServiceUnavailable
from portal.common.redis_batch import RedisBatch
from portal.db.session import SessionFactory
from portal.settings import Settings
from portal.storage.backends import Storage
from temporal.client import connect


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    reads: AsyncEngine  # autocommit connections for read-only hot paths (portal data, an action's target)
    search: AsyncEngine  # the same, planning each prepared statement once: employee search and type-ahead only
    sessions: SessionFactory
    redis: Redis
    storage: Storage
    redis_batch: RedisBatch  # the hot paths' Redis commands, pipelined across concurrent requests
    verified_tokens: VerifiedTokens = field(default_factory=VerifiedTokens)
    _temporal: Client | None = None
    _temporal_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def temporal(self) -> Client:
        """Connected on first use, so the API starts (and reports not-ready) while Temporal is down."""
        if self._temporal is None:
            async with self._temporal_lock:
                if self._temporal is None:
                    try:
                        self._temporal = await asyncio.wait_for(connect(self.settings), timeout=5)
                    except (RuntimeError, OSError, TimeoutError) as exc:
                        raise ServiceUnavailable(
                            "the workflow engine is unreachable", code="TEMPORAL_UNAVAILABLE"
                        ) from exc
        return self._temporal
