"""ADSyncWorkflow: one directory sync run, started by the schedule or by an admin.

The run is three activities: `adsync.begin` opens the `ad_sync_logs` row (or says another sync is running),
`adsync.sync` reads the directory and applies it page by page (heartbeating its progress, retried with
backoff when the connection drops: it resumes from the log row), and `adsync.finish` closes the log and
stores the directory's USN for the next incremental run. Documents whose current approver was deactivated
are signalled so their ApprovalWorkflow can record it and operators can re-route them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

# Failures that retrying cannot fix: the admin has to change the configuration.
NON_RETRYABLE = ["AD_NOT_CONFIGURED", "AD_NO_PASSWORD", "AD_PASSWORD_UNREADABLE", "AD_BAD_CREDENTIALS",
                 "AD_BIND_FAILED", "AD_TLS_CERTIFICATE", "AD_TLS_FAILED", "AD_TLS_REQUIRED", "AD_NO_SUCH_OBJECT",
                 "AD_SYNC_RUNNING", "AD_NO_RUN"]
APPROVER_DEACTIVATED_SIGNAL = "approver_deactivated"


@dataclass
class ADSyncInput:
    mode: str = "incremental"  # "full" | "incremental" (incremental falls back to full the first time)
    trigger: str = "schedule"  # "schedule" | "manual"
    requested_by: int | None = None
    # Lets the workflow address the approval runs of this deployment (ids carry the prefix).
    temporal_prefix: str = ""
    # How long each try of the sync activity may go without a heartbeat, and how long between tries.
    heartbeat_seconds: float = 120.0
    retry_initial_seconds: float = 5.0


@dataclass
class BeginInput:
    mode: str
    trigger: str
    requested_by: int | None
    workflow_id: str
    run_id: str


@dataclass
class SyncSummary:
    mode: str
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    errors: int = 0
    processed: int = 0
    flagged_documents: list[int] = field(default_factory=list)


@dataclass
class FinishInput:
    log_id: int
    ok: bool
    error_code: str | None = None
    error_message: str | None = None


@dataclass
class ADSyncResult:
    log_id: int | None
    status: str
    summary: SyncSummary | None = None
    error_code: str | None = None
    error_message: str | None = None


@dataclass
class ApproverDeactivated:
    document_id: int
    sync_log_id: int


@workflow.defn
class ADSyncWorkflow:
    def __init__(self) -> None:
        self._phase = "starting"
        self._log_id: int | None = None

    @workflow.query
    def progress(self) -> dict[str, object]:
        return {"phase": self._phase, "log_id": self._log_id}

    @workflow.run
    async def run(self, data: ADSyncInput) -> ADSyncResult:
        info = workflow.info()
        short = RetryPolicy(maximum_attempts=5, non_retryable_error_types=NON_RETRYABLE)
        try:
            self._log_id = await workflow.execute_activity(
                "adsync.begin",
                BeginInput(mode=data.mode, trigger=data.trigger, requested_by=data.requested_by,
                           workflow_id=info.workflow_id, run_id=info.run_id),
                result_type=int, start_to_close_timeout=timedelta(seconds=30), retry_policy=short)
        except ActivityError as exc:
            code, message = _reason(exc)
            return ADSyncResult(log_id=None, status="skipped" if code == "AD_SYNC_RUNNING" else "failed",
                                error_code=code, error_message=message)
        self._phase = "syncing"
        try:
            summary = await workflow.execute_activity(
                "adsync.sync", self._log_id, result_type=SyncSummary,
                start_to_close_timeout=timedelta(hours=4),
                heartbeat_timeout=timedelta(seconds=data.heartbeat_seconds),
                retry_policy=RetryPolicy(initial_interval=timedelta(seconds=data.retry_initial_seconds),
                                         backoff_coefficient=2.0, maximum_interval=timedelta(minutes=5),
                                         maximum_attempts=6, non_retryable_error_types=NON_RETRYABLE))
        except ActivityError as exc:
            code, message = _reason(exc)
            self._phase = "failed"
            await workflow.execute_activity(
                "adsync.finish", FinishInput(self._log_id, ok=False, error_code=code, error_message=message),
                start_to_close_timeout=timedelta(seconds=30), retry_policy=RetryPolicy(maximum_attempts=10))
            return ADSyncResult(log_id=self._log_id, status="failed", error_code=code, error_message=message)
        self._phase = "finishing"
        await workflow.execute_activity(
            "adsync.finish", FinishInput(self._log_id, ok=True),
            start_to_close_timeout=timedelta(seconds=30), retry_policy=RetryPolicy(maximum_attempts=10))
        for document_id in summary.flagged_documents:
            handle = workflow.get_external_workflow_handle(f"{data.temporal_prefix}approval-{document_id}")
            try:
                await handle.signal(APPROVER_DEACTIVATED_SIGNAL, ApproverDeactivated(document_id, self._log_id))
            except ApplicationError:
                pass  # the document finished meanwhile: nothing to re-route
        self._phase = "done"
        status = "partial" if summary.errors else "completed"
        return ADSyncResult(log_id=self._log_id, status=status, summary=summary)


def _reason(exc: ActivityError) -> tuple[str, str]:
    cause = exc.cause
    if isinstance(cause, ApplicationError):
        return cause.type or "AD_ERROR", cause.message
    return "AD_ERROR", str(cause or exc)
