"""The incidents chart: breach incidents per event day, by accused side, across the window."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta

from truce.records import Incident, Window


def incidents_png(
    incidents: tuple[Incident, ...], window: Window, day: date, sides: dict[str, str]
) -> bytes:
    """A PNG bar chart (stacked by the accused side) of incidents per day, the window shaded.
    `sides` maps a claim id to the label of its accused side."""
    import matplotlib

    matplotlib.use("Agg")  # no display: render to memory
    import matplotlib.pyplot as plt
    from matplotlib.dates import DateFormatter, date2num
    from matplotlib.ticker import MaxNLocator

    first = window.start - timedelta(days=2)
    last = max(window.end + timedelta(days=2), day)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    x = [float(date2num(d)) for d in days]
    counts = Counter((i.event_date, i.claim_id) for i in incidents)
    figure, axes = plt.subplots(figsize=(8, 2.6), dpi=100)
    bottom = [0] * len(days)
    for claim_id, label in sides.items():
        heights = [counts.get((d.isoformat(), claim_id), 0) for d in days]
        axes.bar(x, heights, bottom=bottom, label=label, width=0.8)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    start, end = float(date2num(window.start)), float(date2num(window.end))
    axes.axvspan(start - 0.5, end - 0.5, color="#888888", alpha=0.12, label="window")
    axes.axvline(float(date2num(day)), color="#444444", linewidth=1, linestyle=":")
    axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("incidents")
    axes.legend(loc="upper right", fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
