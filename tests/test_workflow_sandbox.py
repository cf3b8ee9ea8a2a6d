"""The worker's workflow runner (temporal/sandbox.py): sandboxed as the SDK's, without the per-payload context
trips into the sandbox when no codec or external storage could use their answers."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import WorkflowHistory
from temporalio.converter import (
    ActivitySerializationContext,
    DataConverter,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
)
from temporalio.worker import Replayer, Worker
from temporalio.worker.workflow_sandbox import _runner

from temporal.client import PayloadConverter, data_converter
from temporal.registry import ALL_WORKFLOWS
from temporal.sandbox import WorkflowSandbox, contexts_unused
from temporal.worker import SANDBOX
from tests.sandbox_probe import SandboxProbe

HISTORIES = Path(__file__).parent / "replay" / "histories"
IDS: dict[str, str] = json.loads((HISTORIES / "index.json").read_text())
THREE_STEPS = "approval_approved_three_steps_steady"


def _history(name: str) -> WorkflowHistory:
    return WorkflowHistory.from_json(IDS[name], (HISTORIES / f"{name}.json").read_text())


class RecordingCodec(PayloadCodec, WithSerializationContext):
    """Leaves payloads as they are and records the context each copy was made for."""

    def __init__(self, seen: list[SerializationContext | None], context: SerializationContext | None = None):
        self.seen, self.context = seen, context

    def with_context(self, context: SerializationContext) -> RecordingCodec:
        return RecordingCodec(self.seen, context)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        self.seen.append(self.context)
        return list(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        self.seen.append(self.context)
        return list(payloads)


def _count_sandbox_context_calls(monkeypatch) -> list[int]:
    calls = [0]
    original = _runner._Instance.get_serialization_context

    def counted(self, command_info):
        calls[0] += 1
        return original(self, command_info)

    monkeypatch.setattr(_runner._Instance, "get_serialization_context", counted)
    return calls


async def test_our_converter_replays_without_entering_the_sandbox_for_contexts(monkeypatch):
    assert contexts_unused(data_converter)
    calls = _count_sandbox_context_calls(monkeypatch)
    await Replayer(workflows=ALL_WORKFLOWS, data_converter=data_converter,
                   workflow_runner=SANDBOX).replay_workflow(_history(THREE_STEPS))
    assert calls[0] == 0
    # the SDK's own runner asks the sandbox for every payload sequence of the same history
    await Replayer(workflows=ALL_WORKFLOWS, data_converter=data_converter,
                   workflow_runner=SANDBOX.sandboxed).replay_workflow(_history(THREE_STEPS))
    assert calls[0] > 20


async def test_a_codec_gets_the_sdks_contexts(monkeypatch):
    seen: list[SerializationContext | None] = []
    converter = DataConverter(payload_converter_class=PayloadConverter, payload_codec=RecordingCodec(seen))
    assert not contexts_unused(converter)
    calls = _count_sandbox_context_calls(monkeypatch)
    await Replayer(workflows=ALL_WORKFLOWS, data_converter=converter,
                   workflow_runner=WorkflowSandbox(converter)).replay_workflow(_history(THREE_STEPS))
    assert calls[0] > 20
    # the projection's local activities: their payloads were coded with the activity's own context
    activity = [c for c in seen if isinstance(c, ActivitySerializationContext)]
    assert activity and all(c.is_local for c in activity)
    assert {c.activity_type for c in activity} >= {"approval.project"}


async def test_workflow_code_still_runs_in_the_sandbox(temporal_client):
    queue = f"sandbox-probe-{uuid.uuid4().hex[:8]}"
    async with Worker(temporal_client, task_queue=queue, workflows=[SandboxProbe], workflow_runner=SANDBOX):
        handle = await temporal_client.start_workflow(SandboxProbe.run, id=queue, task_queue=queue)
        failure = ""
        for _ in range(100):  # the task fails and is retried; its first failure is in the history
            events = (await handle.fetch_history()).events
            failed = [e for e in events if e.HasField("workflow_task_failed_event_attributes")]
            if failed:
                failure = failed[0].workflow_task_failed_event_attributes.failure.message
                break
            await asyncio.sleep(0.1)
        await handle.terminate("probe done")
    assert "datetime.datetime.now" in failure, failure


async def test_a_workflow_modules_code_is_read_once_per_process(monkeypatch):
    from importlib.machinery import SourceFileLoader

    reads: list[str] = []
    original = SourceFileLoader.get_code

    def counted(self, fullname):
        reads.append(fullname)
        return original(self, fullname)

    monkeypatch.setattr(SourceFileLoader, "get_code", counted)
    for _ in range(3):  # each replay imports workflows.approval afresh in a new sandbox
        await Replayer(workflows=ALL_WORKFLOWS, data_converter=data_converter,
                       workflow_runner=SANDBOX).replay_workflow(_history(THREE_STEPS))
    assert reads.count("workflows.approval") <= 1, reads


async def test_an_update_failure_reaches_the_user_only_as_a_refusal_with_its_code(temporal_client, monkeypatch):
    from temporalio.client import WorkflowUpdateFailedError

    from portal.common.errors import AppError, Conflict
    from temporal import approval as engine
    from tests.sandbox_probe import UpdateFailureProbe

    queue = f"update-failure-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(engine.UPDATES, "probe", "fail")
    async with Worker(temporal_client, task_queue=queue, workflows=[UpdateFailureProbe], workflow_runner=SANDBOX):
        handle = await temporal_client.start_workflow(UpdateFailureProbe.run, id=queue, task_queue=queue)
        with pytest.raises(Conflict) as refused:
            await engine.act(temporal_client, queue, "probe", cast(Any, "refused"))
        assert refused.value.code == "STALE_STEP" and refused.value.status_code == 409
        with pytest.raises(WorkflowUpdateFailedError) as failed:  # not an AppError: answered 500, text not shown
            await engine.act(temporal_client, queue, "probe", cast(Any, "internal"))
        assert not isinstance(failed.value, AppError)
        await handle.terminate("probe done")
