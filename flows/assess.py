"""Assess flow: run the claim engine over new articles (one batched task), then recompute
incidents and claim status as of the run's time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from prefect import flow, get_run_logger, task

from db import open_db
from flows import steps
from truce import clock


@dataclass(frozen=True)
class AssessSummary:
    new_evidence: int
    changes: tuple[tuple[str, str, str], ...]  # (claim id, new status, reason)


@task(name="assess articles")
def assess_task(db_path: str, story_name: str, now: datetime) -> int:
    story, engine = steps.story_and_engine(story_name)
    db = open_db(db_path)
    try:
        return steps.assess_new(db, story, engine, now)
    finally:
        db.close()


# Status changes and the digest's path are worth keeping in Prefect's result storage (they
# are small and are what a run is for); fetched feed bytes are not.
@task(name="update status", persist_result=True)
def status_task(db_path: str, story_name: str, now: datetime) -> tuple[tuple[str, str, str], ...]:
    story, _engine = steps.story_and_engine(story_name)
    db = open_db(db_path)
    try:
        return tuple((c.claim_id, c.status, c.reason) for c in steps.update_status(db, story, now))
    finally:
        db.close()


def assess_and_update(db_path: str, story: str, now: datetime) -> AssessSummary:
    """The two assess tasks in order (inside a flow)."""
    logger = get_run_logger()
    written = assess_task(db_path, story, now)
    changes = status_task(db_path, story, now)
    for claim_id, status, reason in changes:
        logger.info("%s -> %s: %s", claim_id, status, reason)
    return AssessSummary(written, changes)


@flow(name="assess")
def assess(db_path: str, story: str, as_of: datetime | None = None) -> AssessSummary:
    """Extract evidence from unassessed articles and update every claim's status."""
    return assess_and_update(db_path, story, as_of or clock.now())
