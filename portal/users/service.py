"""Users: reading the directory, one's own profile, and administration with department scoping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, delete, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from portal.audit import service as audit
from portal.auth.models import Permission, Role, UserRole, role_permissions
from portal.auth.passwords import enforce_policy, hash_password
from portal.auth.permissions import Perm
from portal.common.cache import JsonCache
from portal.common.context import Actor, ClientInfo
from portal.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from portal.common.pagination import PageParams, paginate
from portal.common.schemas import Pagination
from portal.org import chart
from portal.org import service as org
from portal.org.models import Department
from portal.settings import Settings
from portal.users.models import AuthSource, User
from portal.users.schemas import AdminUserCreate, AdminUserUpdate, MeUpdate, UserDetailOut, UserOut

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


async def admin_scope(session: AsyncSession, actor: Actor) -> set[int] | None:
    """The departments whose users `actor` administers: None for all (users:manage), else the subtree of the
    departments they manage (users:manage-department; empty when they manage none)."""
    if actor.can(Perm.USERS_MANAGE):
        return None
    if not actor.can(Perm.USERS_MANAGE_DEPARTMENT):
        raise Forbidden("not allowed to manage users", code="PERMISSION_DENIED")
    return await org.managed_subtree(session, actor.id)


async def _check_scope(session: AsyncSession, actor: Actor, department_ids: set[int | None]) -> None:
    """Department administrators may only manage users inside the departments they manage."""
    managed = await admin_scope(session, actor)
    if managed is None:
        return
    if not department_ids or not all(d is not None and d in managed for d in department_ids):
        raise Forbidden("user is outside the departments you manage", code="OUT_OF_SCOPE")


async def get_administered(session: AsyncSession, actor: Actor, user_id: int) -> User:
    """A user's administrative record, for an actor who administers them: 404 for no such user, 403
    `OUT_OF_SCOPE` for one outside a department administrator's departments (as for every write)."""
    user = await get(session, user_id)
    await _check_scope(session, actor, {user.department_id})
    return user


async def _validate_refs(session: AsyncSession, department_id: int | None, manager_id: int | None) -> None:
    department = await session.get(Department, department_id) if department_id is not None else None
    if department_id is not None and (department is None or not department.is_active):
        raise ValidationFailed("department does not exist", code="UNKNOWN_DEPARTMENT",
                               details={"department_id": department_id})
    if manager_id is not None:
        manager = await session.get(User, manager_id)
        if manager is None or not manager.is_active:
            raise ValidationFailed("manager does not exist or is inactive", code="UNKNOWN_MANAGER",
                                   details={"manager_id": manager_id})


async def _set_roles(session: AsyncSession, actor: Actor, user: User, names: list[str]) -> None:
    wanted = set(names)
    current = set((await roles_and_permissions(session, user.id))[0])
    # Without roles:manage one may only give the basic role: neither grant another role nor take one away.
    if (wanted != {"user"} or not current <= {"user"}) and not actor.can(Perm.ROLES_MANAGE):
        raise Forbidden("not allowed to assign roles", code="PERMISSION_DENIED")
    roles = (await session.execute(select(Role).where(Role.name.in_(wanted)))).scalars().all()
    unknown = wanted - {r.name for r in roles}
    if unknown:
        raise ValidationFailed("unknown role", code="UNKNOWN_ROLE", details={"roles": sorted(unknown)})
    if "system_admin" in current - wanted:
        await _ensure_not_last_admin(session, user.id)
    await session.execute(delete(UserRole).where(UserRole.user_id == user.id))
    for role in roles:
        session.add(UserRole(user_id=user.id, role_id=role.id))
    if current != wanted:
        user.token_version += 1


async def _ensure_not_last_admin(session: AsyncSession, user_id: int) -> None:
    others = (
        await session.execute(
            select(func.count())
            .select_from(UserRole)
            .join(Role, Role.id == UserRole.role_id)
            .join(User, User.id == UserRole.user_id)
            .where(Role.name == "system_admin", User.is_active.is_(True), User.id != user_id)
        )
    ).scalar_one()
    if others == 0:
        raise Conflict("the last active system administrator cannot be removed", code="LAST_ADMIN")


async def _ensure_unique(session: AsyncSession, user_id: int | None, **fields: str | None) -> None:
    for name, value in fields.items():
        if value is None:
            continue
        column = getattr(User, name)
        stmt = select(User.id).where(func.lower(column) == value.lower())
        if user_id is not None:
            stmt = stmt.where(User.id != user_id)
        if (await session.execute(stmt)).first():
            raise Conflict(f"{name} is already in use", code=f"{name.upper()}_TAKEN", details={"field": name})


async def create(
    session: AsyncSession, actor: Actor, data: AdminUserCreate, settings: Settings, client: ClientInfo
) -> User:
    await _check_scope(session, actor, {data.department_id})
    await _validate_refs(session, data.department_id, data.manager_id)
    await _ensure_unique(
        session, None, username=data.username, email=data.email, employee_number=data.employee_number
    )
    values = data.model_dump(exclude={"password", "roles"})
    user = User(**values, auth_source=AuthSource.local)
    if data.password:
        await enforce_policy(session, settings, data.password, data.username)
        user.password_hash = await hash_password(data.password, settings.bcrypt_rounds)
        user.password_changed_at = datetime.now(UTC)
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("user conflicts with an existing one", code="USER_CONFLICT") from exc
    await _set_roles(session, actor, user, data.roles)
    audit.record(
        session, action="admin.user_create", client=client, actor=actor, target_type="user",
        target_id=user.id, details={"username": user.username, "roles": data.roles},
    )
    await session.commit()
    return user


async def update_user(
    session: AsyncSession,
    actor: Actor,
    user_id: int,
    data: AdminUserUpdate,
    settings: Settings,
    client: ClientInfo,
) -> User:
    user = await get(session, user_id)
    changes = data.model_dump(exclude_unset=True, exclude={"password", "roles", "unlock"})
    new_department = changes.get("department_id", user.department_id)
    await _check_scope(session, actor, {user.department_id, new_department})
    await _check_not_admin(session, actor, user)
    if data.password and user.id == actor.id:
        # A reset needs no current password: with it, a stolen administrator session could take the account.
        raise Forbidden("change your own password with POST /api/v1/auth/change-password",
                        code="SELF_PASSWORD_RESET")
    await _validate_refs(session, changes.get("department_id"), changes.get("manager_id"))
    new_manager = changes.get("manager_id")
    # Checked when the manager changes: a circle AD sync stored must not block editing the user's other fields.
    if new_manager == user.id or (new_manager is not None and new_manager != user.manager_id
                                  and await chart.reports_to(session, new_manager, user.id)):
        raise ValidationFailed("a user cannot report to themselves, directly or through others", code="INVALID_MANAGER",
                               details={"field": "manager_id", "manager_id": new_manager})
    await _ensure_unique(session, user.id, email=changes.get("email"),
                         employee_number=changes.get("employee_number"))
    if changes.get("is_active") is False and user.is_active:
        await _ensure_not_last_admin_if_admin(session, user)
        if user.id == actor.id:
            raise Conflict("you cannot deactivate your own account", code="SELF_DEACTIVATION")
        user.token_version += 1
    if "is_active" in changes and changes["is_active"] != user.is_active:
        user.session_version += 1  # sessions from before a deactivation never come back with a reactivation
    for key, value in changes.items():
        setattr(user, key, value)
    if data.password:
        if user.auth_source != AuthSource.local:
            raise ValidationFailed("directory users change their password in AD", code="EXTERNAL_ACCOUNT")
        await enforce_policy(session, settings, data.password, user.username)
        user.password_hash = await hash_password(data.password, settings.bcrypt_rounds)
        user.password_changed_at = datetime.now(UTC)
        user.token_version += 1
        user.session_version += 1
    if data.unlock:
        user.failed_login_count = 0
        user.locked_until = None
    if data.roles is not None:
        await _set_roles(session, actor, user, data.roles)
    audit.record(
        session, action="admin.user_update", client=client, actor=actor, target_type="user", target_id=user.id,
        details={"fields": sorted(data.model_dump(exclude_unset=True, exclude={"password"})),
                 "login_reset": bool(data.password)},
    )
    try:
        await session.commit()
    except IntegrityError as exc:
        raise Conflict("user conflicts with an existing one", code="USER_CONFLICT") from exc
    return user


async def _check_not_admin(session: AsyncSession, actor: Actor, user: User) -> None:
    """Without roles:manage, one changes only users holding no permission one lacks (nor administering departments
    one does not): a department administrator who could reset the password of (or edit) an approval or user
    administrator of another role would take over that account and its wider permissions."""
    if actor.can(Perm.ROLES_MANAGE):
        return
    roles, permissions = await roles_and_permissions(session, user.id)
    if "system_admin" in roles or not set(permissions) <= actor.permissions or (
            Perm.USERS_MANAGE_DEPARTMENT in permissions
            and not await org.managed_subtree(session, user.id) <= await org.managed_subtree(session, actor.id)):
        raise Forbidden("only system administrators may change a user holding permissions you do not have",
                        code="PERMISSION_DENIED")


async def _ensure_not_last_admin_if_admin(session: AsyncSession, user: User) -> None:
    if "system_admin" in (await roles_and_permissions(session, user.id))[0]:
        await _ensure_not_last_admin(session, user.id)


async def deactivate(session: AsyncSession, actor: Actor, user_id: int, client: ClientInfo) -> User:
    """DELETE is a soft delete: the account stays for history and approvals, but cannot log in."""
    user = await get(session, user_id)
    await _check_scope(session, actor, {user.department_id})
    await _check_not_admin(session, actor, user)  # a department administrator once deactivated a system one
    if user.id == actor.id:
        raise Conflict("you cannot deactivate your own account", code="SELF_DEACTIVATION")
    if user.is_active:
        await _ensure_not_last_admin_if_admin(session, user)
        await session.execute(
            update(User).where(User.id == user.id).values(
                is_active=False, token_version=User.token_version + 1, session_version=User.session_version + 1)
        )
    audit.record(session, action="admin.user_deactivate", client=client, actor=actor, target_type="user",
                 target_id=user.id)
    await session.commit()
    await session.refresh(user)
    return user
