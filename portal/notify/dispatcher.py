"""The worker's mail dispatcher: drains the email outbox in batches over one SMTP connection per batch.

Approval projections write outbox rows in their own transaction and wake the dispatcher of their process;
it also polls, so rows written elsewhere (another worker, a retry coming due) go out too. Several
dispatchers may run against one database: a batch is claimed with `FOR UPDATE SKIP LOCKED` by moving its
`next_attempt_at` one lease ahead, so nobody else touches it until the lease ends. Each message is marked
sent in its own commit right after the SMTP server accepted it; a dispatcher killed in between leaves the
row to be sent again after the lease, with the same Message-ID. SMTP failures are retried with exponential
backoff (2 s doubling up to 10 min) for two days and never block an approval.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from functools import partial

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from portal.approval.models import ApprovalDocument, ApprovalLine
from portal.db.session import SessionFactory
from portal.notify.models import NotifyOutbox
from portal.notify.service import compose
from portal.settings import Settings
from portal.users.models import User
from workflows.approval_contracts import PENDING, NotifyInput

log = logging.getLogger("portal.notify.dispatcher")

LEASE = timedelta(seconds=30)  # a claimed batch belongs to its dispatcher this long
SEND_WINDOW = 15.0  # seconds after the claim when a batch stops sending, so a send never outlives the lease
SMTP_TIMEOUT = 10.0  # connect and each command; SEND_WINDOW + SMTP_TIMEOUT stays below LEASE
RETRY_FIRST, RETRY_MAX = 2.0, 600.0
GIVE_UP_AFTER = timedelta(days=2)
# Per-message refusals leave the connection usable (smtplib resets the transaction); anything else ends it.
_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)

_MARK_SENT = text(
    "WITH sent AS (UPDATE notify_outbox SET sent_at = now(), last_error = NULL WHERE id = :id "
    "RETURNING dedupe_key) "
    "UPDATE notifications SET email_sent_at = now() WHERE dedupe_key IN (SELECT dedupe_key FROM sent)"
)


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones."""
    return float(min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_MAX))


@dataclass
class _Claimed:
    id: int
    dedupe_key: str
    user_id: int
    document_id: int
    event: str
    step: int | None
    comment: str | None
    with_action_link: bool
    message_id: str
    attempts: int
    created_at: datetime


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    next_due_in: float | None = None  # seconds until the earliest waiting row is due (None: nothing waits)


class MailDispatcher:
    """Runs next to the Temporal workers in the worker process (`run` / `shutdown`, like a `Worker`)."""

    def __init__(
        self, sessions: SessionFactory, settings: Settings, *, batch_size: int = 50, idle_poll: float = 5.0,
        linger: float = 0.2, lease: timedelta = LEASE,
    ) -> None:
        self.sessions = sessions
        self.engine: AsyncEngine = sessions.kw["bind"]
        self.settings = settings
        self.batch_size = batch_size
        self.idle_poll = idle_poll
        self.linger = linger  # after a wake-up, wait this long so one batch carries the mails of several events
        self.lease = lease
        self.send_window = min(SEND_WINDOW, lease.total_seconds() / 2)
        self.task_queue = "(mail dispatcher)"  # named like a Worker's queue in the worker's start-up log
        self._wake = asyncio.Event()
        self._stopping = False
        self._done: asyncio.Event | None = None

    def wake(self) -> None:
        """Called after a commit that queued mail; cheap and safe from any coroutine of this loop."""
        self._wake.set()

    async def run(self) -> None:
        self._done = asyncio.Event()
        pause = 1.0
        due_at: float | None = None  # when the earliest row we know of is due (monotonic clock)
        try:
            while not self._stopping:
                self._wake.clear()
                try:
                    result = await self.dispatch_batch()
                    pause = 1.0
                except Exception:  # the database is away: keep the loop alive, try again later
                    log.exception("mail dispatch failed; retrying")
                    result = BatchResult(next_due_in=pause)
                    pause = min(pause * 2, 30.0)
                if result.claimed >= self.batch_size:  # a full batch: more may be due now
                    continue
                now = time.monotonic()
                if not result.claimed:  # the database said when the next row is due (None: none waits)
                    due_at = None if result.next_due_in is None else now + result.next_due_in
                elif result.next_due_in is not None:  # this batch scheduled retries
                    due_at = min(due_at or float("inf"), now + result.next_due_in)
                # Mail queued while this batch was out has woken us already (the wake-up is cleared only at the
                # top of the loop), so the sleep ends at once; else it lasts until the earliest known row is
                # due, or the next poll.
                wait = self.idle_poll if due_at is None else min(self.idle_poll, due_at - now)
                await self._sleep(max(wait, 0.0))
        finally:
            self._done.set()

    async def shutdown(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._done is not None:
            await asyncio.wait_for(self._done.wait(), timeout=self.send_window + SMTP_TIMEOUT)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        except TimeoutError:
            return
        if self.linger and not self._stopping:
            await asyncio.sleep(self.linger)

    # --- one batch -------------------------------------------------------------------------------------

    async def dispatch_batch(self) -> BatchResult:
        """Claim due rows, send them over one connection, record each outcome; returns what happened."""
        started = time.monotonic()
        async with self.engine.connect() as conn:  # the claim is one statement: autocommit, no BEGIN/COMMIT
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            claimed = await self._claim(conn)
            if not claimed:
                return BatchResult(next_due_in=await self._next_due_in(conn))
        async with self.sessions() as session:
            messages, skipped = await self._prepare(session, claimed)
            if skipped:
                await self._give_up(session, skipped, "recipient inactive or without an email address")
        result = BatchResult(claimed=len(claimed))
        failures: dict[int, str] = {}
        unsent: list[int] = []
        try:
            smtp = await asyncio.to_thread(self._connect)
        except (OSError, smtplib.SMTPException) as exc:
            failures = {row.id: _describe(exc) for row, _ in messages}
        else:
            try:
                async with self.engine.connect() as marks:  # one connection for the batch's marks, in autocommit:
                    await marks.execution_options(isolation_level="AUTOCOMMIT")  # each mark its own commit
                    for i, (row, build) in enumerate(messages):
                        if time.monotonic() - started > self.send_window:
                            unsent = [r.id for r, _ in messages[i:]]
                            break
                        try:  # rendered in the thread too, so a batch never holds up the workflows' event loop
                            await asyncio.to_thread(_render_and_send, smtp, build)
                        except _MESSAGE_ERRORS as exc:
                            failures[row.id] = _describe(exc)
                            continue
                        except (OSError, smtplib.SMTPException) as exc:  # the connection is gone
                            failures.update({r.id: _describe(exc) for r, _ in messages[i:]})
                            break
                        await marks.execute(_MARK_SENT, {"id": row.id})  # sent: recorded before the next one
                        result.sent += 1
            finally:
                await asyncio.to_thread(_close, smtp)
        by_id = {row.id: row for row, _ in messages}
        if failures or unsent:
            async with self.sessions() as session:
                await self._reschedule(session, [by_id[i] for i in failures], failures)
                if unsent:  # out of time, not failed: due again at once
                    await session.execute(update(NotifyOutbox).where(NotifyOutbox.id.in_(unsent))
                                          .values(next_attempt_at=func.now()))
                await session.commit()
            result.failed = len(failures)
            if failures:
                log.warning("mail delivery failed; will retry", extra={
                    "failed": len(failures), "sent": result.sent, "error": next(iter(failures.values()))})
        retries = [retry_delay(by_id[i].attempts) for i in failures] if failures else []
        result.next_due_in = 0.0 if unsent else min(retries, default=None)
        return result

    async def _claim(self, conn: AsyncConnection) -> list[_Claimed]:
        due = (
            select(NotifyOutbox.id)
            .where(NotifyOutbox.sent_at.is_(None), NotifyOutbox.failed_at.is_(None),
                   NotifyOutbox.next_attempt_at <= func.now())
            .order_by(NotifyOutbox.next_attempt_at, NotifyOutbox.id)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
            .cte("due")
        )
        o = NotifyOutbox
        rows = await conn.execute(
            update(o).where(o.id == due.c.id)
            .values(attempts=o.attempts + 1, next_attempt_at=func.now() + self.lease)
            .returning(o.id, o.dedupe_key, o.user_id, o.document_id, o.event, o.step, o.comment,
                       o.with_action_link, o.message_id, o.attempts, o.created_at)
        )
        return sorted((_Claimed(**row._asdict()) for row in rows), key=lambda c: c.id)

    async def _next_due_in(self, conn: AsyncConnection) -> float | None:
        due: datetime | None = (await conn.execute(
            select(func.min(NotifyOutbox.next_attempt_at))
            .where(NotifyOutbox.sent_at.is_(None), NotifyOutbox.failed_at.is_(None))
        )).scalar_one()
        return None if due is None else max((due - datetime.now(UTC)).total_seconds(), 0.0)

    async def _prepare(
        self, session: AsyncSession, claimed: list[_Claimed]
    ) -> tuple[list[tuple[_Claimed, Callable[[], Message]]], list[_Claimed]]:
        """Everything the claimed mails need, in a handful of queries for the whole batch; returns for each
        mail a function that renders it, and the rows that cannot be sent at all."""
        from portal.approval import email_links  # local: approval imports notify models

        docs = {d.id: d for d in (await session.execute(
            select(ApprovalDocument).where(ApprovalDocument.id.in_({c.document_id for c in claimed}))
        )).scalars()}
        people = {c.user_id for c in claimed} | {d.author_id for d in docs.values()}
        users = {u.id: u for u in (await session.execute(select(User).where(User.id.in_(people)))).scalars()}
        linked = [c for c in claimed if c.with_action_link and c.step is not None]
        pending: set[tuple[int, int, int]] = set()
        if linked:
            pending = {tuple(r) for r in await session.execute(  # type: ignore[misc]
                select(ApprovalLine.document_id, ApprovalLine.step_order, ApprovalLine.approver_id).where(
                    ApprovalLine.document_id.in_({c.document_id for c in linked}),
                    ApprovalLine.approver_id.in_({c.user_id for c in linked}),
                    ApprovalLine.status == PENDING,
                )
            )}
        base = self.settings.public_base_url.rstrip("/")
        messages: list[tuple[_Claimed, Callable[[], Message]]] = []
        skipped: list[_Claimed] = []
        sendable = []
        for c in claimed:
            user, doc = users.get(c.user_id), docs.get(c.document_id)
            if user is None or doc is None or not user.email or not user.is_active:
                skipped.append(c)
            else:
                sendable.append((c, user, doc))
        tokens = await email_links.issue_many(session, self.settings, [
            (doc.id, c.step, user.id) for c, user, doc in sendable
            if c.with_action_link and c.step is not None and (doc.id, c.step, user.id) in pending
        ])
        for c, user, doc in sendable:
            token = tokens.get((doc.id, c.step, user.id)) if c.with_action_link and c.step is not None else None
            action_url = f"{base}/api/v1/approval/email-actions/{token}" if token else None
            drafter = users.get(doc.author_id)
            inp = NotifyInput(event=c.event, document_id=doc.id, recipients=[user.id], dedupe_key=c.dedupe_key,
                              step=c.step, comment=c.comment, with_action_links=c.with_action_link)
            messages.append((c, partial(compose, self.settings, user=user, doc=doc, inp=inp, action_url=action_url,
                                        drafter=drafter.name if drafter else "", message_id=c.message_id)))
        return messages, skipped

    def _connect(self) -> smtplib.SMTP:
        host, port = self.settings.effective_smtp
        return smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)

    async def _reschedule(self, session: AsyncSession, rows: list[_Claimed], errors: dict[int, str]) -> None:
        now = datetime.now(UTC)
        for row in rows:
            values: dict[str, object] = {"last_error": errors[row.id][:500]}
            if now - row.created_at > GIVE_UP_AFTER:
                values["failed_at"] = now
            else:
                values["next_attempt_at"] = now + timedelta(seconds=retry_delay(row.attempts))
            await session.execute(update(NotifyOutbox).where(NotifyOutbox.id == row.id).values(**values))

    async def _give_up(self, session: AsyncSession, rows: list[_Claimed], reason: str) -> None:
        await session.execute(update(NotifyOutbox).where(NotifyOutbox.id.in_([r.id for r in rows]))
                              .values(failed_at=func.now(), last_error=reason))
        await session.commit()


def _render_and_send(smtp: smtplib.SMTP, build: Callable[[], Message]) -> None:
    smtp.send_message(build())


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
