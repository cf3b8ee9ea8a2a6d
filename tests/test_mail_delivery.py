"""MailDeliveryWorkflow: the notification mail goes out from a workflow of its own, one per deployment, whose
dispatcher shifts move from worker to worker without losing a mail (real Temporal, PostgreSQL and SMTP)."""

from __future__ import annotations

import asyncio

from temporalio.api.enums.v1 import PendingActivityState
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from portal.db.session import create_session_factory
from temporal.mail_delivery import ensure_running, workflow_id
from temporal.registry import Dependencies
from temporal.worker import build_workers
from tests.approval_helpers import build_company, draft, eventually, submit
from tests.conftest import stop_mail_delivery
from tests.test_approval_notifications import mails_to
from workflows.mail_delivery import DeliveryShift


async def _describe(temporal_client, prefix: str):
    try:
        return await temporal_client.get_workflow_handle(workflow_id(prefix)).describe()
    except RPCError as exc:  # the worker's start-up has not started it yet
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise


async def _running_shift(temporal_client, prefix: str, *, other_than: str | None = None):
    """The delivery run once its `notify.deliver` shift has started on a worker (and it is not `other_than`)."""
    async def check():
        desc = await _describe(temporal_client, prefix)
        if desc is None:
            return None
        pending = desc.raw_description.pending_activities
        started = [a for a in pending if a.activity_type.name == "notify.deliver"
                   and a.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED]
        if desc.status == WorkflowExecutionStatus.RUNNING and started and desc.run_id != other_than:
            return desc
        return None

    return await eventually(check, timeout=20)


class _Workers:
    """One worker process's runners (every task queue and the mail delivery), started and stopped in a test."""

    def __init__(self, temporal_client, app) -> None:
        gw = app.state.gw
        self.runners = build_workers(temporal_client, Dependencies(sessions=gw.sessions, settings=gw.settings))
        self.tasks = [asyncio.create_task(r.run()) for r in self.runners]
        self.stopped = False

    async def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            await asyncio.gather(*(r.shutdown() for r in self.runners))
            await asyncio.gather(*self.tasks, return_exceptions=True)


async def test_every_worker_start_finds_the_one_delivery_run_and_its_shift_sends_the_mail(
    client, admin_headers, make_user, temporal_client, app, settings, maildir
):
    prefix = settings.temporal_prefix
    workers = _Workers(temporal_client, app)
    try:
        running = await _running_shift(temporal_client, prefix)
        assert running.workflow_type == "MailDeliveryWorkflow"
        await ensure_running(temporal_client, prefix)  # what every other replica's start does: nothing changes
        again = await temporal_client.get_workflow_handle(workflow_id(prefix)).describe()
        assert again.run_id == running.run_id and again.status == WorkflowExecutionStatus.RUNNING
        listed = [wf async for wf in temporal_client.list_workflows(
            f'WorkflowType="MailDeliveryWorkflow" AND WorkflowId="{workflow_id(prefix)}"')]
        assert len(listed) == 1

        c = await build_company(client, admin_headers, make_user)
        doc = await draft(client, c.drafter["headers"], title="납품 검수")
        await submit(client, c.drafter["headers"], doc["id"])

        async def delivered():
            return mails_to(maildir, c.lead["email"])

        mails = await eventually(delivered, timeout=20)
        assert len(mails) == 1 and mails[0]["Subject"] == "[결재 요청] 납품 검수"
    finally:
        await workers.stop()
        await stop_mail_delivery(temporal_client, prefix)


async def test_a_stopping_worker_ends_its_shift_and_the_next_worker_sends_what_was_queued_meanwhile(
    client, admin_headers, make_user, temporal_client, app, settings, maildir
):
    prefix = settings.temporal_prefix
    c = await build_company(client, admin_headers, make_user)
    old = _Workers(temporal_client, app)
    try:
        first = await _running_shift(temporal_client, prefix)
        await old.stop()  # the shift ends without failing; the run goes on with the next worker
        handle = temporal_client.get_workflow_handle(workflow_id(prefix), run_id=first.run_id)
        history = [e.WhichOneof("attributes") for e in (await handle.fetch_history()).events]
        assert "activity_task_completed_event_attributes" in history
        assert "activity_task_failed_event_attributes" not in history

        # Mail queued while no worker runs (the API writes the outbox through the submission's projection, which
        # needs the approval worker: run only that queue now, not the notify queue).
        from temporal import queues

        gw = app.state.gw
        approval_only = build_workers(temporal_client, Dependencies(sessions=gw.sessions, settings=gw.settings),
                                      only=[queues.named(queues.APPROVAL, prefix)])
        tasks = [asyncio.create_task(r.run()) for r in approval_only]
        try:
            doc = await draft(client, c.drafter["headers"], title="출장 정산")
            await submit(client, c.drafter["headers"], doc["id"])
            await asyncio.sleep(1.0)
            assert mails_to(maildir, c.lead["email"]) == []  # nobody delivers mail now
        finally:
            await asyncio.gather(*(r.shutdown() for r in approval_only))
            await asyncio.gather(*tasks, return_exceptions=True)

        new = _Workers(temporal_client, app)
        try:
            await _running_shift(temporal_client, prefix, other_than=first.run_id)
            assert (await handle.describe()).status == WorkflowExecutionStatus.CONTINUED_AS_NEW

            async def delivered():
                return mails_to(maildir, c.lead["email"])

            assert len(await eventually(delivered, timeout=20)) == 1
        finally:
            await new.stop()
    finally:
        await old.stop()
        await stop_mail_delivery(temporal_client, prefix)


async def test_a_shift_ends_on_time_and_the_run_continues_as_new_with_a_short_history(
    temporal_client, app, settings
):
    prefix = settings.temporal_prefix
    await ensure_running(temporal_client, prefix, DeliveryShift(shift_seconds=0.5, heartbeat_seconds=5))
    first = await temporal_client.get_workflow_handle(workflow_id(prefix)).describe()
    workers = _Workers(temporal_client, app)
    try:
        await _running_shift(temporal_client, prefix, other_than=first.run_id)
        old = temporal_client.get_workflow_handle(workflow_id(prefix), run_id=first.run_id)
        assert (await old.describe()).status == WorkflowExecutionStatus.CONTINUED_AS_NEW
        events = (await old.fetch_history()).events
        assert len(events) <= 12  # started, one task, one activity, one task, continued as new
    finally:
        await workers.stop()
        await stop_mail_delivery(temporal_client, prefix)


async def test_a_shift_whose_database_is_away_fails_so_temporal_retries_it_and_operators_see_it(
    temporal_client, app, settings, services
):
    """The activity fails instead of looping quietly: the pending activity shows attempts and the error."""
    from sqlalchemy.ext.asyncio import create_async_engine

    prefix = settings.temporal_prefix
    dead = create_async_engine("postgresql+psycopg://nobody:Secret-Pw-731@127.0.0.1:9/none", pool_pre_ping=False)
    gw = app.state.gw
    runners = build_workers(temporal_client, Dependencies(sessions=create_session_factory(dead),
                                                          settings=gw.settings))
    tasks = [asyncio.create_task(r.run()) for r in runners]
    try:
        async def failing():
            desc = await _describe(temporal_client, prefix)
            for a in desc.raw_description.pending_activities if desc else []:
                if a.activity_type.name == "notify.deliver" and a.attempt >= 2 and a.last_failure.message:
                    return a
            return None

        pending = await eventually(failing, timeout=30)
        failure = pending.last_failure
        assert failure.message.startswith("the outbox cannot be read (OperationalError")
        assert failure.application_failure_info.type == "OUTBOX_UNAVAILABLE"
        assert "Secret-Pw-731" not in str(failure) and "127.0.0.1" not in str(failure)  # nothing of the driver's
    finally:
        await asyncio.gather(*(r.shutdown() for r in runners))
        await asyncio.gather(*tasks, return_exceptions=True)
        await dead.dispose()
        await stop_mail_delivery(temporal_client, prefix)


async def test_a_terminated_delivery_run_is_started_again_by_the_running_workers(
    temporal_client, app, settings, monkeypatch
):
    import temporal.mail_delivery

    monkeypatch.setattr(temporal.mail_delivery, "CHECK_EVERY", 0.5)  # a minute in production
    prefix = settings.temporal_prefix
    workers = _Workers(temporal_client, app)
    try:
        first = await _running_shift(temporal_client, prefix)
        await stop_mail_delivery(temporal_client, prefix)  # an operator terminated it
        old = temporal_client.get_workflow_handle(workflow_id(prefix), run_id=first.run_id)
        assert (await old.describe()).status == WorkflowExecutionStatus.TERMINATED
        await _running_shift(temporal_client, prefix, other_than=first.run_id)
    finally:
        await workers.stop()
        await stop_mail_delivery(temporal_client, prefix)
