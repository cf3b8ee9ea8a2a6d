"""Department shapes on the wire."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from portal.common.schemas import InputModel, OutputModel
from portal.users.schemas import present

DeptName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
DeptCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,50}$")]


class DepartmentOut(OutputModel):
    id: int
    name: str
    code: str | None
    parent_id: int | None
    manager_id: int | None
    manager_name: str | None = None
    sort_order: int
    member_count: int = 0
    children: list[DepartmentOut] = Field(default_factory=list)


class DepartmentCreate(InputModel):
    name: DeptName
    code: DeptCode | None = None
    parent_id: int | None = Field(default=None, gt=0)
    manager_id: int | None = Field(default=None, gt=0)
    sort_order: int = Field(default=0, ge=0, le=100_000)


class DepartmentUpdate(InputModel):
    name: DeptName | None = None
    code: DeptCode | None = None
    parent_id: int | None = Field(default=None, gt=0)
    manager_id: int | None = Field(default=None, gt=0)
    sort_order: int | None = Field(default=None, ge=0, le=100_000)

    _not_null = field_validator("name", "sort_order")(present)
