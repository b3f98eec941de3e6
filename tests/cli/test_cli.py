"""End-to-end tests of the voronka command on hand-made files.

The fixture (data/events.csv, process data/sale.json: lead -> meeting ->
offer -> contract) holds five deals; every expected number below is worked
out by hand from it:

  A  anna   100000  lead 03-03 09:00, meeting 03-04, offer 03-06, contract 03-10, won 03-12 09:00
  B  boris   50000  lead 03-03 10:00, meeting 03-05, lost (price) 03-07 10:00
  C  anna    20000  lead 03-04 08:00, lost (silence) 03-05 08:00
  D  boris   80000  lead 03-05 12:00, meeting 03-06, offer 03-08 12:00 (open)
  E  anna    30000  lead 03-10 09:00 (open)

The latest event is A's win, 2025-03-12T09:00:00Z.
"""
import csv
import fcntl
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

BIN = os.environ.get("VORONKA_BIN", "voronka")
DATA = Path(__file__).parent / "data"
DAY = 86_400_000
HOUR = 3_600_000


def run(*args, cwd=None):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture()
def store(tmp_path):
    path = tmp_path / "sale.vrk"
    r = run("init", path, "--process", DATA / "sale.json")
    assert r.returncode == 0, r.stderr
    r = run("import", path, DATA / "events.csv", "--rejects", tmp_path / "rejects.csv")
    assert r.returncode == 0, r.stderr
    return path


def report_json(store, kind, *options):
    r = run("report", kind, store, "--format", "json", *options)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def stages(report):
    return {s["stage"]: s for s in report["stages"]}


def test_init_and_processes(tmp_path):
    path = tmp_path / "s.vrk"
    r = run("init", path, "--process", DATA / "sale.json")
    assert r.returncode == 0
    assert r.stdout == f"added process 'sale' version 1\ncreated {path}\n"
    assert run("init", path, "--process", DATA / "sale.json").returncode == 1

    r = run("process", "list", path)
    assert r.stdout == "sale  version 1  automatic  4 stages  Sale\n"
    r = run("process", "show", path, "sale")
    lines = r.stdout.splitlines()
    assert lines[0] == "sale (Sale), automatic process, version 1"
    assert lines[1].split() == ["#", "stage", "name", "probability", "sla", "rotting", "required", "next"]
    assert lines[2].split() == ["1", "lead", "Lead", "10%", "2", "d", "meeting"]
    assert lines[5].split() == ["4", "contract", "Contract", "90%", "won"]
    assert lines[6] == "lost reasons: price, silence"

    # The same definition again changes nothing; a changed one is version 2.
    assert run("process", "add", path, DATA / "sale.json").stdout == "unchanged: process 'sale' version 1\n"
    changed = json.loads((DATA / "sale.json").read_text())
    changed["stages"][1]["probability"] = 0.35
    (tmp_path / "sale2.json").write_text(json.dumps(changed))
    r = run("process", "add", path, tmp_path / "sale2.json")
    assert r.stdout == "added process 'sale' version 2\n"
    bad = tmp_path / "bad.json"
    bad.write_text('{"key": "x", "mode": "AUTOMATIC", "stages": [{"key": "a", "probability": 2}]}')
    r = run("process", "add", path, bad)
    assert r.returncode == 1
    assert "stage 'a': probability 2 is outside [0, 1]" in r.stderr
    assert run("process", "show", path, "nope").returncode == 1


def test_import_is_idempotent(store, tmp_path):
    r = run("import", store, DATA / "events.csv", "--rejects", tmp_path / "again.csv")
    assert r.returncode == 0
    assert r.stdout == f"{DATA / 'events.csv'}: 14 rows; accepted 0, duplicates 14, rejected 0\n"
    assert (tmp_path / "again.csv").read_text() == ""
    assert (tmp_path / "rejects.csv").read_text() == ""


def test_history(store):
    h = report_json(store, "history")
    assert (h["basis"], h["count"]) == ("created", "reached")
    assert (h["deals"], h["won"], h["lost"], h["open"], h["frozen"]) == ("5", "1", "2", "2", "0")
    assert (h["won_amount"], h["lost_amount"]) == ("100000", "70000")
    s = stages(h)
    assert [x["stage"] for x in h["stages"]] == ["lead", "meeting", "offer", "contract"]
    assert [s[k]["reached"] for k in s] == ["5", "3", "2", "1"]
    assert [s[k]["won_stages"] for k in s] == ["3", "2", "1", "1"]
    assert [s[k]["lost_stages"] for k in s] == ["1", "1", "0", "0"]
    assert [s[k]["won_amount"] for k in s] == ["230000", "180000", "100000", "100000"]
    assert [s[k]["lost_amount"] for k in s] == ["20000", "50000", "0", "0"]
    assert [round(s[k]["step_conversion"], 4) for k in s] == [0.6, 0.6667, 0.5, 1.0]
    assert [round(s[k]["cumulative_conversion"], 4) for k in s] == [1.0, 0.6, 0.4, 0.2]
    assert (h["key_level"], h["bottleneck"]) == ("contract", "offer")

    # The closed basis over A's week: only A (won 03-12) and B (lost 03-07).
    h = report_json(store, "history", "--basis", "closed", "--from", "2025-03-06", "--to", "2025-03-13")
    assert (h["deals"], h["won"], h["lost"]) == ("2", "1", "1")

    by_owner = report_json(store, "history", "--by", "owner")
    groups = {g["group"]: g for g in by_owner["groups"]}
    assert (groups["anna"]["deals"], groups["boris"]["deals"]) == ("3", "2")
    assert run("report", "history", store, "--owner", "anna", "--format", "json").returncode == 0


def test_history_in_every_format(store, tmp_path):
    r = run("report", "history", store)
    lines = r.stdout.splitlines()
    assert lines[0] == ("History of all processes: deals created any time, counting reached, "
                        "as of 2025-03-12T09:00:00Z")
    assert lines[2] == "stages"
    assert lines[4].split()[:11] == ["lead", "Lead", "5", "5", "5", "3", "1", "2,300.00", "200.00",
                                     "60.0%", "100.0%"]
    assert "key_level    contract" in r.stdout

    r = run("report", "history", store, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["stage"] for row in rows] == ["lead", "meeting", "offer", "contract"]
    assert rows[1]["won_amount"] == "180000"
    assert rows[2]["step_conversion"] == "0.5"
    r = run("report", "history", store, "--format", "csv", "--table", "summary")
    summary = list(csv.DictReader(io.StringIO(r.stdout)))[0]
    assert (summary["deals"], summary["from"], summary["key_level"]) == ("5", "", "contract")
    assert run("report", "history", store, "--format", "csv", "--table", "nope").returncode == 2
    r = run("report", "history", store, "--table", "summary")
    assert r.stdout.startswith("History of ") and "stages" not in r.stdout
    assert "\nkey_level    contract\n" in r.stdout

    out = tmp_path / "history.html"
    r = run("report", "history", store, "--format", "html", "--out", out)
    assert r.stdout == f"wrote {out}\n"
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 2
    assert "Deals: won and lost stages" in html and "Money: won and lost potential" in html


def test_snapshot_and_obligations(store):
    s = report_json(store, "snapshot")
    assert s["at"] == str(1741770000000)  # 2025-03-12T09:00:00Z
    rows = stages(s)
    assert (rows["lead"]["open"], rows["lead"]["amount"], rows["lead"]["weighted_amount"]) == ("1", "30000", "3000")
    assert rows["lead"]["overdue"] == "0"  # E is due exactly now, not overdue
    assert (rows["offer"]["open"], rows["offer"]["weighted_amount"], rows["offer"]["overdue"]) == ("1", "48000", "1")
    assert rows["offer"]["median_age_ms"] == str(3 * DAY + 21 * HOUR)
    assert s["frozen"] == "0"
    # On 03-06 13:00: A at offer, B and D at meeting, E not there yet.
    past = stages(report_json(store, "snapshot", "--at", "2025-03-06T13:00:00Z"))
    assert (past["offer"]["open"], past["meeting"]["open"], past["lead"]["open"]) == ("1", "2", "0")

    o = report_json(store, "obligations")
    assert len(o["obligations"]) == 1
    d = o["obligations"][0]
    assert (d["deal"], d["stage"], d["owner"]) == ("D", "offer", "boris")
    assert d["overdue_ms"] == str(21 * HOUR)
    assert o["owners"] == [{"owner": "boris", "overdue": "1"}]


def test_conversion_losses_owners_durations(store):
    c = report_json(store, "conversion")
    rows = stages(c)
    assert round(rows["meeting"]["win_rate"], 4) == 0.5  # A won, B lost
    assert round(rows["lead"]["drop_off"], 4) == 0.4

    losses = report_json(store, "losses")
    assert [(x["stage"], x["reason"], x["deals"], x["amount"]) for x in losses["cells"]] == [
        ("lead", "silence", "1", "20000"), ("meeting", "price", "1", "50000")]
    assert (losses["deals"], losses["amount"]) == ("2", "70000")

    owners = report_json(store, "owners")["owners"]
    assert [o["owner"] for o in owners] == ["anna", "boris"]
    anna, boris = owners
    assert (anna["opened"], anna["won"], anna["lost"], anna["won_amount"]) == ("3", "1", "1", "100000")
    assert (anna["win_rate"], anna["worst_stage"]) == (0.5, "lead")
    assert abs(int(anna["median_cycle_ms"]) - 9 * DAY) <= 0.01 * 9 * DAY
    assert (boris["opened"], boris["won"], boris["lost"], boris["worst_stage"]) == ("2", "0", "1", "meeting")

    d = report_json(store, "durations")
    rows = {s["stage"]: s["time"] for s in d["stages"]}
    assert (rows["lead"]["count"], rows["lead"]["sum_ms"], rows["lead"]["min_ms"], rows["lead"]["max_ms"]) == (
        "4", str(5 * DAY), str(DAY), str(2 * DAY))
    assert (rows["meeting"]["count"], rows["meeting"]["sum_ms"]) == ("3", str(6 * DAY))
    assert (rows["offer"]["count"], rows["offer"]["sum_ms"]) == ("1", str(4 * DAY))
    assert (d["to_won"]["sum_ms"], d["to_lost"]["count"], d["to_lost"]["sum_ms"]) == (
        str(9 * DAY), "2", str(5 * DAY))


def test_forecast_whatif_window(store):
    f = report_json(store, "forecast")
    rows = stages(f)
    assert (rows["lead"]["weighted_amount"], rows["offer"]["weighted_amount"]) == ("3000", "48000")
    assert round(rows["lead"]["learned_probability"], 4) == round(1 / 3, 4)
    assert (rows["lead"]["learned_weighted_amount"], rows["offer"]["learned_weighted_amount"]) == ("10000", "80000")
    assert f["months"] == [{"month": "2025-03", "deals": "2", "amount": "110000",
                            "weighted_amount": "51000", "learned_weighted_amount": "90000"}]

    w = report_json(store, "whatif", "--all-stages", "2")
    assert (w["baseline_won"], w["projected_won"]) == ("1", 5.0)
    assert (w["baseline_won_amount"], w["projected_won_amount"]) == ("100000", "500000")

    win = report_json(store, "window", "--window", "7d")
    assert [(x["stage"], x["deals"], x["reached"]) for x in win["levels"]] == [
        ("lead", "2", "5"), ("meeting", "1", "3"), ("offer", "1", "2"), ("contract", "1", "1")]
    win = report_json(store, "window", "--window", "6d", "--mode", "strict_order")
    assert [x["deals"] for x in win["levels"]] == ["2", "1", "2", "0"]  # A misses its contract by a day


def test_spec_round_trip(store, tmp_path):
    spec = tmp_path / "spec.json"
    first = run("report", "history", store, "--basis", "closed", "--count", "entered",
                "--from", "2025-03-01", "--save-spec", spec, "--format", "json")
    assert first.returncode == 0
    saved = json.loads(spec.read_text())
    assert saved["history"]["basis"] == "CLOSED" and saved["history"]["count"] == "ENTERED"
    again = run("report", "history", store, "--spec", spec, "--format", "json")
    assert again.stdout == first.stdout
    r = run("report", "snapshot", store, "--spec", spec)
    assert r.returncode == 2 and "holds a history report, not snapshot" in r.stderr


def test_usage_errors(store):
    cases = [
        (["report", "funnel", store], "funnel"),
        (["report", "history", store, "--from", "2025-13-01"],
         "--from: '2025-13-01' is not an ISO 8601 date or date-time"),
        (["report", "history", store, "--window", "7d"], "--window does not apply to the history report"),
        (["report", "history", store, "--by", "team"], "--by: 'team' is not owner"),
        (["report", "history", store, "--from", "2025-03-05", "--to", "2025-03-01"],
         "the period's start 2025-03-05T00:00:00Z is after its end"),
        (["report", "window", store, "--window", "soon"], "--window: 'soon' is not a positive duration"),
        (["import", store], "file is required"),
        (["frobnicate"], "subcommand"),
    ]
    for args, message in cases:
        r = run(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert message in r.stderr, (args, r.stderr)
    r = run("report", "history", "/nonexistent/store.vrk")
    assert r.returncode == 1


def test_bad_rows_go_to_the_rejects_file(tmp_path):
    path = tmp_path / "s.vrk"
    run("init", path, "--process", DATA / "sale.json")
    rejects = tmp_path / "bad.rejects.csv"
    r = run("import", path, DATA / "bad.csv", "--rejects", rejects)
    assert r.returncode == 3
    assert r.stdout.startswith(f"{DATA / 'bad.csv'}: 12 rows; accepted 2, duplicates 0, rejected 10\n")
    rows = list(csv.reader(io.StringIO(rejects.read_text())))
    assert rows[0][-2:] == ["line", "error"]
    errors = {int(row[-2]): row[-1] for row in rows[1:]}
    assert errors == {
        3: "the row has 11 fields, the header 12",
        4: "kind: 'promoted' is not an event kind; the kinds are opened, entered, won, lost, frozen, "
           "resumed, reopened, amount_changed, owner_changed, field_set, activity",
        5: "deal A: unknown stage 'hall' in process 'sale'",
        6: "deal B: unknown process 'rent'",
        7: "ts: '2025-13-04T12:00:00Z' is not an ISO 8601 date or date-time",
        8: "amount: '12.50' is not an integer amount in minor units (cents)",
        9: "deal A: cannot enter 'offer' from 'lead' in automatic process 'sale'; allowed: meeting, lost, frozen",
        10: "deal A: event id 1 was recorded before with different content",
        12: "deal A: unknown deal (no opened event at or before 2025-03-02T09:00:00Z)",
        13: "kind: '\"lost,,,,,price,,' opens a quote that is never closed",
    }
    # The original row is kept exactly, quotes and all.
    assert rejects.read_text().splitlines()[-1].startswith('11,A,sale,2025-03-07T09:00:00Z,"""lost')

    # Out of order: an event before the deal's last one, in a later import.
    late = tmp_path / "late.csv"
    late.write_text("event_id,deal_id,ts,kind\n50,A,2025-03-04T00:00:00Z,frozen\n")
    r = run("import", path, late)
    assert r.returncode == 3
    rows = list(csv.reader(io.StringIO((tmp_path / "late.csv.rejects.csv").read_text())))
    assert rows[1] == ["50", "A", "2025-03-04T00:00:00Z", "frozen", "2",
                       "deal A: frozen at 2025-03-04T00:00:00Z is earlier than the deal's last event at "
                       "2025-03-06T09:00:00Z; a deal's events must not go back in time"]


def test_a_stray_quote_text_in_another_encoding_and_times_beyond_the_calendar(tmp_path):
    path = tmp_path / "s.vrk"
    run("init", path, "--process", DATA / "sale.json")
    events = tmp_path / "messy.csv"
    events.write_bytes(
        b"event_id,deal_id,process,ts,kind,stage,amount,owner,client,reason,field,value\n"
        b"e1,D1,sale,2025-03-03,opened,,100,anna,acme,,,\n"
        b"e2,D1,,2025-03-06,field_set,,,,,,note,\"5 inch screen\n"
        b"e3,D2,sale,2025-03-03,opened,,100,anna,acme,,,\n"
        b"e4,D3,sale,2025-03-03,opened,,100,an\xffna,acme,,,\n"
        b"e5,D4,sale,2025-03-03,opened,,100,anna,\"Acme, Inc\",,,\n"
        b"e6,D5,sale,9999-12-31T23:00:00-05:00,opened,,100,anna,acme,,,\n")
    rejects = tmp_path / "messy.rejects.csv"
    r = run("import", path, events, "--rejects", rejects)
    assert r.returncode == 3
    assert r.stdout.startswith(f"{events}: 6 rows; accepted 3, duplicates 0, rejected 3\n")
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8", errors="replace"))))
    errors = {int(row[-2]): row[-1] for row in rows[1:]}
    assert errors == {
        3: "value: '\"5 inch screen' opens a quote that runs onto later lines without closing "
           "its field",
        5: "deal D3: event e4: owner 'an\\xffna' is not valid UTF-8 text",
        7: "ts: '9999-12-31T23:00:00-05:00' is outside the calendar's years 1400 to 9999",
    }
    assert [run("deal", path, d).returncode for d in ("D1", "D2", "D4")] == [0, 0, 0]


def test_what_an_open_worked_around_is_said(store, tmp_path):
    size = os.path.getsize(store)
    with open(store, "ab") as f:
        f.write(b"\x40\x00\x00")  # the start of a record that was never finished
    r = run("import", store, DATA / "events.csv", "--rejects", tmp_path / "r.csv")
    assert r.returncode == 0
    assert r.stderr == (f"voronka: warning: dropped a torn last record (3 bytes at offset {size}): "
                        f"record 3 at offset {size} ends after 3 of its 12 header bytes\n")
    assert os.path.getsize(store) == size


def test_files_that_are_not_event_tables(tmp_path):
    path = tmp_path / "s.vrk"
    run("init", path, "--process", DATA / "sale.json")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    r = run("import", path, empty)
    assert r.returncode == 1 and "empty" in r.stderr
    headless = tmp_path / "headless.csv"
    headless.write_text("1,A,sale,2025-03-03T09:00:00Z,opened,,100000,anna,acme,,,\n")
    r = run("import", path, headless)
    assert r.returncode == 1 and "header" in r.stderr
    # A spreadsheet's export: a byte order mark, CRLF line ends, its own column names.
    windows = tmp_path / "export.csv"
    windows.write_bytes(b"\xef\xbb\xbfId,Deal,Process,When,What,Stage,Sum\r\n"
                        b"1,X,sale,2025-04-01,opened,,500\r\n2,X,sale,2025-04-02,entered,meeting,\r\n")
    r = run("import", path, windows, "--map", "Id=event_id", "--map", "Deal=deal_id", "--map", "Process=process",
            "--map", "When=ts", "--map", "What=kind", "--map", "Stage=stage", "--map", "Sum=amount")
    assert r.returncode == 0, r.stderr
    assert "accepted 2, duplicates 0, rejected 0" in r.stdout
    deal = json.loads(run("deal", path, "X", "--format", "json").stdout)
    assert (deal["stage"], deal["amount"]) == ("meeting", "500")
    epoch = tmp_path / "epoch.csv"
    epoch.write_text("event_id,deal_id,process,ts,kind\n9,Y,sale,1743465600,opened\n")
    assert run("import", path, epoch, "--time-format", "epoch-s").returncode == 0
    assert json.loads(run("deal", path, "Y", "--format", "json").stdout)["opened_at"] == "1743465600000"


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_html_renders_in_a_browser(store, tmp_path):
    import matplotlib.image
    page = tmp_path / "report.html"
    assert run("report", "history", store, "--format", "html", "--out", page).returncode == 0
    shot = tmp_path / "shot.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                    "--window-size=1000,800", page.as_uri()], capture_output=True, timeout=120)
    assert shot.exists()
    pixels = matplotlib.image.imread(str(shot))
    # Not blank: the bars put red and green on the page.
    red = ((pixels[..., 0] > 0.6) & (pixels[..., 1] < 0.3)).sum()
    green = ((pixels[..., 1] > 0.4) & (pixels[..., 0] < 0.3)).sum()
    assert red > 500 and green > 500


def test_demo(tmp_path):
    r = run("demo", "--out", tmp_path / "demo", "--deals", "300")
    assert r.returncode == 0, r.stderr
    assert "Snapshot of all processes" in r.stdout and "key_level" in r.stdout
    for name in ["demo.vrk", "events.csv", "typical_sale.json", "manual_sale.json", "report.html"]:
        assert (tmp_path / "demo" / name).exists(), name
    assert run("report", "owners", tmp_path / "demo" / "demo.vrk").returncode == 0


def test_every_error_has_the_prefix_and_its_exit_code(store, tmp_path):
    missing = tmp_path / "nofile.csv"
    r = run("import", store, missing)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == f"voronka: {missing}: cannot read '{missing}': No such file or directory\n"
    r = run("report", "history", store, "--spec", tmp_path / "nope.json")
    assert (r.returncode, r.stderr) == (1, f"voronka: cannot read {tmp_path / 'nope.json'}: No such file or directory\n")
    garbled = tmp_path / "garbled.json"
    garbled.write_text("{")
    r = run("report", "history", store, "--spec", garbled)
    assert r.returncode == 1 and r.stderr.startswith(f"voronka: --spec {garbled}: ")
    help_line = "Run with --help for more information.\n"
    cases = [
        (["report", "history", store, "--format", "pdf"],
         "voronka: --format: pdf not in {table,json,csv,html}\n"),
        (["report", "history", store, "--count", "some"], "voronka: --count: some not in {reached,entered}\n"),
        (["import", store], "voronka: file is required\n"),
        (["frobnicate"], "voronka: A subcommand is required\n"),
        # The command's own checks of the command line end the same way.
        (["report", "history", store, "--window", "7d"],
         "voronka: --window does not apply to the history report (only to: window)\n"),
        (["report", "history", store, "--from", "2025-13-01"],
         "voronka: --from: '2025-13-01' is not an ISO 8601 date or date-time "
         "(2025-01-31 or 2025-01-31T14:05:00Z)\n"),
        (["report", "history", store, "--format", "csv", "--table", "flows"],
         "voronka: the history report has no table 'flows' (tables: stages, summary)\n"),
        (["import", store, DATA / "events.csv", "--map", "deal_id"],
         "voronka: --map: column mapping 'deal_id' is not SRC=DST, e.g. 'Deal ID=deal_id'\n"),
    ]
    for args, message in cases:
        r = run(*args)
        assert (r.returncode, r.stdout, r.stderr) == (2, "", message + help_line), args


def test_outputs_never_overwrite_the_store_or_an_input(store, tmp_path):
    events = tmp_path / "in.csv"
    shutil.copy(DATA / "events.csv", events)
    spec = tmp_path / "spec.json"
    assert run("report", "history", store, "--save-spec", spec).returncode == 0
    saved = {p: p.read_bytes() for p in (store, events, spec)}
    link = tmp_path / "link.vrk"
    link.symlink_to(store)
    cases = [
        (["import", store, events, "--rejects", store], f"--rejects {store} would overwrite the store"),
        (["import", store, events, "--rejects", events],
         f"--rejects {events} would overwrite the input file {events}"),
        (["import", store, events, "--rejects", f"{store}.lock"],
         f"--rejects {store}.lock would overwrite a file of the store {store}"),
        (["import", store, events, "--rejects", f"{store}.checkpoint"],
         f"--rejects {store}.checkpoint would overwrite a file of the store {store}"),
        (["report", "history", store, "--out", store], f"--out {store} would overwrite the store"),
        (["report", "history", store, "--out", link], f"--out {link} would overwrite the store"),
        (["report", "history", store, "--save-spec", store],
         f"--save-spec {store} would overwrite the store"),
        (["report", "history", store, "--spec", spec, "--out", spec],
         f"--out {spec} would overwrite the --spec file {spec}"),
        (["report", "history", store, "--save-spec", spec, "--out", spec],
         f"--out {spec} would overwrite the --save-spec file {spec}"),
    ]
    for args, message in cases:
        r = run(*args)
        assert (r.returncode, r.stdout, r.stderr) == (1, "", f"voronka: {message}; write to another file\n"), args
    # Another spelling of the same path, through a directory that does not exist.
    r = run("report", "history", "sale.vrk", "--out", "no/../sale.vrk", cwd=tmp_path)
    assert (r.returncode, r.stderr) == (1, "voronka: --out no/../sale.vrk would overwrite the store; "
                                           "write to another file\n")
    # The default rejects file is checked too.
    odd = tmp_path / "odd.csv"
    shutil.copy(DATA / "events.csv", odd)
    r = run("import", tmp_path / "odd.csv.rejects.csv", odd)
    assert r.returncode == 1
    assert r.stderr == (f"voronka: the rejects file {odd}.rejects.csv would overwrite the store; "
                        "write to another file\n")
    assert {p: p.read_bytes() for p in saved} == saved
    assert not (tmp_path / "odd.csv.rejects.csv").exists()
    assert report_json(store, "history")["deals"] == "5"


def test_the_rejects_file_is_opened_first_and_reflects_this_run(tmp_path):
    path = tmp_path / "s.vrk"
    assert run("init", path, "--process", DATA / "sale.json").returncode == 0
    r = run("import", path, DATA / "events.csv", "--rejects", "/nonexistent/dir/x.csv")
    assert (r.returncode, r.stdout, r.stderr) == (
        1, "", "voronka: cannot write the rejects file /nonexistent/dir/x.csv: No such file or directory\n")
    assert report_json(path, "history")["deals"] == "0"  # nothing was imported

    # A failed import leaves no rejects file, not even one of an earlier run.
    rejects = tmp_path / "rejects.csv"
    assert run("import", path, DATA / "bad.csv", "--rejects", rejects).returncode == 3
    assert rejects.read_text().startswith("event_id,")
    headless = tmp_path / "headless.csv"
    headless.write_text("1,A,sale,2025-03-03T09:00:00Z,opened,,100000,anna,acme,,,\n")
    r = run("import", path, headless, "--rejects", rejects)
    assert r.returncode == 1 and "header" in r.stderr
    assert not rejects.exists()

    assert run("import", path, DATA / "bad.csv", "--rejects", rejects).returncode == 3
    with open(f"{path}.lock", "r+") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = run("import", path, DATA / "bad.csv", "--rejects", rejects)
    assert r.returncode == 1 and "is locked by another writer" in r.stderr
    assert not rejects.exists()

    r = run("import", tmp_path / "missing.vrk", DATA / "events.csv", "--rejects", rejects)
    assert r.returncode == 1 and not rejects.exists()

    # A write that fails at the end still leaves the summary of what went in.
    if os.path.exists("/dev/full"):
        r = run("import", path, DATA / "events.csv", "--rejects", "/dev/full")
        assert (r.returncode, r.stdout, r.stderr) == (
            1, f"{DATA / 'events.csv'}: 14 rows; accepted 10, duplicates 1, rejected 3\n",
            "voronka: cannot write the rejects file /dev/full: No space left on device\n")


def test_a_failed_init_leaves_nothing(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"key": "x", "mode": "AUTOMATIC", "stages": [{"key": "a", "probability": 2}]}')
    path = tmp_path / "new.vrk"
    r = run("init", path, "--process", DATA / "sale.json", "--process", bad)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == f"voronka: {bad}: process 'x' is invalid: stage 'a': probability 2 is outside [0, 1]\n"
    assert sorted(os.listdir(tmp_path)) == ["bad.json"]
    r = run("init", path, "--process", DATA / "sale.json")
    assert (r.returncode, r.stdout) == (0, f"added process 'sale' version 1\ncreated {path}\n")


def test_values_that_must_be_positive(store):
    def positive(flag, value):
        return f"voronka: {flag}: '{value}' is not a positive number\nRun with --help for more information.\n"
    duration = ("is not a positive duration (like 7d, 36h, 90m, 45s or milliseconds)\n"
                "Run with --help for more information.")
    cases = [
        (["report", "window", store, "--window", "0"], f"voronka: --window: '0' {duration}\n"),
        (["report", "window", store, "--window", "0d"], f"voronka: --window: '0d' {duration}\n"),
        (["report", "window", store, "--window", "999999999999d"],
         f"voronka: --window: '999999999999d' {duration}\n"),
        (["report", "whatif", store, "--sensitivity-step", "0"], positive("--sensitivity-step", "0")),
        (["report", "whatif", store, "--inflow", "-1"], positive("--inflow", "-1")),
        (["report", "whatif", store, "--all-stages", "0"], positive("--all-stages", "0")),
        (["report", "forecast", store, "--lookback-days", "0"], positive("--lookback-days", "0")),
        (["report", "snapshot", store, "--rotting-days", "0"], positive("--rotting-days", "0")),
        (["report", "snapshot", store, "--rotting-days", "x"], positive("--rotting-days", "x")),
    ]
    for args, message in cases:
        r = run(*args)
        assert (r.returncode, r.stdout, r.stderr) == (2, "", message), args
    # Positive but past the bound that keeps a projection finite: the
    # library's own message.
    r = run("report", "whatif", store, "--inflow", "1e308")
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == ("voronka: what-if: inflow is 1e+308; it must be a number from 0 to 1000000\n"
                        "Run with --help for more information.\n")


def test_the_window_is_titled_exactly(store):
    def title(*options):
        r = run("report", "window", store, *options)
        assert r.returncode == 0, r.stderr
        return r.stdout.splitlines()[0]
    assert "window 1 ms)" in title("--window", "1")
    assert "window 30 d)" in title()
    assert "window 36 h)" in title("--window", "36h")
    assert "window 90 min)" in title("--window", "90m")
    assert "window 1500 ms)" in title("--window", "1500")


def test_store_errors_point_to_the_commands(store, tmp_path):
    missing = tmp_path / "missing.vrk"
    r = run("import", missing, DATA / "events.csv", "--rejects", tmp_path / "r.csv")
    assert (r.returncode, r.stderr) == (
        1, f"voronka: store file '{missing}' does not exist; a store is created with 'voronka init'\n")
    r = run("report", "history", missing)
    assert (r.returncode, r.stderr) == (
        1, f"voronka: store file '{missing}' does not exist; a store is created with 'voronka init'\n")

    data = bytearray(store.read_bytes())
    data[-3] ^= 0xFF  # inside the last record
    store.write_bytes(bytes(data))
    r = run("report", "history", store)
    assert r.returncode == 1
    assert r.stderr.startswith(f"voronka: store file '{store}' is damaged at offset ")
    assert r.stderr.endswith(f"; the record before it is intact and can be salvaged; "
                             f"run 'voronka salvage {store} NEW.vrk'\n")
    assert "salvage_store" not in r.stderr
    fresh = tmp_path / "fresh.vrk"
    r = run("salvage", store, fresh)
    assert r.returncode == 0 and r.stdout.startswith("kept ")
    r = run("salvage", store, fresh)
    assert (r.returncode, r.stderr) == (1, f"voronka: '{fresh}' exists; salvage writes a new file only\n")


def test_salvage_is_named_only_where_it_can_help(store, tmp_path):
    # Not a store at all, or an empty file: nothing to salvage, so no advice to.
    r = run("report", "history", DATA / "events.csv")
    assert (r.returncode, r.stderr) == (
        1, f"voronka: '{DATA / 'events.csv'}' is not a voronka store file: it begins with "
           f"65 76 65 6e 74 5f 69 64, not 89 56 52 4b 0d 0a 1a 0a\n")
    empty = tmp_path / "empty.vrk"
    empty.write_bytes(b"")
    r = run("report", "history", empty)
    assert (r.returncode, r.stderr) == (
        1, f"voronka: store file '{empty}' is empty; it should begin with a 12-byte preamble "
           f"(magic and format version) and a header\n")

    # A damaged header: the advice is given, and following it keeps every event.
    events = json.loads(run("report", "snapshot", store, "--format", "json").stdout)
    data = bytearray(store.read_bytes())
    data[12 + 12 + 3] ^= 0x20  # inside the header's payload
    store.write_bytes(bytes(data))
    r = run("report", "history", store)
    assert (r.returncode, r.stderr) == (
        1, f"voronka: store file '{store}': the header at offset 12 is damaged (checksum "
           f"mismatch or unreadable); run 'voronka salvage {store} NEW.vrk'\n")
    fresh = tmp_path / "fresh.vrk"
    r = run("salvage", store, fresh)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("lost 0 bytes from offset %d: the header at offset 12 is damaged "
                             "(its payload's checksum does not match or it does not parse)\n"
                             % len(data))
    assert json.loads(run("report", "snapshot", fresh, "--format", "json").stdout) == events
