"""System settings: defaults until saved, one audited row, cached in Redis and dropped from the cache on save."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from redis.asyncio import Redis
from sqlalchemy import ScalarSelect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal.admin.models import SINGLE_ROW_ID, SystemSetting
from portal.admin.schemas import SystemSettings, SystemSettingsOut
from portal.audit import service as audit
from portal.common.cache import JsonCache
from portal.common.context import Actor, ClientInfo
from portal.settings import Settings

log = logging.getLogger(__name__)
CACHE_TTL_SECONDS = 300
_CACHE_IDENT = "current"


def settings_cache(redis: Redis) -> JsonCache:
    return JsonCache(redis, "system-settings", CACHE_TTL_SECONDS)


def defaults(env: Settings) -> SystemSettings:
    """What applies before an administrator saves anything; limits follow the deployment's configuration."""
    return SystemSettings.model_validate({
        "company_name": "Groupware",
        "default_locale": "ko",
        "sla": {"reminder_hours": 24, "escalation_hours": 72},
        "uploads": {"max_upload_mb": min(100, max(1, env.max_upload_bytes // (1024 * 1024)))},
        "password_policy": {"min_length": min(64, max(8, env.password_min_length)), "require_classes": 3},
    })


def _merge(base: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in stored.items():
        if key not in base:
            continue  # a setting retired since it was saved
        merged[key] = _merge(base[key], value) if isinstance(base[key], dict) and isinstance(value, dict) else value
    return merged


def _effective(stored: dict[str, Any], env: Settings) -> SystemSettings:
    """The stored document over the defaults, so settings added later get their default value."""
    base = defaults(env)
    try:
        return SystemSettings.model_validate(_merge(base.model_dump(), stored))
    except ValidationError:
        log.warning("stored system settings are invalid; using the defaults")
        return base


async def _load(session: AsyncSession, env: Settings) -> SystemSettingsOut:
    row = await session.get(SystemSetting, SINGLE_ROW_ID)
    if row is None:
        return SystemSettingsOut(settings=defaults(env), is_default=True, updated_at=None, updated_by=None)
    return SystemSettingsOut(settings=_effective(row.value, env), is_default=False, updated_at=row.updated_at,
                             updated_by=row.updated_by)


async def effective(session: AsyncSession, env: Settings) -> SystemSettings:
    """The settings in force, read from the database (for the rare writes that apply them: passwords,
    uploads, submissions)."""
    return (await _load(session, env)).settings


def stored_value() -> ScalarSelect[Any]:
    """The stored settings document as a scalar subquery (NULL before the first save), for a statement that
    reads them along with its own rows; `in_force` turns the value into the settings."""
    return select(SystemSetting.value).where(SystemSetting.id == SINGLE_ROW_ID).scalar_subquery()


def in_force(stored: dict[str, Any] | None, env: Settings) -> SystemSettings:
    """The settings in force given the stored document (None: never saved), as `effective` reads them."""
    return defaults(env) if stored is None else _effective(stored, env)


async def get(session: AsyncSession, redis: Redis, *, env: Settings) -> SystemSettingsOut:
    cache = settings_cache(redis)
    cached = await cache.get(_CACHE_IDENT)
    if cached is not None:
        return SystemSettingsOut.model_validate(cached)
    current = await _load(session, env)
    await cache.set(_CACHE_IDENT, current.model_dump(mode="json"))
    return current


def _changes(before: dict[str, Any], after: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted paths of the values that changed, with their old and new values."""
    changed: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            changed.update(_changes(old, new, f"{prefix}{key}."))
        elif old != new:
            changed[f"{prefix}{key}"] = {"from": old, "to": new}
    return changed


async def update(
    session: AsyncSession, redis: Redis, *, actor: Actor, data: SystemSettings, env: Settings, client: ClientInfo
) -> SystemSettingsOut:
    """Replace the settings; the row is locked so each audit row's `from` values are what it replaced."""
    await session.execute(
        pg_insert(SystemSetting).values(id=SINGLE_ROW_ID, value={}).on_conflict_do_nothing(index_elements=["id"])
    )
    row = (
        await session.execute(select(SystemSetting).where(SystemSetting.id == SINGLE_ROW_ID).with_for_update())
    ).scalar_one()
    before = _effective(row.value, env).model_dump(mode="json")
    after = data.model_dump(mode="json")
    row.value = after
    row.updated_at = datetime.now(UTC)
    row.updated_by = actor.id
    audit.record(session, action="admin.settings_update", client=client, actor=actor,
                 target_type="system_settings", target_id=SINGLE_ROW_ID, details={"changes": _changes(before, after)})
    await session.commit()
    await settings_cache(redis).delete(_CACHE_IDENT)
    return SystemSettingsOut(settings=data, is_default=False, updated_at=row.updated_at, updated_by=actor.id)
