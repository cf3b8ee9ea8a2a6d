"""bcrypt hashing off the event loop, and the password policy."""

from __future__ import annotations

import asyncio
import re

import bcrypt

from portal.common.errors import ValidationFailed

# Verifying against this keeps the time of a login for an unknown user equal to a real one.
_DUMMY_HASH = bcrypt.hashpw(b"timing-equaliser", bcrypt.gensalt(rounds=4))


async def hash_password(password: str, rounds: int) -> str:
    data = password.encode()
    hashed = await asyncio.to_thread(bcrypt.hashpw, data, bcrypt.gensalt(rounds=rounds))
    return hashed.decode()


async def verify_password(password: str, hashed: str | None) -> bool:
    target = hashed.encode() if hashed else _DUMMY_HASH
    try:
        ok = await asyncio.to_thread(bcrypt.checkpw, password.encode(), target)
    except ValueError:
        return False
    return ok and hashed is not None


def check_policy(password: str, *, min_length: int, username: str | None = None) -> None:
    """At least `min_length` characters (bcrypt reads 72 bytes at most), three of four character classes,
    and not containing the username."""
    problems = []
    if len(password) < min_length:
        problems.append(f"at least {min_length} characters")
    if len(password.encode()) > 72:
        problems.append("at most 72 bytes")
    classes = sum(
        bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")
    )
    if classes < 3:
        problems.append("three of: lower-case, upper-case, digit, symbol")
    if username and username.lower() in password.lower():
        problems.append("must not contain the username")
    if problems:
        raise ValidationFailed(
            "password does not meet the policy", code="WEAK_PASSWORD", details={"requirements": problems}
        )
