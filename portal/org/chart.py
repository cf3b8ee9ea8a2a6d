"""Reporting lines from the organisation chart: who is a user's manager, and their chain upwards."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.org.models import Department
from portal.users.models import User

MAX_DEPTH = 32  # a guard: the tree has no cycles, but data imported from elsewhere might


async def manager_of(session: AsyncSession, user_id: int) -> int | None:
    """The explicit manager if set; otherwise the manager of the user's department, or of the nearest
    ancestor department whose manager is someone else."""
    user = await session.get(User, user_id)
    if user is None:
        return None
    if user.manager_id and user.manager_id != user_id:
        return user.manager_id
    dept_id = user.department_id
    for _ in range(MAX_DEPTH):
        if dept_id is None:
            return None
        dept = await session.get(Department, dept_id)
        if dept is None:
            return None
        if dept.manager_id and dept.manager_id != user_id:
            return dept.manager_id
        dept_id = dept.parent_id
    return None


async def manager_chain(session: AsyncSession, user_id: int, levels: int) -> list[int]:
    """Up to `levels` managers above the user, nearest first, each active and listed once."""
    chain: list[int] = []
    current = user_id
    for _ in range(min(levels, MAX_DEPTH)):
        manager = await manager_of(session, current)
        if manager is None or manager in chain or manager == user_id:
            break
        record = await session.get(User, manager)
        if record is not None and record.is_active:
            chain.append(manager)
        current = manager
    return chain


async def reports_to(session: AsyncSession, manager_id: int, user_id: int) -> bool:
    """Whether `user_id` is `manager_id` or above them through explicit managers (`users.manager_id`): making
    `user_id` report to `manager_id` would close a circle. One recursive query; `UNION` stops at a circle already
    stored (AD sync writes the directory's managers as they are)."""
    up = select(User.id, User.manager_id).where(User.id == manager_id).cte("up", recursive=True)
    up = up.union(select(User.id, User.manager_id).join(up, User.id == up.c.manager_id))
    found = await session.execute(select(up.c.id).where(up.c.id == user_id).limit(1))
    return found.first() is not None
