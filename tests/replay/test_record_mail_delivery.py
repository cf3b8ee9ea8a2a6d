"""Records MailDeliveryWorkflow's replay history from a real run (only with GW_RECORD_HISTORIES=1).

Apart from tests/replay/test_record_histories.py because that module's worker fixture starts the deployment's own
delivery run, whose hour-long shift would hold this process's dispatcher: here the run with a short shift comes
first and the worker finds it.
"""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from temporal import queues
from temporal.mail_delivery import ensure_running, workflow_id
from temporal.registry import Dependencies
from temporal.worker import build_workers
from tests.conftest import stop_mail_delivery
from tests.replay.test_record_histories import HISTORIES
from workflows.mail_delivery import DeliveryShift

pytestmark = pytest.mark.skipif(os.environ.get("GW_RECORD_HISTORIES") != "1",
                                reason="recording only: python tests/replay/regenerate.py")


async def test_record_mail_delivery_shift(temporal_client, app, settings):
    """One whole run: a shift of the dispatcher, then the continue-as-new."""
    prefix = settings.temporal_prefix
    await ensure_running(temporal_client, prefix, DeliveryShift(shift_seconds=0.3, heartbeat_seconds=5))
    first = await temporal_client.get_workflow_handle(workflow_id(prefix)).describe()
    gw = app.state.gw
    runners = build_workers(temporal_client, Dependencies(sessions=gw.sessions, settings=gw.settings),
                            only=[queues.named(queues.NOTIFY, prefix)])
    tasks = [asyncio.create_task(r.run()) for r in runners]
    try:
        handle = temporal_client.get_workflow_handle(workflow_id(prefix), run_id=first.run_id)
        for _ in range(100):
            if (await handle.describe()).status.name == "CONTINUED_AS_NEW":
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the shift did not end")
        history = await handle.fetch_history()
    finally:
        await asyncio.gather(*(r.shutdown() for r in runners))
        await asyncio.gather(*tasks, return_exceptions=True)
        await stop_mail_delivery(temporal_client, prefix)
    (HISTORIES / "mail_delivery_shift.json").write_text(history.to_json())
    index_path = HISTORIES / "index.json"
    index = json.loads(index_path.read_text())
    index["mail_delivery_shift"] = workflow_id(prefix)
    index_path.write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
