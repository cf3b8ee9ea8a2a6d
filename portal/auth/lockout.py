"""Lockout after repeated failed logins, counted in Redis per submitted username whether or not an account has it.

Counting unknown names like real ones keeps every answer the same for both, `ACCOUNT_LOCKED` included: a name
that was never an account locks after the same number of failures, for the same time. An attempt claims its
turn (`claim`) before its password is looked at, in one script with the lock check, so that a burst arriving
as a lock runs out is not all evaluated: at most `threshold` guesses are, per lock period. A success clears
the count (`clear`), as does an administrator's unlock. Failures are forgotten `seconds` after the last one.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from redis.asyncio import Redis

# KEYS: failure count, lock. ARGV: threshold, milliseconds (the lock's length and the count's memory).
# Answers {failures including this one, 0} or, while locked, {0, milliseconds left}.
_CLAIM = """
local left = redis.call('PTTL', KEYS[2])
if left > 0 then return {0, left} end
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if n >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
  redis.call('DEL', KEYS[1])
end
return {n, 0}
"""

# Gives back a claim whose password could not be checked (the directory was unreachable). ARGV: 1 if that
# claim set the lock, threshold, milliseconds.
_RELEASE = """
if ARGV[1] == '1' then
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[1], tonumber(ARGV[2]) - 1, 'PX', ARGV[3])
elseif redis.call('EXISTS', KEYS[1]) == 1 and redis.call('DECR', KEYS[1]) <= 0 then
  redis.call('DEL', KEYS[1])
end
return 1
"""


def normalize(username: str) -> str:
    """As usernames are looked up: surrounding space dropped, lower case."""
    return username.strip().lower()


def name_key(username: str) -> str:
    # Hashed, so arbitrary submitted usernames never become readable Redis key names.
    return hashlib.sha256(normalize(username).encode()).hexdigest()[:32]


def _keys(username: str) -> list[str]:
    h = name_key(username)
    return [f"login-fail:{h}", f"login-lock:{h}"]


@dataclass(frozen=True)
class Attempt:
    failures: int  # failures counted with this attempt's; 0 when it was refused as locked
    locked_ms: int  # > 0: the name is locked for this long and the attempt was refused
    threshold: int

    @property
    def locked(self) -> bool:
        return self.locked_ms > 0

    @property
    def locks_now(self) -> bool:
        """This attempt's claim reached the threshold: unless its password is right, the name is now locked."""
        return not self.locked and self.failures >= self.threshold

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.locked_ms / 1000))


async def claim(redis: Redis, username: str, *, threshold: int, seconds: int) -> Attempt:
    """Count this attempt as a failure unless the name is locked (then nothing is counted); `clear` takes the
    count back when the password turns out right."""
    failures, left = await redis.register_script(_CLAIM)(keys=_keys(username), args=[threshold, seconds * 1000])
    return Attempt(failures=int(failures), locked_ms=int(left), threshold=threshold)


async def release(redis: Redis, username: str, attempt: Attempt, *, seconds: int) -> None:
    """Give back the failure `attempt` counted: no password was checked."""
    await redis.register_script(_RELEASE)(
        keys=_keys(username), args=[1 if attempt.locks_now else 0, attempt.threshold, seconds * 1000])


async def clear(redis: Redis, username: str) -> None:
    """A successful login, or an administrator's unlock: no failures, no lock."""
    await redis.delete(*_keys(username))
