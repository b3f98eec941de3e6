"""examples/python/dask_funnel.py on a local cluster of two worker processes:
the merged report equals the single-process report exactly."""
import importlib.util
import subprocess
import sys

import pytest

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "python" / "dask_funnel.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("dask_funnel", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    with Client(cluster) as c:
        yield c
    cluster.close()


def test_the_input_splits_deals_across_partitions(example):
    parts = [example.generate_partition(i, 3, 60) for i in range(3)]
    deals = [set(p.deal_id) for p in parts]
    assert deals[0] & deals[1]  # so the repartition by deal is needed
    buckets = [set(example.by_deal(p, 3).bucket) for p in parts]
    assert set().union(*buckets) <= {0, 1, 2}


@pytest.mark.parametrize("spec", [{"history": {"basis": "CLOSED"}},
                                  {"conversion": {}},
                                  {"owners": {}},
                                  {"durations": {"breakdown": {"by": "OWNER"}}}])
def test_the_merged_report_is_the_whole(example, client, spec):
    merged = example.run(client, spec, partitions=3, deals=300)
    whole = example.single_process(spec, partitions=3, deals=300)
    assert merged.to_json() == whole.to_json()
    if "history" in spec:
        assert merged.to_pandas("summary").deals.iloc[0] > 0


def test_csv_partitions(example, client, tmp_path):
    for i in range(3):
        example.generate_partition(i, 3, 200).to_csv(tmp_path / f"events-{i}.csv", index=False)
    spec = {"history": {}}
    merged = example.run(client, spec, partitions=3, events=str(tmp_path / "events-*.csv"))
    assert merged.to_json() == example.single_process(spec, partitions=3, deals=200).to_json()


def test_the_command_line(tmp_path):
    r = subprocess.run([sys.executable, str(EXAMPLE), "--deals", "100", "--partitions", "2"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("History of all processes: deals created any time")
    assert "deals        100" in r.stdout
