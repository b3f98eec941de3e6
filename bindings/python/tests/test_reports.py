"""Every report through the binding, against the numbers worked out by hand
for the five-deal funnel (tests/cli/test_cli.py explains each)."""
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

import voronka
from conftest import DATA, DAY, HOUR

LATEST = 1741770000000  # 2025-03-12T09:00:00Z, A's win


def by_stage(frame):
    return frame.set_index("stage")


def test_history(store):
    h = store.history()
    assert h.name == "history"
    assert h.title == ("History of all processes: deals created any time, counting reached, "
                       "as of 2025-03-12T09:00:00Z")
    assert h.tables == ["stages", "summary"]
    s = h.to_pandas()
    assert list(s.stage) == ["lead", "meeting", "offer", "contract"]
    assert list(s.reached) == [5, 3, 2, 1]
    assert list(s.won_stages) == [3, 2, 1, 1]
    assert list(s.lost_stages) == [1, 1, 0, 0]
    assert list(s.won_amount) == [230000, 180000, 100000, 100000]
    assert list(s.lost_amount) == [20000, 50000, 0, 0]
    assert list(s.step_conversion.round(4)) == [0.6, 0.6667, 0.5, 1.0]
    assert list(s.cumulative_conversion.round(4)) == [1.0, 0.6, 0.4, 0.2]
    summary = h.to_pandas("summary").iloc[0]
    assert (summary.deals, summary.won, summary.lost, summary.open) == (5, 1, 2, 2)
    assert (summary.won_amount, summary.lost_amount) == (100000, 70000)
    assert (summary.key_level, summary.bottleneck) == ("contract", "offer")

    closed = store.history(basis="closed", start="2025-03-06", end=dt.date(2025, 3, 13))
    summary = closed.to_pandas("summary").iloc[0]
    assert (summary.deals, summary.won, summary.lost) == (2, 1, 1)

    grouped = store.history(by="owner").to_pandas("summary")
    assert grouped.group.isna().tolist() == [True, False, False]  # all deals, then each owner
    assert list(grouped.group[1:]) == ["anna", "boris"]
    assert list(grouped.deals) == [5, 3, 2]
    anna = store.history(owner="anna").to_pandas("summary").iloc[0]
    assert anna.deals == 3


def test_snapshot_now_and_in_the_past(store):
    s = by_stage(store.snapshot().to_pandas())
    assert (s.loc["lead", "open"], s.loc["lead", "amount"], s.loc["lead", "weighted_amount"]) == (
        1, 30000, 3000)
    assert (s.loc["offer", "open"], s.loc["offer", "weighted_amount"], s.loc["offer", "overdue"]) == (
        1, 48000, 1)
    assert s.loc["offer", "median_age_ms"] == pd.Timedelta(milliseconds=3 * DAY + 21 * HOUR)
    assert pd.isna(s.loc["meeting", "median_age_ms"])
    for at in ("2025-03-06T13:00:00Z", dt.datetime(2025, 3, 6, 13), LATEST - 6 * DAY + 4 * HOUR,
               np.datetime64("2025-03-06T13:00")):
        past = by_stage(store.snapshot(at=at).to_pandas())
        assert (past.loc["offer", "open"], past.loc["meeting", "open"], past.loc["lead", "open"]) == (
            1, 2, 0), at


def test_obligations_losses_owners_durations(store):
    o = store.obligations().to_pandas()
    assert o[["deal", "stage", "owner"]].values.tolist() == [["D", "offer", "boris"]]
    assert o.overdue_ms.iloc[0] == pd.Timedelta(hours=21)
    assert o.due_at.iloc[0] == pd.Timestamp("2025-03-11T12:00:00Z")
    assert store.obligations().to_pandas("owners").values.tolist() == [["boris", 1]]

    losses = store.losses().to_pandas("cells")
    assert losses[["stage", "reason", "deals", "amount"]].values.tolist() == [
        ["lead", "silence", 1, 20000], ["meeting", "price", 1, 50000]]

    owners = store.owners().to_pandas()
    assert list(owners.owner) == ["anna", "boris"]
    assert owners[["opened", "won", "lost", "won_amount"]].values.tolist() == [
        [3, 1, 1, 100000], [2, 0, 1, 0]]
    assert list(owners.worst_stage) == ["lead", "meeting"]

    d = store.durations().to_dict()["tables"]["stages"]
    lead = next(r for r in d if r["stage"] == "lead")
    assert (lead["time_count"], lead["time_sum_ms"], lead["time_min_ms"], lead["time_max_ms"]) == (
        4, 5 * DAY, DAY, 2 * DAY)
    cumulative = store.durations(cumulative=True).to_pandas()
    # No deal visited a stage twice, so all visits are the first: A's
    # contract visit (03-10 to its win 03-12) is the only one there.
    assert list(cumulative.time_count) == [4, 3, 1, 1]
    assert cumulative.time_sum_ms.iloc[3] == pd.Timedelta(days=2)


def test_conversion_forecast_whatif_window(store):
    c = by_stage(store.conversion().to_pandas())
    assert round(c.loc["meeting", "win_rate"], 4) == 0.5
    assert round(c.loc["lead", "drop_off"], 4) == 0.4
    f = by_stage(store.forecast().to_pandas())
    assert (f.loc["lead", "weighted_amount"], f.loc["offer", "learned_weighted_amount"]) == (3000, 80000)
    w = store.whatif(all_stages=2).to_pandas("summary").iloc[0]
    assert (w.baseline_won, w.projected_won, w.projected_won_amount) == (1, 5.0, 500000)
    one = store.whatif(stage_multiplier={"offer": 2}).to_pandas("summary").iloc[0]
    assert one.projected_won == pytest.approx(2.0)
    win = store.window(window="7d").to_pandas()
    assert win[["stage", "deals", "reached"]].values.tolist() == [
        ["lead", 2, 5], ["meeting", 1, 3], ["offer", 1, 2], ["contract", 1, 1]]
    strict = store.window(window=dt.timedelta(days=6), mode="strict_order").to_pandas()
    assert list(strict.deals) == [2, 1, 2, 0]


def test_options_are_checked(store):
    with pytest.raises(TypeError, match="window"):
        store.history(window="7d")  # a flag the report does not take
    with pytest.raises(TypeError, match="by"):
        store.owners(by="owner")
    with pytest.raises(voronka.InvalidArgumentError, match="by: 'team' is not a breakdown"):
        store.history(by="team")
    with pytest.raises(voronka.InvalidArgumentError, match="basis: 'open' is not one of"):
        store.history(basis="open")
    with pytest.raises(voronka.InvalidArgumentError, match="ISO 8601"):
        store.history(start="2025-13-01")
    with pytest.raises(voronka.InvalidArgumentError, match="after its end"):
        store.history(start="2025-03-05", end="2025-03-01")
    with pytest.raises(voronka.InvalidArgumentError, match="'soon' is not a duration"):
        store.window(window="soon")
    with pytest.raises(voronka.NotFoundError, match="rent"):
        store.history(process="rent")
    with pytest.raises(voronka.InvalidArgumentError, match="'nope' is not a report"):
        store.report("nope")
    with pytest.raises(voronka.InvalidArgumentError):
        store.report({"history": {"basis": "SIDEWAYS"}})
    assert store.report({"history": {"basis": "CLOSED"}}).to_json() == \
        store.history(basis="closed").to_json()


def test_the_other_forms(store):
    h = store.history()
    j = json.loads(h.to_json())
    assert j["history"]["deals"] == "5" if "history" in j else j["deals"] == "5"
    assert len(h.to_protobuf()) > 50
    table = h.render()
    assert table.splitlines()[0] == h.title
    assert h.render("csv").splitlines()[0].startswith("stage,name,")
    assert h.render("csv", table="summary").splitlines()[0].startswith("process,basis,count,from,to,as_of,deals,")
    assert h.render("html").startswith("<!DOCTYPE html>")
    with pytest.raises(voronka.InvalidArgumentError):
        h.render("pdf")
    with pytest.raises(voronka.NotFoundError, match="nope"):
        h.to_pandas("nope")
    d = h.to_dict()
    assert d["name"] == "history" and d["tables"]["summary"][0]["deals"] == 5
    assert d["tables"]["stages"][0]["step_conversion"] == pytest.approx(0.6)
    empty = voronka.Store.memory()
    empty.add_process(DATA / "sale.json")
    none = empty.history().to_pandas()
    assert none.step_conversion.isna().all()  # no deals: no conversion, never NaN from 0/0 in C
    assert none.step_conversion.dtype == float
    empty.close()


def test_a_table_is_named_and_rendered_alone_as_table_or_csv(store):
    h = store.history()
    unknown = "the history report has no table 'nope' (tables: stages, summary)"
    with pytest.raises(voronka.NotFoundError) as info:
        h.to_pandas("nope")
    assert str(info.value) == unknown
    for form in ("csv", "table", "json", "html"):
        with pytest.raises(voronka.InvalidArgumentError) as info:
            h.render(form, table="nope")
        assert str(info.value) == unknown
    for form in ("json", "html"):  # the whole report
        with pytest.raises(voronka.InvalidArgumentError) as info:
            h.render(form, table="summary")
        assert str(info.value) == (f"the {form} format renders the whole report; a table is "
                                   "rendered alone in the table or csv format")
    # The title, then the summary as the whole rendering ends with it.
    summary = h.render("table", table="summary")
    title, figures = summary.split("\n\n", 1)
    assert title == h.title and figures.startswith("basis ") and "\ndeals " in figures
    assert h.render("table").endswith("\n\n" + figures) and "stages" not in summary
    assert h.render("table", table="") == h.render("table")
    for wrong in (1, ["summary"]):
        with pytest.raises(voronka.InvalidArgumentError) as info:
            h.to_pandas(wrong)
        assert str(info.value) == (f"table: expected a table name (stages, summary), not "
                                   f"{type(wrong).__name__}")
        with pytest.raises(voronka.InvalidArgumentError):
            h.render("csv", table=wrong)


def test_plots(store):
    import matplotlib.colors as colors
    figure = store.history().plot()
    deals, money = figure.axes
    assert (deals.get_title(), money.get_title()) == ("Deals: won and lost stages",
                                                      "Money: won and lost potential")
    bars = deals.patches
    assert len(bars) == 8  # four stages, won and lost
    widths = [b.get_width() for b in bars]
    assert widths == [3, 2, 1, 1, 1, 1, 0, 0]
    assert colors.to_hex(bars[0].get_facecolor()) == "#2e7d32"
    assert colors.to_hex(bars[4].get_facecolor()) == "#c62828"
    assert bars[0].get_x() == -2.0  # centred: (3 + 1) / 2
    assert [t.get_text() for t in deals.get_yticklabels()] == ["Lead", "Meeting", "Offer", "Contract"]
    assert len(store.snapshot().plot().axes) == 2
    assert len(store.window(by="owner").plot(group="anna").axes) == 1
    with pytest.raises(voronka.InvalidArgumentError, match="has no chart"):
        store.owners().plot()
    with pytest.raises(voronka.InvalidArgumentError, match="no group 'zoe'"):
        store.history(by="owner").plot(group="zoe")
    # Without a breakdown there are no groups: the chart would be of every deal.
    with pytest.raises(voronka.InvalidArgumentError) as info:
        store.history().plot(group="anna")
    assert str(info.value) == "plot: group 'anna', but the report has no breakdown (by=...)"


def test_partial_states_merge_to_the_whole(events):
    """Split the deals in two stores; merged states equal the whole's report."""
    parts = []
    for deals in (["A", "C", "E"], ["B", "D"]):
        s = voronka.Store.memory()
        s.add_process(DATA / "sale.json")
        s.append_events(events[events.deal_id.isin(deals)])
        parts.append(s)
    whole = voronka.Store.memory()
    whole.add_process(DATA / "sale.json")
    whole.append_events(events)
    for report, options in [("history", {"basis": "closed"}), ("snapshot", {"at": LATEST}),
                            ("owners", {}), ("durations", {"by": "owner"}),
                            ("window", {"window": "7d"}), ("losses", {})]:
        states = [p.partial(report, **options) for p in parts]
        assert all(isinstance(x, bytes) for x in states)
        merged = voronka.merge(states)
        assert voronka.finish(merged).to_json() == whole.report(report, **options).to_json(), report
    with pytest.raises(voronka.InvalidArgumentError):
        voronka.merge([parts[0].partial("history"), parts[1].partial("owners")])
    with pytest.raises(voronka.InvalidArgumentError):
        voronka.merge([])
    with pytest.raises(voronka.InvalidArgumentError):
        voronka.finish(b"\xff\xff not a state")
    for s in parts + [whole]:
        s.close()


def _three_visits(store, start=1000):
    """Three deals leaving 'lead' after 1, 1 and 2 ms: a mean of 4/3 ms."""
    rows = []
    for i, ms in enumerate([1, 1, 2]):
        rows.append(dict(event_id=f"o{i}", deal_id=f"D{i}", process="sale", ts=start,
                         kind="opened", owner="anna"))
        rows.append(dict(event_id=f"e{i}", deal_id=f"D{i}", ts=start + ms, kind="entered",
                         stage="meeting"))
    assert store.append_events(pd.DataFrame(rows)).accepted == 6


def test_durations_with_fractional_means_are_timedeltas():
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        _three_visits(s)
        mean = pd.Timedelta(nanoseconds=1_333_333)  # 4/3 ms, to the nanosecond
        for report in (s.durations(), s.durations(cumulative=True), s.durations(by="owner"),
                       voronka.finish(s.partial("durations"))):
            stages = report.to_pandas()
            assert stages.time_mean_ms.dtype == "timedelta64[ns]"
            assert stages.time_mean_ms.iloc[0] == mean
            assert stages.time_sum_ms.iloc[0] == pd.Timedelta(milliseconds=4)
            assert pd.isna(stages.time_mean_ms.iloc[1])  # no visit ended in 'meeting'
            summary = report.to_pandas("summary")
            assert summary.to_won_mean_ms.dtype == "timedelta64[ns]"
            assert summary.cumulative.dtype == bool
            assert "<table" in report._repr_html_()
        assert s.durations(by="owner").to_pandas().group[:2].isna().all()


def test_times_beyond_datetime64_and_empty_tables():
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        empty = s.losses().to_pandas("cells")
        assert list(empty.dtypes.astype(str)) == ["object", "object", "int64", "int64"]
        assert s.obligations().to_pandas().deal.dtype == object
        far = voronka.to_ms("2300-01-01")
        _three_visits(s, start=far)
        summary = s.history().to_pandas("summary")
        # datetime64[ns] ends in 2262: the column holds Python datetimes instead.
        assert summary.as_of.dtype == object
        assert summary.as_of.iloc[0] == dt.datetime(2300, 1, 1, 0, 0, 0, 2000,
                                                    tzinfo=dt.timezone.utc)
        assert pd.isna(summary["from"].iloc[0])


def test_option_errors_name_the_option(store):
    cases = [
        (dict(start="2025-13-01"), "start: '2025-13-01' is not an ISO 8601 date or date-time"),
        (dict(end="soon"), "end: 'soon' is not an ISO 8601 date or date-time"),
        (dict(as_of="2025-02-30"), "as_of: '2025-02-30' is not an ISO 8601 date or date-time"),
        (dict(at=pd.NaT), "as_of: NaT is not a time"),
        (dict(start=2 ** 64), "start: 18446744073709551616 ms is out of range"),
        (dict(owner=17), "owner: expected a string or a list of strings, not 17"),
        (dict(client=[b"acme"]), "client: expected a string or a list of strings, not [b'acme']"),
        (dict(process=["sale", "rent"]), "process: reports filter by one process, not 2 (sale, rent)"),
    ]
    for options, message in cases:
        with pytest.raises(voronka.InvalidArgumentError) as info:
            store.history(**options)
        assert str(info.value) == message, options
    whatif = [
        (dict(inflow=float("nan")), "inflow: nan is not a finite number"),
        (dict(inflow=float("inf")), "inflow: inf is not a finite number"),
        (dict(inflow=-2), "inflow: -2 must not be negative"),
        (dict(all_stages="x"), "all_stages: 'x' is not a number"),
        (dict(sensitivity_step=-1), "sensitivity_step: -1 must not be negative"),
        (dict(stage_multiplier=["offer"]), "stage_multiplier: 'offer' is not STAGE=MULTIPLIER"),
        (dict(stage_multiplier={"offer": -1}), "stage_multiplier: offer: -1 must not be negative"),
        (dict(stage_multiplier={1: 2}), "stage_multiplier: the stage 1 is not a string"),
        (dict(inflow=10 ** 400), f"inflow: {10 ** 400!r} is not a finite number"),
        (dict(inflow=2e6), "what-if: inflow is 2000000; it must be a number from 0 to 1000000"),
    ]
    for options, message in whatif:
        with pytest.raises(voronka.InvalidArgumentError) as info:
            store.whatif(**options)
        assert str(info.value) == message, options
    with pytest.raises(voronka.InvalidArgumentError, match="window: NaT is not a duration"):
        store.window(window=np.timedelta64("NaT"))


def test_option_types_and_ranges_are_checked_before_the_c_call(store):
    cases = [
        ("durations", dict(cumulative="no"), "cumulative: 'no' is not True or False"),
        ("durations", dict(cumulative=1), "cumulative: 1 is not True or False"),
        ("snapshot", dict(rotting_days=2 ** 32), "rotting_days: 4294967296 is out of range "
                                                 "(at most 4294967295 days)"),
        ("forecast", dict(lookback_days=2 ** 40), "lookback_days: 1099511627776 is out of range "
                                                  "(at most 4294967295 days)"),
        ("window", dict(window="99999999999999999999d"),
         "window: '99999999999999999999d' is out of range"),
        ("history", dict(by=3), "by: expected a string, not int"),
        ("history", dict(basis=1), "basis: 1 is not one of created, closed, activity"),
    ]
    for report, options, message in cases:
        with pytest.raises(voronka.InvalidArgumentError) as info:
            store.report(report, **options)
        assert str(info.value) == message, options
    assert store.durations(cumulative=np.bool_(True)).to_json() == \
        store.durations(cumulative=True).to_json()
    # A field filter's None is no value to look for, nor the text "None".
    for fields, message in (({"source": None}, "field: source: None is not text or an integer"),
                            ({"source": float("nan")},
                             "field: source: nan is not text or an integer"),
                            ({None: "x"}, "field: the key None is not a string")):
        with pytest.raises(voronka.InvalidArgumentError) as info:
            store.history(field=fields)
        assert str(info.value) == message
    assert store.history(field={"size": 3}).to_json() == \
        store.history(field={"size": "3"}).to_json()
    with pytest.raises(voronka.InvalidArgumentError) as info:
        store.whatif(stage_multiplier={"of\0fer": 2})
    assert str(info.value) == "stage_multiplier: 'of\\0fer' holds a NUL character"
    # Text C would read otherwise: NUL ends a C string, a lone surrogate is no UTF-8.
    for options, message in (
            (dict(owner="anna\0x"), "owner: 'anna\\0x' holds a NUL character"),
            (dict(process="sale\0x"), "process: 'sale\\0x' holds a NUL character"),
            (dict(client=["\ud800"]), "client: '\\ud800' is not valid UTF-8 text"),
            (dict(field={"a\0": "x"}), "field: 'a\\0' holds a NUL character"),
            (dict(field="a=\ud800"), "field: 'a=\\ud800' is not valid UTF-8 text"),
            (dict(by="field:a\0"), "by: 'field:a\\0' holds a NUL character")):
        with pytest.raises(voronka.InvalidArgumentError) as info:
            store.history(**options)
        assert str(info.value) == message, options
    with pytest.raises(voronka.InvalidArgumentError) as info:
        store.report({"history": {"filter": {"from": dt.datetime(2025, 1, 1)}}})
    assert str(info.value) == "spec: Object of type datetime is not JSON serializable"
    with pytest.raises(voronka.InvalidArgumentError) as info:
        store.partial({"history": {"basis": {"CLOSED"}}})
    assert str(info.value) == "spec: Object of type set is not JSON serializable"


def test_a_repeated_spec_is_reused_and_still_checked(store):
    from voronka import report as r
    r._SPEC_CACHE.clear()
    options = {"basis": "closed", "start": "2024-01-01", "end": "2025-01-01", "by": "owner",
               "as_of": None}
    expected = {"history": {"filter": {"from": "1704067200000", "to": "1735689600000"},
                            "breakdown": {"by": "OWNER"}, "basis": "CLOSED"}}
    first = r.spec_json("history", options)
    assert json.loads(first) == expected
    assert first == r._encode(r.spec("history", options)).encode()
    assert len(r._SPEC_CACHE) == 1
    assert r.spec_json("history", dict(options)) is first  # reused, not rebuilt
    # The store's methods go through it, and the report is the same.
    report = store.history(**options).to_json()
    assert len(r._SPEC_CACHE) == 1
    r._SPEC_CACHE.clear()
    assert store.history(**options).to_json() == report
    assert len(r._SPEC_CACHE) == 1
    # Equal values of another type are another key: 1 == True, but only
    # True is a flag.
    assert json.loads(r.spec_json("durations", {"cumulative": True})) == \
        {"durations": {"filter": {}, "cumulative": True}}
    for _ in range(2):
        with pytest.raises(voronka.InvalidArgumentError,
                           match="cumulative: 1 is not True or False"):
            r.spec_json("durations", {"cumulative": 1})
    # An error is not kept, nor are options that could change (a list).
    assert len(r._SPEC_CACHE) == 2
    owners = ["anna"]
    assert json.loads(r.spec_json("owners", {"owner": owners})) == \
        {"owners": {"filter": {"owners": ["anna"]}}}
    owners.append("boris")
    assert json.loads(r.spec_json("owners", {"owner": owners})) == \
        {"owners": {"filter": {"owners": ["anna", "boris"]}}}
    assert len(r._SPEC_CACHE) == 2
    # Bounded: a full cache starts over.
    for days in range(r._SPEC_CACHE_SIZE + 10):
        r.spec_json("snapshot", {"rotting_days": days})
    assert 0 < len(r._SPEC_CACHE) <= r._SPEC_CACHE_SIZE
    assert json.loads(r.spec_json("snapshot", {"rotting_days": 7})) == \
        {"snapshot": {"filter": {}, "rotting_days": 7}}


def test_times_as_floats_holding_milliseconds(store, events):
    # As a column of epoch ms with a missing value gives them (df.ts.max()).
    t = voronka.to_ms("2025-03-05")
    assert store.history(start=float(t)).to_json() == store.history(start=t).to_json()
    assert store.snapshot(at=np.float64(t)).to_json() == store.snapshot(at=t).to_json()
    for value, message in ((t + 0.5, f"start: {t + 0.5!r} is not a whole number of ms"),
                           (float("nan"), "start: nan is not a time"),
                           (float("inf"), "start: inf is not a whole number of ms"),
                           (2.0 ** 63, "start: 9.223372036854776e+18 ms is out of range")):
        with pytest.raises(voronka.InvalidArgumentError) as info:
            store.history(start=value)
        assert str(info.value) == message


def test_list_options_and_numpy_durations(store):
    assert store.history(process=["sale"]).to_json() == store.history(process="sale").to_json()
    assert store.history(owner=("anna",)).to_json() == store.history(owner="anna").to_json()
    assert store.whatif(stage_multiplier=["offer=2"]).to_json() == \
        store.whatif(stage_multiplier={"offer": 2}).to_json()
    assert store.window(window=np.timedelta64(7, "D")).to_json() == \
        store.window(window="7d").to_json()
    # A Series maps its index to its values, as a dict does.
    assert store.whatif(stage_multiplier=pd.Series({"offer": 2.0})).to_json() == \
        store.whatif(stage_multiplier={"offer": 2}).to_json()
    assert store.history(field=pd.Series({"source": "web"})).to_json() == \
        store.history(field={"source": "web"}).to_json()


def test_handles_are_not_copied(store):
    import copy
    import pickle
    report = store.history()
    for duplicate in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="a voronka.Report cannot be"):
            duplicate(report)
    with pytest.raises(TypeError, match="a voronka.Store cannot be copied"):
        copy.copy(store)
    with pytest.raises(TypeError, match="a voronka.Partial cannot be copied"):
        copy.deepcopy(voronka.Partial.from_bytes(store.partial("history")))
    assert report.to_pandas("summary").deals.iloc[0] == 5  # still usable


def test_the_rows_of_all_deals_and_of_deals_without_a_value_stay_apart():
    """With a breakdown the rows of all deals have no group, and the deals
    without a value the group "": in every form they come out different."""
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        s.append_events(pd.DataFrame({
            "event_id": ["1", "2", "3"], "deal_id": ["A", "B", "C"], "process": "sale",
            "ts": [1741000000000] * 3, "kind": "opened",
            "field": ["region", None, None], "value": ["north", None, None]}))
        report = s.history(by="field:region")
        groups = report.to_pandas("summary")[["group", "deals"]]
        assert groups.group.isna().tolist() == [True, False, False]
        assert groups.group[1:].tolist() == ["", "north"]
        assert groups.deals.tolist() == [3, 2, 1]
        lines = report.render("csv", "summary").splitlines()
        assert [line.split(",")[0] for line in lines] == ["group", "", '""', "north"]
        table = report.render("table")
        assert "\n(all)       lead" in table and "\n(no value)  lead" in table
        assert len(report.plot().axes) == 2  # all deals
        assert len(report.plot(group="").axes) == 2
