"""Portal wire shapes: the portlet grid layout (validated as react-grid-layout places it) and portlet data."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import ConfigDict, Field, StrictBool, field_validator, model_validator
from pydantic_core import PydanticCustomError

from portal.common.schemas import MAX_JSON_DEPTH, InputModel, OutputModel, too_deep
from portal.users.schemas import UserDetailOut

PortletType = Literal["pending-approvals", "recent-posts", "notices", "org-chart", "my-profile"]
PORTLET_TYPES: tuple[str, ...] = get_args(PortletType)

GRID_COLUMNS = 12
MAX_ITEMS = 20
MAX_CONFIG_BYTES = 2048


# --- layout -------------------------------------------------------------------------------------------

class LayoutItem(InputModel):
    """One portlet on the grid. Strict: `"3"` is not a coordinate and `1` is not a boolean."""

    model_config = ConfigDict(extra="forbid", strict=True)

    type: PortletType
    x: int = Field(ge=0, le=GRID_COLUMNS - 1)
    y: int = Field(ge=0, le=200)
    w: int = Field(ge=1, le=GRID_COLUMNS)
    h: int = Field(ge=1, le=20)
    visible: StrictBool = True
    config: dict[str, Any] = Field(default_factory=dict)

    @field_validator("config")
    @classmethod
    def _config_is_small(cls, value: dict[str, Any]) -> dict[str, Any]:
        if too_deep(value):
            raise PydanticCustomError("config_too_deep", "config must nest at most {limit} levels",
                                      {"limit": MAX_JSON_DEPTH})
        size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
        if size > MAX_CONFIG_BYTES:
            raise PydanticCustomError("config_too_large", "config must be at most {limit} bytes of JSON",
                                      {"limit": MAX_CONFIG_BYTES})
        return value

    @model_validator(mode="after")
    def _fits_the_grid(self) -> LayoutItem:
        if self.x + self.w > GRID_COLUMNS:
            raise PydanticCustomError("outside_grid", "x + w must not exceed {columns} columns",
                                      {"columns": GRID_COLUMNS})
        return self

    def overlaps(self, other: LayoutItem) -> bool:
        return (self.x < other.x + other.w and other.x < self.x + self.w
                and self.y < other.y + other.h and other.y < self.y + self.h)


class LayoutIn(InputModel):
    """The whole layout; PUT replaces what was stored. Hidden items may overlap (they are not drawn)."""

    items: list[LayoutItem] = Field(max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _no_overlaps(self) -> LayoutIn:
        shown = [(i, item) for i, item in enumerate(self.items) if item.visible]
        for n, (i, a) in enumerate(shown):
            for j, b in shown[n + 1:]:
                if a.overlaps(b):
                    raise PydanticCustomError("layout_overlap", "items {first} and {second} overlap",
                                              {"first": i, "second": j})
        return self


class LayoutItemOut(OutputModel):
    type: str
    x: int
    y: int
    w: int
    h: int
    visible: bool
    config: dict[str, Any]


class LayoutOut(OutputModel):
    items: list[LayoutItemOut]
    is_default: bool = Field(description="true when the user has not saved a layout yet")
    updated_at: datetime | None = None


# --- portlet data -------------------------------------------------------------------------------------

class DocumentBrief(OutputModel):
    id: int
    title: str
    document_type: str
    document_number: str | None
    status: str
    current_step: int | None
    author_id: int
    author_name: str | None = None
    submitted_at: datetime | None


class PendingApprovalsData(OutputModel):
    type: Literal["pending-approvals"] = "pending-approvals"
    total: int
    items: list[DocumentBrief]


class PostBrief(OutputModel):
    id: int
    board_id: int
    board_name: str
    title: str
    author_id: int
    author_name: str | None
    is_notice: bool
    is_pinned: bool
    comment_count: int
    view_count: int
    created_at: datetime


class PostsData(OutputModel):
    type: Literal["recent-posts", "notices"]
    items: list[PostBrief]


class OrgMember(OutputModel):
    id: int
    name: str
    position: str | None
    job_title: str | None
    profile_image_url: str | None
    is_manager: bool = False


class OrgNode(OutputModel):
    """A department of the tree. Its members are not included: GET /portal/org-chart/departments/{id}/members
    lists them when the tree expands the node (except the viewer's own department, see `OrgChartData`)."""

    id: int
    name: str
    code: str | None
    parent_id: int | None
    manager_id: int | None
    manager_name: str | None
    member_count: int = Field(description="active members of this department (not of its sub-departments)")
    children: list[OrgNode] = Field(default_factory=list)


class OrgChartData(OutputModel):
    type: Literal["org-chart"] = "org-chart"
    members_limit: int = Field(description="`members` lists at most this many, manager first")
    department_id: int | None = Field(description="the viewer's own department, whose members are preloaded")
    members: list[OrgMember] = Field(description="active members of `department_id`, manager first, then by name")
    departments: list[OrgNode]


class MyProfileData(OutputModel):
    type: Literal["my-profile"] = "my-profile"
    profile: UserDetailOut


PortletData = Annotated[
    PendingApprovalsData | PostsData | OrgChartData | MyProfileData, Field(discriminator="type")
]
