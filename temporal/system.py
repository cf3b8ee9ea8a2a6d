"""Starting the system workflows from the API."""

from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import TimeoutError

from portal.common.errors import ServiceUnavailable
from temporal import queues
from workflows.system import WorkerCheckInput, WorkerCheckResult, WorkerCheckWorkflow

__all__ = ["WorkerCheckResult", "run_worker_check"]


async def run_worker_check(
    client: Client, *, requested_by: int, prefix: str = "", timeout: float = 15.0
) -> WorkerCheckResult:
    try:
        return await client.execute_workflow(
            WorkerCheckWorkflow.run,
            WorkerCheckInput(requested_by=requested_by),
            id=f"{prefix}worker-check-{uuid.uuid4().hex}",
            task_queue=queues.named(queues.SYSTEM, prefix),
            execution_timeout=timedelta(seconds=timeout),
        )
    except WorkflowFailureError as exc:
        if isinstance(exc.cause, TimeoutError):
            raise ServiceUnavailable(
                f"no worker completed the check within {timeout:.0f}s; is the worker running?",
                code="WORKER_UNAVAILABLE",
            ) from exc
        raise
