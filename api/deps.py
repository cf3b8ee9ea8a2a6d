"""Annotated dependencies every router uses: session, Redis, settings, client info, current user, permissions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from api.state import AppState
from portal.auth.tokens import AccessClaims, decode_access_token
from portal.common.context import Actor, ClientInfo
from portal.common.errors import Forbidden, Unauthorized
from portal.common.logging import request_id_var
from portal.common.pagination import PageParams
from portal.settings import Settings
from portal.users import service as users


async def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.gw
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_settings_dep(state: StateDep) -> Settings:
    return state.settings


async def get_redis(state: StateDep) -> Redis:
    return state.redis


async def get_session(state: StateDep) -> AsyncIterator[AsyncSession]:
    async with state.sessions() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
RedisDep = Annotated[Redis, Depends(get_redis)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_client_info(request: Request) -> ClientInfo:
    return ClientInfo(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        request_id=request_id_var.get(),
    )


ClientDep = Annotated[ClientInfo, Depends(get_client_info)]

_bearer = HTTPBearer(auto_error=False, description="Access token from POST /api/v1/auth/login")


@dataclass(frozen=True)
class CurrentUser:
    actor: Actor
    claims: AccessClaims
    profile: dict[str, Any]

    @property
    def id(self) -> int:
        return self.actor.id


async def get_current_user(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> CurrentUser:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("authentication required", code="AUTH_REQUIRED", headers={"WWW-Authenticate": "Bearer"})
    return await authenticate(state, credentials.credentials)


async def authenticate(state: AppState, token: str) -> CurrentUser:
    """Signature, algorithm, expiry, logout denylist, account still active and token version current."""
    claims = state.verified_tokens.get(token)
    if claims is None:
        claims = decode_access_token(state.settings, token)
        state.verified_tokens.put(token, claims)
    cache = users.user_cache(state.redis, state.settings)
    denied, cached = False, None
    try:  # one round trip for both the logout denylist and the cached user view
        denied_raw, cached_raw = await state.redis.mget(f"at-deny:{claims.jti}", cache.key(claims.user_id))
        denied = denied_raw is not None
        cached = None if cached_raw is None else json.loads(cached_raw)
    except (RedisError, OSError):
        pass  # Redis down: fall back to the database, slower but correct for everything but the denylist
    if denied:
        raise Unauthorized("token has been revoked", code="TOKEN_REVOKED")
    view = cached
    if view is None:
        async with state.sessions() as session:
            view = await users.load_view(session, claims.user_id)
        if view is not None:
            await cache.set(claims.user_id, view)
    if view is None or not view["is_active"] or view["token_version"] != claims.token_version:
        raise Unauthorized("token is no longer valid", code="TOKEN_REVOKED")
    profile = view["profile"]
    actor = Actor(
        id=claims.user_id,
        username=profile["username"],
        roles=frozenset(profile.get("roles", [])),
        permissions=frozenset(view["permissions"]),
        department_id=profile.get("department_id"),
    )
    return CurrentUser(actor=actor, claims=claims, profile=profile)


CurrentUserDep = Annotated[CurrentUser, Depends(get_current_user)]


def require(*permissions: str) -> Callable[..., Any]:
    """A dependency that lets the request through only if the user holds every permission given."""

    async def check(user: CurrentUserDep) -> CurrentUser:
        missing = [p for p in permissions if not user.actor.can(p)]
        if missing:
            raise Forbidden("you do not have permission for this action", code="PERMISSION_DENIED",
                            details={"required": missing})
        return user

    return check


def require_any(*permissions: str) -> Callable[..., Any]:
    async def check(user: CurrentUserDep) -> CurrentUser:
        if not any(user.actor.can(p) for p in permissions):
            raise Forbidden("you do not have permission for this action", code="PERMISSION_DENIED",
                            details={"required_any": list(permissions)})
        return user

    return check


async def page_params(
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    sort: Annotated[str | None, Query(max_length=50, pattern=r"^[a-z_]+$")] = None,
    order: Annotated[Literal["asc", "desc"], Query()] = "asc",
) -> PageParams:
    return PageParams(page=page, limit=limit, sort=sort, order=order)


PageDep = Annotated[PageParams, Depends(page_params)]
