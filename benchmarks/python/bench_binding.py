#!/usr/bin/env python3
"""Figures of the Python binding (a benchmark script, not a test):

  append_events   events/s appending the demo generator's events from a
                  DataFrame (ts as datetime64) into a memory store, split
                  into the column conversion and the C batch call;
  report overhead the time a report method takes beyond the C calls it
                  makes (vrk_store_report_json, and vrk_report_free when the
                  result goes), measured two ways: paired with a bare call
                  through ctypes with a ready spec, and within the same call
                  by timing the C functions the method calls.

    bench_binding.py [--deals 1000000] [--events events.csv]

Without --events it runs `voronka demo --deals N` (VORONKA_BIN, default the
build tree's) to make the events.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bindings" / "python"))

import voronka  # noqa: E402
from voronka import _columns, _library  # noqa: E402
from voronka._library import lib  # noqa: E402


def load_events(args, scratch: Path) -> tuple[pd.DataFrame, Path]:
    if args.events:
        path = Path(args.events)
    else:
        out = scratch
        binary = os.environ.get("VORONKA_BIN", str(ROOT / "build" / "voronka"))
        subprocess.run([binary, "demo", "--deals", str(args.deals), "--out", str(out)],
                       check=True, stdout=subprocess.DEVNULL)
        path = out / "events.csv"
    frame = pd.read_csv(path, dtype={"event_id": str, "field": str, "value": str},
                        keep_default_na=False, na_values=[""])
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    frame["amount"] = frame["amount"].astype("Int64")
    return frame, path.parent


def bench_append(frame: pd.DataFrame, processes: list[Path], repeats: int) -> None:
    best = None
    for _ in range(repeats):
        with voronka.Store.memory() as store:
            for p in processes:
                store.add_process(p)
            start = time.perf_counter()
            batch = _columns.prepare(frame)
            prepared = time.perf_counter()
            result = ctypes.c_void_p()
            voronka.errors.check(lib().vrk_store_append_batch(
                ctypes.byref(result), store._handle, ctypes.byref(batch.columns)))
            done = time.perf_counter()
            accepted = lib().vrk_batch_result_accepted(result)
            lib().vrk_batch_result_free(result)
            del batch
            assert accepted == len(frame), accepted
            # The public method, end to end, on a fresh store.
        with voronka.Store.memory() as store:
            for p in processes:
                store.add_process(p)
            t0 = time.perf_counter()
            r = store.append_events(frame)
            whole = time.perf_counter() - t0
            assert r.accepted == len(frame)
        figures = (whole, prepared - start, done - prepared)
        best = figures if best is None or figures[0] < best[0] else best
    whole, convert, c_call = best
    n = len(frame)
    print(f"append_events: {n:,} events in {whole:.2f} s = {n / whole / 1e6:.2f} M events/s "
          f"(column conversion {convert:.2f} s, C batch call {c_call:.2f} s = "
          f"{n / c_call / 1e6:.2f} M events/s)")


REPORT_CALLS = [("snapshot", {}),
                ("history", {"basis": "closed", "start": "2024-01-01", "end": "2025-01-01",
                             "by": "owner"}),
                ("conversion", {"process": "typical_sale"}),
                ("owners", {})]


def bench_report_overhead(store: voronka.Store, calls: int) -> None:
    """The method's time less the bare call's, paired call by call."""
    for name, options in REPORT_CALLS:
        method = getattr(store, name)
        spec = voronka.report.spec_json(name, options)
        handle = ctypes.c_void_p()

        def bare():
            lib().vrk_store_report_json(ctypes.byref(handle), store._handle, spec)
            lib().vrk_report_free(handle)

        def wrapped():
            method(**options)

        # Each bare call is paired with a method call, in alternating order,
        # and the overhead is the median of the pairs' differences: a long
        # report drifts by more than the overhead between two separate runs.
        bare()
        wrapped()
        bare_times, differences = [], []
        for i in range(calls):
            first, second = (bare, wrapped) if i % 2 == 0 else (wrapped, bare)
            t0 = time.perf_counter()
            first()
            t1 = time.perf_counter()
            second()
            t2 = time.perf_counter()
            bare_time, method_time = (t1 - t0, t2 - t1) if i % 2 == 0 else (t2 - t1, t1 - t0)
            bare_times.append(bare_time)
            differences.append(method_time - bare_time)
        c_time = statistics.median(bare_times)
        overhead = statistics.median(differences)
        print(f"{name}: C call {c_time * 1e6:,.1f} µs, method {(c_time + overhead) * 1e6:,.1f} µs, "
              f"Python overhead {overhead * 1e6:,.1f} µs")


class _TimedLibrary:
    """The loaded library, with the time spent in the C functions a report
    method calls added up."""

    TIMED = ("vrk_store_report_json", "vrk_report_free")

    def __init__(self, library: ctypes.CDLL) -> None:
        self._library = library
        self.seconds = 0.0
        for name in self.TIMED:
            setattr(self, name, self._timed(getattr(library, name)))

    def _timed(self, function):
        def call(*args):
            start = time.perf_counter()
            try:
                return function(*args)
            finally:
                self.seconds += time.perf_counter() - start
        return call

    def __getattr__(self, name: str):
        return getattr(self._library, name)


def bench_report_overhead_within(frame: pd.DataFrame, processes: list[Path], calls: int) -> None:
    """The method's time less the time inside its own C calls, call by call.
    The C calls' time varies from call to call (by a third on a shared
    machine) and so blurs the paired estimate; within one call it cancels.
    The timing wrapper's own cost counts as overhead."""
    library = _library.lib()
    timed = _TimedLibrary(library)
    _library._library = timed  # objects made from now on call through it
    try:
        with voronka.Store.memory() as store:
            for p in processes:
                store.add_process(p)
            store.append_events(frame)
            for name, options in REPORT_CALLS:
                method = getattr(store, name)
                method(**options)
                c_times, overheads = [], []
                for _ in range(calls):
                    timed.seconds = 0.0
                    start = time.perf_counter()
                    method(**options)  # the result is freed before the clock stops
                    total = time.perf_counter() - start
                    c_times.append(timed.seconds)
                    overheads.append(total - timed.seconds)
                print(f"{name}: C calls {statistics.median(c_times) * 1e6:,.1f} µs, Python "
                      f"overhead median {statistics.median(overheads) * 1e6:,.1f} µs, "
                      f"p90 {statistics.quantiles(overheads, n=10)[-1] * 1e6:,.1f} µs")
    finally:
        _library._library = library


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--events", help="an events.csv made by `voronka demo`")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--calls", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="voronka-bench-") as scratch:
        return run(args, Path(scratch))


def run(args, scratch: Path) -> int:
    frame, directory = load_events(args, scratch)
    processes = sorted(directory.glob("*_sale.json"))
    print("object columns (as read_csv gives them):")
    bench_append(frame, processes, args.repeats)
    print("repeating text columns as categoricals:")
    repeating = ["process", "kind", "stage", "owner", "client", "reason"]
    bench_append(frame.astype({c: "category" for c in repeating}), processes, args.repeats)
    # The Python work is the same whatever the store holds. On a few deals the
    # C call is short and the difference exact; on 50,000 events the method's
    # Python work also evicts some of what the C call had in cache.
    for events in (200, 50_000):
        print(f"report overhead, the first {events:,} events:")
        with voronka.Store.memory() as store:
            for p in processes:
                store.add_process(p)
            store.append_events(frame.iloc[:events])
            bench_report_overhead(store, args.calls)
        print(f"report overhead within each call, the first {events:,} events:")
        bench_report_overhead_within(frame.iloc[:events], processes, args.calls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
