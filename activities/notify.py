"""Notification activities: the mail dispatcher's shifts (MailDeliveryWorkflow), and NotificationWorkflow's in-app
rows and one email per recipient.

Approval runs started since the email outbox write their notifications with the projection, and MailDeliveryWorkflow
sends the mail; NotificationWorkflow's activities stay for the runs (and replayed histories) from before that.
"""

from __future__ import annotations

from temporalio import activity

from portal.db.session import SessionFactory
from portal.notify import service
from portal.notify.dispatcher import MailDispatcher
from portal.settings import Settings
from workflows.approval_contracts import NotifyInput
from workflows.mail_delivery import DeliveryShift


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
        when the worker shuts down (the run goes on with the next shift, on whichever worker polls first)."""
        return await self.dispatcher.run(seconds=shift.shift_seconds, heartbeat=activity.heartbeat,
                                         raise_errors=True)
