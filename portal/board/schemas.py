"""Board shapes on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StringConstraints, model_validator

from portal.common.schemas import InputModel, OutputModel

RoleName = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,64}$")]


class AccessRule(InputModel):
    """Who may read (or write): anyone holding one of the roles or belonging to one of the departments.
    Both empty means every employee."""

    roles: list[RoleName] = Field(default_factory=list, max_length=20)
    departments: list[Annotated[int, Field(gt=0)]] = Field(default_factory=list, max_length=200)


class BoardIn(InputModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    description: Annotated[str, StringConstraints(max_length=1000)] | None = None
    type: Literal["notice", "general", "department"] = "general"
    department_id: int | None = Field(default=None, gt=0)
    read_permission: AccessRule = Field(default_factory=AccessRule)
    write_permission: AccessRule = Field(default_factory=AccessRule)
    sort_order: int = Field(default=0, ge=0, le=100_000)

    @model_validator(mode="after")
    def _department_board_has_a_department(self) -> BoardIn:
        # Without one it was stored as a "department" board that every employee could read and write.
        if self.type == "department" and self.department_id is None:
            raise ValueError("a department board needs department_id")
        return self


class BoardUpdate(InputModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    description: Annotated[str, StringConstraints(max_length=1000)] | None = None
    read_permission: AccessRule | None = None
    write_permission: AccessRule | None = None
    sort_order: int | None = Field(default=None, ge=0, le=100_000)
    is_active: StrictBool | None = None


class BoardOut(OutputModel):
    id: int
    name: str
    description: str | None
    type: str
    department_id: int | None
    read_permission: dict[str, list[str | int]]
    write_permission: dict[str, list[str | int]]
    sort_order: int
    is_active: bool
    can_write: bool = False


class PostIn(InputModel):
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    content: Annotated[str, StringConstraints(max_length=200_000)] = ""
    is_notice: StrictBool = False
    is_pinned: StrictBool = False


class PostUpdate(InputModel):
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    content: Annotated[str, StringConstraints(max_length=200_000)] | None = None
    is_notice: StrictBool | None = None
    is_pinned: StrictBool | None = None


class PostSummary(OutputModel):
    id: int
    board_id: int
    author_id: int
    author_name: str | None = None
    title: str
    is_notice: bool
    is_pinned: bool
    view_count: int
    like_count: int
    comment_count: int
    created_at: datetime
    updated_at: datetime


class AttachmentOut(OutputModel):
    id: int
    filename: str
    content_type: str
    size_bytes: int
    created_at: datetime


class PostOut(PostSummary):
    content: str
    liked_by_me: bool = False
    can_edit: bool = False
    attachments: list[AttachmentOut] = Field(default_factory=list)


class CommentIn(InputModel):
    content: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    parent_id: int | None = Field(default=None, gt=0)


class CommentOut(OutputModel):
    id: int
    post_id: int
    author_id: int
    author_name: str | None = None
    parent_id: int | None
    content: str
    is_deleted: bool
    created_at: datetime
    replies: list[CommentOut] = Field(default_factory=list)


class LikeOut(OutputModel):
    liked: bool
    like_count: int
