"""Custom search attributes operators use to find documents in the Temporal UI (no personal data)."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.common import SearchAttributeKey

DOCUMENT_ID = SearchAttributeKey.for_keyword("DocumentId")
APPROVAL_STATUS = SearchAttributeKey.for_keyword("ApprovalStatus")
CURRENT_APPROVERS = SearchAttributeKey.for_keyword_list("CurrentApprovers")
DRAFTER_ID = SearchAttributeKey.for_keyword("DrafterId")
TEMPLATE_CODE = SearchAttributeKey.for_keyword("TemplateCode")

ALL_KEYS = (DOCUMENT_ID, APPROVAL_STATUS, CURRENT_APPROVERS, DRAFTER_ID, TEMPLATE_CODE)

# The dev server's `--search-attribute NAME=TYPE` spelling of the same definitions.
_CLI_TYPE: dict[object, str] = {
    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD: "Keyword",
    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST: "KeywordList",
}
SEARCH_ATTRIBUTE_CLI_ARGS: list[str] = [
    arg
    for key in ALL_KEYS
    for arg in ("--search-attribute", f"{key.name}={_CLI_TYPE[key.indexed_value_type]}")
]
