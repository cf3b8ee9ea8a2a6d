"""Redis commands of concurrent requests sent together, one pipeline per round trip.

A command on its own costs the process about as much CPU as a small pipeline of them (packing, a write and a
read through the event loop, the connection pool): under load, the revocation check every request makes and
the cache entries written after a miss were a large share of a cheap request. `RedisBatch` keeps one round
trip in flight; commands issued meanwhile wait and go in the next pipeline together. A lone command goes out
at once, so an idle server answers as fast as before.

Errors stay per command: a failed command raises its own `RedisError`, and a connection failure raises it in
every caller of that round trip, as a direct command would.
"""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis

MAX_BATCH = 64


class RedisBatch:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._queue: list[tuple[tuple[Any, ...], dict[str, Any], asyncio.Future[Any]]] = []
        self._sending = False
        self._drainer: asyncio.Task[None] | None = None  # referenced while it runs

    async def mget(self, *keys: str) -> list[Any]:
        result: list[Any] = await self.execute("MGET", *keys)
        return result

    async def set(self, key: str, value: bytes, *, ex: int) -> None:
        await self.execute("SET", key, value, "EX", ex)

    async def execute(self, *args: Any, **options: Any) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append((args, options, future))
        if not self._sending:
            self._sending = True
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                await self._send(batch)
        finally:
            self._sending = False

    async def _send(self, batch: list[tuple[tuple[Any, ...], dict[str, Any], asyncio.Future[Any]]]) -> None:
        try:
            if len(batch) == 1:
                (args, options, _), = batch
                results: list[Any] = [await self.redis.execute_command(*args, **options)]
            else:
                pipe = self.redis.pipeline(transaction=False)
                for args, options, _ in batch:
                    pipe.execute_command(*args, **options)
                results = await pipe.execute(raise_on_error=False)
        except BaseException as exc:  # the round trip failed: every command of it did
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(exc if isinstance(exc, Exception) else ConnectionError(str(exc)))
            if not isinstance(exc, Exception):
                raise
            return
        for (_, _, future), result in zip(batch, results, strict=True):
            if future.done():  # its caller was cancelled
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
