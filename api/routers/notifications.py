"""`/api/v1/notifications`: the in-app notification list and marking as read."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import Field

from api.deps import CurrentUserDep, PageDep, SessionDep
from portal.common.schemas import InputModel, OutputModel, Pagination, utcnow
from portal.notify import service

router = APIRouter(prefix="/notifications", tags=["notifications"])


class NotificationOut(OutputModel):
    id: int
    type: str
    title: str
    body: str | None
    link: str | None
    is_read: bool
    read_at: datetime | None
    created_at: datetime


class NotificationPage(OutputModel):
    success: bool = True
    data: list[NotificationOut]
    pagination: Pagination
    unread: int
    timestamp: datetime = Field(default_factory=utcnow)


class MarkRead(InputModel):
    ids: list[int] | None = Field(default=None, max_length=500, description="omit to mark all as read")


class MarkReadOut(OutputModel):
    success: bool = True
    data: dict[str, int]
    timestamp: datetime = Field(default_factory=utcnow)


@router.get("", operation_id="notifications_list", response_model=NotificationPage)
async def list_notifications(
    user: CurrentUserDep, session: SessionDep, page: PageDep, unread_only: bool = False
) -> NotificationPage:
    """My notifications, newest first (`order=desc` is the default here), with the unread count."""
    if page.sort is None and page.order == "asc":
        page = type(page)(page=page.page, limit=page.limit, sort="created_at", order="desc")
    rows, pagination, unread = await service.get_all(session, user.id, page, unread_only=unread_only)
    return NotificationPage(data=[NotificationOut.model_validate(r) for r in rows], pagination=pagination,
                            unread=unread)


@router.post("/read", operation_id="notifications_mark_read", response_model=MarkReadOut)
async def mark_read(body: MarkRead, user: CurrentUserDep, session: SessionDep) -> MarkReadOut:
    return MarkReadOut(data={"updated": await service.mark_read(session, user.id, body.ids)})
