"""The pending-approvals portlet: documents waiting for the user (the approval "pending" box), in one query."""

from __future__ import annotations

from pydantic_core import to_json
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval import boxes
from portal.approval.models import ApprovalDocument
from portal.common.context import Actor
from portal.portlets.schemas import DocumentBrief
from portal.users.models import User

LIMIT = 10
BRIEF_FIELDS = tuple(DocumentBrief.model_fields)


async def pending(session: AsyncSession, *, actor: Actor) -> bytes:
    """The portlet's JSON (`{"type", "total", "items"}`): the longest-waiting documents first, only the brief's
    columns (not the documents' content and form data); the window count gives the box total in the same
    round trip."""
    doc = ApprovalDocument
    stmt = (
        boxes.box_query(actor, "pending")
        .with_only_columns(doc.id, doc.title, doc.document_type, doc.document_number, doc.status, doc.current_step,
                           doc.author_id, User.name.label("author_name"), doc.submitted_at,
                           func.count().over().label("total"))
        .outerjoin(User, User.id == doc.author_id)
        .order_by(doc.submitted_at.asc().nulls_last(), doc.id.asc())
        .limit(LIMIT)
    )
    rows = (await session.execute(stmt)).mappings().all()
    items = [{f: r[f] for f in BRIEF_FIELDS} for r in rows]
    return to_json({"type": "pending-approvals", "total": rows[0]["total"] if rows else 0, "items": items})
