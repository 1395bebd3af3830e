"""Orchestration overhead: one Truce Watch cycle with no new data against a bare Prefect flow
with the same number of tasks, measured side by side in one run. Prints the ratio.

The cycle fetches the demo's last-day snapshots (already stored, so nothing is new), assesses
nothing, writes no digest. The bare flow runs no-op tasks in the same shape: one per feed in a
thread pool, then the two assess tasks.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="truce-bench-prefect-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

from prefect import flow, task  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from flows.demo import demo_days, demo_dir  # noqa: E402
from flows.pipeline import pipeline  # noqa: E402

ROUNDS = 5


@task
def nothing(value: int) -> int:
    return value


@flow(task_runner=ThreadPoolTaskRunner(max_workers=8))  # type: ignore[arg-type]
def bare(feeds: int) -> None:
    futures = [nothing.submit(i) for i in range(feeds)]
    for future in futures:
        future.result()
    nothing(1)
    nothing(2)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="truce-bench-"))
    db = folder / "bench.db"
    last = demo_days(demo_dir(), "Europe/Kyiv")[-1]
    feeds = list(last.feeds)
    pipeline(str(db), feeds, as_of=last.as_of, reports_dir=str(folder / "r"))  # fill, warm up
    bare(len(feeds))
    cycle, plain = [], []
    for _ in range(ROUNDS):  # interleaved, so both see the same machine load
        start = time.perf_counter()
        summary = pipeline(str(db), feeds, as_of=last.as_of, reports_dir=str(folder / "r"))
        cycle.append(time.perf_counter() - start)
        assert summary.ingest.new_articles == 0
        start = time.perf_counter()
        bare(len(feeds))
        plain.append(time.perf_counter() - start)
    shutil.rmtree(folder, ignore_errors=True)
    c, p = statistics.median(cycle), statistics.median(plain)
    print(f"{'':28} {'median s':>9}")
    print(f"{'no-new-data cycle':28} {c:>9.3f}")
    print(f"{'bare flow, same task count':28} {p:>9.3f}")
    print(f"ratio cycle / bare flow: {c / p:.2f}  ({len(feeds)} feeds, {ROUNDS} rounds)")


if __name__ == "__main__":
    main()
