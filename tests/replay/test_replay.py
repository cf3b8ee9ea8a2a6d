"""Every committed history of a real run replays against today's workflow code (determinism guard)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from temporal import client
from temporal.client import data_converter
from temporal.registry import ALL_WORKFLOWS
from temporal.worker import SANDBOX
from workflows.approval_contracts import ActionInput

FOLDER = Path(__file__).parent / "histories"
HISTORIES = sorted(p for p in FOLDER.glob("*.json") if p.name != "index.json")
WORKFLOW_IDS: dict[str, str] = json.loads((FOLDER / "index.json").read_text())
PATHS = ("approved_three_steps", "rejected", "withdrawn", "hold_resume_cancel", "final_approval", "delegated",
         "agreement_groups", "sla_timers")
# Every path recorded before the outbox patch (NotificationWorkflow children) and after it (`_outbox`).
REQUIRED = {f"approval_{p}{generation}" for p in PATHS for generation in ("", "_outbox")} | {
    "notification_pending", "worker_check"}


def test_every_path_has_a_committed_history():
    assert REQUIRED <= {p.stem for p in HISTORIES}


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_history_replays(path):
    history = WorkflowHistory.from_json(WORKFLOW_IDS[path.stem], path.read_text())
    replayer = Replayer(workflows=ALL_WORKFLOWS, data_converter=data_converter, workflow_runner=SANDBOX)
    await replayer.replay_workflow(history)


def test_data_converter_writes_what_the_sdk_pydantic_one_writes_and_builds_each_adapter_once_per_process():
    value = ActionInput(actor_id=7, expected_step=1, comment="승인합니다", on_behalf_of=3, ip="10.0.0.1")
    ours = data_converter.payload_converter.to_payloads([value])
    assert ours == pydantic_data_converter.payload_converter.to_payloads([value])
    client._adapter.cache_clear()
    for _ in range(3):  # the SDK builds a payload converter per workflow instance
        assert client.PayloadConverter().from_payloads(ours, [ActionInput]) == [value]
    assert client._adapter.cache_info().misses == 1
