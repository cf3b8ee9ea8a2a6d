"""Usage statistics for the admin dashboard: active users, logins and posts per day, documents per status."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.admin.schemas import DayCount, StatisticsOut
from portal.approval.models import ApprovalDocument
from portal.audit.models import AuditLog
from portal.board.models import Post
from portal.users.models import User

DAYS = 30


def _utc_day(column: Any) -> Any:
    return cast(func.timezone("UTC", column), Date)


async def _per_day(session: AsyncSession, column: Any, since: datetime, *conditions: Any) -> dict[date, int]:
    day = _utc_day(column)
    rows = await session.execute(
        select(day.label("day"), func.count().label("n")).where(column >= since, *conditions).group_by(day)
    )
    return {row.day: row.n for row in rows}


def _every_day(counts: dict[date, int], first: date, days: int) -> list[DayCount]:
    return [DayCount(day=first + timedelta(days=i), count=counts.get(first + timedelta(days=i), 0))
            for i in range(days)]


async def summary(session: AsyncSession, *, today: date | None = None) -> StatisticsOut:
    """The last DAYS days including today, UTC days; days without activity are listed with 0."""
    today = today or datetime.now(UTC).date()
    first = today - timedelta(days=DAYS - 1)
    since = datetime.combine(first, time.min, tzinfo=UTC)
    active = (await session.execute(
        select(func.count()).select_from(User).where(User.is_active.is_(True))
    )).scalar_one()
    logins = await _per_day(session, AuditLog.created_at, since,
                            AuditLog.action == "auth.login", AuditLog.success.is_(True))
    posts = await _per_day(session, Post.created_at, since)
    statuses = (await session.execute(
        select(ApprovalDocument.status, func.count().label("n")).group_by(ApprovalDocument.status)
    )).all()
    return StatisticsOut(
        active_users=active,
        logins_per_day=_every_day(logins, first, DAYS),
        documents_per_status={row.status: row.n for row in statuses},
        posts_per_day=_every_day(posts, first, DAYS),
        since=first,
        until=today,
    )
