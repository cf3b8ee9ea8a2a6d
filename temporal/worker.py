"""Worker entry point: `python -m temporal.worker` polls every task queue of the registry."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Protocol

from temporalio.client import Client
from temporalio.worker import Worker

from portal.common.logging import configure_logging
from portal.db.session import create_engine, create_session_factory
from portal.settings import Settings, get_settings
from temporal import queues
from temporal.client import connect, data_converter
from temporal.mail_delivery import MailDelivery
from temporal.registry import Dependencies, mail_dispatcher, queue_specs
from temporal.sandbox import WorkflowSandbox

log = logging.getLogger("temporal.worker")
SANDBOX = WorkflowSandbox(data_converter)


class Runner(Protocol):
    """What the worker process runs side by side: Temporal workers and the mail delivery's starter."""

    @property
    def task_queue(self) -> str: ...

    async def run(self) -> None: ...

    async def shutdown(self) -> None: ...


def build_workers(client: Client, deps: Dependencies, only: Sequence[str] | None = None) -> list[Runner]:
    """One Temporal worker per task queue (all, or those in `only`). When the notify queue is served, also the
    runner that keeps MailDeliveryWorkflow running: its shifts run this process's mail dispatcher, which sends
    what approval projections queued in the email outbox."""
    dispatcher = mail_dispatcher(deps)
    prefix = deps.settings.temporal_prefix
    runners: list[Runner] = [
        Worker(client, task_queue=spec.task_queue, workflows=list(spec.workflows),
               activities=list(spec.activities), graceful_shutdown_timeout=timedelta(seconds=20),
               workflow_runner=SANDBOX)
        for spec in queue_specs(deps, dispatcher)
        if only is None or spec.task_queue in only
    ]
    if only is None or queues.named(queues.NOTIFY, prefix) in only:
        runners.append(MailDelivery(client, dispatcher, prefix))
    return runners


async def run(settings: Settings) -> None:
    engine = create_engine(settings.effective_database_url, pool_size=settings.db_pool_size)
    client = await connect(settings)
    workers = build_workers(client, Dependencies(sessions=create_session_factory(engine), settings=settings))
    # What start-up allocated (modules, the SDK, the workflows checked by each Worker) lives as long as the process:
    # keep it out of the collector's full scans, which the sandbox's per-run modules and classes trigger often.
    gc.freeze()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker started", extra={"task_queues": [w.task_queue for w in workers]})
    runs = [asyncio.create_task(w.run()) for w in workers]
    try:
        done, _ = await asyncio.wait([*runs, asyncio.create_task(stop.wait())],
                                     return_when=asyncio.FIRST_COMPLETED)
        for task in done & set(runs):
            task.result()  # a worker that died on its own: surface why
    finally:
        await asyncio.gather(*(w.shutdown() for w in workers), return_exceptions=True)
        await engine.dispose()
        log.info("worker stopped")


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (it comes with uvicorn's standard extras, as for the API), else asyncio's own loop.
    The worker's loop carries the activities, the SDK's bridge and the mail dispatcher; workflow code runs on
    the SDK's own deterministic loop either way."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is not built for every platform
        return None
    return uvloop.new_event_loop


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(run(settings))


if __name__ == "__main__":
    main()
