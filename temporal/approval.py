"""Starting ApprovalWorkflow runs and sending them actions, with Temporal failures mapped to API errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from portal.common.errors import AppError, Conflict, Forbidden, ServiceUnavailable, ValidationFailed
from temporal import queues
from workflows.approval import ApprovalWorkflow
from workflows.approval_contracts import IN_PROGRESS, ActionInput, ActionResult, ApprovalInput, StatusView
from workflows.search_attributes import (
    APPROVAL_STATUS,
    CURRENT_APPROVERS,
    DOCUMENT_ID,
    DRAFTER_ID,
    STEP_DEADLINE,
    TEMPLATE_CODE,
)

# Validator failure type → API error class. Other failures are internal errors (500), their text never shown.
_ERRORS: dict[str, type[AppError]] = {
    "NOT_CURRENT_APPROVER": Forbidden, "NO_FINAL_AUTHORITY": Forbidden, "NOT_DRAFTER": Forbidden,
    "NOT_HOLDER": Forbidden, "COMMENT_REQUIRED": ValidationFailed, "DOCUMENT_FINISHED": Conflict,
    "STALE_STEP": Conflict, "DOCUMENT_ON_HOLD": Conflict, "ALREADY_ACTED": Conflict, "NOT_ON_HOLD": Conflict,
    "NOTHING_TO_CANCEL": Conflict,
}
UPDATES = {
    "approve": ApprovalWorkflow.approve, "reject": ApprovalWorkflow.reject, "withdraw": ApprovalWorkflow.withdraw,
    "hold": ApprovalWorkflow.hold, "resume": ApprovalWorkflow.resume,
    "cancel_approval": ApprovalWorkflow.cancel_approval,
}


def workflow_id(document_id: int, prefix: str = "") -> str:
    return f"{prefix}approval-{document_id}"


async def start(client: Client, inp: ApprovalInput, *, workflow_id: str, prefix: str = "") -> None:
    """Start the document's run (its id comes from `workflow_id(document_id, prefix)`).

    The start carries the search attributes of the first step, StepDeadline included: the first step's SLA
    clock starts at `submitted_at`, so the run's first task has nothing to upsert."""
    first = inp.steps[0].approvers if inp.steps else []
    submitted = datetime.fromisoformat(inp.submitted_at) if inp.submitted_at else datetime.now(UTC)
    deadline = submitted + timedelta(seconds=inp.sla.escalate_after_seconds)
    try:
        await client.start_workflow(
            ApprovalWorkflow.run,
            replace(inp, notify_queue=queues.named(queues.NOTIFY, prefix), submitted_at=submitted.isoformat()),
            id=workflow_id,
            task_queue=queues.named(queues.APPROVAL, prefix),
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes([
                SearchAttributePair(DOCUMENT_ID, str(inp.document_id)),
                SearchAttributePair(DRAFTER_ID, str(inp.drafter_id)),
                SearchAttributePair(TEMPLATE_CODE, inp.template_code),
                SearchAttributePair(APPROVAL_STATUS, IN_PROGRESS),
                SearchAttributePair(CURRENT_APPROVERS, [str(a) for a in first]),
                SearchAttributePair(STEP_DEADLINE, deadline),
            ]),
            # A document may wait for weeks; the run itself has no timeout, stuck ones are found by SLA.
            task_timeout=timedelta(seconds=10),
        )
    except WorkflowAlreadyStartedError as exc:
        raise Conflict("the document was already submitted", code="ALREADY_SUBMITTED") from exc
    except RPCError as exc:
        raise ServiceUnavailable("the workflow engine is unavailable", code="TEMPORAL_UNAVAILABLE") from exc


async def act(client: Client, workflow: str, action: str, data: ActionInput) -> ActionResult:
    handle = client.get_workflow_handle(workflow)
    try:
        result: ActionResult = await handle.execute_update(UPDATES[action], data)
        return result
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.type in _ERRORS:  # the run refused: meant for the user
            raise _ERRORS[cause.type](cause.message, code=cause.type) from exc
        raise  # anything else (a failed write, say) is an internal error: logged, never shown to the user
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:  # callers check drafts first: no run means it has finished
            raise Conflict("the document is already finished", code="DOCUMENT_FINISHED") from exc
        if exc.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
            raise ServiceUnavailable("the workflow engine is unavailable", code="TEMPORAL_UNAVAILABLE") from exc
        raise


async def status(client: Client, workflow: str) -> StatusView:
    view: StatusView = await client.get_workflow_handle(workflow).query(ApprovalWorkflow.status_view)
    return view
