"""`/api/v1/auth`: login, refresh, logout, change-password, verify-token."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ClientDep, CurrentUserDep, RedisDep, SessionDep, SettingsDep, StateDep, authenticate
from portal.auth import service
from portal.auth.schemas import (
    ChangePasswordRequest,
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    TokenInfo,
    TokenPair,
    VerifyTokenRequest,
)
from portal.common.schemas import Envelope, ok
from portal.users import service as users

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", operation_id="auth_login", response_model=Envelope[TokenPair])
async def login(
    body: LoginRequest, session: SessionDep, redis: RedisDep, settings: SettingsDep, client: ClientDep
) -> Envelope[TokenPair]:
    """Public. Rate-limited per IP and per username; repeated failures lock the account for a while."""
    ctx = service.AuthContext(session, redis, settings, client)
    return ok(await service.login(ctx, body.username, body.password))


@router.post("/refresh", operation_id="auth_refresh", response_model=Envelope[TokenPair])
async def refresh(
    body: RefreshRequest, session: SessionDep, redis: RedisDep, settings: SettingsDep, client: ClientDep
) -> Envelope[TokenPair]:
    """Public (the refresh token is the credential). Rotates it; a reused token revokes its whole family."""
    ctx = service.AuthContext(session, redis, settings, client)
    return ok(await service.refresh(ctx, body.refresh_token))


@router.post("/logout", operation_id="auth_logout", response_model=Envelope[None])
async def logout(
    body: LogoutRequest, user: CurrentUserDep, session: SessionDep, redis: RedisDep, settings: SettingsDep,
    client: ClientDep,
) -> Envelope[None]:
    ctx = service.AuthContext(session, redis, settings, client)
    await service.logout(ctx, user.claims, body.refresh_token)
    return ok(None, "logged out")


@router.post("/change-password", operation_id="auth_change_password", response_model=Envelope[TokenPair])
async def change_password(
    body: ChangePasswordRequest, user: CurrentUserDep, session: SessionDep, redis: RedisDep,
    settings: SettingsDep, client: ClientDep,
) -> Envelope[TokenPair]:
    """Signs out every other session of the user and returns fresh tokens for this one."""
    ctx = service.AuthContext(session, redis, settings, client)
    tokens = await service.change_password(ctx, user.id, body.current_password, body.new_password)
    await users.user_cache(redis, settings).delete(user.id)
    return ok(tokens, "password changed")


@router.post("/verify-token", operation_id="auth_verify_token", response_model=Envelope[TokenInfo])
async def verify_token(body: VerifyTokenRequest, state: StateDep) -> Envelope[TokenInfo]:
    """Public. Checks an access token as every route does: signature, pinned algorithm, issuer, expiry,
    logout, account state and token version. 401 with the reason's code when it is not valid."""
    user = await authenticate(state, body.token)
    return ok(TokenInfo(valid=True, user_id=user.id, roles=sorted(user.actor.roles),
                        permissions=sorted(user.actor.permissions), expires_at=user.claims.expires_at))
