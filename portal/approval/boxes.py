"""Document boxes (문서함) and their counts, straight from the PostgreSQL projection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval.documents import DRAFT, OPEN, active_delegators, visible_to
from portal.approval.models import ApprovalDocument, ApprovalLine
from portal.common.context import Actor
from portal.common.pagination import PageParams, paginate
from portal.common.schemas import Pagination
from workflows.approval_contracts import APPROVED, PENDING, REJECTED, WAITING, WITHDRAWN

BOXES = ("drafts", "pending", "upcoming", "in-progress", "completed", "rejected", "reference", "received")
SORTABLE = {
    "created_at": ApprovalDocument.created_at,
    "submitted_at": ApprovalDocument.submitted_at,
    "completed_at": ApprovalDocument.completed_at,
    "title": ApprovalDocument.title,
}


def _line(actor_ids: Any, *, types: tuple[str, ...], status: str | None = None) -> Any:
    conditions = [ApprovalLine.document_id == ApprovalDocument.id, ApprovalLine.approver_id.in_(actor_ids),
                  ApprovalLine.line_type.in_(types)]
    if status is not None:
        conditions.append(ApprovalLine.status == status)
    return exists().where(*conditions)


def box_query(actor: Actor, box: str) -> Select[Any]:
    me = [actor.id]
    mine_or_delegated = select(literal(actor.id)).union(active_delegators(actor.id))
    doc = ApprovalDocument
    stmt = select(doc)
    if box == "drafts":
        return stmt.where(doc.author_id == actor.id, doc.status == DRAFT)
    if box == "pending":  # my turn, or the turn of someone whose approvals are delegated to me today
        return stmt.where(doc.status.in_(OPEN),
                          _line(mine_or_delegated, types=("approval", "agreement"), status=PENDING))
    if box == "upcoming":
        return stmt.where(doc.status.in_(OPEN), _line(me, types=("approval", "agreement"), status=WAITING))
    if box == "in-progress":
        return stmt.where(doc.author_id == actor.id, doc.status.in_(OPEN))
    if box == "completed":
        return stmt.where(doc.status == APPROVED, or_(
            doc.author_id == actor.id, _line(me, types=("approval", "agreement"))))
    if box == "rejected":
        return stmt.where(doc.author_id == actor.id, doc.status.in_((REJECTED, WITHDRAWN)))
    if box == "reference":
        return stmt.where(doc.status != DRAFT, _line(me, types=("reference",)))
    if box == "received":
        return stmt.where(doc.status == APPROVED, _line(me, types=("receiver",)))
    raise ValueError(box)


async def list_box(
    session: AsyncSession, actor: Actor, box: str, params: PageParams
) -> tuple[Sequence[ApprovalDocument], Pagination]:
    return await paginate(session, box_query(actor, box), params, sortable=SORTABLE, default_sort="created_at",
                          tiebreaker=ApprovalDocument.id.desc())


async def counts(session: AsyncSession, actor: Actor) -> dict[str, int]:
    result = {}
    for box in BOXES:
        query = box_query(actor, box)
        result[box] = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    return result


async def list_visible(
    session: AsyncSession, actor: Actor, params: PageParams, *, status: str | None = None
) -> tuple[Sequence[ApprovalDocument], Pagination]:
    stmt = select(ApprovalDocument).where(visible_to(actor))
    if status:
        stmt = stmt.where(ApprovalDocument.status == status)
    return await paginate(session, stmt, params, sortable=SORTABLE, default_sort="created_at",
                          tiebreaker=ApprovalDocument.id.desc())
