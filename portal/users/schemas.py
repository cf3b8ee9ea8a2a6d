"""Pydantic shapes of users on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import EmailStr, Field, StrictBool, StringConstraints, field_validator

from portal.common.schemas import InputModel, OutputModel

Username = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,63}$", to_lower=True)]
PersonName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9+() .-]{3,32}$")]
Locale = Literal["ko", "en"]
ShortText = Annotated[str, StringConstraints(max_length=100)]
Url = Annotated[str, StringConstraints(max_length=500, pattern=r"^(https?://|/)[^\s<>\"']*$")]


def present(value: object) -> object:
    """For a field an update may leave out but not clear: an explicit null was a NOT NULL violation (a 409
    or a 500) instead of a validation error."""
    if value is None:
        raise ValueError("may be left out, but not null")
    return value


class UserOut(OutputModel):
    """What any employee may see of another (the directory card)."""

    id: int
    username: str
    employee_number: str | None
    name: str
    name_en: str | None
    email: str | None
    phone: str | None
    department_id: int | None
    department_name: str | None = None
    position: str | None
    job_title: str | None
    manager_id: int | None
    profile_image_url: str | None
    is_active: bool


class UserDetailOut(UserOut):
    """One's own profile, and what administrators see."""

    locale: str
    auth_source: str
    roles: list[str] = Field(default_factory=list)
    last_login_at: datetime | None
    locked_until: datetime | None
    created_at: datetime
    updated_at: datetime


class MeUpdate(InputModel):
    name_en: PersonName | None = None
    phone: Phone | None = None
    locale: Locale | None = None
    profile_image_url: Url | None = None

    _not_null = field_validator("locale")(present)


class AdminUserCreate(InputModel):
    username: Username
    name: PersonName
    email: EmailStr | None = None
    password: Annotated[str, StringConstraints(max_length=128)] | None = None
    employee_number: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = None
    name_en: PersonName | None = None
    phone: Phone | None = None
    department_id: int | None = Field(default=None, gt=0)
    position: ShortText | None = None
    job_title: ShortText | None = None
    manager_id: int | None = Field(default=None, gt=0)
    locale: Locale = "ko"
    roles: list[Annotated[str, StringConstraints(max_length=64)]] = Field(default_factory=lambda: ["user"])


class AdminUserUpdate(InputModel):
    name: PersonName | None = None
    email: EmailStr | None = None
    password: Annotated[str, StringConstraints(max_length=128)] | None = None
    employee_number: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = None
    name_en: PersonName | None = None
    phone: Phone | None = None
    department_id: int | None = Field(default=None, gt=0)
    position: ShortText | None = None
    job_title: ShortText | None = None
    manager_id: int | None = Field(default=None, gt=0)
    locale: Locale | None = None
    is_active: StrictBool | None = None
    unlock: StrictBool | None = None
    roles: list[Annotated[str, StringConstraints(max_length=64)]] | None = Field(default=None, max_length=20)

    _not_null = field_validator("name", "locale", "is_active")(present)
