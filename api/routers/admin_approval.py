"""`/api/v1/admin/approval`: stuck documents (with links into the Temporal UI), the notification mail's delivery,
and approval statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from temporalio.client import Client

from api.deps import CurrentUser, SessionDep, StateDep, require
from portal.approval import statistics
from portal.auth.permissions import Perm
from portal.common.errors import ServiceUnavailable
from portal.common.schemas import Envelope, OutputModel, ok
from portal.notify.dispatcher import outbox_status
from temporal import approval_ops
from temporal.mail_delivery import delivery_status, workflow_id

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


class OutboxOut(OutputModel):
    waiting: int
    retrying: int
    oldest_waiting_at: datetime | None
    given_up: int
    last_error: str | None


class DeliveryOut(OutputModel):
    workflow_id: str
    status: str
    shift_running: bool
    shift_attempt: int | None
    last_failure: str | None
    temporal_ui_url: str


class MailStatusOut(OutputModel):
    outbox: OutboxOut
    delivery: DeliveryOut


@router.get("/mail", operation_id="admin_approval_mail", response_model=Envelope[MailStatusOut])
async def mail_status(
    state: StateDep, user: Annotated[CurrentUser, Depends(require(Perm.SYSTEM_MONITOR))]
) -> Envelope[MailStatusOut]:
    """The notification mail not sent yet (waiting, retrying after a refusal, given up after two days) and the
    MailDeliveryWorkflow that sends it: `status` running, missing (a worker start brings it back) or unreachable,
    and whether a worker holds its shift. docs/operations.md says what to do with each."""
    async with state.engine.connect() as conn:
        outbox = await outbox_status(conn)
    try:
        client: Client | None = await state.temporal()
    except ServiceUnavailable:
        client = None
    prefix = state.settings.temporal_prefix
    delivery = await delivery_status(client, prefix, approval_ops.ui_link(state.settings, workflow_id(prefix)))
    return ok(MailStatusOut(outbox=OutboxOut.model_validate(outbox, from_attributes=True),
                            delivery=DeliveryOut.model_validate(delivery, from_attributes=True)))


@router.get("/statistics", operation_id="admin_approval_statistics", response_model=Envelope[dict[str, Any]])
async def approval_statistics(
    session: SessionDep, user: Annotated[CurrentUser, Depends(require(Perm.APPROVAL_ADMIN))]
) -> Envelope[dict[str, Any]]:
    """Documents per status and template; average seconds per step and template."""
    return ok(await statistics.summary(session))
