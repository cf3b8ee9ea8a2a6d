"""Free comments (의견) on approval documents: anyone who may read a submitted document may comment."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval.documents import DRAFT, get_visible
from portal.approval.models import ApprovalComment, ApprovalLine
from portal.approval.schemas import ApprovalCommentOut
from portal.audit import service as audit
from portal.auth.permissions import Perm
from portal.common.context import Actor, ClientInfo
from portal.common.errors import Conflict, Forbidden, NotFound
from portal.notify.models import Notification
from portal.users.models import User

PENDING = "pending"


async def _out(session: AsyncSession, rows: list[ApprovalComment]) -> list[ApprovalCommentOut]:
    ids = {r.author_id for r in rows}
    names = dict((await session.execute(select(User.id, User.name).where(User.id.in_(ids)))).all()) if ids else {}
    return [ApprovalCommentOut.model_validate(r).model_copy(update={"author_name": names.get(r.author_id)})
            for r in rows]


async def list_for(session: AsyncSession, actor: Actor, document_id: int) -> list[ApprovalCommentOut]:
    doc = await get_visible(session, actor, document_id)
    rows = (await session.execute(
        select(ApprovalComment).where(ApprovalComment.document_id == doc.id, ApprovalComment.deleted_at.is_(None))
        .order_by(ApprovalComment.created_at, ApprovalComment.id))).scalars().all()
    return await _out(session, list(rows))


async def add(session: AsyncSession, actor: Actor, document_id: int, content: str, client: ClientInfo,
              ) -> ApprovalCommentOut:
    doc = await get_visible(session, actor, document_id)
    if doc.status == DRAFT:
        raise Conflict("comments open once the document is submitted", code="DOCUMENT_IS_DRAFT")
    comment = ApprovalComment(document_id=doc.id, author_id=actor.id, content=content)
    session.add(comment)
    await session.flush()
    # The drafter and whoever must act now hear about it (in-app), never the commenter themself.
    waiting = (await session.execute(select(ApprovalLine.approver_id).where(
        ApprovalLine.document_id == doc.id, ApprovalLine.status == PENDING))).scalars().all()
    recipients = ({doc.author_id, *waiting}) - {actor.id}
    if recipients:
        await session.execute(pg_insert(Notification).on_conflict_do_nothing(
            index_elements=[Notification.dedupe_key]), [
            {"user_id": uid, "type": "approval.comment", "title": f"새 의견 / New comment: {doc.title}"[:300],
             "body": content[:300], "link": f"/approval/documents/{doc.id}",
             "dedupe_key": f"approval-comment:{comment.id}:{uid}"} for uid in sorted(recipients)])
    audit.record(session, action="approval.comment_add", client=client, actor=actor, target_type="approval_document",
                 target_id=doc.id, details={"comment_id": comment.id})
    await session.commit()
    await session.refresh(comment)
    return (await _out(session, [comment]))[0]


async def delete(session: AsyncSession, actor: Actor, document_id: int, comment_id: int, client: ClientInfo,
                 ) -> None:
    await get_visible(session, actor, document_id)
    comment = await session.get(ApprovalComment, comment_id)
    if comment is None or comment.document_id != document_id or comment.deleted_at is not None:
        raise NotFound("comment not found", code="COMMENT_NOT_FOUND")
    if comment.author_id != actor.id and not actor.can(Perm.APPROVAL_ADMIN):
        raise Forbidden("only the author can delete this comment", code="NOT_COMMENT_AUTHOR")
    deleted = await session.execute(update(ApprovalComment).where(
        ApprovalComment.id == comment.id, ApprovalComment.deleted_at.is_(None))
        .values(deleted_at=datetime.now(UTC)).returning(ApprovalComment.id))
    if deleted.first() is None:  # a concurrent delete came first: one deletion, one audit row
        raise NotFound("comment not found", code="COMMENT_NOT_FOUND")
    audit.record(session, action="approval.comment_delete", client=client, actor=actor,
                 target_type="approval_document", target_id=document_id, details={"comment_id": comment.id})
    await session.commit()
