"""The offline demo: replay the bundled snapshots day by day with the as-of clock, one pipeline
run per simulated day, so statuses, history and digests are dated as they would have been."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

from flows import steps
from flows.pipeline import CycleSummary, pipeline
from truce.config import DEFAULT_STORY, read_yaml, seeds_dir
from truce.errors import ConfigError
from truce.records import Feed, Tier


@dataclass(frozen=True)
class DemoDay:
    day: date
    as_of: datetime
    feeds: tuple[Feed, ...]


def demo_dir() -> Path:
    return seeds_dir() / "demo"


def demo_outlets(folder: Path) -> list[dict[str, str]]:
    raw = read_yaml(folder / "outlets.yaml")
    outlets = raw.get("outlets") if isinstance(raw, dict) else raw
    if not isinstance(outlets, list) or not outlets:
        raise ConfigError("expected a list of outlets", str(folder / "outlets.yaml"))
    return outlets


def demo_days(folder: Path, timezone: str, until: date | None = None) -> list[DemoDay]:
    """One DemoDay per snapshot folder. Day D's snapshots are read at 07:00 on D+1 (story
    time), when the 07:00 digest for D is due."""
    outlets = demo_outlets(folder)
    days = []
    for snapshot in sorted((folder / "snapshots").iterdir()):
        if not snapshot.is_dir():
            continue
        day = date.fromisoformat(snapshot.name)
        if until and day > until:
            break
        feeds = tuple(
            Feed(
                id=o["id"],
                url=str(snapshot / f"{o['id']}.xml"),
                outlet=o["name"],
                tier=cast(Tier, o.get("tier", "unknown")),
                affiliation=o.get("affiliation"),
            )
            for o in outlets
            if (snapshot / f"{o['id']}.xml").exists()
        )
        as_of = datetime.combine(
            day + timedelta(days=1), time(steps.DIGEST_HOUR), ZoneInfo(timezone)
        )
        days.append(DemoDay(day, as_of, feeds))
    if not days:
        raise ConfigError("no snapshot folders", str(folder / "snapshots"))
    return days


def replay(
    db_path: Path,
    reports_dir: Path,
    story: str = DEFAULT_STORY,
    until: date | None = None,
    progress: Callable[[DemoDay, CycleSummary], None] | None = None,
) -> list[CycleSummary]:
    """Rebuild the demo database from scratch and replay every snapshot day through the
    pipeline flow."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    story_record, _engine = steps.story_and_engine(story)
    summaries = []
    for demo_day in demo_days(demo_dir(), story_record.timezone, until):
        summary = pipeline(
            str(db_path),
            list(demo_day.feeds),
            story=story,
            as_of=demo_day.as_of,
            reports_dir=str(reports_dir),
        )
        summaries.append(summary)
        if progress:
            progress(demo_day, summary)
    return summaries
