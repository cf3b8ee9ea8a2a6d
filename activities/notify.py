"""Notification activities of NotificationWorkflow: in-app rows and one email per recipient.

Approval runs started since the email outbox write their notifications with the projection and leave mail
to `portal.notify.dispatcher`; these stay for the runs (and replayed histories) from before that change.
"""

from __future__ import annotations

from temporalio import activity

from portal.db.session import SessionFactory
from portal.notify import service
from portal.settings import Settings
from workflows.approval_contracts import NotifyInput


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
