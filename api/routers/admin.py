"""`/api/v1/admin`: users, organisations, audit log and system checks. Every action is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from api.deps import (
    ClientDep,
    CurrentUser,
    PageDep,
    RedisDep,
    SessionDep,
    SettingsDep,
    StateDep,
    require,
    require_any,
)
from portal.audit import service as audit
from portal.auth import lockout
from portal.auth.permissions import Perm
from portal.auth.tokens import RefreshTokenStore
from portal.common.errors import Forbidden
from portal.common.schemas import Envelope, OutputModel, PageEnvelope, ok
from portal.org import service as org
from portal.org.schemas import DepartmentCreate, DepartmentOut, DepartmentUpdate
from portal.search import service as search
from portal.users import admin as user_admin
from portal.users import service as users
from portal.users.schemas import AdminUserCreate, AdminUserUpdate, UserDetailOut
from temporal import system

router = APIRouter(prefix="/admin", tags=["admin"])
ManageUsers = Depends(require_any(Perm.USERS_MANAGE, Perm.USERS_MANAGE_DEPARTMENT))
OrgManager = Annotated[CurrentUser, Depends(require(Perm.ORG_MANAGE))]
Id = Annotated[int, Path(ge=1, le=2**62)]


class AuditLogOut(OutputModel):
    id: int
    actor_id: int | None
    actor_username: str | None
    action: str
    target_type: str | None
    target_id: str | None
    success: bool
    channel: str
    ip: str | None
    user_agent: str | None
    request_id: str | None
    details: dict[str, Any]
    created_at: datetime


# --- users --------------------------------------------------------------------------------------------

@router.get("/users", operation_id="admin_users_list", response_model=PageEnvelope[UserDetailOut])
async def list_users(
    user: Annotated[CurrentUser, ManageUsers], session: SessionDep, page: PageDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    department_id: Annotated[int | None, Query(ge=1)] = None,
    include_inactive: bool = True,
) -> PageEnvelope[UserDetailOut]:
    """Every user for `users:manage`; for `users:manage-department` only the users of the departments one
    manages (and their sub-departments). `department_id` outside them is 403 `OUT_OF_SCOPE`."""
    within = await user_admin.admin_scope(session, user.actor)
    if within is not None and department_id is not None and department_id not in within:
        raise Forbidden("department is outside the departments you manage", code="OUT_OF_SCOPE")
    rows, pagination = await users.get_all(session, page, q=q, department_id=department_id,
                                           include_inactive=include_inactive, within=within)
    return PageEnvelope[UserDetailOut](data=await users.to_details(session, rows), pagination=pagination)


@router.post("/users", operation_id="admin_users_create", response_model=Envelope[UserDetailOut],
             status_code=201)
async def create_user(
    body: AdminUserCreate, user: Annotated[CurrentUser, ManageUsers], session: SessionDep, settings: SettingsDep,
    client: ClientDep, redis: RedisDep,
) -> Envelope[UserDetailOut]:
    created = await user_admin.create(session, user.actor, body, settings, client)
    await search.invalidate(redis)
    return ok(await users.to_detail(session, created), "user created")


@router.get("/users/{user_id}", operation_id="admin_users_get", response_model=Envelope[UserDetailOut])
async def get_user(
    user_id: Id, user: Annotated[CurrentUser, ManageUsers], session: SessionDep
) -> Envelope[UserDetailOut]:
    """A department administrator gets 403 `OUT_OF_SCOPE` for a user outside the departments they manage."""
    return ok(await users.to_detail(session, await user_admin.get_administered(session, user.actor, user_id)))


@router.put("/users/{user_id}", operation_id="admin_users_update", response_model=Envelope[UserDetailOut])
async def update_user(
    user_id: Id, body: AdminUserUpdate, user: Annotated[CurrentUser, ManageUsers], session: SessionDep,
    redis: RedisDep, settings: SettingsDep, client: ClientDep,
) -> Envelope[UserDetailOut]:
    """Not for one's own password (403 `SELF_PASSWORD_RESET`): that is `POST /auth/change-password`, which asks
    for the current one. `unlock` also clears the failed-login count kept for the username."""
    updated = await user_admin.update_user(session, user.actor, user_id, body, settings, client)
    if body.password or body.is_active is False:  # a reset or a deactivation ends every session, refresh included
        await RefreshTokenStore(redis, settings.refresh_token_ttl_seconds).revoke_user(user_id)
    if body.unlock:
        await lockout.clear(redis, updated.username)
    await users.user_cache(redis, settings).delete(user_id)
    await search.invalidate(redis)
    return ok(await users.to_detail(session, updated), "user updated")


@router.delete("/users/{user_id}", operation_id="admin_users_deactivate", response_model=Envelope[UserDetailOut])
async def deactivate_user(
    user_id: Id, user: Annotated[CurrentUser, ManageUsers], session: SessionDep, redis: RedisDep,
    settings: SettingsDep, client: ClientDep,
) -> Envelope[UserDetailOut]:
    """Soft delete: the account is deactivated (history and approvals keep pointing at it)."""
    deactivated = await user_admin.deactivate(session, user.actor, user_id, client)
    await RefreshTokenStore(redis, settings.refresh_token_ttl_seconds).revoke_user(user_id)
    await users.user_cache(redis, settings).delete(user_id)
    await search.invalidate(redis)
    return ok(await users.to_detail(session, deactivated), "user deactivated")


# --- organisations ------------------------------------------------------------------------------------

@router.get("/organizations", operation_id="admin_org_tree", response_model=Envelope[list[DepartmentOut]],
            dependencies=[Depends(require(Perm.ORG_READ))])
async def org_tree(session: SessionDep) -> Envelope[list[DepartmentOut]]:
    return ok(await org.tree(session))


def _dept_out(dept: Any) -> DepartmentOut:
    return DepartmentOut.model_validate(dept)


@router.post("/organizations", operation_id="admin_org_create", response_model=Envelope[DepartmentOut],
             status_code=201)
async def create_department(
    body: DepartmentCreate, user: OrgManager, session: SessionDep, client: ClientDep, redis: RedisDep
) -> Envelope[DepartmentOut]:
    dept = await org.create(session, user.actor, body, client)
    await search.invalidate(redis)
    return ok(_dept_out(dept), "department created")


@router.put("/organizations/{department_id}", operation_id="admin_org_update",
            response_model=Envelope[DepartmentOut])
async def update_department(
    department_id: Id, body: DepartmentUpdate, user: OrgManager, session: SessionDep, client: ClientDep,
    redis: RedisDep,
) -> Envelope[DepartmentOut]:
    """Rename, move (never under itself or a descendant), set the manager or the sort order."""
    dept = await org.update(session, user.actor, department_id, body, client)
    await search.invalidate(redis)
    return ok(_dept_out(dept), "department updated")


@router.delete("/organizations/{department_id}", operation_id="admin_org_delete", response_model=Envelope[None])
async def delete_department(
    department_id: Id, user: OrgManager, session: SessionDep,
    client: ClientDep, redis: RedisDep,
) -> Envelope[None]:
    """Only an empty department (no active sub-departments or members) can be removed."""
    await org.delete(session, user.actor, department_id, client)
    await search.invalidate(redis)  # the org chart is cached in the search scope
    return ok(None, "department deleted")


# --- audit log and system -----------------------------------------------------------------------------

@router.get("/audit-logs", operation_id="admin_audit_logs", response_model=PageEnvelope[AuditLogOut])
async def audit_logs(
    user: Annotated[CurrentUser, Depends(require_any(Perm.AUDIT_READ, Perm.AUDIT_READ_DEPARTMENT))],
    session: SessionDep, page: PageDep,
    action: Annotated[str | None, Query(max_length=64)] = None,
    actor_id: Annotated[int | None, Query(ge=1)] = None,
    target_type: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> PageEnvelope[AuditLogOut]:
    """The whole log for `audit:read`; for `audit:read-department` only the rows whose actor or target user is
    a member of the departments one manages (or their sub-departments)."""
    departments = None
    if not user.actor.can(Perm.AUDIT_READ):
        departments = await org.managed_subtree(session, user.actor.id)
    rows, pagination = await audit.get_all(session, page, action=action, actor_id=actor_id,
                                           target_type=target_type, since=since, until=until,
                                           departments=departments)
    return PageEnvelope[AuditLogOut](data=[AuditLogOut.model_validate(r) for r in rows], pagination=pagination)


@router.post("/system/worker-check", operation_id="admin_worker_check",
             response_model=Envelope[system.WorkerCheckResult])
async def worker_check(
    state: StateDep, user: Annotated[CurrentUser, Depends(require(Perm.SYSTEM_MONITOR))], session: SessionDep,
    client: ClientDep,
) -> Envelope[system.WorkerCheckResult]:
    """Runs a real workflow on the system task queue: proves a worker is polling and can reach the database."""
    result = await system.run_worker_check(
        await state.temporal(), requested_by=user.id, prefix=state.settings.temporal_prefix
    )
    audit.record(session, action="admin.worker_check", client=client, actor=user.actor,
                 details={"workflow_id": result.workflow_id})
    await session.commit()
    return ok(result)
