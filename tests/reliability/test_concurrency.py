"""Several processes on one database: runs never interleave (the second one skips and says so),
a crashed holder never blocks the next run, nothing is stored twice, and opening a new database
from several processes at once migrates it once."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from db import open_db
from db.lock import LockBusy, run_lock
from db.schema import latest_version, schema_version
from truce.records import Feed

if TYPE_CHECKING:
    from tests.reliability.conftest import Kit

ROOT = Path(__file__).resolve().parents[2]
FEEDS = ROOT / "tests" / "data" / "feeds"
NOW = datetime(2025, 3, 26, 9, tzinfo=UTC)


@pytest.mark.prefect
def test_a_second_run_on_the_same_database_skips_with_a_message(
    prefect_harness: None, tmp_path: Path
) -> None:
    from flows.pipeline import pipeline

    db = tmp_path / "t.db"
    feeds = [Feed("ok", str(FEEDS / "atom_offsets.xml"), "Ok")]
    with run_lock(db):
        summary = pipeline(str(db), feeds, as_of=NOW, reports_dir=str(tmp_path / "r"))
    assert summary.skipped_because and "another run" in summary.line()
    assert not db.exists() or open_db(db)["articles"].count == 0
    summary = pipeline(str(db), feeds, as_of=NOW, reports_dir=str(tmp_path / "r"))
    assert summary.skipped_because is None and summary.ingest.new_articles == 1


def test_a_crashed_holder_releases_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time\n"
                "from db.lock import run_lock\n"
                f"with run_lock({str(db)!r}):\n    print('held', flush=True); time.sleep(60)\n"
            ),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
    with pytest.raises(LockBusy), run_lock(db):
        pass
    holder.kill()
    holder.wait()
    with run_lock(db, wait=5):
        pass


def test_processes_opening_a_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    code = "import sys; from db import open_db; open_db(sys.argv[1])"
    path = str(tmp_path / "new.db")
    processes = [subprocess.Popen([sys.executable, "-c", code, path], cwd=ROOT) for _ in range(4)]
    assert [p.wait(timeout=60) for p in processes] == [0, 0, 0, 0]
    assert schema_version(open_db(path)) == latest_version()


# Two `truce run` at once -------------------------------------------------------------------------

DAY = "2025-03-19"
AS_OF = "2025-03-20T05:00:00Z"  # 07:00 in Kyiv: the digest of the 19th is due


class Gate:
    """One feed served on 127.0.0.1 that trickles its first bytes, one every half second (so no
    read timeout fires), until released: the run that fetches it holds the run lock, in the
    middle of its cycle, for as long as the test needs."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.requests = 0
        self.fetching = threading.Event()
        self.released = threading.Event()

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        gate = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                gate.requests += 1
                gate.fetching.set()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(gate.body)))
                self.end_headers()
                sent, deadline = 0, time.monotonic() + 240
                while not gate.released.wait(0.5) and time.monotonic() < deadline:
                    self.wfile.write(gate.body[sent : sent + 1])
                    self.wfile.flush()
                    sent += 1
                self.wfile.write(gate.body[sent:])

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def gate(kit: Kit) -> Iterator[tuple[Gate, str]]:
    gate = Gate((kit.snapshots / DAY / "meridian-wire.xml").read_bytes())
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), gate.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield gate, f"http://127.0.0.1:{server.server_address[1]}/meridian-wire.xml"
    gate.released.set()
    server.shutdown()


def first_to_end(processes: list[subprocess.Popen[str]], timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for index, process in enumerate(processes):
            if process.poll() is not None:
                return index
        time.sleep(0.1)
    raise AssertionError(f"neither run ended within {timeout} s")


@pytest.mark.prefect
def test_two_truce_runs_at_once_one_skips_and_nothing_is_stored_twice(
    tmp_path: Path, kit: Kit, cli_env: dict[str, str], gate: tuple[Gate, str]
) -> None:
    door, url = gate
    feeds = kit.feeds_file(tmp_path / "feeds.yaml", DAY, urls={"meridian-wire": url})
    db = tmp_path / "t.db"
    command = kit.command("run", "--db", db, "--feeds", feeds, "--as-of", AS_OF)
    both = [
        subprocess.Popen(
            command,
            env=cli_env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        # whichever takes the lock first stops at the gate, so the first to end is the other
        skipper = both.pop(first_to_end(both, 240))
        out, err = skipper.communicate()
        assert (skipper.returncode, out) == (0, "")
        assert err == f"skipped: another run is writing to {db}; try again later\n"
        door.released.set()
        out, err = both[0].communicate(timeout=240)
        assert (both[0].returncode, err) == (0, "")
        assert out.startswith("6 feeds (6 ok), 30 new articles,")
        assert f"digest {kit.reports_dir(db)}" in out
    finally:
        door.released.set()
        for process in both:
            process.kill()
    assert door.requests == 1  # the skipped run fetched nothing
    assert [r["finished"] is not None for r in open_db(db).query("SELECT * FROM runs")] == [True]

    # the same rows and the same digest as one run of the same input alone
    alone = tmp_path / "alone.db"
    kit.cycle(alone, feeds, datetime.fromisoformat(AS_OF))
    assert kit.snapshot(db) == kit.snapshot(alone)
    digests = [sorted((kit.reports_dir(path) / kit.story).iterdir()) for path in (db, alone)]
    assert [p.name for p in digests[0]] == [f"{DAY}.html", f"{DAY}.md"]
    assert [p.read_bytes() for p in digests[0]] == [p.read_bytes() for p in digests[1]]
