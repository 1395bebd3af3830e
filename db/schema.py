"""The schema, as numbered migrations. Opening a database migrates it forward."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("truce")

TABLES = """
CREATE TABLE feeds (
    id TEXT PRIMARY KEY, url TEXT NOT NULL, outlet TEXT NOT NULL, tier TEXT NOT NULL,
    affiliation TEXT, title TEXT, etag TEXT, modified TEXT, last_fetched TEXT,
    last_success TEXT, last_error TEXT, consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_fetch TEXT, disabled_reason TEXT
);
CREATE TABLE fetches (
    feed_id TEXT NOT NULL REFERENCES feeds(id), fetched_at TEXT NOT NULL, run_id TEXT,
    ok INTEGER NOT NULL, http_status INTEGER, entries INTEGER NOT NULL DEFAULT 0,
    new_articles INTEGER NOT NULL DEFAULT 0, updated_articles INTEGER NOT NULL DEFAULT 0,
    error TEXT, bozo TEXT, etag TEXT, modified TEXT,
    PRIMARY KEY (feed_id, fetched_at)
);
CREATE TABLE articles (
    id TEXT PRIMARY KEY, feed_id TEXT NOT NULL REFERENCES feeds(id), outlet TEXT NOT NULL,
    url TEXT, title TEXT NOT NULL, summary TEXT NOT NULL, text TEXT NOT NULL DEFAULT '',
    published TEXT NOT NULL, dated INTEGER NOT NULL, fetched TEXT NOT NULL, updated TEXT NOT NULL,
    content_hash TEXT NOT NULL, cluster TEXT NOT NULL, revision INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_cluster ON articles(cluster);
CREATE TABLE assessments (
    article_id TEXT PRIMARY KEY REFERENCES articles(id), story TEXT NOT NULL,
    revision INTEGER NOT NULL, engine TEXT NOT NULL, assessed_at TEXT NOT NULL
);
CREATE TABLE claims (
    id TEXT PRIMARY KEY, story TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
    sources TEXT NOT NULL, party TEXT, window_start TEXT, window_end TEXT
);
CREATE TABLE mentions (
    article_id TEXT NOT NULL REFERENCES articles(id), claim_id TEXT NOT NULL REFERENCES claims(id),
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, sentence TEXT NOT NULL,
    PRIMARY KEY (article_id, claim_id, start)
);
CREATE TABLE evidence (
    id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id),
    claim_id TEXT NOT NULL REFERENCES claims(id), stance TEXT NOT NULL, alleged INTEGER NOT NULL,
    quote TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, event_date TEXT,
    actor TEXT, target TEXT, place TEXT, region TEXT, confidence REAL NOT NULL, rule TEXT NOT NULL
);
CREATE INDEX evidence_claim ON evidence(claim_id, stance);
CREATE INDEX evidence_article ON evidence(article_id);
CREATE TABLE incidents (
    id TEXT PRIMARY KEY, claim_id TEXT NOT NULL REFERENCES claims(id), event_date TEXT NOT NULL,
    place TEXT, target TEXT, accused TEXT, evidence_ids TEXT NOT NULL, outlets TEXT NOT NULL,
    sources INTEGER NOT NULL, corroborated INTEGER NOT NULL, first_seen TEXT NOT NULL
);
CREATE TABLE reviews (
    evidence_id TEXT PRIMARY KEY, decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
    note TEXT NOT NULL DEFAULT '', reviewed_at TEXT NOT NULL
);
CREATE TABLE claim_status (
    claim_id TEXT PRIMARY KEY REFERENCES claims(id), kind TEXT NOT NULL, status TEXT NOT NULL,
    since TEXT NOT NULL, as_of TEXT NOT NULL, reason TEXT NOT NULL, evidence_ids TEXT NOT NULL,
    evidence_count INTEGER NOT NULL, incidents_alleged INTEGER NOT NULL,
    incidents_corroborated INTEGER NOT NULL
);
CREATE TABLE status_history (
    claim_id TEXT NOT NULL REFERENCES claims(id), changed_at TEXT NOT NULL, status TEXT NOT NULL,
    previous TEXT, reason TEXT NOT NULL, evidence_ids TEXT NOT NULL,
    PRIMARY KEY (claim_id, changed_at)
);
CREATE TABLE digests (
    story TEXT NOT NULL, date TEXT NOT NULL, path TEXT NOT NULL, markdown TEXT NOT NULL,
    headline TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (story, date)
);
CREATE TABLE runs (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, story TEXT, started TEXT NOT NULL, finished TEXT,
    as_of TEXT NOT NULL, feeds_ok INTEGER NOT NULL DEFAULT 0, feeds_failed INTEGER NOT NULL DEFAULT 0,
    new_articles INTEGER NOT NULL DEFAULT 0, new_evidence INTEGER NOT NULL DEFAULT 0,
    status_changes INTEGER NOT NULL DEFAULT 0, error TEXT
)
"""

VIEWS = {
    # One row per claim: the verdict now, why, and since when.
    "current_status": """
        SELECT c.story, c.id AS claim_id, c.kind, c.text, s.status, s.since, s.as_of, s.reason,
               s.evidence_count, s.sources, s.incidents_alleged, s.incidents_corroborated
        FROM claims c LEFT JOIN claim_status s ON s.claim_id = c.id
    """,
    # Every evidence row with its article, outlet and review.
    "evidence_detail": """
        SELECT e.id AS evidence_id, e.claim_id, e.stance, e.alleged, e.event_date, e.actor,
               e.target, e.place, e.region, e.confidence, e.rule, e.quote,
               a.id AS article_id, a.url AS article_url, a.title, a.outlet, a.published,
               a.fetched AS seen, a.cluster, r.decision AS review, r.note AS review_note
        FROM evidence e JOIN articles a ON a.id = e.article_id
        LEFT JOIN reviews r ON r.evidence_id = e.id
    """,
    # Incidents with how many sources report them.
    "incident_sources": """
        SELECT id AS incident_id, claim_id, event_date, place, region, target, accused, sources,
               CASE WHEN corroborated THEN 'corroborated' ELSE 'alleged' END AS standing,
               outlets, evidence_ids, first_seen
        FROM incidents
    """,
    # Feed health: last fetch, failures, articles stored.
    "feed_health": """
        SELECT f.id AS feed_id, f.outlet, f.tier, f.url, f.redirected_to, f.last_success,
               f.last_error, f.consecutive_failures, f.next_fetch, f.disabled_reason,
               (SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id) AS articles
        FROM feeds f
    """,
    # Articles and evidence per publication day.
    "daily_counts": """
        SELECT substr(a.published, 1, 10) AS day, COUNT(DISTINCT a.id) AS articles,
               COUNT(e.id) AS evidence,
               SUM(CASE WHEN e.stance = 'breach' THEN 1 ELSE 0 END) AS breach_evidence
        FROM articles a LEFT JOIN evidence e ON e.article_id = a.id
        GROUP BY day
    """,
}


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


@migrations()
def m001_tables(db: Database) -> None:
    for statement in _statements(TABLES):
        db.execute(statement)
    db.table("articles").enable_fts(["title", "summary", "text"], create_triggers=True)


@migrations()
def m002_incident_region(db: Database) -> None:
    db.execute("ALTER TABLE incidents ADD COLUMN region TEXT")


@migrations()
def m003_status_sources(db: Database) -> None:
    db.execute("ALTER TABLE claim_status ADD COLUMN sources INTEGER NOT NULL DEFAULT 0")


@migrations()
def m004_feed_redirect(db: Database) -> None:
    db.execute("ALTER TABLE feeds ADD COLUMN redirected_to TEXT")


@migrations()
def m005_near_duplicates(db: Database) -> None:
    # SimHash cut into eight 8-bit bands: two texts within 7 bits share at least one band
    # (pigeonhole), so the band index finds near-duplicate candidates without a scan
    db.execute("ALTER TABLE articles ADD COLUMN simhash INTEGER")
    db.execute(
        """CREATE TABLE article_bands (band INTEGER NOT NULL, article_id TEXT NOT NULL
           REFERENCES articles(id), PRIMARY KEY (band, article_id)) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX articles_url ON articles(url)")


@migrations()
def m006_read_indexes(db: Database) -> None:
    # the feed health view counts articles per feed; evidence lists sort by publication
    db.execute("CREATE INDEX articles_feed ON articles(feed_id, published)")
    db.execute("CREATE INDEX incidents_claim ON incidents(claim_id, event_date)")
    db.execute("CREATE INDEX articles_fetched ON articles(fetched)")


@migrations()
def m007_covering_indexes(db: Database) -> None:
    # Status at an as-of time sums up the evidence of every article seen by then. Indexes that
    # hold all it reads of an article and of its evidence spare reading the rows themselves
    # (long texts and quotes): half the time of `truce status --as-of` on a large database.
    db.execute("DROP INDEX articles_fetched")
    db.execute(
        "CREATE INDEX articles_known ON articles(fetched, id, published, outlet, cluster, "
        "feed_id, url)"
    )
    db.execute("DROP INDEX evidence_article")
    db.execute(
        "CREATE INDEX evidence_of_article ON evidence(article_id, claim_id, stance, rule, id)"
    )


@migrations()
def m008_bands_by_date(db: Database) -> None:
    # a near-copy lookup wants one band within a few days: with the publication date in the
    # key that is an index range, and the SimHash beside it settles the distance without a
    # visit to `articles`. Keyed by band alone, every article that ever shared a band was
    # fetched, so each new article cost more than the last.
    db.execute(
        """CREATE TABLE article_bands_by_date (band INTEGER NOT NULL, published TEXT NOT NULL,
           article_id TEXT NOT NULL REFERENCES articles(id), simhash INTEGER NOT NULL,
           PRIMARY KEY (band, published, article_id)) WITHOUT ROWID"""
    )
    db.execute(
        """INSERT INTO article_bands_by_date SELECT b.band, a.published, b.article_id, a.simhash
           FROM article_bands b JOIN articles a ON a.id = b.article_id
           WHERE a.simhash IS NOT NULL"""
    )
    db.execute("DROP TABLE article_bands")
    db.execute("ALTER TABLE article_bands_by_date RENAME TO article_bands")


@migrations()
def m009_selective_evidence_indexes(db: Database) -> None:
    # status loads only the breaches dated in the window and the rows that move the window:
    # found by index, not by walking every article known by then
    db.execute("CREATE INDEX evidence_stance_day ON evidence(stance, event_date)")
    db.execute("CREATE INDEX evidence_rule ON evidence(rule)")


@migrations()
def m010_bands_by_block(db: Database) -> None:
    # SimHashes indexed as four 16-bit blocks instead of eight 8-bit bands: a near-copy lookup
    # probes 68 keys (each block, and each with one bit flipped) but reads ~25 times fewer
    # rows, and every article writes four band rows instead of eight (db/store.py, bands)
    db.execute(
        """CREATE TABLE article_bands_by_block (band INTEGER NOT NULL, published TEXT NOT NULL,
           article_id TEXT NOT NULL REFERENCES articles(id), simhash INTEGER NOT NULL,
           PRIMARY KEY (band, published, article_id)) WITHOUT ROWID"""
    )
    db.execute(
        """INSERT INTO article_bands_by_block
           SELECT (block.i << 16) | ((a.simhash >> (16 * block.i)) & 65535), a.published, a.id,
                  a.simhash
           FROM articles a, (SELECT 0 AS i UNION ALL SELECT 1 UNION ALL SELECT 2
                             UNION ALL SELECT 3) block
           WHERE a.simhash IS NOT NULL AND a.simhash != 0"""
    )
    db.execute("DROP TABLE article_bands")
    db.execute("ALTER TABLE article_bands_by_block RENAME TO article_bands")


@migrations()
def m011_fts_rows_written_in_bulk(db: Database) -> None:
    # New articles' full-text rows are written by db/store.py, one statement per feed, not by
    # an insert trigger: each row's INSERT with the trigger opened a statement savepoint, and
    # FTS5 (SQLite 3.40) writes its pending terms to disk as a new segment at every savepoint,
    # so every article became a segment to merge (~80 us an article). The update and delete
    # triggers stay: changes are rare, and keep the index in sync whoever makes them.
    db.execute("DROP TRIGGER IF EXISTS articles_ai")


@migrations()
def m012_no_cluster_index(db: Database) -> None:
    # No query looks articles up by cluster (status and the views read it from the article,
    # or from articles_known), and each article wrote an entry under a hashed key into it
    db.execute("DROP INDEX IF EXISTS articles_cluster")


@migrations()
def m013_assessments_per_story(db: Database) -> None:
    # An article is assessed once per story. Keyed by the article alone, two stories in one
    # database overwrote each other's row and re-assessed every article on every run.
    db.execute(
        """CREATE TABLE assessments_per_story (
           article_id TEXT NOT NULL REFERENCES articles(id), story TEXT NOT NULL,
           revision INTEGER NOT NULL, engine TEXT NOT NULL, assessed_at TEXT NOT NULL,
           PRIMARY KEY (article_id, story))"""
    )
    db.execute(
        """INSERT INTO assessments_per_story (article_id, story, revision, engine, assessed_at)
           SELECT article_id, story, revision, engine, assessed_at FROM assessments"""
    )
    db.execute("DROP TABLE assessments")
    db.execute("ALTER TABLE assessments_per_story RENAME TO assessments")


@migrations()
def m014_articles_known_by_feed(db: Database) -> None:
    # The same covering index, its entries ordered by feed after the fetch time instead of by
    # article id: a run stores every feed under one fetch time, so keyed by (random) id each
    # new article went to its own page of the index (~167 pages written per feed's commit);
    # by feed, one feed's articles are a run of neighbouring entries. Readers ask for a
    # range of fetch times and read every column from the index, as before.
    db.execute("DROP INDEX articles_known")
    db.execute(
        "CREATE INDEX articles_known ON articles(fetched, feed_id, published, id, outlet, "
        "cluster, url)"
    )


def ensure_views(db: Database) -> None:
    """Views hold no data: after the tables have migrated, (re)create any that changed."""
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)


def schema_version(db: Database) -> int:
    """How many migrations this database has applied."""
    return len(migrations.applied(db))


def latest_version() -> int:
    return len(migrations._migrations)
