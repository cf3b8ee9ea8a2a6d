"""A dead mail server never blocks an approval: emails retry in their own workflow, in-app rows still land."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowExecutionStatus

from portal.devstack.services import free_port
from tests.approval_helpers import act, build_company, draft, eventually, submit
from tests.conftest import make_settings

pytestmark = pytest.mark.usefixtures("worker")


@pytest.fixture
def settings(services, database):
    return make_settings(services, database, smtp_port=free_port())  # nothing listens there


async def test_approvals_complete_while_smtp_is_down(client, admin_headers, make_user, temporal_client, settings):
    c = await build_company(client, admin_headers, make_user)
    doc = await draft(client, c.drafter["headers"], line={"steps": [{"approvers": [c.lead["id"]]}]})
    await submit(client, c.drafter["headers"], doc["id"])
    r = await act(client, c.lead["headers"], doc["id"], "approve")
    assert r.status_code == 200 and r.json()["data"]["status"] == "approved"

    async def in_app():
        body = (await client.get("/api/v1/notifications", headers=c.drafter["headers"])).json()
        return body["data"] or None

    assert (await eventually(in_app))[0]["type"] == "approval.approved"

    async def retrying():
        runs = [wf async for wf in temporal_client.list_workflows('WorkflowType="NotificationWorkflow"')
                if wf.id.startswith(f"notify-{settings.temporal_prefix}approval-{doc['id']}-")]
        if not runs:
            return None
        handle = temporal_client.get_workflow_handle(runs[0].id)
        description = await handle.describe()
        pending = description.raw_description.pending_activities
        return description if pending and pending[0].attempt >= 2 else None

    description = await eventually(retrying, timeout=20)
    assert description.status == WorkflowExecutionStatus.RUNNING
    assert description.raw_description.pending_activities[0].activity_type.name == "notify.email"
