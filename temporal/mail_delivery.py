"""Keeping the deployment's MailDeliveryWorkflow running: every worker that serves the notify queue starts it
unless it already runs (the first one does; the others find it), at start-up and then once a minute, so a
terminated run comes back within a minute."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from temporalio.api.enums.v1 import PendingActivityState
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.service import RPCError, RPCStatusCode

from portal.notify.dispatcher import MailDispatcher
from temporal import queues
from workflows.mail_delivery import WORKFLOW_ID, DeliveryShift, MailDeliveryWorkflow

log = logging.getLogger("temporal.mail_delivery")
CHECK_EVERY = 60.0  # seconds between checks that the deployment's run exists


def workflow_id(prefix: str) -> str:
    return f"{prefix}{WORKFLOW_ID}"


async def ensure_running(client: Client, prefix: str, shift: DeliveryShift | None = None) -> None:
    """Start the run unless one is running already (then nothing changes)."""
    await client.start_workflow(
        MailDeliveryWorkflow.run, shift or DeliveryShift(), id=workflow_id(prefix),
        task_queue=queues.named(queues.NOTIFY, prefix),
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    )


class MailDelivery:
    """A runner of the worker process (next to its Temporal workers): `run` keeps MailDeliveryWorkflow running until
    `shutdown`, which also ends this process's dispatcher shift."""

    def __init__(self, client: Client, dispatcher: MailDispatcher, prefix: str) -> None:
        self.client = client
        self.dispatcher = dispatcher
        self.prefix = prefix
        self.task_queue = f"{queues.named(queues.NOTIFY, prefix)} ({workflow_id(prefix)})"  # for the start-up log
        self._stopped = asyncio.Event()

    async def run(self) -> None:
        """Start the run if it is missing, now and then every `CHECK_EVERY` seconds (an operator may have
        terminated it); retried sooner while Temporal is unreachable."""
        delay = 1.0
        while not self._stopped.is_set():
            try:
                await ensure_running(self.client, self.prefix)
                delay = CHECK_EVERY
            except RPCError as exc:
                log.warning("cannot start the mail delivery workflow; retrying",
                            extra={"error": f"{exc.status.name}: {exc.message}", "retry_in": delay})
                delay = min(delay * 2, CHECK_EVERY)
            try:
                await asyncio.wait_for(self._stopped.wait(), timeout=delay)
            except TimeoutError:
                pass

    async def shutdown(self) -> None:
        self._stopped.set()
        await self.dispatcher.shutdown()


@dataclass
class DeliveryStatus:
    workflow_id: str
    status: str  # running | missing | unreachable | Temporal's status of the last run (terminated, ...)
    shift_running: bool  # a worker holds the `notify.deliver` shift now
    shift_attempt: int | None  # > 1: the shift keeps failing (the last failure says why)
    last_failure: str | None
    temporal_ui_url: str


async def delivery_status(client: Client | None, prefix: str, ui_url: str) -> DeliveryStatus:
    """The deployment's delivery run as operators need it (None: Temporal is unreachable)."""
    wid = workflow_id(prefix)
    if client is None:
        return DeliveryStatus(wid, "unreachable", False, None, None, ui_url)
    try:
        desc = await client.get_workflow_handle(wid).describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return DeliveryStatus(wid, "missing", False, None, None, ui_url)
        return DeliveryStatus(wid, "unreachable", False, None, None, ui_url)
    shifts = [a for a in desc.raw_description.pending_activities if a.activity_type.name == "notify.deliver"]
    shift = shifts[0] if shifts else None
    return DeliveryStatus(
        workflow_id=wid,
        status=(desc.status.name.lower() if desc.status is not None else "unknown"),
        shift_running=shift is not None and shift.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
        shift_attempt=shift.attempt if shift is not None else None,
        last_failure=(shift.last_failure.message or None) if shift is not None and shift.HasField("last_failure")
        else None,
        temporal_ui_url=ui_url,
    )
