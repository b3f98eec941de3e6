"""Times and durations: Python values to the C API's milliseconds."""
from __future__ import annotations

import ctypes
import datetime as dt
import re
from typing import Tuple, Union

import numpy as np
import pandas as pd

from ._library import lib
from .errors import InvalidArgumentError, check

TimeLike = Union[int, str, dt.datetime, dt.date, np.datetime64, pd.Timestamp]
DurationLike = Union[int, str, dt.timedelta, pd.Timedelta]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_DURATION = re.compile(r"(\d+)(d|h|m|s)?")
_DURATION_UNIT_MS = {"d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000, None: 1}

# The ISO 8601 forms vrk_time_parse accepts; checked before pandas parses a
# column so that a column is read as strictly as the CLI reads a file.
ISO_TIME = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"


_INT64 = (-(2 ** 63), 2 ** 63 - 1)


def _is_na(value: object) -> bool:
    """Whether a scalar is missing: None, NaN, pd.NA or NaT."""
    try:
        return bool(pd.isna(value)) if np.ndim(value) == 0 else False
    except (TypeError, ValueError):
        return False


def to_ms(value: TimeLike, what: str = "time") -> int:
    """Milliseconds since the epoch (UTC) of an int (already ms), an ISO 8601
    string, a datetime (naive means UTC), a date, or a numpy/pandas time."""
    if isinstance(value, (bool, np.bool_)) or _is_na(value):
        raise InvalidArgumentError(f"{what}: {value!r} is not a time")
    if isinstance(value, (int, np.integer)):
        if not _INT64[0] <= int(value) <= _INT64[1]:
            raise InvalidArgumentError(f"{what}: {value} ms is out of range")
        return int(value)
    if isinstance(value, str):
        out = ctypes.c_int64()
        if "\0" in value or lib().vrk_time_parse(ctypes.byref(out), value.encode()) != 0:
            raise InvalidArgumentError(f"{what}: {value!r} is not an ISO 8601 date or date-time")
        return out.value
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        delta = value - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    if isinstance(value, dt.date):
        return (value - _EPOCH.date()).days * 86_400_000
    raise InvalidArgumentError(f"{what}: {value!r} is not a time (use an int of ms since "
                               "the epoch, an ISO 8601 string, a datetime or a date)")


def to_duration_ms(value: DurationLike, what: str = "duration") -> int:
    """Milliseconds of an int (ms), a timedelta, or text such as "7d", "36h",
    "90m", "45s" (the CLI's --window)."""
    if isinstance(value, np.timedelta64):  # a numpy integer too
        value = None if np.isnat(value) else pd.Timedelta(value)
    elif isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        if not _INT64[0] <= int(value) <= _INT64[1]:
            raise InvalidArgumentError(f"{what}: {value} ms is out of range")
        return int(value)
    if isinstance(value, dt.timedelta) and not _is_na(value):
        return int(value / dt.timedelta(milliseconds=1))
    if isinstance(value, str):
        match = _DURATION.fullmatch(value.strip())
        if match:
            return int(match.group(1)) * _DURATION_UNIT_MS[match.group(2)]
    shown = "NaT" if value is None else repr(value)
    raise InvalidArgumentError(f"{what}: {shown} is not a duration (e.g. 7d, 36h, 90m, 45s, "
                               "milliseconds or a timedelta)")


def format_ms(ms: int) -> str:
    """ISO 8601 text of a time, as the CLI writes it."""
    from ._library import VrkBuf, take_buf
    buf = VrkBuf()
    check(lib().vrk_time_format(ctypes.byref(buf), ms))
    return take_buf(buf).decode()


def column_to_ms(column: pd.Series) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A column of times as int64 ms, with a mask of missing values and a mask
    of values that are not times. Accepts datetime64 (naive means UTC),
    integers (epoch ms) and ISO 8601 strings; works on the whole column."""
    n = len(column)
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        if getattr(column.dt, "tz", None) is not None:
            column = column.dt.tz_convert(None)  # UTC, naive: a view, where tz_localize copies
        missing = column.isna().to_numpy()
        ns = column.to_numpy(dtype="datetime64[ns]").view(np.int64)
        return np.floor_divide(ns, 1_000_000), missing, np.zeros(n, dtype=bool)
    if pd.api.types.is_integer_dtype(column.dtype) or pd.api.types.is_float_dtype(column.dtype):
        missing = column.isna().to_numpy()
        if pd.api.types.is_integer_dtype(column.dtype) and not missing.any():
            return column.to_numpy(dtype=np.int64), missing, np.zeros(n, dtype=bool)
        values = column.to_numpy(dtype="float64", na_value=0.0)
        bad = ~missing & (values != np.floor(values))
        return values.astype(np.int64), missing, bad
    # Text, or Python objects of mixed kinds.
    missing = column.isna().to_numpy()
    as_text = column.where(~missing, "").astype(str)
    numeric = as_text.str.fullmatch(r"-?\d+").to_numpy()
    iso = as_text.str.fullmatch(ISO_TIME).to_numpy()
    ms = np.zeros(n, dtype=np.int64)
    if numeric.any():
        ms[numeric] = as_text[numeric].astype(np.int64).to_numpy()
    if iso.any():
        parsed = pd.to_datetime(as_text[iso], utc=True, errors="coerce")
        good = parsed.notna().to_numpy()
        iso_positions = np.flatnonzero(iso)
        ms[iso_positions[good]] = np.floor_divide(
            parsed[good].dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").view(np.int64),
            1_000_000)
        iso[iso_positions[~good]] = False
    bad = ~missing & ~numeric & ~iso
    return ms, missing, bad
