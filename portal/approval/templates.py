"""Approval templates: the seeded ones (일반기안, 지출결의, 휴가신청) and admin CRUD."""

from __future__ import annotations

import re
from collections.abc import Sequence
from string import Formatter
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval.forms import check_new_schema
from portal.approval.lines import SLA_MAX_SECONDS
from portal.approval.models import ApprovalTemplate
from portal.approval.schemas import TemplateIn, TemplateUpdate
from portal.audit import service as audit
from portal.common.context import Actor, ClientInfo
from portal.common.errors import Conflict, NotFound, ValidationFailed
from portal.common.schemas import MAX_JSON_DEPTH, too_deep

DAY = 24 * 3600


def _field(key: str, ko: str, en: str, type_: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "label": {"ko": ko, "en": en}, "type": type_, **extra}


SEEDED: list[dict[str, Any]] = [
    {
        "code": "GEN",
        "name": "일반기안",
        "name_en": "General draft",
        "category": "general",
        "form_schema": {"fields": [_field("purpose", "목적", "Purpose", "text", required=True, max_length=200)]},
        "line_rule": {"approval_levels": 2},
        "sla_policy": {"reminder_after_seconds": DAY, "escalate_after_seconds": 2 * DAY},
        "numbering_rule": "GEN-{yyyy}-{seq:06d}",
    },
    {
        "code": "EXP",
        "name": "지출결의",
        "name_en": "Expense report",
        "category": "finance",
        "form_schema": {
            "fields": [
                _field("amount", "금액(원)", "Amount (KRW)", "number", required=True, min=1, max=10_000_000_000),
                _field("spent_on", "지출일", "Date spent", "date", required=True),
                _field(
                    "account",
                    "계정과목",
                    "Account",
                    "select",
                    required=True,
                    options=["복리후생비", "여비교통비", "접대비", "소모품비", "교육훈련비"],
                ),
                _field("vendor", "거래처", "Vendor", "text", max_length=100),
            ]
        },
        "line_rule": {"approval_levels": 3, "final_approval_positions": ["본부장"]},
        "sla_policy": {"reminder_after_seconds": DAY, "escalate_after_seconds": 3 * DAY},
        "numbering_rule": "EXP-{yyyy}-{seq:06d}",
    },
    {
        "code": "LEAVE",
        "name": "휴가신청",
        "name_en": "Leave request",
        "category": "hr",
        "form_schema": {
            "fields": [
                _field(
                    "leave_type",
                    "휴가 종류",
                    "Leave type",
                    "select",
                    required=True,
                    options=["연차", "반차(오전)", "반차(오후)", "병가", "경조사"],
                ),
                _field("start_date", "시작일", "Start date", "date", required=True),
                _field("end_date", "종료일", "End date", "date", required=True),
                _field("reason", "사유", "Reason", "textarea", max_length=1000),
            ]
        },
        "line_rule": {"approval_levels": 1},
        "sla_policy": {"reminder_after_seconds": DAY / 2, "escalate_after_seconds": DAY},
        "numbering_rule": "LEAVE-{yyyy}-{seq:06d}",
    },
]


async def seed(session: AsyncSession) -> None:
    """Create the built-in templates if missing (never overwrite an administrator's edits)."""
    existing = set((await session.execute(select(ApprovalTemplate.code))).scalars())
    for values in SEEDED:
        if values["code"] not in existing:
            session.add(ApprovalTemplate(**values))


_NUMBER_FIELDS = frozenset({"code", "yyyy", "yy", "seq"})
_NUMBER_LENGTH = 64  # approval_documents.document_number
_FIELDS_MESSAGE = "numbering rule may use {code}, {yyyy}, {yy} and {seq}"


def _check_numbering(rule: str, code: str) -> None:
    """A rule that can number every document of the template: its four fields only (no positions, attributes,
    conversions or nested fields), and numbers that fit the column even with a nine-digit counter. A number that
    does not fit would fail the final approval's projection, leaving the document stuck."""
    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(message, code="INVALID_NUMBERING_RULE", details={"rule": rule})

    try:
        fields = [(name, spec or "", conversion) for _, name, spec, conversion in Formatter().parse(rule)
                  if name is not None]
    except ValueError as exc:
        raise refuse(_FIELDS_MESSAGE) from exc
    if any(name not in _NUMBER_FIELDS or conversion or "{" in spec for name, spec, conversion in fields):
        raise refuse(_FIELDS_MESSAGE)
    if "seq" not in {name for name, _, _ in fields}:
        raise refuse("numbering rule must contain {seq}")
    # Widths first: a width of millions would build that string just to measure it.
    if any(int(width) > _NUMBER_LENGTH for _, spec, _ in fields for width in re.findall(r"\d+", spec)):
        raise refuse(f"document numbers are at most {_NUMBER_LENGTH} characters")
    try:
        longest = rule.format(code=code, yyyy=9999, yy=99, seq=999_999_999)
    except (ValueError, TypeError) as exc:  # a spec that does not suit the value, such as {code:d}
        raise refuse(_FIELDS_MESSAGE) from exc
    if len(longest) > _NUMBER_LENGTH:
        raise refuse(f"document numbers are at most {_NUMBER_LENGTH} characters")


def _check_sla(raw: dict[str, Any]) -> None:
    if too_deep(raw):
        raise ValidationFailed(f"sla_policy may nest at most {MAX_JSON_DEPTH} levels", code="INVALID_SLA_POLICY")
    for key in ("reminder_after_seconds", "escalate_after_seconds"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, int | float) or isinstance(value, bool)
                                  or not 0 < value <= SLA_MAX_SECONDS):
            raise ValidationFailed(f"{key} must be a positive number of seconds, at most a year",
                                   code="INVALID_SLA_POLICY", details={"max": SLA_MAX_SECONDS})


def _check_line_rule(raw: dict[str, Any]) -> None:
    """The two keys the line builders read (`lines.default_line`, `lines.finalizing`), in the shapes they expect:
    anything else stored here made every draft and submission of the template a 500."""
    if too_deep(raw):
        raise ValidationFailed(f"line_rule may nest at most {MAX_JSON_DEPTH} levels", code="INVALID_LINE_RULE")
    levels = raw.get("approval_levels", 0)  # present means set: they read `null` as a value too
    if not isinstance(levels, int) or isinstance(levels, bool) or not 0 <= levels <= 10:
        raise ValidationFailed("approval_levels must be a whole number from 0 to 10", code="INVALID_LINE_RULE")
    positions = raw.get("final_approval_positions", [])
    if not (
        isinstance(positions, list) and len(positions) <= 50
        and all(isinstance(p, str) and 0 < len(p) <= 100 for p in positions)
    ):
        raise ValidationFailed("final_approval_positions must be a list of position names",
                               code="INVALID_LINE_RULE")


async def get_by_code(session: AsyncSession, code: str) -> ApprovalTemplate:
    template = (
        await session.execute(select(ApprovalTemplate).where(ApprovalTemplate.code == code))
    ).scalar_one_or_none()
    if template is None:
        raise NotFound("template not found", code="TEMPLATE_NOT_FOUND", details={"code": code})
    return template


async def get(session: AsyncSession, template_id: int) -> ApprovalTemplate:
    template = await session.get(ApprovalTemplate, template_id)
    if template is None:
        raise NotFound("template not found", code="TEMPLATE_NOT_FOUND", details={"id": template_id})
    return template


async def get_all(session: AsyncSession, *, include_inactive: bool) -> Sequence[ApprovalTemplate]:
    stmt = select(ApprovalTemplate).order_by(ApprovalTemplate.code)
    if not include_inactive:
        stmt = stmt.where(ApprovalTemplate.is_active.is_(True))
    return (await session.execute(stmt)).scalars().all()


async def create(session: AsyncSession, actor: Actor, data: TemplateIn, client: ClientInfo) -> ApprovalTemplate:
    check_new_schema(data.form_schema)
    _check_numbering(data.numbering_rule, data.code)
    _check_sla(data.sla_policy)
    _check_line_rule(data.line_rule)
    if (await session.execute(select(ApprovalTemplate.id).where(ApprovalTemplate.code == data.code))).first():
        raise Conflict("template code is already in use", code="TEMPLATE_CODE_TAKEN")
    template = ApprovalTemplate(**data.model_dump())
    session.add(template)
    await session.flush()
    audit.record(
        session,
        action="admin.template_create",
        client=client,
        actor=actor,
        target_type="template",
        target_id=template.id,
        details={"code": data.code},
    )
    await session.commit()
    return template


async def update(
    session: AsyncSession, actor: Actor, template_id: int, data: TemplateUpdate, client: ClientInfo
) -> ApprovalTemplate:
    template = await get(session, template_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("form_schema") is not None:
        check_new_schema(changes["form_schema"])
    if changes.get("numbering_rule") is not None:
        _check_numbering(changes["numbering_rule"], template.code)
    if changes.get("sla_policy") is not None:
        _check_sla(changes["sla_policy"])
    if changes.get("line_rule") is not None:
        _check_line_rule(changes["line_rule"])
    for key, value in changes.items():
        if value is not None:
            setattr(template, key, value)
    audit.record(
        session,
        action="admin.template_update",
        client=client,
        actor=actor,
        target_type="template",
        target_id=template.id,
        details={"fields": sorted(changes)},
    )
    await session.commit()
    return template


async def deactivate(session: AsyncSession, actor: Actor, template_id: int, client: ClientInfo) -> ApprovalTemplate:
    """Templates are never deleted (documents point at them); a retired one cannot start new drafts."""
    template = await get(session, template_id)
    template.is_active = False
    audit.record(
        session,
        action="admin.template_deactivate",
        client=client,
        actor=actor,
        target_type="template",
        target_id=template.id,
    )
    await session.commit()
    return template
