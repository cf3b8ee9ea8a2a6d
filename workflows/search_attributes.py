"""Search attribute keys that workflows upsert; operators query them in the Temporal UI (no personal data)."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

DOCUMENT_ID = SearchAttributeKey.for_keyword("DocumentId")
APPROVAL_STATUS = SearchAttributeKey.for_keyword("ApprovalStatus")
CURRENT_APPROVERS = SearchAttributeKey.for_keyword_list("CurrentApprovers")
DRAFTER_ID = SearchAttributeKey.for_keyword("DrafterId")
TEMPLATE_CODE = SearchAttributeKey.for_keyword("TemplateCode")
# When the current step escalates if nobody acts (absent while on hold or finished): finds overdue documents.
STEP_DEADLINE = SearchAttributeKey.for_datetime("StepDeadline")

ALL_KEYS = (DOCUMENT_ID, APPROVAL_STATUS, CURRENT_APPROVERS, DRAFTER_ID, TEMPLATE_CODE, STEP_DEADLINE)
