"""JWT access tokens (algorithm pinned) and rotating refresh tokens kept in Redis.

Refresh tokens are opaque random strings; Redis keeps only their SHA-256. Each login starts a token
family; a refresh consumes the presented token and issues the next one in the same family. Presenting
a consumed token again means it was stolen or replayed, so the whole family is revoked.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from jose import JWTError, jwt
from jose.exceptions import ExpiredSignatureError
from redis.asyncio import Redis

from portal.common.errors import Unauthorized
from portal.settings import Settings


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    roles: list[str]
    permissions: list[str]
    token_version: int
    jti: str
    expires_at: int


def create_access_token(
    settings: Settings, *, user_id: int, roles: list[str], permissions: list[str], token_version: int
) -> tuple[str, int]:
    now = int(time.time())
    exp = now + settings.access_token_ttl_seconds
    claims = {
        "sub": str(user_id),
        "iss": settings.jwt_issuer,
        "iat": now,
        "nbf": now,
        "exp": exp,
        "jti": uuid.uuid4().hex,
        "type": "access",
        "roles": roles,
        "perms": permissions,
        "tv": token_version,
    }
    token = jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=settings.jwt_algorithm)
    return token, settings.access_token_ttl_seconds


def decode_access_token(settings: Settings, token: str) -> AccessClaims:
    try:
        header = jwt.get_unverified_header(token)
    except JWTError as exc:
        raise Unauthorized("malformed token", code="INVALID_TOKEN") from exc
    # Pin the algorithm before verification: `none` and HS/RS switching never reach the verifier.
    if header.get("alg") != settings.jwt_algorithm:
        raise Unauthorized("token algorithm not accepted", code="INVALID_TOKEN")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[settings.jwt_algorithm],
            issuer=settings.jwt_issuer,
            options={"require_exp": True, "require_iat": True, "require_sub": True, "require_jti": True},
        )
    except ExpiredSignatureError as exc:
        raise Unauthorized("token expired", code="TOKEN_EXPIRED") from exc
    except JWTError as exc:
        raise Unauthorized("invalid token", code="INVALID_TOKEN") from exc
    if claims.get("type") != "access":
        raise Unauthorized("not an access token", code="INVALID_TOKEN")
    try:
        return AccessClaims(
            user_id=int(claims["sub"]),
            roles=list(claims.get("roles", [])),
            permissions=list(claims.get("perms", [])),
            token_version=int(claims.get("tv", 0)),
            jti=str(claims["jti"]),
            expires_at=int(claims["exp"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise Unauthorized("invalid token", code="INVALID_TOKEN") from exc


class VerifiedTokens:
    """A small per-process memo of tokens whose signature was already checked, so a busy client's token is
    decoded once rather than on every request. Entries end with the token's `exp`; revocation is still
    checked on every request (denylist and token version)."""

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, AccessClaims] = OrderedDict()

    def get(self, token: str) -> AccessClaims | None:
        claims = self._items.get(token)
        if claims is None:
            return None
        if claims.expires_at <= time.time():
            del self._items[token]
            return None
        self._items.move_to_end(token)
        return claims

    def put(self, token: str, claims: AccessClaims) -> None:
        self._items[token] = claims
        if len(self._items) > self.capacity:
            self._items.popitem(last=False)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class RefreshRecord:
    user_id: int
    family: str
    session_version: int = 0  # the user's `session_version` when the token was issued (absent before 0013: 0)


class RefreshTokenStore:
    """Redis keys: `rt:<sha256>` → record, `rt-used:<sha256>` marks a consumed token,
    `rt-fam:<family>` → set of token digests, `rt-user:<id>` → set of families."""

    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self.redis = redis
        self.ttl = ttl_seconds

    async def issue(self, user_id: int, family: str | None = None, session_version: int = 0) -> str:
        family = family or uuid.uuid4().hex
        token = secrets.token_urlsafe(32)
        digest = _digest(token)
        record = json.dumps({"user_id": user_id, "family": family, "sv": session_version})
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(f"rt:{digest}", record, ex=self.ttl)
            pipe.sadd(f"rt-fam:{family}", digest)
            pipe.expire(f"rt-fam:{family}", self.ttl)
            pipe.sadd(f"rt-user:{user_id}", family)
            pipe.expire(f"rt-user:{user_id}", self.ttl)
            await pipe.execute()
        return token

    async def peek(self, token: str) -> RefreshRecord | None:
        raw = await self.redis.get(f"rt:{_digest(token)}")
        if raw is None:
            return None
        data = json.loads(raw)
        return RefreshRecord(user_id=int(data["user_id"]), family=str(data["family"]),
                             session_version=int(data.get("sv", 0)))

    async def consume(self, token: str) -> RefreshRecord:
        """Mark the token used (atomically, once) and return its record; reuse revokes the family."""
        digest = _digest(token)
        record = await self.peek(token)
        if record is None:
            raise Unauthorized("refresh token is invalid or expired", code="INVALID_REFRESH_TOKEN")
        first_use = await self.redis.set(f"rt-used:{digest}", "1", nx=True, ex=self.ttl)
        if not first_use:
            await self.revoke_family(record.family)
            raise Unauthorized(
                "refresh token was already used; all sessions from that login were signed out",
                code="REFRESH_TOKEN_REUSED",
            )
        return record

    async def revoke_family(self, family: str) -> None:
        digests = await self.redis.smembers(f"rt-fam:{family}")
        keys = [f"rt:{d.decode() if isinstance(d, bytes) else d}" for d in digests]
        async with self.redis.pipeline(transaction=True) as pipe:
            if keys:
                pipe.delete(*keys)
            pipe.delete(f"rt-fam:{family}")
            await pipe.execute()

    async def revoke_user(self, user_id: int) -> None:
        families = await self.redis.smembers(f"rt-user:{user_id}")
        for fam in families:
            await self.revoke_family(fam.decode() if isinstance(fam, bytes) else fam)
        await self.redis.delete(f"rt-user:{user_id}")


class AccessTokenDenylist:
    """Access tokens revoked at logout stay rejected until they would have expired anyway."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def deny(self, claims: AccessClaims) -> None:
        ttl = max(1, claims.expires_at - int(time.time()))
        await self.redis.set(f"at-deny:{claims.jti}", "1", ex=ttl)

    async def is_denied(self, jti: str) -> bool:
        return bool(await self.redis.exists(f"at-deny:{jti}"))
