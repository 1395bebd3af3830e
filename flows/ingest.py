"""Ingest flow: fetch every feed concurrently (one task per feed), store each in its own
transaction. A failing feed is recorded and never stops the others."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.task_runners import ThreadPoolTaskRunner

from db import open_db
from flows import steps
from truce import clock
from truce.errors import FeedError
from truce.records import Feed

FETCH_CONCURRENCY = 8


@dataclass(frozen=True)
class IngestSummary:
    feeds_ok: int
    feeds_failed: int
    feeds_skipped: int
    new_articles: int
    updated_articles: int
    failures: tuple[tuple[str, str], ...]  # (outlet, error)


def _transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only what may pass: timeouts, 5xx, 429. Parse errors are final."""
    try:
        state.result()
    except FeedError as exc:
        return exc.transient
    except Exception:
        return False
    return False


# No task timeout: a thread cannot be interrupted; httpx's connect/read timeouts bound a fetch.
@task(retries=2, retry_delay_seconds=[1, 4], retry_condition_fn=_transient, persist_result=False)
def fetch_task(feed: Feed, state: steps.FeedState, now: datetime) -> steps.Fetched:
    return steps.fetch_and_parse(feed, state, now)


def ingest_feeds(db_path: str, feeds: list[Feed], now: datetime, run_id: str) -> IngestSummary:
    """Submit one fetch task per feed and store each result as it comes (inside a flow)."""
    logger = get_run_logger()
    db = open_db(db_path)
    submitted = []
    outcomes = []
    for feed in feeds:
        state = steps.feed_state(db, feed)
        reason = state.skip_reason(now)
        if reason:
            logger.info("%s skipped: %s", feed.id, reason)
            outcomes.append(steps.FeedOutcome(feed.id, feed.outlet, ok=False, skipped=reason))
            continue
        future = fetch_task.with_options(task_run_name=f"fetch {feed.id}").submit(feed, state, now)
        submitted.append((feed, state, future))
    for feed, state, future in submitted:
        try:
            fetched = future.result()
        except Exception as exc:  # retries exhausted: record, carry on with the others
            fetched = steps.failed(feed, exc)
        outcome = steps.store_fetched(db, fetched, now, run_id, state.failures)
        if outcome.ok:
            logger.info(
                "%s: %d entries, %d new, %d updated",
                feed.id,
                outcome.entries,
                outcome.new,
                outcome.updated,
            )
        else:
            logger.warning("%s failed: %s", feed.id, outcome.error)
        outcomes.append(outcome)
    db.close()
    return IngestSummary(
        feeds_ok=sum(o.ok for o in outcomes),
        feeds_failed=sum(not o.ok and not o.skipped for o in outcomes),
        feeds_skipped=sum(bool(o.skipped) for o in outcomes),
        new_articles=sum(o.new for o in outcomes),
        updated_articles=sum(o.updated for o in outcomes),
        failures=tuple((o.outlet, o.error or "") for o in outcomes if not o.ok and not o.skipped),
    )


@flow(name="ingest", task_runner=ThreadPoolTaskRunner(max_workers=FETCH_CONCURRENCY))  # type: ignore[arg-type]
def ingest(
    db_path: str, feeds: list[Feed], as_of: datetime | None = None, run_id: str = ""
) -> IngestSummary:
    """Fetch, parse and store the given feeds."""
    return ingest_feeds(db_path, feeds, as_of or clock.now(), run_id)
