"""Redis JSON cache that degrades to a miss when Redis is unavailable (slower, never failing)."""

from __future__ import annotations

import hashlib
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


class VersionedCache:
    """Cached query results under a version number per scope: bumping the version makes every cached
    result of that scope stale at once, without scanning keys. Fails soft like JsonCache."""

    def __init__(self, redis: Redis, namespace: str, ttl_seconds: int) -> None:
        self.redis = redis
        self.namespace = namespace
        self.ttl = ttl_seconds

    def _version_key(self, scope: object) -> str:
        return f"{self.namespace}:version:{scope}"

    async def key(self, scope: object, params: dict[str, Any]) -> str | None:
        """The cache key for these parameters now, or None when Redis is unavailable."""
        try:
            version = int(await self.redis.get(self._version_key(scope)) or 0)
        except (RedisError, OSError):
            return None
        digest = hashlib.sha256(json.dumps(params, sort_keys=True, ensure_ascii=False, default=str).encode())
        return f"{self.namespace}:{scope}:{version}:{digest.hexdigest()[:32]}"

    async def get(self, key: str | None) -> Any | None:
        if key is None:
            return None
        try:
            raw = await self.redis.get(key)
        except (RedisError, OSError):
            return None
        return json.loads(raw) if raw else None

    async def set(self, key: str | None, value: Any) -> None:
        if key is None:
            return
        try:
            await self.redis.set(key, json.dumps(value, default=str, ensure_ascii=False), ex=self.ttl)
        except (RedisError, OSError):
            log.warning("cache write failed", extra={"cache": self.namespace})

    async def bump(self, scope: object) -> None:
        try:
            await self.redis.incr(self._version_key(scope))
        except (RedisError, OSError):
            log.warning("cache invalidation failed", extra={"cache": self.namespace})
