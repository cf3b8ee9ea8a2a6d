"""Which workflows and activities run on which task queue; the worker and the tests build from this."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from activities.adsync import ADSyncActivities
from activities.approval import ApprovalActivities
from activities.notify import MailDeliveryActivities, NotifyActivities
from activities.system import SystemActivities
from portal.db.session import SessionFactory
from portal.notify.dispatcher import MailDispatcher
from portal.settings import Settings
from temporal import queues
from workflows.adsync import ADSyncWorkflow
from workflows.approval import ApprovalWorkflow
from workflows.mail_delivery import MailDeliveryWorkflow
from workflows.notification import NotificationWorkflow
from workflows.system import WorkerCheckWorkflow


@dataclass(frozen=True)
class QueueSpec:
    task_queue: str
    workflows: Sequence[type]
    activities: Sequence[Callable[..., Any]]


@dataclass(frozen=True)
class Dependencies:
    sessions: SessionFactory
    settings: Settings


def mail_dispatcher(deps: Dependencies) -> MailDispatcher:
    return MailDispatcher(deps.sessions, deps.settings)


def queue_specs(deps: Dependencies, dispatcher: MailDispatcher) -> list[QueueSpec]:
    """`dispatcher`: this process's, woken by its approval projections and run by MailDeliveryWorkflow's shifts."""
    prefix = deps.settings.temporal_prefix
    system = SystemActivities(deps.sessions)
    approval = ApprovalActivities(deps.sessions, dispatcher.wake, deps.settings.effective_redis_url)
    notify = NotifyActivities(deps.sessions, deps.settings)
    delivery = MailDeliveryActivities(dispatcher)
    adsync = ADSyncActivities(deps.sessions, deps.settings)
    return [
        QueueSpec(queues.named(queues.SYSTEM, prefix), workflows=[WorkerCheckWorkflow],
                  activities=[system.probe_database]),
        QueueSpec(queues.named(queues.APPROVAL, prefix), workflows=[ApprovalWorkflow],
                  activities=[approval.project, approval.escalation_targets]),
        # MailDeliveryWorkflow sends the outbox's mail. NotificationWorkflow: only runs started before the email
        # outbox (and their replays) still use it.
        QueueSpec(queues.named(queues.NOTIFY, prefix), workflows=[MailDeliveryWorkflow, NotificationWorkflow],
                  activities=[delivery.deliver, notify.in_app, notify.email]),
        QueueSpec(queues.named(queues.AD_SYNC, prefix), workflows=[ADSyncWorkflow],
                  activities=[adsync.begin, adsync.sync, adsync.finish]),
    ]


# Every workflow class, for the replay tests.
ALL_WORKFLOWS: list[type] = [WorkerCheckWorkflow, ApprovalWorkflow, NotificationWorkflow, MailDeliveryWorkflow,
                              ADSyncWorkflow]
