"""Which workflows and activities run on which task queue; the worker and the tests build from this."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from activities.system import SystemActivities
from portal.db.session import SessionFactory
from temporal import queues
from workflows.system import WorkerCheckWorkflow


@dataclass(frozen=True)
class QueueSpec:
    task_queue: str
    workflows: Sequence[type]
    activities: Sequence[Callable[..., Any]]


@dataclass(frozen=True)
class Dependencies:
    sessions: SessionFactory


def queue_specs(deps: Dependencies) -> list[QueueSpec]:
    system = SystemActivities(deps.sessions)
    return [
        QueueSpec(queues.SYSTEM, workflows=[WorkerCheckWorkflow], activities=[system.probe_database]),
    ]


ALL_WORKFLOWS: list[type] = [WorkerCheckWorkflow]
