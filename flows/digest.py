"""Digest flow: render the daily digest, store it, publish it as a Prefect artifact."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from db import open_db
from flows import steps
from truce import clock


@task(name="render digest", persist_result=True)
def digest_task(db_path: str, story_name: str, day: date, now: datetime, out_dir: str) -> str:
    story, _engine = steps.story_and_engine(story_name)
    db = open_db(db_path)
    try:
        path = steps.write_digest(db, story, day, now, Path(out_dir))
    finally:
        db.close()
    return str(path)


def publish_digest(db_path: str, story: str, out_dir: str, day: date, now: datetime) -> str:
    """Render the digest task and publish its Markdown as an artifact (inside a flow)."""
    story_record, _engine = steps.story_and_engine(story)
    path = digest_task(db_path, story, day, now, out_dir)
    markdown = Path(path).read_text(encoding="utf-8")
    create_markdown_artifact(
        key=f"digest-{story_record.id}",
        markdown=markdown,
        description=f"Truce Watch digest for {day}",
    )
    get_run_logger().info("digest for %s written to %s", day, path)
    return path


@flow(name="digest")
def digest(
    db_path: str, story: str, out_dir: str, day: date | None = None, as_of: datetime | None = None
) -> str:
    """Write the digest for `day` (default: yesterday in the story's timezone)."""
    now = as_of or clock.now()
    if day is None:
        story_record, _engine = steps.story_and_engine(story)
        day = now.astimezone(ZoneInfo(story_record.timezone)).date() - timedelta(days=1)
    return publish_digest(db_path, story, out_dir, day, now)
