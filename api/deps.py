"""Annotated dependencies every router uses: session, Redis, settings, client info, current user, permissions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
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


def _claims(state: AppState, credentials: HTTPAuthorizationCredentials | None) -> AccessClaims:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("authentication required", code="AUTH_REQUIRED", headers={"WWW-Authenticate": "Bearer"})
    return verify_token(state, credentials.credentials)


async def get_current_user(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> CurrentUser:
    return (await current_user(state, _claims(state, credentials)))[0]


async def get_token(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AccessClaims:
    """The bearer token's claims, with its signature, algorithm and expiry checked, but not yet whether it was
    revoked: a route that takes these calls `current_user` itself (to read its cache entry in the same round
    trip) before it does anything else."""
    return _claims(state, credentials)


TokenDep = Annotated[AccessClaims, Depends(get_token)]


def verify_token(state: AppState, token: str) -> AccessClaims:
    """Signature, algorithm and expiry, checked once per token and process (`VerifiedTokens`)."""
    claims = state.verified_tokens.get(token)
    if claims is None:
        claims = decode_access_token(state.settings, token)
        state.verified_tokens.put(token, claims)
    return claims


async def authenticate(state: AppState, token: str) -> CurrentUser:
    """Signature, algorithm, expiry, logout denylist, account still active and token version current."""
    return (await current_user(state, verify_token(state, token)))[0]


async def current_user(
    state: AppState, claims: AccessClaims, also: Sequence[str] = ()
) -> tuple[CurrentUser, list[Any] | None]:
    """The user of verified `claims`, after the checks that can change while a token lives: not on the logout
    denylist, account still active, token version current. One Redis round trip (`MGET`) reads the denylist
    and the cached user view, plus the keys in `also`, whose values come back second (a route's cache entry,
    so that a cache hit costs no second round trip); None instead of them when Redis could not be read."""
    cache = users.user_cache(state.redis, state.settings)
    denied, cached_raw = False, None
    extra: list[Any] | None = None
    try:
        denied_raw, cached_raw, *extra = await state.redis_batch.mget(f"at-deny:{claims.jti}",
                                                                       cache.key(claims.user_id), *also)
        denied = denied_raw is not None
    except (RedisError, OSError):
        pass  # Redis down: fall back to the database, slower but correct for everything but the denylist
    if denied:
        raise Unauthorized("token has been revoked", code="TOKEN_REVOKED")
    view = _views.get(claims.user_id, cached_raw) if cached_raw is not None else None
    if view is None:
        loaded = None if cached_raw is None else json.loads(cached_raw)
        if loaded is None:
            async with state.sessions() as session:
                loaded = await users.load_view(session, claims.user_id)
            if loaded is not None:
                await cache.set(claims.user_id, loaded)
        view = None if loaded is None else _views.put(claims.user_id, cached_raw, _UserView.of(claims.user_id, loaded))
    if view is None or not view.is_active or view.token_version != claims.token_version:
        raise Unauthorized("token is no longer valid", code="TOKEN_REVOKED")
    return CurrentUser(actor=view.actor, claims=claims, profile=dict(view.profile)), extra


@dataclass(frozen=True)
class _UserView:
    """The cached user view (`users.load_view`), parsed."""

    actor: Actor
    profile: dict[str, Any]
    token_version: int
    is_active: bool

    @classmethod
    def of(cls, user_id: int, view: dict[str, Any]) -> _UserView:
        profile = view["profile"]
        actor = Actor(
            id=user_id,
            username=profile["username"],
            roles=frozenset(profile.get("roles", [])),
            permissions=frozenset(view["permissions"]),
            department_id=profile.get("department_id"),
        )
        return cls(actor=actor, profile=profile, token_version=view["token_version"], is_active=view["is_active"])


class _ParsedViews:
    """The last parsed user views by user and exact cached bytes, so a busy user's view is parsed once rather
    than on every request. Only the parsing is skipped: the bytes are still read from Redis on every request and
    every check runs on them, and a changed view (token version, deactivation, roles) is different bytes."""

    def __init__(self, capacity: int = 2048) -> None:
        self.capacity = capacity
        self._items: dict[tuple[int, bytes | str], _UserView] = {}

    def get(self, user_id: int, raw: bytes | str) -> _UserView | None:
        return self._items.get((user_id, raw))

    def put(self, user_id: int, raw: bytes | str | None, view: _UserView) -> _UserView:
        if raw is not None:
            if len(self._items) >= self.capacity:
                del self._items[next(iter(self._items))]  # the oldest entry
            self._items[(user_id, raw)] = view
        return view


_views = _ParsedViews()


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
