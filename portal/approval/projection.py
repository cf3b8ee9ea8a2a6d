"""Writing ApprovalWorkflow snapshots into PostgreSQL, idempotently, and assigning document numbers.

A snapshot may carry notifications: their in-app rows and outbox mails commit with the state they announce.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval.models import (
    ApprovalDocument,
    ApprovalHistory,
    ApprovalLine,
    ApprovalTemplate,
    DocumentNumberSequence,
)
from portal.notify import service as notify
from workflows.approval_contracts import FINAL_STATUSES, Projection

_lines = ApprovalLine.__table__
assert isinstance(_lines, Table)
_LINE_UPDATE = (
    update(_lines)
    .where(
        _lines.c.document_id == bindparam("b_doc"),
        or_(_lines.c.line_type == "approval", _lines.c.line_type == "agreement"),  # no IN: executemany
        _lines.c.step_order == bindparam("b_step"),
        _lines.c.approver_id == bindparam("b_approver"),
    )
    .values(status=bindparam("status"), acted_by_id=bindparam("acted_by_id"),
            on_behalf_of_id=bindparam("on_behalf_of_id"), comment=bindparam("comment"),
            acted_at=bindparam("acted_at"))
)


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass
class Applied:
    document_number: str | None
    mails_queued: int = 0


async def apply(session: AsyncSession, snap: Projection) -> Applied:
    """Apply one snapshot in one transaction: state, history, document number (on final approval) and the
    snapshot's notifications."""
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
        if snap.lines:  # one executemany: psycopg pipelines it into a single round trip
            await session.execute(_LINE_UPDATE, [
                {"b_doc": snap.document_id, "b_step": ln.step, "b_approver": ln.approver_id, "status": ln.status,
                 "acted_by_id": ln.acted_by, "on_behalf_of_id": ln.on_behalf_of, "comment": ln.comment,
                 "acted_at": _ts(ln.acted_at)}
                for ln in snap.lines
            ])
    if snap.assign_number and doc.document_number is None:
        doc.document_number = await next_document_number(session, doc)
    mails = await notify.write(session, doc, snap.notifications) if snap.notifications else 0
    await session.commit()
    return Applied(document_number=doc.document_number, mails_queued=mails)


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
