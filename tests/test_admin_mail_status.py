"""`GET /api/v1/admin/approval/mail`: what notification mail waits, retries or was given up, and whether the
deployment's MailDeliveryWorkflow runs with a worker holding its shift (real PostgreSQL and Temporal)."""

from __future__ import annotations

from sqlalchemy import update

from portal.notify.models import NotifyOutbox
from tests.approval_helpers import build_company, eventually
from tests.conftest import stop_mail_delivery
from tests.test_approval_outbox import _queue
from tests.test_mail_delivery import _Workers

URL = "/api/v1/admin/approval/mail"


async def test_waiting_retrying_and_given_up_mail_and_a_missing_delivery_run(
    client, admin_headers, make_user, sessions
):
    c = await build_company(client, admin_headers, make_user)
    body = (await client.get(URL, headers=admin_headers)).json()["data"]
    assert body["outbox"] == {"waiting": 0, "retrying": 0, "oldest_waiting_at": None, "given_up": 0,
                              "last_error": None}
    assert body["delivery"]["status"] == "missing" and body["delivery"]["shift_running"] is False
    assert body["delivery"]["temporal_ui_url"].endswith(f"/workflows/{body['delivery']['workflow_id']}")

    await _queue(client, sessions, c, [c.lead["id"], c.director["id"], c.ceo["id"]])  # nobody sends them here
    async with sessions() as session:
        ids = [r.id for r in (await session.execute(
            NotifyOutbox.__table__.select().order_by(NotifyOutbox.id))).all()]
        await session.execute(update(NotifyOutbox).where(NotifyOutbox.id == ids[0])
                              .values(attempts=2, last_error="SMTPRecipientsRefused: 550 no such mailbox"))
        await session.execute(update(NotifyOutbox).where(NotifyOutbox.id == ids[1])
                              .values(attempts=40, failed_at=NotifyOutbox.created_at, last_error="gave up"))
        await session.commit()
    outbox = (await client.get(URL, headers=admin_headers)).json()["data"]["outbox"]
    assert (outbox["waiting"], outbox["retrying"], outbox["given_up"]) == (2, 1, 1)
    assert outbox["last_error"] == "SMTPRecipientsRefused: 550 no such mailbox"
    assert outbox["oldest_waiting_at"] is not None


async def test_a_running_delivery_with_its_shift_held_by_a_worker(client, admin_headers, temporal_client, app,
                                                                   settings):
    workers = _Workers(temporal_client, app)
    try:
        async def running():
            delivery = (await client.get(URL, headers=admin_headers)).json()["data"]["delivery"]
            return delivery if delivery["shift_running"] else None

        delivery = await eventually(running, timeout=20)
        assert delivery["status"] == "running" and delivery["shift_attempt"] == 1
        assert delivery["last_failure"] is None
        assert delivery["workflow_id"] == f"{settings.temporal_prefix}mail-delivery"
    finally:
        await workers.stop()
        await stop_mail_delivery(temporal_client, settings.temporal_prefix)


async def test_only_system_monitors_see_it(client, make_user):
    user = await make_user()
    r = await client.get(URL, headers=user["headers"])
    assert r.status_code == 403 and r.json()["error"]["code"] == "PERMISSION_DENIED"
