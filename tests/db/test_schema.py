from pathlib import Path

import pytest
from sqlite_utils import Database

from db import open_db, store
from db.schema import VIEWS, latest_version, migrations, schema_version
from truce.records import Entry, Feed


def test_new_database_is_at_latest_version_in_wal(tmp_path: Path) -> None:
    db = open_db(tmp_path / "t.db")
    assert schema_version(db) == latest_version() >= 2
    assert db.journal_mode == "wal"
    for table in (
        "feeds",
        "fetches",
        "articles",
        "claims",
        "mentions",
        "evidence",
        "incidents",
        "reviews",
        "claim_status",
        "status_history",
        "digests",
        "runs",
    ):
        assert db[table].exists(), table
    assert set(VIEWS) <= set(db.view_names())
    assert db["articles_fts"].exists()


def test_older_database_migrates_forward_and_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m002_incident_region")  # version 1: no incident region
    old["feeds"].insert({"id": "f", "url": "u", "outlet": "o", "tier": "wire"})
    assert schema_version(old) == 1 and "region" not in old["incidents"].columns_dict
    old.close()
    db = open_db(path)
    assert schema_version(db) == latest_version()
    assert db["feeds"].count == 1
    assert "region" in db["incidents"].columns_dict
    assert "region" in db["incident_sources"].columns_dict


def test_near_copy_bands_migrate_under_their_dates(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m008_bands_by_date")  # bands keyed by band alone
    old["feeds"].insert({"id": "f", "url": "u", "outlet": "o", "tier": "wire"})
    article = {"feed_id": "f", "outlet": "o", "title": "t", "summary": "s", "dated": 1}
    stamps = {"fetched": "x", "updated": "x", "content_hash": "h", "cluster": "c"}
    old["articles"].insert_all(
        [
            {"id": "a", "published": "2025-03-20T08:00:00Z", "simhash": -5, **article, **stamps},
            {"id": "b", "published": "2025-03-21T08:00:00Z", "simhash": None, **article, **stamps},
        ]
    )
    old["article_bands"].insert_all(
        [{"band": 1, "article_id": "a"}, {"band": 258, "article_id": "a"}]
    )
    migrations.apply(old, stop_before="m010_bands_by_block")
    rows = old.execute("SELECT band, published, article_id, simhash FROM article_bands").fetchall()
    assert rows == [(1, "2025-03-20T08:00:00Z", "a", -5), (258, "2025-03-20T08:00:00Z", "a", -5)]


@pytest.mark.parametrize("simhash", [-5, 1, -(1 << 63), (1 << 63) - 1, 0x0123_4567_89AB_CDEF])
def test_near_copy_bands_migrate_to_blocks(tmp_path: Path, simhash: int) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m010_bands_by_block")  # eight 8-bit bands
    old["feeds"].insert({"id": "f", "url": "u", "outlet": "o", "tier": "wire"})
    article = {"feed_id": "f", "outlet": "o", "title": "t", "summary": "s", "dated": 1}
    article |= {"fetched": "x", "updated": "x", "content_hash": "h", "cluster": "c"}
    old["articles"].insert_all(
        [
            {"id": "a", "published": "2025-03-20T08:00:00Z", "simhash": simhash, **article},
            {"id": "b", "published": "2025-03-21T08:00:00Z", "simhash": None, **article},
        ]
    )
    old.close()
    db = open_db(path)
    rows = db.execute("SELECT band, published, article_id, simhash FROM article_bands").fetchall()
    assert sorted(rows) == sorted(
        (band, "2025-03-20T08:00:00Z", "a", simhash) for band in store.bands(simhash)
    )


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    open_db(tmp_path / "t.db").close()
    db = open_db(tmp_path / "t.db")
    assert len(migrations.applied(db)) == latest_version()


def test_full_text_rows_of_old_and_new_articles_after_the_insert_trigger_is_gone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m011_fts_rows_written_in_bulk")  # the trigger writes them
    old["feeds"].insert({"id": "f", "url": "u", "outlet": "o", "tier": "wire"})
    old["articles"].insert(
        {"id": "a", "feed_id": "f", "outlet": "o", "title": "Old substation", "summary": "s"}
        | {"published": "2025-03-20T08:00:00Z", "dated": 1, "fetched": "x", "updated": "x"}
        | {"content_hash": "h", "cluster": "c"}
    )
    old.close()
    db = open_db(path)
    assert "articles_ai" not in {t.name for t in db["articles"].triggers}
    new = Entry("b", "f", "", "New substation", "s", "2025-03-21T08:00:00Z", True, "h2", "k", 0)
    store.save_entries(db, Feed("f", "u", "o"), [new], "2025-03-21T09:00:00Z", "r")
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    found = db.execute(
        "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH 'substation' ORDER BY 1"
    )
    assert [row[0] for row in found] == ["a", "b"]


def test_articles_known_migrates_to_feed_order_and_still_covers_what_was_known(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m014_articles_known_by_feed")  # (fetched, id, ...)
    old["feeds"].insert({"id": "f", "url": "u", "outlet": "o", "tier": "wire"})
    old["articles"].insert(
        {"id": "a", "feed_id": "f", "outlet": "o", "url": "https://o.example/a", "title": "t"}
        | {"summary": "s", "published": "2025-03-20T08:00:00Z", "dated": 1, "fetched": "x"}
        | {"updated": "x", "content_hash": "h", "cluster": "c"}
    )
    old.close()
    db = open_db(path)
    columns = [row[2] for row in db.execute("PRAGMA index_info(articles_known)")]
    assert columns == ["fetched", "feed_id", "published", "id", "outlet", "cluster", "url"]
    known = "SELECT id, published, outlet, cluster, feed_id, url FROM articles WHERE fetched <= ?"
    plan = " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {known}", ["y"]))
    assert "COVERING INDEX articles_known" in plan
    assert db.execute(known, ["y"]).fetchall() == [
        ("a", "2025-03-20T08:00:00Z", "o", "c", "f", "https://o.example/a")
    ]
