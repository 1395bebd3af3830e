"""Storage at backfill scale: reads in batches, near-copy lookups bounded by date."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from db import open_db, store
from parsers.feed import simhash
from truce.records import Entry, Evidence, Feed, Story

FEED = Feed("f", "f.xml", "Wire", "wire")
TEXT = (
    "Russian drones hit a substation in Kherson overnight, cutting power to thousands of homes, "
    "the regional governor said on {}. Repair crews were working to restore supplies and there "
    "was no immediate word on casualties, officials added in a statement."
)


def feed_db(tmp_path: Path, story: Story | None = None) -> Database:
    """A new database with the test feed (and the story's claims)."""
    db = open_db(tmp_path / "t.db")
    store.save_feed(db, FEED)
    if story is not None:
        store.save_claims(db, story)
    return db


def entry(n: int, published: str, text: str = "") -> Entry:
    text = text or TEXT.format(f"day {n}")
    return Entry(
        id=f"e{n}",
        feed_id=FEED.id,
        url=f"https://wire.example/{n}",
        title=f"Story {n}",
        summary=text,
        published=published,
        dated=True,
        content_hash=f"h{n}-{text}",
        story_key=f"k{n}",
        simhash=simhash(text),
    )


def test_articles_to_assess_reads_each_once_in_batches_with_writes_between(
    tmp_path: Path, story: Story
) -> None:
    db = feed_db(tmp_path, story)
    same_time = "2025-03-20T08:00:00Z"  # ties on the date must not be skipped between batches
    entries = [entry(n, same_time if n % 2 else f"2025-03-2{n}T08:00:00Z") for n in range(7)]
    store.save_entries(db, FEED, entries, "2025-03-28T00:00:00Z", "r")
    seen = []
    for article, revision in store.articles_to_assess(db, story.id, "v1", batch=2):
        seen.append(article.id)
        store.save_assessments(db, story, "v1", [(article, revision, [], [])], "now")
    expected = sorted(entries, key=lambda e: (e.published, e.id))
    assert seen == [e.id for e in expected]
    assert list(store.articles_to_assess(db, story.id, "v1", batch=2)) == []


def test_near_copies_cluster_within_three_days_only(tmp_path: Path) -> None:
    db = feed_db(tmp_path)
    wire = entry(1, "2025-03-20T08:00:00Z", TEXT.format("Thursday"))
    store.save_entries(db, FEED, [wire], "2025-03-20T09:00:00Z", "r")
    edited = entry(2, "2025-03-22T08:00:00Z", TEXT.format("Thursday") + " Updated.")
    late = replace(edited, id="e3", url="https://wire.example/3", published="2025-03-26T08:00:00Z")
    assert 0 < (edited.simhash ^ wire.simhash).bit_count() <= store.NEAR_DUPLICATE_BITS
    assert store.cluster_of(db, edited) == "k1"
    assert store.cluster_of(db, late) == late.story_key


def test_stored_urls_answer_as_the_per_entry_url_query(tmp_path: Path) -> None:
    # three articles at one URL in different clusters (an update can leave them so), stored
    # out of id order: the one query per feed must pick what the per-entry query picked
    db = feed_db(tmp_path)
    same, other = "https://wire.example/same", "https://wire.example/other"
    for n in (3, 1, 2):
        db.execute(
            """INSERT INTO articles (id, feed_id, outlet, url, title, summary, published, dated,
               fetched, updated, content_hash, cluster) VALUES (?, 'f', 'Wire', ?, 't', 's',
               '2025-03-20T08:00:00Z', 1, 'x', 'x', 'h', ?)""",
            [f"e{n}", same, f"c{n}"],
        )
    urls = store.StoredUrls(db, [same, other])
    for article_id in ("e1", "e2", "e3", "e4"):
        row = db.execute(
            "SELECT cluster FROM articles WHERE url = ? AND id != ? LIMIT 1", [same, article_id]
        ).fetchone()
        assert urls.cluster(same, article_id) == row[0]
    assert urls.cluster(other, "e1") is None


def test_a_changed_entry_moves_its_bands(tmp_path: Path) -> None:
    db = feed_db(tmp_path)
    first = entry(1, "2025-03-20T08:00:00Z")
    store.save_entries(db, FEED, [first], "2025-03-20T09:00:00Z", "r")
    changed = entry(1, "2025-03-21T08:00:00Z", "A different story about a grid repair in Lviv.")
    assert store.save_entries(db, FEED, [changed], "2025-03-21T09:00:00Z", "r") == (0, 1)
    rows = db.execute("SELECT band, published, simhash FROM article_bands").fetchall()
    assert sorted(rows) == sorted(
        (band, changed.published, changed.simhash) for band in store.bands(changed.simhash)
    )


def test_evidence_loads_in_publication_order(tmp_path: Path, story: Story) -> None:
    """Not in the order the articles were stored: a late-found old article comes first."""
    db = feed_db(tmp_path, story)
    store.save_entries(db, FEED, [entry(1, "2025-03-22T08:00:00Z")], "2025-03-22T09:00:00Z", "r")
    store.save_entries(db, FEED, [entry(2, "2025-03-19T08:00:00Z")], "2025-03-23T09:00:00Z", "r")
    claim = story.claims[0].id
    assessed = [
        (
            article,
            revision,
            [
                Evidence(
                    f"x{article.id}",
                    article.id,
                    claim,
                    "breach",
                    True,
                    "q",
                    0,
                    1,
                    None,
                    None,
                    None,
                    None,
                    None,
                    0.5,
                    "rule",
                )
            ],
            [],
        )
        for article, revision in store.articles_to_assess(db, story.id, "v1")
    ]
    store.save_assessments(db, story, "v1", assessed, "2025-03-24T00:00:00Z")
    assert [e.article_id for e in store.load_evidence(db, story)] == ["e2", "e1"]
    assert [
        e.article_id for e in store.load_evidence(db, story, known_by="2025-03-22T10:00:00Z")
    ] == ["e1"]


def test_a_writable_database_passes_the_write_check_even_while_another_writes(
    tmp_path: Path,
) -> None:
    db = open_db(tmp_path / "t.db")
    other = open_db(tmp_path / "t.db")
    other.execute("BEGIN IMMEDIATE")  # another run in the middle of a write
    try:
        store.check_writable(db)  # not read-only: the run lock decides what happens next
    finally:
        other.execute("ROLLBACK")
    store.check_writable(db)
    assert not db.conn.in_transaction
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 30000


BITS = st.lists(st.integers(0, 63), unique=True, max_size=store.NEAR_DUPLICATE_BITS + 3)


@settings(max_examples=60, deadline=None)
@given(st.integers(-(1 << 63), (1 << 63) - 1).filter(bool), BITS)
def test_the_band_lookup_finds_every_simhash_within_the_distance(
    tmp_path_factory: pytest.TempPathFactory, value: int, bits: list[int]
) -> None:
    """Four 16-bit blocks probed with one bit flipped each: nothing within 7 bits is missed,
    nothing further is taken, wherever the differing bits fall."""
    db = open_db(tmp_path_factory.mktemp("bands") / "t.db")
    store.save_feed(db, FEED)
    stored = replace(entry(1, "2025-03-20T08:00:00Z"), simhash=value)
    store.save_entries(db, FEED, [stored], "2025-03-20T09:00:00Z", "r")
    flipped = value ^ sum(1 << bit for bit in bits)
    flipped = flipped - (1 << 64) if flipped >= 1 << 63 else flipped
    probe = replace(entry(2, "2025-03-21T08:00:00Z"), simhash=flipped)
    near = store.cluster_of(db, probe) == stored.story_key
    assert near == (len(bits) <= store.NEAR_DUPLICATE_BITS)


# A feed's new articles are written together, and the near-copy lookup sees the ones not yet
# written from memory. Whatever the feeds hold (copies by URL or by SimHash within one feed,
# one id twice with other content, updates between new articles, clocks that go back), the
# rows must be those of storing the entries one by one.
BASES = (0x0F0F_3C3C_5A5A_6969, -0x1234_5678_9ABC_DEF1)
FEED_ENTRIES = st.lists(
    st.builds(
        lambda n, url, base, bits, day, text: Entry(
            id=f"e{n}",
            feed_id=FEED.id,
            url=f"https://wire.example/{url}" if url else "",
            title=f"Story {n}",
            summary=f"text {text}",
            published=f"2025-03-{day:02d}T08:00:00Z",
            dated=True,
            content_hash=f"h{text}",
            story_key=f"k{n}-{text}",
            simhash=BASES[base] ^ sum(1 << b for b in bits) if base is not None else 0,
        ),
        st.integers(0, 5),
        st.integers(0, 3),
        st.sampled_from([0, 1, None]),
        st.lists(st.integers(0, 62), unique=True, max_size=9),
        st.integers(10, 19),
        st.integers(0, 2),
    ),
    max_size=8,
)


def _rows(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    articles = db.execute("SELECT rowid, * FROM articles ORDER BY rowid").fetchall()
    bands = db.execute("SELECT * FROM article_bands ORDER BY 1, 2, 3").fetchall()
    return articles, bands


URL = "https://wire.example/1"


def _copy(n: int, bits: range = range(0)) -> Entry:
    """A copy of the story of BASES[0], with these bits changed."""
    return Entry(
        f"e{n}", FEED.id, "", f"Story {n}", "text", "2025-03-15T08:00:00Z", True, f"h{n}",
        f"k{n}", BASES[0] ^ sum(1 << b for b in bits),
    )  # fmt: skip


@settings(max_examples=150, deadline=None)
# two copies 8 bits apart (two stories), then one 4 bits from each: the first of them by id
@example([([_copy(3, range(4)), _copy(1, range(10, 14)), _copy(5)], "2025-03-20T09:00:00Z")])
# a copy stored, then under an earlier clock another one 8 bits from it, then one near both:
# the one stored under the earlier clock, though it is not yet written
@example(
    [
        ([_copy(4, range(4))], "2025-03-21T09:00:00Z"),
        ([_copy(2, range(10, 14)), _copy(5)], "2025-03-20T09:00:00Z"),
    ]
)
# an update moves a URL away, then another entry comes with that URL: the URLs read before
# the feed was stored are out of date
@example(
    [
        ([_copy(0), replace(_copy(1, range(10, 18)), url=URL)], "2025-03-20T09:00:00Z"),
        (
            [
                replace(_copy(1, range(10, 18)), content_hash="new"),
                replace(_copy(0), url=URL, content_hash="new"),
            ],
            "2025-03-20T09:00:00Z",
        ),
    ]
)
@given(
    st.lists(
        st.tuples(FEED_ENTRIES, st.sampled_from(["2025-03-20T09:00:00Z", "2025-03-21T09:00:00Z"])),
        min_size=1,
        max_size=4,
    )
)
def test_a_feed_stored_at_once_equals_its_entries_stored_one_by_one(
    tmp_path_factory: pytest.TempPathFactory, feeds: list[tuple[list[Entry], str]]
) -> None:
    folder = tmp_path_factory.mktemp("batch")
    together, one_by_one = open_db(folder / "a.db"), open_db(folder / "b.db")
    for db in (together, one_by_one):
        store.save_feed(db, FEED)
    for entries, fetched in feeds:
        store.save_entries(together, FEED, entries, fetched, "r")
        for one in entries:
            store.save_entries(one_by_one, FEED, [one], fetched, "r")
    assert _rows(together) == _rows(one_by_one)
    # the full-text index holds exactly the stored rows (new ones written in bulk, updated ones
    # by the update trigger)
    together.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    matched = together.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'text'")
    assert sorted(matched) == together.execute("SELECT rowid FROM articles ORDER BY 1").fetchall()


@pytest.mark.parametrize("largest", [None, 7, 2**63 - 1])
def test_new_articles_enter_the_full_text_index_whatever_rowid_they_take(
    tmp_path: Path, largest: int | None
) -> None:
    """Read back by rowid range after the largest rowid; when that is SQLite's last one (new
    rows then take random free rowids), by id."""
    db = feed_db(tmp_path)
    if largest is not None:
        store.save_entries(
            db, FEED, [entry(0, "2025-03-19T08:00:00Z")], "2025-03-19T09:00:00Z", "r"
        )
        db.execute("UPDATE articles SET rowid = ? WHERE id = 'e0'", [largest])
        db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    entries = [entry(n, "2025-03-20T08:00:00Z") for n in range(1, 4)]
    assert store.save_entries(db, FEED, entries, "2025-03-20T09:00:00Z", "r") == (3, 0)
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    matched = db.execute(
        """SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
           WHERE articles_fts MATCH 'substation' ORDER BY 1"""
    ).fetchall()
    assert matched == [(f"e{n}",) for n in range(0 if largest is not None else 1, 4)]


def _window_by_strftime(published: str) -> tuple[str, str]:
    moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    days = timedelta(days=store.NEAR_DUPLICATE_DAYS)
    return ((moment - days).strftime(STAMP), (moment + days).strftime(STAMP))


STAMP = "%Y-%m-%dT%H:%M:%SZ"


@given(st.datetimes().map(lambda d: d.strftime(STAMP)) | st.text(alphabet="0129-:TZ", max_size=22))
def test_the_near_copy_window_is_three_days_either_side(published: str) -> None:
    try:
        expected: tuple[str, str] | type[Exception] = _window_by_strftime(published)
    except (ValueError, OverflowError) as exc:
        expected = type(exc)
    try:
        assert store.near_window(published) == expected
    except (ValueError, OverflowError) as exc:
        assert type(exc) is expected


def test_two_stories_in_one_database_each_assess_an_article_once(
    tmp_path: Path, story: Story
) -> None:
    db = feed_db(tmp_path, story)
    other = replace(story, id="other-story", claims=())
    store.save_entries(db, FEED, [entry(1, "2025-03-20T08:00:00Z")], "2025-03-28T00:00:00Z", "r")
    for current in (story, other):
        assessed = list(store.articles_to_assess(db, current.id, "v1"))
        assert len(assessed) == 1
        store.save_assessments(
            db, current, "v1", [(article, rev, [], []) for article, rev in assessed], "now"
        )
    assert list(store.articles_to_assess(db, story.id, "v1")) == []
    assert list(store.articles_to_assess(db, other.id, "v1")) == []


def test_rederivable_writes_commit_with_synchronous_normal_in_wal_mode_only(
    tmp_path: Path,
) -> None:
    """Fetched entries and assessments commit without syncing the WAL, and only in WAL mode,
    where SQLite never corrupts the database for it; the setting comes back after."""
    db = feed_db(tmp_path)
    synchronous = "PRAGMA synchronous"
    before = db.execute(synchronous).fetchone()[0]
    with store.rederivable_writes(db):
        assert db.execute(synchronous).fetchone()[0] == 1  # NORMAL
    assert db.execute(synchronous).fetchone()[0] == before
    db.execute("PRAGMA journal_mode = DELETE")
    with store.rederivable_writes(db):
        assert db.execute(synchronous).fetchone()[0] == before
