"""Loads the voronka shared library and declares its C API to ctypes.

Every function of include/voronka/voronka.h is declared here, with the
structs it takes; tests/test_c_api_coverage.py checks the two agree.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import (POINTER, Structure, c_char_p, c_double, c_int, c_int64, c_size_t,
                    c_uint8, c_uint32, c_uint64, c_void_p)
from pathlib import Path
from typing import List, Optional, Union

from .errors import InvalidArgumentError

_LIBRARY_NAME = "libvoronka.so"
_ABI_MAJOR = 0  # the major version this package binds


class VrkBuf(Structure):
    _fields_ = [("data", c_void_p), ("size", c_size_t)]


class StoreOptions(Structure):
    _fields_ = [("size", c_size_t), ("durability", c_int), ("read_only", c_int),
                ("create_if_missing", c_int), ("checkpoint_every", c_uint64),
                ("group_max_delay_ms", c_uint32), ("group_max_events", c_uint32)]


class OpenInfo(Structure):
    _fields_ = [("size", c_size_t), ("replayed_events", c_uint64),
                ("dropped_tail_bytes", c_uint64), ("from_checkpoint", c_int),
                ("created", c_int), ("warning", c_char_p)]


class StoreStats(Structure):
    _fields_ = [("size", c_size_t), ("deals", c_uint64), ("events", c_uint64),
                ("latest_event_at", c_int64), ("memory_bytes", c_uint64),
                ("file_bytes", c_uint64), ("log_records", c_uint64),
                ("durable_bytes", c_uint64), ("checkpoint_events", c_uint64)]


class StageInfo(Structure):
    _fields_ = [("size", c_size_t), ("key", c_char_p), ("name", c_char_p),
                ("has_probability", c_int), ("probability", c_double),
                ("sla_unit", c_int), ("sla", c_uint32),
                ("rotting_unit", c_int), ("rotting", c_uint32),
                ("owner_role", c_char_p), ("required_fields", POINTER(c_char_p)),
                ("required_field_count", c_size_t), ("leads_to_won", c_int)]


class Event(Structure):
    _fields_ = [("size", c_size_t), ("event_id", c_char_p), ("deal", c_char_p),
                ("at", c_int64), ("kind", c_int), ("process", c_char_p),
                ("stage", c_char_p), ("amount", c_int64), ("owner", c_char_p),
                ("client", c_char_p), ("reason", c_char_p), ("field", c_char_p),
                ("value", c_char_p), ("activity", c_char_p)]


# Text columns are arrays of char pointers; ctypes sees them as void*, so
# that numpy arrays of addresses can be passed without copying.
EVENT_TEXT_COLUMNS = ("event_id", "deal", "process", "stage", "owner", "client",
                      "reason", "field", "value", "activity")


class EventColumns(Structure):
    _fields_ = [("size", c_size_t), ("count", c_size_t), ("event_id", c_void_p),
                ("deal", c_void_p), ("at", c_void_p), ("kind", c_void_p),
                ("process", c_void_p), ("stage", c_void_p), ("amount", c_void_p),
                ("owner", c_void_p), ("client", c_void_p), ("reason", c_void_p),
                ("field", c_void_p), ("value", c_void_p), ("activity", c_void_p)]


class CsvOptions(Structure):
    _fields_ = [("size", c_size_t), ("map_from", POINTER(c_char_p)),
                ("map_to", POINTER(c_char_p)), ("map_count", c_size_t),
                ("time_format", c_int), ("rejects_path", c_char_p)]


class ImportStats(Structure):
    _fields_ = [("size", c_size_t), ("rows", c_uint64), ("accepted", c_uint64),
                ("duplicates", c_uint64), ("rejected", c_uint64)]


class Filter(Structure):
    _fields_ = [("process", c_char_p), ("owners", POINTER(c_char_p)), ("owner_count", c_size_t),
                ("clients", POINTER(c_char_p)), ("client_count", c_size_t),
                ("field_keys", POINTER(c_char_p)), ("field_values", POINTER(c_char_p)),
                ("field_count", c_size_t), ("has_from", c_int), ("from_", c_int64),
                ("has_to", c_int), ("to", c_int64), ("has_as_of", c_int), ("as_of", c_int64)]


class Breakdown(Structure):
    _fields_ = [("by", c_int), ("field", c_char_p)]


def _options(name: str, *own) -> type:
    fields = [("size", c_size_t), ("filter", Filter)]
    return type(name, (Structure,), {"_fields_": fields + list(own)})


SnapshotOptions = _options("SnapshotOptions", ("breakdown", Breakdown), ("rotting_days", c_uint32))
HistoryOptions = _options("HistoryOptions", ("breakdown", Breakdown), ("basis", c_int),
                          ("count", c_int))
ConversionOptions = _options("ConversionOptions", ("breakdown", Breakdown), ("basis", c_int),
                             ("count", c_int))
DurationsOptions = _options("DurationsOptions", ("breakdown", Breakdown), ("basis", c_int),
                            ("cumulative", c_int))
ObligationsOptions = _options("ObligationsOptions")
LossesOptions = _options("LossesOptions", ("breakdown", Breakdown))
OwnersOptions = _options("OwnersOptions")
ForecastOptions = _options("ForecastOptions", ("breakdown", Breakdown),
                           ("lookback_days", c_uint32))
WhatIfOptions = _options("WhatIfOptions", ("inflow", c_double), ("all_stages", c_double),
                         ("stages", POINTER(c_char_p)), ("multipliers", POINTER(c_double)),
                         ("stage_count", c_size_t), ("sensitivity_step", c_double))
WindowOptions = _options("WindowOptions", ("breakdown", Breakdown), ("window_ms", c_int64),
                         ("mode", c_int))

_p = c_void_p  # every handle is an opaque pointer
_pp = POINTER(c_void_p)  # an out-parameter receiving a handle
_INT_P = POINTER(c_int)

# name: (result type, argument types), in the order of voronka.h.
SIGNATURES = {
    "vrk_version": (c_int, []),
    "vrk_version_string": (c_char_p, []),
    "vrk_last_error": (c_char_p, []),
    "vrk_last_error_code": (c_int, []),
    "vrk_status_string": (c_char_p, [c_int]),
    "vrk_buf_free": (None, [POINTER(VrkBuf)]),
    "vrk_time_parse": (c_int, [POINTER(c_int64), c_char_p]),
    "vrk_time_format": (c_int, [POINTER(VrkBuf), c_int64]),
    "vrk_store_options_init": (None, [POINTER(StoreOptions)]),
    "vrk_store_open": (c_int, [_pp, c_char_p, POINTER(StoreOptions)]),
    "vrk_store_open_memory": (c_int, [_pp]),
    "vrk_store_close": (None, [_p]),
    "vrk_store_open_info": (c_int, [POINTER(OpenInfo), _p]),
    "vrk_store_get_stats": (c_int, [POINTER(StoreStats), _p]),
    "vrk_store_refresh": (c_int, [_p, _INT_P]),
    "vrk_store_sync": (c_int, [_p]),
    "vrk_store_checkpoint": (c_int, [_p]),
    "vrk_store_salvage": (c_int, [_pp, c_char_p, c_char_p]),
    "vrk_salvage_report_records_kept": (c_uint64, [_p]),
    "vrk_salvage_report_events_kept": (c_uint64, [_p]),
    "vrk_salvage_report_bytes_lost": (c_uint64, [_p]),
    "vrk_salvage_report_damage_offset": (c_uint64, [_p]),
    "vrk_salvage_report_damage": (c_char_p, [_p]),
    "vrk_salvage_report_free": (None, [_p]),
    "vrk_store_add_process": (c_int, [POINTER(c_uint32), _INT_P, _p, c_char_p]),
    "vrk_store_get_process": (c_int, [_pp, _p, c_char_p]),
    "vrk_store_list_processes": (c_int, [_pp, _p]),
    "vrk_process_list_count": (c_size_t, [_p]),
    "vrk_process_list_key": (c_char_p, [_p, c_size_t]),
    "vrk_process_list_get": (c_int, [_pp, _p, c_size_t]),
    "vrk_process_list_free": (None, [_p]),
    "vrk_process_key": (c_char_p, [_p]),
    "vrk_process_name": (c_char_p, [_p]),
    "vrk_process_version": (c_uint32, [_p]),
    "vrk_process_mode": (c_int, [_p]),
    "vrk_process_stage_count": (c_size_t, [_p]),
    "vrk_process_stage": (c_int, [POINTER(StageInfo), _p, c_size_t]),
    "vrk_process_json": (c_int, [POINTER(VrkBuf), _p]),
    "vrk_process_free": (None, [_p]),
    "vrk_event_init": (None, [POINTER(Event)]),
    "vrk_store_append": (c_int, [_INT_P, _p, POINTER(Event)]),
    "vrk_event_columns_init": (None, [POINTER(EventColumns)]),
    "vrk_store_append_batch": (c_int, [_pp, _p, POINTER(EventColumns)]),
    "vrk_batch_result_count": (c_size_t, [_p]),
    "vrk_batch_result_accepted": (c_size_t, [_p]),
    "vrk_batch_result_duplicates": (c_size_t, [_p]),
    "vrk_batch_result_rejected": (c_size_t, [_p]),
    "vrk_batch_result_outcome": (c_int, [_p, c_size_t]),
    "vrk_batch_result_outcomes": (POINTER(c_uint8), [_p]),
    "vrk_batch_result_code": (c_int, [_p, c_size_t]),
    "vrk_batch_result_message": (c_char_p, [_p, c_size_t]),
    "vrk_batch_result_free": (None, [_p]),
    "vrk_csv_options_init": (None, [POINTER(CsvOptions)]),
    "vrk_store_import_csv": (c_int, [POINTER(ImportStats), _p, c_char_p, POINTER(CsvOptions)]),
    "vrk_store_get_deal": (c_int, [_pp, _p, c_char_p]),
    "vrk_deal_key": (c_char_p, [_p]),
    "vrk_deal_process": (c_char_p, [_p]),
    "vrk_deal_process_version": (c_uint32, [_p]),
    "vrk_deal_status": (c_int, [_p]),
    "vrk_deal_stage": (c_char_p, [_p]),
    "vrk_deal_stage_since": (c_int64, [_p]),
    "vrk_deal_opened_at": (c_int64, [_p]),
    "vrk_deal_closed_at": (c_int64, [_p]),
    "vrk_deal_amount": (c_int64, [_p]),
    "vrk_deal_owner": (c_char_p, [_p]),
    "vrk_deal_client": (c_char_p, [_p]),
    "vrk_deal_lost_reason": (c_char_p, [_p]),
    "vrk_deal_events": (c_uint32, [_p]),
    "vrk_deal_field_count": (c_size_t, [_p]),
    "vrk_deal_field_key": (c_char_p, [_p, c_size_t]),
    "vrk_deal_field_value": (c_char_p, [_p, c_size_t]),
    "vrk_deal_field": (c_char_p, [_p, c_char_p]),
    "vrk_deal_free": (None, [_p]),
    "vrk_snapshot_options_init": (None, [POINTER(SnapshotOptions)]),
    "vrk_history_options_init": (None, [POINTER(HistoryOptions)]),
    "vrk_conversion_options_init": (None, [POINTER(ConversionOptions)]),
    "vrk_durations_options_init": (None, [POINTER(DurationsOptions)]),
    "vrk_obligations_options_init": (None, [POINTER(ObligationsOptions)]),
    "vrk_losses_options_init": (None, [POINTER(LossesOptions)]),
    "vrk_owners_options_init": (None, [POINTER(OwnersOptions)]),
    "vrk_forecast_options_init": (None, [POINTER(ForecastOptions)]),
    "vrk_whatif_options_init": (None, [POINTER(WhatIfOptions)]),
    "vrk_window_options_init": (None, [POINTER(WindowOptions)]),
    "vrk_store_report_snapshot": (c_int, [_pp, _p, POINTER(SnapshotOptions)]),
    "vrk_store_report_history": (c_int, [_pp, _p, POINTER(HistoryOptions)]),
    "vrk_store_report_conversion": (c_int, [_pp, _p, POINTER(ConversionOptions)]),
    "vrk_store_report_durations": (c_int, [_pp, _p, POINTER(DurationsOptions)]),
    "vrk_store_report_obligations": (c_int, [_pp, _p, POINTER(ObligationsOptions)]),
    "vrk_store_report_losses": (c_int, [_pp, _p, POINTER(LossesOptions)]),
    "vrk_store_report_owners": (c_int, [_pp, _p, POINTER(OwnersOptions)]),
    "vrk_store_report_forecast": (c_int, [_pp, _p, POINTER(ForecastOptions)]),
    "vrk_store_report_whatif": (c_int, [_pp, _p, POINTER(WhatIfOptions)]),
    "vrk_store_report_window": (c_int, [_pp, _p, POINTER(WindowOptions)]),
    "vrk_store_report_json": (c_int, [_pp, _p, c_char_p]),
    "vrk_report_name": (c_char_p, [_p]),
    "vrk_report_title": (c_char_p, [_p]),
    "vrk_report_table_count": (c_size_t, [_p]),
    "vrk_report_table_name": (c_char_p, [_p, c_size_t]),
    "vrk_report_find_table": (c_int, [POINTER(c_size_t), _p, c_char_p]),
    "vrk_report_column_count": (c_size_t, [_p, c_size_t]),
    "vrk_report_column_name": (c_char_p, [_p, c_size_t, c_size_t]),
    "vrk_report_column_kind": (c_int, [_p, c_size_t, c_size_t]),
    "vrk_report_find_column": (c_int, [POINTER(c_size_t), _p, c_size_t, c_char_p]),
    "vrk_report_row_count": (c_size_t, [_p, c_size_t]),
    "vrk_report_value_type": (c_int, [_p, c_size_t, c_size_t, c_size_t]),
    "vrk_report_int64": (c_int64, [_p, c_size_t, c_size_t, c_size_t]),
    "vrk_report_double": (c_double, [_p, c_size_t, c_size_t, c_size_t]),
    "vrk_report_text": (c_char_p, [_p, c_size_t, c_size_t, c_size_t]),
    "vrk_report_protobuf": (c_int, [POINTER(VrkBuf), _p]),
    "vrk_report_json": (c_int, [POINTER(VrkBuf), _p]),
    "vrk_report_render": (c_int, [POINTER(VrkBuf), _p, c_int, c_char_p]),
    "vrk_report_free": (None, [_p]),
    "vrk_store_compute_partial": (c_int, [_pp, _p, c_char_p]),
    "vrk_partial_serialize": (c_int, [POINTER(VrkBuf), _p]),
    "vrk_partial_deserialize": (c_int, [_pp, c_char_p, c_size_t]),
    "vrk_partial_merge": (c_int, [_pp, POINTER(c_void_p), c_size_t]),
    "vrk_partial_finish": (c_int, [_pp, _p]),
    "vrk_partial_free": (None, [_p]),
}


def _candidates() -> List[Path]:
    """Where the library is looked for, in order."""
    places: List[Path] = []
    explicit = os.environ.get("VORONKA_LIBRARY")
    if explicit:
        places.append(Path(explicit))
    package = Path(__file__).resolve().parent
    places.append(package / _LIBRARY_NAME)
    # The source tree: bindings/python/voronka -> the repository's build dirs.
    root = package.parents[2]
    for build in ("build", "build-release", "build-asan"):
        places.append(root / build / _LIBRARY_NAME)
    return places


def _load() -> ctypes.CDLL:
    explicit = os.environ.get("VORONKA_LIBRARY")
    if explicit and not Path(explicit).is_file():
        raise OSError(f"voronka: VORONKA_LIBRARY is {explicit}, which is not a file")
    tried = []
    for path in _candidates():
        if path.is_file():
            library = ctypes.CDLL(str(path))
            break
        tried.append(str(path))
    else:
        installed = ctypes.util.find_library("voronka")  # e.g. after `cmake --install`
        if installed is None:
            raise OSError("voronka: the shared library libvoronka.so was not found; looked at "
                          + ", ".join(tried) + " and the system's library path"
                          + " (set VORONKA_LIBRARY to its path, or build it with `make`)")
        library = ctypes.CDLL(installed)
    for name, (restype, argtypes) in SIGNATURES.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes
    major = library.vrk_version() // 10000
    if major != _ABI_MAJOR:
        raise OSError(f"voronka: {library._name} has ABI version {major}, "
                      f"this package binds version {_ABI_MAJOR}")
    return library


_library: Optional[ctypes.CDLL] = None


def lib() -> ctypes.CDLL:
    """The loaded library, loading it on first use."""
    global _library
    if _library is None:
        _library = _load()
    return _library


class Owned:
    """An object owning a library handle, which the C function named by
    _RELEASE frees when the object is released or collected."""

    _RELEASE = ""

    def __init__(self, handle: ctypes.c_void_p) -> None:
        self._handle: Optional[ctypes.c_void_p] = handle
        self._lib = lib()

    def _release(self) -> None:
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            getattr(self._lib, self._RELEASE)(handle)

    def __del__(self) -> None:
        self._release()

    # A copy would free the same handle twice.
    def __copy__(self) -> "Owned":
        raise TypeError(f"a voronka.{type(self).__name__} cannot be copied: it owns a "
                        "library handle")

    def __deepcopy__(self, memo: object) -> "Owned":
        return self.__copy__()

    def __reduce_ex__(self, protocol: object) -> object:
        raise TypeError(f"a voronka.{type(self).__name__} cannot be pickled: it owns a "
                        "library handle")


def shown(value: str, limit: Optional[int] = None) -> str:
    """A string in a message: its repr, NUL as \\0, cut after `limit` characters."""
    if limit is not None and len(value) > limit:
        cut = repr(value[:limit]).replace("\\x00", "\\0")
        return cut[:-1] + "..." + cut[-1]  # inside its quotes, whichever repr chose
    return repr(value).replace("\\x00", "\\0")


def c_text(value: str, what: str, limit: Optional[int] = None) -> bytes:
    """A string as the C API takes it: UTF-8 without a NUL, where C would
    see its end (a deal "A\\0x" would be deal A)."""
    if "\0" in value:
        raise InvalidArgumentError(f"{what}: {shown(value, limit)} holds a NUL character")
    try:
        return value.encode()
    except UnicodeEncodeError:  # a lone surrogate
        raise InvalidArgumentError(f"{what}: {shown(value, limit)} is not valid UTF-8 "
                                   "text") from None


def c_path(path: Union[str, os.PathLike], what: str) -> bytes:
    """A path as the C API takes it (the file system's encoding, no NUL)."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise InvalidArgumentError(f"{what}: expected a path, not {type(path).__name__}")
    encoded = os.fsencode(path)
    if b"\0" in encoded:
        raise InvalidArgumentError(f"{what}: {shown(os.fsdecode(encoded))} holds a NUL "
                                   "character")
    return encoded


def take_buf(buf: VrkBuf) -> bytes:
    """The buffer's bytes, releasing the buffer."""
    try:
        return ctypes.string_at(buf.data, buf.size) if buf.size else b""
    finally:
        lib().vrk_buf_free(ctypes.byref(buf))
