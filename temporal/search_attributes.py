"""Search attribute definitions for the server: the keys live with the workflows, the CLI spelling here."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType

from workflows.search_attributes import ALL_KEYS

__all__ = ["ALL_KEYS", "SEARCH_ATTRIBUTE_CLI_ARGS"]

_CLI_TYPE: dict[object, str] = {
    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD: "Keyword",
    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST: "KeywordList",
    IndexedValueType.INDEXED_VALUE_TYPE_DATETIME: "Datetime",
}
# The dev server's `--search-attribute NAME=TYPE` spelling of the same definitions.
SEARCH_ATTRIBUTE_CLI_ARGS: list[str] = [
    arg
    for key in ALL_KEYS
    for arg in ("--search-attribute", f"{key.name}={_CLI_TYPE[key.indexed_value_type]}")
]
