"""The pending-approvals portlet: documents waiting for the user (the approval "pending" box), in one query."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval import boxes
from portal.approval.models import ApprovalDocument
from portal.common.context import Actor
from portal.portlets.schemas import DocumentBrief, PendingApprovalsData
from portal.users.models import User

LIMIT = 10


async def pending(session: AsyncSession, *, actor: Actor) -> PendingApprovalsData:
    """The longest-waiting documents first; the window count gives the box total in the same round trip."""
    doc = ApprovalDocument
    stmt = (
        boxes.box_query(actor, "pending")
        .add_columns(User.name.label("author_name"), func.count().over().label("total"))
        .outerjoin(User, User.id == doc.author_id)
        .order_by(doc.submitted_at.asc().nulls_last(), doc.id.asc())
        .limit(LIMIT)
    )
    rows = (await session.execute(stmt)).all()
    items = [
        DocumentBrief.model_validate(d).model_copy(update={"author_name": author_name})
        for d, author_name, _ in rows
    ]
    return PendingApprovalsData(total=rows[0].total if rows else 0, items=items)
