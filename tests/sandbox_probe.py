"""Workflows for tests of the worker wiring (tests/test_workflow_sandbox.py)."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError


@workflow.defn(name="SandboxProbe")
class SandboxProbe:
    @workflow.run
    async def run(self) -> str:
        return datetime.now().isoformat()


@workflow.defn(name="UpdateFailureProbe")
class UpdateFailureProbe:
    """An update that fails the way the approval run's updates may: a refusal with a business code, or an
    internal failure whose text must not reach a user (tests/test_workflow_sandbox.py)."""

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.update
    async def fail(self, kind: str) -> None:
        if kind == "refused":
            raise ApplicationError("someone else acted on this step first", type="STALE_STEP")
        raise ApplicationError('null value in column "comment" violates ... SQL: INSERT INTO ...', type="DataError")
