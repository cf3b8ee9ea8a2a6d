"""AD sync configuration, connection test, status and logs (the API's side of portal.adsync)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.adsync import directory as ad
from portal.adsync.crypto import encrypt
from portal.adsync.models import ADSyncConfig, ADSyncLog
from portal.adsync.schemas import (
    DEFAULT_MAPPING,
    ADSyncConfigIn,
    ADSyncConfigOut,
    ADSyncLogOut,
    ADTestResult,
    OUMapping,
)
from portal.adsync.sync import ConfigProblem, directory_settings
from portal.audit import service as audit
from portal.auth.models import Role
from portal.common.context import Actor, ClientInfo
from portal.common.errors import NotFound, ValidationFailed
from portal.common.pagination import PageParams, paginate
from portal.common.schemas import Pagination
from portal.org.models import Department
from portal.settings import Settings

TEST_TIMEOUT_SECONDS = 20.0


async def load(session: AsyncSession, *, lock: bool = False) -> ADSyncConfig | None:
    stmt = select(ADSyncConfig).order_by(ADSyncConfig.id).limit(1)
    return (await session.execute(stmt.with_for_update() if lock else stmt)).scalar()


def to_out(config: ADSyncConfig | None) -> ADSyncConfigOut:
    if config is None:
        return ADSyncConfigOut(configured=False)
    return ADSyncConfigOut(
        configured=True, server_url=config.server_url, port=config.port, use_ldaps=config.use_ldaps,
        use_starttls=config.use_starttls, ca_certificate=config.ca_certificate,
        tls_server_name=config.tls_server_name, bind_dn=config.bind_dn,
        bind_password_set=config.bind_password is not None, base_dns=list(config.base_dns),
        user_filter=config.user_filter, sync_schedule=config.sync_schedule, is_enabled=config.is_enabled,
        attribute_mapping=dict(config.attribute_mapping or {}) or dict(DEFAULT_MAPPING),
        ou_mapping=OUMapping.model_validate(config.ou_mapping or {}), group_mapping=dict(config.group_mapping or {}),
        highest_committed_usn=config.highest_committed_usn, updated_at=config.updated_at)


async def _check_references(session: AsyncSession, data: ADSyncConfigIn) -> None:
    roles = set(data.group_mapping.values())
    if roles:
        known = set((await session.execute(select(Role.name).where(Role.name.in_(roles)))).scalars().all())
        if roles - known:
            raise ValidationFailed("the group mapping names unknown roles", code="UNKNOWN_ROLE",
                                   details={"field": "group_mapping", "unknown": sorted(roles - known)})
    codes = set(data.ou_mapping.rules.values())
    if codes:
        known = {c for c in (await session.execute(select(Department.code).where(Department.code.in_(codes))))
                 .scalars().all() if c}
        if codes - known:
            raise ValidationFailed("the OU mapping names unknown department codes", code="UNKNOWN_DEPARTMENT",
                                   details={"field": "ou_mapping", "unknown": sorted(codes - known)})


async def save(session: AsyncSession, settings: Settings, actor: Actor, client: ClientInfo,
               data: ADSyncConfigIn) -> ADSyncConfig:
    """Validate and stage the configuration (the caller commits after updating the schedule)."""
    await _check_references(session, data)
    config = await load(session, lock=True)
    if config is None:
        if data.bind_password is None or not data.bind_password.get_secret_value():
            raise ValidationFailed("a bind password is required", code="VALIDATION_ERROR",
                                   details={"field": "bind_password"})
        config = ADSyncConfig(server_url=data.server_url, bind_dn=data.bind_dn)
        session.add(config)
    if config.bind_password is not None and not _keeps_password_target(config, data) and not (
            data.bind_password is not None and data.bind_password.get_secret_value()):
        raise ValidationFailed("enter the bind password again to use it with another server, bind DN or CA",
                               code="VALIDATION_ERROR", details={"field": "bind_password"})
    changed_target = config.server_url != data.server_url or list(config.base_dns or []) != data.base_dns
    values: dict[str, Any] = data.model_dump(exclude={"bind_password", "ou_mapping"})
    values["ou_mapping"] = data.ou_mapping.model_dump()
    values["port"] = data.port or (636 if data.use_ldaps else 389)
    for name, value in values.items():
        setattr(config, name, value)
    password_changed = data.bind_password is not None and bool(data.bind_password.get_secret_value())
    if password_changed and data.bind_password is not None:
        config.bind_password = encrypt(settings.encryption_key_bytes, data.bind_password.get_secret_value())
    if changed_target:
        config.highest_committed_usn = None  # another directory: the next run must be a full one
    await session.flush()
    audit.record(session, action="adsync.config_update", client=client, actor=actor, target_type="ad_sync_config",
                 target_id=config.id, details={"server_url": data.server_url, "base_dns": data.base_dns,
                                               "schedule": data.sync_schedule, "enabled": data.is_enabled,
                                               "password_changed": password_changed})
    return config


async def test(session: AsyncSession, settings: Settings, data: ADSyncConfigIn | None) -> ADTestResult:
    """Connect, TLS, bind, base DNs; the first failure says which stage and why, within a bounded time."""
    stored = await load(session)
    started = time.monotonic()

    def result(ok: bool, stage: str, message: str, code: str | None = None, usn: int | None = None
               ) -> ADTestResult:
        return ADTestResult(ok=ok, stage=stage, code=code, message=message,
                            elapsed_ms=int((time.monotonic() - started) * 1000), highest_committed_usn=usn)

    if data is None and stored is None:
        return result(False, "config", "AD sync is not configured yet", "AD_NOT_CONFIGURED")
    try:
        if data is None:
            assert stored is not None
            directory = directory_settings(stored, settings.encryption_key_bytes, timeout=5.0)
        else:
            directory = _from_form(data, stored, settings)
    except ConfigProblem as exc:
        return result(False, "config", exc.message, exc.code)
    try:
        outcome = await asyncio.wait_for(asyncio.to_thread(ad.test_connection, directory),
                                         timeout=TEST_TIMEOUT_SECONDS)
    except TimeoutError:
        return result(False, "connect", "the server did not answer in time", "AD_TIMEOUT")
    except ad.DirectoryError as exc:
        return result(False, exc.stage if exc.stage in ("connect", "tls", "bind", "base_dn", "read") else "read",
                      exc.message, exc.code)
    return result(True, "done", "connected, TLS verified, bound and every base DN found",
                  usn=outcome["highest_committed_usn"])


def _keeps_password_target(stored: ADSyncConfig, data: ADSyncConfigIn) -> bool:
    """Whether the form would send the stored bind password where it was entered for: the same server (host and
    port), bind DN and TLS trust (CA, certificate name). Otherwise whoever may edit the form could point it at a
    server of their own and receive the password, which the API otherwise never returns."""
    old_host, old_port, _ = ad.parse_server_url(stored.server_url, stored.port, stored.use_ldaps)
    new_host, new_port, _ = ad.parse_server_url(data.server_url, data.port or (636 if data.use_ldaps else 389),
                                                data.use_ldaps)
    return (old_host.lower(), old_port, stored.bind_dn, stored.ca_certificate or None,
            stored.tls_server_name or None) == (new_host.lower(), new_port, data.bind_dn,
                                                data.ca_certificate or None, data.tls_server_name or None)


def _from_form(data: ADSyncConfigIn, stored: ADSyncConfig | None, settings: Settings) -> ad.DirectorySettings:
    if data.bind_password is not None and data.bind_password.get_secret_value():
        password = data.bind_password.get_secret_value()
    elif stored is not None and stored.bind_password is not None and _keeps_password_target(stored, data):
        password = directory_settings(stored, settings.encryption_key_bytes).bind_password
    else:
        raise ConfigProblem("AD_NO_PASSWORD", "enter the bind password to test")
    host, port, ldaps = ad.parse_server_url(data.server_url, data.port, data.use_ldaps)
    return ad.DirectorySettings(
        host=host, port=port, use_ldaps=ldaps, use_starttls=data.use_starttls and not ldaps,
        bind_dn=data.bind_dn, bind_password=password, base_dns=tuple(data.base_dns), user_filter=data.user_filter,
        ca_certificate=data.ca_certificate, tls_server_name=data.tls_server_name, timeout=5.0)


def log_out(row: ADSyncLog) -> ADSyncLogOut:
    progress = {k: v for k, v in (row.progress or {}).items() if k != "run_id"}
    return ADSyncLogOut.model_validate(row).model_copy(update={"progress": progress})


async def running_and_last(session: AsyncSession) -> tuple[ADSyncLog | None, ADSyncLog | None]:
    running = (await session.execute(select(ADSyncLog).where(ADSyncLog.status == "running")
                                     .order_by(ADSyncLog.id.desc()).limit(1))).scalar()
    last = (await session.execute(select(ADSyncLog).where(ADSyncLog.status != "running")
                                  .order_by(ADSyncLog.id.desc()).limit(1))).scalar()
    return running, last


async def logs(session: AsyncSession, params: PageParams, status: str | None = None,
               ) -> tuple[Sequence[ADSyncLog], Pagination]:
    stmt = select(ADSyncLog)
    if status:
        stmt = stmt.where(ADSyncLog.status == status)
    return await paginate(session, stmt, params, sortable={"id": ADSyncLog.id.expression,
                                                           "sync_started_at": ADSyncLog.sync_started_at.expression},
                          default_sort="id", tiebreaker=ADSyncLog.id.desc())


async def get_log(session: AsyncSession, log_id: int) -> ADSyncLog:
    row = await session.get(ADSyncLog, log_id)
    if row is None:
        raise NotFound("sync log not found", code="AD_SYNC_LOG_NOT_FOUND")
    return row
