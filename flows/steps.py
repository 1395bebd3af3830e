"""The pipeline's steps as plain functions: feeds -> parsers -> db -> claim engine -> db -> reports.

No Prefect here, so every step runs and tests on its own; flows/ wrap them as tasks.
"""

from __future__ import annotations

import errno
import functools
import gc
import glob
import itertools
import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from claims.engine import Engine
from claims.status import WINDOW_MOVES, claim_statuses, counted, effective_window
from db import store
from parsers import fetch_feed, parse_feed
from parsers.feed import ParsedFeed
from parsers.fetch import MAX_BYTES, TIMEOUT, FetchResult
from reports import Digest, DigestInput, FeedHealth, render_digest
from truce.clock import iso
from truce.config import load_lexicon, load_story
from truce.errors import ConfigError, FeedError, StorageError
from truce.records import ClaimStatus, Feed, Incident, Story

DIGEST_HOUR = 7
# articles assessed per transaction: one commit per article made the writes cost more than
# the engine, and each commit writes out every index page the batch touched (evidence and
# mention keys are hashed, so nearly one page a row): 1,000 rather than 200 cut the writes of
# a 10k backfill from ~100 to ~80 us an article. A killed run loses at most one batch (about
# a second of the engine's work), which the next run assesses again.
ASSESS_BATCH = 1000
FETCH_TIMEOUT = TIMEOUT  # tests shorten it
BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_MAX = timedelta(
    days=1
)  # local time in the story's timezone: yesterday's digest is due from then


@dataclass(frozen=True)
class Fetched:
    """A fetch and its parse, before storage. `error` is set when the feed failed."""

    feed: Feed
    result: FetchResult | None = None
    parsed: ParsedFeed | None = None
    error: str | None = None
    retry_after: float | None = None
    gone: bool = False


@dataclass(frozen=True)
class FeedOutcome:
    feed_id: str
    outlet: str
    ok: bool
    entries: int = 0
    new: int = 0
    updated: int = 0
    error: str | None = None
    skipped: str | None = None  # not fetched this time: disabled or backing off


@functools.lru_cache(maxsize=8)
def story_and_engine(story_name: str) -> tuple[Story, Engine]:
    """Load a story and build its engine once per process."""
    story = load_story(story_name)
    lexicon, gazetteer = load_lexicon(story_name)
    engine = Engine(story, lexicon, gazetteer)
    # The engine's word tables and compiled patterns live as long as the process: out of the
    # collector's sight, each full collection during a backfill stops walking them again
    # (GC time while assessing 10k entries: 0.40 -> 0.29 s)
    gc.freeze()
    return story, engine


def max_feed_bytes() -> int:
    """The response size cap: `$TRUCE_MAX_FEED_BYTES`, else 10 MB."""
    value = os.environ.get("TRUCE_MAX_FEED_BYTES", "")
    if value and not value.isdigit():
        raise ConfigError(f"TRUCE_MAX_FEED_BYTES must be a number of bytes, not {value!r}")
    return int(value) if value else MAX_BYTES


def fetch_and_parse(feed: Feed, state: FeedState, now: datetime) -> Fetched:
    """Fetch and parse one feed. Raises FeedError only for transient failures (so a caller can
    retry them); permanent failures come back as `error`."""
    try:
        result = fetch_feed(
            state.url or feed.url,
            state.etag,
            state.modified,
            timeout=FETCH_TIMEOUT,
            max_bytes=max_feed_bytes(),
        )
        if result.not_modified or result.content is None:
            return Fetched(feed, result)
        return Fetched(feed, result, parse_feed(result.content, result.headers, feed, now))
    except FeedError as exc:
        if exc.transient:
            raise
        return failed(feed, exc)


def failed(feed: Feed, exc: Exception) -> Fetched:
    """A failure as a Fetched record, keeping what the backoff needs to know."""
    if isinstance(exc, FeedError):
        return Fetched(feed, error=str(exc), retry_after=exc.retry_after, gone=exc.gone)
    return Fetched(feed, error=str(exc) or type(exc).__name__)


@dataclass(frozen=True)
class FeedState:
    """What the database remembers about a feed between runs."""

    url: str  # where to fetch: the last permanent redirect's target, else the configured URL
    etag: str | None = None
    modified: str | None = None
    failures: int = 0
    next_fetch: str | None = None
    disabled_reason: str | None = None

    def skip_reason(self, now: datetime) -> str | None:
        """Why not to fetch now: disabled, or backing off after failures."""
        if self.disabled_reason:
            return f"disabled: {self.disabled_reason}"
        if self.next_fetch and self.next_fetch > iso(now):
            return f"backing off after {self.failures} failures until {self.next_fetch}"
        return None


def feed_state(db: Database, feed: Feed) -> FeedState:
    """Save the feed's configuration and read back its state."""
    store.save_feed(db, feed)
    row = store.feed_state(db, feed.id)
    return FeedState(
        url=row.get("redirected_to") or feed.url,
        etag=row.get("etag"),
        modified=row.get("modified"),
        failures=row.get("consecutive_failures") or 0,
        next_fetch=row.get("next_fetch"),
        disabled_reason=row.get("disabled_reason"),
    )


def next_attempt(now: datetime, failures: int, retry_after: float | None) -> datetime:
    """Exponential backoff: 15 minutes after the first failure, doubling, at most a day; a
    server's Retry-After wins when it asks for longer."""
    backoff = min(BACKOFF_BASE * int(2 ** max(0, failures - 1)), BACKOFF_MAX)
    return now + max(backoff, timedelta(seconds=retry_after or 0))


def store_fetched(
    db: Database, fetched: Fetched, now: datetime, run_id: str, failures: int = 0
) -> FeedOutcome:
    """Write one feed's outcome in its own transaction."""
    # a power loss may undo the last feeds' commits: their next fetch stores them again
    with store.rederivable_writes(db):
        return _store_fetched(db, fetched, now, run_id, failures)


def _store_fetched(
    db: Database, fetched: Fetched, now: datetime, run_id: str, failures: int
) -> FeedOutcome:
    feed = fetched.feed
    stamp = iso(now)
    if fetched.error or fetched.result is None:
        error = fetched.error or "no response"
        store.record_failure(
            db,
            feed.id,
            stamp,
            error,
            run_id,
            next_fetch=iso(next_attempt(now, failures + 1, fetched.retry_after)),
            disabled_reason=f"gone (HTTP 410) since {stamp[:10]}" if fetched.gone else None,
        )
        return FeedOutcome(feed.id, feed.outlet, ok=False, error=error)
    parsed = fetched.parsed
    new, updated = store.save_entries(
        db,
        feed,
        parsed.entries if parsed else (),
        stamp,
        run_id,
        http_status=fetched.result.status,
        etag=fetched.result.etag,
        modified=fetched.result.modified,
        bozo=parsed.bozo if parsed else None,
        title=parsed.title if parsed else "",
        final_url=fetched.result.url,
    )
    entries = len(parsed.entries) if parsed else 0
    return FeedOutcome(feed.id, feed.outlet, ok=True, entries=entries, new=new, updated=updated)


def ingest_feed(db: Database, feed: Feed, now: datetime, run_id: str) -> FeedOutcome:
    """Fetch, parse and store one feed; any failure is recorded, never raised."""
    with store.rederivable_writes(db):  # the feed's configuration: the next run saves it again
        state = feed_state(db, feed)
    reason = state.skip_reason(now)
    if reason:
        return FeedOutcome(feed.id, feed.outlet, ok=False, skipped=reason)
    try:
        fetched = fetch_and_parse(feed, state, now)
    except FeedError as exc:
        fetched = failed(feed, exc)
    return store_fetched(db, fetched, now, run_id, state.failures)


def assess_new(db: Database, story: Story, engine: Engine, now: datetime) -> int:
    """Run the claim engine over every article not yet assessed at its current revision,
    ASSESS_BATCH articles per transaction. Returns the number of evidence rows written."""
    store.save_claims(db, story)
    written = 0
    pending = store.articles_to_assess(db, story.id, engine.version)
    # a power loss may undo the last batches' commits: their articles are assessed again
    with store.rederivable_writes(db):
        while batch := list(itertools.islice(pending, ASSESS_BATCH)):
            assessed = []
            for article, revision in batch:
                assessment = engine.assess(article)
                assessed.append((article, revision, assessment.evidence, assessment.mentions))
                written += len(assessment.evidence)
            store.save_assessments(db, story, engine.version, assessed, iso(now))
    return written


def statuses_at(
    db: Database, story: Story, when: datetime
) -> tuple[list[ClaimStatus], list[Incident]]:
    """Every claim's status and the incidents from what was known at `when`: the evidence
    summed up in SQL, and only the rows that can make an incident (breaches dated inside the
    window, as moved by then) or move the window loaded."""
    stamp = iso(when)
    reviews = store.load_reviews(db, known_by=stamp)
    moves = store.load_evidence(db, story, known_by=stamp, rules=WINDOW_MOVES)
    window, _moved_by = effective_window(story, counted(moves, reviews, when))
    breaches = store.load_evidence(
        db, story, known_by=stamp, stances=["breach"], event_days=(window.start, window.end)
    )
    return claim_statuses(
        story,
        [*moves, *breaches],
        reviews,
        when,
        tallies=store.load_tallies(db, story, known_by=stamp),
    )


def update_status(db: Database, story: Story, now: datetime) -> list[ClaimStatus]:
    """Recompute incidents and every claim's status as of `now`; returns the changes."""
    store.save_claims(db, story)
    statuses, incidents = statuses_at(db, story, now)
    store.save_incidents(db, story, incidents, iso(now))
    return store.save_statuses(db, statuses)


def digest_due(db: Database, story: Story, now: datetime) -> date | None:
    """Yesterday (story time) once it is past DIGEST_HOUR, if its digest is not written yet."""
    local = now.astimezone(ZoneInfo(story.timezone))
    day = local.date() - timedelta(days=1)
    if local.hour < DIGEST_HOUR or store.has_digest(db, story.id, day.isoformat()):
        return None
    return day


def digest_period(story: Story, day: date) -> tuple[datetime, datetime]:
    """The digest for `day` covers what became known in (day 07:00, day+1 07:00], story time:
    everything since the previous digest, as a daily 07:00 schedule would see it."""
    start = datetime.combine(day, time(DIGEST_HOUR), ZoneInfo(story.timezone))
    return start, start + timedelta(days=1)


def build_digest(db: Database, story: Story, day: date, now: datetime) -> Digest:
    """Gather the day's records and render its digest (statuses as of `now`)."""
    period_start, period_end = digest_period(story, day)
    as_of = min(now, period_end)
    start, end = iso(period_start), iso(as_of)
    evidence = store.load_evidence(db, story, known_by=end)
    reviews = store.load_reviews(db, known_by=end)
    statuses, incidents = claim_statuses(story, evidence, reviews, as_of)
    new_evidence = tuple(e for e in evidence if start < e.seen <= end)
    new_ids = {e.id for e in new_evidence}
    new_incidents = tuple(i for i in incidents if new_ids.intersection(i.evidence_ids))
    previous = {}
    for claim in story.claims:
        row = store.last_status(db, claim.id, before=start)
        if row:
            previous[claim.id] = row["status"]
    feeds = tuple(
        FeedHealth(r["outlet"], not r["last_error"], r["last_error"], r["articles"])
        for r in db.query("SELECT * FROM feed_health ORDER BY outlet")
    )
    articles_today = next(
        iter(
            db.query(
                "SELECT COUNT(*) AS n FROM articles WHERE fetched > ? AND fetched <= ?",
                [start, end],
            )
        )
    )["n"]
    return render_digest(
        DigestInput(
            story,
            day,
            tuple(statuses),
            previous,
            new_evidence,
            new_incidents,
            feeds,
            articles_today,
            tuple(incidents),
        )
    )


def write_digest(db: Database, story: Story, day: date, now: datetime, out_dir: Path) -> Path:
    """Render and store the digest for `day`: Markdown and HTML files and a `digests` row.
    Returns the Markdown file's path (the HTML file sits beside it)."""
    digest = build_digest(db, story, day, now)
    folder = out_dir / story.id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{day.isoformat()}.md"
    # the files first and the row last: a crash leaves no row pointing at a missing page, and
    # the next run, finding no row, writes the digest again
    write_atomic(path, digest.markdown)
    write_atomic(path.with_suffix(".html"), digest.html)
    store.save_digest(
        db, story.id, day.isoformat(), str(path), digest.markdown, digest.headline, iso(now)
    )
    return path


def _remove_stale_temps(path: Path) -> None:
    """Remove what a killed writer left of `path`: temporary files of processes that are gone."""
    for temp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = temp.name[len(path.name) + 2 : -len(".tmp")]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        temp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def write_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all: a hidden temporary file beside it, then a rename, so a
    reader (or a run killed half-way) never sees half a digest."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _remove_stale_temps(path)
    try:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise StorageError(f"disk full writing {path}") from exc
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from exc
