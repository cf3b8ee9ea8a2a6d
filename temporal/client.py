"""Temporal client factory: one place decides address, namespace and the pydantic data converter."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter
from pydantic_core import to_json
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultPayloadConverter,
    EncodingPayloadConverter,
    JSONPlainPayloadConverter,
)

from portal.settings import Settings


@lru_cache(maxsize=1024)
def _adapter(type_hint: Any) -> TypeAdapter[Any]:
    return TypeAdapter(type_hint)


class SharedPydanticJSONConverter(EncodingPayloadConverter):
    """`json/plain` through pydantic, as `temporalio.contrib.pydantic` writes it, with the type adapters kept
    per process. The SDK builds a new payload converter for every workflow instance, so an adapter cached in
    the converter itself was rebuilt (schema generation, a few ms) for every document the worker ran."""

    @property
    def encoding(self) -> str:
        return "json/plain"

    def to_payload(self, value: Any) -> Payload | None:
        return Payload(metadata={"encoding": b"json/plain"}, data=to_json(value))

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        hint: Any = Any if type_hint is None else type_hint
        try:
            adapter = _adapter(hint)
        except TypeError:  # an unhashable hint: build it once for this payload
            adapter = TypeAdapter(hint)
        return adapter.validate_json(payload.data)


_ENCODINGS: tuple[EncodingPayloadConverter, ...] = tuple(
    SharedPydanticJSONConverter() if isinstance(c, JSONPlainPayloadConverter) else c
    for c in DefaultPayloadConverter.default_encoding_payload_converters
)


class PayloadConverter(CompositePayloadConverter):
    """The SDK's default encodings, with JSON handled by `SharedPydanticJSONConverter`. The SDK builds one of
    these for every workflow activation; the encoding converters hold no state and are shared."""

    def __init__(self) -> None:
        super().__init__(*_ENCODINGS)


data_converter = DataConverter(payload_converter_class=PayloadConverter)


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.effective_temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter,
    )
