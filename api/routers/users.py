"""`/api/v1/users`: one's own profile and the employee directory."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from api.deps import ClientDep, CurrentUserDep, PageDep, RedisDep, SessionDep, SettingsDep, require
from portal.auth.permissions import Perm
from portal.common.schemas import Envelope, PageEnvelope, ok
from portal.search import service as search
from portal.users import service
from portal.users.schemas import MeUpdate, UserDetailOut, UserOut

router = APIRouter(prefix="/users", tags=["users"])
CanRead = Depends(require(Perm.USERS_READ))
UserId = Annotated[int, Path(ge=1, le=2**62)]


@router.get("/me", operation_id="users_get_me", response_model=Envelope[UserDetailOut])
async def get_me(user: CurrentUserDep) -> Envelope[UserDetailOut]:
    """Served from the cached user view (5 min, invalidated on change)."""
    return ok(UserDetailOut.model_validate(user.profile))


@router.put("/me", operation_id="users_update_me", response_model=Envelope[UserDetailOut])
async def update_me(
    body: MeUpdate, user: CurrentUserDep, session: SessionDep, redis: RedisDep, settings: SettingsDep,
    client: ClientDep,
) -> Envelope[UserDetailOut]:
    record = await service.get(session, user.id)
    await service.update_me(session, record, body, client)
    await service.user_cache(redis, settings).delete(user.id)
    await search.invalidate(redis)
    return ok(await service.to_detail(session, record))


@router.get("/search", operation_id="users_search", response_model=Envelope[list[UserOut]],
            dependencies=[CanRead])
async def search_users(
    session: SessionDep,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Envelope[list[UserOut]]:
    """Basic name/username/email/employee-number search among active users."""
    return ok(await service.search(session, q, limit))


@router.get("", operation_id="users_list", response_model=PageEnvelope[UserOut], dependencies=[CanRead])
async def list_users(
    session: SessionDep,
    page: PageDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    department_id: Annotated[int | None, Query(ge=1)] = None,
) -> PageEnvelope[UserOut]:
    """Active users, paginated; sort by name, username, employee_number, position or created_at."""
    rows, pagination = await service.get_all(session, page, q=q, department_id=department_id)
    return PageEnvelope[UserOut](data=await service.to_out(session, rows), pagination=pagination)


@router.get("/{user_id}", operation_id="users_get", response_model=Envelope[UserOut], dependencies=[CanRead])
async def get_user(user_id: UserId, session: SessionDep) -> Envelope[UserOut]:
    user = await service.get(session, user_id)
    return ok((await service.to_out(session, [user]))[0])
