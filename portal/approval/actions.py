"""Who an action is really for: the actor themself, or an absent approver whose delegate they are (대결)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval.documents import active_delegators
from portal.approval.models import ApprovalDocument, ApprovalLine
from workflows.approval_contracts import APPROVED_LINE, PENDING

# Which line status the acting approver has for each action.
LINE_STATUS_FOR = {"approve": PENDING, "reject": PENDING, "hold": PENDING, "resume": PENDING,
                   "cancel_approval": APPROVED_LINE}


async def resolve_on_behalf(session: AsyncSession, actor_id: int, doc: ApprovalDocument, action: str) -> int | None:
    """None when the actor acts for themself; else the delegator they stand in for on this document."""
    status = LINE_STATUS_FOR.get(action)
    if status is None:
        return None
    base = select(ApprovalLine.approver_id).where(
        ApprovalLine.document_id == doc.id, ApprovalLine.line_type.in_(("approval", "agreement")),
        ApprovalLine.status == status,
    )
    if (await session.execute(base.where(ApprovalLine.approver_id == actor_id))).first():
        return None
    delegator = (
        await session.execute(base.where(ApprovalLine.approver_id.in_(active_delegators(actor_id)))
                              .order_by(ApprovalLine.step_order).limit(1))
    ).scalar_one_or_none()
    return delegator
