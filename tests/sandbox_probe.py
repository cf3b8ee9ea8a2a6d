"""A workflow that reads the wall clock, which the workflow sandbox must refuse (tests/test_workflow_sandbox.py)."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow


@workflow.defn(name="SandboxProbe")
class SandboxProbe:
    @workflow.run
    async def run(self) -> str:
        return datetime.now().isoformat()
