"""`/api/v1/search`: employee search and type-ahead (초성 aware), cached for 5 minutes.

The two employee routes are the portal's hottest: they send cached JSON bytes as they are (FastAPI skips the
response model for a `Response`; the model stays in the OpenAPI schema) and open a database connection only
on a cache miss."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api.deps import CurrentUser, PageDep, SessionDep, StateDep, require
from portal.auth.permissions import Perm
from portal.common.schemas import Envelope, PageEnvelope, Pagination
from portal.search import posts, service
from portal.search.cache import envelope_head, finish
from portal.search.posts import PostHit
from portal.search.service import EmployeeHit

router = APIRouter(prefix="/search", tags=["search"])
Reader = Annotated[CurrentUser, Depends(require(Perm.USERS_READ))]
SearchText = Annotated[str, Query(min_length=1, max_length=100, description="name, 초성, email, phone tail...")]


class JsonBytes(Response):
    media_type = "application/json"


@router.get("/employees", operation_id="search_employees", response_model=PageEnvelope[EmployeeHit])
async def search_employees(
    q: SearchText, user: Reader, state: StateDep, page: PageDep,
    department_id: Annotated[int | None, Query(ge=1)] = None,
    include_inactive: bool = False,
) -> Response:
    """Ranked: exact name, name prefix, name contains, English name, email, then the rest.
    Inactive users only for user administrators."""
    include_inactive = include_inactive and user.actor.can(Perm.USERS_MANAGE)
    cache = service.cache(state.redis)
    key = cache.key({"kind": "employees", "q": q.strip(), "d": department_id, "i": include_inactive,
                     "p": page.page, "l": page.limit})
    found = await cache.get(key)
    head = found.body
    if head is None:
        async with state.engine.connect() as conn:
            rows, total = await service.employees(conn, q, limit=page.limit, offset=page.offset,
                                                  department_id=department_id, include_inactive=include_inactive)
        pages = (total + page.limit - 1) // page.limit if total else 0
        head = envelope_head(rows, pagination={"page": page.page, "limit": page.limit, "total": total,
                                               "totalPages": pages})
        await cache.set(key, found.version, head)
    return JsonBytes(finish(head))


@router.get("/autocomplete", operation_id="search_autocomplete", response_model=Envelope[list[EmployeeHit]])
async def autocomplete(
    q: SearchText, user: Reader, state: StateDep,
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> Response:
    """Prefix and 초성 matches among active employees, for a type-ahead box."""
    cache = service.cache(state.redis)
    key = cache.key({"kind": "autocomplete", "q": q.strip(), "l": limit})
    found = await cache.get(key)
    head = found.body
    if head is None:
        async with state.engine.connect() as conn:
            rows = await service.autocomplete(conn, q, limit=limit)
        head = envelope_head(rows)
        await cache.set(key, found.version, head)
    return JsonBytes(finish(head))


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
