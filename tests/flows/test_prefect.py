"""The Prefect side: deployments file, retries, failing feeds, `truce serve`. (The run lock is
tested in tests/reliability/test_concurrency.py.)"""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from db import open_db
from flows.serve import PROJECT_ROOT, load_deployments, resolve_entrypoint
from truce.records import Feed

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"
NOW = datetime(2025, 3, 26, 9, tzinfo=UTC)


def test_prefect_yaml_entrypoints_parameters_and_schedules() -> None:
    import inspect

    from prefect.schedules import Cron, Interval

    specs = {s.name: s for s in load_deployments(PROJECT_ROOT / "prefect.yaml")}
    assert {"watch", "daily-digest", "replay"} <= set(specs)
    for spec in specs.values():
        flow = resolve_entrypoint(spec.entrypoint, PROJECT_ROOT)
        accepted = set(inspect.signature(flow.fn).parameters)
        assert set(spec.parameters) <= accepted, spec.name
        if spec.timezone:
            ZoneInfo(spec.timezone)
        if spec.cron:
            Cron(spec.cron, timezone=spec.timezone)
        if spec.interval:
            Interval(spec.interval, timezone=spec.timezone)
    assert specs["watch"].interval == 1800
    assert (specs["daily-digest"].cron, specs["daily-digest"].timezone) == (
        "0 7 * * *",
        "Europe/Kyiv",
    )
    assert (
        "as_of"
        in inspect.signature(
            resolve_entrypoint(specs["replay"].entrypoint, PROJECT_ROOT).fn
        ).parameters
    )


class FlakyHandler(http.server.BaseHTTPRequestHandler):
    """503 twice, then the feed."""

    hits = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        FlakyHandler.hits += 1
        if FlakyHandler.hits <= 2:
            self.send_response(503)
            self.end_headers()
            return
        body = (DATA / "atom_offsets.xml").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky_server() -> Iterator[str]:
    FlakyHandler.hits = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FlakyHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    server.shutdown()


@pytest.mark.prefect
def test_a_feed_that_fails_twice_is_retried_and_then_stored(
    prefect_harness: None, flaky_server: str, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.ingest import ingest

    state = ingest(
        str(tmp_path / "t.db"),
        [Feed("flaky", flaky_server, "Flaky", "wire")],
        as_of=NOW,
        return_state=True,
    )
    assert state.is_completed()
    assert state.result().feeds_ok == 1 and FlakyHandler.hits == 3
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])
            )
        )
    (fetch,) = [r for r in runs if r.name.startswith("fetch")]
    assert fetch.run_count == 3 and fetch.state.is_completed()


@pytest.mark.prefect
def test_a_failed_run_is_recorded_as_ended_with_its_error(
    prefect_harness: None, tmp_path: Path
) -> None:
    from flows.pipeline import pipeline

    db = tmp_path / "t.db"
    feeds = [Feed("ok", str(DATA / "atom_offsets.xml"), "Ok")]
    state = pipeline(str(db), feeds, story="no-such-story", as_of=NOW, return_state=True)
    assert state.is_failed()
    (run,) = open_db(db).query("SELECT finished, error, new_articles FROM runs")
    assert run["finished"] and "no-such-story" in run["error"]
    # what the run stored before it failed stays
    assert open_db(db).execute("SELECT count(*) FROM articles").fetchone()[0] == 1


@pytest.mark.prefect
def test_a_feed_that_always_fails_leaves_the_flow_completed(
    prefect_harness: None, tmp_path: Path
) -> None:
    from flows.ingest import ingest

    feeds = [
        Feed("gone", str(tmp_path / "gone.xml"), "Gone"),
        Feed("ok", str(DATA / "atom_offsets.xml"), "Ok"),
    ]
    state = ingest(str(tmp_path / "t.db"), feeds, as_of=NOW, return_state=True)
    assert state.is_completed()
    summary = state.result()
    assert (summary.feeds_ok, summary.feeds_failed) == (1, 1)
    health = {
        r["feed_id"]: r for r in open_db(tmp_path / "t.db").query("SELECT * FROM feed_health")
    }
    assert health["gone"]["last_error"] and health["ok"]["articles"] == 1


@pytest.mark.prefect
def test_truce_serve_runs_a_schedule_and_stops_on_sigint(tmp_path: Path) -> None:
    """A real local Prefect server, a 5-second schedule, then Ctrl-C."""
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f'feeds:\n  - {{id: ok, outlet: Ok, url: "{DATA / "atom_offsets.xml"}"}}\n')
    deployments = tmp_path / "prefect.yaml"
    deployments.write_text(f"""deployments:
  - name: watch
    entrypoint: flows/pipeline.py:pipeline
    parameters: {{db_path: "{tmp_path / "t.db"}", feeds_file: "{feeds}", reports_dir: "{tmp_path / "r"}"}}
    schedules:
      - interval: 15
""")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "truce.cli", "serve", "--prefect-file", str(deployments)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        # started the way a shell starts a background job: with SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        deadline = time.monotonic() + 150
        ran = False
        while time.monotonic() < deadline and not ran:
            time.sleep(2)
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            db = tmp_path / "t.db"
            ran = db.exists() and any(
                r["finished"] for r in open_db(db).query("SELECT finished FROM runs")
            )
        assert ran, "no scheduled run finished"
        # Ctrl-C between runs, so that the time to stop is the stop's own
        quiet = time.monotonic() + 60
        while time.monotonic() < quiet and any(
            r["finished"] is None for r in open_db(db).query("SELECT finished FROM runs")
        ):
            time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        # the local server's own shutdown takes seconds, more on a loaded 2-core machine
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            out = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"truce serve did not stop within 30 s:\n{out[-4000:]}") from None
        out = process.stdout.read().decode() if process.stdout else ""
        assert "Stopped." in out and "Traceback" not in out
    finally:
        if process.poll() is None:
            process.kill()
