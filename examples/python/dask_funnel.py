#!/usr/bin/env python3
"""The funnel of a partitioned event set, computed on a Dask cluster.

Events usually arrive partitioned by time (a file per day or month), while
voronka's partial states need each deal wholly in one partition. So the
pipeline is:

  1. read the partitions (CSV files, or a generator per partition);
  2. repartition by deal: a hash of the deal key picks the new partition;
  3. on the workers, load each partition into an in-memory store and
     compute the report's partial state (bytes);
  4. merge the states and finish the report on the client.

The merged report equals the report of one store holding every event.

    dask_funnel.py                              # sample data, a local cluster of 2 workers
    dask_funnel.py --events 'events-*.csv'      # your files (the CLI's columns)
    dask_funnel.py --scheduler tcp://host:8786  # a real cluster (voronka installed on the workers)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
BINDING = ROOT / "bindings" / "python"
if (BINDING / "voronka").is_dir():  # run from the repository
    sys.path.insert(0, str(BINDING))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BINDING),
                                                             os.environ.get("PYTHONPATH")]))

import voronka  # noqa: E402

PROCESS = ROOT / "examples" / "processes" / "typical_sale.json"
DAY = 86_400_000
START = 1_735_689_600_000  # 2025-01-01T00:00:00Z
OWNERS = ["anna", "boris", "vera", "gleb"]


def generate_deal(n: int, stages: Sequence[str], reasons: Sequence[str]) -> List[Dict]:
    """One deal's events; a deal's history depends only on its number."""
    rng = np.random.default_rng(n)
    deal = f"D-{n}"
    at = START + int(rng.integers(0, 300 * DAY))
    events = [dict(deal_id=deal, ts=at, kind="opened", process="typical_sale",
                   owner=OWNERS[n % len(OWNERS)], client=f"client-{n % 97}",
                   amount=int(rng.integers(10, 500)) * 10_000)]
    for stage in stages[1:]:
        at += int(rng.exponential(4 * DAY)) + 1
        if rng.random() < 0.25:
            events.append(dict(deal_id=deal, ts=at, kind="lost", reason=rng.choice(reasons)))
            return events
        events.append(dict(deal_id=deal, ts=at, kind="entered", stage=stage))
    events.append(dict(deal_id=deal, ts=at + DAY, kind="won"))
    return events


def generate_partition(index: int, partitions: int, deals: int) -> pd.DataFrame:
    """The events of time slice `index` of `partitions` over the sample deals:
    the input is split by time, as exports are, so one deal's events fall in
    several partitions."""
    process = json.loads(PROCESS.read_text())
    stages = [s["key"] for s in process["stages"]]
    width = 400 * DAY // partitions + 1
    rows = [dict(e, event_id=f"D-{n}/{i}")
            for n in range(deals)
            for i, e in enumerate(generate_deal(n, stages, process["lost_reasons"]))]
    frame = pd.DataFrame(rows, columns=["event_id", "deal_id", "process", "ts", "kind", "stage",
                                        "amount", "owner", "client", "reason"])
    frame["amount"] = frame["amount"].astype("Int64")
    return frame[(frame.ts - START) // width == index].reset_index(drop=True)


def partial_state(events: pd.DataFrame, processes: Sequence[str], spec: Dict) -> bytes:
    """On a worker: the report's partial state over one partition's deals."""
    with voronka.Store.memory() as store:
        for definition in processes:
            store.add_process(definition)
        result = store.append_events(events.drop(columns=["bucket"], errors="ignore"))
        if result.rejected:
            raise ValueError(f"{result.rejected} events rejected, e.g. "
                             f"{result.rejects.iloc[0].to_dict()}")
        return store.partial(spec)


def by_deal(frame: pd.DataFrame, partitions: int) -> pd.DataFrame:
    """The partition each event goes to: a hash of its deal key."""
    hashes = pd.util.hash_pandas_object(frame["deal_id"], index=False).to_numpy()
    return frame.assign(bucket=(hashes % np.uint64(partitions)).astype(np.int64))


def run(client, spec: Dict, partitions: int = 4, deals: int = 2000,
        events: Optional[str] = None) -> voronka.Report:
    """The report of `spec` over every event, computed partition by partition."""
    import dask
    import dask.dataframe as dd

    if events:
        frame = dd.read_csv(events, dtype=str, keep_default_na=False, na_values=[""])
    else:
        frame = dd.from_map(generate_partition, range(partitions), partitions=partitions,
                            deals=deals)
    frame = frame.map_partitions(by_deal, partitions)
    frame = frame.shuffle("bucket", npartitions=partitions, shuffle="tasks")
    processes = [PROCESS.read_text()]
    states = [dask.delayed(partial_state)(part, processes, spec) for part in frame.to_delayed()]
    return voronka.finish(voronka.merge(client.gather(client.compute(states))))


def single_process(spec: Dict, partitions: int = 4, deals: int = 2000) -> voronka.Report:
    """The same report from one store holding all the sample events."""
    frame = pd.concat([generate_partition(i, partitions, deals) for i in range(partitions)])
    with voronka.Store.memory() as store:
        store.add_process(PROCESS)
        store.append_events(frame)
        return store.report(spec)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scheduler", help="a Dask scheduler address; default a LocalCluster")
    parser.add_argument("--workers", type=int, default=2, help="local worker processes (2)")
    parser.add_argument("--events", help="CSV files of events (a glob); default sample data")
    parser.add_argument("--deals", type=int, default=2000, help="sample deals (2000)")
    parser.add_argument("--partitions", type=int, default=4, help="partitions (4)")
    parser.add_argument("--basis", default="created", choices=["created", "closed", "activity"])
    args = parser.parse_args(argv)

    from distributed import Client, LocalCluster

    spec = {"history": {"basis": args.basis.upper()}}
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    with client:
        report = run(client, spec, args.partitions, args.deals, args.events)
    print(report.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
