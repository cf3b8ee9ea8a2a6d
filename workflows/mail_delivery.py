"""MailDeliveryWorkflow: the email half of the notification fan-out, one long-lived run per deployment.

An approval's projection decides who hears of an event and writes, in the same transaction as the document's
new state, one in-app row and one email outbox row per recipient. This workflow delivers the mail: it keeps one
`notify.deliver` activity running on a worker of the notify queue. That activity drains the outbox in batches over
one SMTP connection, retries refused mail with backoff (2 s doubling up to 10 min, for two days) and heartbeats;
an approval never waits for it. If its worker dies, the heartbeat lapses and Temporal starts the activity again on
another worker (the outbox's lease makes the handover safe: a mail is claimed by one dispatcher at a time). Each
shift ends after `shift_seconds` and the run continues as new with the code's defaults, so its history stays a few
events long and a changed default reaches it within the hour.

Operators find it in the Temporal UI as `WorkflowType="MailDeliveryWorkflow"` (id `<prefix>mail-delivery`): a
pending `notify.deliver` with attempts > 1 means the outbox cannot be read (the database is away); mail that the
relay refuses is counted in the outbox itself (docs/operations.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

WORKFLOW_ID = "mail-delivery"  # under the deployment's GW_TEMPORAL_PREFIX
# A failing shift (the database away) is tried again forever, never more than a minute apart.
SHIFT_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), backoff_coefficient=2.0,
                          maximum_interval=timedelta(minutes=1))


@dataclass
class DeliveryShift:
    shift_seconds: float = 3600.0  # how long one activity attempt sends before the run continues as new
    heartbeat_seconds: float = 15.0  # a worker silent this long is taken for dead; another one takes over


@workflow.defn
class MailDeliveryWorkflow:
    @workflow.run
    async def run(self, shift: DeliveryShift) -> None:
        await workflow.execute_activity(
            "notify.deliver", shift,
            start_to_close_timeout=timedelta(seconds=shift.shift_seconds + 4 * shift.heartbeat_seconds),
            heartbeat_timeout=timedelta(seconds=shift.heartbeat_seconds), retry_policy=SHIFT_RETRY,
        )
        # The next run takes today's defaults, so a deploy that changes them reaches the running delivery.
        workflow.continue_as_new(DeliveryShift())
