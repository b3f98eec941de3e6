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
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, Mapping):
        try:
            return pd.DataFrame({name: data[name] for name in data})
        except ValueError as error:  # columns of different lengths
            raise InvalidArgumentError(f"events: {error}") from None
    raise InvalidArgumentError(f"events: expected a pandas DataFrame or a mapping of column "
                               f"name to values, not {type(data).__name__}")


def _encode(texts: np.ndarray) -> np.ndarray:
    """UTF-8 of each text, NUL-padded to one width with room for a final NUL."""
    try:
        encoded = texts.astype("S")  # ASCII: numpy's fast path
    except UnicodeEncodeError:
        encoded = np.char.encode(texts, "utf-8")
    return encoded.astype(f"S{encoded.dtype.itemsize + 1}")


def text_pointers(column: pd.Series, keep: List[Any]) -> Tuple[np.ndarray, np.ndarray]:
    """Pointers (uint64) to each row's text, 0 where the value is missing, and
    a mask of the rows without text (missing or empty)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    pointers = np.zeros(len(column), dtype=np.uint64)
    if len(uniques) == 0:
        return pointers, np.ones(len(column), dtype=bool)
    encoded = _encode(np.asarray(uniques, dtype=object).astype(str))
    keep.append(encoded)
    width = encoded.dtype.itemsize
    unique_pointers = np.uint64(encoded.ctypes.data) + \
        np.arange(len(encoded), dtype=np.uint64) * np.uint64(width)
    present = codes >= 0
    pointers[present] = unique_pointers[codes[present]]
    unique_empty = np.char.str_len(encoded) == 0
    empty = ~present
    empty[present] = unique_empty[codes[present]]
    return pointers, empty


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
    missing = column.isna().to_numpy()
    if pd.api.types.is_integer_dtype(column.dtype) and not missing.any():
        return column.to_numpy(dtype=np.int64), np.zeros(len(column), dtype=bool)
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
