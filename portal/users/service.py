"""Users: reading the directory and one's own profile (administration: `portal.users.admin`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.audit import service as audit
from portal.auth.models import Permission, Role, UserRole, role_permissions
from portal.common.cache import JsonCache
from portal.common.context import Actor, ClientInfo
from portal.common.errors import NotFound
from portal.common.pagination import PageParams, paginate
from portal.common.schemas import Pagination
from portal.org.models import Department
from portal.settings import Settings
from portal.users.models import User
from portal.users.schemas import MeUpdate, UserDetailOut, UserOut

SORTABLE = {
    "name": User.name,
    "username": User.username,
    "employee_number": User.employee_number,
    "created_at": User.created_at,
    "position": User.position,
}


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def get(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("user not found", code="USER_NOT_FOUND", details={"id": user_id})
    return user


async def get_by_username(session: AsyncSession, username: str) -> User | None:
    return (
        await session.execute(select(User).where(User.username == username.strip().lower()))
    ).scalar_one_or_none()


async def roles_and_permissions(session: AsyncSession, user_id: int) -> tuple[list[str], list[str]]:
    rows = (
        await session.execute(
            select(Role.name, Permission.code)
            .select_from(UserRole)
            .join(Role, Role.id == UserRole.role_id)
            .outerjoin(role_permissions, role_permissions.c.role_id == Role.id)
            .outerjoin(Permission, Permission.id == role_permissions.c.permission_id)
            .where(UserRole.user_id == user_id)
        )
    ).all()
    roles = sorted({r for r, _ in rows})
    perms = sorted({p for _, p in rows if p})
    return roles, perms


async def _department_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Department.id, Department.name).where(Department.id.in_(ids)))
    return {row.id: row.name for row in rows}


async def to_out(session: AsyncSession, users: Sequence[User]) -> list[UserOut]:
    names = await _department_names(session, {u.department_id for u in users if u.department_id})
    return [
        UserOut.model_validate(u).model_copy(update={"department_name": names.get(u.department_id or 0)})
        for u in users
    ]


async def to_details(session: AsyncSession, users: Sequence[User]) -> list[UserDetailOut]:
    """Detail views for many users in three queries, whatever their number."""
    ids = [u.id for u in users]
    role_rows = (
        await session.execute(
            select(UserRole.user_id, Role.name).join(Role, Role.id == UserRole.role_id)
            .where(UserRole.user_id.in_(ids))
        )
    ).all() if ids else []
    roles: dict[int, list[str]] = {}
    for uid, name in role_rows:
        roles.setdefault(uid, []).append(name)
    names = await _department_names(session, {u.department_id for u in users if u.department_id})
    return [
        UserDetailOut.model_validate(u).model_copy(
            update={"roles": sorted(roles.get(u.id, [])), "department_name": names.get(u.department_id or 0)}
        )
        for u in users
    ]


async def to_detail(session: AsyncSession, user: User) -> UserDetailOut:
    return (await to_details(session, [user]))[0]


# --- the cached view used by authentication and /users/me -------------------------------------------

def user_cache(redis: Any, settings: Settings) -> JsonCache:
    return JsonCache(redis, "user", settings.user_cache_ttl_seconds)


async def load_view(session: AsyncSession, user_id: int) -> dict[str, Any] | None:
    """Everything a request needs about its user: profile, roles, permissions, token version."""
    user = await session.get(User, user_id)
    if user is None:
        return None
    detail = await to_detail(session, user)
    _, perms = await roles_and_permissions(session, user.id)
    return {
        "profile": detail.model_dump(mode="json"),
        "permissions": perms,
        "token_version": user.token_version,
        "is_active": user.is_active,
    }


# --- reading ------------------------------------------------------------------------------------------

def _directory_query(q: str | None, department_id: int | None, include_inactive: bool,
                     within: set[int] | None = None) -> Select[Any]:
    stmt = select(User)
    if within is not None:
        stmt = stmt.where(User.department_id.in_(within)) if within else stmt.where(false())
    if not include_inactive:
        stmt = stmt.where(User.is_active.is_(True))
    if department_id is not None:
        stmt = stmt.where(User.department_id == department_id)
    if q:
        pattern = f"%{escape_like(q)}%"
        stmt = stmt.where(
            or_(
                User.name.ilike(pattern, escape="\\"),
                User.name_en.ilike(pattern, escape="\\"),
                User.username.ilike(pattern, escape="\\"),
                User.email.ilike(pattern, escape="\\"),
                User.employee_number.ilike(pattern, escape="\\"),
            )
        )
    return stmt


async def get_all(
    session: AsyncSession,
    params: PageParams,
    *,
    q: str | None = None,
    department_id: int | None = None,
    include_inactive: bool = False,
    within: set[int] | None = None,
) -> tuple[Sequence[User], Pagination]:
    """Users, paginated; `within` (department ids) limits them to those departments, None means everyone."""
    return await paginate(
        session, _directory_query(q, department_id, include_inactive, within), params,
        sortable=SORTABLE, default_sort="name", tiebreaker=User.id,
    )


async def search(session: AsyncSession, q: str, limit: int) -> list[UserOut]:
    stmt = _directory_query(q, None, False)
    starts = User.name.ilike(f"{escape_like(q)}%", escape="\\")
    rows = (await session.execute(stmt.order_by(starts.desc(), User.name, User.id).limit(limit))).scalars().all()
    return await to_out(session, rows)


# --- changing ------------------------------------------------------------------------------------------

async def update_me(session: AsyncSession, user: User, data: MeUpdate, client: ClientInfo) -> User:
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        setattr(user, key, value)
    audit.record(
        session, action="user.profile_update", client=client,
        actor=Actor(id=user.id, username=user.username), target_type="user", target_id=user.id,
        details={"fields": sorted(changes)},
    )
    await session.commit()
    return user
