"""Redis JSON cache that degrades to a miss when Redis is unavailable (slower, never failing)."""

from __future__ import annotations

import json
import logging
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class JsonCache:
    def __init__(self, redis: Redis, prefix: str, ttl_seconds: int) -> None:
        self.redis = redis
        self.prefix = prefix
        self.ttl = ttl_seconds

    def key(self, ident: object) -> str:
        return f"{self.prefix}:{ident}"

    async def get(self, ident: object) -> Any | None:
        try:
            raw = await self.redis.get(self.key(ident))
        except (RedisError, OSError):
            log.warning("cache read failed", extra={"cache": self.prefix})
            return None
        return json.loads(raw) if raw else None

    async def set(self, ident: object, value: Any) -> None:
        try:
            await self.redis.set(self.key(ident), json.dumps(value, default=str), ex=self.ttl)
        except (RedisError, OSError):
            log.warning("cache write failed", extra={"cache": self.prefix})

    async def delete(self, *idents: object) -> None:
        if not idents:
            return
        try:
            await self.redis.delete(*(self.key(i) for i in idents))
        except (RedisError, OSError):
            log.warning("cache invalidation failed", extra={"cache": self.prefix})
