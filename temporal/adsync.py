"""Starting AD sync runs and keeping the Temporal Schedule in step with the stored cron."""

from __future__ import annotations

import uuid
from datetime import datetime

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError, RPCStatusCode

from portal.settings import Settings
from temporal import queues
from workflows.adsync import ADSyncInput, ADSyncWorkflow


def schedule_id(settings: Settings) -> str:
    return f"{settings.temporal_prefix}adsync-schedule"


def _action(settings: Settings) -> ScheduleActionStartWorkflow:
    return ScheduleActionStartWorkflow(
        ADSyncWorkflow.run,
        ADSyncInput(mode="incremental", trigger="schedule", temporal_prefix=settings.temporal_prefix),
        id=f"{settings.temporal_prefix}adsync-scheduled",
        task_queue=queues.named(queues.AD_SYNC, settings.temporal_prefix),
    )


def _schedule(settings: Settings, cron: str, enabled: bool) -> Schedule:
    return Schedule(
        action=_action(settings),
        spec=ScheduleSpec(cron_expressions=[cron]),
        # Two syncs never run at once: a tick that comes while one runs is skipped.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        state=ScheduleState(paused=not enabled,
                            note="AD sync (managed by the groupware: edit it under Admin → AD sync)"),
    )


async def apply_schedule(client: Client, settings: Settings, cron: str | None, enabled: bool) -> None:
    """Create, update or delete the schedule so it matches the configuration."""
    handle = client.get_schedule_handle(schedule_id(settings))
    if not cron:
        try:
            await handle.delete()
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
        return
    wanted = _schedule(settings, cron, enabled)
    try:
        await client.create_schedule(schedule_id(settings), wanted)
    except ScheduleAlreadyRunningError:
        async def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=wanted)

        await handle.update(replace)


async def next_run(client: Client, settings: Settings) -> tuple[datetime | None, bool]:
    """(next scheduled start, schedule exists)."""
    try:
        description = await client.get_schedule_handle(schedule_id(settings)).describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None, False
        raise
    if description.schedule.state.paused:
        return None, True
    times = description.info.next_action_times
    return (times[0] if times else None), True


async def start_run(client: Client, settings: Settings, *, mode: str, requested_by: int) -> str:
    workflow_id = f"{settings.temporal_prefix}adsync-manual-{uuid.uuid4().hex[:12]}"
    await client.start_workflow(
        ADSyncWorkflow.run,
        ADSyncInput(mode=mode, trigger="manual", requested_by=requested_by,
                    temporal_prefix=settings.temporal_prefix),
        id=workflow_id,
        task_queue=queues.named(queues.AD_SYNC, settings.temporal_prefix),
    )
    return workflow_id
