"""bcrypt hashing off the event loop, and the password policy."""

from __future__ import annotations

import asyncio
import re

import bcrypt
from sqlalchemy.ext.asyncio import AsyncSession

from portal.common.errors import ValidationFailed
from portal.settings import Settings

# Verifying against this keeps the time of a login for an unknown user equal to a real one.
_DUMMY_HASH = bcrypt.hashpw(b"timing-equaliser", bcrypt.gensalt(rounds=4))


async def enforce_policy(session: AsyncSession, settings: Settings, password: str, username: str) -> None:
    """The password policy in force (system settings, saved by an administrator) applied to `password`."""
    from portal.admin import service as system  # local: admin builds on auth

    policy = (await system.effective(session, settings)).password_policy
    check_policy(password, min_length=policy.min_length, username=username, classes=policy.require_classes)


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


def check_policy(password: str, *, min_length: int, username: str | None = None, classes: int = 3) -> None:
    """At least `min_length` characters (bcrypt reads 72 bytes at most), `classes` of the four character
    classes, and not containing the username."""
    problems = []
    if len(password) < min_length:
        problems.append(f"at least {min_length} characters")
    if len(password.encode()) > 72:
        problems.append("at most 72 bytes")
    present = sum(
        bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")
    )
    if present < classes:
        problems.append(f"{classes} of: lower-case, upper-case, digit, symbol")
    if username and username.lower() in password.lower():
        problems.append("must not contain the username")
    if problems:
        raise ValidationFailed(
            "password does not meet the policy", code="WEAK_PASSWORD", details={"requirements": problems}
        )
