"""Approval shapes on the wire: templates, drafts and their line, documents, actions, delegations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StringConstraints, field_validator, model_validator
from pydantic_core import PydanticCustomError

from portal.common.schemas import InputModel, OutputModel

Title = Annotated[str, StringConstraints(min_length=1, max_length=300)]
# An action's comment reaches PostgreSQL only through the approval run, which has taken the action by then: a NUL
# character (text columns cannot hold it) would fail the run's write and leave the run ahead of the stored document.
NO_NUL = r"^[^\x00]*$"
Comment = Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]
UserId = Annotated[int, Field(gt=0, le=2**62)]
TemplateCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,19}$")]


class LineStepIn(InputModel):
    kind: Literal["approval", "agreement"] = "approval"
    approvers: list[UserId] = Field(min_length=1, max_length=50)
    rule: Literal["all", "any", "n_of_m"] = "all"
    required: int | None = Field(default=None, ge=1, le=50)

    @model_validator(mode="after")
    def _shape(self) -> LineStepIn:
        if self.kind == "approval" and len(self.approvers) != 1:
            raise ValueError("an approval (결재) step has exactly one approver; use an agreement step for groups")
        if len(set(self.approvers)) != len(self.approvers):
            raise ValueError("an approver appears twice in one step")
        if self.rule == "n_of_m" and (self.required is None or self.required > len(self.approvers)):
            raise ValueError("n_of_m needs 'required' between 1 and the number of approvers")
        return self


class LineIn(InputModel):
    steps: list[LineStepIn] = Field(default_factory=list, max_length=20)
    references: list[UserId] = Field(default_factory=list, max_length=100)
    receivers: list[UserId] = Field(default_factory=list, max_length=100)


class DocumentCreate(InputModel):
    template_code: TemplateCode
    title: Title
    content: Annotated[str, StringConstraints(max_length=100_000)] = ""
    form_data: dict[str, Any] = Field(default_factory=dict)
    line: LineIn | None = None  # None: the default line from the org chart


class DocumentUpdate(InputModel):
    title: Title | None = None
    content: Annotated[str, StringConstraints(max_length=100_000)] | None = None
    form_data: dict[str, Any] | None = None
    line: LineIn | None = None


class ActionIn(InputModel):
    comment: Comment | None = None
    expected_step: int | None = Field(default=None, ge=0, le=50)
    final: StrictBool = False  # 전결


class LineOut(OutputModel):
    line_type: str
    step_order: int
    approver_id: int
    approver_name: str | None = None
    group_rule: str | None
    required_count: int | None
    status: str
    comment: str | None
    acted_by_id: int | None
    on_behalf_of_id: int | None
    acted_at: datetime | None


class HistoryOut(OutputModel):
    id: int
    step_order: int | None
    action: str
    actor_id: int | None
    actor_name: str | None = None
    on_behalf_of_id: int | None
    on_behalf_of_name: str | None = None
    comment: str | None
    channel: str
    details: dict[str, Any]
    created_at: datetime


class DocumentSummary(OutputModel):
    id: int
    template_id: int | None
    document_type: str
    title: str
    author_id: int
    author_name: str | None = None
    status: str
    current_step: int | None
    document_number: str | None
    version: int
    submitted_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AttachmentOut(OutputModel):
    id: int
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    created_at: datetime


class DocumentOut(DocumentSummary):
    content: str | None
    form_data: dict[str, Any]
    line_spec: dict[str, Any]
    previous_version_id: int | None
    workflow_id: str | None
    lines: list[LineOut] = Field(default_factory=list)
    history: list[HistoryOut] = Field(default_factory=list)
    attachments: list[AttachmentOut] = Field(default_factory=list)
    allowed_actions: list[str] = Field(default_factory=list)


class ActionOut(OutputModel):
    document_id: int
    status: str
    current_step: int | None
    current_approvers: list[int]
    action: str
    document_number: str | None = None


def _required_flags_are_booleans(form_schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """A form field's `required` is JSON true or false, as every boolean in a request body: `"yes"` or `1` was
    stored and read as true. (Checked on the way in only; the rest of the schema is checked by `forms.parse_schema`,
    which stays lenient with what is already stored.)"""
    fields = form_schema.get("fields") if isinstance(form_schema, dict) else None
    for index, field in enumerate(fields if isinstance(fields, list) else []):
        if isinstance(field, dict) and "required" in field and not isinstance(field["required"], bool):
            raise PydanticCustomError("bool_type", "fields[{index}].required must be true or false", {"index": index})
    return form_schema


class TemplateIn(InputModel):
    code: TemplateCode
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    name_en: Annotated[str, StringConstraints(max_length=100)] | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    category: Annotated[str, StringConstraints(max_length=50)] | None = None
    form_schema: dict[str, Any] = Field(default_factory=lambda: {"fields": []})
    line_rule: dict[str, Any] = Field(default_factory=lambda: {"approval_levels": 2})
    sla_policy: dict[str, Any] = Field(default_factory=dict)
    numbering_rule: Annotated[str, StringConstraints(max_length=100)] = "{code}-{yyyy}-{seq:06d}"
    is_active: StrictBool = True

    _required_flags = field_validator("form_schema")(_required_flags_are_booleans)


class TemplateUpdate(InputModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    name_en: Annotated[str, StringConstraints(max_length=100)] | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    category: Annotated[str, StringConstraints(max_length=50)] | None = None
    form_schema: dict[str, Any] | None = None
    line_rule: dict[str, Any] | None = None
    sla_policy: dict[str, Any] | None = None
    numbering_rule: Annotated[str, StringConstraints(max_length=100)] | None = None
    is_active: StrictBool | None = None

    _required_flags = field_validator("form_schema")(_required_flags_are_booleans)


class TemplateOut(OutputModel):
    id: int
    code: str
    name: str
    name_en: str | None
    description: str | None
    category: str | None
    form_schema: dict[str, Any]
    line_rule: dict[str, Any]
    sla_policy: dict[str, Any]
    numbering_rule: str
    is_active: bool


class DelegationIn(InputModel):
    delegate_id: UserId
    starts_on: date
    ends_on: date
    reason: Annotated[str, StringConstraints(max_length=200)] | None = None

    @model_validator(mode="after")
    def _range(self) -> DelegationIn:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        if (self.ends_on - self.starts_on).days > 366:
            raise ValueError("a delegation lasts at most one year")
        return self


class DelegationOut(OutputModel):
    id: int
    delegator_id: int
    delegate_id: int
    delegate_name: str | None = None
    starts_on: date
    ends_on: date
    reason: str | None
    is_active: bool


BoxName = Literal["drafts", "pending", "upcoming", "in-progress", "completed", "rejected", "reference", "received"]


class ApprovalCommentIn(InputModel):
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ApprovalCommentOut(OutputModel):
    id: int
    document_id: int
    author_id: int
    author_name: str | None = None
    content: str
    created_at: datetime
