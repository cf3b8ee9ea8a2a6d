"""Login, token refresh and rotation, logout and password change (seed §3.1, §5.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from portal.audit import service as audit
from portal.auth import lockout, ratelimit
from portal.auth.passwords import enforce_policy, hash_password, verify_password
from portal.auth.schemas import TokenPair
from portal.auth.tokens import AccessClaims, AccessTokenDenylist, RefreshTokenStore, create_access_token
from portal.common.context import Actor, ClientInfo
from portal.common.errors import Forbidden, ServiceUnavailable, Unauthorized, ValidationFailed
from portal.settings import Settings
from portal.users import service as users
from portal.users.models import AuthSource, User

INVALID_CREDENTIALS = "username or password is incorrect"


@dataclass
class AuthContext:
    session: AsyncSession
    redis: Redis
    settings: Settings
    client: ClientInfo

    @property
    def refresh_store(self) -> RefreshTokenStore:
        return RefreshTokenStore(self.redis, self.settings.refresh_token_ttl_seconds)


async def issue_tokens(ctx: AuthContext, user: User, family: str | None = None) -> TokenPair:
    roles, perms = await users.roles_and_permissions(ctx.session, user.id)
    access, ttl = create_access_token(
        ctx.settings, user_id=user.id, roles=roles, permissions=perms, token_version=user.token_version
    )
    refresh = await ctx.refresh_store.issue(user.id, family, user.session_version)
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=ttl)


async def login(ctx: AuthContext, username: str, password: str) -> TokenPair:
    s = ctx.settings
    await ratelimit.hit(ctx.redis, f"rl:login:ip:{ctx.client.ip}", limit=s.login_rate_per_ip,
                        window_seconds=s.login_rate_window_seconds)
    await ratelimit.hit(ctx.redis, f"rl:login:user:{lockout.name_key(username)}", limit=s.login_rate_per_username,
                        window_seconds=s.login_rate_window_seconds)
    # Counted per submitted name before anything is known about it: an unknown name locks like a real one.
    attempt = await lockout.claim(ctx.redis, username, threshold=s.lockout_threshold, seconds=s.lockout_seconds)
    user = await users.get_by_username(ctx.session, username)
    if attempt.locked:
        audit.record(ctx.session, action="auth.login", client=ctx.client,
                     actor_username=user.username if user else None, target_type="user",
                     target_id=user.id if user else None, success=False, details={"reason": "locked"})
        await ctx.session.commit()
        raise Forbidden("account is locked after repeated failed logins", code="ACCOUNT_LOCKED",
                        details={"retry_after": attempt.retry_after})
    try:
        valid, why = await _check_password(ctx, user, password)
    except ServiceUnavailable:
        await lockout.release(ctx.redis, username, attempt, seconds=s.lockout_seconds)  # nothing was checked
        raise
    now = datetime.now(UTC)
    if user is None or not valid or not user.is_active:
        reason = "unknown_user" if user is None else ("inactive" if valid else why)
        if user is not None and not valid and attempt.locks_now:
            reason = "locked_now"
        # The same statement for every name (it finds no row for an unknown one): what administrators see.
        await ctx.session.execute(
            update(User).where(User.username == lockout.normalize(username)).values(
                failed_login_count=0 if attempt.locks_now else attempt.failures,
                locked_until=now + timedelta(seconds=s.lockout_seconds) if attempt.locks_now else User.locked_until,
            ).execution_options(synchronize_session=False)
        )
        audit.record(ctx.session, action="auth.login", client=ctx.client,
                     actor_username=user.username if user else None, target_type="user",
                     target_id=user.id if user else None, success=False,
                     details={"reason": reason})
        await ctx.session.commit()
        raise Unauthorized(INVALID_CREDENTIALS, code="INVALID_CREDENTIALS")
    await lockout.clear(ctx.redis, username)
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(ctx.session, action="auth.login", client=ctx.client,
                 actor=Actor(id=user.id, username=user.username), target_type="user", target_id=user.id)
    tokens = await issue_tokens(ctx, user)
    await ctx.session.commit()
    return tokens


async def _check_password(ctx: AuthContext, user: User | None, password: str) -> tuple[bool, str]:
    if user is None or user.auth_source == AuthSource.local:
        return await verify_password(password, user.password_hash if user else None), "bad_password"
    if not user.is_active:
        await verify_password(password, None)  # as long as an unknown name's answer
        return False, "inactive"
    # Directory accounts authenticate by an LDAP bind with their own password, over TLS.
    from portal.adsync import login as directory

    valid, why = await directory.verify_password(ctx.session, ctx.settings, user.ad_username or user.username,
                                                 password)
    if why in ("directory_not_configured", "empty_password"):
        await verify_password(password, None)  # answered without the directory: as long as an unknown name's
    return valid, why


async def refresh(ctx: AuthContext, refresh_token: str) -> TokenPair:
    record = await ctx.refresh_store.consume(refresh_token)
    user = await ctx.session.get(User, record.user_id)
    if user is None or not user.is_active:
        await ctx.refresh_store.revoke_family(record.family)
        raise Unauthorized("account is no longer active", code="ACCOUNT_INACTIVE")
    if record.session_version != user.session_version:
        # Issued before a password change, deactivation or reactivation: that session has ended, even if the
        # Redis revocation never happened (the AD sync, Redis down at the time).
        await ctx.refresh_store.revoke_family(record.family)
        raise Unauthorized("refresh token is invalid or expired", code="INVALID_REFRESH_TOKEN")
    return await issue_tokens(ctx, user, record.family)


async def logout(ctx: AuthContext, claims: AccessClaims, refresh_token: str | None) -> None:
    await AccessTokenDenylist(ctx.redis).deny(claims)
    if refresh_token:
        record = await ctx.refresh_store.peek(refresh_token)
        if record is not None and record.user_id == claims.user_id:
            await ctx.refresh_store.revoke_family(record.family)
    audit.record(ctx.session, action="auth.logout", client=ctx.client,
                 actor=Actor(id=claims.user_id, username=""), target_type="user", target_id=claims.user_id)
    await ctx.session.commit()


async def change_password(ctx: AuthContext, user_id: int, current: str, new: str) -> TokenPair:
    """Change one's own password; every other session is signed out, this one gets fresh tokens."""
    user = await users.get(ctx.session, user_id)
    actor = Actor(id=user.id, username=user.username)
    if user.auth_source != AuthSource.local:
        raise ValidationFailed("directory users change their password in AD", code="EXTERNAL_ACCOUNT")
    # Guessing the current password with a stolen access token is limited like guessing it at login.
    await ratelimit.hit(ctx.redis, f"rl:password:user:{user.id}", limit=ctx.settings.login_rate_per_username,
                        window_seconds=ctx.settings.login_rate_window_seconds)
    if not await verify_password(current, user.password_hash):
        audit.record(ctx.session, action="auth.password_change", client=ctx.client, actor=actor,
                     target_type="user", target_id=user.id, success=False, details={"reason": "bad_password"})
        await ctx.session.commit()
        raise Unauthorized("current password is incorrect", code="INVALID_CREDENTIALS")
    if new == current:
        raise ValidationFailed("the new password must differ from the current one", code="PASSWORD_REUSED")
    await enforce_policy(ctx.session, ctx.settings, new, user.username)
    user.password_hash = await hash_password(new, ctx.settings.bcrypt_rounds)
    user.password_changed_at = datetime.now(UTC)
    user.token_version += 1
    user.session_version += 1
    audit.record(ctx.session, action="auth.password_change", client=ctx.client, actor=actor,
                 target_type="user", target_id=user.id)
    await ctx.refresh_store.revoke_user(user.id)
    tokens = await issue_tokens(ctx, user)
    await ctx.session.commit()
    return tokens
