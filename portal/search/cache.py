"""Ready-to-send JSON bytes in Redis under a version number per scope, read in one round trip.

Bumping the scope's version makes every entry of the scope stale at once, like `VersionedCache`, but the
version is stored in the entry (`b"<version>:<body>"`) instead of in its key, so a lookup is a single MGET of
the version key and the entry. A hit is sent as is: no JSON parsing, no model validation. Fails soft: with
Redis down every lookup is a miss and nothing is stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic_core import to_json
from redis.asyncio import Redis
from redis.exceptions import RedisError

from portal.common.redis_batch import RedisBatch
from portal.common.schemas import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lookup:
    """The outcome of one lookup: the cached body when it is current, and the version to store a fresh one
    under (None when Redis could not be read: then nothing is stored either)."""

    body: bytes | None
    version: int | None


class BytesCache:
    def __init__(self, redis: Redis, namespace: str, scope: str, ttl_seconds: int) -> None:
        self.redis = redis
        self.namespace = namespace
        self.scope = scope
        self.ttl = ttl_seconds

    @property
    def version_key(self) -> str:
        return f"{self.namespace}:version:{self.scope}"  # the same key VersionedCache bumps

    def key(self, params: dict[str, Any]) -> str:
        digest = hashlib.sha256(json.dumps(params, sort_keys=True, ensure_ascii=False, default=str).encode())
        return f"{self.namespace}:{self.scope}:{digest.hexdigest()[:32]}"

    async def get(self, key: str) -> Lookup:
        return (await get_many(self.redis, [(self, key)]))[0]

    async def set(self, key: str, version: int | None, body: bytes, via: RedisBatch | None = None) -> None:
        """Store `body` under the version read before it was built (a bump in between leaves it stale). `via`
        pipelines the write with other requests' commands."""
        if version is None:
            return
        try:
            value = b"%d:%b" % (version, body)
            await (via.set(key, value, ex=self.ttl) if via is not None else self.redis.set(key, value, ex=self.ttl))
        except (RedisError, OSError):
            log.warning("cache write failed", extra={"cache": self.namespace})

    async def bump(self) -> None:
        try:
            await self.redis.incr(self.version_key)
        except (RedisError, OSError):
            log.warning("cache invalidation failed", extra={"cache": self.namespace})


async def get_many(redis: Redis | RedisBatch, lookups: Sequence[tuple[BytesCache, str]]) -> list[Lookup]:
    """Several entries, of one or several scopes, with their versions, in one MGET (pipelined with other
    requests' commands when `redis` is a `RedisBatch`)."""
    versions = list(dict.fromkeys(cache.version_key for cache, _ in lookups))
    try:
        raw = await redis.mget(*versions, *(key for _, key in lookups))
    except (RedisError, OSError):
        return [Lookup(None, None) for _ in lookups]
    current = dict(zip(versions, raw, strict=False))
    return [read(current[cache.version_key], entry) for (cache, _), entry in zip(lookups, raw[len(versions):],
                                                                                 strict=True)]


def read(version: bytes | str | None, entry: bytes | str | None) -> Lookup:
    """A lookup from the values of a scope's version key and of the entry, read together (`MGET`)."""
    current = int(version or 0)
    if isinstance(entry, str):  # a client built with decode_responses
        entry = entry.encode()
    prefix = b"%d:" % current
    return Lookup(entry[len(prefix):] if entry is not None and entry.startswith(prefix) else None, current)


def envelope_head(data: Any, **fields: Any) -> bytes:
    """`{"success":true,"data":…,<fields>,"message":null` as JSON bytes, without the closing brace: what is
    cached. `finish` appends the timestamp of the response that sends it."""
    return to_json({"success": True, "data": data, **fields, "message": None})[:-1]


def finish(head: bytes) -> bytes:
    return b'%b,"timestamp":%b}' % (head, to_json(utcnow()))
