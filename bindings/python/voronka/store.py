"""Stores: the ledger of deals, in a file or in memory."""
from __future__ import annotations

import ctypes
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Union

import numpy as np
import pandas as pd

from . import _columns
from ._library import (CsvOptions, Event, ImportStats, OpenInfo, Owned, StageInfo, StoreOptions,
                       StoreStats, VrkBuf, c_path, c_text, lib, take_buf)
from ._times import to_ms
from .errors import InvalidArgumentError, VoronkaError, check
from .report import Partial, Report, spec_json

_DURABILITY = {"sync": 0, "group": 1, "none": 2}
_TIME_FORMATS = {"iso8601": 0, "epoch-s": 1, "epoch-ms": 2}
_OUTCOMES = ("accepted", "duplicate", "rejected")
_STATUS = {1: "open", 2: "frozen", 3: "won", 4: "lost"}
_NO_TIME = -(2 ** 63)
_STATUS_NAMES: Dict[int, str] = {}

PathLike = Union[str, os.PathLike]


class ProcessVersion(NamedTuple):
    """What add_process did: the version id now current for the key, and
    whether the definition made a new version."""
    version_id: int
    created: bool


@dataclass
class Deal:
    """A deal's current state. Times are ms since the epoch (None when
    absent); the amount is in minor units."""
    key: str
    process: str
    process_version: int
    status: str
    stage: str
    stage_since: Optional[int]
    opened_at: Optional[int]
    closed_at: Optional[int]
    amount: int
    owner: str
    client: str
    lost_reason: str
    events: int
    fields: Dict[str, str] = field(default_factory=dict)


@dataclass
class AppendResult:
    """The outcome of a batch: counts, and a DataFrame of the rejected rows
    with columns `row` (the position in the input), `status` and `error`."""
    rows: int
    accepted: int
    duplicates: int
    rejected: int
    rejects: pd.DataFrame


@dataclass
class ImportResult:
    """What a CSV import did (rows of the file, events accepted, duplicates,
    rejected rows)."""
    rows: int
    accepted: int
    duplicates: int
    rejected: int


def _text(value: Optional[bytes]) -> str:
    return value.decode() if value else ""


def _time(value: int) -> Optional[int]:
    return None if value == _NO_TIME else value


def _key(value: Any, what: str) -> bytes:
    """A key (process, deal) as the C API takes it."""
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{what}: expected a string, not {type(value).__name__}")
    return c_text(value, what)


def _json_value(value: Any) -> Any:
    """numpy scalars in a process definition, as JSON takes them."""
    if isinstance(value, np.generic) and not isinstance(value, (np.datetime64, np.timedelta64)):
        return value.item()
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON")


def _status_name(code: int) -> str:
    if code not in _STATUS_NAMES:
        _STATUS_NAMES[code] = lib().vrk_status_string(code).decode()
    return _STATUS_NAMES[code]


class _InUse:
    """`with _InUse(store) as handle:` around each C call on a store: the
    handle of an open store, counted as in use until the block ends."""

    __slots__ = ("store",)

    def __init__(self, store: "Store") -> None:
        self.store = store

    def __enter__(self) -> ctypes.c_void_p:
        store = self.store
        with store._idle:
            if store._handle is None or store._closing:
                raise InvalidArgumentError("the store is closed")
            store._calls += 1
        return store._handle

    def __exit__(self, *exc: Any) -> None:
        store = self.store
        with store._idle:
            store._calls -= 1
            # Only close() waits, and only once it has set _closing.
            if store._calls == 0 and store._closing:
                store._idle.notify_all()


class Store(Owned):
    """A ledger of deals. Open one with Store.open(path) or Store.memory(),
    preferably in a `with` block, which closes it.

    Reports take the CLI's options as keywords: process, owner, client,
    field ({key: value}), start and end (the period [start, end)), as_of
    (also `at`), by ("owner", "field:NAME", "month", ...), and each report's
    own (basis, count, cumulative, rotting_days, lookback_days, inflow,
    all_stages, stage_multiplier, sensitivity_step, window, mode). Times are
    datetimes, ISO 8601 strings or epoch milliseconds."""

    _RELEASE = "vrk_store_close"

    def __init__(self, handle: ctypes.c_void_p, path: Optional[str]) -> None:
        super().__init__(handle)
        self.path = path
        # vrk_store_close must not run while another thread is in a call on
        # the store: close() waits for the calls in progress (counted here)
        # and refuses new ones.
        self._idle = threading.Condition()
        self._calls = 0
        self._closing = False

    # -- opening and closing ------------------------------------------------

    @classmethod
    def open(cls, path: PathLike, durability: str = "sync", read_only: bool = False,
             create_if_missing: bool = True, checkpoint_every: int = 0) -> "Store":
        """Opens (or creates) the store file at `path`. durability: "sync"
        (each append synced), "group" (synced soon after, for throughput) or
        "none"."""
        if durability not in _DURABILITY:
            raise InvalidArgumentError(f"durability: '{durability}' is not one of "
                                       f"{', '.join(_DURABILITY)}")
        for name, flag in (("read_only", read_only), ("create_if_missing", create_if_missing)):
            if not isinstance(flag, (bool, np.bool_)):
                raise InvalidArgumentError(f"{name}: {flag!r} is not True or False")
        # ctypes would wrap a negative count around to a huge one.
        if (not isinstance(checkpoint_every, (int, np.integer)) or
                isinstance(checkpoint_every, (bool, np.bool_)) or
                not 0 <= checkpoint_every < 2 ** 64):
            raise InvalidArgumentError(f"checkpoint_every: {checkpoint_every!r} is not a number "
                                       "of events")
        options = StoreOptions()
        lib().vrk_store_options_init(ctypes.byref(options))
        options.durability = _DURABILITY[durability]
        options.read_only = int(read_only)
        options.create_if_missing = int(create_if_missing)
        options.checkpoint_every = int(checkpoint_every)
        handle = ctypes.c_void_p()
        check(lib().vrk_store_open(ctypes.byref(handle), c_path(path, "path"),
                                   ctypes.byref(options)))
        return cls(handle, os.fspath(path))

    @classmethod
    def memory(cls) -> "Store":
        """A store kept in memory only."""
        handle = ctypes.c_void_p()
        check(lib().vrk_store_open_memory(ctypes.byref(handle)))
        return cls(handle, None)

    def close(self) -> None:
        """Closes the store once the calls other threads are making on it
        have returned; further use raises. Idempotent. What waits for a
        group commit is synced first: a sync that fails raises its error,
        the store closed all the same."""
        self._close(raise_failure=True)

    def _close(self, raise_failure: bool) -> None:
        failure = None
        with self._idle:
            self._closing = True
            self._idle.wait_for(lambda: self._calls == 0)
            if self._handle is None:
                return
            # vrk_store_close syncs too, but cannot say that it failed.
            try:
                check(self._lib.vrk_store_sync(self._handle))
            except VoronkaError as error:
                failure = error
            finally:
                self._release()
        if failure is not None and raise_failure:
            raise failure

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        # On an error, that error is the one to see (a failed write makes
        # the sync fail the same way).
        self._close(raise_failure=exc_type is None)

    @property
    def closed(self) -> bool:
        return self._handle is None or self._closing

    def __repr__(self) -> str:
        where = self.path if self.path else "memory"
        return f"<voronka.Store {where}{' (closed)' if self.closed else ''}>"

    # -- the store's own figures ---------------------------------------------

    def stats(self) -> Dict[str, int]:
        """deals, events, latest_event_at, memory_bytes, file_bytes,
        log_records, durable_bytes, checkpoint_events."""
        out = StoreStats()
        out.size = ctypes.sizeof(StoreStats)
        with _InUse(self) as store:
            check(self._lib.vrk_store_get_stats(ctypes.byref(out), store))
        return {name: getattr(out, name) for name, _ in StoreStats._fields_ if name != "size"}

    def open_info(self) -> Dict[str, Any]:
        """What opening found: replayed_events, dropped_tail_bytes,
        from_checkpoint, created, warning."""
        out = OpenInfo()
        out.size = ctypes.sizeof(OpenInfo)
        with _InUse(self) as store:
            check(self._lib.vrk_store_open_info(ctypes.byref(out), store))
        return {"replayed_events": out.replayed_events,
                "dropped_tail_bytes": out.dropped_tail_bytes,
                "from_checkpoint": bool(out.from_checkpoint), "created": bool(out.created),
                "warning": _text(out.warning)}

    def refresh(self) -> bool:
        """A read-only store: applies what the writer appended since; whether
        anything was."""
        changed = ctypes.c_int()
        with _InUse(self) as store:
            check(self._lib.vrk_store_refresh(store, ctypes.byref(changed)))
        return bool(changed.value)

    def sync(self) -> None:
        """Makes everything appended so far durable now."""
        with _InUse(self) as store:
            check(self._lib.vrk_store_sync(store))

    def checkpoint(self) -> None:
        """Writes a checkpoint so that the next open replays only what follows."""
        with _InUse(self) as store:
            check(self._lib.vrk_store_checkpoint(store))

    # -- processes ----------------------------------------------------------

    def add_process(self, definition: Union[str, Mapping[str, Any], os.PathLike]) -> ProcessVersion:
        """Adds a process from its JSON text, a dict of the same form (as
        process() gives it), or a path (or a string naming a file) to a JSON
        file; a changed definition under a known key is a new version."""
        if isinstance(definition, Mapping):
            # process() adds the version and the funnel, which the store works
            # out itself: a definition it gave goes back in as it came out.
            definition = {k: v for k, v in definition.items() if k not in ("version", "funnel")}
            try:
                text = json.dumps(definition, default=_json_value)
            except (TypeError, ValueError) as error:
                raise InvalidArgumentError(f"process: {error}") from None
        elif isinstance(definition, os.PathLike):
            text = Path(definition).read_text(encoding="utf-8")
        elif isinstance(definition, str):
            text = definition
            # A definition is a JSON object; any other text names its file.
            if not text.lstrip().startswith("{"):
                if not os.path.isfile(text):
                    shown = text if len(text) <= 60 else text[:60] + "..."
                    raise InvalidArgumentError(f"process: {shown!r} is neither a process "
                                               "definition in JSON nor a file")
                text = Path(text).read_text(encoding="utf-8")
        else:
            raise InvalidArgumentError(f"process: expected JSON text, a dict or a path, not "
                                       f"{type(definition).__name__}")
        version, created = ctypes.c_uint32(), ctypes.c_int()
        with _InUse(self) as store:
            check(self._lib.vrk_store_add_process(ctypes.byref(version), ctypes.byref(created),
                                                  store, c_text(text, "process", 60)))
        return ProcessVersion(version.value, bool(created.value))

    def processes(self) -> List[str]:
        """The keys of the processes, in the order they were added."""
        handle = ctypes.c_void_p()
        with _InUse(self) as store:
            check(self._lib.vrk_store_list_processes(ctypes.byref(handle), store))
        try:
            n = self._lib.vrk_process_list_count(handle)
            return [self._lib.vrk_process_list_key(handle, i).decode() for i in range(n)]
        finally:
            self._lib.vrk_process_list_free(handle)

    def process(self, key: str) -> Dict[str, Any]:
        """The current definition of process `key`, with its `version` and its
        stages in funnel order under `funnel`. Raises NotFoundError."""
        handle = ctypes.c_void_p()
        with _InUse(self) as store:
            check(self._lib.vrk_store_get_process(ctypes.byref(handle), store,
                                                  _key(key, "process")))
        try:
            buf = VrkBuf()
            check(self._lib.vrk_process_json(ctypes.byref(buf), handle))
            definition = json.loads(take_buf(buf))
            funnel = []
            for i in range(self._lib.vrk_process_stage_count(handle)):
                info = StageInfo()
                info.size = ctypes.sizeof(StageInfo)
                check(self._lib.vrk_process_stage(ctypes.byref(info), handle, i))
                funnel.append(_text(info.key))
            definition["version"] = self._lib.vrk_process_version(handle)
            definition["funnel"] = funnel
            return definition
        finally:
            self._lib.vrk_process_free(handle)

    # -- events -------------------------------------------------------------

    def append(self, event: Union[Mapping[str, Any], pd.Series, None] = None,
               **fields: Any) -> str:
        """Appends one event given as a mapping, a DataFrame's row (or
        keywords) with the CSV column names: event_id, deal_id, ts, kind, and what the kind reads.
        Returns "accepted" or "duplicate"; a rejected event raises the
        error of its C status (IllegalTransitionError, NotFoundError, ...)."""
        # A Series is a DataFrame's row (df.iloc[i]); not a Mapping, and its
        # truth value is ambiguous.
        if event is not None and not isinstance(event, (Mapping, pd.Series)):
            raise InvalidArgumentError(f"event: expected a mapping of field to value (a dict, or "
                                       f"a DataFrame row), not {type(event).__name__}")
        values = dict({} if event is None else event, **fields)
        unknown = sorted(set(values) - set(_columns.COLUMNS), key=repr)
        if unknown:
            raise InvalidArgumentError(
                f"event: unknown field(s) {', '.join(map(repr, unknown))}; "
                f"the fields are {', '.join(_columns.COLUMNS)}{_columns.case_hint(unknown)}")
        e = Event()
        self._lib.vrk_event_init(ctypes.byref(e))
        plain = _columns.read_plain(values)
        if plain is not None:
            for name, value in plain.items():
                setattr(e, _columns.COLUMNS[name], value)
        else:
            # Read as a batch of one row reads it: NA is absent, numbers are
            # checked the same way, and the same messages name the column.
            row = dict(dict.fromkeys(_columns.REQUIRED), **values)
            batch = _columns.convert({name: pd.Series([value], dtype=object)
                                      for name, value in row.items()})
            if batch.rejects:
                raise InvalidArgumentError(batch.rejects[0][1])
            for name, column in batch.arrays.items():
                value = int(column[0])
                if name in _columns.TEXT:
                    value = ctypes.c_char_p(value or None)
                setattr(e, _columns.COLUMNS[name], value)
        outcome = ctypes.c_int()
        with _InUse(self) as store:
            check(self._lib.vrk_store_append(ctypes.byref(outcome), store, ctypes.byref(e)))
        return _OUTCOMES[outcome.value]

    def append_events(self, events: _columns.EventData) -> AppendResult:
        """Appends a batch: a DataFrame, a mapping of column name to a numpy
        array or list, or a list of events as dicts, with the CSV column
        names (ts as datetime64, ISO 8601 strings or epoch ms; NA in
        optional columns means absent). Each deal's events are applied in
        time order (its `opened` first among rows of one time, the others in
        row order). Rows that are not events, and events the ledger
        rejects, are listed in the result's `rejects`; every other row is
        recorded."""
        batch = _columns.prepare(events)
        result = ctypes.c_void_p()
        with _InUse(self) as store:
            check(self._lib.vrk_store_append_batch(ctypes.byref(result), store,
                                                   ctypes.byref(batch.columns)))
        try:
            accepted = self._lib.vrk_batch_result_accepted(result)
            duplicates = self._lib.vrk_batch_result_duplicates(result)
            rejected = self._lib.vrk_batch_result_rejected(result)
            rejects = [(row, "invalid argument", message) for row, message in batch.rejects]
            if rejected:
                outcomes = np.ctypeslib.as_array(self._lib.vrk_batch_result_outcomes(result),
                                                 shape=(batch.columns.count,))
                for index in np.flatnonzero(outcomes == 2):
                    code = self._lib.vrk_batch_result_code(result, int(index))
                    message = self._lib.vrk_batch_result_message(result, int(index))
                    rejects.append((batch.row(int(index)), _status_name(code), _text(message)))
                rejects.sort()
        finally:
            self._lib.vrk_batch_result_free(result)
        # Typed also when empty, where pandas would make every column object.
        frame = pd.DataFrame({"row": np.array([r[0] for r in rejects], dtype=np.int64),
                              "status": pd.Series([r[1] for r in rejects], dtype=object),
                              "error": pd.Series([r[2] for r in rejects], dtype=object)})
        return AppendResult(batch.total, accepted, duplicates, rejected + len(batch.rejects),
                            frame)

    def import_csv(self, path: PathLike, map: Optional[Mapping[str, str]] = None,
                   time_format: str = "iso8601",
                   rejects: Optional[PathLike] = None) -> ImportResult:
        """Imports a CSV file of events as `voronka import` does. map renames
        the file's columns ({"Deal ID": "deal_id"}); time_format is
        "iso8601", "epoch-s" or "epoch-ms"; rejected rows go to `rejects`."""
        if time_format not in _TIME_FORMATS:
            raise InvalidArgumentError(f"time_format: '{time_format}' is not one of "
                                       f"{', '.join(_TIME_FORMATS)}")
        options = CsvOptions()
        self._lib.vrk_csv_options_init(ctypes.byref(options))
        options.time_format = _TIME_FORMATS[time_format]
        if map is not None and not isinstance(map, Mapping):
            raise InvalidArgumentError(f"map: expected {{file column: voronka column}}, not "
                                       f"{type(map).__name__}")
        pairs = list((map or {}).items())
        for pair in pairs:
            if not all(isinstance(name, str) for name in pair):
                raise InvalidArgumentError(f"map: {pair[0]!r}: {pair[1]!r} is not a pair of "
                                           "column names")
        sources = (ctypes.c_char_p * max(len(pairs), 1))(*[c_text(s, "map") for s, _ in pairs])
        targets = (ctypes.c_char_p * max(len(pairs), 1))(*[c_text(t, "map") for _, t in pairs])
        options.map_from, options.map_to, options.map_count = sources, targets, len(pairs)
        if rejects is not None:
            options.rejects_path = c_path(rejects, "rejects")
        stats = ImportStats()
        stats.size = ctypes.sizeof(ImportStats)
        with _InUse(self) as store:
            check(self._lib.vrk_store_import_csv(ctypes.byref(stats), store, c_path(path, "path"),
                                                 ctypes.byref(options)))
        return ImportResult(stats.rows, stats.accepted, stats.duplicates, stats.rejected)

    # -- deals --------------------------------------------------------------

    def deal(self, key: str) -> Deal:
        """The current state of deal `key`. Raises NotFoundError."""
        handle = ctypes.c_void_p()
        with _InUse(self) as store:
            check(self._lib.vrk_store_get_deal(ctypes.byref(handle), store, _key(key, "deal")))
        try:
            L = self._lib
            fields = {L.vrk_deal_field_key(handle, i).decode():
                      L.vrk_deal_field_value(handle, i).decode()
                      for i in range(L.vrk_deal_field_count(handle))}
            return Deal(key=_text(L.vrk_deal_key(handle)), process=_text(L.vrk_deal_process(handle)),
                        process_version=L.vrk_deal_process_version(handle),
                        status=_STATUS.get(L.vrk_deal_status(handle), "unknown"),
                        stage=_text(L.vrk_deal_stage(handle)),
                        stage_since=_time(L.vrk_deal_stage_since(handle)),
                        opened_at=_time(L.vrk_deal_opened_at(handle)),
                        closed_at=_time(L.vrk_deal_closed_at(handle)),
                        amount=L.vrk_deal_amount(handle), owner=_text(L.vrk_deal_owner(handle)),
                        client=_text(L.vrk_deal_client(handle)),
                        lost_reason=_text(L.vrk_deal_lost_reason(handle)),
                        events=L.vrk_deal_events(handle), fields=fields)
        finally:
            self._lib.vrk_deal_free(handle)

    # -- reports ------------------------------------------------------------

    def report(self, report: Union[str, Mapping[str, Any]], **options: Any) -> Report:
        """Runs a report by name with keyword options, or from a ReportSpec
        mapping such as {"history": {"basis": "CLOSED"}}."""
        handle = ctypes.c_void_p()
        with _InUse(self) as store:
            check(self._lib.vrk_store_report_json(ctypes.byref(handle), store,
                                                  spec_json(report, options)))
        return Report(handle)

    def snapshot(self, **options: Any) -> Report:
        """Open deals by stage at as_of (default: the latest event)."""
        return self.report("snapshot", **options)

    def history(self, **options: Any) -> Report:
        """Stages entered and reached in [start, end), by basis created, closed
        or activity; won and lost stages and potential (the 1C funnel)."""
        return self.report("history", **options)

    def conversion(self, **options: Any) -> Report:
        """Step and cumulative conversion, flows, win rates, key level and bottleneck."""
        return self.report("conversion", **options)

    def durations(self, **options: Any) -> Report:
        """Time in stage (first visit, or all visits with cumulative=True) and cycle times."""
        return self.report("durations", **options)

    def obligations(self, **options: Any) -> Report:
        """The deals overdue at as_of in their current stage, and counts per owner."""
        return self.report("obligations", **options)

    def losses(self, **options: Any) -> Report:
        """Deals lost in the period by stage and reason."""
        return self.report("losses", **options)

    def owners(self, **options: Any) -> Report:
        """The manager rating."""
        return self.report("owners", **options)

    def forecast(self, **options: Any) -> Report:
        """Weighted amounts and expected close months of the open deals."""
        return self.report("forecast", **options)

    def whatif(self, **options: Any) -> Report:
        """A projection with improved conversions (inflow, all_stages,
        stage_multiplier={stage: x}) and the stages ranked by sensitivity."""
        return self.report("whatif", **options)

    def window(self, **options: Any) -> Report:
        """How far deals got in order within a window (default 30 days)."""
        return self.report("window", **options)

    def partial(self, report: Union[str, Mapping[str, Any]], **options: Any) -> bytes:
        """The partial state of a report over this store's deals, as bytes to
        ship and merge (voronka.merge) with the states of other partitions."""
        handle = ctypes.c_void_p()
        with _InUse(self) as store:
            check(self._lib.vrk_store_compute_partial(ctypes.byref(handle), store,
                                                      spec_json(report, options)))
        return Partial(handle).to_bytes()


@dataclass
class SalvageResult:
    """What salvage kept and lost."""
    records_kept: int
    events_kept: int
    bytes_lost: int
    damage_offset: int
    damage: str


def salvage(damaged: PathLike, fresh: PathLike) -> SalvageResult:
    """Copies every intact record of a damaged store into a new file."""
    L = lib()
    handle = ctypes.c_void_p()
    check(L.vrk_store_salvage(ctypes.byref(handle), c_path(damaged, "damaged"),
                              c_path(fresh, "fresh")))
    try:
        return SalvageResult(L.vrk_salvage_report_records_kept(handle),
                             L.vrk_salvage_report_events_kept(handle),
                             L.vrk_salvage_report_bytes_lost(handle),
                             L.vrk_salvage_report_damage_offset(handle),
                             _text(L.vrk_salvage_report_damage(handle)))
    finally:
        L.vrk_salvage_report_free(handle)
