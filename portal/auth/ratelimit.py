"""Fixed-window counters in Redis for login attempts per IP and per username."""

from __future__ import annotations

from redis.asyncio import Redis

from portal.common.errors import RateLimited


async def hit(redis: Redis, key: str, *, limit: int, window_seconds: int) -> None:
    """Count one attempt; raise 429 with Retry-After once `limit` is exceeded inside the window."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, window_seconds, nx=True)
        pipe.ttl(key)
        count, _, ttl = await pipe.execute()
    if int(count) > limit:
        raise RateLimited(
            "too many login attempts; try again later", code="TOO_MANY_ATTEMPTS",
            retry_after=max(1, int(ttl)),
        )
