"""Document numbers stay unique and gap-free when many documents are approved at the same moment."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from portal.approval import projection
from portal.approval.models import ApprovalDocument, ApprovalTemplate
from workflows.approval_contracts import Projection


async def test_concurrent_final_approvals_never_share_a_number_and_a_retry_keeps_its_number(sessions, app):
    async with sessions() as session:
        template = (await session.execute(select(ApprovalTemplate).where(ApprovalTemplate.code == "EXP"))).scalar_one()
        docs = [ApprovalDocument(template_id=template.id, author_id=1, document_type="EXP", title=f"d{i}")
                for i in range(20)]
        session.add_all(docs)
        await session.commit()
        ids = [d.id for d in docs]

    async def approve(doc_id: int, seq: int = 1) -> str | None:
        """The final approval's snapshot, as the workflow's projection activity applies it."""
        snap = Projection(document_id=doc_id, seq=seq, status="approved", current_step=None, lines=[], history=[],
                          assign_number=True)
        return (await projection.apply(sessions.kw["bind"], snap)).document_number

    numbers = await asyncio.gather(*(approve(i) for i in ids))
    assert len(set(numbers)) == 20
    assert sorted(int(str(n).rsplit("-", 1)[1]) for n in numbers) == list(range(1, 21))
    assert all(str(n).startswith("EXP-") for n in numbers)
    # A retried or replayed snapshot finds the number already there: same number, no new one drawn.
    assert await approve(ids[0]) == numbers[0]
    assert await approve(ids[0], seq=2) == numbers[0]
    async with sessions() as session:
        stored = (await session.execute(select(ApprovalDocument.document_number)
                                        .where(ApprovalDocument.id.in_(ids)))).scalars().all()
    assert sorted(map(str, stored)) == sorted(map(str, numbers))
