"""Storage at backfill scale: reads in batches, near-copy lookups bounded by date."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db import open_db, store
from parsers.feed import simhash
from truce.records import Entry, Evidence, Feed, Story

FEED = Feed("f", "f.xml", "Wire", "wire")
TEXT = (
    "Russian drones hit a substation in Kherson overnight, cutting power to thousands of homes, "
    "the regional governor said on {}. Repair crews were working to restore supplies and there "
    "was no immediate word on casualties, officials added in a statement."
)


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
    db = open_db(tmp_path / "t.db")
    store.save_feed(db, FEED)
    store.save_claims(db, story)
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
    db = open_db(tmp_path / "t.db")
    store.save_feed(db, FEED)
    wire = entry(1, "2025-03-20T08:00:00Z", TEXT.format("Thursday"))
    store.save_entries(db, FEED, [wire], "2025-03-20T09:00:00Z", "r")
    edited = entry(2, "2025-03-22T08:00:00Z", TEXT.format("Thursday") + " Updated.")
    late = replace(edited, id="e3", url="https://wire.example/3", published="2025-03-26T08:00:00Z")
    assert 0 < (edited.simhash ^ wire.simhash).bit_count() <= store.NEAR_DUPLICATE_BITS
    assert store.cluster_of(db, edited) == "k1"
    assert store.cluster_of(db, late) == late.story_key


def test_a_changed_entry_moves_its_bands(tmp_path: Path) -> None:
    db = open_db(tmp_path / "t.db")
    store.save_feed(db, FEED)
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
    db = open_db(tmp_path / "t.db")
    store.save_feed(db, FEED)
    store.save_claims(db, story)
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
