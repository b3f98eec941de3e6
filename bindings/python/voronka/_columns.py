"""Event columns: a DataFrame or a mapping of arrays to vrk_event_columns.

The conversion works column by column with numpy and pandas, never row by
row in Python: text becomes one NUL-separated buffer per column (each
distinct value encoded once) and an array of pointers into it, which the C
batch call reads in place. Rows that cannot be events (a missing id, a time
or kind that does not parse, ...) are set aside with the message the CSV
reader would give, and the other rows go through.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Tuple, Union

import numpy as np
import pandas as pd

from ._library import EventColumns
from ._times import column_to_ms
from .errors import InvalidArgumentError

KINDS: Dict[str, int] = {
    "opened": 1, "entered": 2, "won": 3, "lost": 4, "frozen": 5, "resumed": 6,
    "reopened": 7, "amount_changed": 8, "owner_changed": 9, "field_set": 10, "activity": 11,
}
NO_AMOUNT = -(2 ** 63)

# The CLI's column names, and the vrk_event_columns member each fills.
COLUMNS: Dict[str, str] = {
    "event_id": "event_id", "deal_id": "deal", "process": "process", "ts": "at", "kind": "kind",
    "stage": "stage", "amount": "amount", "owner": "owner", "client": "client",
    "reason": "reason", "field": "field", "value": "value", "activity": "activity",
}
REQUIRED = ("event_id", "deal_id", "ts", "kind")
TEXT = ("event_id", "deal_id", "process", "stage", "owner", "client", "reason", "field",
        "value", "activity")

EventData = Union[pd.DataFrame, Mapping[str, Any]]


@dataclass
class PreparedBatch:
    """The C view of a batch, and what keeps its memory alive."""
    columns: EventColumns
    total: int                           # rows in the input
    rows: np.ndarray                     # input row of each event passed to C
    rejects: List[Tuple[int, str]]       # rows set aside: (row, message)
    keep: List[Any] = field(default_factory=list)


def as_frame(data: EventData) -> pd.DataFrame:
    """The events as a DataFrame of the known columns, named as the CSV header
    names them (compared exactly, surrounding spaces aside)."""
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, Mapping):
        frame = pd.DataFrame(_aligned(data))
    else:
        raise InvalidArgumentError(f"events: expected a pandas DataFrame or a mapping of column "
                                   f"name to values, not {type(data).__name__}")
    names = [name.strip() if isinstance(name, str) else name for name in frame.columns]
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise InvalidArgumentError(
            f"events: unknown column(s) {', '.join(repr(u) for u in unknown)}; the columns are "
            f"{', '.join(COLUMNS)}")
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise InvalidArgumentError(
            f"events: column(s) {', '.join(repr(t) for t in twice)} named twice")
    if names != list(frame.columns):
        frame = frame.set_axis(names, axis=1)
    return frame


def _aligned(data: Mapping[str, Any]) -> Dict[Any, Any]:
    """A mapping's columns by position: Series lose their index, and every
    column that is not a single value has the same length."""
    columns: Dict[Any, Any] = {}
    lengths: Dict[Any, int] = {}
    for name, values in data.items():
        if isinstance(values, (pd.Series, pd.Index)):
            values = pd.Series(values).reset_index(drop=True)
        if hasattr(values, "__len__") and not isinstance(values, (str, bytes, Mapping)):
            lengths[name] = len(values)
        columns[name] = values
    if len(set(lengths.values())) > 1:
        raise InvalidArgumentError(
            "events: columns of different lengths ("
            + ", ".join(f"{name} {length}" for name, length in lengths.items()) + ")")
    if columns and not lengths:
        raise InvalidArgumentError("events: every column is a single value; give arrays or "
                                   "lists (Store.append takes one event)")
    return columns


_SAMPLE = 4096        # rows looked at to guess whether a column repeats its values
_REPEATING = 0.05     # at most this share of distinct values in the sample: factorize
_WIDE = 64            # longer values are packed end to end rather than padded


def _encode(values: np.ndarray) -> np.ndarray:
    """UTF-8 of each value (text, or numbers written as text), NUL-padded to
    one width with room for a final NUL."""
    try:
        encoded = values.astype("S")  # ASCII text and numbers: numpy's fast path
    except UnicodeEncodeError:
        encoded = np.char.encode(values.astype(str), "utf-8")
    # Widened as rows of bytes: twice as fast as numpy's cast between widths.
    n, width = len(encoded), encoded.dtype.itemsize
    terminated = np.zeros((n, width + 1), dtype=np.uint8)
    if width:
        terminated[:, :width] = encoded.view(np.uint8).reshape(n, width)
    return terminated.reshape(-1).view(f"S{width + 1}")


def _pack(values: np.ndarray, keep: List[Any]) -> Tuple[np.ndarray, np.ndarray]:
    """Pointers to each value's NUL-terminated UTF-8, and a mask of the empty
    ones. Values are padded to one width when short, packed end to end when
    some are long, so one long note does not widen every row."""
    encoded = _encode(values)
    width = encoded.dtype.itemsize
    if width <= _WIDE:
        keep.append(encoded)
        start = encoded.ctypes.data
        pointers = np.arange(start, start + len(encoded) * width, width, dtype=np.uint64)
        return pointers, encoded == b""
    text = "\0".join(values.astype(str).tolist()) + "\0"
    packed = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    ends = np.flatnonzero(packed == 0)
    if len(ends) != len(values):
        raise InvalidArgumentError("a text value contains a NUL character")
    keep.append(packed)
    starts = np.empty(len(ends), dtype=np.uint64)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    return np.uint64(packed.ctypes.data) + starts, starts == ends.astype(np.uint64)


def text_pointers(column: pd.Series, keep: List[Any]) -> Tuple[np.ndarray, np.ndarray]:
    """Pointers (uint64) to each row's text, 0 where the value is missing, and
    a mask of the rows without text (missing or empty). A column that repeats
    its values (categorical, or so it seems from a sample) has each distinct
    value encoded once."""
    n = len(column)
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, uniques = column.cat.codes.to_numpy(), column.cat.categories.to_numpy()
    elif n > _SAMPLE and column.iloc[:_SAMPLE].isna().all() and column.isna().all():
        # An optional column the events leave empty: a test for missing
        # values is a third of the cost of factorizing it.
        return np.zeros(n, dtype=np.uint64), np.ones(n, dtype=bool)
    elif n > _SAMPLE and column.iloc[:_SAMPLE].nunique() <= _REPEATING * _SAMPLE:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
    else:
        values = column.to_numpy(dtype=object)
        missing = pd.isna(values)
        if not missing.any():
            return _pack(values, keep)
        pointers = np.zeros(n, dtype=np.uint64)
        if missing.all():
            return pointers, missing
        present = ~missing
        pointers[present], empty = _pack(values[present], keep)
        blank = missing.copy()
        blank[present] = empty
        return pointers, blank
    if len(uniques) == 0:
        return np.zeros(n, dtype=np.uint64), np.ones(n, dtype=bool)
    unique_pointers, unique_empty = _pack(np.asarray(uniques, dtype=object), keep)
    # Code -1 (missing) picks the appended NULL pointer and "empty".
    return (np.append(unique_pointers, np.uint64(0))[codes],
            np.append(unique_empty, True)[codes])


def _kind_codes(column: pd.Series) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """vrk_event_kind of each row, with masks of missing and unknown kinds."""
    missing = column.isna().to_numpy()
    if pd.api.types.is_integer_dtype(column.dtype) and not missing.any():
        values = column.to_numpy(dtype=np.int64)
        bad = (values < 1) | (values > len(KINDS))
        return np.where(bad, 0, values).astype(np.uint8), missing, bad
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    mapped = np.array([KINDS.get(str(u), int(u) if _is_kind_number(u) else 0)
                       for u in uniques] + [0], dtype=np.uint8)
    kinds = mapped[codes]  # code -1 reads the trailing 0
    bad = ~missing & (kinds == 0)
    return kinds, missing, bad


def _is_kind_number(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and 1 <= int(value) <= len(KINDS)


def _amounts(column: pd.Series) -> Tuple[np.ndarray, np.ndarray]:
    """Amounts in minor units (VRK_NO_AMOUNT where missing), with a mask of
    values that are not integers."""
    if pd.api.types.is_integer_dtype(column.dtype):  # numpy or nullable integers
        return (column.to_numpy(dtype=np.int64, na_value=NO_AMOUNT),
                np.zeros(len(column), dtype=bool))
    missing = column.isna().to_numpy()
    if pd.api.types.is_bool_dtype(column.dtype):
        raise InvalidArgumentError("amount: a column of booleans is not amounts")
    numbers = pd.to_numeric(column, errors="coerce")
    values = numbers.to_numpy(dtype="float64", na_value=np.nan)
    integral = np.isfinite(values) & (values == np.floor(values))
    bad = ~missing & ~integral
    if pd.api.types.is_integer_dtype(numbers.dtype):
        exact = numbers.to_numpy(dtype=np.int64, na_value=NO_AMOUNT)
    else:
        exact = np.where(integral, values, 0).astype(np.int64)
    return np.where(missing | bad, NO_AMOUNT, exact).astype(np.int64), bad


def prepare(data: EventData) -> PreparedBatch:
    """The batch of events `data` holds, ready for vrk_store_append_batch."""
    frame = as_frame(data)
    absent = [name for name in REQUIRED if name not in frame.columns]
    if absent:
        raise InvalidArgumentError(
            f"events: no column {', '.join(repr(a) for a in absent)}; every event needs "
            f"{', '.join(REQUIRED)} (the columns are {', '.join(COLUMNS)})")
    n = len(frame)
    keep: List[Any] = []
    problems: List[Tuple[np.ndarray, Any]] = []  # (mask, message of a row)

    arrays: Dict[str, np.ndarray] = {}
    for name in TEXT:
        if name not in frame.columns:
            continue
        pointers, empty = text_pointers(frame[name], keep)
        if name not in REQUIRED and empty.all() and not pointers.any():
            continue  # an empty column stays NULL in C
        arrays[name] = pointers
        if name in REQUIRED:
            problems.append((empty, lambda row, name=name:
                             f"{name}: empty, but every event needs one"))

    at, missing, bad = column_to_ms(frame["ts"])
    problems.append((missing, lambda row: "ts: empty, but every event needs one"))
    problems.append((bad, lambda row: f"ts: '{frame['ts'].iloc[row]}' is not an ISO 8601 date "
                                      "or date-time, nor milliseconds since the epoch"))
    arrays["ts"] = at

    kinds, missing, bad = _kind_codes(frame["kind"])
    problems.append((missing, lambda row: "kind: empty, but every event needs one"))
    problems.append((bad, lambda row: f"kind: '{frame['kind'].iloc[row]}' is not an event "
                                      f"kind; the kinds are {', '.join(KINDS)}"))
    arrays["kind"] = kinds

    if "amount" in frame.columns:
        amounts, bad = _amounts(frame["amount"])
        problems.append((bad, lambda row: f"amount: '{frame['amount'].iloc[row]}' is not an "
                                          "integer amount in minor units (cents)"))
        arrays["amount"] = amounts

    rejected = np.zeros(n, dtype=bool)
    messages: Dict[int, str] = {}
    for mask, message in problems:
        for row in np.flatnonzero(mask & ~rejected):  # rejected rows only
            messages[int(row)] = message(int(row))
        rejected |= mask
    rows = np.arange(n, dtype=np.int64)
    if rejected.any():
        rows = rows[~rejected]
        arrays = {name: values[~rejected] for name, values in arrays.items()}

    columns = EventColumns()
    columns.size = ctypes.sizeof(EventColumns)
    columns.count = len(rows)
    for name, values in arrays.items():
        values = np.ascontiguousarray(values)
        keep.append(values)
        setattr(columns, COLUMNS[name], values.ctypes.data)
    rejects = sorted(messages.items())
    return PreparedBatch(columns, n, rows, rejects, keep)
