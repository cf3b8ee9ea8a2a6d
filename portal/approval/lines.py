"""Approval lines: the default line from the org chart, validation, and the snapshot given to the workflow."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval.models import ApprovalTemplate
from portal.approval.schemas import LineIn, LineStepIn
from portal.auth.permissions import Perm
from portal.common.errors import ValidationFailed
from portal.org import chart
from portal.users.models import User
from workflows.approval_contracts import SlaPolicy, StepSpec


async def default_line(session: AsyncSession, drafter_id: int, template: ApprovalTemplate) -> LineIn:
    """The drafter's manager chain up to the template's number of levels (`line_rule.approval_levels`)."""
    levels = int(template.line_rule.get("approval_levels", 2))
    chain = await chart.manager_chain(session, drafter_id, max(0, min(levels, 10)))
    return LineIn(steps=[LineStepIn(kind="approval", approvers=[m]) for m in chain])


def collapse(line: LineIn) -> LineIn:
    """The same single approver twice in a row is one step; a reference or receiver listed twice is listed once."""
    steps: list[LineStepIn] = []
    for step in line.steps:
        if steps and step.kind == "approval" and steps[-1].kind == "approval" \
                and steps[-1].approvers == step.approvers:
            continue
        steps.append(step)
    return line.model_copy(update={"steps": steps, "references": list(dict.fromkeys(line.references)),
                                   "receivers": list(dict.fromkeys(line.receivers))})


async def check_known(session: AsyncSession, line: LineIn) -> None:
    """On saving a draft: everyone the line names is a user. (Whether they are active, and the rest, is checked
    on submission by `validate`: a draft may wait while someone leaves.)"""
    everyone = {a for s in line.steps for a in s.approvers} | set(line.references) | set(line.receivers)
    found = set((await session.execute(select(User.id).where(User.id.in_(everyone)))).scalars()) if everyone else set()
    if everyone - found:
        raise ValidationFailed("the line names unknown users", code="INVALID_LINE_MEMBER",
                               details={"unknown": sorted(everyone - found), "inactive": []})


async def validate(
    session: AsyncSession, drafter_id: int, line: LineIn, template: ApprovalTemplate
) -> tuple[LineIn, set[int]]:
    """Ready for submission: at least one approver, everyone exists and is active, drafter not approving. Also
    returns the approvers who may give final approval (전결, as `finalizing` decides), read in the same query."""
    line = collapse(line)
    if not line.steps:
        raise ValidationFailed("the approval line needs at least one approver", code="EMPTY_LINE")
    everyone = {a for s in line.steps for a in s.approvers} | set(line.references) | set(line.receivers)
    found = {r.id: r for r in await session.execute(
        select(User.id, User.is_active, User.position, _holds_finalize().label("finalize")).where(User.id.in_(everyone))
    )}
    missing = sorted(everyone - found.keys())
    inactive = sorted(uid for uid, u in found.items() if not u.is_active)
    if missing or inactive:
        raise ValidationFailed("the line names unknown or inactive users", code="INVALID_LINE_MEMBER",
                               details={"unknown": missing, "inactive": inactive})
    approvers = {a for s in line.steps for a in s.approvers}
    if drafter_id in approvers:
        raise ValidationFailed("the drafter cannot approve their own document", code="DRAFTER_IN_LINE")
    allowed = finalizing(template.line_rule, ((uid, found[uid].position, found[uid].finalize) for uid in approvers))
    return line, allowed


def holds_finalize_sql(user_id: str) -> str:
    """SQL condition: the user whose id is the SQL expression `user_id` holds `approval:finalize` through one of
    their roles. Text, so that the ORM query here and the detail's one statement (`documents._READ`) share it."""
    return ("EXISTS (SELECT FROM user_roles r JOIN role_permissions rp ON rp.role_id = r.role_id "
            "JOIN permissions p ON p.id = rp.permission_id "
            f"WHERE r.user_id = {user_id} AND p.code = '{Perm.APPROVAL_FINALIZE.value}')")


def _holds_finalize() -> Any:
    return literal_column(holds_finalize_sql("users.id"))


def finalizing(line_rule: dict[str, Any], people: Iterable[tuple[int, str | None, bool]]) -> set[int]:
    """Of `people` (id, position, whether they hold `approval:finalize`), those who may give final approval (전결)
    under a template's `line_rule`: holders of the permission, or of a position it lists."""
    positions = set(line_rule.get("final_approval_positions", []))
    return {uid for uid, position, holds in people if holds or (position and position in positions)}


def workflow_steps(line: LineIn, finalizing: set[int]) -> list[StepSpec]:
    """The line as the workflow gets it; `finalizing`: the approvers who may give final approval."""
    return [
        StepSpec(approvers=list(s.approvers), kind=s.kind, rule=s.rule if s.kind == "agreement" else "all",
                 required=s.required, finalizers=[a for a in s.approvers if a in finalizing])
        for s in line.steps
    ]


# The longest SLA a template may set (templates.py refuses longer ones): a timer past a year is a typo.
SLA_MAX_SECONDS = 366 * 24 * 3600


def sla_policy(template: ApprovalTemplate, defaults: SlaPolicy) -> SlaPolicy:
    """The template's SLA where it sets one, the system-wide default (admin settings) otherwise. A value stored
    before templates were checked as they are now (not a positive number, or longer than a year) is read as
    the default, or as a year, so that it cannot make every submission of the template fail."""
    raw: dict[str, Any] = template.sla_policy or {}
    return SlaPolicy(
        reminder_after_seconds=_seconds(raw.get("reminder_after_seconds"), defaults.reminder_after_seconds),
        escalate_after_seconds=_seconds(raw.get("escalate_after_seconds"), defaults.escalate_after_seconds),
    )


def _seconds(value: object, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:  # NaN is not > 0
        return default
    return float(min(value, SLA_MAX_SECONDS))
