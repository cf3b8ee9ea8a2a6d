"""Notification activities: the mail dispatcher's shifts (MailDeliveryWorkflow), and NotificationWorkflow's in-app
rows and one email per recipient.

Approval runs started since the email outbox write their notifications with the projection, and MailDeliveryWorkflow
sends the mail; NotificationWorkflow's activities stay for the runs (and replayed histories) from before that.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import DBAPIError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from portal.db.session import SessionFactory
from portal.notify import service
from portal.notify.dispatcher import MailDispatcher
from portal.settings import Settings
from workflows.approval_contracts import NotifyInput
from workflows.mail_delivery import DeliveryShift

log = logging.getLogger("activities.notify")


class NotifyActivities:
    def __init__(self, sessions: SessionFactory, settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings

    @activity.defn(name="notify.in_app")
    async def in_app(self, inp: NotifyInput) -> list[int]:
        async with self.sessions() as session:
            return await service.create_in_app(session, inp)

    @activity.defn(name="notify.email")
    async def email(self, inp: NotifyInput, user_id: int) -> bool:
        async with self.sessions() as session:
            return await service.send_email(session, self.settings, inp, user_id)


class MailDeliveryActivities:
    def __init__(self, dispatcher: MailDispatcher) -> None:
        self.dispatcher = dispatcher  # this process's: the approval projections of this process wake it

    @activity.defn(name="notify.deliver")
    async def deliver(self, shift: DeliveryShift) -> int:
        """One shift of sending the outbox's mail; returns how many went out. It ends early, without failing,
        when the worker shuts down (the run goes on with the next shift, on whichever worker polls first).

        Heartbeats come from a task of their own, so a long batch (a slow relay, a backlog) never looks like a
        dead worker. A database failure ends the shift with its kind and SQLSTATE only: the driver's message may
        quote statement parameters (addresses in an SMTP refusal), and the failure is shown in the Temporal UI."""
        beat = asyncio.create_task(_heartbeat(shift.heartbeat_seconds / 3))
        try:
            return await self.dispatcher.run(seconds=shift.shift_seconds, raise_errors=True)
        except DBAPIError as exc:
            state = getattr(exc.orig, "sqlstate", None)
            log.warning("mail delivery shift failed: the outbox cannot be read",
                        extra={"error": type(exc.orig).__name__, "sqlstate": state})
            raise ApplicationError(
                f"the outbox cannot be read ({type(exc.orig).__name__}{f', SQLSTATE {state}' if state else ''})",
                type="OUTBOX_UNAVAILABLE") from None
        finally:
            beat.cancel()
            await asyncio.gather(beat, return_exceptions=True)


async def _heartbeat(every: float) -> None:
    while True:
        activity.heartbeat()
        await asyncio.sleep(every)
