"""Approval activities: the PostgreSQL projection and escalation targets (thin over portal services)."""

from __future__ import annotations

from sqlalchemy import select
from temporalio import activity

from portal.approval import projection
from portal.db.session import SessionFactory
from portal.org import chart
from workflows.approval_contracts import Projection, ProjectionResult


class ApprovalActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions

    @activity.defn(name="approval.project")
    async def project(self, snapshot: Projection) -> ProjectionResult:
        async with self.sessions() as session:
            number = await projection.apply(session, snapshot)
        return ProjectionResult(document_number=number)

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
