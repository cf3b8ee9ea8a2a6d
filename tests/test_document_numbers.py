"""Document numbers stay unique and gap-free when many documents are approved at the same moment."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from portal.approval import projection
from portal.approval.models import ApprovalDocument, ApprovalTemplate


async def test_concurrent_numbering_never_repeats_a_number(sessions, app):
    async with sessions() as session:
        template = (await session.execute(select(ApprovalTemplate).where(ApprovalTemplate.code == "EXP"))).scalar_one()
        docs = [ApprovalDocument(template_id=template.id, author_id=1, document_type="EXP", title=f"d{i}")
                for i in range(20)]
        session.add_all(docs)
        await session.commit()
        ids = [d.id for d in docs]

    async def number(doc_id: int) -> str:
        async with sessions() as session:
            doc = await session.get(ApprovalDocument, doc_id)
            value = await projection.next_document_number(session, doc)
            await session.commit()
            return value

    numbers = await asyncio.gather(*(number(i) for i in ids))
    assert len(set(numbers)) == 20
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 21))
    assert all(n.startswith("EXP-") for n in numbers)
