"""Fixtures: the hand-made five-deal funnel of tests/cli (see its docstring
for every deal's history, from which the numbers below are worked out)."""
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")
PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parents[1]
sys.path.insert(0, str(PACKAGE))

import voronka  # noqa: E402

DATA = ROOT / "tests" / "cli" / "data"
DAY = 86_400_000
HOUR = 3_600_000


@pytest.fixture()
def events() -> pd.DataFrame:
    return pd.read_csv(DATA / "events.csv")


@pytest.fixture()
def store(events):
    with voronka.Store.memory() as s:
        s.add_process(DATA / "sale.json")
        result = s.append_events(events)
        assert (result.accepted, result.rejected) == (14, 0)
        yield s
