"""Wire shapes of the system settings (typed and bounded) and of the usage statistics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from portal.common.schemas import InputModel, OutputModel


class _Strict(InputModel):
    """Settings are typed exactly: `"10"` is not a number and `1` is not `true`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


class SlaSettings(_Strict):
    reminder_hours: int = Field(ge=1, le=720, description="remind an approver after this many hours")
    escalation_hours: int = Field(ge=1, le=2160, description="escalate after this many hours")

    @model_validator(mode="after")
    def _escalation_after_reminder(self) -> SlaSettings:
        if self.escalation_hours < self.reminder_hours:
            raise PydanticCustomError("escalation_before_reminder",
                                      "escalation_hours must not be less than reminder_hours")
        return self


class UploadSettings(_Strict):
    max_upload_mb: int = Field(ge=1, le=100)


class PasswordPolicy(_Strict):
    min_length: int = Field(ge=8, le=64)
    require_classes: int = Field(ge=1, le=4, description="how many of lower, upper, digit, symbol")


class SystemSettings(_Strict):
    """The whole settings document: GET returns it, PUT replaces it (every field is required)."""

    company_name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    default_locale: Literal["ko", "en"]
    sla: SlaSettings
    uploads: UploadSettings
    password_policy: PasswordPolicy


class SystemSettingsOut(OutputModel):
    settings: SystemSettings
    is_default: bool = Field(description="true until an administrator saves the settings")
    updated_at: datetime | None
    updated_by: int | None


class DayCount(OutputModel):
    day: date
    count: int


class StatisticsOut(OutputModel):
    active_users: int
    logins_per_day: list[DayCount] = Field(description="successful logins, oldest day first, every day listed")
    documents_per_status: dict[str, int]
    posts_per_day: list[DayCount]
    since: date
    until: date
    timezone: str = "UTC"
