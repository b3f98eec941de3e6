"""Times and durations: Python values to the C API's milliseconds."""
from __future__ import annotations

import ctypes
import datetime as dt
import itertools
import re
from decimal import Decimal
from typing import Any, Callable, Optional, Tuple, Union

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
ISO_TIME = (r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
            r"(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?")


_INT64 = (-(2 ** 63), 2 ** 63 - 1)


def _is_na(value: object) -> bool:
    """Whether a scalar is missing: None, NaN, pd.NA or NaT."""
    try:
        return bool(pd.isna(value)) if np.ndim(value) == 0 else False
    except (TypeError, ValueError):
        return False


def to_ms(value: TimeLike, what: str = "time") -> int:
    """Milliseconds since the epoch (UTC) of an int (already ms; a float
    holding one too), an ISO 8601 string, a datetime (naive means UTC), a
    date, or a numpy/pandas time."""
    # Text and integers first: the usual values, and never missing ones.
    if isinstance(value, str):
        out = ctypes.c_int64()
        if "\0" in value or lib().vrk_time_parse(ctypes.byref(out), value.encode()) != 0:
            raise InvalidArgumentError(f"{what}: {value!r} is not an ISO 8601 date or date-time")
        return out.value
    if isinstance(value, (bool, np.bool_)) or _is_na(value):
        raise InvalidArgumentError(f"{what}: {value!r} is not a time")
    if isinstance(value, (int, np.integer)):
        if not _INT64[0] <= int(value) <= _INT64[1]:
            raise InvalidArgumentError(f"{what}: {value} ms is out of range")
        return int(value)
    if isinstance(value, (float, np.floating)):  # as a column of ms with a gap holds them
        if not float(value).is_integer():
            raise InvalidArgumentError(f"{what}: {value!r} is not a whole number of ms")
        if not -2.0 ** 63 <= value < 2.0 ** 63:
            raise InvalidArgumentError(f"{what}: {value!r} ms is out of range")
        return int(value)
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
            ms = int(match.group(1)) * _DURATION_UNIT_MS[match.group(2)]
            if ms > _INT64[1]:
                raise InvalidArgumentError(f"{what}: {value!r} is out of range")
            return ms
    shown = "NaT" if value is None else repr(value)
    raise InvalidArgumentError(f"{what}: {shown} is not a duration (e.g. 7d, 36h, 90m, 45s, "
                               "milliseconds or a timedelta)")


def format_ms(ms: int) -> str:
    """ISO 8601 text of a time, as the CLI writes it."""
    from ._library import VrkBuf, take_buf
    if not isinstance(ms, (int, np.integer)) or isinstance(ms, (bool, np.bool_)):
        raise InvalidArgumentError(f"time: {ms!r} is not milliseconds since the epoch")
    if not _INT64[0] <= int(ms) <= _INT64[1]:
        raise InvalidArgumentError(f"time: {ms} ms is out of range")
    ms = int(ms)
    buf = VrkBuf()
    check(lib().vrk_time_format(ctypes.byref(buf), ms))
    return take_buf(buf).decode()


_INTEGERS = (int, np.integer)
_FLOATS = (float, np.floating)
_DIGITS = r"-?[0-9]+"  # an integer as the CLI reads one (std::from_chars)
_SMALL = 32  # at most this many ISO times are parsed by the C parser itself


def no_rows(n: int) -> np.ndarray:
    """A read-only mask of n rows, none of them set, taking no memory. A
    fresh array of zeros is faulted in a page at a time when first read:
    15-25 ms for 4.79M rows on a VM that charges for each fault."""
    return np.broadcast_to(np.False_, n)


def instances(values: np.ndarray, types: Any) -> np.ndarray:
    """A mask of the values (an object array) that are instances of `types`."""
    return np.fromiter(map(isinstance, values, itertools.repeat(types)), dtype=bool,
                       count=len(values))


def integers(column: pd.Series, low: int, high: int, text_first: Optional[Callable] = None
             ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A column of integers as int64: numpy and nullable integers, floats
    holding integers, and text written as the CLI reads an integer. Returns
    the values with masks of the missing ones (NA, or empty text), of those
    that are not integers, of those outside [low, high], and of the rest:
    objects that are neither numbers nor integer text (left to the caller).
    `text_first` reads texts before they are tried as integers: it returns
    values and a mask of the texts it took."""
    n = len(column)
    values = np.zeros(n, dtype=np.int64)
    malformed, out_of_range, rest = (np.zeros(n, dtype=bool) for _ in range(3))
    missing = column.isna().to_numpy()
    kind = getattr(column.dtype, "numpy_dtype", column.dtype).kind  # nullable: its numpy type
    if kind == "b":
        malformed = ~missing
    elif kind == "u":
        raw = column.to_numpy(dtype=np.uint64, na_value=0)
        out_of_range = raw > np.uint64(high)
        values = np.where(out_of_range, 0, raw).astype(np.int64)
    elif kind == "i":
        values = column.to_numpy(dtype=np.int64, na_value=0)
        out_of_range = ~missing & ((values < low) | (values > high))
    elif kind == "f":
        _floats(column.to_numpy(dtype=np.float64, na_value=np.nan), ~missing, low,
                values, malformed, out_of_range)
    else:
        objects = column.to_numpy(dtype=object)
        present = ~missing
        if pd.api.types.infer_dtype(objects, skipna=True) == "string":  # the usual case
            ints = floats = np.zeros(n, dtype=bool)
            strings = present
        else:
            ints = present & instances(objects, _INTEGERS) & ~instances(objects, (bool, np.bool_))
            # Decimals, as read_sql gives NUMERIC columns, are integers when
            # they hold one; the others are left to the caller.
            decimals = np.flatnonzero(present & instances(objects, Decimal))
            ints[decimals] = [d.is_finite() and d == d.to_integral_value()
                              for d in objects[decimals]]
            floats = present & instances(objects, _FLOATS)
            strings = present & instances(objects, str)
        text = pd.Series(objects[strings], dtype=object)
        empty = strings.copy()
        empty[strings] = (text == "").to_numpy()
        missing |= empty
        taken = np.zeros(n, dtype=bool)
        if text_first is not None and len(text):
            read, good = text_first(text)
            taken[np.flatnonzero(strings)[good]] = True
            values[taken] = read[good]
            text = text[~good]
        digits = strings & ~taken
        digits[digits] = text.str.fullmatch(_DIGITS).to_numpy(dtype=bool)
        whole = ints | digits
        if whole.any():  # Python ints: any size, compared before narrowing
            big = np.array(list(map(int, objects[whole])), dtype=object)
            fits = (big >= low) & (big <= high)
            out_of_range[whole] = ~fits
            values[np.flatnonzero(whole)[fits]] = big[fits].astype(np.int64)
        if floats.any():
            f = np.full(n, np.nan)
            f[floats] = objects[floats].astype(np.float64)
            _floats(f, floats, low, values, malformed, out_of_range)
        rest = present & ~empty & ~whole & ~floats & ~taken
    return values, missing, malformed, out_of_range, rest


def _floats(f: np.ndarray, present: np.ndarray, low: int, values: np.ndarray,
            malformed: np.ndarray, out_of_range: np.ndarray) -> None:
    """Floats holding integers into `values` (in place, where `present`);
    others are malformed (fractions, infinities), those beyond int64 (or
    below `low`) out of range."""
    with np.errstate(invalid="ignore"):
        integral = present & np.isfinite(f) & (f == np.floor(f))
        fits = (f >= -2.0 ** 63) & (f < 2.0 ** 63) & (f >= low)
    malformed |= present & ~integral
    out_of_range |= integral & ~fits
    good = integral & fits
    values[good] = f[good].astype(np.int64)


def parse_times(text: pd.Series) -> Tuple[np.ndarray, np.ndarray]:
    """ISO 8601 texts as ms, with a mask of those that parsed: what
    vrk_time_parse accepts (years 1400 to 9999). pandas parses a long column,
    the C parser the texts pandas does not take (years beyond 2262, ...)."""
    n = len(text)
    ms = np.zeros(n, dtype=np.int64)
    good = text.str.fullmatch(ISO_TIME).to_numpy(dtype=bool)
    todo = np.flatnonzero(good)
    for retry in (False, True):  # the retry in the forms pandas reads: 'T', 'Z', '.'
        if len(todo) <= _SMALL:
            break
        some = text.iloc[todo]
        if retry:
            some = some.str.upper().str.replace(",", ".", regex=False)
        parsed = pd.to_datetime(some, utc=True, errors="coerce")
        done = parsed.notna().to_numpy()
        ms[todo[done]] = np.floor_divide(
            parsed[done].dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").view(np.int64),
            1_000_000)
        todo = todo[~done]
    out = ctypes.c_int64()
    parse = lib().vrk_time_parse
    for i in todo:  # a few: rare times, or texts that are not times after all
        good[i] = parse(ctypes.byref(out), text.iat[i].encode()) == 0
        ms[i] = out.value
    return ms, good


def text_to_ms(text: str) -> Optional[int]:
    """One time text read as a column of them reads it: ISO 8601 by the C
    parser, else an integer of ms; None when it is neither, or out of range."""
    if re.fullmatch(ISO_TIME, text):
        out = ctypes.c_int64()
        return out.value if lib().vrk_time_parse(ctypes.byref(out), text.encode()) == 0 else None
    if re.fullmatch(_DIGITS, text):
        value = int(text)
        return value if _INT64[0] <= value <= _INT64[1] else None
    return None


def column_to_ms(column: pd.Series
                 ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A column of times as int64 ms, with masks of missing values, of values
    that are not times and of those out of range. Accepts datetime64 (naive
    means UTC), integers (epoch ms), floats holding integers, ISO 8601 text
    as vrk_time_parse reads it, and datetimes; works on the whole column.
    A mask no row is in may be a read-only view."""
    n = len(column)
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        if getattr(column.dt, "tz", None) is not None:
            column = column.dt.tz_convert(None)  # UTC, naive: a view, where tz_localize copies
        missing = column.isna().to_numpy()
        ns = column.to_numpy(dtype="datetime64[ns]").view(np.int64)
        return np.floor_divide(ns, 1_000_000), missing, no_rows(n), no_rows(n)
    ms, missing, malformed, out_of_range, rest = integers(column, *_INT64, parse_times)
    if rest.any():  # datetimes and dates, as ISO text; text that is not a time
        objects = column.to_numpy(dtype=object)[rest]
        parsed, good = parse_times(pd.Series(list(map(str, objects)), dtype=object))
        ms[rest] = parsed
        malformed[np.flatnonzero(rest)[~good]] = True
    return ms, missing, malformed, out_of_range
