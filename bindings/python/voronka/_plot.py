"""Funnel charts with matplotlib, as the CLI's HTML page draws them."""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from .errors import InvalidArgumentError

# The colours of src/io/render_html.cpp.
WON, LOST, OPEN, FROZEN = "#2e7d32", "#c62828", "#1565c0", "#90a4ae"

# report: (table, label column, [(chart title, [(column, legend, colour), ...])])
_CHARTS = {
    "history": ("stages", "name", [
        ("Deals: won and lost stages", [("won_stages", "won", WON), ("lost_stages", "lost", LOST)]),
        ("Money: won and lost potential", [("won_amount", "won", WON),
                                           ("lost_amount", "lost", LOST)]),
    ]),
    "snapshot": ("stages", "name", [
        ("Open deals by stage", [("open", "open", OPEN), ("frozen", "frozen", FROZEN)]),
        ("Open amount by stage", [("amount", "amount", OPEN)]),
    ]),
    "conversion": ("stages", "name", [("Deals by stage", [("deals", "deals", OPEN)])]),
    "window": ("levels", "name", [("Deals reaching each level in the window",
                                   [("reached", "deals", OPEN)])]),
}


def plot_report(report, group: Optional[str] = None):
    """A Figure with one funnel chart per panel: each stage a bar centred on
    the axis, its parts stacked, stages top to bottom, so the bars narrow
    into a funnel."""
    import matplotlib.pyplot as plt

    if report.name not in _CHARTS:
        raise InvalidArgumentError(f"plot: the {report.name} report has no chart; charts are "
                                   f"drawn for {', '.join(_CHARTS)}")
    table, label, charts = _CHARTS[report.name]
    frame = report.to_pandas(table)
    if "group" not in frame.columns and group is not None:
        raise InvalidArgumentError(f"plot: group '{group}', but the report has no breakdown "
                                   "(by=...)")
    if "group" in frame.columns:
        frame = frame[frame["group"].isna() if group is None else frame["group"] == group]
        if frame.empty:
            raise InvalidArgumentError(f"plot: no group '{group}' in the report")
    labels: List[str] = list(frame[label])
    figure, axes = plt.subplots(1, len(charts), figsize=(6 * len(charts), 0.5 * len(labels) + 1.5),
                                squeeze=False)
    for axis, (title, parts) in zip(axes[0], charts):
        _funnel(axis, labels, [(frame[c].fillna(0).astype(float).tolist(), name, colour)
                               for c, name, colour in parts])
        axis.set_title(title)
    figure.suptitle(report.title, fontsize="small")
    figure.tight_layout()
    return figure


def _funnel(axis, labels: Sequence[str], parts: Sequence[Tuple[List[float], str, str]]) -> None:
    totals = [sum(values[i] for values, _, _ in parts) for i in range(len(labels))]
    rows = range(len(labels))
    left = [-t / 2 for t in totals]
    for values, name, colour in parts:
        axis.barh(rows, values, left=left, color=colour, label=name)
        left = [l + v for l, v in zip(left, values)]
    axis.set_yticks(list(rows), labels)
    axis.invert_yaxis()  # the first stage on top
    axis.set_xticks([])
    for side in ("top", "right", "bottom"):
        axis.spines[side].set_visible(False)
    if len(parts) > 1:
        axis.legend(loc="lower right", frameon=False)
