"""`/api/v1/ad-sync`: directory configuration (the bind password goes in, never out), test, run, status, logs."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from temporalio.service import RPCError

from api.deps import ClientDep, CurrentUser, PageDep, SessionDep, SettingsDep, StateDep, require
from portal.adsync import service
from portal.adsync.schemas import (
    ADRunRequest,
    ADRunStarted,
    ADSyncConfigIn,
    ADSyncConfigOut,
    ADSyncLogOut,
    ADSyncStatus,
    ADTestRequest,
    ADTestResult,
)
from portal.auth.permissions import Perm
from portal.common.errors import Conflict, ServiceUnavailable, ValidationFailed
from portal.common.schemas import Envelope, PageEnvelope, ok
from temporal import adsync as engine

router = APIRouter(prefix="/ad-sync", tags=["ad-sync"])
Manager = Annotated[CurrentUser, Depends(require(Perm.AD_SYNC_MANAGE))]


@router.get("/config", operation_id="adsync_config_get", response_model=Envelope[ADSyncConfigOut])
async def get_config(user: Manager, session: SessionDep) -> Envelope[ADSyncConfigOut]:
    """The configuration; `bind_password_set` says whether a password is stored (it is never returned)."""
    return ok(service.to_out(await service.load(session)))


@router.put("/config", operation_id="adsync_config_update", response_model=Envelope[ADSyncConfigOut])
async def put_config(body: ADSyncConfigIn, user: Manager, session: SessionDep, state: StateDep,
                     client: ClientDep) -> Envelope[ADSyncConfigOut]:
    """Replaces the configuration (omit `bind_password` to keep the stored one, while the server, bind DN, CA and
    TLS server name stay the same) and brings the Temporal Schedule in line with `sync_schedule` / `is_enabled`.
    Nothing is saved when the schedule cannot be."""
    config = await service.save(session, state.settings, user.actor, client, body)
    try:
        await engine.apply_schedule(await state.temporal(), state.settings, config.sync_schedule,
                                    config.is_enabled)
    except RPCError as exc:
        await session.rollback()
        if "cron" in str(exc).lower() or "invalid" in str(exc).lower():
            raise ValidationFailed("the schedule was rejected by the workflow engine", code="INVALID_SCHEDULE",
                                   details={"field": "sync_schedule"}) from exc
        raise ServiceUnavailable("the workflow engine could not update the schedule; nothing was saved",
                                 code="TEMPORAL_UNAVAILABLE") from exc
    except ServiceUnavailable:
        await session.rollback()
        raise
    await session.commit()
    await session.refresh(config)
    return ok(service.to_out(config), "AD sync configuration saved")


@router.post("/test", operation_id="adsync_test", response_model=Envelope[ADTestResult])
async def test_connection(user: Manager, session: SessionDep, settings: SettingsDep,
                          body: ADTestRequest | None = None) -> Envelope[ADTestResult]:
    """Checks connection, TLS, bind and base DNs of the stored configuration, or of `config` (a form not
    yet saved). A failure is a normal answer with `ok: false`, the stage and a reason."""
    return ok(await service.test(session, settings, body.config if body else None))


@router.post("/run", operation_id="adsync_run", response_model=Envelope[ADRunStarted], status_code=202)
async def run_now(user: Manager, session: SessionDep, state: StateDep,
                  body: ADRunRequest | None = None) -> Envelope[ADRunStarted]:
    """Starts a sync now (`full`, or `incremental`, which is full the first time). 409 while one runs."""
    mode = (body or ADRunRequest()).mode
    if await service.load(session) is None:
        raise Conflict("configure AD sync first", code="AD_NOT_CONFIGURED")
    running, _ = await service.running_and_last(session)
    if running is not None:
        raise Conflict("a sync is already running", code="AD_SYNC_RUNNING",
                       details={"workflow_id": running.workflow_id, "log_id": running.id})
    workflow_id = await engine.start_run(await state.temporal(), state.settings, mode=mode, requested_by=user.id)
    return ok(ADRunStarted(workflow_id=workflow_id, mode=mode), "sync started")


@router.get("/status", operation_id="adsync_status", response_model=Envelope[ADSyncStatus])
async def status(user: Manager, session: SessionDep, state: StateDep) -> Envelope[ADSyncStatus]:
    """Running or idle, the running sync's progress, the last result and the next scheduled run."""
    config = await service.load(session)
    running, last = await service.running_and_last(session)
    next_at, exists = None, False
    if config is not None and config.sync_schedule:
        try:
            next_at, exists = await engine.next_run(await state.temporal(), state.settings)
        except (RPCError, ServiceUnavailable):
            next_at, exists = None, False  # Temporal down: status still answers from PostgreSQL
    result = ADSyncStatus(
        state="not_configured" if config is None else "running" if running else "idle",
        running=service.log_out(running) if running else None,
        last_result=service.log_out(last) if last else None,
        schedule=config.sync_schedule if config else None,
        schedule_enabled=bool(config and config.is_enabled and exists),
        next_run_at=next_at,
        schedule_id=engine.schedule_id(state.settings) if exists else None,
        temporal_ui_url=state.settings.temporal_ui_url,
    )
    return ok(result)


@router.get("/logs", operation_id="adsync_logs", response_model=PageEnvelope[ADSyncLogOut])
async def list_logs(user: Manager, session: SessionDep, page: PageDep,
                    status: Annotated[Literal["running", "completed", "partial", "failed",
                                              "abandoned"] | None, Query()] = None,
                    ) -> PageEnvelope[ADSyncLogOut]:
    rows, pagination = await service.logs(session, page, status)
    return PageEnvelope[ADSyncLogOut](data=[service.log_out(r) for r in rows], pagination=pagination)


@router.get("/logs/{log_id}", operation_id="adsync_log_get", response_model=Envelope[ADSyncLogOut])
async def get_log(log_id: int, user: Manager, session: SessionDep) -> Envelope[ADSyncLogOut]:
    return ok(service.log_out(await service.get_log(session, log_id)))
