"""NotificationWorkflow: fan-out of one approval event to in-app rows and emails, retried on its own.

Started as an abandoned child of ApprovalWorkflow, so a failing mail server never blocks an approval.
Only approval runs from before the `outbox-local-projection` patch start it; newer runs write their
notifications with the projection and the worker's mail dispatcher sends the mail. It stays registered
until those runs are gone, and its recorded history keeps replaying.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from workflows.approval_contracts import NotifyInput

EMAIL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2), backoff_coefficient=2.0, maximum_interval=timedelta(minutes=10)
)
DB_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


@workflow.defn
class NotificationWorkflow:
    @workflow.run
    async def run(self, inp: NotifyInput) -> int:
        # In-app rows first (keyed, so a retry inserts nothing twice); returns who should get an email.
        emails: list[int] = await workflow.execute_activity(
            "notify.in_app", inp, result_type=list[int],
            start_to_close_timeout=timedelta(seconds=30), retry_policy=DB_RETRY,
        )
        for user_id in emails:
            await workflow.execute_activity(
                "notify.email", args=[inp, user_id],
                start_to_close_timeout=timedelta(seconds=60), schedule_to_close_timeout=timedelta(days=2),
                retry_policy=EMAIL_RETRY,
            )
        return len(emails)
