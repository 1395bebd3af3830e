"""The reliability suite's shared parts: SQLite's integrity check after every test, and the
`kit` of helpers the tests share (test modules cannot import each other): the real `truce`
command in a subprocess, demo feeds files, reference runs and table snapshots."""

from __future__ import annotations

import ctypes
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from db import open_db
from flows import steps
from flows.demo import demo_dir, demo_outlets
from truce.config import load_feeds

ROOT = Path(__file__).resolve().parents[2]
SQLITE_HEADER = b"SQLite format 3\x00"
STORY = "energy-truce-2025"

Snapshot = dict[str, list[tuple[Any, ...]]]

# What a run leaves in the database, minus what may differ between two runs of the same input:
# the wall-clock `runs` table, the reports folder in `digests.path`, `fetches` (a rerun fetches
# again and finds nothing new) and when an article was assessed (a replay rerun from the first
# day assesses what the killed run had stored early, at an earlier day's clock).
TABLES = {
    "feeds": "SELECT id, url, outlet, tier, etag, modified, last_success, last_error,"
    " consecutive_failures, next_fetch, disabled_reason FROM feeds ORDER BY id",
    "articles": "SELECT id, feed_id, url, title, published, fetched, content_hash, cluster,"
    " revision, simhash FROM articles ORDER BY id",
    "article_bands": "SELECT band, article_id FROM article_bands ORDER BY 1, 2",
    "assessments": "SELECT article_id, story, revision, engine FROM assessments ORDER BY 1",
    "mentions": "SELECT * FROM mentions ORDER BY article_id, claim_id, start",
    "evidence": "SELECT * FROM evidence ORDER BY id",
    "incidents": "SELECT * FROM incidents ORDER BY id",
    "claim_status": "SELECT * FROM claim_status ORDER BY claim_id",
    "status_history": "SELECT * FROM status_history ORDER BY claim_id, changed_at",
    "digests": "SELECT story, date, markdown, headline, created_at FROM digests ORDER BY 1, 2",
}


def integrity_problems(folder: Path) -> dict[str, str]:
    """`PRAGMA integrity_check` on every SQLite database under `folder`: what is not "ok"."""
    problems = {}
    for path in sorted(folder.rglob("*.db")):
        with path.open("rb") as handle:
            if handle.read(16) != SQLITE_HEADER:
                continue  # not a database at all (a test's deliberately bogus file)
        conn = sqlite3.connect(path)
        try:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        except sqlite3.Error as exc:
            result = [str(exc)]
        finally:
            conn.close()
        if result != ["ok"]:
            problems[str(path)] = "; ".join(result)
    return problems


@pytest.fixture(autouse=True)
def _integrity_check_after_each_test(tmp_path: Path) -> Iterator[None]:
    yield
    assert integrity_problems(tmp_path) == {}


class Kit:
    """The helpers of the reliability suite, as the `kit` fixture."""

    story = STORY
    snapshots = demo_dir() / "snapshots"

    @staticmethod
    def snapshot(db_path: Path) -> Snapshot:
        """The tables a run writes, as sorted rows."""
        conn = sqlite3.connect(db_path)
        try:
            return {name: [tuple(r) for r in conn.execute(sql)] for name, sql in TABLES.items()}
        finally:
            conn.close()

    @staticmethod
    def copy_db(source: Path, target: Path) -> Path:
        """A consistent copy through SQLite's backup API (a file copy could miss the WAL)."""
        src, dst = sqlite3.connect(source), sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        return target

    @classmethod
    def feeds_file(cls, path: Path, day: str, urls: dict[str, str] | None = None) -> Path:
        """A feeds file for one demo snapshot day, with the demo's outlets and tiers; `urls`
        gives some feeds another address (a local HTTP server)."""
        lines = ["feeds:"]
        for outlet in demo_outlets(demo_dir()):
            url = (urls or {}).get(outlet["id"]) or str(cls.snapshots / day / f"{outlet['id']}.xml")
            lines.append(
                f'  - {{id: {outlet["id"]}, outlet: "{outlet["name"]}", tier: {outlet["tier"]},'
                f' affiliation: {outlet.get("affiliation") or "null"}, url: "{url}"}}'
            )
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    @staticmethod
    def reports_dir(db_path: Path) -> Path:
        """Where `truce` writes a database's digests: `t.db` -> `t-reports/`."""
        return db_path.parent / f"{db_path.stem}-reports"

    @classmethod
    def cycle(cls, db_path: Path, feeds_file: Path, now: datetime) -> None:
        """What one `truce run` does, without Prefect: ingest, assess, status, digest if due.
        The reference that interrupted runs are compared with."""
        story, engine = steps.story_and_engine(STORY)
        db = open_db(db_path)
        try:
            for feed in load_feeds(feeds_file):
                steps.ingest_feed(db, feed, now, "reference")
            steps.assess_new(db, story, engine, now)
            steps.update_status(db, story, now)
            day = steps.digest_due(db, story, now)
            if day:
                steps.write_digest(db, story, day, now, cls.reports_dir(db_path))
        finally:
            db.close()

    @staticmethod
    def command(*args: str | Path) -> list[str]:
        """The installed `truce` console script (beside this interpreter), else the module."""
        script = Path(sys.executable).with_name("truce")
        head = [str(script)] if script.exists() else [sys.executable, "-m", "truce.cli"]
        return [*head, *map(str, args)]

    @classmethod
    def truce(
        cls, *args: str | Path, env: dict[str, str], **popen: Any
    ) -> subprocess.CompletedProcess[str]:
        """Run `truce ARGS...` to the end."""
        return subprocess.run(
            cls.command(*args),
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            **popen,
        )

    @staticmethod
    def error_line(stderr: str) -> str:
        """The CLI's error, after checking that it is one line and the only thing on stderr."""
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
        return lines[0]


@pytest.fixture(scope="session")
def kit() -> Kit:
    return Kit()


@pytest.fixture
def cli_env(prefect_harness: None) -> dict[str, str]:
    """The environment of a user's `truce` run, with the CLI's own log level, against the
    session's Prefect test server (a run would otherwise start its own, ~20 s)."""
    import prefect.settings

    env = {k: v for k, v in os.environ.items() if k != "PREFECT_LOGGING_LEVEL"}
    env["PREFECT_API_URL"] = str(prefect.settings.PREFECT_API_URL.value())
    return env


# Linux capabilities (linux/capability.h, linux/prctl.h)
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2


_libc = ctypes.CDLL(None, use_errno=True)  # loaded here: a forked child should only call it


def _drop_file_override() -> None:
    """In a child before exec: give up root's power to ignore file permissions. Dropped from
    the bounding set, the capabilities are gone from the program exec'd next."""
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture
def bound_by_permissions() -> dict[str, Any]:
    """`subprocess` arguments under which a file without write permission is read-only.

    Anyone but root is bound by `chmod` already. Root (as in CI) ignores permission bits, so
    its child first gives up CAP_DAC_OVERRIDE: root is then held to the owner's bits like any
    user. (Switching to `nobody` would not do: the interpreter may live under /root.)"""
    if os.geteuid() != 0:
        return {}
    try:
        subprocess.run(["true"], preexec_fn=_drop_file_override, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"running as root and cannot drop CAP_DAC_OVERRIDE: {exc}")
    return {"preexec_fn": _drop_file_override}


@pytest.fixture
def small_disk() -> Iterator[Callable[[Path, int], Path]]:
    """Mount a tmpfs of `size` bytes on a folder: a disk that really fills up. Needs root with
    CAP_SYS_ADMIN; skips elsewhere. The databases on it are checked before it goes."""
    mounted: list[Path] = []

    def mount(where: Path, size: int) -> Path:
        if os.geteuid() != 0 or not shutil.which("mount"):
            pytest.skip("mounting a small tmpfs needs root and mount(8)")
        where.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
        mounted.append(where)
        return where

    yield mount
    problems = {}
    for where in reversed(mounted):
        problems.update(integrity_problems(where))  # before its files vanish with the mount
        subprocess.run(["umount", "--lazy", str(where)], check=False)
    assert problems == {}
