"""RedisBatch: concurrent commands share round trips, each caller gets its own answer or its own error."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from portal.common.redis_batch import RedisBatch
from portal.devstack.services import free_port


class CountingRedis(Redis):
    """The real client, counting round trips: single commands and pipelines."""

    singles = 0
    pipelines = 0

    async def execute_command(self, *args, **options):
        type(self).singles += 1
        return await super().execute_command(*args, **options)

    def pipeline(self, transaction=True, shard_hint=None):
        type(self).pipelines += 1
        return super().pipeline(transaction, shard_hint)


async def test_concurrent_commands_share_round_trips_and_get_their_own_answers(services, redis):
    for i in range(40):
        await redis.set(f"k{i}", f"v{i}")
    client = CountingRedis.from_url(services.redis_url)
    CountingRedis.singles = CountingRedis.pipelines = 0
    batch = RedisBatch(client)
    try:
        answers = await asyncio.gather(*(batch.mget(f"k{i}", "missing", f"k{(i + 1) % 40}") for i in range(40)))
        await asyncio.gather(*(batch.set(f"w{i}", b"x%d" % i, ex=60) for i in range(10)))
    finally:
        await client.aclose()
    assert answers == [[f"v{i}".encode(), None, f"v{(i + 1) % 40}".encode()] for i in range(40)]
    assert [await redis.get(f"w{i}") for i in range(10)] == [b"x%d" % i for i in range(10)]
    assert 0 < await redis.ttl("w0") <= 60
    # The first command of each burst goes alone; the rest wait for it and go together.
    assert CountingRedis.pipelines >= 1 and CountingRedis.singles + CountingRedis.pipelines <= 6


async def test_a_failing_command_fails_alone(redis):
    await redis.set("text", "not a number")
    batch = RedisBatch(redis)
    ok, bad, also_ok = await asyncio.gather(batch.mget("text"), batch.execute("INCR", "text"), batch.mget("nope"),
                                            return_exceptions=True)
    assert ok == [b"not a number"] and also_ok == [None]
    assert isinstance(bad, ResponseError)
    assert await batch.mget("text") == [b"not a number"]  # and the batch still works afterwards


async def test_an_unreachable_server_fails_every_caller_and_the_next_ones_too():
    client = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    batch = RedisBatch(client)
    try:
        results = await asyncio.gather(*(batch.mget("a") for _ in range(5)), return_exceptions=True)
        assert all(isinstance(r, RedisError | OSError) for r in results), results
        with pytest.raises((RedisError, OSError)):
            await batch.set("a", b"1", ex=1)
    finally:
        await client.aclose()


async def test_a_cancelled_caller_does_not_break_the_others(redis):
    await redis.set("a", "1")
    batch = RedisBatch(redis)
    first = asyncio.ensure_future(batch.mget("a"))
    second = asyncio.ensure_future(batch.mget("a"))
    third = asyncio.ensure_future(batch.mget("a"))
    await asyncio.sleep(0)
    second.cancel()
    assert await first == [b"1"] and await third == [b"1"]
    assert second.cancelled()
