"""The storage side of status: sums in SQL must equal sums over the loaded rows."""

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from claims.status import WINDOW_MOVES, claim_statuses, counted, tally
from db import open_db, store
from flows import steps
from truce.records import Review, Story


@pytest.fixture(scope="module")
def reviewed_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database with a few evidence rows rejected by an analyst."""
    path = tmp_path_factory.mktemp("reviewed") / "demo.db"
    with sqlite3.connect(demo_db) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    db = open_db(path)
    for row in list(db.query("SELECT id FROM evidence ORDER BY id LIMIT 12")):
        store.save_review(db, Review(row["id"], "reject", "test", "2025-03-22T00:00:00Z"))
    return path


@pytest.mark.parametrize(
    "as_of",
    [
        "2025-03-19T07:00:00Z",
        "2025-03-23T07:00:00Z",
        "2025-04-02T07:00:00Z",
        "2025-06-01T00:00:00Z",
    ],
)
def test_status_from_sql_sums_equals_status_from_every_row(
    reviewed_db: Path, story: Story, as_of: str
) -> None:
    db = open_db(reviewed_db)
    when = datetime.fromisoformat(as_of.replace("Z", "+00:00"))
    rows = store.load_evidence(db, story, known_by=as_of)
    reviews = store.load_reviews(db, known_by=as_of)
    tallies = store.load_tallies(db, story, known_by=as_of)
    assert tallies == tally(counted(rows, reviews, when))
    assert tallies, "the demo has evidence by then"
    only = [
        *store.load_evidence(db, story, known_by=as_of, stances=["breach"]),
        *store.load_evidence(db, story, known_by=as_of, rules=WINDOW_MOVES),
    ]
    assert len(only) < len(rows)
    assert claim_statuses(story, only, reviews, when, tallies=tallies) == claim_statuses(
        story, rows, reviews, when
    )
    assert steps.statuses_at(db, story, when) == claim_statuses(story, rows, reviews, when)
