"""A dead mail server never blocks an approval: mail waits in the outbox, retried with backoff, and goes out
once (with the Message-ID it was queued with) when the server is back."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy

import pytest
from sqlalchemy import select

from portal.devstack.services import SmtpCatcher, free_port
from portal.notify.models import NotifyOutbox
from tests.approval_helpers import act, build_company, draft, eventually, submit
from tests.conftest import make_settings

pytestmark = pytest.mark.usefixtures("worker")


@pytest.fixture
def settings(services, database):
    return make_settings(services, database, smtp_port=free_port())  # nothing listens there (yet)


async def test_approvals_complete_while_smtp_is_down_and_mail_follows_when_it_is_back(
    client, admin_headers, make_user, sessions, settings, tmp_path
):
    c = await build_company(client, admin_headers, make_user)
    doc = await draft(client, c.drafter["headers"], line={"steps": [{"approvers": [c.lead["id"]]}]})
    await submit(client, c.drafter["headers"], doc["id"])
    r = await act(client, c.lead["headers"], doc["id"], "approve")
    assert r.status_code == 200 and r.json()["data"]["status"] == "approved"

    async def in_app():
        body = (await client.get("/api/v1/notifications", headers=c.drafter["headers"])).json()
        return body["data"] or None

    assert (await eventually(in_app))[0]["type"] == "approval.approved"

    async def outbox() -> list[NotifyOutbox]:
        async with sessions() as session:
            return list((await session.execute(select(NotifyOutbox).order_by(NotifyOutbox.id))).scalars())

    async def retried_twice():
        rows = await outbox()
        return rows if rows and all(r.attempts >= 2 for r in rows) else None

    rows = await eventually(retried_twice, timeout=20)
    assert {(r.user_id, r.event) for r in rows} == {(c.lead["id"], "pending"), (c.drafter["id"], "approved")}
    now = datetime.now(UTC)
    for row in rows:
        assert row.sent_at is None and row.failed_at is None
        assert row.last_error and "refused" in row.last_error.lower()
        # Backing off, not spinning: the next try lies ahead and only a few were made.
        assert row.next_attempt_at > now and row.attempts <= 4

    catcher = SmtpCatcher.create(tmp_path / "late-smtp", settings.smtp_port)
    catcher.start()
    try:
        async def all_sent():
            rows = await outbox()
            return rows if all(r.sent_at is not None for r in rows) else None

        sent = await eventually(all_sent, timeout=30)
        mails = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
                 for p in sorted(catcher.maildir.glob("*.eml"))]
        assert sorted(m["Message-ID"] for m in mails) == sorted(r.message_id for r in sent)
        drafter_mail = next(m for m in mails if c.drafter["email"] in str(m["To"]))
        assert drafter_mail["Subject"].startswith("[결재 완료]")
    finally:
        catcher.stop()
