"""Records the committed replay histories from real runs (only with GW_RECORD_HISTORIES=1).

Histories of older workflow code stay committed: they prove `workflow.patched` keeps old runs replaying.
New recordings are saved as `approval_<scenario><GENERATION>.json`, never over an older generation's file;
bump GENERATION when a patch changes which commands the scenarios produce.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from tests.approval_helpers import build_company
from tests.replay.scenarios import SCENARIOS

HISTORIES = Path(__file__).parent / "histories"
# "": before the LEAN patch (NotificationWorkflow children, normal activities); "_outbox": LEAN (outbox, local
# projection, a timer re-armed per step); "_steady": STEADY (one SLA timer across steps, attributes set at start).
GENERATION = "_steady"
pytestmark = [
    pytest.mark.skipif(os.environ.get("GW_RECORD_HISTORIES") != "1",
                       reason="recording only: python tests/replay/regenerate.py"),
    pytest.mark.usefixtures("worker"),
]


async def _export(temporal_client, workflow_id: str, name: str, *, keep_existing: bool = False) -> None:
    if keep_existing and (HISTORIES / f"{name}.json").exists():
        return
    handle = temporal_client.get_workflow_handle(workflow_id)
    for _ in range(100):  # wait until the run (and its children) have finished
        if (await handle.describe()).status.name != "RUNNING":
            break
        await asyncio.sleep(0.1)
    history = await handle.fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())
    index_path = HISTORIES / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    index[name] = workflow_id  # replay needs the original id (child ids derive from it)
    index_path.write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
async def test_record(scenario, client, admin_headers, make_user, temporal_client, settings):
    company = await build_company(client, admin_headers, make_user)
    doc = await scenario(client, company, admin_headers=admin_headers)
    prefix = settings.temporal_prefix
    await _export(temporal_client, f"{prefix}approval-{doc}", f"approval_{scenario.__name__}{GENERATION}")
    if scenario.__name__ == "approved_three_steps":
        # NotificationWorkflow runs only for approvals from before the outbox: its history stays as recorded.
        async for wf in temporal_client.list_workflows('WorkflowType="NotificationWorkflow"'):
            if wf.id.startswith(f"notify-{prefix}approval-{doc}-") and wf.id.endswith("-pending"):
                await _export(temporal_client, wf.id, "notification_pending", keep_existing=True)
                break
        r = await client.post("/api/v1/admin/system/worker-check", headers=admin_headers)
        await _export(temporal_client, r.json()["data"]["workflow_id"], "worker_check", keep_existing=True)
