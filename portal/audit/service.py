"""Writing and reading audit log rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.audit.models import AuditLog
from portal.common.context import Actor, ClientInfo
from portal.common.logging import redact
from portal.common.pagination import PageParams, paginate
from portal.common.schemas import Pagination
from portal.users.models import User


def record(
    session: AsyncSession,
    *,
    action: str,
    client: ClientInfo,
    actor: Actor | None = None,
    actor_username: str | None = None,
    target_type: str | None = None,
    target_id: object | None = None,
    success: bool = True,
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Add an audit row to the caller's transaction, so it commits (or not) with the change it records."""
    row = AuditLog(
        actor_id=actor.id if actor else None,
        actor_username=actor.username if actor else actor_username,
        action=action,
        target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        success=success,
        channel=client.channel,
        ip=client.ip,
        user_agent=(client.user_agent or "")[:500] or None,
        request_id=client.request_id,
        details=redact(details or {}),
    )
    session.add(row)
    return row


async def get_all(
    session: AsyncSession,
    params: PageParams,
    *,
    action: str | None = None,
    actor_id: int | None = None,
    target_type: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    departments: set[int] | None = None,
) -> tuple[Sequence[AuditLog], Pagination]:
    """Audit rows, newest first by default. `departments` limits them to rows whose actor or target user is a
    member of one of those departments now (a department administrator's view); None means every row."""
    stmt = select(AuditLog)
    if departments is not None:
        members = select(User.id).where(User.department_id.in_(departments))
        stmt = stmt.where(or_(
            AuditLog.actor_id.in_(members),
            and_(AuditLog.target_type == "user",
                 AuditLog.target_id.in_(select(cast(User.id, String)).where(User.department_id.in_(departments)))),
        )) if departments else stmt.where(false())
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if actor_id is not None:
        stmt = stmt.where(AuditLog.actor_id == actor_id)
    if target_type:
        stmt = stmt.where(AuditLog.target_type == target_type)
    if since:
        stmt = stmt.where(AuditLog.created_at >= since)
    if until:
        stmt = stmt.where(AuditLog.created_at < until)
    return await paginate(
        session, stmt, params,
        sortable={"created_at": AuditLog.created_at, "action": AuditLog.action},
        default_sort="created_at", tiebreaker=AuditLog.id.desc(),
    )
