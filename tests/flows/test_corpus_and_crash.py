"""Robustness at scale: feedparser's whole test corpus, and a SIGKILL in the middle of a run."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from db import open_db
from flows import steps
from parsers.text import normalise_url
from truce.records import Feed

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpora" / "feedparser"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora/feedparser is absent")
def test_every_file_of_feedparsers_corpus_is_ingested(tmp_path: Path) -> None:
    """No uncaught exception on any file; where feedparser finds entries, we store each one
    once (entries with the same id, or the same link when they have none, are one)."""
    db = open_db(tmp_path / "c.db")
    now = datetime(2025, 3, 26, tzinfo=UTC)
    files = sorted(
        p for p in CORPUS.rglob("*") if p.is_file() and p.suffix not in (".md", ".txt", ".json")
    )
    assert len(files) > 2000
    wrong = []
    for path in files:
        name = str(path.relative_to(CORPUS))
        steps.ingest_feed(db, Feed(name, str(path), name), now, "corpus")
        entries = feedparser.parse(path.read_bytes()).entries
        if not entries:
            continue
        identities = {
            e.get("id")
            or e.get("guid")
            or (normalise_url(e["link"]) if e.get("link") else None)
            or ("untitled", e.get("title", ""), e.get("published", ""))
            for e in entries
        }
        stored = db.execute("SELECT COUNT(*) FROM articles WHERE feed_id = ?", [name]).fetchone()[0]
        if stored != len(identities):
            wrong.append((name, len(entries), len(identities), stored))
    assert wrong == []
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


REPLAY = """
import sys
from db import open_db
from flows import steps
from flows.demo import demo_days, demo_dir
story, engine = steps.story_and_engine("energy-truce-2025")
db = open_db(sys.argv[1])
for day in demo_days(demo_dir(), story.timezone):
    for feed in day.feeds:
        steps.ingest_feed(db, feed, day.as_of, "replay")
    steps.assess_new(db, story, engine, day.as_of)
    steps.update_status(db, story, day.as_of)
"""
TABLES = {
    "articles": "SELECT id, revision, content_hash, cluster FROM articles ORDER BY id",
    "evidence": "SELECT id, stance, alleged, rule FROM evidence ORDER BY id",
    "incidents": "SELECT id, sources, corroborated FROM incidents ORDER BY id",
    "status_history": "SELECT claim_id, changed_at, status FROM status_history ORDER BY 1, 2",
}


def replay(db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", REPLAY, str(db)], cwd=ROOT)


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    database = open_db(db)
    return {name: [tuple(r.values()) for r in database.query(sql)] for name, sql in TABLES.items()}


def test_sigkill_mid_run_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
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
    assert open_db(crashed).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    partial = snapshot(crashed)
    assert 0 < len(partial["articles"]) < len(snapshot(clean)["articles"])
    assert replay(crashed).wait(timeout=300) == 0
    assert snapshot(crashed) == snapshot(clean)
    assert open_db(crashed).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
