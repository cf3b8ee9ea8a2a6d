"""Response envelopes and shared pydantic bases (seed §10)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


MAX_JSON_DEPTH = 16


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether free-form JSON (`dict[str, Any]` fields) nests objects and arrays more than `limit` deep. Such a
    value validates and stores, but pydantic stops serialising at a fixed depth: every later read of it was a 500."""
    if limit < 0:
        return True
    if isinstance(value, dict):
        return any(too_deep(v, limit - 1) for v in value.values())
    if isinstance(value, list):
        return any(too_deep(v, limit - 1) for v in value)
    return False


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Envelope(BaseModel, Generic[T]):
    success: bool = True
    data: T
    message: str | None = None
    timestamp: datetime = Field(default_factory=utcnow)


class Pagination(BaseModel):
    page: int
    limit: int
    total: int
    totalPages: int  # noqa: N815 (the seed's wire name)


class PageEnvelope(BaseModel, Generic[T]):
    success: bool = True
    data: list[T]
    pagination: Pagination
    message: str | None = None
    timestamp: datetime = Field(default_factory=utcnow)


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorEnvelope(BaseModel):
    success: bool = False
    error: ErrorBody
    timestamp: datetime = Field(default_factory=utcnow)


def ok(data: T, message: str | None = None) -> Envelope[T]:
    return Envelope[T](data=data, message=message)
