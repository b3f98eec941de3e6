"""Reports: the settings a report takes, the result object, partial states."""
from __future__ import annotations

import ctypes
import datetime as dt
import json
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from ._library import Owned, VrkBuf, c_text, lib, take_buf
from ._times import to_duration_ms, to_ms
from .errors import InvalidArgumentError, check

REPORTS = ("snapshot", "history", "conversion", "durations", "obligations", "losses", "owners",
           "forecast", "whatif", "window")

# The options each report takes besides the filter (as in the CLI).
_BREAKDOWN = {"snapshot", "history", "conversion", "durations", "losses", "forecast", "window"}
_OWN_OPTIONS: Dict[str, tuple] = {
    "snapshot": ("rotting_days",),
    "history": ("basis", "count"),
    "conversion": ("basis", "count"),
    "durations": ("basis", "cumulative"),
    "obligations": (),
    "losses": (),
    "owners": (),
    "forecast": ("lookback_days",),
    "whatif": ("inflow", "all_stages", "stage_multiplier", "sensitivity_step"),
    "window": ("window", "mode"),
}
_FILTER = ("process", "owner", "client", "field", "start", "end", "as_of", "at")
_ALLOWED = {report: frozenset(_FILTER + own + (("by",) if report in _BREAKDOWN else ()))
            for report, own in _OWN_OPTIONS.items()}
_BY = {"owner", "client", "process", "week", "month", "quarter"}
_BASES = ("created", "closed", "activity")
_COUNTS = ("reached", "entered")
_MODES = ("default", "strict_order", "strict_deduplication", "strict_increase")
_DEFAULT_WINDOW_MS = 30 * 86_400_000  # the CLI's default --window
_MAX_DAYS = 2 ** 32 - 1  # rotting_days and lookback_days are uint32 in the spec

(_COLUMN_TEXT, _COLUMN_COUNT, _COLUMN_MONEY, _COLUMN_RATIO, _COLUMN_TIME, _COLUMN_DURATION,
 _COLUMN_NUMBER, _COLUMN_FLAG) = range(8)
_VALUE_NULL, _VALUE_INT64, _VALUE_DOUBLE, _VALUE_TEXT = range(4)
_FORMATS = {"table": 0, "csv": 1, "json": 2, "html": 3}


def _strings(value: Union[str, Iterable[str]], what: str) -> List[str]:
    """A name or a list (any iterable) of names."""
    if isinstance(value, str):
        values = [value]
    else:
        values = list(value) if isinstance(value, Iterable) and not isinstance(
            value, (bytes, bytearray, Mapping)) else [value]
    if not all(isinstance(v, str) for v in values):
        raise InvalidArgumentError(f"{what}: expected a string or a list of strings, not "
                                   f"{value!r}")
    for v in values:
        c_text(v, what)  # C would read it otherwise
    return values


def _number(value: Any, what: str) -> float:
    """A finite, non-negative number (a multiplier, an inflow, a step)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{what}: {value!r} is not a number") from None
    except OverflowError:  # an int beyond any float
        number = float("inf")
    if isinstance(value, (bool, np.bool_)) or not np.isfinite(number):
        raise InvalidArgumentError(f"{what}: {value!r} is not a finite number")
    if number < 0:
        raise InvalidArgumentError(f"{what}: {value!r} must not be negative")
    return number


def _multipliers(value: Any) -> Dict[str, float]:
    """{stage: multiplier} from a mapping (or a Series) or "STAGE=X" texts
    (the CLI's form)."""
    if isinstance(value, (Mapping, pd.Series)):
        pairs = list(value.items())
    else:
        pairs = []
        for item in _strings(value, "stage_multiplier"):
            stage, sep, number = item.rpartition("=")
            if not sep or not stage:
                raise InvalidArgumentError(f"stage_multiplier: '{item}' is not STAGE=MULTIPLIER")
            pairs.append((stage, number))
    out = {}
    for stage, number in pairs:
        if not isinstance(stage, str):
            raise InvalidArgumentError(f"stage_multiplier: the stage {stage!r} is not a string")
        c_text(stage, "stage_multiplier")
        out[stage] = _number(number, f"stage_multiplier: {stage}")
    return out


def _fields(value: Union[Mapping[str, str], Iterable[str], str]) -> Dict[str, str]:
    if isinstance(value, (Mapping, pd.Series)):  # a Series maps its index to its values
        fields = {}
        for key, val in value.items():
            if not isinstance(key, str):
                raise InvalidArgumentError(f"field: the key {key!r} is not a string")
            c_text(key, "field")
            # A number is its text; None or NaN would be "None" or "nan".
            if not isinstance(val, (str, int, np.integer)) or isinstance(val, (bool, np.bool_)):
                raise InvalidArgumentError(f"field: {key}: {val!r} is not text or an integer")
            fields[key] = c_text(str(val), "field").decode()
        return fields
    fields = {}
    for item in _strings(value, "field"):
        key, sep, val = item.partition("=")
        if not sep or not key:
            raise InvalidArgumentError(f"field: '{item}' is not KEY=VALUE")
        fields[key] = val
    return fields


def _choice(value: str, allowed: Sequence[str], what: str) -> str:
    if not isinstance(value, str) or value.lower() not in allowed:
        raise InvalidArgumentError(f"{what}: {value!r} is not one of {', '.join(allowed)}")
    return value.upper()


def spec(report: str, options: Mapping[str, Any]) -> Dict[str, Any]:
    """The ReportSpec (proto/voronka/v1/report.proto, JSON form) of a report
    and its keyword options, named as the CLI's flags (--from/--to are
    `start`/`end`; dashes become underscores)."""
    if report not in _OWN_OPTIONS:
        raise InvalidArgumentError(f"report: '{report}' is not a report; the reports are "
                                   f"{', '.join(REPORTS)}")
    allowed = _ALLOWED[report]
    if not allowed.issuperset(options):
        unknown = sorted(set(options) - allowed)
        raise TypeError(f"{report}() got unexpected option(s) {', '.join(unknown)}; it takes "
                        f"{', '.join(sorted(allowed))}")
    o = {k: v for k, v in options.items() if v is not None}
    filt: Dict[str, Any] = {}
    if "process" in o:
        processes = _strings(o["process"], "process")
        if len(processes) != 1:
            raise InvalidArgumentError(f"process: reports filter by one process, not "
                                       f"{len(processes)} ({', '.join(processes)})")
        filt["process"] = processes[0]
    if "owner" in o:
        filt["owners"] = _strings(o["owner"], "owner")
    if "client" in o:
        filt["clients"] = _strings(o["client"], "client")
    if "field" in o:
        filt["fields"] = _fields(o["field"])
    if "start" in o:
        filt["from"] = str(to_ms(o["start"], "start"))
    if "end" in o:
        filt["to"] = str(to_ms(o["end"], "end"))
    if "as_of" in o and "at" in o:
        raise InvalidArgumentError("as_of and at are the same option; give one")
    if "as_of" in o or "at" in o:
        filt["as_of"] = str(to_ms(o.get("as_of", o.get("at")), "as_of"))
    body: Dict[str, Any] = {"filter": filt}
    if "by" in o:
        by = o["by"]
        if not isinstance(by, str):
            raise InvalidArgumentError(f"by: expected a string, not {type(by).__name__}")
        c_text(by, "by")
        if by.startswith("field:") and len(by) > 6:
            body["breakdown"] = {"by": "FIELD", "field": by[6:]}
        elif by in _BY:
            body["breakdown"] = {"by": by.upper()}
        else:
            raise InvalidArgumentError(f"by: '{by}' is not a breakdown; use owner, client, "
                                       "process, field:NAME, week, month or quarter")
    if "basis" in o:
        body["basis"] = _choice(o["basis"], _BASES, "basis")
    if "count" in o:
        body["count"] = _choice(o["count"], _COUNTS, "count")
    if "cumulative" in o:
        # Not any truthy value: cumulative="no" would be True.
        if not isinstance(o["cumulative"], (bool, np.bool_)):
            raise InvalidArgumentError(f"cumulative: {o['cumulative']!r} is not True or False")
        if o["cumulative"]:
            body["cumulative"] = True
    for name in ("rotting_days", "lookback_days"):
        if name in o:
            value = o[name]
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
                raise InvalidArgumentError(f"{name}: {value!r} is not a number of days")
            if value > _MAX_DAYS:
                raise InvalidArgumentError(f"{name}: {value} is out of range (at most "
                                           f"{_MAX_DAYS} days)")
            body[name] = int(value)
    for name in ("inflow", "all_stages", "sensitivity_step"):
        if name in o:
            body[name] = _number(o[name], name)
    if "stage_multiplier" in o:
        body["stages"] = [{"stage": k, "multiplier": v}
                          for k, v in _multipliers(o["stage_multiplier"]).items()]
    if report == "window":
        body["window_ms"] = str(to_duration_ms(o.get("window", _DEFAULT_WINDOW_MS), "window"))
        if "mode" in o:
            body["mode"] = _choice(o["mode"], _MODES, "mode")
    return {report: body}


# spec() builds plain dicts without cycles: the check for them is not needed.
_encode = json.JSONEncoder(check_circular=False, separators=(",", ":")).encode

# A dashboard asks for the same report again and again, so the JSON of a
# spec whose options are all plain values (text, numbers, flags, None;
# immutable) is kept, and a repeated call skips the checks and the
# encoding. The key holds each value's type: cumulative=1, an error, must
# not find the entry of cumulative=True, which equals it.
_PLAIN = frozenset({str, int, float, bool, type(None)})
_SPEC_CACHE: Dict[tuple, bytes] = {}
_SPEC_CACHE_SIZE = 256


def spec_json(report: Union[str, Mapping[str, Any]], options: Mapping[str, Any]) -> bytes:
    """JSON bytes of a spec: a report name with options, or a spec itself."""
    # A name is the usual case, and far cheaper to test for than a Mapping.
    if not isinstance(report, str) and isinstance(report, Mapping):
        if options:
            raise TypeError("options go inside a spec given as a mapping")
        try:
            return json.dumps(report, separators=(",", ":")).encode()
        except (TypeError, ValueError) as error:
            raise InvalidArgumentError(f"spec: {error}") from None
    types = tuple(map(type, options.values()))
    if not _PLAIN.issuperset(types) or not isinstance(report, str):
        return _encode(spec(report, options)).encode()
    key = (report, tuple(options.items()), types)
    text = _SPEC_CACHE.get(key)
    if text is None:
        text = _encode(spec(report, options)).encode()
        if len(_SPEC_CACHE) >= _SPEC_CACHE_SIZE:
            _SPEC_CACHE.clear()
        _SPEC_CACHE[key] = text
    return text


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_NS_PER_MS = 1_000_000
# The milliseconds datetime64[ns] and timedelta64[ns] hold (NaT is the int64 minimum).
_NS_RANGE_MS = (np.iinfo(np.int64).min // _NS_PER_MS + 1, np.iinfo(np.int64).max // _NS_PER_MS)


def _series(kind: int, values: List[Any], name: str) -> pd.Series:
    """One report column as a Series of its kind: text as objects (also when
    empty), counts, money and other numbers as int64 (Int64 with missing
    values, float64 when a value is fractional, as projected counts are),
    shares as floats, flags as booleans, times and durations as datetimes
    and timedeltas."""
    if kind == _COLUMN_TEXT:
        return pd.Series(values, dtype=object)
    missing = np.array([v is None for v in values], dtype=bool)
    fractional = any(isinstance(v, float) for v in values)
    if kind in (_COLUMN_TIME, _COLUMN_DURATION):
        return _times_series(kind, values, missing, fractional, name)
    if kind == _COLUMN_FLAG and not fractional:
        return pd.Series(pd.array([None if v is None else bool(v) for v in values],
                                  dtype="boolean" if missing.any() else bool))
    if kind in (_COLUMN_COUNT, _COLUMN_MONEY, _COLUMN_NUMBER) and not fractional:
        if missing.any():
            return pd.Series(pd.array(values, dtype="Int64"))
        return pd.Series(np.array(values, dtype=np.int64))
    return pd.Series(np.array([np.nan if v is None else v for v in values], dtype=np.float64))


def _times_series(kind: int, values: List[Any], missing: np.ndarray, fractional: bool,
                  name: str) -> pd.Series:
    """Times (UTC) or durations given in ms, to the nanosecond: means of
    durations keep their fraction of a millisecond. Beyond the range of
    datetime64[ns], Python datetimes and timedeltas (to the microsecond)."""
    ms = np.array([0 if v is None else v for v in values],
                  dtype=np.float64 if fractional else np.int64)
    low, high = _NS_RANGE_MS
    if ((ms[~missing] >= low) & (ms[~missing] <= high)).all():
        if fractional:
            ns = np.round(ms * _NS_PER_MS).astype(np.int64)
        else:
            ns = ms * _NS_PER_MS
        ns[missing] = np.iinfo(np.int64).min  # NaT
        if kind == _COLUMN_TIME:
            return pd.Series(ns.view("datetime64[ns]")).dt.tz_localize("UTC")
        return pd.Series(ns.view("timedelta64[ns]"))
    out = []
    for value in values:  # a rare column, beyond what datetime64[ns] holds
        if value is None:
            out.append(pd.NaT)
            continue
        try:
            delta = dt.timedelta(milliseconds=value)
            out.append(_EPOCH + delta if kind == _COLUMN_TIME else delta)
        except OverflowError:
            what = "time" if kind == _COLUMN_TIME else "duration"
            raise InvalidArgumentError(
                f"{name}: the {what} {value} ms is beyond what Python's datetime holds "
                "(to_dict() gives it in ms)") from None
    return pd.Series(out, dtype=object)


class Report(Owned):
    """A computed report: tables of typed values, its protobuf form, JSON,
    rendered text and funnel charts. Owns a vrk_report handle."""

    _RELEASE = "vrk_report_free"

    @property
    def name(self) -> str:
        """"snapshot", "history", ..."""
        return self._lib.vrk_report_name(self._handle).decode()

    @property
    def title(self) -> str:
        """A line saying what was counted (basis, period, as of)."""
        return self._lib.vrk_report_title(self._handle).decode()

    @property
    def tables(self) -> List[str]:
        """The names of the tables, the main one first and "summary" last."""
        n = self._lib.vrk_report_table_count(self._handle)
        return [self._lib.vrk_report_table_name(self._handle, i).decode() for i in range(n)]

    def _table_index(self, table: Optional[str]) -> int:
        if table is None:
            return 0
        if not isinstance(table, str):
            raise InvalidArgumentError(f"table: expected a table name ({', '.join(self.tables)}), "
                                       f"not {type(table).__name__}")
        index = ctypes.c_size_t()
        check(self._lib.vrk_report_find_table(ctypes.byref(index), self._handle, table.encode()))
        return index.value

    def _columns(self, t: int) -> Dict[str, list]:
        lib_, h = self._lib, self._handle
        rows = lib_.vrk_report_row_count(h, t)
        out: Dict[str, list] = {}
        for c in range(lib_.vrk_report_column_count(h, t)):
            name = lib_.vrk_report_column_name(h, t, c).decode()
            values = []
            for r in range(rows):
                kind = lib_.vrk_report_value_type(h, t, r, c)
                if kind == _VALUE_INT64:
                    values.append(lib_.vrk_report_int64(h, t, r, c))
                elif kind == _VALUE_DOUBLE:
                    values.append(lib_.vrk_report_double(h, t, r, c))
                elif kind == _VALUE_TEXT:
                    values.append(lib_.vrk_report_text(h, t, r, c).decode())
                else:
                    values.append(None)
            out[name] = values
        return out

    def to_pandas(self, table: Optional[str] = None) -> pd.DataFrame:
        """A table as a DataFrame (the main one by default): times as UTC
        datetimes, durations as timedeltas, amounts in minor units, shares as
        floats; a missing value (e.g. the conversion of a stage without
        deals) is NA. Times outside pandas' datetime64[ns] range (before
        1677-09-21 or after 2262-04-11) make their column one of Python
        datetimes, durations beyond about 292 years one of timedeltas."""
        t = self._table_index(table)
        columns = self._columns(t)
        return pd.DataFrame({
            name: _series(self._lib.vrk_report_column_kind(self._handle, t, c), values, name)
            for c, (name, values) in enumerate(columns.items())})

    def to_dict(self) -> Dict[str, Any]:
        """{"name", "title", "tables": {table: [row, ...]}} with plain Python
        values (None where a value is missing; times and durations in ms)."""
        tables = {}
        for t, name in enumerate(self.tables):
            columns = self._columns(t)
            rows = len(next(iter(columns.values()), []))
            tables[name] = [{c: v[r] for c, v in columns.items()} for r in range(rows)]
        return {"name": self.name, "title": self.title, "tables": tables}

    def to_json(self) -> str:
        """The report message in protobuf's JSON form (as the CLI's --format json)."""
        buf = VrkBuf()
        check(self._lib.vrk_report_json(ctypes.byref(buf), self._handle))
        return take_buf(buf).decode()

    def to_protobuf(self) -> bytes:
        """The serialized voronka.v1.Report message."""
        buf = VrkBuf()
        check(self._lib.vrk_report_protobuf(ctypes.byref(buf), self._handle))
        return take_buf(buf)

    def render(self, format: str = "table", table: Optional[str] = None) -> str:
        """The report as the CLI prints it: "table", "csv", "json" or "html".
        `table` names the one table to write in "table" or "csv" (csv writes
        the main one by default)."""
        if format not in _FORMATS:
            raise InvalidArgumentError(f"format: '{format}' is not one of {', '.join(_FORMATS)}")
        if table is not None and not isinstance(table, str):
            raise InvalidArgumentError(f"table: expected a string, not {type(table).__name__}")
        buf = VrkBuf()
        check(self._lib.vrk_report_render(ctypes.byref(buf), self._handle, _FORMATS[format],
                                          c_text(table, "table") if table else None))
        return take_buf(buf).decode()

    def plot(self, group: Optional[str] = None):
        """The funnel charts of the CLI's HTML page as a matplotlib Figure:
        history: won and lost stages by count and by money; snapshot: open
        and frozen deals and the open amount; conversion and window: deals by
        stage. `group` picks a group of a breakdown (all deals by default;
        "" is the deals without a value)."""
        from ._plot import plot_report
        return plot_report(self, group)

    def __repr__(self) -> str:
        return f"<voronka.Report {self.name}: {self.title}>"

    def _repr_html_(self) -> str:
        return self.to_pandas()._repr_html_()


class Partial(Owned):
    """A partial state of a report, as computed over one partition."""

    _RELEASE = "vrk_partial_free"

    @classmethod
    def from_bytes(cls, data: bytes) -> "Partial":
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidArgumentError(f"state: expected bytes, not {type(data).__name__}")
        data = bytes(data)
        handle = ctypes.c_void_p()
        check(lib().vrk_partial_deserialize(ctypes.byref(handle), data, len(data)))
        return cls(handle)

    def to_bytes(self) -> bytes:
        buf = VrkBuf()
        check(self._lib.vrk_partial_serialize(ctypes.byref(buf), self._handle))
        return take_buf(buf)


def _partial(state: Union[bytes, Partial]) -> Partial:
    return state if isinstance(state, Partial) else Partial.from_bytes(state)


def merge(states: Iterable[Union[bytes, Partial]]) -> bytes:
    """Merges partial states of one spec (from Store.partial) into one."""
    # bytes are iterable too, as ints: one state is not a list of them.
    if isinstance(states, (bytes, bytearray, memoryview, str)):
        raise InvalidArgumentError(f"merge: expected a list of states, not "
                                   f"{type(states).__name__}")
    parts = [_partial(s) for s in states]
    if not parts:
        raise InvalidArgumentError("merge: no states to merge")
    handles = (ctypes.c_void_p * len(parts))(*[p._handle for p in parts])
    out = ctypes.c_void_p()
    check(lib().vrk_partial_merge(ctypes.byref(out), handles, len(parts)))
    return Partial(out).to_bytes()


def finish(state: Union[bytes, Partial]) -> Report:
    """The report of a (merged) partial state."""
    part = _partial(state)
    out = ctypes.c_void_p()
    check(lib().vrk_partial_finish(ctypes.byref(out), part._handle))
    return Report(out)
