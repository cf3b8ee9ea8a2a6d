"""User administration with department scoping: creating, changing and deactivating accounts, and who may do it.

A department administrator (`users:manage-department`) administers the users of the departments they manage,
and only users holding no permission they lack; `users:manage` administers everyone."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from portal.audit import service as audit
from portal.auth.models import Role, UserRole
from portal.auth.passwords import enforce_policy, hash_password
from portal.auth.permissions import Perm
from portal.common.context import Actor, ClientInfo
from portal.common.errors import Conflict, Forbidden, ValidationFailed
from portal.org import chart
from portal.org import service as org
from portal.org.models import Department
from portal.settings import Settings
from portal.users.models import AuthSource, User
from portal.users.schemas import AdminUserCreate, AdminUserUpdate
from portal.users.service import get, roles_and_permissions


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
