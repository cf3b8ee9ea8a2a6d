"""`/api/v1/search`: employee search and type-ahead (초성 aware), cached for 5 minutes.

The two employee routes are the portal's hottest: they send cached JSON bytes as they are (FastAPI skips the
response model for a `Response`; the model stays in the OpenAPI schema) and open a database connection only
on a cache miss."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AfterValidator, StringConstraints
from sqlalchemy.ext.asyncio import AsyncConnection

from api.deps import CurrentUser, PageDep, SessionDep, StateDep, TokenDep, current_user, require
from api.state import AppState
from portal.auth.permissions import Perm
from portal.common.errors import Forbidden
from portal.common.schemas import Envelope, PageEnvelope, Pagination
from portal.search import posts, service
from portal.search.cache import Lookup, envelope_head, finish, read
from portal.search.posts import PostHit
from portal.search.service import EmployeeHit

router = APIRouter(prefix="/search", tags=["search"])
Reader = Annotated[CurrentUser, Depends(require(Perm.USERS_READ))]
# Trimmed (as the searches trim) before the length check: a query of spaces is as empty as no query, not a match-all.
Text = Annotated[str, AfterValidator(str.strip), StringConstraints(min_length=1, max_length=100)]
SearchText = Annotated[Text, Query(description="name, 초성, email, phone tail...")]


class JsonBytes(Response):
    media_type = "application/json"


def _reader(user: CurrentUser) -> None:
    if not user.actor.can(Perm.USERS_READ):
        raise Forbidden("you do not have permission for this action", code="PERMISSION_DENIED",
                        details={"required": [Perm.USERS_READ]})


@asynccontextmanager
async def _read_only(state: AppState) -> AsyncIterator[AsyncConnection]:
    """A connection of the search engine: autocommit (no BEGIN and no ROLLBACK round trips around the statement),
    and each search statement planned once per connection rather than on every run (`GENERIC_PLANS`)."""
    async with state.search.connect() as conn:
        yield conn


@router.get("/employees", operation_id="search_employees", response_model=PageEnvelope[EmployeeHit])
async def search_employees(
    q: SearchText, claims: TokenDep, state: StateDep, page: PageDep,
    department_id: Annotated[int | None, Query(ge=1)] = None,
    include_inactive: bool = False,
) -> Response:
    """Ranked: exact name, name prefix, name contains, English name, email, then the rest.
    Inactive users only for user administrators."""
    cache = service.cache(state.redis)
    params = {"kind": "employees", "q": q.strip(), "d": department_id, "i": False, "p": page.page, "l": page.limit}
    key = cache.key(params)
    # The revocation checks and the cache entry in one round trip. The entry depends on whether the user may see
    # inactive employees, known only after the checks, so asking for them reads it separately.
    user, values = await current_user(state, claims, also=() if include_inactive else (cache.version_key, key))
    _reader(user)
    if include_inactive:
        include_inactive = user.actor.can(Perm.USERS_MANAGE)
        key = cache.key({**params, "i": include_inactive})
        found = await cache.get(key)
    else:
        found = read(*values) if values is not None else Lookup(None, None)
    head = found.body
    if head is None:
        async with _read_only(state) as conn:
            rows, total = await service.employees(conn, q, limit=page.limit, offset=page.offset,
                                                  department_id=department_id, include_inactive=include_inactive)
        pages = (total + page.limit - 1) // page.limit if total else 0
        head = envelope_head(rows, pagination={"page": page.page, "limit": page.limit, "total": total,
                                               "totalPages": pages})
        await cache.set(key, found.version, head, via=state.redis_batch)
    return JsonBytes(finish(head))


@router.get("/autocomplete", operation_id="search_autocomplete", response_model=Envelope[list[EmployeeHit]])
async def autocomplete(
    q: SearchText, claims: TokenDep, state: StateDep,
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> Response:
    """Prefix and 초성 matches among active employees, for a type-ahead box."""
    cache = service.cache(state.redis)
    key = cache.key({"kind": "autocomplete", "q": q.strip(), "l": limit})
    user, values = await current_user(state, claims, also=(cache.version_key, key))  # one round trip
    _reader(user)
    found = read(*values) if values is not None else Lookup(None, None)
    head = found.body
    if head is None:
        async with _read_only(state) as conn:
            rows = await service.autocomplete(conn, q, limit=limit)
        head = envelope_head(rows)
        await cache.set(key, found.version, head, via=state.redis_batch)
    return JsonBytes(finish(head))


@router.get("/posts", operation_id="search_posts", response_model=PageEnvelope[PostHit])
async def search_posts(
    q: Annotated[Text, Query()], user: Reader, session: SessionDep, page: PageDep
) -> PageEnvelope[PostHit]:
    """Posts of every board the user may read (no others are counted or shown). Korean matches by substring,
    English also by word stems; title matches first. `snippet` is escaped HTML with `<mark>` around the match."""
    rows, total = await posts.search(session, user.actor, q, limit=page.limit, offset=page.offset)
    pages = (total + page.limit - 1) // page.limit if total else 0
    return PageEnvelope[PostHit](
        data=rows, pagination=Pagination(page=page.page, limit=page.limit, total=total, totalPages=pages))
