"""`/api/v1/search`: employee search and type-ahead (초성 aware), cached for 5 minutes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import CurrentUser, PageDep, RedisDep, SessionDep, require
from portal.auth.permissions import Perm
from portal.common.schemas import Envelope, PageEnvelope, Pagination, ok
from portal.search import posts, service
from portal.search.posts import PostHit
from portal.search.service import EmployeeHit

router = APIRouter(prefix="/search", tags=["search"])
Reader = Annotated[CurrentUser, Depends(require(Perm.USERS_READ))]
SearchText = Annotated[str, Query(min_length=1, max_length=100, description="name, 초성, email, phone tail...")]


@router.get("/employees", operation_id="search_employees", response_model=PageEnvelope[EmployeeHit])
async def search_employees(
    q: SearchText, user: Reader, session: SessionDep, redis: RedisDep, page: PageDep,
    department_id: Annotated[int | None, Query(ge=1)] = None,
    include_inactive: bool = False,
) -> PageEnvelope[EmployeeHit]:
    """Ranked: exact name, name prefix, name contains, English name, email, then the rest.
    Inactive users only for user administrators."""
    include_inactive = include_inactive and user.actor.can(Perm.USERS_MANAGE)
    params = {"kind": "employees", "q": q.strip(), "d": department_id, "i": include_inactive, "p": page.page,
              "l": page.limit}
    cache = service.cache(redis)
    key = await cache.key("employees", params)
    hit = await cache.get(key)
    if hit is not None:
        return PageEnvelope[EmployeeHit].model_validate(hit)
    rows, total = await service.employees(session, q, limit=page.limit, offset=page.offset,
                                          department_id=department_id, include_inactive=include_inactive)
    pages = (total + page.limit - 1) // page.limit if total else 0
    result = PageEnvelope[EmployeeHit](
        data=rows, pagination=Pagination(page=page.page, limit=page.limit, total=total, totalPages=pages))
    await cache.set(key, result.model_dump(mode="json", exclude={"timestamp"}))
    return result


@router.get("/autocomplete", operation_id="search_autocomplete", response_model=Envelope[list[EmployeeHit]])
async def autocomplete(
    q: SearchText, user: Reader, session: SessionDep, redis: RedisDep,
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> Envelope[list[EmployeeHit]]:
    """Prefix and 초성 matches among active employees, for a type-ahead box."""
    cache = service.cache(redis)
    key = await cache.key("employees", {"kind": "autocomplete", "q": q.strip(), "l": limit})
    hit = await cache.get(key)
    if hit is not None:
        return ok([EmployeeHit.model_validate(h) for h in hit])
    rows = await service.autocomplete(session, q, limit=limit)
    await cache.set(key, [r.model_dump(mode="json") for r in rows])
    return ok(rows)


@router.get("/posts", operation_id="search_posts", response_model=PageEnvelope[PostHit])
async def search_posts(
    q: Annotated[str, Query(min_length=1, max_length=100)], user: Reader, session: SessionDep, page: PageDep
) -> PageEnvelope[PostHit]:
    """Posts of every board the user may read (no others are counted or shown). Korean matches by substring,
    English also by word stems; title matches first. `snippet` is escaped HTML with `<mark>` around the match."""
    rows, total = await posts.search(session, user.actor, q, limit=page.limit, offset=page.offset)
    pages = (total + page.limit - 1) // page.limit if total else 0
    return PageEnvelope[PostHit](
        data=rows, pagination=Pagination(page=page.page, limit=page.limit, total=total, totalPages=pages))
