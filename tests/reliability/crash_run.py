"""Run one step of a cycle on a database, and optionally stop dead at a crash point so that the
test can SIGKILL the process exactly there.

    python crash_run.py assess|digest DB AS_OF [CRASH_POINT]

`assess` extracts evidence from every unassessed article and recomputes status; `digest` writes
the digest of the day before AS_OF (story time) to `<db stem>-reports/`. At a crash point the
process prints `crash point: NAME` and waits to be killed. The points are the places where a
crash could leave half a unit of work behind:

    assess:inside-batch     the first batch of assessments with evidence written, not committed
    assess:before-status    every article assessed and the incidents replaced; statuses not yet
    digest:before-markdown  the Markdown written to its temporary file, not yet renamed
    digest:between-files    the Markdown in place, the HTML in its temporary file
    digest:before-row       both files in place, the `digests` row not yet written
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from db import open_db, store
from flows import steps

STORY = "energy-truce-2025"
POINTS = (
    "assess:inside-batch",
    "assess:before-status",
    "digest:before-markdown",
    "digest:between-files",
    "digest:before-row",
)


def stop_here(point: str) -> NoReturn:
    print(f"crash point: {point}", flush=True)
    time.sleep(600)
    raise SystemExit(f"{point}: not killed within 10 minutes")


def arm(point: str, db: Database) -> None:
    """Replace the function the crash point sits in with one that stops there."""
    if point == "assess:inside-batch":
        save_assessments = store.save_assessments

        def inside_batch(*args: Any, **kwargs: Any) -> None:
            if not any(evidence for _article, _revision, evidence, _mentions in args[3]):
                save_assessments(*args, **kwargs)
                return
            with db.atomic():  # the batch's own transaction becomes a savepoint inside this
                save_assessments(*args, **kwargs)
                stop_here(point)

        store.save_assessments = inside_batch
    elif point == "assess:before-status":
        store.save_statuses = lambda *args, **kwargs: stop_here(point)
    elif point in ("digest:before-markdown", "digest:between-files"):
        suffix = ".md" if point == "digest:before-markdown" else ".html"
        replace = os.replace

        def before_rename(source: Any, target: Any, **kwargs: Any) -> None:
            if str(target).endswith(suffix):
                stop_here(point)
            replace(source, target, **kwargs)

        os.replace = before_rename
    elif point == "digest:before-row":
        store.save_digest = lambda *args, **kwargs: stop_here(point)
    else:
        raise SystemExit(f"unknown crash point {point!r}; one of {', '.join(POINTS)}")


def run_step(step: str, db_path: Path, now: datetime, point: str | None = None) -> None:
    story, engine = steps.story_and_engine(STORY)
    db = open_db(db_path)
    if point:
        arm(point, db)
    if step == "assess":
        steps.assess_new(db, story, engine, now)
        steps.update_status(db, story, now)
    elif step == "digest":
        day = now.astimezone(ZoneInfo(story.timezone)).date() - timedelta(days=1)
        reports = db_path.parent / f"{db_path.stem}-reports"
        steps.write_digest(db, story, day, now, reports)
    else:
        raise SystemExit(f"unknown step {step!r}: assess or digest")
    db.close()


if __name__ == "__main__":
    step, db_path, as_of = sys.argv[1], Path(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
    run_step(step, db_path, as_of, sys.argv[4] if len(sys.argv) > 4 else None)
    print("done", flush=True)
