"""Approval activities: the PostgreSQL projection and escalation targets (thin over portal services).

Both run as local activities of ApprovalWorkflow (normal ones for runs from before that change, and as a
fallback when a local attempt keeps failing, so a failing projection stays visible to operators).
"""

from __future__ import annotations

from collections.abc import Callable

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio import activity

from portal.approval import boxes, projection
from portal.db.session import SessionFactory
from portal.org import chart
from workflows.approval_contracts import Projection, ProjectionResult


class ApprovalActivities:
    def __init__(self, sessions: SessionFactory, wake_mailer: Callable[[], None] | None = None,
                 redis_url: str | None = None) -> None:
        self.sessions = sessions
        self.engine: AsyncEngine = sessions.kw["bind"]
        self.wake_mailer = wake_mailer  # the mail dispatcher of this process, told after mail was queued
        self.redis_url = redis_url  # where the portal caches pending boxes (None: nothing to invalidate)
        self._redis: Redis | None = None

    def _cache(self) -> Redis | None:
        if self._redis is None and self.redis_url is not None:
            self._redis = Redis.from_url(self.redis_url, socket_timeout=2, socket_connect_timeout=2)
        return self._redis

    @activity.defn(name="approval.project")
    async def project(self, snapshot: Projection) -> ProjectionResult:
        redis = self._cache()
        applied = await projection.apply(self.engine, snapshot)
        if redis is not None:  # after the commit: the line's approvers and their delegates of the day
            await boxes.pending_changed(redis, applied.audience)
        if applied.mails_queued and self.wake_mailer is not None:
            self.wake_mailer()
        return ProjectionResult(document_number=applied.document_number)

    @activity.defn(name="approval.escalation_targets")
    async def escalation_targets(self, approver_ids: list[int]) -> list[int]:
        """The managers of the approvers who have not acted (skipping the approvers themselves)."""
        async with self.sessions() as session:
            managers = {await chart.manager_of(session, uid) for uid in approver_ids}
            ids = sorted(m for m in managers if m is not None and m not in approver_ids)
            if not ids:
                return []
            from portal.users.models import User

            active = await session.execute(select(User.id).where(User.id.in_(ids), User.is_active.is_(True)))
            return sorted(active.scalars())
