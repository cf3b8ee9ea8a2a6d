"""The mail dispatcher: drains the email outbox in batches over one SMTP connection, kept between batches.

It runs as the `notify.deliver` activity of MailDeliveryWorkflow (workflows/mail_delivery.py), on one worker of
the notify queue at a time. Approval projections write outbox rows in their own transaction and wake the
dispatcher of their process; it also polls every few seconds, so rows written by another worker process or a retry
coming due go out too. A batch is claimed with `FOR UPDATE SKIP LOCKED` by moving its `next_attempt_at` one
lease ahead, so a dispatcher taking over from a dead one never touches it until the lease ends. Each message is
marked sent in its own commit right after the SMTP server accepted it; a dispatcher killed in between leaves the
row to be sent again after the lease, with the same Message-ID. SMTP failures are retried with exponential
backoff (2 s doubling up to 10 min) for two days and never block an approval. The connection stays open for
the next batch while it is idle less than `SMTP_KEEPALIVE` and answers a NOOP, so a busy hour costs the relay
one connection rather than one per batch.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.errors import MessageError
from email.message import Message
from functools import partial

from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from portal.db.session import SessionFactory, driver_rows
from portal.notify.models import NotifyOutbox
from portal.notify.service import compose
from portal.settings import Settings
from workflows.approval_contracts import PENDING, NotifyInput

log = logging.getLogger("portal.notify.dispatcher")

LEASE = timedelta(seconds=30)  # a claimed batch belongs to its dispatcher this long
SEND_WINDOW = 15.0  # seconds after the claim when a batch stops sending, so a send never outlives the lease
SMTP_TIMEOUT = 10.0  # connect and each command; SEND_WINDOW + SMTP_TIMEOUT stays below LEASE
SMTP_KEEPALIVE = 30.0  # seconds an idle connection is kept for the next batch (servers wait 5 min: RFC 5321 4.5.3.2)
RETRY_FIRST, RETRY_MAX = 2.0, 600.0
GIVE_UP_AFTER = timedelta(days=2)
# Per-message refusals leave the connection usable (smtplib resets the transaction), and so does a message that
# cannot be flattened (it fails before any SMTP command): retried later, the batch goes on. Anything else ends it.
_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError, MessageError)

# The claim, and everything the claimed mails need, in one statement (run on the psycopg connection itself): due
# rows are moved one lease ahead (skipping rows another dispatcher holds) and come back with their recipient, their
# document, its drafter's name and whether the recipient still has the step pending (only then does the mail carry
# an action link).
_CLAIM = """
WITH due AS (
    SELECT id FROM notify_outbox
     WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
     ORDER BY next_attempt_at, id
     LIMIT %(batch)s
       FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE notify_outbox AS o
       SET attempts = o.attempts + 1, next_attempt_at = now() + %(lease)s
      FROM due
     WHERE o.id = due.id
    RETURNING o.id, o.dedupe_key, o.user_id, o.document_id, o.event, o.step, o.comment, o.with_action_link,
              o.message_id, o.attempts, o.created_at
)
SELECT c.id, c.dedupe_key, c.user_id, c.document_id, c.event, c.step, c.comment, c.with_action_link, c.message_id,
       c.attempts, c.created_at,
       u.id IS NOT NULL AS user_found, u.name AS user_name, u.email AS user_email, u.locale AS user_locale,
       coalesce(u.is_active, false) AS user_active,
       d.id IS NOT NULL AS doc_found, d.title AS doc_title, d.document_number AS doc_number,
       coalesce(a.name, '') AS drafter_name,
       (c.with_action_link AND c.step IS NOT NULL AND EXISTS (
           SELECT 1 FROM approval_lines l
            WHERE l.document_id = c.document_id AND l.step_order = c.step AND l.approver_id = c.user_id
              AND l.status = %(pending)s)) AS step_pending
  FROM claimed c
  LEFT JOIN users u ON u.id = c.user_id
  LEFT JOIN approval_documents d ON d.id = c.document_id
  LEFT JOIN users a ON a.id = d.author_id
 ORDER BY c.id
"""

_MARK_SENT = (  # run on the driver connection (`driver_rows`): once per mail sent
    "WITH sent AS (UPDATE notify_outbox SET sent_at = now(), last_error = NULL WHERE id = %(id)s "
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
    # What the mail says, read by the claim itself
    user_found: bool = False
    user_name: str = ""
    user_email: str | None = None
    user_locale: str = "ko"
    user_active: bool = False
    doc_found: bool = False
    doc_title: str = ""
    doc_number: str | None = None
    drafter_name: str = ""
    step_pending: bool = False


@dataclass(frozen=True)
class _Recipient:
    name: str
    email: str | None
    locale: str


@dataclass(frozen=True)
class _Document:
    id: int
    title: str
    document_number: str | None


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    next_due_in: float | None = None  # seconds until the earliest waiting row is due (None: nothing waits)


class MailDispatcher:
    """Sends the outbox's mail from a worker process; `run` is one shift of the `notify.deliver` activity, which
    MailDeliveryWorkflow keeps running on one worker of the deployment."""

    def __init__(
        self, sessions: SessionFactory, settings: Settings, *, batch_size: int = 50, idle_poll: float = 5.0,
        linger: float = 0.2, lease: timedelta = LEASE, keepalive: float = SMTP_KEEPALIVE,
    ) -> None:
        self.sessions = sessions
        self.engine: AsyncEngine = sessions.kw["bind"]
        self.settings = settings
        self.batch_size = batch_size
        self.idle_poll = idle_poll
        self.linger = linger  # after a wake-up, wait this long so one batch carries the mails of several events
        self.lease = lease
        self.keepalive = keepalive
        self._smtp: smtplib.SMTP | None = None  # the connection kept from the last batch
        self._smtp_idle_since = 0.0  # monotonic clock
        self.send_window = min(SEND_WINDOW, lease.total_seconds() / 2)
        self._wake = asyncio.Event()
        self._stopping = False
        self._done: asyncio.Event | None = None
        self._shift = asyncio.Lock()  # one shift at a time: a retried attempt waits for a cancelled one to end

    def wake(self) -> None:
        """Called after a commit that queued mail; cheap and safe from any coroutine of this loop."""
        self._wake.set()

    async def run(self, *, seconds: float | None = None, raise_errors: bool = False) -> int:
        """Send due mail until `shutdown` (or for `seconds`, counted from this call); returns how many mails went
        out. One shift at a time: a retried attempt on this process waits for a cancelled one to end.

        A batch that cannot reach the database ends the shift when `raise_errors`, so that Temporal retries the
        activity with backoff and operators see the failure; else it is logged and tried again here. Any other
        failure of a batch is logged and the shift goes on."""
        ends = None if seconds is None else time.monotonic() + seconds
        await self._shift.acquire()
        self._done = asyncio.Event()
        try:
            pause = 1.0
            sent = 0
            due_at: float | None = None  # when the earliest row we know of is due (monotonic clock)
            while not self._stopping and (ends is None or time.monotonic() < ends):
                self._wake.clear()
                if self._smtp is not None and time.monotonic() - self._smtp_idle_since >= self.keepalive:
                    await self.close_connection()
                try:
                    result = await self.dispatch_batch()
                    pause = 1.0
                except Exception as exc:
                    if raise_errors and isinstance(exc, DBAPIError):
                        raise
                    log.exception("mail dispatch failed; retrying")
                    result = BatchResult(next_due_in=pause)
                    pause = min(pause * 2, 30.0)
                sent += result.sent
                if result.claimed >= self.batch_size:  # a full batch: more may be due now
                    continue
                now = time.monotonic()
                if not result.claimed:  # the database said when the next row is due (None: none waits)
                    due_at = None if result.next_due_in is None else now + result.next_due_in
                elif result.next_due_in is not None:  # this batch scheduled retries
                    due_at = min(due_at or float("inf"), now + result.next_due_in)
                # Mail queued while this batch was out has woken us already (the wake-up is cleared only at the
                # top of the loop), so the sleep ends at once; else it lasts until the earliest known row is
                # due, the next poll or the end of the shift.
                wait = self.idle_poll if due_at is None else min(self.idle_poll, due_at - now)
                if ends is not None:
                    wait = min(wait, ends - now)
                await self._sleep(max(wait, 0.0))
            return sent
        finally:
            await self.close_connection()
            self._done.set()
            self._shift.release()

    async def shutdown(self) -> None:
        """End the running shift (the worker is stopping) and refuse new ones."""
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
        # One autocommit connection for the batch: the claim, the links and each "sent" mark are one statement each,
        # so BEGIN and COMMIT would be two round trips for nothing.
        async with self.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            claimed = await self._claim(conn)
            if not claimed:
                return BatchResult(next_due_in=await self._next_due_in(conn))
            messages, skipped = await self._prepare(conn, claimed)
            if skipped:
                await self._give_up(conn, skipped, "recipient inactive or without an email address")
            result = BatchResult(claimed=len(claimed))
            failures: dict[int, str] = {}
            unsent: list[int] = []
            try:
                smtp = await self._open()
            except (OSError, smtplib.SMTPException) as exc:
                failures = {row.id: _describe(exc) for row, _ in messages}
            else:
                keep = gone = False  # kept for the next batch only if this one ends without the connection failing
                try:
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
                            gone = True
                            break
                        except Exception as exc:  # this mail cannot be rendered: retried later, the batch goes on
                            log.exception("mail could not be rendered", extra={"outbox_id": row.id})
                            failures[row.id] = _describe(exc)
                            continue
                        await driver_rows(conn, _MARK_SENT, {"id": row.id})  # recorded (committed) before the next
                        result.sent += 1
                    keep = not gone
                finally:  # also when cancelled mid-send: that connection may be inside a transaction
                    if keep:
                        self._smtp, self._smtp_idle_since = smtp, time.monotonic()
                    else:
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
        rows = await driver_rows(conn, _CLAIM, {"batch": self.batch_size, "lease": self.lease, "pending": PENDING})
        return [_Claimed(*row) for row in rows]

    async def _next_due_in(self, conn: AsyncConnection) -> float | None:
        due: datetime | None = (await conn.execute(
            select(func.min(NotifyOutbox.next_attempt_at))
            .where(NotifyOutbox.sent_at.is_(None), NotifyOutbox.failed_at.is_(None))
        )).scalar_one()
        return None if due is None else max((due - datetime.now(UTC)).total_seconds(), 0.0)

    async def _prepare(
        self, conn: AsyncConnection, claimed: list[_Claimed]
    ) -> tuple[list[tuple[_Claimed, Callable[[], Message]]], list[_Claimed]]:
        """For each claimed mail a function that renders it, and the rows that cannot be sent at all; the action
        links of the whole batch are issued in two statements."""
        from portal.approval import email_links  # local: approval imports notify models

        base = self.settings.public_base_url.rstrip("/")
        messages: list[tuple[_Claimed, Callable[[], Message]]] = []
        skipped: list[_Claimed] = []
        sendable = []
        for c in claimed:
            if not c.user_found or not c.doc_found or not c.user_email or not c.user_active:
                skipped.append(c)
            else:
                sendable.append(c)
        tokens = await email_links.issue_many_autocommit(conn, self.settings, [
            (c.document_id, c.step, c.user_id) for c in sendable if c.step is not None and c.step_pending
        ])
        for c in sendable:
            token = tokens.get((c.document_id, c.step, c.user_id)) if c.with_action_link and c.step is not None \
                else None
            action_url = f"{base}/api/v1/approval/email-actions/{token}" if token else None
            inp = NotifyInput(event=c.event, document_id=c.document_id, recipients=[c.user_id],
                              dedupe_key=c.dedupe_key, step=c.step, comment=c.comment,
                              with_action_links=c.with_action_link)
            messages.append((c, partial(
                compose, self.settings, user=_Recipient(c.user_name, c.user_email, c.user_locale),
                doc=_Document(c.document_id, c.doc_title, c.doc_number), inp=inp, action_url=action_url,
                drafter=c.drafter_name, message_id=c.message_id)))
        return messages, skipped

    def _connect(self) -> smtplib.SMTP:
        host, port = self.settings.effective_smtp
        return smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)

    async def _open(self) -> smtplib.SMTP:
        """The connection kept from the last batch if it idled less than `keepalive` and the server still answers
        it (NOOP), else a new one."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            if time.monotonic() - self._smtp_idle_since < self.keepalive and await asyncio.to_thread(_answers, smtp):
                return smtp
            await asyncio.to_thread(_close, smtp)
        return await asyncio.to_thread(self._connect)

    async def close_connection(self) -> None:
        """QUIT the kept connection, if any (the dispatcher opens a new one when mail comes)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            await asyncio.to_thread(_close, smtp)

    async def _reschedule(self, session: AsyncSession, rows: list[_Claimed], errors: dict[int, str]) -> None:
        now = datetime.now(UTC)
        for row in rows:
            values: dict[str, object] = {"last_error": errors[row.id][:500]}
            if now - row.created_at > GIVE_UP_AFTER:
                values["failed_at"] = now
            else:
                values["next_attempt_at"] = now + timedelta(seconds=retry_delay(row.attempts))
            await session.execute(update(NotifyOutbox).where(NotifyOutbox.id == row.id).values(**values))

    async def _give_up(self, conn: AsyncConnection, rows: list[_Claimed], reason: str) -> None:
        await conn.execute(update(NotifyOutbox).where(NotifyOutbox.id.in_([r.id for r in rows]))
                           .values(failed_at=func.now(), last_error=reason))


def _render_and_send(smtp: smtplib.SMTP, build: Callable[[], Message]) -> None:
    smtp.send_message(build())


def _answers(smtp: smtplib.SMTP) -> bool:
    try:
        return smtp.noop()[0] == 250
    except (OSError, smtplib.SMTPException):
        return False


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


@dataclass
class OutboxStatus:
    waiting: int  # not sent yet and not given up
    retrying: int  # of those, tried and refused or failed at least once
    oldest_waiting_at: datetime | None
    given_up: int  # failed for two days: not sent, `failed_at` set
    last_error: str | None  # of the most recently failed attempt still waiting


_STATUS = """
SELECT count(*), count(*) FILTER (WHERE last_error IS NOT NULL), min(created_at),
       (SELECT count(*) FROM notify_outbox WHERE failed_at IS NOT NULL),
       (SELECT last_error FROM notify_outbox
         WHERE sent_at IS NULL AND failed_at IS NULL AND last_error IS NOT NULL
         ORDER BY next_attempt_at DESC LIMIT 1)
  FROM notify_outbox
 WHERE sent_at IS NULL AND failed_at IS NULL
"""


async def outbox_status(conn: AsyncConnection) -> OutboxStatus:
    """What the outbox holds that has not gone out; read from the two partial indexes, never the sent mails."""
    row = (await driver_rows(conn, _STATUS, {}))[0]
    return OutboxStatus(*row)
