"""Event columns: a DataFrame or a mapping of arrays to vrk_event_columns.

The conversion works column by column with numpy and pandas, never row by
row in Python: text becomes one NUL-separated buffer per column (each
distinct value encoded once) and an array of pointers into it, which the C
batch call reads in place. Rows that cannot be events (a missing id, a time
or kind that does not parse, ...) are set aside with the message the CSV
reader would give, and the other rows go through.
"""
from __future__ import annotations

import codecs
import ctypes
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import numpy as np
import pandas as pd

from ._library import EventColumns
from ._times import column_to_ms, instances as _instances, integers, no_rows, text_to_ms
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

EventData = Union[pd.DataFrame, Mapping[str, Any], List[Mapping[str, Any]]]


@dataclass
class PreparedBatch:
    """The C view of a batch, and what keeps its memory alive."""
    columns: EventColumns
    total: int                           # rows in the input
    rows: Optional[np.ndarray]           # input row of each event given C; None: row i is event i
    rejects: List[Tuple[int, str]]       # rows set aside: (row, message)
    keep: List[Any] = field(default_factory=list)
    arrays: Dict[str, np.ndarray] = field(default_factory=dict)  # by column name

    def row(self, event: int) -> int:
        """The input row of the batch's event number `event`."""
        return event if self.rows is None else int(self.rows[event])


def as_frame(data: EventData) -> pd.DataFrame:
    """The events as a DataFrame of the known columns, named as the CSV header
    names them (compared exactly, surrounding spaces aside)."""
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, Mapping):
        frame = pd.DataFrame(_aligned(data))
    elif isinstance(data, list):  # rows, as DataFrame.to_dict("records") gives them
        for row in data:
            if not isinstance(row, (Mapping, pd.Series)):
                raise InvalidArgumentError(f"events: a list of events holds dicts (one per "
                                           f"event), not {type(row).__name__}")
        frame = pd.DataFrame(data) if data else pd.DataFrame(columns=list(REQUIRED))
    else:
        raise InvalidArgumentError(f"events: expected a pandas DataFrame, a mapping of column "
                                   f"name to values or a list of dicts, not "
                                   f"{type(data).__name__}")
    names = [name.strip() if isinstance(name, str) else name for name in frame.columns]
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise InvalidArgumentError(
            f"events: unknown column(s) {', '.join(repr(u) for u in unknown)}; the columns are "
            f"{', '.join(COLUMNS)}{case_hint(unknown)}")
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise InvalidArgumentError(
            f"events: column(s) {', '.join(repr(t) for t in twice)} named twice")
    if names != list(frame.columns):
        frame = frame.set_axis(names, axis=1)
    return frame


def case_hint(unknown: List[Any]) -> str:
    """A hint when an unknown name is a known one in another case (as an
    export's "Amount" or "DEAL_ID")."""
    other = [(u, u.lower()) for u in unknown if isinstance(u, str) and u.lower() in COLUMNS]
    if not other:
        return ""
    (name, known), more = other[0], ", ..." if len(other) > 1 else ""
    return f" (compared exactly: {name!r} is not {known!r}{more})"


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
_FLOATS = (float, np.floating)
_INTEGERS = (int, np.integer)
# Values of a text column that are no text, whose str() would pass for it.
_CONTAINERS = (list, tuple, dict, set, frozenset, np.ndarray, pd.Series, pd.DataFrame)


def _float_texts(values: np.ndarray) -> np.ndarray:
    """Floats as text: integral ones as integers ("1", not "1.0": a column of
    ids becomes float when one is missing), the others as Python writes them."""
    values = values.astype(np.float64, copy=False)
    integral = np.isfinite(values) & (values == np.floor(values))
    small = integral & (np.abs(values) < 2.0 ** 63)
    out = np.empty(len(values), dtype=object)
    out[small] = values[small].astype(np.int64).astype(str)
    out[integral & ~small] = np.char.mod("%.0f", values[integral & ~small])  # beyond int64
    out[~integral] = values[~integral].astype(str)  # the shortest text that reads back
    return out


def texts(values: np.ndarray) -> np.ndarray:
    """The text of each value (none missing) as an object array of str:
    strings as they are, integral floats as integers, other values as str()
    writes them."""
    if values.dtype.kind == "f":
        return _float_texts(values)
    if values.dtype.kind in "iub":
        return np.array(list(map(str, values.tolist())), dtype=object)
    if values.dtype.kind != "O":
        values = values.astype(object)
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    floats = _instances(values, _FLOATS)
    raw = _instances(values, bytes)
    out = np.array(list(map(str, values)), dtype=object)
    if floats.any():
        out[floats] = _float_texts(values[floats].astype(np.float64))
    if raw.any():
        # UTF-8 text, as database drivers may give it; bytes that are not
        # UTF-8 are passed as they are, for the ledger to reject.
        out[raw] = [b.decode("utf-8", "surrogateescape") for b in values[raw]]
    return out


def _as_given(error: UnicodeError) -> Tuple[bytes, int]:
    """Encodes the surrogates that cannot be UTF-8: those standing for bytes
    that were not UTF-8 (surrogateescape) as those bytes, a lone one as it
    would be (surrogatepass). Either way the ledger rejects the text, and its
    message shows what was given."""
    assert isinstance(error, UnicodeEncodeError)
    out = bytearray()
    for char in error.object[error.start:error.end]:
        code = ord(char)
        out += bytes([code - 0xDC00]) if 0xDC80 <= code <= 0xDCFF else \
            char.encode("utf-8", "surrogatepass")
    return bytes(out), error.end


codecs.register_error("voronka-as-given", _as_given)


# Rows packed at a time. The list, text and bytes a chunk passes through
# are small enough for malloc to reuse from one chunk to the next, where
# those of millions of rows are fresh memory to fault in: on a VM charging
# some 15 us a 4 KiB page, a column of 4.79M ids packed in 1.0-1.4 s whole
# and in 0.5-0.7 s by chunks.
_PACK_ROWS = 1 << 16


def _pack(values: np.ndarray, keep: List[Any]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pointers to each text's NUL-terminated UTF-8, packed end to end in one
    buffer per chunk of rows (so one long note does not widen every row),
    with masks of the empty texts and of those holding a NUL, which C would
    cut short (they point to an empty string)."""
    n = len(values)
    pointers = np.empty(n, dtype=np.uint64)
    empty = np.empty(n, dtype=bool)
    nul = np.empty(n, dtype=bool)
    for start in range(0, n, _PACK_ROWS):
        rows = slice(start, start + _PACK_ROWS)
        pointers[rows], empty[rows], nul[rows] = _pack_chunk(values[rows], keep)
    return pointers, empty, nul


def _pack_chunk(values: np.ndarray, keep: List[Any]
                ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """_pack() of some rows, into one buffer."""
    n = len(values)
    nul = np.zeros(n, dtype=bool)
    joined = "\0".join(values.tolist()) + "\0"
    if joined.count("\0") != n:
        nul = pd.Series(values, dtype=object).str.contains("\0", regex=False).to_numpy(bool)
        joined = "\0".join(np.where(nul, "", values).tolist()) + "\0"
    # A lone surrogate is passed through as the bytes it would be, which are
    # not UTF-8: the ledger rejects its row, naming the column.
    packed = np.frombuffer(joined.encode("utf-8", "voronka-as-given"), dtype=np.uint8)
    keep.append(packed)
    ends = np.flatnonzero(packed == 0).astype(np.uint64)
    starts = np.empty(n, dtype=np.uint64)
    starts[:1] = 0
    starts[1:] = ends[:-1] + 1
    return np.uint64(packed.ctypes.data) + starts, starts == ends, nul


def _row_pointers(column: pd.Series, keep: List[Any]
                  ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """text_pointers() of a column read row by row (each value encoded)."""
    if column.dtype == object:
        # Nearly always every value is text. Then the join that packs them
        # is the only pass over the objects, where testing first for
        # missing values and for text took two more: over millions of
        # objects scattered in memory, each pass costs as much as the join.
        try:
            return _pack(column.to_numpy(), keep) + (no_rows(len(column)),)
        except TypeError:
            pass  # a missing value, or one that is not text
    n = len(column)
    missing = column.isna().to_numpy()
    pointers = np.zeros(n, dtype=np.uint64)
    blank, nul, odd = missing.copy(), np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if missing.all():
        return pointers, blank, nul, odd
    present = column if not missing.any() else column[~missing]
    numeric = getattr(column.dtype, "numpy_dtype", column.dtype)  # nullable: its numpy type
    present = present.to_numpy(dtype=numeric if numeric.kind in "iufb" else object)
    # A column of text holds no containers: a test of the column's type
    # spares a test of each value.
    if present.dtype == object and pd.api.types.infer_dtype(present, skipna=False) != "string":
        odd[~missing] = _instances(present, _CONTAINERS)
    pointers[~missing], blank[~missing], nul[~missing] = _pack(texts(present), keep)
    return pointers, blank, nul, odd


def _hides_flags(uniques: np.ndarray) -> bool:
    """Whether factorize may have taken a flag for a number or a number for
    a flag: True, 1 and 1.0 hash alike, and the first one seen stands for
    all of them, though their texts and kinds differ. Only a column of
    objects holding something other than text can mix them."""
    return uniques.dtype == object and not _instances(uniques, str).all()


def _addresses(values: np.ndarray) -> np.ndarray:
    """The address of each object of a contiguous object array, read from
    the array's own memory (an object array holds pointers to its objects)
    without touching the objects. The result is a view of that memory: it
    is to be read only while `values` lives, unchanged."""
    memory = (ctypes.c_char * values.nbytes).from_address(values.ctypes.data)
    return np.frombuffer(memory, dtype=np.uintp)


def _shared_objects(values: np.ndarray) -> Optional[Tuple[np.ndarray, np.ndarray]]:
    """Codes and distinct objects of an object array whose rows, as a sample
    shows, share a few objects among them; None for any other array. The
    missing objects (None, NaN, NA) are coded -1 and left out, in codes of
    the narrowest type then.

    Readers share one object among equal values (pandas' read_csv does
    within each chunk of the file; a list of literals shares them too), so
    hashing the objects' addresses finds what hashing their values would,
    at a fifth to a tenth of the cost on a column of text, and never takes
    True for 1. Equal values held by different objects merely come out more
    than once. The addresses are only compared, never followed."""
    if len(values) <= _SAMPLE or values.dtype != object or not values.flags.c_contiguous:
        return None
    addresses = _addresses(values)
    sampled = np.unique(addresses[:_SAMPLE])
    if len(sampled) > _REPEATING * _SAMPLE:
        return None
    if len(sampled) == 1 and (addresses == sampled[0]).all():
        # One object, as an optional column the events leave empty holds:
        # codes of one byte, as an array of an entry per row is fresh
        # memory to fault in, the smaller the cheaper.
        codes, uniques = np.zeros(len(values), dtype=np.int8), values[:1]
    else:
        codes, distinct = pd.factorize(addresses)
        if len(distinct) > _REPEATING * len(values):
            return None  # shared in the sample only: the values may repeat
        where = np.empty(len(distinct), dtype=np.intp)
        where[codes] = np.arange(len(codes))  # a row of each object (any will do)
        uniques = values[where]
    missing = pd.isna(uniques)
    if missing.any():
        kept = np.flatnonzero(~missing)
        # The narrowest codes that hold them: the gathers make an array of
        # a code per row, fresh memory.
        renumbered = np.full(len(uniques), -1, dtype=np.min_scalar_type(-len(uniques)))
        renumbered[kept] = np.arange(len(kept))
        codes, uniques = renumbered[codes], uniques[kept]
    return codes, uniques


def _repeats(column: pd.Series) -> bool:
    """Whether a column seems, from a sample, to repeat its values."""
    try:
        return column.iloc[:_SAMPLE].nunique() <= _REPEATING * _SAMPLE
    except TypeError:  # unhashable values (lists, ...): read row by row
        return False


def _no_text(n: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """text_pointers() of a column of n rows without text, in arrays that
    take no memory (read-only)."""
    return np.broadcast_to(np.uint64(0), n), np.broadcast_to(np.True_, n), no_rows(n), no_rows(n)


def text_pointers(column: pd.Series, keep: List[Any]
                  ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pointers (uint64) to each row's text, 0 where the value is missing, a
    mask of the rows without text (missing or empty), one of the rows whose
    text holds a NUL and one of the rows holding no text but a container (a
    list, ...). A column that repeats its values (categorical, or so it
    seems from a sample) has each distinct value or object encoded once.
    An array that would hold one value throughout may be a read-only view."""
    n = len(column)
    none = no_rows(n)
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, uniques = column.cat.codes.to_numpy(), column.cat.categories.to_numpy()
    elif column.dtype == object and (shared := _shared_objects(column.to_numpy())) is not None:
        codes, uniques = shared
    elif n > _SAMPLE and column.iloc[:_SAMPLE].isna().all() and column.isna().all():
        # An optional column the events leave empty: a test for missing
        # values is a third of the cost of factorizing it.
        return _no_text(n)
    elif n > _SAMPLE and _repeats(column):
        try:
            codes, uniques = pd.factorize(
                column.to_numpy() if column.dtype == object else column, use_na_sentinel=True)
        except TypeError:  # an unhashable value past the sample
            return _row_pointers(column, keep)
        uniques = np.asarray(uniques)
        if _hides_flags(uniques):
            return _row_pointers(column, keep)
    else:
        return _row_pointers(column, keep)
    if len(uniques) == 0:
        return _no_text(n)
    unique_odd = _instances(uniques, _CONTAINERS) if uniques.dtype == object else None
    odd = np.append(unique_odd, False)[codes] if unique_odd is not None and \
        unique_odd.any() else none
    unique_pointers, unique_empty, unique_nul = _pack(texts(uniques), keep)
    # Code -1 (missing) picks the appended NULL pointer and "empty". The
    # masks are gathered only when a distinct value is empty or holds a NUL:
    # a comparison costs a fraction of a gather over millions of rows.
    pointers = np.append(unique_pointers, np.uint64(0))[codes]
    blank = np.append(unique_empty, True)[codes] if unique_empty.any() else codes == -1
    nul = np.append(unique_nul, False)[codes] if unique_nul.any() else none
    return pointers, blank, nul, odd


def kind_code(value: Any) -> int:
    """The vrk_event_kind of a kind name or number (a float holding one
    too); 0 for anything else, booleans included."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return KINDS.get(value, 0)
    if isinstance(value, (bool, np.bool_)):
        return 0
    if isinstance(value, _INTEGERS) or (isinstance(value, _FLOATS) and float(value).is_integer()):
        return int(value) if 1 <= value <= len(KINDS) else 0
    return 0


def _kind_codes(column: pd.Series) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """vrk_event_kind of each row, with masks of missing (NA or empty) and
    unknown kinds (a mask no row is in may be a read-only view)."""
    if pd.api.types.is_integer_dtype(column.dtype) and not column.hasnans:
        values = column.to_numpy(dtype=np.int64)
        bad = (values < 1) | (values > len(KINDS))
        return np.where(bad, 0, values).astype(np.uint8), no_rows(len(values)), bad
    # Each distinct object or value is read once; code -1 is a missing one.
    if column.dtype == object and (shared := _shared_objects(column.to_numpy())) is not None:
        codes, uniques = shared
    else:
        try:
            codes, uniques = pd.factorize(column.to_numpy() if column.dtype == object else column,
                                          use_na_sentinel=True)
            uniques = np.asarray(uniques, dtype=object)
        except TypeError:  # unhashable values (lists, ...), which are no kinds
            uniques = None
        if uniques is not None and _hides_flags(uniques):
            uniques = None
    if uniques is None:
        values = column.to_numpy(dtype=object)
        kinds = np.fromiter(map(kind_code, values), dtype=np.uint8, count=len(values))
        missing = column.isna().to_numpy() | np.fromiter(
            (isinstance(v, str) and v == "" for v in values), dtype=bool, count=len(values))
    else:
        mapped = np.array([kind_code(u) for u in uniques] + [0], dtype=np.uint8)
        kinds = mapped[codes]  # code -1 reads the trailing 0
        empty = np.array([isinstance(u, str) and u == "" for u in uniques] + [False])
        missing = (codes == -1) | empty[codes]
    bad = ~missing & (kinds == 0)
    return kinds, missing, bad


def _amounts(column: pd.Series) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Amounts in minor units (VRK_NO_AMOUNT where missing or empty), with
    masks of values that are not integers and of those out of range (beyond
    int64, or VRK_NO_AMOUNT itself), as the CSV reader reads them."""
    values, missing, malformed, out_of_range, rest = integers(column, NO_AMOUNT + 1, 2 ** 63 - 1)
    malformed |= rest
    return np.where(missing | malformed | out_of_range, NO_AMOUNT, values), malformed, out_of_range


def _shown(value: Any) -> str:
    """A value in a message, quoted as the CSV reader quotes it."""
    return "'" + str(value).replace("\0", "\\0") + "'"


def read_plain(row: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The C values (bytes for text) of one event whose values are all plain
    and good: text as str or int, ts as an int, a date or time, or text,
    kind as a name or number, amount as an int. None when a value is of any
    other type or would be rejected: convert() then reads the row, with its
    messages. Store.append's usual case, without pandas' cost per column;
    it reads every value exactly as convert() does."""
    if any(row.get(name) is None for name in REQUIRED):
        return None
    out: Dict[str, Any] = {}
    for name in TEXT:
        value = row.get(name)
        if value is None:
            continue
        if type(value) is int:
            value = str(value)
        if type(value) is not str or "\0" in value or (value == "" and name in REQUIRED):
            return None
        try:
            out[name] = value.encode()
        except UnicodeEncodeError:  # a lone surrogate
            return None
    ts = row["ts"]
    if isinstance(ts, dt.date):  # datetimes too; the column reads them as their text
        ts = str(ts)
    if type(ts) is str:
        ts = text_to_ms(ts)
    if type(ts) is not int or not -(2 ** 63) <= ts < 2 ** 63:
        return None
    out["ts"] = ts
    kind = row["kind"]
    out["kind"] = kind_code(kind) if type(kind) in (str, int) else 0
    if out["kind"] == 0:
        return None
    amount = row.get("amount")
    if amount is not None:
        if type(amount) is not int or not NO_AMOUNT < amount < 2 ** 63:
            return None
        out["amount"] = amount
    return out


def prepare(data: EventData) -> PreparedBatch:
    """The batch of events `data` holds, ready for vrk_store_append_batch."""
    return convert(as_frame(data))


def convert(frame: Mapping[str, pd.Series]) -> PreparedBatch:
    """The batch of a DataFrame of known columns, or a dict of Series of one
    length (Store.append's one row, without a DataFrame's cost)."""
    absent = [name for name in REQUIRED if name not in frame]
    if absent:
        raise InvalidArgumentError(
            f"events: no column {', '.join(repr(a) for a in absent)}; every event needs "
            f"{', '.join(REQUIRED)} (the columns are {', '.join(COLUMNS)})")
    n = len(frame["ts"])
    keep: List[Any] = []
    problems: List[Tuple[np.ndarray, Any]] = []  # (mask, message of a row)

    arrays: Dict[str, np.ndarray] = {}
    for name in TEXT:
        if name not in frame:
            continue
        pointers, empty, nul, odd = text_pointers(frame[name], keep)
        problems.append((odd, lambda row, name=name: f"{name}: {_shown(frame[name].iloc[row])} "
                                                     "is not text"))
        if name in REQUIRED:
            problems.append((empty & ~nul, lambda row, name=name:
                             f"{name}: empty, but every event needs one"))
        problems.append((nul, lambda row, name=name: f"{name}: {_shown(frame[name].iloc[row])} "
                                                     "holds a NUL character"))
        if name not in REQUIRED and empty.all() and not pointers.any():
            continue  # an empty column stays NULL in C
        arrays[name] = pointers

    at, missing, bad, out_of_range = column_to_ms(frame["ts"])
    problems.append((missing, lambda row: "ts: empty, but every event needs one"))
    problems.append((bad, lambda row: f"ts: {_shown(frame['ts'].iloc[row])} is not an ISO 8601 "
                                      "date or date-time, nor milliseconds since the epoch"))
    problems.append((out_of_range, lambda row: f"ts: {_shown(frame['ts'].iloc[row])} is out "
                                               "of range"))
    arrays["ts"] = at

    kinds, missing, bad = _kind_codes(frame["kind"])
    problems.append((missing, lambda row: "kind: empty, but every event needs one"))
    problems.append((bad, lambda row: f"kind: {_shown(frame['kind'].iloc[row])} is not an event "
                                      f"kind; the kinds are {', '.join(KINDS)}"))
    arrays["kind"] = kinds

    if "amount" in frame:
        amounts, bad, out_of_range = _amounts(frame["amount"])
        problems.append((bad, lambda row: f"amount: {_shown(frame['amount'].iloc[row])} is not "
                                          "an integer amount in minor units (cents)"))
        problems.append((out_of_range, lambda row: f"amount: {_shown(frame['amount'].iloc[row])} "
                                                   "is out of range"))
        arrays["amount"] = amounts

    # `rejected` and `rows` are built only once some row is rejected: nearly
    # every mask is empty, and fresh memory costs more than a pass.
    rejected = no_rows(n)
    messages: Dict[int, str] = {}
    for mask, message in problems:
        if not mask.any():
            continue
        for row in np.flatnonzero(mask & ~rejected):  # rejected rows only
            messages[int(row)] = message(int(row))
        rejected = rejected | mask
    rows = None
    if rejected.any():
        rows = np.flatnonzero(~rejected)
        arrays = {name: values[rows] for name, values in arrays.items()}

    columns = EventColumns()
    columns.size = ctypes.sizeof(EventColumns)
    columns.count = n if rows is None else len(rows)
    for name, values in arrays.items():
        values = arrays[name] = np.ascontiguousarray(values)
        setattr(columns, COLUMNS[name], values.ctypes.data)
    rejects = sorted(messages.items())
    return PreparedBatch(columns, n, rows, rejects, keep, arrays)
