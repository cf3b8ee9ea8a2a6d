"""ApprovalWorkflow: one durable run per submitted document (id `approval-<document id>`).

Every human action is a Workflow Update whose validator re-authorises it against the current state, so a
wrong actor, a stale step or a finished document is refused before anything is written to history.
Handlers change the state, then project a full snapshot to PostgreSQL through an idempotent activity;
the snapshot carries the notifications, whose in-app rows and outbox mails commit with it (the worker's
mail dispatcher sends the mail). SLA timers (reminder, escalation) count only the time a step is actually
waiting, not time on hold.

Runs recorded before the `LEAN` patch keep their old path on replay: a normal activity per projection, a
NotificationWorkflow child per event, the SLA timer re-armed and all search attributes upserted on every
action. Runs recorded between `LEAN` and `STEADY` keep the lean path with its per-step timer re-arm.
"""

# No `from __future__ import annotations` here: the sandbox re-imports this module for every run, and the SDK
# reads the handlers' type hints each time; string annotations would be compiled again on every import.
import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from workflows.approval_contracts import (
        AGREEMENT,
        APPROVED,
        APPROVED_LINE,
        FINAL_STATUSES,
        IN_PROGRESS,
        ON_HOLD,
        PENDING,
        REJECTED,
        REJECTED_LINE,
        SKIPPED,
        WAITING,
        WITHDRAWN,
        ActionInput,
        ActionResult,
        ApprovalInput,
        HistoryEntry,
        LineState,
        NotifyInput,
        Projection,
        ProjectionResult,
        StatusView,
        StepClock,
        history_key,
    )
    from workflows.search_attributes import APPROVAL_STATUS, CURRENT_APPROVERS, STEP_DEADLINE

PROJECTION_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
# A local attempt retries briefly inside the workflow task; if it keeps failing, the same activity goes on
# as a normal one, whose retries operators see (pending activities, the stuck list).
LOCAL_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=500), maximum_interval=timedelta(seconds=2),
                          maximum_attempts=3)
LOCAL_TIMEOUT = timedelta(seconds=10)

# One patch guards every change of the lean path, so runs recorded before it replay unchanged:
# - notifications go into the projection's transaction (in-app rows + email outbox), no NotificationWorkflow
#   children, so an update never waits for a child to start;
# - approval.project and approval.escalation_targets run as local activities (normal ones as fallback);
# - the SLA timer is re-armed only when the step's clock changes (new step, hold, resume, finish);
# - search attributes are upserted only when one of them changes, and only the changed ones;
# - "pending" goes to a step's approvers when the step starts, not again after each agreer's approval.
LEAN = "outbox-local-projection"
# The patch of new runs (checked first, so a new run records this one marker only); on top of the lean path:
# - one SLA timer stays armed across steps, hold and resume: when the clock moves and the new deadline is
#   later, the timer is kept; when it fires before the deadline, it is armed again for the rest. A finished
#   run leaves it pending (completion drops it), so no cancellation is ever written for a later deadline;
# - the submission starts the run with ApprovalStatus, CurrentApprovers and StepDeadline already set and
#   with its own time as the first step's clock start (`submitted_at`), and the run takes those start
#   values as already upserted: its first task upserts nothing.
STEADY = "steady-sla-timer"

T = TypeVar("T")


def _reject(code: str, message: str) -> ApplicationError:
    return ApplicationError(message, type=code, non_retryable=True)


@workflow.defn
class ApprovalWorkflow:
    @workflow.init
    def __init__(self, inp: ApprovalInput) -> None:
        # State is built here, not in run(): an update may arrive in the very first activation, and its
        # validator must already see the line.
        self.inp = inp
        self.status = IN_PROGRESS
        self.current: int | None = 0
        self.unsent: list[HistoryEntry] = []
        self.seq = 0
        self.events = 0
        self.epoch = 0
        self.held_by: int | None = None
        self.reminders_sent = 0
        self.escalations_sent = 0
        self.document_number: str | None = None
        self.projection_lock = asyncio.Lock()
        self.notifications = 0
        self.lean = False  # decided by workflow.patched(STEADY) or workflow.patched(LEAN) as run() starts
        self.steady = False  # workflow.patched(STEADY): one SLA timer kept across steps, start attributes seeded
        self.alarm: asyncio.Task[None] | None = None  # the armed SLA timer (steady path)
        self.alarm_at: datetime | None = None  # when it fires
        self.notices: list[NotifyInput] = []  # notifications waiting for the next projection (lean path)
        self.upserted: dict[str, object] | None = None  # search attribute values last upserted (lean path)
        self.started = False  # handlers wait for the submission's own projection and notifications
        self.lines = [
            LineState(step=i, approver_id=a, status=PENDING if i == 0 else WAITING)
            for i, step in enumerate(inp.steps)
            for a in step.approvers
        ]
        self.timers = StepClock(since=workflow.now())
        self.deactivated_by_sync: list[int] = []

    # --- run ------------------------------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: ApprovalInput) -> ActionResult:
        if workflow.patched(STEADY):
            self.lean = self.steady = True
            self._seed_from_start(inp)
        else:
            self.lean = workflow.patched(LEAN)
        self._record("submitted", None, inp.drafter_id, key="submitted")
        first = self._pending()
        if self.lean:
            await self._tell("submitted", inp.references)
            await self._tell("pending", first, with_links=True)
            await self._project()
        else:
            await self._project()
            await self._notify("submitted", inp.references)
            await self._notify("pending", first, with_links=True)
        self.started = True
        if self.steady:
            await self._wait_steady()
        while self.status not in FINAL_STATUSES:
            if self.status == ON_HOLD:
                await workflow.wait_condition(lambda: self.status != ON_HOLD)
                continue
            epoch = self.epoch
            moved: Callable[[], bool] = lambda: self.epoch != epoch  # noqa: E731, B023 (fresh each turn)
            due = self._seconds_to_next_timer()
            if due is not None and due <= 0:
                await self._fire_timers()
                continue
            try:
                await workflow.wait_condition(
                    moved, timeout=timedelta(seconds=due) if due is not None else None
                )
            except TimeoutError:
                await self._fire_timers()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._result("finished")

    @workflow.query
    def status_view(self) -> StatusView:
        return StatusView(
            status=self.status, current_step=self.current, current_approvers=self._pending(),
            held_by=self.held_by, reminders_sent=self.reminders_sent, escalations_sent=self.escalations_sent,
            seq=self.seq, approver_deactivated_by_sync=list(self.deactivated_by_sync),
        )

    @workflow.signal(name="approver_deactivated")
    def approver_deactivated(self, notice: dict[str, Any]) -> None:
        """The directory sync deactivated the approver this document waits for. The document is already
        flagged in PostgreSQL for the drafter and the admins; the run keeps the fact for operators (status
        query, history) so a withdrawal or a 대결 delegation can re-route it."""
        log_id = notice.get("sync_log_id")
        if isinstance(log_id, int) and log_id not in self.deactivated_by_sync:
            self.deactivated_by_sync.append(log_id)

    # --- updates --------------------------------------------------------------------------------------

    @workflow.update
    async def approve(self, a: ActionInput) -> ActionResult:
        await self._ready(self._validate_approve, a)
        inp = self._input()
        step, who = self._step_index(), self._who(a)
        self._act(step, who, APPROVED_LINE, a)
        self._record("final_approved" if a.final else "approved", step, a.actor_id, a)
        if a.final:
            for later in range(step + 1, len(inp.steps)):
                self._record("skipped", later, None, details={"reason": "final_approval", "by": str(who)})
            self._finish(APPROVED)
        elif self._approvals(step) >= inp.steps[step].needed():
            self._skip_open(step)
            self._advance(step + 1)
        return await self._after_action("approve", a, step_before=step)

    @approve.validator
    def _validate_approve(self, a: ActionInput) -> None:
        self._check_actionable(a)
        if a.final and self._who(a) not in self._input().steps[self._step_index()].finalizers:
            raise _reject("NO_FINAL_AUTHORITY", "you do not hold final-approval (전결) authority on this step")

    @workflow.update
    async def reject(self, a: ActionInput) -> ActionResult:
        await self._ready(self._validate_reject, a)
        step, who = self._step_index(), self._who(a)
        self._act(step, who, REJECTED_LINE, a)
        self._record("rejected", step, a.actor_id, a)
        spec = self._input().steps[step]
        still_possible = sum(1 for ln in self._step_lines(step) if ln.status in (PENDING, APPROVED_LINE))
        if spec.kind != AGREEMENT or still_possible < spec.needed():
            self._finish(REJECTED)
        return await self._after_action("reject", a)

    @reject.validator
    def _validate_reject(self, a: ActionInput) -> None:
        self._check_actionable(a)
        if not (a.comment or "").strip():
            raise _reject("COMMENT_REQUIRED", "a comment is required to reject")

    @workflow.update
    async def withdraw(self, a: ActionInput) -> ActionResult:
        await self._ready(self._validate_withdraw, a)
        self._record("withdrawn", self.current, a.actor_id, a)
        notify = self._pending()
        self._finish(WITHDRAWN)
        if self.lean:
            await self._tell("withdrawn", notify)
            return await self._after_action("withdraw", a)
        result = await self._after_action("withdraw", a)
        await self._notify("withdrawn", notify)
        return result

    @withdraw.validator
    def _validate_withdraw(self, a: ActionInput) -> None:
        self._check_open()
        if a.actor_id != self._input().drafter_id:
            raise _reject("NOT_DRAFTER", "only the drafter can withdraw a document")
        if any(ln.status in (APPROVED_LINE, REJECTED_LINE) for ln in self.lines):
            raise _reject("ALREADY_ACTED", "an approver has already acted; the document can no longer be withdrawn")

    @workflow.update
    async def hold(self, a: ActionInput) -> ActionResult:
        await self._ready(self._validate_hold, a)
        self.status, self.held_by = ON_HOLD, self._who(a)
        self._pause_timers()
        self._timers_moved()
        self._record("held", self.current, a.actor_id, a)
        return await self._after_action("hold", a)

    @hold.validator
    def _validate_hold(self, a: ActionInput) -> None:
        self._check_actionable(a)

    @workflow.update
    async def resume(self, a: ActionInput) -> ActionResult:
        await self._ready(self._validate_resume, a)
        self.status, self.held_by = IN_PROGRESS, None
        self.timers.since = workflow.now()
        self._timers_moved()
        self._record("resumed", self.current, a.actor_id, a)
        return await self._after_action("resume", a)

    @resume.validator
    def _validate_resume(self, a: ActionInput) -> None:
        self._check_open()
        if self.status != ON_HOLD:
            raise _reject("NOT_ON_HOLD", "the document is not on hold")
        if self._who(a) != self.held_by:
            raise _reject("NOT_HOLDER", "only the approver who put the document on hold can resume it")
        self._check_expected_step(a)

    @workflow.update
    async def cancel_approval(self, a: ActionInput) -> ActionResult:
        await self._ready(self._validate_cancel, a)
        who = self._who(a)
        line = self._cancellable_line(who)
        assert line is not None  # the validator guarantees it
        if self.current is not None and line.step != self.current:
            for ln in self._step_lines(self.current):
                ln.status = WAITING
            for ln in self._step_lines(line.step):  # agreers skipped when the group completed get their turn back
                if ln.status == SKIPPED:
                    ln.status = PENDING
            self.current = line.step
            self._restart_timers()
        line.status, line.acted_by, line.on_behalf_of, line.comment, line.acted_at = PENDING, None, None, None, None
        self._record("approval_cancelled", line.step, a.actor_id, a)
        return await self._after_action("cancel_approval", a)

    @cancel_approval.validator
    def _validate_cancel(self, a: ActionInput) -> None:
        self._check_open()
        if self.status == ON_HOLD:
            raise _reject("DOCUMENT_ON_HOLD", "the document is on hold")
        if self._cancellable_line(self._who(a)) is None:
            raise _reject("NOTHING_TO_CANCEL", "there is no approval of yours that can still be cancelled")

    async def _ready(self, validator: Callable[[ActionInput], None], a: ActionInput) -> None:
        """Wait until the submission itself is projected; if that took a while, check the action again."""
        if not self.started:
            await workflow.wait_condition(lambda: self.started)
            validator(a)

    # --- state helpers --------------------------------------------------------------------------------

    def _input(self) -> ApprovalInput:
        return self.inp

    @staticmethod
    def _who(a: ActionInput) -> int:
        return a.on_behalf_of if a.on_behalf_of is not None else a.actor_id

    def _step_index(self) -> int:
        assert self.current is not None
        return self.current

    def _step_lines(self, step: int) -> list[LineState]:
        return [ln for ln in self.lines if ln.step == step]

    def _pending(self) -> list[int]:
        if self.current is None or self.status in FINAL_STATUSES:
            return []
        return [ln.approver_id for ln in self._step_lines(self.current) if ln.status == PENDING]

    def _approvals(self, step: int) -> int:
        return sum(1 for ln in self._step_lines(step) if ln.status == APPROVED_LINE)

    def _check_open(self) -> None:
        if self.status in FINAL_STATUSES:
            raise _reject("DOCUMENT_FINISHED", f"the document is already {self.status}")

    def _check_expected_step(self, a: ActionInput) -> None:
        if a.expected_step is not None and a.expected_step != self.current:
            raise _reject("STALE_STEP", "the document has moved on since you opened it")

    def _check_actionable(self, a: ActionInput) -> None:
        self._check_open()
        if self.status == ON_HOLD:
            raise _reject("DOCUMENT_ON_HOLD", "the document is on hold")
        self._check_expected_step(a)
        if self._who(a) not in self._pending():
            raise _reject("NOT_CURRENT_APPROVER", "it is not your turn on this document")

    def _cancellable_line(self, who: int) -> LineState | None:
        """An approval of `who` that nobody after them has built on yet (결재취소)."""
        if self.current is None:
            return None
        current_open = [ln for ln in self._step_lines(self.current) if ln.status != WAITING]
        nobody_acted_now = all(ln.status == PENDING for ln in current_open)
        for ln in self.lines:
            if ln.approver_id != who or ln.status != APPROVED_LINE:
                continue
            if ln.step == self.current - 1 and nobody_acted_now:
                return ln
            if ln.step == self.current:  # an agreer of a group that is still open
                return ln
        return None

    def _act(self, step: int, who: int, status: str, a: ActionInput) -> None:
        for ln in self._step_lines(step):
            if ln.approver_id == who and ln.status == PENDING:
                ln.status, ln.acted_by, ln.comment = status, a.actor_id, a.comment
                ln.on_behalf_of = a.on_behalf_of
                ln.acted_at = workflow.now().isoformat()
                return

    def _skip_open(self, step: int) -> None:
        for ln in self._step_lines(step):
            if ln.status == PENDING:
                ln.status = SKIPPED

    def _advance(self, step: int) -> None:
        if step >= len(self._input().steps):
            self._finish(APPROVED)
            return
        self.current = step
        for ln in self._step_lines(step):
            ln.status = PENDING
        self._restart_timers()

    def _finish(self, status: str) -> None:
        self.status, self.held_by = status, None
        self._timers_moved()
        for ln in self.lines:
            if ln.status in (PENDING, WAITING):
                ln.status = SKIPPED
        if status != APPROVED:
            return
        self.current = None

    def _record(
        self, action: str, step: int | None, actor: int | None, a: ActionInput | None = None,
        details: dict[str, str] | None = None, key: str | None = None,
    ) -> None:
        self.events += 1
        self.unsent.append(HistoryEntry(
            key=history_key(workflow.info().workflow_id, key or str(self.events)),
            action=action, step=step, actor_id=actor,
            on_behalf_of=a.on_behalf_of if a else None, comment=a.comment if a else None,
            channel=a.channel if a else "system", ip=a.ip if a else None,
            user_agent=a.user_agent if a else None, at=workflow.now().isoformat(), details=details or {},
        ))

    # --- timers ---------------------------------------------------------------------------------------

    def _active_seconds(self) -> float:
        t = self.timers
        running = (workflow.now() - t.since).total_seconds() if t.since is not None else 0.0
        return t.elapsed + running

    def _pause_timers(self) -> None:
        self.timers.elapsed = self._active_seconds()
        self.timers.since = None

    def _restart_timers(self) -> None:
        self.timers = StepClock(since=workflow.now())
        self._timers_moved()

    def _timers_moved(self) -> None:
        """Wake the main loop to re-arm its SLA timer (lean path; the old path wakes it on every action)."""
        if self.lean:
            self.epoch += 1

    def _seconds_to_next_timer(self) -> float | None:
        sla, t, active = self._input().sla, self.timers, self._active_seconds()
        due = [limit - active for done, limit in ((t.reminded, sla.reminder_after_seconds),
                                                  (t.escalated, sla.escalate_after_seconds)) if not done]
        return min(due) if due else None

    def _seed_from_start(self, inp: ApprovalInput) -> None:
        """Steady path: the first step's clock starts at the submission (never later than now, in case the
        API's clock runs ahead of Temporal's), and the search attributes the start set count as upserted."""
        if inp.submitted_at:
            self.timers.since = min(datetime.fromisoformat(inp.submitted_at), workflow.now())
        started = workflow.info().typed_search_attributes
        approvers = started.get(CURRENT_APPROVERS)
        self.upserted = {
            "status": started.get(APPROVAL_STATUS),
            "approvers": list(approvers) if approvers is not None else None,
            "deadline": started.get(STEP_DEADLINE),
        }

    async def _wait_steady(self) -> None:
        """The main loop of the steady path: fire what is due, keep one SLA timer armed, wake on every move."""
        while self.status not in FINAL_STATUSES:
            if self.alarm is not None and self.alarm.done():
                self.alarm = self.alarm_at = None
            due = self._seconds_to_next_timer() if self.status != ON_HOLD else None  # hold stops the clock
            if due is not None and due <= 0:
                await self._fire_timers()
                continue
            if due is not None:
                at = workflow.now() + timedelta(seconds=due)
                if self.alarm is not None and self.alarm_at is not None and self.alarm_at > at:
                    self.alarm.cancel()  # an earlier deadline than the armed timer (not from moving on)
                    self.alarm = None
                if self.alarm is None:
                    self.alarm, self.alarm_at = asyncio.create_task(asyncio.sleep(due)), at
            # A timer that fires before the deadline (the step moved on, or it was on hold) only loops here.
            await workflow.wait_condition(self._woken(self.epoch, self.alarm))

    def _woken(self, epoch: int, alarm: asyncio.Task[None] | None) -> Callable[[], bool]:
        return lambda: self.epoch != epoch or (alarm is not None and alarm.done())

    async def _fire_timers(self) -> None:
        sla, active, step = self._input().sla, self._active_seconds(), self.current
        pending = self._pending()
        if not self.timers.reminded and active >= sla.reminder_after_seconds:
            self.timers.reminded = True
            self.reminders_sent += 1
            self._record("reminded", step, None, details={"approvers": ",".join(map(str, pending))})
            await self._tell("reminder", pending, with_links=True)
        if not self.timers.escalated and active >= sla.escalate_after_seconds:
            self.timers.escalated = True
            self.escalations_sent += 1
            managers = await self._activity("approval.escalation_targets", pending, list[int])
            self._record("escalated", step, None, details={"to": ",".join(map(str, managers))})
            await self._tell("escalated", managers)
        await self._project()

    # --- side effects ---------------------------------------------------------------------------------

    async def _after_action(self, action: str, a: ActionInput, step_before: int | None = None) -> ActionResult:
        if self.lean:
            return await self._after_action_lean(action, a, step_before)
        self.epoch += 1
        await self._project()
        inp = self._input()
        if action in ("approve", "cancel_approval") and self.status == IN_PROGRESS:
            if action == "approve":
                await self._notify("pending", self._pending(), with_links=True)
        if self.status == APPROVED:
            await self._notify("approved", [inp.drafter_id])
            await self._notify("received", inp.receivers)
        elif self.status == REJECTED and action == "reject":
            await self._notify("rejected", [inp.drafter_id], comment=a.comment, actor=a.actor_id)
        return self._result(action)

    async def _after_action_lean(self, action: str, a: ActionInput, step_before: int | None) -> ActionResult:
        inp = self._input()
        if action == "approve" and self.status == IN_PROGRESS and self.current != step_before:
            await self._tell("pending", self._pending(), with_links=True)
        if self.status == APPROVED:
            await self._tell("approved", [inp.drafter_id])
            await self._tell("received", inp.receivers)
        elif self.status == REJECTED and action == "reject":
            await self._tell("rejected", [inp.drafter_id], comment=a.comment, actor=a.actor_id)
        await self._project()
        return self._result(action)

    def _result(self, action: str) -> ActionResult:
        return ActionResult(
            document_id=self._input().document_id, status=self.status, current_step=self.current,
            current_approvers=self._pending(), action=action, document_number=self.document_number,
        )

    async def _activity(self, name: str, arg: object, result_type: type[T]) -> T:
        if self.lean:
            try:
                return await workflow.execute_local_activity(
                    name, arg, result_type=result_type, start_to_close_timeout=LOCAL_TIMEOUT,
                    retry_policy=LOCAL_RETRY,
                )
            except ActivityError as err:
                workflow.logger.warning("local %s keeps failing, retrying it as a normal activity: %s", name, err)
        return await workflow.execute_activity(
            name, arg, result_type=result_type, start_to_close_timeout=timedelta(seconds=30),
            retry_policy=PROJECTION_RETRY,
        )

    async def _project(self) -> None:
        async with self.projection_lock:
            self.seq += 1
            history, self.unsent = self.unsent, []
            notices, self.notices = self.notices, []
            snapshot = Projection(
                document_id=self._input().document_id, seq=self.seq, status=self.status,
                current_step=self.current, lines=[LineState(**vars(ln)) for ln in self.lines], history=history,
                assign_number=self.status == APPROVED and self.document_number is None, notifications=notices,
            )
            try:
                result = await self._activity("approval.project", snapshot, ProjectionResult)
            except BaseException:
                self.unsent = history + self.unsent
                self.notices = notices + self.notices
                raise
            if result.document_number:
                self.document_number = result.document_number
            self._upsert_search_attributes()

    def _upsert_search_attributes(self) -> None:
        if self.lean:
            self._upsert_changed_search_attributes()
            return
        deadline = None
        if self.status == IN_PROGRESS and self.timers.since is not None:
            left = self._input().sla.escalate_after_seconds - self._active_seconds()
            deadline = workflow.now() + timedelta(seconds=max(0.0, left))
        workflow.upsert_search_attributes([
            APPROVAL_STATUS.value_set(self.status),
            CURRENT_APPROVERS.value_set([str(a) for a in self._pending()]),
            STEP_DEADLINE.value_set(deadline) if deadline else STEP_DEADLINE.value_unset(),
        ])

    def _upsert_changed_search_attributes(self) -> None:
        deadline = None
        if self.status == IN_PROGRESS and self.timers.since is not None:  # stable while the step waits
            left = self._input().sla.escalate_after_seconds - self.timers.elapsed
            deadline = self.timers.since + timedelta(seconds=left)
        values: dict[str, object] = {
            "status": self.status, "approvers": [str(a) for a in self._pending()], "deadline": deadline,
        }
        last = self.upserted
        changed = [key for key, value in values.items() if last is None or last[key] != value]
        if not changed:
            return
        updates: list[SearchAttributeUpdate[Any]] = []
        if "status" in changed:
            updates.append(APPROVAL_STATUS.value_set(self.status))
        if "approvers" in changed:
            updates.append(CURRENT_APPROVERS.value_set([str(a) for a in self._pending()]))
        if "deadline" in changed:
            updates.append(STEP_DEADLINE.value_set(deadline) if deadline else STEP_DEADLINE.value_unset())
        workflow.upsert_search_attributes(updates)
        self.upserted = values

    async def _tell(
        self, event: str, recipients: list[int], *, with_links: bool = False, comment: str | None = None,
        actor: int | None = None,
    ) -> None:
        """Notify: on the lean path, queue it for the next projection; otherwise start a child run."""
        if not self.lean:
            await self._notify(event, recipients, with_links=with_links, comment=comment, actor=actor)
            return
        if not recipients:
            return
        inp = self._input()
        self.notifications += 1
        self.notices.append(NotifyInput(
            event=event, document_id=inp.document_id, recipients=sorted(set(recipients)),
            dedupe_key=f"approval-{inp.document_id}:{self.notifications}:{event}", step=self.current,
            actor_id=actor, comment=comment, with_action_links=with_links,
        ))

    async def _notify(
        self, event: str, recipients: list[int], *, with_links: bool = False, comment: str | None = None,
        actor: int | None = None,
    ) -> None:
        """The old path: one abandoned NotificationWorkflow child per event (runs from before LEAN)."""
        if not recipients:
            return
        inp = self._input()
        self.notifications += 1
        key = f"approval-{inp.document_id}:{self.notifications}:{event}"
        await workflow.start_child_workflow(
            "NotificationWorkflow",
            NotifyInput(event=event, document_id=inp.document_id, recipients=sorted(set(recipients)),
                        dedupe_key=key, step=self.current, actor_id=actor, comment=comment,
                        with_action_links=with_links),
            id=f"notify-{workflow.info().workflow_id}-{self.notifications}-{event}",
            task_queue=inp.notify_queue,
            parent_close_policy=ParentClosePolicy.ABANDON,
        )
