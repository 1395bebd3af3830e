"""SIGKILL: a killed run loses only what it had not committed, and the rerun ends exactly where
an uninterrupted run does. Once wherever it happens to be in a replay of the demo, and once at
each place where assessing or writing the digest is half done (`crash_run.py` names them)."""

from __future__ import annotations

import runpy
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from db import open_db
from flows import steps
from flows.demo import demo_days, demo_dir

if TYPE_CHECKING:
    from tests.reliability.conftest import Kit

ROOT = Path(__file__).resolve().parents[2]
STORY = "energy-truce-2025"
CRASH_RUN = Path(__file__).with_name("crash_run.py")
AS_OF = datetime(2025, 3, 21, 5, tzinfo=UTC)  # 07:00 in Kyiv: the digest of the 20th is due
DAY = "2025-03-20"

# The demo's first three weeks, day by day (the whole demo proves no more, and takes twice as long)
REPLAY = """
import sys
from datetime import date
from db import open_db
from flows import steps
from flows.demo import demo_days, demo_dir
story, engine = steps.story_and_engine("energy-truce-2025")
db = open_db(sys.argv[1])
for day in demo_days(demo_dir(), story.timezone, until=date(2025, 4, 5)):
    for feed in day.feeds:
        steps.ingest_feed(db, feed, day.as_of, "replay")
    steps.assess_new(db, story, engine, day.as_of)
    steps.update_status(db, story, day.as_of)
"""


def replay(db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", REPLAY, str(db)], cwd=ROOT)


def test_sigkill_mid_run_then_rerun_equals_an_uninterrupted_run(tmp_path: Path, kit: Kit) -> None:
    clean = tmp_path / "clean.db"
    assert replay(clean).wait(timeout=300) == 0
    crashed = tmp_path / "crashed.db"
    process = replay(crashed)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)  # kill once it is well into the work; read-only, so as not to disturb it
        try:
            with sqlite3.connect(f"file:{crashed}?mode=ro", uri=True, timeout=1) as watch:
                if watch.execute("SELECT COUNT(*) FROM evidence").fetchone()[0] > 30:
                    break
        except sqlite3.Error:
            continue
    assert process.poll() is None, "the replay ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = kit.snapshot(crashed)
    assert 0 < len(partial["articles"]) < len(kit.snapshot(clean)["articles"])
    assert replay(crashed).wait(timeout=300) == 0
    assert kit.snapshot(crashed) == kit.snapshot(clean)


# At a crash point --------------------------------------------------------------------------------


def run_step(step: str, db: Path, point: str | None = None) -> subprocess.Popen[str]:
    command = [sys.executable, str(CRASH_RUN), step, str(db), AS_OF.isoformat()]
    return subprocess.Popen(
        [*command, *([point] if point else [])], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )


def finish(step: str, db: Path) -> None:
    """The step, uninterrupted: the same code as the crashing process runs, in this one."""
    runpy.run_path(str(CRASH_RUN))["run_step"](step, db, AS_OF)


def wait_for_line(process: subprocess.Popen[str], timeout: float = 120) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        assert selector.select(timeout), f"no output within {timeout} s"
    return process.stdout.readline().strip()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's snapshots up to the 20th, ingested each at its own time, not yet assessed."""
    path = tmp_path_factory.mktemp("ingested") / "base.db"
    story, _engine = steps.story_and_engine(STORY)
    db = open_db(path)
    for day in demo_days(demo_dir(), story.timezone, until=date.fromisoformat(DAY)):
        for feed in day.feeds:
            steps.ingest_feed(db, feed, day.as_of, "base")
    db.close()
    return path


@pytest.fixture(scope="module")
def assessed(ingested: Path, tmp_path_factory: pytest.TempPathFactory, kit: Kit) -> Path:
    """The same, assessed: ready for the digest of the 20th."""
    path = kit.copy_db(ingested, tmp_path_factory.mktemp("assessed") / "base.db")
    finish("assess", path)
    return path


@pytest.fixture(scope="module")
def uninterrupted(
    assessed: Path, tmp_path_factory: pytest.TempPathFactory, kit: Kit
) -> dict[str, Path]:
    """Each step run to the end without a crash: what every rerun must equal."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    digested = kit.copy_db(assessed, folder / "digest.db")
    finish("digest", digested)
    return {"assess": assessed, "digest": digested}


def digest_files(db: Path) -> dict[str, bytes]:
    """The digest files a reader would see (hidden temporary files left out)."""
    folder = db.parent / f"{db.stem}-reports" / STORY
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


@pytest.mark.parametrize(
    "point",
    [
        "assess:inside-batch",
        "assess:before-status",
        "digest:before-markdown",
        "digest:between-files",
        "digest:before-row",
    ],
)
def test_sigkill_at_a_crash_point_then_rerun_equals_an_uninterrupted_run(
    point: str,
    tmp_path: Path,
    kit: Kit,
    ingested: Path,
    assessed: Path,
    uninterrupted: dict[str, Path],
) -> None:
    step = point.split(":")[0]
    db = kit.copy_db(ingested if step == "assess" else assessed, tmp_path / "t.db")
    before = kit.snapshot(db)
    process = run_step(step, db, point)
    try:
        assert wait_for_line(process) == f"crash point: {point}"
        if point == "assess:inside-batch":
            # others see none of the batch in the making
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as reader:
                assert reader.execute("SELECT COUNT(*) FROM evidence").fetchone()[0] == 0
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    after_crash = kit.snapshot(db)
    if step == "assess":
        assessed_ids = {row[0] for row in after_crash["assessments"]}
        with_evidence = {row[1] for row in after_crash["evidence"]}
        assert with_evidence <= assessed_ids  # an article's evidence comes with its assessment
        assert after_crash["claim_status"] == before["claim_status"] == []
        if point == "assess:inside-batch":
            assert not with_evidence and len(assessed_ids) < len(before["articles"])
        else:
            assert len(assessed_ids) == len(before["articles"]) and after_crash["incidents"]
    else:
        reference = digest_files(uninterrupted["digest"])
        seen = digest_files(db)
        expected = {
            "digest:before-markdown": set(),
            "digest:between-files": {f"{DAY}.md"},
            "digest:before-row": {f"{DAY}.md", f"{DAY}.html"},
        }[point]
        assert set(seen) == expected
        assert all(seen[name] == reference[name] for name in seen)  # never half a file
        assert after_crash == before  # no `digests` row

    finish(step, db)
    assert kit.snapshot(db) == kit.snapshot(uninterrupted[step])
    if step == "digest":
        assert digest_files(db) == digest_files(uninterrupted["digest"])
