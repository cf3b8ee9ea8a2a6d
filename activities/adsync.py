"""AD sync activities: thin over portal.adsync; directory failures become typed Temporal errors."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis
from sqlalchemy import select, update
from temporalio import activity
from temporalio.exceptions import ApplicationError

from portal.adsync.directory import DirectoryError
from portal.adsync.models import ADSyncConfig, ADSyncLog
from portal.adsync.sync import ConfigProblem, Syncer
from portal.db.session import SessionFactory
from portal.search import service as search
from portal.settings import Settings
from portal.users import service as users
from workflows.adsync import BeginInput, FinishInput, SyncSummary

log = logging.getLogger(__name__)

# A "running" log row older than this belongs to a run that was terminated from outside (e.g. by an
# operator in the Temporal UI) and will never finish: it no longer blocks new runs.
STALE_AFTER = timedelta(hours=6)


class ADSyncActivities:
    def __init__(self, sessions: SessionFactory, settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings
        self._redis: Redis | None = None

    def _cache(self) -> Redis:
        if self._redis is None:
            self._redis = Redis.from_url(self.settings.effective_redis_url, socket_timeout=2,
                                         socket_connect_timeout=2)
        return self._redis

    @activity.defn(name="adsync.begin")
    async def begin(self, data: BeginInput) -> int:
        """Open this run's log row; refuses (non-retryable) while another run is still going."""
        async with self.sessions() as session:
            config = (await session.execute(
                select(ADSyncConfig).order_by(ADSyncConfig.id).limit(1).with_for_update())).scalar()
            if config is None:
                raise ApplicationError("AD sync is not configured", type="AD_NOT_CONFIGURED", non_retryable=True)
            mine = (await session.execute(select(ADSyncLog).where(
                ADSyncLog.workflow_id == data.workflow_id, ADSyncLog.progress["run_id"].astext == data.run_id,
            ))).scalar()
            if mine is not None:
                return mine.id  # a retried begin
            now = datetime.now(UTC)
            await session.execute(update(ADSyncLog).where(
                ADSyncLog.status == "running", ADSyncLog.sync_started_at < now - STALE_AFTER,
            ).values(status="abandoned", sync_completed_at=now))
            running = (await session.execute(select(ADSyncLog.workflow_id).where(
                ADSyncLog.status == "running"))).scalar()
            if running is not None:
                raise ApplicationError(f"another sync is running ({running})", type="AD_SYNC_RUNNING",
                                       non_retryable=True)
            row = ADSyncLog(status="running", mode=data.mode, trigger=data.trigger, workflow_id=data.workflow_id,
                            requested_by=data.requested_by, progress={"run_id": data.run_id, "phase": "starting"},
                            error_details=[])
            session.add(row)
            await session.commit()
            return row.id

    @activity.defn(name="adsync.sync")
    async def sync(self, log_id: int) -> SyncSummary:
        info = activity.info()
        syncer = Syncer(self.sessions, self.settings.encryption_key_bytes, heartbeat=activity.heartbeat)
        try:
            outcome = await syncer.run(log_id)
        except ConfigProblem as exc:
            raise ApplicationError(exc.message, type=exc.code, non_retryable=True) from None
        except DirectoryError as exc:
            log.warning("ad sync attempt failed", extra={"code": exc.code, "attempt": info.attempt,
                                                         "stage": exc.stage})
            raise ApplicationError(exc.message, type=exc.code, non_retryable=not exc.retryable) from None
        await self._invalidate(outcome.changed_user_ids)
        c = outcome.counts
        return SyncSummary(mode=outcome.mode, created=c.created, updated=c.updated, deactivated=c.deactivated,
                           unchanged=c.unchanged, errors=c.errors, processed=c.processed,
                           flagged_documents=outcome.flagged_documents)

    async def _invalidate(self, user_ids: set[int]) -> None:
        """Changed accounts must not be served from cache (a deactivated user keeps no access)."""
        try:
            redis = self._cache()
            if user_ids:
                await users.user_cache(redis, self.settings).delete(*sorted(user_ids))
            await search.invalidate(redis)
        except Exception:  # noqa: BLE001 - Redis down: caches expire on their own (minutes); the sync stands
            log.warning("ad sync could not invalidate caches", exc_info=False)

    @activity.defn(name="adsync.finish")
    async def finish(self, data: FinishInput) -> None:
        async with self.sessions() as session:
            row = await session.get(ADSyncLog, data.log_id)
            if row is None or row.status != "running":
                return
            row.sync_completed_at = datetime.now(UTC)
            progress = dict(row.progress or {})
            progress["phase"] = "done" if data.ok else "failed"
            row.progress = progress
            if data.ok:
                row.status = "partial" if row.error_count else "completed"
                if row.highest_usn is not None:
                    await session.execute(update(ADSyncConfig).values(highest_committed_usn=row.highest_usn))
            else:
                row.status = "failed"
                row.error_details = [*(row.error_details or []),
                                     {"code": data.error_code, "message": data.error_message, "fatal": True}]
            await session.commit()
