"""The workflow runner: the SDK's sandbox, without a per-payload trip into it that changes nothing here, and
with the workflow modules' code objects kept in memory.

Before decoding an activation and after encoding a completion, the worker asks the workflow instance for a
serialisation context and an external-store context for every payload sequence, three times over (codec,
external storage, storage references). A sandboxed instance answers each question by compiling and
running a snippet inside the sandbox: in the approval benchmark about an eighth of the worker's CPU.
The answers only select which payload codec or external store sees the payloads (the workflow's own
conversion of payloads to values happens inside the sandbox and does not ask). With neither configured,
as in our data converter, every answer leads to the same no-op, so the instance answers without entering
the sandbox. Workflow code still runs only inside the sandbox, with the same restrictions.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.machinery import BYTECODE_SUFFIXES, SOURCE_SUFFIXES, FileFinder, SourceFileLoader, SourcelessFileLoader
from types import CodeType, ModuleType

import temporalio.workflow
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.converter import (
    DataConverter,
    SerializationContext,
    StorageDriverStoreContext,
    StorageDriverWorkflowInfo,
)
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

# The sandbox stays on; modules the SDK itself imports lazily are passed through instead of re-imported.
RESTRICTIONS = SandboxRestrictions.default.with_passthrough_modules("opentelemetry", "pydantic", "pydantic_core")


def contexts_unused(converter: DataConverter) -> bool:
    """True when the worker's payload contexts cannot change what happens to a payload: its own encoding and
    decoding of activations and completions only run the payload codec and the external storage, and with
    neither configured they leave every payload as it is."""
    return converter.payload_codec is None and converter.external_storage is None


class _CachedCodeLoader(SourceFileLoader):
    """Loads a module's code object from disk once per process (and again only if the file changes). The sandbox
    imports a workflow's module afresh for every run, so that each run gets its own module state; the code
    object itself is immutable and is executed anew each time, so sharing it changes nothing but the cost."""

    _codes: dict[tuple[str, int], CodeType] = {}

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        key = (path, os.stat(path).st_mtime_ns)
        code = self._codes.get(key)
        if code is None:
            loaded = super().get_code(fullname)
            assert loaded is not None  # a source file always has code
            code = self._codes[key] = loaded
        return code


def cache_module_code(package: ModuleType) -> None:
    """Serve the modules of `package` through `_CachedCodeLoader` (the import system's per-directory finder)."""
    for directory in package.__path__:
        sys.path_importer_cache[directory] = FileFinder(
            directory, (_CachedCodeLoader, SOURCE_SUFFIXES), (SourcelessFileLoader, BYTECODE_SUFFIXES))


class _ContextFreeInstance(WorkflowInstance):
    """A sandboxed instance that answers the worker's context questions outside the sandbox."""

    def __init__(self, inner: WorkflowInstance) -> None:
        self._inner = inner
        info = inner.get_info()
        self._store = StorageDriverStoreContext(target=StorageDriverWorkflowInfo(
            id=info.workflow_id, run_id=info.run_id, type=info.workflow_type, namespace=info.namespace))

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        return self._inner.activate(act)

    def get_serialization_context(self, command_info: object | None) -> SerializationContext | None:
        return None  # the context-free converter: the same no-op as any context would select

    def get_external_store_context(self, command_info: object | None) -> StorageDriverStoreContext:
        return self._store  # no external storage is configured, so no store is ever opened with it

    def get_info(self) -> temporalio.workflow.Info:
        return self._inner.get_info()

    def get_thread_id(self) -> int | None:
        return self._inner.get_thread_id()


class WorkflowSandbox(WorkflowRunner):
    """`SandboxedWorkflowRunner` with `RESTRICTIONS`; its instances skip the context round trips when
    `converter` makes them pointless (see the module docstring), and are the SDK's own otherwise."""

    def __init__(self, converter: DataConverter, restrictions: SandboxRestrictions = RESTRICTIONS) -> None:
        self.sandboxed = SandboxedWorkflowRunner(restrictions=restrictions)
        self._context_free = contexts_unused(converter)

    def prepare_workflow(self, defn: temporalio.workflow._Definition) -> None:
        package = sys.modules.get(defn.cls.__module__.rpartition(".")[0])
        if package is not None and hasattr(package, "__path__"):
            cache_module_code(package)  # before the first sandboxed import of the workflow's module
        self.sandboxed.prepare_workflow(defn)

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        instance = self.sandboxed.create_instance(det)
        return _ContextFreeInstance(instance) if self._context_free else instance

    def set_worker_level_failure_exception_types(self, types: Sequence[type[BaseException]]) -> None:
        self.sandboxed.set_worker_level_failure_exception_types(types)
