"""Fixed-window counters in Redis for login attempts per IP and per username."""

from __future__ import annotations

from redis.asyncio import Redis

from portal.common.errors import RateLimited


async def hit(redis: Redis, key: str, *, limit: int, window_seconds: int) -> None:
    """Count one attempt; raise 429 with Retry-After once `limit` is exceeded inside the window."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(key, 0, ex=window_seconds, nx=True)  # starts the window (EXPIRE NX needs Redis 7)
        pipe.incr(key)
        pipe.ttl(key)
        _, count, ttl = await pipe.execute()
    if int(count) > limit:
        raise RateLimited(
            "too many login attempts; try again later", code="TOO_MANY_ATTEMPTS",
            retry_after=max(1, int(ttl)),
        )
