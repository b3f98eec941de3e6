"""voronka: sales pipelines as stage graphs, from Python.

A binding of the C API (include/voronka/voronka.h) through ctypes:

    import voronka
    with voronka.Store.memory() as store:
        store.add_process(Path("typical_sale.json"))
        store.append_events(frame)              # a DataFrame of deal events
        store.history(basis="closed").to_pandas()

docs/python.md is the guide; docs/semantics.md defines every number.
"""
from ._library import lib as _lib
from .errors import (ConflictingDuplicateError, CorruptStoreError, IllegalTransitionError,
                     InternalError, InvalidArgumentError, InvalidProcessError,
                     LimitExceededError, LockedError, NotFoundError, OutOfMemoryError,
                     OutOfOrderError, StoreIOError, VersionMismatchError, VoronkaError)
from ._times import format_ms, to_ms
from .report import REPORTS, Partial, Report, finish, merge
from .store import AppendResult, Deal, ImportResult, ProcessVersion, SalvageResult, Store, salvage


def version() -> str:
    """The version of the loaded library, e.g. "0.1.0"."""
    return _lib().vrk_version_string().decode()


__all__ = [
    "Store", "Report", "Partial", "Deal", "AppendResult", "ImportResult", "ProcessVersion",
    "SalvageResult", "merge", "finish", "salvage", "version", "to_ms", "format_ms", "REPORTS",
    "VoronkaError", "InvalidArgumentError", "NotFoundError", "InvalidProcessError",
    "IllegalTransitionError", "OutOfOrderError", "ConflictingDuplicateError",
    "CorruptStoreError", "LockedError", "StoreIOError", "VersionMismatchError",
    "LimitExceededError", "OutOfMemoryError", "InternalError",
]
