"""`?page=&limit=&sort=&order=` handling shared by every list endpoint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from portal.common.errors import ValidationFailed
from portal.common.schemas import Pagination

Column = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True)
class PageParams:
    page: int = 1
    limit: int = 20
    sort: str | None = None
    order: Literal["asc", "desc"] = "asc"

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    params: PageParams,
    *,
    sortable: Mapping[str, Column],
    default_sort: str,
    tiebreaker: Column,
) -> tuple[Sequence[Any], Pagination]:
    """Run `stmt` for one page, ordered by a whitelisted column, and count the whole result."""
    sort_key = params.sort or default_sort
    column = sortable.get(sort_key)
    if column is None:
        raise ValidationFailed(
            f"cannot sort by '{sort_key}'", code="INVALID_SORT", details={"allowed": sorted(sortable)}
        )
    ordered = column.desc() if params.order == "desc" else column.asc()
    total = (await session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))).scalar_one()
    rows = (
        await session.execute(stmt.order_by(ordered, tiebreaker).limit(params.limit).offset(params.offset))
    ).scalars().all()
    pages = (total + params.limit - 1) // params.limit if total else 0
    return rows, Pagination(page=params.page, limit=params.limit, total=total, totalPages=pages)
