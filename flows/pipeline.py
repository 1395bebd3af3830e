"""One cycle of Truce Watch, the whole house from one door:

    feeds   = seeds/feeds.yaml (or --feed PATH_OR_URL)
    entries = parsers.parse_feed(fetch_feed(feed))          # flows/ingest.py, one task per feed
    db.articles  <- entries                                  # one transaction per feed
    evidence     = claims.Engine.assess(article)             # flows/assess.py, batched
    db.evidence  <- evidence
    statuses, incidents = claims.status.claim_statuses(story, evidence, reviews, as_of)
    db.claim_status, db.status_history, db.incidents <- statuses, incidents
    if a digest is due:                                      # flows/digest.py
        reports.render_digest(...) -> reports/<story>/<day>.md, db.digests, Prefect artifact

Every "now" is `as_of` (or the one clock), so a replay dates everything as it would have been.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from db import open_db, store
from db.lock import LockBusy, run_lock
from flows import steps
from flows.assess import AssessSummary, assess_and_update
from flows.digest import publish_digest
from flows.ingest import FETCH_CONCURRENCY, IngestSummary, ingest_feeds
from truce import clock
from truce.clock import iso
from truce.config import load_feeds
from truce.records import Feed


@dataclass(frozen=True)
class CycleSummary:
    run_id: str
    as_of: str
    ingest: IngestSummary
    assess: AssessSummary
    digest_path: str | None
    skipped_because: str | None = None

    @classmethod
    def skipped(cls, as_of: str, reason: str) -> CycleSummary:
        return cls("", as_of, IngestSummary(0, 0, 0, 0, 0, ()), AssessSummary(0, ()), None, reason)

    def line(self) -> str:
        if self.skipped_because:
            return f"skipped: {self.skipped_because}"
        i = self.ingest
        failed = f", {i.feeds_failed} failing" if i.feeds_failed else ""
        failed += f", {i.feeds_skipped} backing off or disabled" if i.feeds_skipped else ""
        digest = f"; digest {self.digest_path}" if self.digest_path else ""
        return (
            f"{i.feeds_ok + i.feeds_failed + i.feeds_skipped} feeds "
            f"({self.ingest.feeds_ok} ok{failed}), {self.ingest.new_articles} new articles, "
            f"{self.assess.new_evidence} evidence rows, {len(self.assess.changes)} status "
            f"changes{digest}"
        )


# The stages run as tasks of this one flow, not as subflows: a subflow costs about a second
# of orchestration, a task about a tenth (bench/ measures it), and the demo runs 48 cycles.
@flow(name="pipeline", task_runner=ThreadPoolTaskRunner(max_workers=FETCH_CONCURRENCY))  # type: ignore[arg-type]
def pipeline(
    db_path: str = "truce.db",
    feeds: list[Feed] | None = None,
    feeds_file: str = "seeds/feeds.yaml",
    story: str = "energy-truce-2025",
    as_of: datetime | None = None,
    reports_dir: str = "truce-reports",
    lock_wait: float = 0.0,
) -> CycleSummary:
    """Ingest `feeds` (else the feeds of `feeds_file`), assess, and write yesterday's digest
    when one is due. Runs on one database never interleave: a run that finds another one
    writing waits up to `lock_wait` seconds, then skips with a warning."""
    now = as_of or clock.now()
    feeds = feeds or load_feeds(feeds_file)
    try:
        with run_lock(db_path, wait=lock_wait):
            summary = _cycle(db_path, feeds, story, now, reports_dir)
    except LockBusy as busy:
        get_run_logger().warning("skipped: %s", busy)
        return CycleSummary.skipped(iso(now), str(busy))
    create_markdown_artifact(
        key="run-summary",
        markdown=_summary_markdown(summary),
        description="Truce Watch cycle summary",
    )
    return summary


def _cycle(
    db_path: str, feeds: list[Feed], story: str, now: datetime, reports_dir: str
) -> CycleSummary:
    run_id = uuid.uuid4().hex[:12]
    db = open_db(db_path)
    store.start_run(db, run_id, "pipeline", story, iso(clock.now()), iso(now))
    try:
        ingested = ingest_feeds(db_path, feeds, now, run_id)
        assessed = assess_and_update(db_path, story, now)
        story_record, _engine = steps.story_and_engine(story)
        day = steps.digest_due(db, story_record, now)
        digest_path = publish_digest(db_path, story, reports_dir, day, now) if day else None
    except Exception as exc:
        # the runs table says the run ended and why; what it stored stays (each step commits)
        with contextlib.suppress(Exception):
            store.finish_run(db, run_id, iso(clock.now()), error=str(exc) or type(exc).__name__)
        raise
    store.finish_run(
        db,
        run_id,
        iso(clock.now()),
        feeds_ok=ingested.feeds_ok,
        feeds_failed=ingested.feeds_failed,
        new_articles=ingested.new_articles,
        new_evidence=assessed.new_evidence,
        status_changes=len(assessed.changes),
    )
    db.close()
    return CycleSummary(run_id, iso(now), ingested, assessed, digest_path)


def _summary_markdown(summary: CycleSummary) -> str:
    lines = [
        f"# Truce Watch cycle {summary.run_id} (as of {summary.as_of})",
        "",
        summary.line(),
        "",
    ]
    if summary.ingest.failures:
        lines += (
            ["## Failing feeds", ""] + [f"- {o}: {e}" for o, e in summary.ingest.failures] + [""]
        )
    if summary.assess.changes:
        lines += ["## Status changes", ""] + [
            f"- {c} -> {s}: {r}" for c, s, r in summary.assess.changes
        ]
    return "\n".join(lines) + "\n"
