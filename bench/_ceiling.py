"""The raw Temporal ceiling: a workflow advanced by three IO-free updates, importing nothing but temporalio."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow

# What each update does besides advancing the counter.
NONE = "none"  # nothing: one workflow task per update
LOCAL = "local"  # one local activity (runs inside the workflow task's worker, one extra round trip)
ACTIVITY = "activity"  # one normal activity (scheduled through the server, like the app's projection)
VARIANTS = (NONE, LOCAL, ACTIVITY)
STEPS = 3


@activity.defn(name="bench.noop")
async def noop(value: int) -> int:
    return value + 1


@workflow.defn(name="BenchCeilingWorkflow")
class CeilingWorkflow:
    @workflow.init
    def __init__(self, variant: str) -> None:
        self.variant = variant
        self.count = 0

    @workflow.run
    async def run(self, variant: str) -> int:
        await workflow.wait_condition(lambda: self.count >= STEPS and workflow.all_handlers_finished())
        return self.count

    @workflow.update
    async def step(self) -> int:
        if self.variant == LOCAL:
            await workflow.execute_local_activity(noop, self.count, start_to_close_timeout=timedelta(seconds=10))
        elif self.variant == ACTIVITY:
            await workflow.execute_activity(noop, self.count, start_to_close_timeout=timedelta(seconds=10))
        self.count += 1
        return self.count
