"""Writing ApprovalWorkflow snapshots into PostgreSQL, idempotently, and assigning document numbers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval.models import (
    ApprovalDocument,
    ApprovalHistory,
    ApprovalLine,
    ApprovalTemplate,
    DocumentNumberSequence,
)
from workflows.approval_contracts import FINAL_STATUSES, Projection


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def apply(session: AsyncSession, snap: Projection) -> str | None:
    """Apply one snapshot in one transaction; returns the document number (assigned on final approval)."""
    doc = (
        await session.execute(
            select(ApprovalDocument).where(ApprovalDocument.id == snap.document_id).with_for_update()
        )
    ).scalar_one()
    if snap.history:
        await session.execute(
            insert(ApprovalHistory).on_conflict_do_nothing(index_elements=["idempotency_key"]),
            [
                {
                    "document_id": snap.document_id, "step_order": h.step, "action": h.action,
                    "actor_id": h.actor_id, "on_behalf_of_id": h.on_behalf_of, "comment": h.comment,
                    "channel": h.channel, "ip": h.ip, "user_agent": h.user_agent, "details": h.details,
                    "idempotency_key": h.key, "created_at": _ts(h.at) or datetime.now(UTC),
                }
                for h in snap.history
            ],
        )
    if snap.seq > doc.projection_seq:
        doc.projection_seq = snap.seq
        doc.status = snap.status
        doc.current_step = snap.current_step
        if snap.status in FINAL_STATUSES and doc.completed_at is None:
            doc.completed_at = datetime.now(UTC)
        for ln in snap.lines:
            await session.execute(
                update(ApprovalLine)
                .where(
                    ApprovalLine.document_id == snap.document_id,
                    ApprovalLine.line_type.in_(("approval", "agreement")),
                    ApprovalLine.step_order == ln.step,
                    ApprovalLine.approver_id == ln.approver_id,
                )
                .values(status=ln.status, acted_by_id=ln.acted_by, on_behalf_of_id=ln.on_behalf_of,
                        comment=ln.comment, acted_at=_ts(ln.acted_at))
            )
    if snap.assign_number and doc.document_number is None:
        doc.document_number = await next_document_number(session, doc)
    await session.commit()
    return doc.document_number


async def next_document_number(session: AsyncSession, doc: ApprovalDocument) -> str:
    """`{code}-{yyyy}-{seq:06d}` style numbers from the template's rule; the counter row is locked by the
    upsert, so concurrent final approvals never share a number."""
    template = await session.get(ApprovalTemplate, doc.template_id) if doc.template_id else None
    code = template.code if template else doc.document_type
    rule = template.numbering_rule if template else "{code}-{yyyy}-{seq:06d}"
    year = datetime.now(UTC).year
    value = (
        await session.execute(
            insert(DocumentNumberSequence)
            .values(template_code=code, year=year, last_value=1)
            .on_conflict_do_update(
                index_elements=["template_code", "year"],
                set_={"last_value": DocumentNumberSequence.last_value + 1},
            )
            .returning(DocumentNumberSequence.last_value)
        )
    ).scalar_one()
    return rule.format(code=code, yyyy=year, yy=year % 100, seq=value)
