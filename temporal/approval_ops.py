"""Finding stuck approval runs for operators: overdue steps, failing activities or workflow tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from temporalio.client import Client, WorkflowExecutionStatus

from portal.settings import Settings

SCAN_LIMIT = 500  # running approvals inspected per call; the rest are reachable with the documented queries


@dataclass
class StuckRun:
    workflow_id: str
    document_id: int | None
    reasons: list[str]
    step_deadline: datetime | None = None
    current_approvers: list[str] = field(default_factory=list)
    failing_activity: str | None = None
    activity_attempts: int | None = None
    temporal_ui_url: str = ""


def ui_link(settings: Settings, workflow_id: str) -> str:
    return f"{settings.temporal_ui_url.rstrip('/')}/namespaces/{settings.temporal_namespace}/workflows/{workflow_id}"


async def find_stuck(client: Client, settings: Settings) -> list[StuckRun]:
    query = 'WorkflowType="ApprovalWorkflow" AND ExecutionStatus="Running"'
    now = datetime.now(UTC)
    found: list[StuckRun] = []
    scanned = 0
    async for wf in client.list_workflows(query):
        if not wf.id.startswith(settings.temporal_prefix):
            continue
        scanned += 1
        if scanned > SCAN_LIMIT:
            break
        attrs = wf.typed_search_attributes
        deadline = next((p.value for p in attrs if p.key.name == "StepDeadline"), None)
        approvers = next((list(p.value) for p in attrs if p.key.name == "CurrentApprovers"), [])
        doc_id = next((p.value for p in attrs if p.key.name == "DocumentId"), None)
        reasons: list[str] = []
        if isinstance(deadline, datetime) and deadline < now:
            reasons.append("step_overdue")
        description = await client.get_workflow_handle(wf.id).describe()
        failing = [a for a in description.raw_description.pending_activities if a.attempt > 1]
        if failing:
            reasons.append("activity_failing")
        pending_task = description.raw_description.pending_workflow_task
        if pending_task is not None and pending_task.attempt > 1:
            reasons.append("workflow_task_failing")
        if reasons and description.status == WorkflowExecutionStatus.RUNNING:
            found.append(StuckRun(
                workflow_id=wf.id, document_id=int(doc_id) if doc_id else None, reasons=reasons,
                step_deadline=deadline if isinstance(deadline, datetime) else None,
                current_approvers=[str(a) for a in approvers],
                failing_activity=failing[0].activity_type.name if failing else None,
                activity_attempts=failing[0].attempt if failing else None,
                temporal_ui_url=ui_link(settings, wf.id),
            ))
    return found
