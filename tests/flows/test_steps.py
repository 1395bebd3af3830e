"""The pipeline's plain steps, without Prefect."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from db import open_db
from flows import steps
from flows.demo import demo_days, demo_dir
from truce.records import Feed, Story

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"
TABLES = ("articles", "fetches", "feeds", "evidence", "mentions", "status_history", "incidents")


def counts(db_path: Path) -> dict[str, int]:
    db = open_db(db_path)
    return {t: db[t].count for t in TABLES}


def ingest_days(db_path: Path, story: Story, days: int) -> None:
    db = open_db(db_path)
    _story, engine = steps.story_and_engine(story.id)
    for day in demo_days(demo_dir(), story.timezone)[:days]:
        for feed in day.feeds:
            steps.ingest_feed(db, feed, day.as_of, "test")
        steps.assess_new(db, story, engine, day.as_of)
        steps.update_status(db, story, day.as_of)


def test_reingesting_the_same_feeds_adds_no_rows(tmp_path: Path, story: Story) -> None:
    ingest_days(tmp_path / "t.db", story, 8)
    first = counts(tmp_path / "t.db")
    assert first["articles"] > 20 and first["evidence"] > 5
    ingest_days(tmp_path / "t.db", story, 8)
    assert counts(tmp_path / "t.db") == first


def test_wire_copies_share_a_cluster(tmp_path: Path, story: Story) -> None:
    ingest_days(tmp_path / "t.db", story, 10)
    db = open_db(tmp_path / "t.db")
    shared = list(
        db.query("SELECT cluster FROM articles GROUP BY cluster HAVING COUNT(DISTINCT feed_id) > 1")
    )
    assert shared, "the demo republishes wire stories; they must share a cluster"


def test_a_broken_feed_does_not_stop_the_others(tmp_path: Path) -> None:
    db = open_db(tmp_path / "t.db")
    now = datetime(2025, 3, 20, 5, tzinfo=UTC)
    broken = Feed("broken", str(tmp_path / "missing.xml"), "Broken")
    good = Feed("good", str(DATA / "atom_offsets.xml"), "Good")
    outcomes = [steps.ingest_feed(db, feed, now, "r") for feed in (broken, good)]
    assert [o.ok for o in outcomes] == [False, True]
    assert "no such file" in (outcomes[0].error or "")
    health = {r["feed_id"]: r for r in db.query("SELECT * FROM feed_health")}
    assert health["broken"]["consecutive_failures"] == 1 and health["good"]["articles"] == 1


def test_changed_entry_bumps_revision_and_is_reassessed(tmp_path: Path, story: Story) -> None:
    db = open_db(tmp_path / "t.db")
    _story, engine = steps.story_and_engine(story.id)
    feed_file = tmp_path / "f.xml"
    template = (
        '<rss version="2.0"><channel><title>T</title><item><guid>g1</guid>'
        "<pubDate>Wed, 26 Mar 2025 08:00:00 GMT</pubDate><title>{}</title></item>"
        "</channel></rss>"
    )
    feed = Feed("f", str(feed_file), "Wire", "wire")
    now = datetime(2025, 3, 26, 9, tzinfo=UTC)
    feed_file.write_text(template.format("Quiet night in Kherson"))
    steps.ingest_feed(db, feed, now, "r")
    assert steps.assess_new(db, story, engine, now) == 0
    feed_file.write_text(template.format("Russian drones hit a substation in Kherson"))
    outcome = steps.ingest_feed(db, feed, now.replace(hour=10), "r")
    assert (outcome.new, outcome.updated) == (0, 1)
    assert db["articles"].get(list(db["articles"].pks_and_rows_where())[0][0])["revision"] == 2
    assert steps.assess_new(db, story, engine, now.replace(hour=10)) >= 1
    assert steps.assess_new(db, story, engine, now.replace(hour=11)) == 0  # once only


def test_a_lightly_edited_wire_copy_joins_the_story_cluster(tmp_path: Path) -> None:
    db = open_db(tmp_path / "t.db")
    now = datetime(2025, 3, 27, 9, tzinfo=UTC)
    wire = (
        "Russian drones struck a substation in Kherson overnight, cutting power to 40,000 "
        "homes, the regional governor said on Wednesday. Repair crews were at work."
    )
    texts = {
        "wire": ("Drones hit Kherson substation", wire, "https://wire.example/a"),
        "daily": (
            "Drones hit Kherson substation",
            wire.replace("on Wednesday", "on Wednesday morning"),
            "https://daily.example/b",
        ),
        "other": (
            "Grain ships leave Odesa",
            "Three ships carrying grain left Odesa on Wednesday "
            "under the new arrangement, port officials said, with more expected.",
            "https://daily.example/c",
        ),
    }
    for name, (title, summary, link) in texts.items():
        path = tmp_path / f"{name}.xml"
        path.write_text(
            f'<rss version="2.0"><channel><title>{name}</title><item><title>{title}'
            f"</title><link>{link}</link><description>{summary}</description>"
            "<pubDate>Wed, 26 Mar 2025 10:00:00 GMT</pubDate></item></channel></rss>"
        )
        steps.ingest_feed(db, Feed(name, str(path), name), now, "r")
    clusters = {
        r["feed_id"]: r["cluster"] for r in db.query("SELECT feed_id, cluster FROM articles")
    }
    assert clusters["wire"] == clusters["daily"] != clusters["other"]


def test_writing_a_file_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    import os
    import subprocess

    dead = subprocess.Popen(["true"])  # a process id that no longer runs
    dead.wait()
    stale = tmp_path / f".2025-03-20.md.{dead.pid}.tmp"
    live = tmp_path / f".2025-03-20.md.{os.getppid()}.tmp"  # a running process: not stale
    other = tmp_path / f".2025-03-21.md.{dead.pid}.tmp"  # another file's
    for path in (stale, live, other):
        path.write_text("half a digest")
    steps.write_atomic(tmp_path / "2025-03-20.md", "# digest\n")
    assert (tmp_path / "2025-03-20.md").read_text() == "# digest\n"
    assert not stale.exists() and live.exists() and other.exists()
