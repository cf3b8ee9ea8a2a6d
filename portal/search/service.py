"""Employee search and type-ahead: names, 초성 (ㄱㅁㅅ finds 김민수), English names, email, phone tail,
department and position, ranked, on trigram and prefix indexes; results cached in Redis for 5 minutes."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from sqlalchemy import Select, case, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from portal.common.cache import VersionedCache
from portal.common.schemas import OutputModel
from portal.org.models import Department
from portal.users.models import User
from portal.users.service import escape_like

CACHE_TTL = 300
_CHOSUNG = set("ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")


class EmployeeHit(OutputModel):
    id: int
    name: str
    name_en: str | None
    username: str
    email: str | None
    phone: str | None
    position: str | None
    job_title: str | None
    department_id: int | None
    department_name: str | None
    profile_image_url: str | None
    is_active: bool


def is_chosung(q: str) -> bool:
    stripped = q.replace(" ", "")
    return bool(stripped) and all(ch in _CHOSUNG for ch in stripped)


def _columns() -> Select[Any]:
    stmt: Any = (
        select(User.id, User.name, User.name_en, User.username, User.email, User.phone, User.position,
               User.job_title, User.department_id, Department.name.label("department_name"),
               User.profile_image_url, User.is_active)
        .select_from(User).outerjoin(Department, Department.id == User.department_id)
    )
    return stmt


def employee_query(q: str, *, department_id: int | None, include_inactive: bool) -> Select[Any]:
    q = q.strip()
    pattern, prefix = f"%{escape_like(q)}%", f"{escape_like(q)}%"
    match: ColumnElement[bool]
    if is_chosung(q):
        initials = q.replace(" ", "")
        match = User.name_chosung.like(f"%{escape_like(initials)}%", escape="\\")
        rank = case((User.name_chosung.like(f"{escape_like(initials)}%", escape="\\"), 1), else_=2)
    else:
        lowered = q.lower()
        conditions = [
            User.name.ilike(pattern, escape="\\"), User.name_en.ilike(pattern, escape="\\"),
            User.username.ilike(prefix, escape="\\"), User.email.ilike(prefix, escape="\\"),
            User.employee_number == q, Department.name.ilike(pattern, escape="\\"),
            User.position.ilike(pattern, escape="\\"), User.job_title.ilike(pattern, escape="\\"),
        ]
        digits = "".join(ch for ch in q if ch.isdigit())
        if len(digits) >= 4 and len(digits) >= len(q.replace("-", "").replace(" ", "")):
            conditions.append(User.phone_digits.like(f"%{digits}"))
        match = or_(*conditions)
        rank = case(
            (User.name == q, 0), (User.name.ilike(prefix, escape="\\"), 1),
            (func.lower(User.name_en) == lowered, 1), (User.name.ilike(pattern, escape="\\"), 2),
            (User.name_en.ilike(prefix, escape="\\"), 3), (User.email.ilike(prefix, escape="\\"), 3),
            else_=4,
        )
    stmt = _columns().where(match)
    if not include_inactive:
        stmt = stmt.where(User.is_active.is_(True))
    if department_id is not None:
        stmt = stmt.where(User.department_id == department_id)
    return stmt.add_columns(rank.label("rank"))


async def employees(
    session: AsyncSession, q: str, *, limit: int, offset: int, department_id: int | None, include_inactive: bool
) -> tuple[list[EmployeeHit], int]:
    base = employee_query(q, department_id=department_id, include_inactive=include_inactive)
    total = (await session.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
    ordered = base.order_by(literal_column("rank"), User.name, User.id).limit(limit).offset(offset)
    rows = (await session.execute(ordered)).all()
    return [EmployeeHit.model_validate(r._mapping) for r in rows], total


async def autocomplete(session: AsyncSession, q: str, *, limit: int) -> list[EmployeeHit]:
    """Prefix matches only (name, 초성, English name, username), active users, best first."""
    q = q.strip()
    prefix = f"{escape_like(q)}%"
    match: ColumnElement[bool]
    if is_chosung(q):
        match = User.name_chosung.like(f"{escape_like(q.replace(' ', ''))}%", escape="\\")
    else:
        match = or_(User.name.like(prefix, escape="\\"), User.name_en.ilike(prefix, escape="\\"),
                    User.username.like(f"{escape_like(q.lower())}%", escape="\\"))
    stmt = _columns().where(match, User.is_active.is_(True)).order_by(func.length(User.name), User.name, User.id)
    rows = (await session.execute(stmt.limit(limit))).all()
    return [EmployeeHit.model_validate(r._mapping) for r in rows]


# --- cache ----------------------------------------------------------------------------------------------

def cache(redis: Redis) -> VersionedCache:
    """One scope for all employee searches: any user or department change makes them all stale."""
    return VersionedCache(redis, "search", CACHE_TTL)


async def invalidate(redis: Redis) -> None:
    await cache(redis).bump("employees")
