"""Stores, processes, events and deals through the binding."""
import ctypes
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import voronka
from conftest import DATA, DAY, HOUR, PACKAGE

MARCH_3_9H = 1740992400000  # 2025-03-03T09:00:00Z


def test_the_library_is_found_and_versioned():
    assert voronka.version() == "0.1.0"
    assert voronka.to_ms("2025-03-03T09:00:00Z") == MARCH_3_9H
    assert voronka.format_ms(MARCH_3_9H + 250) == "2025-03-03T09:00:00.250Z"
    with pytest.raises(voronka.InvalidArgumentError, match="outside the calendar"):
        voronka.format_ms(2 ** 63 - 1)


def test_a_missing_library_says_where_it_looked(tmp_path):
    code = "import sys; sys.path.insert(0, sys.argv[1]); import voronka; voronka.version()"
    env = dict(os.environ, VORONKA_LIBRARY=str(tmp_path / "nope.so"))
    r = subprocess.run([sys.executable, "-c", code, str(PACKAGE)], env=env, capture_output=True,
                       text=True)
    assert r.returncode == 1
    assert f"VORONKA_LIBRARY is {tmp_path / 'nope.so'}, which is not a file" in r.stderr
    # Without it, the error lists every place tried.
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import voronka._library as l; "
            "l._candidates = lambda: [l.Path(sys.argv[2])]; l.ctypes.util.find_library = "
            "lambda name: None; l.lib()")
    env.pop("VORONKA_LIBRARY")
    r = subprocess.run([sys.executable, "-c", code, str(PACKAGE), str(tmp_path / "x.so")],
                       env=env, capture_output=True, text=True)
    assert r.returncode == 1
    assert (f"libvoronka.so was not found; looked at {tmp_path / 'x.so'} and the system's "
            "library path") in r.stderr


def test_pip_installs_it_offline(tmp_path):
    # From a copy: setuptools builds in the source directory.
    source = tmp_path / "source"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-build-isolation",
                        "--no-deps", "--no-index", "--target", str(tmp_path / "site"),
                        str(source)], capture_output=True, text=True, timeout=300,
                       cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    installed = tmp_path / "site" / "voronka"
    assert (installed / "__init__.py").is_file() and (installed / "py.typed").is_file()
    code = "import sys; sys.path.insert(0, sys.argv[1]); import voronka; print(voronka.version())"
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "site")],
                       capture_output=True, text=True)
    assert r.stdout == "0.1.0\n", r.stderr


def test_processes():
    with voronka.Store.memory() as s:
        assert s.add_process(DATA / "sale.json") == (0, True)
        assert s.add_process((DATA / "sale.json").read_text()) == (0, False)
        changed = json.loads((DATA / "sale.json").read_text())
        changed["stages"][1]["probability"] = 0.35
        assert s.add_process(changed) == (1, True)
        assert s.processes() == ["sale"]
        p = s.process("sale")
        assert (p["key"], p["version"], p["funnel"]) == ("sale", 2,
                                                         ["lead", "meeting", "offer", "contract"])
        # What process() gives goes back in: its version and funnel are the store's.
        assert s.add_process(p) == (1, False)
        p["stages"][0]["probability"] = 0.2
        assert s.add_process(p) == (2, True)
        assert s.process("sale")["version"] == 3
        with pytest.raises(voronka.NotFoundError, match="nope"):
            s.process("nope")
        with pytest.raises(voronka.InvalidProcessError, match=r"stage 'a': probability 2 is outside"):
            s.add_process({"key": "x", "mode": "AUTOMATIC",
                           "stages": [{"key": "a", "probability": 2}]})
        with pytest.raises(voronka.InvalidProcessError):
            s.add_process("{not json")
        with pytest.raises(ValueError):  # InvalidArgumentError is a ValueError
            s.add_process(42)


def test_append_one_event_at_a_time():
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        opened = dict(event_id="1", deal_id="A", process="sale", ts="2025-03-03T09:00:00Z",
                      kind="opened", amount=100000, owner="anna", client="acme")
        assert s.append(opened) == "accepted"
        assert s.append(opened) == "duplicate"
        with pytest.raises(voronka.ConflictingDuplicateError, match="event id 1"):
            s.append(opened, amount=5)
        with pytest.raises(voronka.IllegalTransitionError,
                           match="cannot enter 'offer' from 'lead' in automatic process 'sale'"):
            s.append(event_id="2", deal_id="A", ts=MARCH_3_9H + DAY, kind="entered", stage="offer")
        with pytest.raises(voronka.OutOfOrderError, match="earlier than the deal's last event"):
            s.append(event_id="3", deal_id="A", ts=MARCH_3_9H - DAY, kind="frozen")
        with pytest.raises(voronka.NotFoundError, match="unknown deal"):
            s.append(event_id="4", deal_id="Z", ts=MARCH_3_9H, kind="frozen")
        with pytest.raises(voronka.InvalidArgumentError, match="kind: 'opend' is not an event kind"):
            s.append(event_id="5", deal_id="A", ts=MARCH_3_9H, kind="opend")
        with pytest.raises(voronka.InvalidArgumentError, match="deal_id: empty"):
            s.append(event_id="6", ts=MARCH_3_9H, kind="frozen")
        with pytest.raises(voronka.InvalidArgumentError, match="unknown field"):
            s.append(opened, colour="red")
        with pytest.raises(voronka.InvalidArgumentError, match="'12.5' is not an integer amount"):
            s.append(event_id="7", deal_id="A", ts=MARCH_3_9H + DAY, kind="amount_changed",
                     amount=12.5)
        import datetime as dt
        assert s.append(event_id="8", deal_id="A", kind="entered", stage="meeting",
                        ts=dt.datetime(2025, 3, 4, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
                        ) == "accepted"
        d = s.deal("A")
        assert (d.stage, d.stage_since, d.amount, d.events) == ("meeting", MARCH_3_9H + DAY, 100000, 2)
        assert s.stats()["events"] == 2  # nothing rejected was recorded


def test_a_list_of_events_as_dicts(events):
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        records = events.to_dict("records")
        del records[2]["owner"]  # a key left out is a value left out
        r = s.append_events(records)
        assert (r.rows, r.accepted, r.rejected) == (14, 14, 0)
        assert s.append_events([]).rows == 0
        for wrong in ([records[0], "x"], [["1", "A"]]):
            with pytest.raises(voronka.InvalidArgumentError) as info:
                s.append_events(wrong)
            assert str(info.value) == ("events: a list of events holds dicts (one per event), "
                                       f"not {type(wrong[-1]).__name__}")
        with pytest.raises(voronka.InvalidArgumentError) as info:
            s.append_events("events.csv")
        assert str(info.value) == ("events: expected a pandas DataFrame, a mapping of column "
                                   "name to values or a list of dicts, not str")
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        assert s.append_events(events).accepted == 14


def test_the_rejects_have_one_dtype_per_column_also_when_empty(events):
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        for frame in (events, events.assign(kind="promoted"), events.iloc[:0]):
            rejects = s.append_events(frame).rejects
            assert [str(t) for t in rejects.dtypes] == ["int64", "object", "object"]


def test_a_dataframe_round_trip(store, events):
    d = store.deal("D")
    assert (d.process, d.status, d.stage, d.owner, d.client, d.amount) == (
        "sale", "open", "offer", "boris", events.loc[events.deal_id == "D", "client"].iloc[0], 80000)
    assert d.opened_at == voronka.to_ms("2025-03-05T12:00:00Z") and d.closed_at is None
    b = store.deal("B")
    assert (b.status, b.lost_reason, b.closed_at) == ("lost", "price",
                                                      voronka.to_ms("2025-03-07T10:00:00Z"))
    with pytest.raises(voronka.NotFoundError):
        store.deal("nope")
    again = store.append_events(events)
    assert (again.rows, again.accepted, again.duplicates, again.rejected) == (14, 0, 14, 0)
    assert store.stats()["events"] == 14 and store.stats()["deals"] == 5


def test_rows_in_any_order_give_the_same_deals():
    # Each deal is opened and enters its first stage at one instant, as
    # exports list them; shuffled, a deal's `entered` often comes first.
    rows = []
    for i in range(20):
        opened = voronka.to_ms("2025-03-03T09:00:00Z") + i * HOUR
        rows += [{"event_id": f"{i}o", "deal_id": f"D{i}", "process": "sale", "ts": opened,
                  "kind": "opened", "amount": 1000, "owner": "anna", "client": "acme"},
                 {"event_id": f"{i}m", "deal_id": f"D{i}", "ts": opened, "kind": "entered",
                  "stage": "meeting"},
                 {"event_id": f"{i}f", "deal_id": f"D{i}", "ts": opened + DAY, "kind": "entered",
                  "stage": "offer"}]
    frame = pd.DataFrame(rows).sample(frac=1, random_state=3)
    assert any(frame.deal_id.iloc[k] == frame.deal_id.iloc[j] and frame.kind.iloc[k] == "entered"
               and frame.kind.iloc[j] == "opened" for k in range(60) for j in range(k + 1, 60))
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        r = s.append_events(frame)
        assert (r.accepted, r.rejected) == (60, 0)
        assert {s.deal(f"D{i}").stage for i in range(20)} == {"offer"}


def test_columns_of_every_kind_give_the_same_ledger(events):
    """ts as ISO text, datetime64, tz-aware datetimes and epoch ms; ids as
    ints or text; a dict of numpy arrays or lists; NA in optional columns."""
    ts = pd.to_datetime(events["ts"], utc=True)
    variants = {
        "datetime64": events.assign(ts=ts.dt.tz_localize(None)),
        "tz-aware": events.assign(ts=ts.dt.tz_convert("Europe/Moscow")),
        "epoch ms": events.assign(ts=ts.astype("int64") // 1_000_000),
        "categorical": events.assign(owner=events.owner.astype("category"),
                                     kind=events.kind.astype("category")),
        "nullable ints": events.assign(amount=events.amount.astype("Int64")),
        "dict of arrays": {c: events[c].to_numpy() for c in events.columns},
        "dict of lists": {c: events[c].tolist() for c in events.columns},
    }
    expected = None
    for name, frame in variants.items():
        with voronka.Store.memory() as s:
            s.add_process(DATA / "sale.json")
            r = s.append_events(frame)
            assert (r.accepted, r.rejected) == (14, 0), (name, r.rejects)
            got = s.snapshot().to_json()
            expected = expected or got
            assert got == expected, name


def test_bad_rows_are_rejected_and_the_others_kept():
    """The bad rows of the CLI's bad.csv, as a DataFrame: every message names
    the column or the deal, and the good rows are recorded."""
    frame = pd.DataFrame({
        "event_id": ["1", "2", "3", "4", "5", "6", "7", "1", None, "9"],
        "deal_id": ["A", "A", "A", "B", "A", "A", "A", "A", "A", ""],
        "process": ["sale", None, None, "rent", None, None, None, "sale", None, None],
        "ts": ["2025-03-03T09:00:00Z", "2025-03-04", "2025-03-04", "2025-03-04",
               "2025-13-04T12:00:00Z", "2025-03-05", "2025-03-05", "2025-03-03T09:00:00Z",
               "2025-03-06", "2025-03-06"],
        "kind": ["opened", "promoted", "entered", "opened", "entered", "amount_changed", "entered",
                 "opened", "frozen", "frozen"],
        "stage": [None, None, "hall", None, "meeting", None, "offer", None, None, None],
        "amount": [100000, None, None, 5, None, "12.50", None, 7, None, None],
        "owner": ["anna"] + [None] * 9,
    })
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        r = s.append_events(frame)
        assert (r.rows, r.accepted, r.duplicates, r.rejected) == (10, 1, 0, 9)
        assert r.rejects.to_dict("records") == [
            {"row": 1, "status": "invalid argument",
             "error": "kind: 'promoted' is not an event kind; the kinds are opened, entered, won, "
                      "lost, frozen, resumed, reopened, amount_changed, owner_changed, field_set, "
                      "activity"},
            {"row": 2, "status": "not found", "error": "deal A: unknown stage 'hall' in process 'sale'"},
            {"row": 3, "status": "not found", "error": "deal B: unknown process 'rent'"},
            {"row": 4, "status": "invalid argument",
             "error": "ts: '2025-13-04T12:00:00Z' is not an ISO 8601 date or date-time, nor "
                      "milliseconds since the epoch"},
            {"row": 5, "status": "invalid argument",
             "error": "amount: '12.50' is not an integer amount in minor units (cents)"},
            {"row": 6, "status": "illegal transition",
             "error": "deal A: cannot enter 'offer' from 'lead' in automatic process 'sale'; "
                      "allowed: meeting, lost, frozen"},
            {"row": 7, "status": "conflicting duplicate",
             "error": "deal A: event id 1 was recorded before with different content"},
            {"row": 8, "status": "invalid argument", "error": "event_id: empty, but every event needs one"},
            {"row": 9, "status": "invalid argument", "error": "deal_id: empty, but every event needs one"},
        ]
        assert s.stats()["events"] == 1
        with pytest.raises(voronka.InvalidArgumentError, match="no column 'ts'"):
            s.append_events(frame.drop(columns="ts"))
        with pytest.raises(voronka.InvalidArgumentError, match="holds dicts .* not int"):
            s.append_events([1, 2, 3])
        with pytest.raises(voronka.InvalidArgumentError, match="events:"):
            s.append_events({"event_id": [1, 2], "deal_id": ["A"], "ts": [1, 2], "kind": [5, 6]})
        assert s.stats()["events"] == 1


def test_unicode_and_empty_batches():
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        r = s.append_events({"event_id": ["ю1"], "deal_id": ["Сделка №1"], "process": ["sale"],
                             "ts": [MARCH_3_9H], "kind": ["opened"], "owner": ["Анна"],
                             "client": ["ООО «Ромашка»"], "amount": [5]})
        assert r.accepted == 1
        d = s.deal("Сделка №1")
        assert (d.owner, d.client) == ("Анна", "ООО «Ромашка»")
        empty = s.append_events(pd.DataFrame(columns=["event_id", "deal_id", "ts", "kind"]))
        assert (empty.rows, empty.accepted, len(empty.rejects)) == (0, 0, 0)
        # A lone surrogate is no text: its row is rejected, the others kept.
        r = s.append_events({"event_id": ["2", "3"], "deal_id": ["B", "C"], "process": "sale",
                             "ts": [MARCH_3_9H] * 2, "kind": "opened", "owner": ["\ud800", "o"]})
        assert r.accepted == 1
        assert r.rejects.to_dict("records") == [
            {"row": 0, "status": "invalid argument",
             "error": "deal B: event 2: owner '\\xed\\xa0\\x80' is not valid UTF-8 text"}]
        with pytest.raises(voronka.InvalidArgumentError) as info:
            s.append(event_id="4", deal_id="D", process="sale", ts=MARCH_3_9H, kind="opened",
                     owner="\udfff")
        assert str(info.value) == "deal D: event 4: owner '\\xed\\xbf\\xbf' is not valid UTF-8 text"


def test_text_packed_by_chunks_reads_the_same_across_their_edges(monkeypatch):
    """Text columns are packed a chunk of rows at a time; with chunks of two
    rows, every kind of value lands on both sides of a chunk's edge."""
    monkeypatch.setattr(voronka._columns, "_PACK_ROWS", 2)
    frame = pd.DataFrame({
        "event_id": ["1", "2", "3", "4", "5", "6", "7"],
        "deal_id": ["A", "B", "C", "a\0b", "E", "F", "G"],
        "process": "sale",
        "ts": MARCH_3_9H,
        "kind": "opened",
        "owner": ["Анна", "", "bo", "x", "\ud800", "long " * 100, "z\0"],
    })
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        r = s.append_events(frame)
        assert r.accepted == 4
        assert r.rejects.to_dict("records") == [
            {"row": 3, "status": "invalid argument",
             "error": "deal_id: 'a\\0b' holds a NUL character"},
            {"row": 4, "status": "invalid argument",
             "error": "deal E: event 5: owner '\\xed\\xa0\\x80' is not valid UTF-8 text"},
            {"row": 6, "status": "invalid argument",
             "error": "owner: 'z\\0' holds a NUL character"},
        ]
        assert [s.deal(d).owner for d in "ABCF"] == ["Анна", "", "bo", "long " * 100]


def test_bytes_are_read_as_utf_8_text():
    # As some database drivers give text: the bytes' text, never "b'...'".
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        r = s.append_events({"event_id": [b"1", b"2", "3"], "deal_id": [b"A", b"B", "C"],
                             "process": np.array([b"sale"] * 3), "ts": [MARCH_3_9H] * 3,
                             "kind": [b"opened", "opened", "opened"],
                             "owner": ["Анна".encode(), b"x\xff", None],
                             "client": pd.Categorical([b"acme", b"acme", b"acme"])})
        assert (r.accepted, r.rejected) == (2, 1)
        assert r.rejects.to_dict("records") == [
            {"row": 1, "status": "invalid argument",
             "error": "deal B: event 2: owner 'x\\xff' is not valid UTF-8 text"}]
        d = s.deal("A")
        assert (d.process, d.owner, d.client) == ("sale", "Анна", "acme")
        assert s.append(event_id=b"4", deal_id="D", process="sale", ts=MARCH_3_9H,
                        kind="opened", owner=b"boris") == "accepted"
        assert s.deal("D").owner == "boris"


def test_lists_and_other_containers_are_no_text_nor_kind():
    # One row of a list or a dict is rejected, naming its column; in a long
    # column of repeated values too, which is read by distinct value.
    kinds = ", ".join(voronka._columns.KINDS)
    for n in (5, 5000):
        frame = pd.DataFrame({"event_id": [f"e{i}" for i in range(n)],
                              "deal_id": [f"D{i}" for i in range(n)], "process": "sale",
                              "ts": MARCH_3_9H, "kind": "opened", "owner": "anna",
                              "client": "acme"})
        frame["owner"] = frame.owner.astype(object)
        frame.at[1, "owner"] = ["anna", "boris"]
        frame.at[2, "client"] = {"name": "acme"}
        frame.at[0, "kind"] = ["opened"]
        frame.at[n - 1, "event_id"] = ("e", 1)
        with voronka.Store.memory() as s:
            s.add_process(DATA / "sale.json")
            r = s.append_events(frame)
            assert r.rejects.to_dict("records") == [
                {"row": 0, "status": "invalid argument",
                 "error": f"kind: '['opened']' is not an event kind; the kinds are {kinds}"},
                {"row": 1, "status": "invalid argument",
                 "error": "owner: '['anna', 'boris']' is not text"},
                {"row": 2, "status": "invalid argument",
                 "error": "client: '{'name': 'acme'}' is not text"},
                {"row": n - 1, "status": "invalid argument",
                 "error": "event_id: '('e', 1)' is not text"}]
            assert (r.accepted, r.rejected) == (n - 4, 4)
            assert (s.deal("D3").owner, s.deal("D3").client) == ("anna", "acme")


def test_import_csv(tmp_path):
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        r = s.import_csv(DATA / "bad.csv", rejects=tmp_path / "rejects.csv")
        assert (r.rows, r.accepted, r.duplicates, r.rejected) == (12, 2, 0, 10)
        assert "kind: 'promoted' is not an event kind" in (tmp_path / "rejects.csv").read_text()
        export = tmp_path / "export.csv"
        export.write_text("Id,Deal,Process,When,What\n100,X,sale,1743465600000,opened\n")
        r = s.import_csv(export, map={"Id": "event_id", "Deal": "deal_id", "Process": "process",
                                      "When": "ts", "What": "kind"}, time_format="epoch-ms")
        assert r.accepted == 1 and s.deal("X").opened_at == 1743465600000
        with pytest.raises(voronka.InvalidArgumentError, match="time_format"):
            s.import_csv(export, time_format="julian")
        with pytest.raises(voronka.InvalidArgumentError, match="Nope"):
            s.import_csv(export, map={"Id": "event_id", "Deal": "deal_id", "When": "ts",
                                      "What": "kind", "Nope": "process"})
        with pytest.raises(voronka.NotFoundError):
            s.import_csv(tmp_path / "missing.csv")


def test_file_stores_persist_and_follow(tmp_path, events):
    path = tmp_path / "sale.vrk"
    with voronka.Store.open(path, durability="group") as s:
        assert s.open_info()["created"]
        s.add_process(DATA / "sale.json")
        s.append_events(events.iloc[:10])
        with pytest.raises(voronka.LockedError):
            voronka.Store.open(path)
        with voronka.Store.open(path, read_only=True) as reader:
            assert reader.stats()["events"] == 10
            s.append_events(events.iloc[10:])
            s.sync()
            assert reader.refresh() is True
            assert reader.stats()["events"] == 14
            with pytest.raises(voronka.InvalidArgumentError, match="read-only"):
                reader.append_events(events)
        s.checkpoint()
    assert s.closed
    with pytest.raises(voronka.InvalidArgumentError, match="the store is closed"):
        s.stats()
    s.close()  # idempotent
    with voronka.Store.open(path) as s:
        info = s.open_info()
        assert (info["from_checkpoint"], info["replayed_events"], info["created"]) == (True, 0, False)
        assert s.stats()["events"] == 14
    with pytest.raises(voronka.NotFoundError):
        voronka.Store.open(tmp_path / "none.vrk", create_if_missing=False)
    with pytest.raises(voronka.InvalidArgumentError, match="durability"):
        voronka.Store.open(path, durability="sometimes")


def test_salvage(tmp_path, events):
    path = tmp_path / "sale.vrk"
    with voronka.Store.open(path, durability="none") as s:
        s.add_process(DATA / "sale.json")
        for _, row in events.iterrows():  # one log record per event
            s.append({k: v for k, v in row.items() if pd.notna(v)})
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(voronka.CorruptStoreError):
        voronka.Store.open(path)
    kept = voronka.salvage(path, tmp_path / "fresh.vrk")
    assert kept.events_kept == 13 and kept.bytes_lost > 0 and kept.damage
    with voronka.Store.open(tmp_path / "fresh.vrk") as s:
        assert s.stats()["events"] == 13
    with pytest.raises(voronka.InvalidArgumentError):
        voronka.salvage(path, tmp_path / "fresh.vrk")  # refuses to overwrite


def test_the_context_manager_closes_on_error(tmp_path):
    path = tmp_path / "s.vrk"
    with pytest.raises(RuntimeError):
        with voronka.Store.open(path) as s:
            raise RuntimeError("boom")
    assert s.closed
    with voronka.Store.open(path) as again:  # the writer lock was released
        assert again.stats()["events"] == 0


def test_a_failed_final_sync_is_raised_by_close(tmp_path, events, monkeypatch):
    # vrk_store_close syncs what waits for a group commit but cannot say
    # that it failed (a full disk): close() syncs first and raises.
    from voronka._library import lib
    calls = []
    monkeypatch.setattr(lib(), "vrk_store_sync", lambda handle: calls.append(handle) or -9)
    s = voronka.Store.open(tmp_path / "s.vrk", durability="group")
    with pytest.raises(voronka.StoreIOError):
        s.close()
    assert s.closed and len(calls) == 1
    s.close()  # closed: nothing more to sync
    assert len(calls) == 1
    # Leaving a with block on an error keeps that error, not the sync's.
    with pytest.raises(RuntimeError):
        with voronka.Store.open(tmp_path / "s.vrk", durability="group"):
            raise RuntimeError("boom")
    with pytest.raises(voronka.StoreIOError):
        with voronka.Store.open(tmp_path / "s.vrk", durability="group"):
            pass
    monkeypatch.undo()
    with voronka.Store.open(tmp_path / "s.vrk") as again:  # closed: the lock is free
        assert again.stats()["events"] == 0


def test_errors_carry_the_c_status():
    assert issubclass(voronka.NotFoundError, KeyError)
    assert issubclass(voronka.IllegalTransitionError, ValueError)
    with voronka.Store.memory() as s:
        with pytest.raises(voronka.NotFoundError) as info:
            s.deal("Z")
    assert info.value.status == -2 and str(info.value) == info.value.message
    assert "Z" in info.value.message


def test_long_and_repeating_text_values():
    """Long values are packed end to end, repeating columns factorized: the
    ledger sees the same text either way."""
    n = 5000  # beyond the sample that decides whether a column repeats
    note = "примечание " * 20  # 220 characters, non-ASCII
    frame = pd.DataFrame({
        "event_id": [str(i) for i in range(n)],
        "deal_id": [f"D{i}" for i in range(n)],
        "process": "sale",
        "ts": MARCH_3_9H,
        "kind": "opened",
        "owner": ["anna", "boris"] * (n // 2),
        "amount": 100,
        "field": ["note"] * n,
        "value": [note + str(i) if i % 2 else None for i in range(n)],
    })
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        r = s.append_events(frame)
        assert (r.accepted, r.rejected) == (n, 0)
        assert s.deal("D4999").fields == {"note": note + "4999"}
        assert s.deal("D4998").fields == {}
        assert (s.deal("D7").owner, s.deal("D8").owner) == ("boris", "anna")
        # Columns of missing values only stay NULL in C, as absent ones do.
        empty = frame.assign(event_id=[f"e{i}" for i in range(n)],
                             deal_id=[f"E{i}" for i in range(n)], field=None, value=np.nan)
        batch = voronka._columns.prepare(empty)
        assert (batch.columns.field, batch.columns.value) == (None, None)
        r = s.append_events(empty)
        assert (r.accepted, r.rejected) == (n, 0)
        assert s.deal("E4999").fields == {}


def test_rows_sharing_objects_read_as_rows_each_holding_their_own():
    """A long column whose rows share a few objects is read once per object
    (by address): each row reads as it does in a short column, which is read
    row by row or by value, for every kind of value."""
    from voronka._columns import _kind_codes, _shared_objects, text_pointers

    def read(column):
        keep = []  # the packed text the pointers point into
        pointers, blank, nul, odd = text_pointers(column, keep)
        texts = [ctypes.string_at(int(p)) if p else None for p in pointers]
        return texts, blank.tolist(), nul.tolist(), odd.tolist()

    cycle = ["sale", "Анна", "", "a\0b", None, np.nan, pd.NA, 1, True, 2.5, 1e20, b"x\xff",
             ["a", "b"], "\ud800"]
    repeats = 5000 // len(cycle) + 1  # beyond the sample that decides
    column = pd.Series(cycle * repeats, dtype=object)
    codes, uniques = _shared_objects(column.to_numpy())
    assert len(uniques) == len(cycle) - 3 and (codes == -1).sum() == 3 * repeats
    assert tuple(x * repeats for x in read(column[:len(cycle)])) == read(column)

    kinds = ["opened", "won", 3, 3.0, True, "", None, np.nan, "bogus", ["opened"], b"lost"]
    column = pd.Series(kinds * (5000 // len(kinds) + 1), dtype=object)
    assert _shared_objects(column.to_numpy()) is not None
    once = [np.tile(a, 5000 // len(kinds) + 1) for a in _kind_codes(column[:len(kinds)])]
    assert all((a == b).all() for a, b in zip(once, _kind_codes(column)))

    # One object throughout, missing or not, or past the sample only.
    for value, text in ((np.nan, None), ("sale", b"sale")):
        column = pd.Series([value] * 5000, dtype=object)
        assert read(column) == ([text] * 5000, [text is None] * 5000, [False] * 5000,
                                [False] * 5000)
    column = pd.Series([np.nan] * 4096 + ["late"] * 904, dtype=object)
    assert read(column)[:2] == ([None] * 4096 + [b"late"] * 904, [True] * 4096 + [False] * 904)
    # Rows each holding their own object, or an array read with a stride, are
    # not taken for shared.
    assert _shared_objects(np.array([f"D{i % 2}" for i in range(5000)], dtype=object)) is None
    assert _shared_objects(np.array(["x"] * 10000, dtype=object)[::2]) is None
    # Nor are rows shared in the sample only, as a frame joined to one of
    # fresh objects holds: its values are read by value.
    fresh = pd.Series(["ab"] * 4096 + ["".join(("a", "b")) for _ in range(5000)], dtype=object)
    assert _shared_objects(fresh.to_numpy()) is None
    assert read(fresh) == ([b"ab"] * 9096, [False] * 9096, [False] * 9096, [False] * 9096)


def test_a_frame_from_read_csv_holds_what_the_cli_imports(tmp_path):
    """read_csv shares one object among equal values of a chunk of the file:
    the batch of its frame holds what importing the file does."""
    path = tmp_path / "events.csv"
    owners = ["anna", "boris", "vera", ""]
    with open(path, "w") as out:
        out.write("event_id,deal_id,process,ts,kind,stage,amount,owner,client,reason,field,value\n")
        for d in range(1500):
            day = MARCH_3_9H + d * HOUR
            out.write(f"o{d},D{d},sale,{day},opened,,{d * 100},{owners[d % 4]},"
                      f"{'c' + str(d % 7) if d % 3 else ''},,,\n")
            out.write(f"m{d},D{d},,{day + 1},entered,meeting,,,,,,\n")
            if d % 2:
                out.write(f"n{d},D{d},,{day + 2},entered,offer,,,,,,\n")
            if d % 5 == 0:
                out.write(f"l{d},D{d},,{day + 3},lost,,,,,price,,\n")
            elif d % 5 == 1:
                out.write(f"f{d},D{d},,{day + 3},field_set,,,,,,source,web\n")
    frame = pd.read_csv(path, dtype={"event_id": str, "field": str, "value": str},
                        keep_default_na=False, na_values=[""])
    assert len(frame) > 4096
    # Whether read_csv shares its objects is pandas' choice: this only checks
    # that the test reads shared objects.
    for name in ("process", "kind", "stage", "owner", "reason"):
        assert voronka._columns._shared_objects(frame[name].to_numpy()) is not None, name
    with voronka.Store.memory() as batch, voronka.Store.memory() as imported:
        for s in (batch, imported):
            s.add_process(DATA / "sale.json")
        r = batch.append_events(frame)
        assert (r.accepted, r.rejected) == (len(frame), 0)
        assert imported.import_csv(path, time_format="epoch-ms").accepted == len(frame)
        assert batch.snapshot().to_json() == imported.snapshot().to_json()
        for d in (0, 1, 2, 3, 1499):
            assert batch.deal(f"D{d}") == imported.deal(f"D{d}")
        assert (batch.deal("D1").fields, batch.deal("D2").client) == ({"source": "web"}, "c2")


def test_one_long_value_does_not_widen_every_row():
    import tracemalloc
    n = 5000
    frame = pd.DataFrame({"event_id": [str(i) for i in range(n)], "deal_id": "D", "ts": 1,
                          "kind": "field_set", "field": "note", "value": "short"})
    frame.loc[17, "value"] = "x" * 20_000
    tracemalloc.start()
    try:
        batch = voronka._columns.prepare(frame)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert batch.columns.count == n
    assert peak < 2_000_000  # padded to the longest value, it took 100-500 MB


def test_text_values_as_the_cli_reads_them():
    """Ids in a float column (one was missing) are written as integers, and a
    NUL, which C would cut the text at, rejects its row."""
    frame = pd.DataFrame({
        "event_id": [1.0, 2.0, None, 4.0, 5.0, 6.0, 7.0],
        "deal_id": ["A", "B", "C", "a\0b", "E", "F", "G"],
        "process": "sale",
        "ts": MARCH_3_9H,
        "kind": "opened",
        "owner": [1.0, 2.5, None, None, "x\0", 1e20, np.float64(-3)],
    })
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        r = s.append_events(frame)
        assert r.rejects.to_dict("records") == [
            {"row": 2, "status": "invalid argument",
             "error": "event_id: empty, but every event needs one"},
            {"row": 3, "status": "invalid argument",
             "error": "deal_id: 'a\\0b' holds a NUL character"},
            {"row": 4, "status": "invalid argument",
             "error": "owner: 'x\\0' holds a NUL character"},
        ]
        assert [s.deal(d).owner for d in "ABFG"] == ["1", "2.5", "100000000000000000000", "-3"]
        # The ids were written "1", "2": the same events again are duplicates.
        again = s.append_events(frame.iloc[:2].assign(event_id=["1", "2"], owner=["1", "2.5"]))
        assert (again.duplicates, again.rejected) == (2, 0)
        # Repeating and categorical columns follow the same rules.
        n = 5000
        many = pd.DataFrame({"event_id": np.arange(n) + 100.0, "deal_id": "A", "ts": MARCH_3_9H,
                             "kind": "field_set", "field": pd.Categorical([1.0, 2.0] * (n // 2)),
                             "value": [None, 3.0, "a\0"] * (n // 3) + [3.0] * (n % 3)})
        r = s.append_events(many)
        assert (r.accepted, r.rejected) == (n - n // 3, n // 3)
        assert r.rejects.error.iloc[0] == "value: 'a\\0' holds a NUL character"
        assert s.deal("A").fields == {"1": "3", "2": "3"}
        # A repeating column holding True and 1, which hash alike, keeps both texts.
        flags = pd.DataFrame({"event_id": np.arange(n) + 10_000, "deal_id": "A",
                              "ts": MARCH_3_9H, "kind": "field_set",
                              "field": ["x", "y"] * (n // 2), "value": [True, 1] * (n // 2)})
        assert s.append_events(flags).accepted == n
        assert s.deal("A").fields == {"1": "3", "2": "3", "x": "True", "y": "1"}
        # Whichever comes first.
        assert s.append_events(flags.assign(event_id=flags.event_id + n,
                                            value=[1, True] * (n // 2))).accepted == n
        assert s.deal("A").fields == {"1": "3", "2": "3", "x": "1", "y": "True"}


def test_column_names_are_checked():
    row = {"event_id": ["1"], "deal_id": ["A"], "process": ["sale"], "ts": [MARCH_3_9H],
           "kind": ["opened"]}
    known = ("event_id, deal_id, process, ts, kind, stage, amount, owner, client, reason, "
             "field, value, activity")
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        cases = [
            (dict(row, Amount=[5]), f"events: unknown column(s) 'Amount'; the columns are {known} "
                                    "(compared exactly: 'Amount' is not 'amount')"),
            (pd.DataFrame(row).rename(columns=str.upper),
             f"events: unknown column(s) 'EVENT_ID', 'DEAL_ID', 'PROCESS', 'TS', 'KIND'; the "
             f"columns are {known} (compared exactly: 'EVENT_ID' is not 'event_id', ...)"),
            (pd.DataFrame(dict(row, colour=["red"], note=["x"])),
             f"events: unknown column(s) 'colour', 'note'; the columns are {known}"),
            (pd.DataFrame([["1", "A", MARCH_3_9H, "opened", "x", "y"]],
                          columns=["event_id", "deal_id", "ts", "kind", "owner", " owner "]),
             "events: column(s) 'owner' named twice"),
            (pd.DataFrame([["1", "A", MARCH_3_9H, "opened", "x", "y"]],
                          columns=["event_id", "deal_id", "ts", "kind", "owner", "owner"]),
             "events: column(s) 'owner' named twice"),
            (dict(row, owner=pd.Series(["a", "b"])),
             "events: columns of different lengths (event_id 1, deal_id 1, process 1, ts 1, "
             "kind 1, owner 2)"),
            ({"event_id": "1", "deal_id": "A"},
             "events: every column is a single value; give arrays or lists (Store.append "
             "takes one event)"),
        ]
        for data, message in cases:
            with pytest.raises(voronka.InvalidArgumentError) as info:
                s.append_events(data)
            assert str(info.value) == message
        # Surrounding spaces do not count, as in a CSV header; a Series keeps
        # its position whatever its index.
        frame = pd.DataFrame(row).rename(columns={"kind": " kind "})
        frame[" owner"] = "anna"
        assert s.append_events(frame).accepted == 1
        assert s.deal("A").owner == "anna"
        r = s.append_events({"event_id": pd.Series(["2"], index=[7]), "deal_id": ["A"],
                             "ts": pd.Series([MARCH_3_9H + 1], index=[3]), "kind": "frozen"})
        assert (r.accepted, r.rejected) == (1, 0)
        assert s.stats()["events"] == 2


def test_times_kinds_and_amounts_as_the_cli_reads_them():
    t = MARCH_3_9H
    ts = [t, "9999-12-31T00:00:00Z", "2025-03-03t09:00:00z", "1500-01-01", "99999999999999999999",
          float("inf"), 1e20, "2025-03-03T09:00:00,5Z", t, t, t, t, t, t, t, t, ""]
    kind = ["opened"] * 8 + [1.0, 2.5, True, "", "opened", "opened", "opened", "opened", "opened"]
    amount = [None] * 12 + [1e20, 2.0 ** 63, "", "12", 5]
    frame = pd.DataFrame({"event_id": [f"e{i}" for i in range(17)],
                          "deal_id": [f"D{i}" for i in range(17)], "process": "sale",
                          "ts": ts, "kind": kind, "amount": amount})
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        r = s.append_events(frame)
        kinds = ", ".join(voronka._columns.KINDS)
        assert r.rejects.to_dict("records") == [
            {"row": 4, "status": "invalid argument",
             "error": "ts: '99999999999999999999' is out of range"},
            {"row": 5, "status": "invalid argument", "error": "ts: 'inf' is not an ISO 8601 "
             "date or date-time, nor milliseconds since the epoch"},
            {"row": 6, "status": "invalid argument", "error": "ts: '1e+20' is out of range"},
            {"row": 9, "status": "invalid argument",
             "error": f"kind: '2.5' is not an event kind; the kinds are {kinds}"},
            {"row": 10, "status": "invalid argument",
             "error": f"kind: 'True' is not an event kind; the kinds are {kinds}"},
            {"row": 11, "status": "invalid argument",
             "error": "kind: empty, but every event needs one"},
            {"row": 12, "status": "invalid argument", "error": "amount: '1e+20' is out of range"},
            {"row": 13, "status": "invalid argument",
             "error": "amount: '9.223372036854776e+18' is out of range"},
            {"row": 16, "status": "invalid argument", "error": "ts: empty, but every event needs one"},
        ]
        opened = {d: s.deal(d).opened_at for d in ("D0", "D1", "D2", "D3", "D7")}
        assert opened == {"D0": t, "D1": voronka.to_ms("9999-12-31"), "D2": t,
                          "D3": voronka.to_ms("1500-01-01"), "D7": t + 500}
        assert (s.deal("D8").status, s.deal("D14").amount, s.deal("D15").amount) == (
            "open", 0, 12)
        # Integer columns beyond int64 (uint64), and the absent-amount marker itself.
        big = pd.DataFrame({"event_id": ["u1", "u2", "u3"], "deal_id": "U", "process": "sale",
                            "ts": t, "kind": "opened",
                            "amount": np.array([2 ** 63, 2 ** 64 - 1, 7], dtype=np.uint64)})
        r = s.append_events(big)
        assert list(r.rejects.error) == ["amount: '9223372036854775808' is out of range",
                                         "amount: '18446744073709551615' is out of range"]
        assert s.deal("U").amount == 7
        r = s.append_events(big.assign(event_id="u4", amount=np.int64(-2 ** 63)).iloc[:1])
        assert list(r.rejects.error) == ["amount: '-9223372036854775808' is out of range"]
        # A flag is no kind, though it hashes as the kind number 1 does.
        flags = pd.DataFrame({"event_id": ["f1", "f2"], "deal_id": ["F1", "F2"],
                              "process": "sale", "ts": t, "kind": [True, 1]})
        r = s.append_events(flags)
        assert list(r.rejects.error) == [f"kind: 'True' is not an event kind; the kinds are {kinds}"]
        assert s.deal("F2").status == "open"
        # The batch reads every time the C parser reads, as the C parser does.
        texts = ["2025-03-03", "2025-03-03T09:00", "2025-03-03 09:00:00.1234+03", "1400-01-01",
                 "2025-03-03T09:00:00-0130", "2025-02-29", "1399-12-31", "2025-03-03T24:00",
                 "2025-03-03Z", "2025-03-03T09:00:60", "２025-03-03"]
        ms, good = voronka._times.parse_times(pd.Series(texts * 4, dtype=object))
        for i, text in enumerate(texts * 4):
            try:
                assert (good[i], ms[i]) == (True, voronka.to_ms(text)), text
            except voronka.InvalidArgumentError:
                assert not good[i], text


def test_decimal_amounts_as_read_sql_gives_numeric_columns():
    from decimal import Decimal
    amounts = [Decimal(100000), Decimal("250.00"), Decimal("NaN"), None, Decimal("12.5"),
               Decimal("Infinity"), Decimal(2 ** 63)]
    frame = pd.DataFrame({"event_id": [f"e{i}" for i in range(7)],
                          "deal_id": [f"D{i}" for i in range(7)], "process": "sale",
                          "ts": MARCH_3_9H, "kind": "opened", "amount": amounts})
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        r = s.append_events(frame)
        assert r.rejects.to_dict("records") == [
            {"row": 4, "status": "invalid argument",
             "error": "amount: '12.5' is not an integer amount in minor units (cents)"},
            {"row": 5, "status": "invalid argument",
             "error": "amount: 'Infinity' is not an integer amount in minor units (cents)"},
            {"row": 6, "status": "invalid argument",
             "error": "amount: '9223372036854775808' is out of range"}]
        assert [s.deal(f"D{i}").amount for i in range(4)] == [100000, 250, 0, 0]
        assert s.append(event_id="x", deal_id="D0", ts=MARCH_3_9H + DAY, kind="amount_changed",
                        amount=Decimal(7)) == "accepted"
        assert s.deal("D0").amount == 7


def test_append_reads_an_event_as_a_batch_row():
    """NA of every sort is absent, numbers are checked, errors name the field,
    as append_events reads a row."""
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        frame = pd.DataFrame({"event_id": ["1", "2"], "deal_id": "A", "process": ["sale", None],
                              "ts": [MARCH_3_9H, MARCH_3_9H + DAY],
                              "kind": ["opened", "entered"], "stage": [None, "meeting"],
                              "amount": [100.0, None], "owner": ["anna", None]})
        for record in frame.to_dict("records"):  # NaN where a value is missing
            assert s.append(record) == "accepted"
        assert s.append(event_id="3", deal_id="A", ts=pd.Timestamp(MARCH_3_9H + DAY, unit="ms"),
                        kind=np.int64(8), amount=np.int64(7), owner=pd.NA, stage=np.nan,
                        client=None) == "accepted"
        d = s.deal("A")
        assert (d.stage, d.amount, d.owner, d.events) == ("meeting", 7, "anna", 3)
        assert s.append(event_id=4.0, deal_id="A", ts=float(MARCH_3_9H + DAY),
                        kind="frozen") == "accepted"
        assert s.append(event_id="4", deal_id="A", ts=MARCH_3_9H + DAY,
                        kind="frozen") == "duplicate"  # 4.0 was written "4"
        kinds = ", ".join(voronka._columns.KINDS)
        base = dict(event_id="9", deal_id="A", ts=MARCH_3_9H + 2 * DAY, kind="amount_changed")
        cases = [
            (dict(event_id=float("nan")), "event_id: empty, but every event needs one"),
            (dict(event_id=pd.NA), "event_id: empty, but every event needs one"),
            (dict(ts=pd.NaT), "ts: empty, but every event needs one"),
            (dict(ts=np.inf), "ts: 'inf' is not an ISO 8601 date or date-time, nor milliseconds "
                              "since the epoch"),
            (dict(ts="2025-13-01"), "ts: '2025-13-01' is not an ISO 8601 date or date-time, nor "
                                    "milliseconds since the epoch"),
            (dict(ts=2 ** 64 + 5), "ts: '18446744073709551621' is out of range"),
            (dict(amount=2 ** 64 + 7), "amount: '18446744073709551623' is out of range"),
            (dict(amount=pd.NA, kind=True), f"kind: 'True' is not an event kind; the kinds are "
                                            f"{kinds}"),
            (dict(amount=12.5), "amount: '12.5' is not an integer amount in minor units (cents)"),
            (dict(owner="a\0b"), "owner: 'a\\0b' holds a NUL character"),
        ]
        for change, message in cases:
            with pytest.raises(voronka.InvalidArgumentError) as info:
                s.append(base, **change)
            assert str(info.value) == message, change
        assert s.stats()["events"] == 4


def test_append_takes_a_row_of_a_dataframe(events):
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        assert s.append(events.iloc[0]) == "accepted"  # a Series, with numpy values
        assert s.append(events.iloc[1], ts=MARCH_3_9H + DAY) == "accepted"
        row = next(events.iloc[2:3].itertuples(index=False))
        assert s.append(row._asdict()) == "accepted"
        assert s.deal("A").stage == "offer"
        for wrong in (["1", "A"], "1,A", 5):
            with pytest.raises(voronka.InvalidArgumentError) as info:
                s.append(wrong)
            assert str(info.value) == (f"event: expected a mapping of field to value (a dict, or "
                                       f"a DataFrame row), not {type(wrong).__name__}")
        with pytest.raises(voronka.InvalidArgumentError) as info:
            s.append({"event_id": "9", 7: "x", "Kind": "won"})
        assert str(info.value).startswith("event: unknown field(s) 'Kind', 7; the fields are")
        assert str(info.value).endswith(" (compared exactly: 'Kind' is not 'kind')")
        assert s.stats()["events"] == 3


def test_append_reads_plain_values_without_a_batch_exactly_as_a_batch_would():
    """Store.append reads an event of plain values (str, int, dates) itself;
    whatever it takes, it must read as the batch conversion reads the row."""
    from voronka._columns import NO_AMOUNT, TEXT, convert, read_plain
    import ctypes
    import datetime as dt

    def batch_values(row):
        full = dict(dict.fromkeys(voronka._columns.REQUIRED), **row)
        batch = convert({name: pd.Series([value], dtype=object) for name, value in full.items()})
        if batch.rejects:
            return None
        out = {}
        for name, column in batch.arrays.items():
            value = int(column[0])
            if name in TEXT:
                if value:
                    out[name] = ctypes.string_at(value)
            elif not (name == "amount" and value == NO_AMOUNT):
                out[name] = value
        return out

    base = dict(event_id="1", deal_id="A", ts=MARCH_3_9H, kind="opened", process="sale")
    variants = [
        {}, dict(event_id=7), dict(deal_id="Иван"), dict(owner=""), dict(owner="a\0b"),
        dict(owner="\ud800"), dict(owner=True), dict(owner=1.5), dict(stage=None),
        dict(ts="2025-03-03"), dict(ts="2025-03-03T09:00:00.5+03:00"), dict(ts="2025-03-03 09:00"),
        dict(ts="1741000000000"), dict(ts="-5"), dict(ts="2025-13-01"), dict(ts="9999-12-31T00:00:00Z"),
        dict(ts="1399-12-31"), dict(ts=2 ** 63), dict(ts=-(2 ** 63)), dict(ts=True),
        dict(ts=dt.date(2025, 3, 3)), dict(ts=dt.datetime(2025, 3, 3, 9, 0, 0, 123456)),
        dict(ts=pd.Timestamp("2025-03-03T09:00:00.001", tz="Europe/Moscow")), dict(ts=pd.NaT),
        dict(kind=1), dict(kind=12), dict(kind="won"), dict(kind="Opened"), dict(kind=True),
        dict(amount=0), dict(amount=NO_AMOUNT), dict(amount=NO_AMOUNT + 1), dict(amount=2 ** 63),
        dict(amount="100"), dict(amount=-5), dict(amount=False), dict(event_id=""),
    ]
    taken = 0
    for change in variants:
        row = dict(base, **change)
        plain = read_plain(row)
        if plain is not None:
            taken += 1
            assert plain == batch_values(row), change
    assert taken == 20  # most of them: the test would prove little otherwise


def test_arguments_of_the_store_and_module_functions_are_checked(tmp_path, events):
    path = tmp_path / "s.vrk"
    cases = [
        (lambda: voronka.Store.open(path, checkpoint_every=-1),
         "checkpoint_every: -1 is not a number of events"),
        (lambda: voronka.Store.open(path, checkpoint_every="5"),
         "checkpoint_every: '5' is not a number of events"),
        (lambda: voronka.Store.open(path, read_only="no"), "read_only: 'no' is not True or False"),
        (lambda: voronka.Store.open(path, create_if_missing=None),
         "create_if_missing: None is not True or False"),
        (lambda: voronka.format_ms("2025-03-03"),
         "time: '2025-03-03' is not milliseconds since the epoch"),
        (lambda: voronka.format_ms(1.5), "time: 1.5 is not milliseconds since the epoch"),
        (lambda: voronka.format_ms(2 ** 64), "time: 18446744073709551616 ms is out of range"),
        (lambda: voronka.merge(b"state"), "merge: expected a list of states, not bytes"),
        (lambda: voronka.merge("state"), "merge: expected a list of states, not str"),
    ]
    for call, message in cases:
        with pytest.raises(voronka.InvalidArgumentError) as info:
            call()
        assert str(info.value) == message
    assert not path.exists()  # nothing was opened
    assert voronka.format_ms(np.int64(MARCH_3_9H)) == "2025-03-03T09:00:00Z"
    with voronka.Store.memory() as s:
        # A process file named by a string, as by a Path: JSON text starts with "{".
        assert s.add_process(str(DATA / "sale.json")) == (0, True)
        with pytest.raises(voronka.InvalidArgumentError) as info:
            s.add_process("processes/nope.json")
        assert str(info.value) == ("process: 'processes/nope.json' is neither a process "
                                   "definition in JSON nor a file")
        with pytest.raises(voronka.InvalidProcessError):
            s.add_process(' {"key": "x"}')
        with pytest.raises(voronka.InvalidArgumentError) as info:
            s.add_process("x" * 200)
        assert str(info.value) == (f"process: '{'x' * 60}...' is neither a process "
                                   "definition in JSON nor a file")


def test_text_c_would_cut_short_or_cannot_encode_is_refused(tmp_path, store):
    # C reads a string up to its first NUL: "A\0x" would be deal A.
    path = tmp_path / "s.vrk"
    cases = [
        (lambda: store.deal("A\0x"), "deal: 'A\\0x' holds a NUL character"),
        (lambda: store.process("sale\0x"), "process: 'sale\\0x' holds a NUL character"),
        (lambda: store.deal("\udcff"), "deal: '\\udcff' is not valid UTF-8 text"),
        (lambda: store.add_process('{"key": "\ud800"}'),
         "process: '{\"key\": \"\\ud800\"}' is not valid UTF-8 text"),
        (lambda: voronka.Store.open(f"{path}\0.bak"),
         f"path: '{path}\\0.bak' holds a NUL character"),
        (lambda: store.import_csv(f"{DATA / 'events.csv'}\0x"),
         f"path: '{DATA / 'events.csv'}\\0x' holds a NUL character"),
        (lambda: store.import_csv(DATA / "events.csv", rejects=f"{path}\0x"),
         f"rejects: '{path}\\0x' holds a NUL character"),
        (lambda: store.import_csv(DATA / "events.csv", map={"a\0": "ts"}),
         "map: 'a\\0' holds a NUL character"),
        (lambda: voronka.salvage(f"{path}\0x", tmp_path / "fresh.vrk"),
         f"damaged: '{path}\\0x' holds a NUL character"),
        (lambda: voronka.Store.open(5), "path: expected a path, not int"),
        (lambda: store.import_csv(None), "path: expected a path, not NoneType"),
    ]
    for call, message in cases:
        with pytest.raises(voronka.InvalidArgumentError) as info:
            call()
        assert str(info.value) == message
    assert not path.exists()
    assert store.stats()["events"] == 14


def test_malformed_arguments_raise_invalid_argument(tmp_path):
    with voronka.Store.memory() as s:
        definition = json.loads((DATA / "sale.json").read_text())
        definition["stages"][0]["sla"]["days"] = np.int64(2)
        definition["stages"][0]["probability"] = np.float64(0.1)
        assert s.add_process(definition) == (0, True)
        cases = [
            (lambda: s.process(b"sale"), "process: expected a string, not bytes"),
            (lambda: s.deal(17), "deal: expected a string, not int"),
            (lambda: s.add_process({"key": "x", "when": pd.Timestamp(0)}),
             "process: Timestamp Timestamp('1970-01-01 00:00:00') is not JSON"),
            (lambda: s.import_csv(DATA / "events.csv", map={"ts": 5}),
             "map: 'ts': 5 is not a pair of column names"),
            (lambda: s.import_csv(DATA / "events.csv", map=["ts"]),
             "map: expected {file column: voronka column}, not list"),
        ]
        for call, message in cases:
            with pytest.raises(voronka.InvalidArgumentError) as info:
                call()
            assert str(info.value) == message
