"""Robustness at scale: every file of feedparser's own test corpus. (A SIGKILL in the middle of a
run is in tests/reliability/test_crash.py.)"""

from __future__ import annotations

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
