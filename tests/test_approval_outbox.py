"""The email outbox and its dispatcher, against real PostgreSQL and a real SMTP server (aiosmtpd).

The projection writes in-app rows and outbox mails in its own transaction; the dispatcher sends a batch over
one connection, marks each mail sent as soon as the server accepted it, and after a crash resends only what
it could not confirm, under the same Message-ID.
"""

from __future__ import annotations

import asyncio
import email
import threading
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal.approval import projection
from portal.devstack.services import free_port
from portal.notify.dispatcher import MailDispatcher, retry_delay
from portal.notify.models import Notification, NotifyOutbox
from tests.approval_helpers import build_company, draft
from tests.conftest import make_settings
from workflows.approval_contracts import NotifyInput, Projection


class Server:
    """A real SMTP server in this process that records each message with the connection it came on."""

    def __init__(self, refuse: str | None = None, port: int | None = None) -> None:
        self.received: list[tuple[tuple[str, int], EmailMessage]] = []
        self.refuse = refuse
        self.hold_second = threading.Event()  # set: the second message is answered only after `release`
        self.release = threading.Event()
        self.second_arrived = threading.Event()
        self.controller = Controller(self, hostname="127.0.0.1", port=port or free_port())

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if address == self.refuse:
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append((session.peer, message))
        if len(self.received) == 2 and self.hold_second.is_set():
            self.second_arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 10)
        return "250 accepted"

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for _, m in self.received]


@pytest.fixture
def smtp():
    server = Server()
    server.controller.start()
    yield server
    server.release.set()
    server.controller.stop()


async def _queue(client, sessions, c, recipients, event="pending") -> int:
    """A document and a projection carrying one notification to `recipients`; returns the document id."""
    doc = await draft(client, c.drafter["headers"], title="비품 구매")
    applied = await projection.apply(sessions.kw["bind"], Projection(
        document_id=doc["id"], seq=1, status="in_progress", current_step=0, lines=[], history=[],
        notifications=[NotifyInput(event=event, document_id=doc["id"], recipients=recipients,
                                   dedupe_key=f"test-{doc['id']}:1:{event}", step=0)],
    ))
    assert applied.mails_queued == len(recipients)
    return int(doc["id"])


async def _outbox(sessions) -> list[NotifyOutbox]:
    async with sessions() as session:
        return list((await session.execute(select(NotifyOutbox).order_by(NotifyOutbox.id))).scalars())


async def test_projection_queues_in_app_rows_and_mail_once_and_one_connection_sends_the_batch(
    client, admin_headers, make_user, sessions, services, database, smtp
):
    c = await build_company(client, admin_headers, make_user)
    people = [c.lead, c.director, c.ceo, *c.peers]
    doc = await _queue(client, sessions, c, [p["id"] for p in people])
    # A retried projection (same keys) queues nothing again.
    again = await projection.apply(sessions.kw["bind"], Projection(
        document_id=doc, seq=1, status="in_progress", current_step=0, lines=[], history=[],
        notifications=[NotifyInput(event="pending", document_id=doc, recipients=[p["id"] for p in people],
                                   dedupe_key=f"test-{doc}:1:pending", step=0)],
    ))
    assert again.mails_queued == 0
    rows = await _outbox(sessions)
    assert len(rows) == len(people) and all(r.sent_at is None for r in rows)

    dispatcher = MailDispatcher(sessions, make_settings(services, database, smtp_port=smtp.port))
    result = await dispatcher.dispatch_batch()
    assert (result.claimed, result.sent, result.failed) == (len(people), len(people), 0)
    assert len({peer for peer, _ in smtp.received}) == 1  # one SMTP connection for the whole batch
    assert sorted(smtp.message_ids()) == sorted(r.message_id for r in rows)
    assert sorted(str(m["To"]).split("<")[1].rstrip(">") for _, m in smtp.received) == sorted(
        p["email"] for p in people)
    assert all(r.sent_at is not None and r.attempts == 1 for r in await _outbox(sessions))
    async with sessions() as session:
        marked = (await session.execute(select(Notification.email_sent_at))).scalars().all()
    assert len(marked) == len(people) and all(marked)
    assert (await dispatcher.dispatch_batch()).claimed == 0  # nothing is sent twice


async def test_a_dispatcher_dying_mid_batch_resends_only_the_unconfirmed_mail_under_its_message_id(
    client, admin_headers, make_user, sessions, services, database, smtp
):
    c = await build_company(client, admin_headers, make_user)
    people = [c.lead, c.director, c.ceo, *c.peers]
    await _queue(client, sessions, c, [p["id"] for p in people])
    settings = make_settings(services, database, smtp_port=smtp.port)
    smtp.hold_second.set()
    first = MailDispatcher(sessions, settings, lease=timedelta(seconds=1))
    batch = asyncio.create_task(first.dispatch_batch())
    # The server has the second message but has not answered: the dispatcher dies right there.
    assert await asyncio.get_running_loop().run_in_executor(None, smtp.second_arrived.wait, 10)
    batch.cancel()
    await asyncio.gather(batch, return_exceptions=True)
    smtp.release.set()  # the server accepts it after all; nobody recorded that
    rows = await _outbox(sessions)
    assert [r.sent_at is not None for r in rows] == [True] + [False] * (len(people) - 1)

    await asyncio.sleep(1.2)  # the dead dispatcher's lease runs out
    second = MailDispatcher(sessions, settings)
    result = await second.dispatch_batch()
    assert (result.claimed, result.sent) == (len(people) - 1, len(people) - 1)
    rows = await _outbox(sessions)
    assert all(r.sent_at is not None for r in rows)
    ids = smtp.message_ids()
    # Only the mail in flight at the crash went out twice, and under the same Message-ID both times.
    assert sorted(ids) == sorted([r.message_id for r in rows] + [rows[1].message_id])


async def test_a_refused_recipient_is_retried_later_without_holding_back_the_others(
    client, admin_headers, make_user, sessions, services, database
):
    c = await build_company(client, admin_headers, make_user)
    server = Server(refuse=c.director["email"])
    server.controller.start()
    try:
        await _queue(client, sessions, c, [c.lead["id"], c.director["id"], c.ceo["id"]])
        dispatcher = MailDispatcher(sessions, make_settings(services, database, smtp_port=server.port))
        before = datetime.now(UTC)
        result = await dispatcher.dispatch_batch()
        assert (result.claimed, result.sent, result.failed) == (3, 2, 1)
        rows = {r.user_id: r for r in await _outbox(sessions)}
        refused = rows[c.director["id"]]
        assert refused.sent_at is None and refused.failed_at is None and "550" in (refused.last_error or "")
        assert refused.next_attempt_at >= before + timedelta(seconds=retry_delay(1) - 0.5)
        assert rows[c.lead["id"]].sent_at and rows[c.ceo["id"]].sent_at
        assert (await dispatcher.dispatch_batch()).claimed == 0  # not due yet: backing off
    finally:
        server.controller.stop()
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [2, 4, 8, 16] and retry_delay(30) == 600


async def test_the_running_dispatcher_retries_a_refused_mail_when_due_while_new_mail_keeps_it_busy(
    client, admin_headers, make_user, sessions, services, database
):
    c = await build_company(client, admin_headers, make_user)
    server = Server(refuse=c.director["email"])
    server.controller.start()
    # Polling alone would come back only after 30 s: the retry must come from the dispatcher's own schedule.
    dispatcher = MailDispatcher(sessions, make_settings(services, database, smtp_port=server.port), idle_poll=30,
                                linger=0)
    running = asyncio.create_task(dispatcher.run())
    try:
        doc = await _queue(client, sessions, c, [c.lead["id"], c.director["id"]])
        dispatcher.wake()
        for _ in range(100):
            if len(server.received) == 1:
                break
            await asyncio.sleep(0.05)
        assert len(server.received) == 1  # the lead's; the director's was refused and waits retry_delay(1)
        server.refuse = None
        await projection.apply(sessions.kw["bind"], Projection(  # new mail: a batch of its own before the retry is due
            document_id=doc, seq=2, status="in_progress", current_step=0, lines=[], history=[],
            notifications=[NotifyInput(event="reminder", document_id=doc, recipients=[c.ceo["id"]],
                                       dedupe_key=f"test-{doc}:2:reminder", step=0)],
        ))
        dispatcher.wake()
        started = asyncio.get_running_loop().time()
        while len(server.received) < 3 and asyncio.get_running_loop().time() - started < 10:
            await asyncio.sleep(0.05)
        assert sorted(str(m["To"]).split("<")[1].rstrip(">") for _, m in server.received) == sorted(
            [c.lead["email"], c.director["email"], c.ceo["email"]])
    finally:
        await dispatcher.shutdown()
        await running
        server.controller.stop()


async def test_the_connection_is_kept_for_the_next_batch_and_replaced_when_it_idled_or_the_server_dropped_it(
    client, admin_headers, make_user, sessions, services, database
):
    c = await build_company(client, admin_headers, make_user)
    smtp = Server()
    smtp.controller.start()
    settings = make_settings(services, database, smtp_port=smtp.port)
    dispatcher = MailDispatcher(sessions, settings)
    await _queue(client, sessions, c, [c.lead["id"], c.director["id"]])
    assert (await dispatcher.dispatch_batch()).sent == 2
    await _queue(client, sessions, c, [c.ceo["id"]])
    assert (await dispatcher.dispatch_batch()).sent == 1
    assert len({peer for peer, _ in smtp.received}) == 1  # the second batch went over the first one's connection

    # The server goes away and comes back on the same port: the kept connection no longer answers its NOOP,
    # so the next batch opens a new one instead of failing.
    smtp.controller.stop()
    again = Server(port=smtp.port)
    again.controller.start()
    try:
        await _queue(client, sessions, c, [c.lead["id"]])
        result = await dispatcher.dispatch_batch()
        assert (result.sent, result.failed) == (1, 0)
        assert len(again.received) == 1

        # Idle longer than the keep-alive: a new connection (a dispatcher that keeps none has a new one each time).
        brief = MailDispatcher(sessions, settings, keepalive=0)
        for person in (c.director, c.ceo):
            await _queue(client, sessions, c, [person["id"]])
            assert (await brief.dispatch_batch()).sent == 1
        assert len({peer for peer, _ in again.received[1:]}) == 2
        await dispatcher.close_connection()
        await brief.close_connection()
    finally:
        again.controller.stop()
