"""Temporal wiring end to end: a real worker runs a real workflow whose activity reads the database."""

from __future__ import annotations

from temporal.search_attributes import ALL_KEYS


async def test_worker_check_runs_a_workflow_through_a_live_worker(client, admin_headers, worker, temporal_client):
    r = await client.post("/api/v1/admin/system/worker-check", headers=admin_headers)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["requested_by"] == 1 and data["active_users"] == 1 and data["schema_revision"]
    history = await temporal_client.get_workflow_handle(data["workflow_id"]).fetch_history()
    kinds = {e.WhichOneof("attributes") for e in history.events}
    assert "activity_task_completed_event_attributes" in kinds


async def test_worker_check_without_a_worker_times_out_cleanly(client, admin_headers, monkeypatch):
    from temporal import system

    original = system.run_worker_check

    async def short(client_, *, requested_by, prefix):
        return await original(client_, requested_by=requested_by, prefix=prefix, timeout=1.0)

    monkeypatch.setattr(system, "run_worker_check", short)
    r = await client.post("/api/v1/admin/system/worker-check", headers=admin_headers)
    assert r.status_code == 503 and r.json()["error"]["code"] == "WORKER_UNAVAILABLE"


async def test_search_attributes_are_registered_on_the_server(temporal_client):
    from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest

    response = await temporal_client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace="default")
    )
    names = set(response.custom_attributes)
    assert {k.name for k in ALL_KEYS} <= names


def test_the_worker_process_runs_on_uvloop():
    import asyncio

    import uvloop

    from temporal.worker import event_loop_factory

    factory = event_loop_factory()
    assert factory is uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:  # as `main` runs the worker
        assert isinstance(runner.get_loop(), uvloop.Loop)
