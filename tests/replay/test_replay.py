"""Every committed history of a real run replays against today's workflow code (determinism guard)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from temporal import client
from temporal.client import data_converter
from temporal.registry import ALL_WORKFLOWS
from temporal.worker import SANDBOX
from workflows.approval import STEADY
from workflows.approval_contracts import ActionInput

FOLDER = Path(__file__).parent / "histories"
HISTORIES = sorted(p for p in FOLDER.glob("*.json") if p.name != "index.json")
WORKFLOW_IDS: dict[str, str] = json.loads((FOLDER / "index.json").read_text())
PATHS = ("approved_three_steps", "rejected", "withdrawn", "hold_resume_cancel", "final_approval", "delegated",
         "agreement_groups", "sla_timers")
# Every path recorded before the outbox patch (NotificationWorkflow children), with it (`_outbox`, LEAN) and with
# the steady SLA timer (`_steady`, STEADY), which adds a path that exists only there.
REQUIRED = {f"approval_{p}{generation}" for p in PATHS for generation in ("", "_outbox", "_steady")} | {
    "approval_sla_timer_across_steps_steady", "approval_sla_timer_earlier_deadline_steady", "notification_pending",
    "worker_check", "mail_delivery_shift"}


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


def _events(name: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads((FOLDER / f"{name}.json").read_text())["events"]
    return events


def _kind(event: dict[str, Any]) -> str:
    kind = event["eventType"].removeprefix("EVENT_TYPE_")
    if kind == "MARKER_RECORDED":
        return str(event["markerRecordedEventAttributes"]["markerName"])
    if kind == "UPSERT_WORKFLOW_SEARCH_ATTRIBUTES":
        fields = event["upsertWorkflowSearchAttributesEventAttributes"]["searchAttributes"]["indexedFields"]
        return "UPSERT " + ",".join(sorted(fields))
    return str(kind)


def _tasks(name: str) -> list[tuple[list[str], list[str]]]:
    """(what woke the workflow, what its task then recorded) per completed workflow task."""
    tasks: list[tuple[list[str], list[str]]] = []
    woke: list[str] = []
    for kind in map(_kind, _events(name)):
        if kind == "WORKFLOW_TASK_COMPLETED":
            tasks.append((woke, []))
            woke = []
        elif kind in ("WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED"):
            continue
        elif kind in ("TIMER_FIRED", "WORKFLOW_EXECUTION_STARTED") or not tasks:
            woke.append(kind)
        else:
            tasks[-1][1].append(kind)
    return tasks


def test_a_steady_three_step_run_arms_one_timer_and_its_first_task_upserts_none_of_our_attributes():
    kinds = [_kind(e) for e in _events("approval_approved_three_steps_steady")]
    assert len(kinds) == 30  # 36 with the LEAN patch alone (approval_approved_three_steps_outbox)
    patches = [json.loads(base64.b64decode(e["markerRecordedEventAttributes"]["details"]["patch-data"]["payloads"][0]
                                           ["data"]))["id"]
               for e in _events("approval_approved_three_steps_steady") if _kind(e) == "core_patch"]
    assert patches == [STEADY]
    assert kinds.count("TIMER_STARTED") == 1 and "TIMER_CANCELED" not in kinds
    started = _events("approval_approved_three_steps_steady")[0]["workflowExecutionStartedEventAttributes"]
    assert {"ApprovalStatus", "CurrentApprovers", "StepDeadline"} <= set(started["searchAttributes"]["indexedFields"])
    first = _tasks("approval_approved_three_steps_steady")[0][1]
    assert first == ["core_patch", "UPSERT TemporalChangeVersion", "core_local_activity", "TIMER_STARTED"]
    assert [k for k in kinds if k.startswith("UPSERT")][1:] == [
        "UPSERT CurrentApprovers,StepDeadline", "UPSERT CurrentApprovers,StepDeadline",
        "UPSERT ApprovalStatus,CurrentApprovers,StepDeadline"]


def test_the_steady_sla_history_rearms_a_timer_that_fired_early_and_ignores_one_that_fired_on_hold():
    tasks = _tasks("approval_sla_timer_across_steps_steady")
    fired = [recorded for woke, recorded in tasks if woke == ["TIMER_FIRED"]]
    # the reminder timer of step 1 fires after step 2 began: armed again for the rest, nothing else recorded
    assert fired[0] == ["TIMER_STARTED"]
    # step 2's reminder (its projection), then the escalation timer armed
    assert fired[1] == ["core_local_activity", "TIMER_STARTED"]
    # the escalation timer fires while the step is on hold: nothing happens, nothing is armed until the resume
    assert fired[2] == []
    # armed again at the resume; escalation: targets + projection
    assert fired[3] == ["core_local_activity", "core_local_activity"]
    assert len(fired) == 4
    kinds = [_kind(e) for e in _events("approval_sla_timer_across_steps_steady")]
    assert "TIMER_CANCELED" not in kinds
    resumed = [recorded for woke, recorded in tasks if recorded[:2] == ["WORKFLOW_EXECUTION_UPDATE_ACCEPTED",
                                                                          "TIMER_STARTED"]]
    assert len(resumed) == 1


def test_the_steady_history_cancels_the_armed_timer_only_for_an_earlier_deadline():
    tasks = _tasks("approval_sla_timer_earlier_deadline_steady")
    cancelled = [recorded for _woke, recorded in tasks if "TIMER_CANCELED" in recorded]
    # step 2 starts after step 1's reminder: its reminder is due before the armed (escalation) timer
    assert cancelled == [["WORKFLOW_EXECUTION_UPDATE_ACCEPTED", "TIMER_CANCELED", "TIMER_STARTED",
                          "core_local_activity", "UPSERT CurrentApprovers,StepDeadline",
                          "WORKFLOW_EXECUTION_UPDATE_COMPLETED"]]
    # the run completes with the escalation timer still armed: nothing is cancelled at the end
    assert tasks[-1][1] == ["WORKFLOW_EXECUTION_UPDATE_ACCEPTED", "core_local_activity",
                            "UPSERT ApprovalStatus,CurrentApprovers,StepDeadline",
                            "WORKFLOW_EXECUTION_UPDATE_COMPLETED", "WORKFLOW_EXECUTION_COMPLETED"]
