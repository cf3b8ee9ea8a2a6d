"""Attachments of approval documents: added and removed on drafts by the drafter, read by anyone who may
read the document. Content is checked by its bytes, stored under generated keys, size-bounded."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import UploadFile
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval import documents
from portal.approval.models import ApprovalAttachment
from portal.common.context import Actor
from portal.common.errors import Conflict, NotFound
from portal.settings import Settings
from portal.storage import uploads
from portal.storage.backends import Storage


async def add(
    session: AsyncSession, storage: Storage, settings: Settings, actor: Actor, document_id: int, upload: UploadFile
) -> ApprovalAttachment:
    doc = await documents.get(session, document_id, lock=True)
    documents.own_draft(doc, actor)
    count = (await session.execute(
        select(func.count()).where(ApprovalAttachment.document_id == doc.id))).scalar_one()
    if count >= settings.max_attachments_per_item:
        raise Conflict("too many attachments", code="TOO_MANY_ATTACHMENTS",
                       details={"limit": settings.max_attachments_per_item})
    file = await uploads.check(upload, await uploads.upload_limit(session, settings))
    return await uploads.store(session, storage, file, prefix="approval", row=lambda key: ApprovalAttachment(
        document_id=doc.id, uploader_id=actor.id, filename=file.filename, storage_key=key,
        content_type=file.content_type, size_bytes=len(file.data), sha256=file.sha256))


async def get_all(session: AsyncSession, document_id: int) -> Sequence[ApprovalAttachment]:
    return (await session.execute(select(ApprovalAttachment).where(ApprovalAttachment.document_id == document_id)
                                  .order_by(ApprovalAttachment.id))).scalars().all()


async def get_readable(session: AsyncSession, actor: Actor, attachment_id: int) -> ApprovalAttachment:
    row = await session.get(ApprovalAttachment, attachment_id)
    if row is None:
        raise NotFound("attachment not found", code="ATTACHMENT_NOT_FOUND")
    await documents.get_visible(session, actor, row.document_id)
    return row


async def remove(session: AsyncSession, storage: Storage, actor: Actor, attachment_id: int) -> None:
    row = await session.get(ApprovalAttachment, attachment_id)
    if row is None:
        raise NotFound("attachment not found", code="ATTACHMENT_NOT_FOUND")
    doc = await documents.get(session, row.document_id, lock=True)
    documents.own_draft(doc, actor)
    # Read again under the document's lock: a concurrent removal may have come first.
    if (await session.execute(select(ApprovalAttachment.id).where(ApprovalAttachment.id == row.id))).first() is None:
        raise NotFound("attachment not found", code="ATTACHMENT_NOT_FOUND")
    key = row.storage_key
    await session.delete(row)
    await session.commit()
    await storage.delete(key)
