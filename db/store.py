"""Read and write Truce Watch records. Every write is idempotent (stable primary keys)."""

from __future__ import annotations

import fcntl
import functools
import json
import operator
import os
import re
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from db.schema import ensure_views, migrations
from truce.errors import InputError, StorageError
from truce.records import (
    Article,
    ClaimStatus,
    Entry,
    Evidence,
    Feed,
    Incident,
    Review,
    Stance,
    Story,
    Tally,
    to_row,
)


def _marks(values: Collection[object]) -> str:
    """SQL parameter marks for an IN list."""
    return ",".join("?" * len(values))


@contextmanager
def storage_errors(where: Database | str | Path = "") -> Iterator[None]:
    """Turn sqlite3 errors into StorageError at the storage edge, saying in plain words what
    went wrong with which file (a full disk, a read-only database) when SQLite tells us."""
    try:
        yield
    except sqlite3.Error as exc:
        path = _filename(where) if isinstance(where, Database) else str(where)
        raise StorageError(_explain(exc, path)) from exc


def _filename(db: Database) -> str:
    """The file behind a connection (asked only when something has already gone wrong)."""
    try:
        return str(db.conn.execute("PRAGMA database_list").fetchone()[2])
    except sqlite3.Error:
        return ""


def _primary_code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code: the low byte of the extended code it reports."""
    return (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF


def _explain(exc: sqlite3.Error, path: str) -> str:
    code = _primary_code(exc)
    name = path or "the database"
    if code == sqlite3.SQLITE_FULL:
        return f"disk full writing {name}"
    if code == sqlite3.SQLITE_READONLY:
        return f"database {name} is read-only"
    if code == sqlite3.SQLITE_CANTOPEN:
        return f"cannot open database {name}"
    return f"database error ({path}): {exc}" if path else f"database error: {exc}"


_NOT_OURS = (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)


def check_writable(db: Database) -> None:
    """Fail now, in one line, when the database cannot be written (a read-only file), not once
    a run has fetched its feeds. Another process writing is no failure: the run lock decides."""
    with storage_errors(db):
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute("PRAGMA busy_timeout = 0")
        try:
            # a real write, rolled back: SQLite lets a read-only file begin a transaction
            db.execute("BEGIN IMMEDIATE")
            db.execute(f"PRAGMA user_version = {int(version)}")
        except sqlite3.OperationalError as exc:
            if _primary_code(exc) != sqlite3.SQLITE_BUSY:
                raise
        finally:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            db.execute("PRAGMA busy_timeout = 30000")


def open_db(path: str | Path) -> Database:
    """Open (creating if needed) and migrate a Truce Watch database."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise StorageError(f"database path is a directory: {path}")
    if not path.parent.exists():
        raise StorageError(f"folder does not exist: {path.parent}")
    with storage_errors(path):
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        db = Database(conn)
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            # 32 MiB instead of SQLite's 2 MB: ingest and assessment insert under hashed keys
            # (article ids, SimHash bands) all over the indexes, and on a large database most
            # of those pages were read back from the OS per row (a 100k backfill spent ~15%
            # more CPU). Pages are cached only when read, so small commands pay nothing.
            db.execute("PRAGMA cache_size = -32768")
            db.enable_wal()
            # Checkpoint the WAL into the database every 10,000 pages (~40 MB) instead of 1,000:
            # one feed's commit dirties over a thousand pages of hashed-key index entries, so
            # nearly every commit of a backfill checkpointed, writing the same hot index pages
            # again each time (a 100k backfill's store step: ~420 -> ~325 us an entry). The WAL
            # file keeps the size it grows to; durability is unchanged.
            db.execute("PRAGMA wal_autocheckpoint = 10000")
            db.execute("PRAGMA foreign_keys = ON")
            if migrations.pending(db):
                # two processes opening a new database at once must not both migrate it
                with schema_lock(path):
                    migrations.apply(db)
                    ensure_views(db)
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _primary_code(exc) in _NOT_OURS:
                raise StorageError(f"not a Truce Watch database ({path}): {exc}") from exc
            raise  # a full disk or a read-only file, explained by storage_errors
    return db


@contextmanager
def schema_lock(path: Path) -> Iterator[None]:
    """Hold `<db>.schema.lock` (blocking) while the schema changes."""
    handle = os.open(f"{path}.schema.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


@contextmanager
def rederivable_writes(db: Database) -> Iterator[None]:
    """Commit without syncing the WAL to disk (`PRAGMA synchronous = NORMAL`) inside: for rows
    the next run writes again if they are lost (fetched entries, assessments). Only when the
    database is in WAL mode, where SQLite guarantees NORMAL never corrupts it: a power loss can
    roll back the last commits, never a part of one, and a crashed process loses nothing it
    committed. The previous setting comes back after."""
    conn = db.conn
    with storage_errors(db):
        wal = conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        previous = conn.execute("PRAGMA synchronous").fetchone()[0] if wal else None
        if wal:
            conn.execute("PRAGMA synchronous = NORMAL")
    try:
        yield
    finally:
        if previous is not None:
            with storage_errors(db):
                conn.execute(f"PRAGMA synchronous = {int(previous)}")


def _json(values: Iterable[str]) -> str:
    return json.dumps(list(values))


# Feeds and fetches ---------------------------------------------------------------------------


def save_feed(db: Database, feed: Feed) -> None:
    """Insert or refresh a feed's configuration, keeping its health columns."""
    with storage_errors(db):
        db.execute(
            """INSERT INTO feeds (id, url, outlet, tier, affiliation) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET outlet = excluded.outlet, tier = excluded.tier,
               affiliation = excluded.affiliation,
               -- a new address in the feeds file starts the feed afresh
               redirected_to = CASE WHEN url = excluded.url THEN redirected_to END,
               disabled_reason = CASE WHEN url = excluded.url THEN disabled_reason END,
               next_fetch = CASE WHEN url = excluded.url THEN next_fetch END,
               url = excluded.url""",
            [feed.id, feed.url, feed.outlet, feed.tier, feed.affiliation],
        )


def feed_state(db: Database, feed_id: str) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM feeds WHERE id = ?", [feed_id]))
    return rows[0] if rows else {}


def record_failure(
    db: Database,
    feed_id: str,
    fetched_at: str,
    error: str,
    run_id: str,
    *,
    next_fetch: str | None = None,
    disabled_reason: str | None = None,
) -> None:
    """Record a failed fetch: the error, one more consecutive failure, when to try again, and
    (for a feed that is gone) why it is disabled."""
    with storage_errors(db), db.atomic():
        db.execute(
            """UPDATE feeds SET last_fetched = ?, last_error = ?, next_fetch = ?,
               disabled_reason = coalesce(?, disabled_reason),
               consecutive_failures = consecutive_failures + 1 WHERE id = ?""",
            [fetched_at, error, next_fetch, disabled_reason, feed_id],
        )
        db.table("fetches").upsert(
            {
                "feed_id": feed_id,
                "fetched_at": fetched_at,
                "run_id": run_id,
                "ok": 0,
                "error": error,
            },
            pk=("feed_id", "fetched_at"),
        )


def save_entries(
    db: Database,
    feed: Feed,
    entries: Iterable[Entry],
    fetched_at: str,
    run_id: str,
    *,
    http_status: int | None = None,
    etag: str | None = None,
    modified: str | None = None,
    bozo: str | None = None,
    title: str = "",
    final_url: str | None = None,
) -> tuple[int, int]:
    """Store one feed's entries in one transaction. Returns (new, updated) article counts.
    An entry seen again with different content is updated and its revision bumped."""
    entries = list(entries)
    new = updated = 0
    with storage_errors(db), db.atomic():
        stored = _stored_versions(db, [entry.id for entry in entries])
        pending = PendingArticles(fetched_at)
        urls = StoredUrls(db, [entry.url for entry in entries if entry.url])
        for entry in entries:
            existing = stored.get(entry.id)
            if existing and existing[0] == entry.content_hash:
                continue  # seen before, unchanged
            if existing:
                # an update goes straight to the database, as do the new rows before it, so
                # that everything after it sees the rows as they now are
                pending.write(db)
                urls.forget()
            cluster = cluster_of(db, entry, pending, urls)
            if not existing:
                pending.add(entry, feed, cluster)
                stored[entry.id] = (entry.content_hash, 1, entry.simhash or None)
                new += 1
            else:
                row = {
                    "id": entry.id,
                    "feed_id": feed.id,
                    "outlet": feed.outlet,
                    "url": entry.url,
                    "title": entry.title,
                    "summary": entry.summary,
                    "published": entry.published,
                    "dated": int(entry.dated),
                    "updated": fetched_at,
                    "content_hash": entry.content_hash,
                    "cluster": cluster,
                    "simhash": entry.simhash or None,
                }
                revision = existing[1] + 1
                db.table("articles").update(entry.id, {**row, "revision": revision})
                _save_bands(db, entry, existing[2])
                urls.forget()
                stored[entry.id] = (entry.content_hash, revision, entry.simhash or None)
                updated += 1
        pending.write(db)
        db.execute(
            """UPDATE feeds SET last_fetched = ?, last_success = ?, last_error = NULL,
               consecutive_failures = 0, next_fetch = NULL, etag = coalesce(?, etag),
               modified = coalesce(?, modified), redirected_to = ?,
               title = CASE WHEN ? != '' THEN ? ELSE title END WHERE id = ?""",
            [
                fetched_at,
                fetched_at,
                etag,
                modified,
                final_url if final_url and final_url != feed.url else None,
                title,
                title,
                feed.id,
            ],
        )
        # sqlite-utils' upsert reads the schema first (seven statements, ~0.4 ms a feed)
        db.execute(
            """INSERT INTO fetches (feed_id, fetched_at, run_id, ok, http_status, entries,
                   new_articles, updated_articles, bozo, etag, modified)
               VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (feed_id, fetched_at) DO UPDATE SET run_id = excluded.run_id,
                   ok = excluded.ok, http_status = excluded.http_status,
                   entries = excluded.entries, new_articles = excluded.new_articles,
                   updated_articles = excluded.updated_articles, bozo = excluded.bozo,
                   etag = excluded.etag, modified = excluded.modified""",
            [
                feed.id,
                fetched_at,
                run_id,
                http_status,
                len(entries),
                new,
                updated,
                bozo,
                etag,
                modified,
            ],
        )
    return new, updated


def _stored_versions(db: Database, ids: list[str]) -> dict[str, tuple[str, int, int | None]]:
    """(content hash, revision, SimHash) of the articles already stored under these ids: one
    query per feed, not one per entry."""
    rows = db.execute(
        """SELECT id, content_hash, revision, simhash FROM articles
           WHERE id IN (SELECT value FROM json_each(?))""",
        [json.dumps(ids)],
    )
    return {
        article_id: (content_hash, revision, simhash)
        for article_id, content_hash, revision, simhash in rows
    }


class StoredUrls:
    """The stored articles at a feed's entry URLs, (id, cluster) in rowid order: read in one
    query when first asked, not one query per entry (~10 us each), and read again after the
    articles change (`forget`)."""

    def __init__(self, db: Database, urls: list[str]) -> None:
        self.db, self.urls = db, urls
        self._by_url: dict[str, list[tuple[str, str]]] | None = None

    def forget(self) -> None:
        self._by_url = None

    def cluster(self, url: str, article_id: str) -> str | None:
        """What `SELECT cluster FROM articles WHERE url = ? AND id != ? LIMIT 1` returns: the
        first such article by rowid, the articles_url index's order."""
        if self._by_url is None:
            self._by_url = {}
            rows = self.db.conn.execute(
                """SELECT url, id, cluster FROM articles
                   WHERE url IN (SELECT value FROM json_each(?)) ORDER BY rowid""",
                [json.dumps(self.urls)],
            )
            for stored_url, other, cluster in rows:
                self._by_url.setdefault(stored_url, []).append((other, cluster))
        return next((c for other, c in self._by_url.get(url, ()) if other != article_id), None)


_ARTICLE_COLUMNS = (
    "id", "feed_id", "outlet", "url", "title", "summary", "published", "dated", "updated",
    "content_hash", "cluster", "simhash", "fetched", "revision", "text",
)  # fmt: skip


_LAST_ROWID = 2**63 - 1  # SQLite's largest rowid: past it, new rows take random free ones


class PendingArticles:
    """New articles of one feed not yet written: written together (one executemany for the
    rows, one for their bands) when the feed is done or before an update. Until then the
    near-copy lookup sees them here as it would see them in the database: after every stored
    article in URL order (their rowids will be higher), stored `fetched_at`."""

    def __init__(self, fetched_at: str) -> None:
        self.fetched_at = fetched_at
        self._clear()

    def _clear(self) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self.bands: list[tuple[int, str, str, int]] = []
        self.by_url: dict[str, list[tuple[str, str]]] = {}  # url: (id, cluster), in order
        self.by_band: dict[int, list[tuple[str, str, int, str]]] = {}  # id, published, ...

    def add(self, entry: Entry, feed: Feed, cluster: str) -> None:
        fetched = self.fetched_at
        # in _ARTICLE_COLUMNS order; `updated` and `fetched` are both the fetch time
        self.rows.append(
            (
                entry.id, feed.id, feed.outlet, entry.url, entry.title, entry.summary,
                entry.published, int(entry.dated), fetched, entry.content_hash, cluster,
                entry.simhash or None, fetched, 1, "",
            )
        )  # fmt: skip
        if entry.url:
            self.by_url.setdefault(entry.url, []).append((entry.id, cluster))
        for band in bands(entry.simhash):
            self.bands.append((band, entry.published, entry.id, entry.simhash))
            self.by_band.setdefault(band, []).append(
                (entry.id, entry.published, entry.simhash, cluster)
            )

    def url_cluster(self, url: str, article_id: str) -> str | None:
        """The cluster of the first pending article at this URL (not this one)."""
        return next((c for other, c in self.by_url.get(url, ()) if other != article_id), None)

    def first_near(
        self, entry: Entry, probes: list[int], low: str, high: str
    ) -> tuple[str, str, str] | None:
        """(fetched, id, cluster) of the first pending near copy, by (fetched, id)."""
        near = {
            (self.fetched_at, other, cluster)
            for probe in self.by_band.keys() & probes  # most probes find nothing
            for other, published, simhash, cluster in self.by_band[probe]
            if other != entry.id
            and low <= published <= high
            and ((simhash ^ entry.simhash) & _UNSIGNED).bit_count() <= NEAR_DUPLICATE_BITS
        }
        return min(near) if near else None

    def write(self, db: Database) -> None:
        if not self.rows:
            return
        columns = ", ".join(f'"{column}"' for column in _ARTICLE_COLUMNS)
        last = db.conn.execute("SELECT max(rowid) FROM articles").fetchone()[0] or 0
        db.conn.executemany(
            f"INSERT INTO articles ({columns}) VALUES ({_marks(_ARTICLE_COLUMNS)})", self.rows
        )
        # the full-text rows in one statement (there is no insert trigger: migration 11), in
        # rowid order: FTS5 writes out its pending terms whenever a rowid comes lower than the
        # last, and the id lookup would hand them over in id order (~65 -> ~28 us an article).
        # SQLite gives each new row the rowid after the largest until that is the last one
        # possible: then the new rows are those after `last`, read as a range (~3 us an
        # article less than looking each up by id).
        if last < _LAST_ROWID:
            db.execute(
                """INSERT INTO articles_fts (rowid, title, summary, text)
                   SELECT rowid, title, summary, text FROM articles WHERE rowid > ?
                   ORDER BY rowid""",
                [last],
            )
        else:
            db.execute(
                """INSERT INTO articles_fts (rowid, title, summary, text)
                   SELECT rowid, title, summary, text FROM articles
                   WHERE id IN (SELECT value FROM json_each(?)) ORDER BY rowid""",
                [json.dumps([row[0] for row in self.rows])],
            )
        db.conn.executemany(
            "INSERT INTO article_bands (band, published, article_id, simhash) VALUES (?, ?, ?, ?)",
            self.bands,
        )
        self._clear()


NEAR_DUPLICATE_BITS = 7  # SimHash distance at or under which two texts are one story
NEAR_DUPLICATE_DAYS = 3  # ...when published this close together
# A SimHash is indexed as four 16-bit blocks. Two SimHashes within 7 bits differ in at most one
# bit in some block (four blocks of two or more would make eight), so a lookup probes each
# block as it is and with each bit flipped: 68 index probes. Eight 8-bit bands (migration 8)
# needed only eight, but each matched 1 in 256 of the articles in the date window: ~375 rows
# read and compared per lookup at 2,000 articles a day, against ~15 now.
BLOCKS, BLOCK_BITS = 4, 16
_FLIPS = (0, *(1 << bit for bit in range(BLOCK_BITS)))
_UNSIGNED = (1 << 64) - 1
assert NEAR_DUPLICATE_BITS < 2 * BLOCKS  # what makes one flip per block enough


def bands(value: int) -> list[int]:
    """The four 16-bit blocks of a SimHash, each tagged with its position."""
    if not value:
        return []
    unsigned = value & _UNSIGNED
    return [i << BLOCK_BITS | (unsigned >> (BLOCK_BITS * i) & 0xFFFF) for i in range(BLOCKS)]


def band_probes(value: int) -> list[int]:
    """Every band under which a SimHash within NEAR_DUPLICATE_BITS of `value` is indexed (and
    others, which the distance then rules out)."""
    return [band ^ flip for band in bands(value) for flip in _FLIPS]


_NEAR_SQL = f"""SELECT article_id, simhash FROM article_bands
    WHERE band IN ({_marks(range(BLOCKS * len(_FLIPS)))}) AND published BETWEEN ? AND ?
    AND article_id != ?"""
_NEAR_DAYS = timedelta(days=NEAR_DUPLICATE_DAYS)
_CANONICAL = re.compile(r"[1-9]\d{3}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def near_window(published: str) -> tuple[str, str]:
    """Publication times NEAR_DUPLICATE_DAYS either side, as stored (UTC ISO 8601, Z)."""
    if _CANONICAL.fullmatch(published):
        # the time of day stays: shift the date alone (strftime costs ~4 us a call, and a
        # backfill's entries share a few dozen days)
        days = _near_days(published[:10])
        if days is not None:
            return days[0] + published[10:], days[1] + published[10:]
    moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    low = (moment - _NEAR_DAYS).strftime("%Y-%m-%dT%H:%M:%SZ")
    high = (moment + _NEAR_DAYS).strftime("%Y-%m-%dT%H:%M:%SZ")
    return low, high


@functools.lru_cache(maxsize=1024)
def _near_days(day: str) -> tuple[str, str] | None:
    """The days NEAR_DUPLICATE_DAYS before and after `day` (YYYY-MM-DD); None when either
    would not have four digits in its year, as strftime writes it."""
    moment = date.fromisoformat(day)
    low, high = (moment - _NEAR_DAYS).isoformat(), (moment + _NEAR_DAYS).isoformat()
    return (low, high) if low[0] != "0" else None


def cluster_of(
    db: Database,
    entry: Entry,
    pending: PendingArticles | None = None,
    stored_urls: StoredUrls | None = None,
) -> str:
    """Copies of one story in several feeds share one cluster: the same URL, or near-same
    words (SimHash) published within a few days; else the story's own key. `pending`: the
    feed's new articles not yet written, looked at as if they were; `stored_urls`: the stored
    articles at the feed's URLs, read once for the feed."""
    if entry.url:
        if stored_urls is None:
            stored_urls = StoredUrls(db, [entry.url])
        stored = stored_urls.cluster(entry.url, entry.id)
        if stored is not None:
            return stored
        cluster = pending.url_cluster(entry.url, entry.id) if pending else None
        if cluster is not None:
            return cluster
    if entry.simhash:
        low, high = near_window(entry.published)
        wanted = band_probes(entry.simhash)
        near = [
            article_id
            for article_id, simhash in db.conn.execute(_NEAR_SQL, [*wanted, low, high, entry.id])
            if ((simhash ^ entry.simhash) & _UNSIGNED).bit_count() <= NEAR_DUPLICATE_BITS
        ]
        # the story's first copy, in the order they were stored
        first = None
        if near:
            first = db.execute(
                """SELECT fetched, id, cluster FROM articles
                   WHERE id IN (SELECT value FROM json_each(?)) ORDER BY fetched, id LIMIT 1""",
                [json.dumps(near)],
            ).fetchone()
        waiting = pending.first_near(entry, wanted, low, high) if pending else None
        if first is None or (waiting is not None and waiting < tuple(first)):
            first = waiting
        if first is not None:
            return str(first[2])
    return entry.story_key


def _save_bands(db: Database, entry: Entry, previous: int | None) -> None:
    """Index the entry's SimHash bands under its date, replacing those of its last revision."""
    if previous:
        db.execute(
            f"DELETE FROM article_bands WHERE band IN ({_marks(range(BLOCKS))}) AND article_id = ?",
            [*bands(previous), entry.id],
        )
    db.conn.executemany(
        "INSERT INTO article_bands (band, published, article_id, simhash) VALUES (?, ?, ?, ?)",
        [(band, entry.published, entry.id, entry.simhash) for band in bands(entry.simhash)],
    )


# Articles and evidence -----------------------------------------------------------------------

_ARTICLE_SQL = """
    SELECT a.id, a.feed_id, a.outlet, f.tier, f.affiliation, a.url, a.title, a.summary,
           a.published, a.fetched AS seen, a.cluster, a.revision
    FROM articles a JOIN feeds f ON f.id = a.feed_id
"""


def _article(row: Sequence[Any]) -> Article:
    """A row of _ARTICLE_SQL as an Article."""
    return Article(
        id=row[0],
        feed_id=row[1],
        outlet=row[2],
        tier=row[3],
        affiliation=row[4],
        url=row[5] or "",
        title=row[6],
        summary=row[7],
        published=row[8],
        seen=row[9],
        cluster=row[10],
    )


def articles_to_assess(
    db: Database, story: str, engine: str, batch: int = 500
) -> Iterator[tuple[Article, int]]:
    """Articles never assessed for this story, changed since, or assessed by another engine, in
    publication order. Read `batch` at a time, each batch after the last one's key, so a backfill
    never holds every article and the caller may write between batches."""
    sql = (
        _ARTICLE_SQL
        + """
        LEFT JOIN assessments s ON s.article_id = a.id AND s.story = ?
        WHERE (s.article_id IS NULL OR s.revision < a.revision OR s.engine != ?)
        AND (a.published, a.id) > (?, ?)
        ORDER BY a.published, a.id LIMIT ?
    """
    )
    after = ("", "")
    while True:
        with storage_errors(db):
            rows = db.conn.execute(sql, [story, engine, *after, batch]).fetchall()
        yield from ((_article(row), row[11]) for row in rows)
        if len(rows) < batch:
            return
        after = (rows[-1][8], rows[-1][0])  # (published, id)


def save_claims(db: Database, story: Story) -> None:
    with storage_errors(db):
        db.table("claims").upsert_all(
            [
                {
                    "id": c.id,
                    "story": story.id,
                    "kind": c.kind,
                    "text": c.text,
                    "sources": ", ".join(c.sources),
                    "party": c.party,
                    "window_start": story.window.start.isoformat()
                    if c.kind == "commitment"
                    else None,
                    "window_end": story.window.end.isoformat() if c.kind == "commitment" else None,
                }
                for c in story.claims
            ],
            pk="id",
        )


Mention = tuple[str, int, int, str]  # (claim id, start, end, sentence)


def save_assessments(
    db: Database,
    story: Story,
    engine: str,
    assessed: Sequence[tuple[Article, int, Sequence[Evidence], Sequence[Mention]]],
    assessed_at: str,
) -> None:
    """Replace the evidence and mentions of a batch of articles (each with the revision it was
    assessed at) for this story's claims, in one transaction."""
    claim_ids = [c.id for c in story.claims]
    articles = json.dumps([article.id for article, *_ in assessed])
    # `+claim_id`: keep SQLite on the article index; by claim it visits every evidence row of
    # the story, once per batch
    only = f"""article_id IN (SELECT value FROM json_each(?))
               AND +claim_id IN ({_marks(claim_ids)})"""
    with storage_errors(db), db.atomic():
        db.execute(f"DELETE FROM evidence WHERE {only}", [articles, *claim_ids])
        db.execute(f"DELETE FROM mentions WHERE {only}", [articles, *claim_ids])
        # plain executemany: sqlite-utils' insert_all, and asdict's deep copy of every record,
        # cost more than SQLite's own work here
        db.conn.executemany(
            f"""INSERT INTO evidence ({", ".join(f'"{c}"' for c in _EVIDENCE_COLUMNS)})
                VALUES ({", ".join("?" * len(_EVIDENCE_COLUMNS))})""",
            (_evidence_row(e) for _, _, evidence, _ in assessed for e in evidence),
        )
        db.conn.executemany(
            """INSERT OR IGNORE INTO mentions (article_id, claim_id, start, "end", sentence)
               VALUES (?, ?, ?, ?, ?)""",
            (
                (article.id, *mention)
                for article, _, _, mentions in assessed
                for mention in mentions
            ),
        )
        db.conn.executemany(
            """INSERT INTO assessments (article_id, story, revision, engine, assessed_at)
               VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_id, story) DO UPDATE SET
               revision = excluded.revision, engine = excluded.engine,
               assessed_at = excluded.assessed_at""",
            (
                (article.id, story.id, revision, engine, assessed_at)
                for article, revision, *_ in assessed
            ),
        )


_ARTICLE_FIELDS = ("outlet", "published", "seen", "cluster", "tier", "affiliation", "url")
_EVIDENCE_COLUMNS = tuple(f.name for f in fields(Evidence) if f.name not in _ARTICLE_FIELDS)
_evidence_row = operator.attrgetter(*_EVIDENCE_COLUMNS)  # the columns' values, as a tuple


def load_evidence(
    db: Database,
    story: Story,
    known_by: str | None = None,
    stances: Collection[str] = (),
    rules: Collection[str] = (),
    event_days: tuple[date, date] | None = None,
) -> list[Evidence]:
    """Evidence for the story's claims with article context, optionally only what was known
    (article first seen) by `known_by`, only of these `stances` or `rules`, only of events
    dated in `event_days` [start, end). Unfiltered, the articles seen by then drive the query;
    filtered, the evidence indexes do."""
    claim_ids = [c.id for c in story.claims]
    stances, rules = list(stances), list(rules)
    selective = bool(stances or rules)
    # `+e.claim_id`: a filter, not an index key (probing every article once per claim is slower)
    # columns in Evidence's field order: rows become records without building dicts
    sql = f"""
        SELECT e.id, e.article_id, e.claim_id, e.stance, e.alleged, e.quote, e.start, e."end",
               e.event_date, e.actor, e.target, e.place, e.region, e.confidence, e.rule,
               a.outlet, a.published, a.fetched, a.cluster, f.tier, f.affiliation, a.url
        FROM {
        "evidence e JOIN articles a"
        if selective or not known_by
        else "articles a CROSS JOIN evidence e"
    }
             ON a.id = e.article_id JOIN feeds f ON f.id = a.feed_id
        WHERE +e.claim_id IN ({_marks(claim_ids)})
        {"AND a.fetched <= ?" if known_by else ""}
        {f"AND e.stance IN ({_marks(stances)})" if stances else ""}
        {f"AND e.rule IN ({_marks(rules)})" if rules else ""}
        {"AND e.event_date >= ? AND e.event_date < ?" if event_days else ""}
    """
    params: list[Any] = [*claim_ids, *([known_by] if known_by else []), *stances, *rules]
    params += [day.isoformat() for day in event_days or ()]
    with storage_errors(db):
        evidence = [
            Evidence(*row[:4], bool(row[4]), *row[5:])  # type: ignore[call-arg]
            for row in db.conn.execute(sql, params)
        ]
    # sorted by publication here, not in SQL: an ORDER BY would make SQLite walk every article
    # by date instead of using the `fetched` index for what was known. Records, not rows:
    # holding both doubled the memory of a large backfill.
    evidence.sort(key=lambda e: (e.published, e.id))
    return evidence


def load_tallies(db: Database, story: Story, known_by: str) -> dict[tuple[str, Stance], Tally]:
    """The evidence known by `known_by` and not rejected by then, summed up per (claim, stance)
    in SQL: the same as claims.status.tally over those rows, without loading them."""
    claim_ids = [c.id for c in story.claims]
    # With max() the only min/max aggregate, SQLite takes the bare column (outlet) from the
    # row that has the maximum: the latest by (published, id). Quotes are read for those only,
    # so that the covering indexes answer the rest.
    sql = f"""
        SELECT e.claim_id, e.stance, json_group_array(a.published || ' ' || e.id),
               json_group_array(DISTINCT a.outlet),
               COUNT(DISTINCT coalesce(nullif(a.cluster, ''), a.outlet)),
               max(a.published || ' ' || e.id), a.outlet
        FROM articles a CROSS JOIN evidence e ON a.id = e.article_id
        WHERE +e.claim_id IN ({_marks(claim_ids)}) AND a.fetched <= ?
          AND e.id NOT IN (
              SELECT evidence_id FROM reviews WHERE decision = 'reject' AND reviewed_at <= ?)
        GROUP BY e.claim_id, e.stance
    """
    with storage_errors(db):
        rows = db.conn.execute(sql, [*claim_ids, known_by, known_by]).fetchall()
        latest = [row[5].split(" ", 1)[1] for row in rows]
        quotes = dict(
            db.conn.execute(
                f"SELECT id, quote FROM evidence WHERE id IN ({_marks(latest)})", latest
            )
        )
    return {
        (claim_id, stance): Tally(
            claim_id=claim_id,
            stance=stance,
            ids=tuple(key.split(" ", 1)[1] for key in sorted(json.loads(keys))),
            outlets=tuple(sorted(json.loads(outlets))),
            sources=sources,
            latest_quote=quotes[last.split(" ", 1)[1]],
            latest_outlet=outlet,
        )
        for claim_id, stance, keys, outlets, sources, last, outlet in rows
    }


def load_reviews(db: Database, known_by: str | None = None) -> list[Review]:
    sql = "SELECT * FROM reviews" + (" WHERE reviewed_at <= ?" if known_by else "")
    with storage_errors(db):
        return [Review(**row) for row in db.query(sql, [known_by] if known_by else [])]


def save_review(db: Database, review: Review) -> None:
    with storage_errors(db):
        if not list(db.query("SELECT 1 FROM evidence WHERE id = ?", [review.evidence_id])):
            raise InputError(f"no evidence with id {review.evidence_id!r}")
        db.table("reviews").upsert(to_row(review), pk="evidence_id")


# Incidents, status, digests, runs --------------------------------------------------------------


def save_incidents(db: Database, story: Story, incidents: list[Incident], seen: str) -> None:
    """Replace the story's incidents with a freshly computed set (first_seen is kept)."""
    claim_ids = [c.id for c in story.claims]
    marks = _marks(claim_ids)
    with storage_errors(db), db.atomic():
        first = {
            r["id"]: r["first_seen"]
            for r in db.query(
                f"SELECT id, first_seen FROM incidents WHERE claim_id IN ({marks})", claim_ids
            )
        }
        db.execute(f"DELETE FROM incidents WHERE claim_id IN ({marks})", claim_ids)
        if incidents:
            db.table("incidents").insert_all(
                [
                    to_row(
                        i,
                        evidence_ids=_json(i.evidence_ids),
                        outlets=", ".join(i.outlets),
                        corroborated=int(i.corroborated),
                        first_seen=first.get(i.id, seen),
                    )
                    for i in incidents
                ],
                pk="id",
            )


def last_status(db: Database, claim_id: str, before: str | None = None) -> dict[str, Any] | None:
    sql = "SELECT * FROM status_history WHERE claim_id = ?"
    params: list[Any] = [claim_id]
    if before:
        sql += " AND changed_at <= ?"
        params.append(before)
    rows = list(db.query(sql + " ORDER BY changed_at DESC LIMIT 1", params))
    return rows[0] if rows else None


def save_statuses(db: Database, statuses: list[ClaimStatus]) -> list[ClaimStatus]:
    """Store current statuses; write a status_history row for each change. Returns the changes."""
    changes = []
    with storage_errors(db), db.atomic():
        for status in statuses:
            previous = last_status(db, status.claim_id, before=status.as_of)
            since = status.as_of
            if previous is None or previous["status"] != status.status:
                db.table("status_history").upsert(
                    {
                        "claim_id": status.claim_id,
                        "changed_at": status.as_of,
                        "status": status.status,
                        "previous": previous["status"] if previous else None,
                        "reason": status.reason,
                        "evidence_ids": _json(status.evidence_ids),
                    },
                    pk=("claim_id", "changed_at"),
                )
                changes.append(status)
            else:
                since = previous["changed_at"]
            db.table("claim_status").upsert(
                to_row(status, since=since, evidence_ids=_json(status.evidence_ids)),
                pk="claim_id",
            )
    return changes


def history(db: Database, claim_id: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM status_history"
    params: list[Any] = []
    if claim_id:
        sql += " WHERE claim_id = ?"
        params.append(claim_id)
    return list(db.query(sql + " ORDER BY changed_at, claim_id", params))


def save_digest(
    db: Database, story: str, day: str, path: str, markdown: str, headline: str, created_at: str
) -> None:
    with storage_errors(db):
        db.table("digests").upsert(
            {
                "story": story,
                "date": day,
                "path": path,
                "markdown": markdown,
                "headline": headline,
                "created_at": created_at,
            },
            pk=("story", "date"),
        )


def has_digest(db: Database, story: str, day: str) -> bool:
    return bool(list(db.query("SELECT 1 FROM digests WHERE story = ? AND date = ?", [story, day])))


def start_run(db: Database, run_id: str, kind: str, story: str, started: str, as_of: str) -> None:
    with storage_errors(db):
        db.table("runs").upsert(
            {"id": run_id, "kind": kind, "story": story, "started": started, "as_of": as_of},
            pk="id",
        )


def finish_run(db: Database, run_id: str, finished: str, **counts: Any) -> None:
    with storage_errors(db):
        db.table("runs").update(run_id, {"finished": finished, **counts})
