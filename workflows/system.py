"""WorkerCheckWorkflow: the smallest real process, proving a worker polls and its activities reach the DB."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy


@dataclass
class WorkerCheckInput:
    requested_by: int


@dataclass
class DatabaseProbe:
    database_time: str
    schema_revision: str | None
    active_users: int


@dataclass
class WorkerCheckResult:
    workflow_id: str
    requested_by: int
    worker_identity: str
    database_time: str
    schema_revision: str | None
    active_users: int


@workflow.defn
class WorkerCheckWorkflow:
    @workflow.run
    async def run(self, data: WorkerCheckInput) -> WorkerCheckResult:
        probe = await workflow.execute_activity(
            "system.probe_database",
            result_type=DatabaseProbe,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
        info = workflow.info()
        return WorkerCheckResult(
            workflow_id=info.workflow_id,
            requested_by=data.requested_by,
            worker_identity=info.task_queue,
            database_time=probe.database_time,
            schema_revision=probe.schema_revision,
            active_users=probe.active_users,
        )
