"""Document boxes (문서함) and their counts, straight from the PostgreSQL projection."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import Select, and_, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval.documents import DRAFT, OPEN, active_delegators, visible_to
from portal.approval.models import ApprovalDocument, ApprovalLine
from portal.common.context import Actor
from portal.common.pagination import PageParams, paginate
from portal.common.schemas import Pagination
from portal.search.cache import BytesCache
from workflows.approval_contracts import APPROVED, PENDING, REJECTED, WAITING, WITHDRAWN

log = logging.getLogger(__name__)

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


def pending_condition(user_id: Any, today: Any) -> Any:
    """SQL condition of the pending box: open, and the turn of the user or of someone whose approvals are
    delegated to them today. `user_id` and `today` are values or SQL expressions (bind parameters of a
    statement built once, as the portal's pending-approvals portlet does)."""
    user = literal(user_id) if isinstance(user_id, int) else user_id
    mine_or_delegated = select(user).union(active_delegators(user_id, today))
    return and_(ApprovalDocument.status.in_(OPEN),
                _line(mine_or_delegated, types=("approval", "agreement"), status=PENDING))


def box_query(actor: Actor, box: str) -> Select[Any]:
    me = [actor.id]
    doc = ApprovalDocument
    stmt = select(doc)
    if box == "drafts":
        return stmt.where(doc.author_id == actor.id, doc.status == DRAFT)
    if box == "pending":
        return stmt.where(pending_condition(actor.id, datetime.now(UTC).date()))
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


# --- the pending box's cache ----------------------------------------------------------------------------
# The portal home shows each user's pending box (`portal.portlets.approvals`), cached per user as ready JSON.
# Whatever changes a pending box bumps its owner's version: the projection for everyone on a document's line
# and their delegates of the day (`projection.Applied.audience`), the delegation routes for the delegate. The
# entry's key holds the date, since delegations start and end with it, and lives a minute at most (names shown
# in it).

PENDING_CACHE_SECONDS = 60


def pending_cache(redis: Redis, user_id: int) -> BytesCache:
    return BytesCache(redis, "approval-pending", str(user_id), PENDING_CACHE_SECONDS)


# One command for every key: a client pipeline of one INCR per user cost the projection activity about twice the
# CPU (packing and parsing each command and reply), on every approval action.
_BUMP = "for _, key in ipairs(KEYS) do redis.call('INCR', key) end return #KEYS"


async def pending_changed(redis: Redis, user_ids: Collection[int]) -> None:
    """Make these users' cached pending boxes stale (one command). Fails soft: with Redis down the entries
    expire within `PENDING_CACHE_SECONDS`."""
    if not user_ids:
        return
    keys = [pending_cache(redis, user_id).version_key for user_id in sorted(user_ids)]
    try:
        await redis.eval(_BUMP, len(keys), *keys)
    except (RedisError, OSError):
        log.warning("pending box invalidation failed", extra={"users": len(user_ids)})
