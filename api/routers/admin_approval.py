"""`/api/v1/admin/approval`: stuck documents (with links into the Temporal UI) and approval statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.deps import CurrentUser, SessionDep, StateDep, require
from portal.approval import statistics
from portal.auth.permissions import Perm
from portal.common.schemas import Envelope, OutputModel, ok
from temporal import approval_ops

router = APIRouter(prefix="/admin/approval", tags=["admin"])


class StuckOut(OutputModel):
    workflow_id: str
    document_id: int | None
    reasons: list[str]
    step_deadline: datetime | None
    current_approvers: list[str]
    failing_activity: str | None
    activity_attempts: int | None
    temporal_ui_url: str


@router.get("/stuck", operation_id="admin_approval_stuck", response_model=Envelope[list[StuckOut]])
async def stuck(
    state: StateDep, user: Annotated[CurrentUser, Depends(require(Perm.SYSTEM_MONITOR))]
) -> Envelope[list[StuckOut]]:
    """Running approvals whose step is past its deadline, or whose activity or workflow task keeps failing.
    docs/operations.md shows the same searches in the Temporal UI and what to do with each."""
    runs = await approval_ops.find_stuck(await state.temporal(), state.settings)
    return ok([StuckOut.model_validate(r, from_attributes=True) for r in runs])


@router.get("/statistics", operation_id="admin_approval_statistics", response_model=Envelope[dict[str, Any]])
async def approval_statistics(
    session: SessionDep, user: Annotated[CurrentUser, Depends(require(Perm.APPROVAL_ADMIN))]
) -> Envelope[dict[str, Any]]:
    """Documents per status and template; average seconds per step and template."""
    return ok(await statistics.summary(session))
