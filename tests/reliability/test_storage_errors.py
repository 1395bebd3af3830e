"""When storage fails (a read-only database, a full disk under the database or under the
digests) `truce run` says so in one line, exits 1, and leaves no half-written work: what was
stored before is intact and the batch it was writing is absent."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from db import open_db
from truce.errors import StorageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.reliability.conftest import Kit, Snapshot

ROOT = Path(__file__).resolve().parents[2]
PAGE_LIMIT = Path(__file__).with_name("page_limit.py")
FIRST = ("2025-03-19", datetime(2025, 3, 20, 5, tzinfo=UTC))  # snapshot day, run at 07:00 Kyiv
SECOND = ("2025-03-20", datetime(2025, 3, 21, 5, tzinfo=UTC))
AFTER_INGEST = ("assessments", "mentions", "evidence", "incidents", "claim_status")


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="not a Truce Watch database"):
        open_db(bogus)
    assert bogus.read_bytes().startswith(b"this is not sqlite")  # nothing overwritten


@pytest.fixture(scope="module")
def first_day(tmp_path_factory: pytest.TempPathFactory, kit: Kit) -> Path:
    """A database after one cycle: the 19 March snapshots, at 07:00 on the 20th."""
    folder = tmp_path_factory.mktemp("first-day")
    kit.cycle(folder / "t.db", kit.feeds_file(folder / "feeds.yaml", FIRST[0]), FIRST[1])
    return folder / "t.db"


@pytest.fixture(scope="module")
def second_day(first_day: Path, tmp_path_factory: pytest.TempPathFactory, kit: Kit) -> Path:
    """The same, after an uninterrupted second cycle (the 20th's snapshots, on the 21st)."""
    folder = tmp_path_factory.mktemp("second-day")
    path = kit.copy_db(first_day, folder / "t.db")
    kit.cycle(path, kit.feeds_file(folder / "feeds.yaml", SECOND[0]), SECOND[1])
    return path


def second_run(kit: Kit, folder: Path, db: Path) -> list[str]:
    """The arguments of the second cycle's `truce run`."""
    feeds = kit.feeds_file(folder / "feeds.yaml", SECOND[0])
    return ["run", "--db", str(db), "--feeds", str(feeds), "--as-of", SECOND[1].isoformat()]


def assert_batch_absent(before: Snapshot, after: Snapshot, complete: Snapshot) -> None:
    """What a run that failed while ingesting leaves: each feed's new articles stored whole or
    not at all (one transaction per feed), the failing feed's not at all, and nothing after
    ingestion (evidence, status, digest) begun."""
    new: dict[str, set[str]] = defaultdict(set)
    stored: dict[str, set[str]] = defaultdict(set)
    for rows, by_feed in ((complete, new), (after, stored)):
        for article in set(rows["articles"]) - set(before["articles"]):
            by_feed[article[1]].add(article[0])
    assert set(before["articles"]) <= set(after["articles"])
    assert all(stored[feed] in (set(), ids) for feed, ids in new.items()), "a feed half stored"
    assert any(ids and not stored[feed] for feed, ids in new.items()), "no batch was interrupted"
    assert {t: after[t] for t in AFTER_INGEST} == {t: before[t] for t in AFTER_INGEST}


@pytest.mark.prefect
def test_a_read_only_database_is_a_one_line_error_and_is_left_as_it_was(
    tmp_path: Path,
    kit: Kit,
    cli_env: dict[str, str],
    first_day: Path,
    bound_by_permissions: dict[str, Any],
) -> None:
    db = kit.copy_db(first_day, tmp_path / "t.db")
    before = kit.snapshot(db)
    db.chmod(0o444)
    result = kit.truce(*second_run(kit, tmp_path, db), env=cli_env, **bound_by_permissions)
    assert (result.returncode, result.stdout) == (1, "")
    assert kit.error_line(result.stderr) == f"Error: database {db} is read-only"
    assert kit.snapshot(db) == before
    # reading still works
    result = kit.truce("status", "--db", db, "--json", env=cli_env, **bound_by_permissions)
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 7


@pytest.mark.prefect
def test_a_full_database_is_a_one_line_error_without_the_batch_and_a_rerun_completes(
    tmp_path: Path, kit: Kit, cli_env: dict[str, str], first_day: Path, second_day: Path
) -> None:
    db = kit.copy_db(first_day, tmp_path / "t.db")
    before = kit.snapshot(db)
    pages = open_db(db).execute("PRAGMA page_count").fetchone()[0]
    result = subprocess.run(
        [sys.executable, str(PAGE_LIMIT), str(pages), str(db), *second_run(kit, tmp_path, db)],
        env=cli_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert kit.error_line(result.stderr) == f"Error: disk full writing {db}"
    assert_batch_absent(before, kit.snapshot(db), kit.snapshot(second_day))
    # with room again, the same run completes as if nothing had happened
    result = kit.truce(*second_run(kit, tmp_path, db), env=cli_env)
    assert result.returncode == 0, result.stderr
    assert kit.snapshot(db) == kit.snapshot(second_day)


@pytest.mark.prefect
def test_a_full_disk_under_the_database_is_a_one_line_error_without_the_batch(
    tmp_path: Path,
    kit: Kit,
    cli_env: dict[str, str],
    first_day: Path,
    second_day: Path,
    small_disk: Callable[[Path, int], Path],
) -> None:
    # room for the database, its shared-memory index (32 KiB) and a few pages of log
    disk = small_disk(tmp_path / "disk", first_day.stat().st_size + 48 * 1024)
    db = kit.copy_db(first_day, disk / "t.db")
    before = kit.snapshot(db)
    result = kit.truce(*second_run(kit, tmp_path, db), env=cli_env)
    assert (result.returncode, result.stdout) == (1, "")
    assert kit.error_line(result.stderr) == f"Error: disk full writing {db}"
    assert_batch_absent(before, kit.snapshot(db), kit.snapshot(second_day))


@pytest.mark.prefect
def test_a_full_disk_under_the_digests_is_a_one_line_error_and_leaves_no_digest(
    tmp_path: Path,
    kit: Kit,
    cli_env: dict[str, str],
    first_day: Path,
    second_day: Path,
    small_disk: Callable[[Path, int], Path],
) -> None:
    db = kit.copy_db(first_day, tmp_path / "t.db")
    reports = small_disk(kit.reports_dir(db), 1024 * 1024)
    free = os.statvfs(reports)
    (reports / "filler").write_bytes(b"x" * (free.f_bavail * free.f_frsize))  # full to the brim
    result = kit.truce(*second_run(kit, tmp_path, db), env=cli_env)
    assert (result.returncode, result.stdout) == (1, "")
    markdown = reports / kit.story / f"{SECOND[0]}.md"
    assert kit.error_line(result.stderr) == f"Error: disk full writing {markdown}"
    after, complete = kit.snapshot(db), kit.snapshot(second_day)
    assert {t: after[t] for t in AFTER_INGEST} == {t: complete[t] for t in AFTER_INGEST}
    assert after["digests"] == kit.snapshot(first_day)["digests"]  # no row for the 20th
    assert list((reports / kit.story).iterdir()) == []  # no file, whole or partial
    # with room again, the digest is written as it should have been
    (reports / "filler").unlink()
    result = kit.truce("digest", "--db", db, "--date", SECOND[0], env=cli_env)
    assert result.returncode == 0, result.stderr
    for suffix in (".md", ".html"):
        expected = kit.reports_dir(second_day) / kit.story / f"{SECOND[0]}{suffix}"
        assert markdown.with_suffix(suffix).read_bytes() == expected.read_bytes()
