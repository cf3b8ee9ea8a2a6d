"""The data exchanged with ApprovalWorkflow: its input, update inputs and results, projection snapshots.

Plain dataclasses only (standard library), so workflow code, activities and the API share them. Fields are
only ever added with defaults: running workflows keep deserialising their old inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Document status values (also the `ApprovalStatus` search attribute).
IN_PROGRESS = "in_progress"
ON_HOLD = "on_hold"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
FINAL_STATUSES = (APPROVED, REJECTED, WITHDRAWN)

# Line step kinds and group rules.
APPROVAL = "approval"  # 결재: one approver, sequential
AGREEMENT = "agreement"  # 합의: a parallel group
RULE_ALL, RULE_ANY, RULE_N_OF_M = "all", "any", "n_of_m"

# Per-approver line status values.
WAITING, PENDING, APPROVED_LINE, REJECTED_LINE, SKIPPED = "waiting", "pending", "approved", "rejected", "skipped"


@dataclass
class StepSpec:
    approvers: list[int]
    kind: str = APPROVAL
    rule: str = RULE_ALL
    required: int | None = None  # N of an N-of-M agreement
    # Approvers of this step who hold 전결 authority (may approve the whole document at once).
    finalizers: list[int] = field(default_factory=list)

    def needed(self) -> int:
        if self.kind == APPROVAL or self.rule == RULE_ANY:
            return 1
        if self.rule == RULE_N_OF_M and self.required:
            return min(self.required, len(self.approvers))
        return len(self.approvers)


@dataclass
class SlaPolicy:
    reminder_after_seconds: float = 24 * 3600
    escalate_after_seconds: float = 48 * 3600


@dataclass
class ApprovalInput:
    document_id: int
    drafter_id: int
    template_code: str
    title: str
    steps: list[StepSpec]
    references: list[int] = field(default_factory=list)
    receivers: list[int] = field(default_factory=list)
    sla: SlaPolicy = field(default_factory=SlaPolicy)
    notify_queue: str = "groupware-notify"
    # When the drafter submitted (ISO 8601, UTC), set by `temporal.approval.start`: the first step's SLA clock
    # starts there, and StepDeadline at start is this plus `sla.escalate_after_seconds` (runs with STEADY).
    submitted_at: str | None = None


@dataclass
class ActionInput:
    """One human action. `actor_id` is who clicked; `on_behalf_of` the absent approver for 대결 (checked by
    the API against an active delegation before the update is sent)."""

    actor_id: int
    expected_step: int | None = None
    comment: str | None = None
    on_behalf_of: int | None = None
    final: bool = False  # 전결
    channel: str = "web"
    ip: str | None = None
    user_agent: str | None = None


@dataclass
class ActionResult:
    document_id: int
    status: str
    current_step: int | None
    current_approvers: list[int]
    action: str
    document_number: str | None = None


@dataclass
class LineState:
    step: int
    approver_id: int
    status: str
    acted_by: int | None = None
    on_behalf_of: int | None = None
    comment: str | None = None
    acted_at: str | None = None


def history_key(workflow_id: str, event: str) -> str:
    """Idempotency key of a history row: the API writes the `submitted` row with the same key."""
    return f"{workflow_id}:{event}"


@dataclass
class HistoryEntry:
    key: str  # unique per workflow event: retried projections never duplicate rows
    action: str
    step: int | None
    actor_id: int | None
    on_behalf_of: int | None = None
    comment: str | None = None
    channel: str = "system"
    ip: str | None = None
    user_agent: str | None = None
    at: str | None = None
    details: dict[str, str] = field(default_factory=dict)


@dataclass
class NotifyInput:
    """Fan-out of one event to recipients by email and in-app rows; keys make retries duplicate-free."""

    event: str  # submitted | pending | reminder | escalated | approved | rejected | withdrawn | received
    document_id: int
    recipients: list[int]
    dedupe_key: str
    step: int | None = None
    actor_id: int | None = None
    comment: str | None = None
    with_action_links: bool = False


@dataclass
class Projection:
    """A complete snapshot of the document's state; newer `seq` wins, so replays and retries are harmless."""

    document_id: int
    seq: int
    status: str
    current_step: int | None
    lines: list[LineState]
    history: list[HistoryEntry]
    assign_number: bool = False
    # In-app rows and outbox mails written in the same transaction as this snapshot (keyed, so a retried
    # projection adds none twice). Runs from before the outbox send children instead and leave this empty.
    notifications: list[NotifyInput] = field(default_factory=list)


@dataclass
class ProjectionResult:
    document_number: str | None = None


@dataclass
class StatusView:
    """Answer of the `status` query: what operators and tests read from a running workflow."""

    status: str
    current_step: int | None
    current_approvers: list[int]
    held_by: int | None
    reminders_sent: int
    escalations_sent: int
    seq: int
    # Directory sync runs (ad_sync_logs ids) that deactivated an approver this document was waiting for.
    approver_deactivated_by_sync: list[int] = field(default_factory=list)


@dataclass
class StepClock:
    """The workflow's SLA clock of the current step (workflow state, not a contract: it lives here because this
    module is passed through the sandbox, so a run does not rebuild the class)."""

    elapsed: float = 0.0  # seconds the current step has been waiting, up to `since`
    since: datetime | None = None  # None while on hold
    reminded: bool = False
    escalated: bool = False
