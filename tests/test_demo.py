"""The offline demo, replayed once through the real Prefect pipeline (see conftest.demo_db)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from claims.status import claim_statuses
from db import open_db, store
from truce.records import Story

pytestmark = pytest.mark.prefect


def statuses_at(db_path: Path, story: Story, when: datetime) -> dict[str, str]:
    db = open_db(db_path)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    result, _ = claim_statuses(
        story,
        store.load_evidence(db, story, known_by=stamp),
        store.load_reviews(db, known_by=stamp),
        when,
    )
    return {s.claim_id: s.status for s in result}


def test_final_status_of_the_demo(demo_db: Path) -> None:
    db = open_db(demo_db)
    final = {r["claim_id"]: r for r in db.query("SELECT * FROM current_status")}
    assert final["energy-halt"]["status"] == "expired"
    assert (
        final["energy-halt"]["incidents_alleged"] + final["energy-halt"]["incidents_corroborated"]
        >= 1
    )
    assert final["ukraine-reciprocity"]["status"] != "unconfirmed"
    assert final["window-30d"]["status"] in ("confirmed", "disputed")


def test_history_shows_the_breach_while_the_window_was_open(demo_db: Path) -> None:
    history = store.history(open_db(demo_db), "energy-halt")
    during = [h for h in history if h["changed_at"] < "2025-04-17"]
    assert any(h["status"].startswith("breached-") for h in during)
    assert history[-1]["status"] == "expired"


def test_as_of_replay_differs_between_days(demo_db: Path, story: Story) -> None:
    early = statuses_at(demo_db, story, datetime(2025, 3, 25, 12, tzinfo=UTC))
    late = statuses_at(demo_db, story, datetime(2025, 4, 30, 12, tzinfo=UTC))
    assert early != late
    assert early["energy-halt"].startswith("breached-") and late["energy-halt"] == "expired"


def test_replay_of_every_demo_day_matches_the_stored_history(demo_db: Path, story: Story) -> None:
    """`--as-of` on each day of the demo gives what the history recorded then, and the history
    only moves forward (one row per change, never twice the same status in a row)."""
    from flows.demo import demo_days, demo_dir

    db = open_db(demo_db)
    history = store.history(db)
    for day in demo_days(demo_dir(), story.timezone):
        stamp = day.as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
        replayed = statuses_at(demo_db, story, day.as_of)
        for claim in story.claims:
            recorded = [
                h for h in history if h["claim_id"] == claim.id and h["changed_at"] <= stamp
            ]
            assert recorded and recorded[-1]["status"] == replayed[claim.id], (day.day, claim.id)
    for claim in story.claims:
        rows = [h for h in history if h["claim_id"] == claim.id]
        assert all(a["changed_at"] < b["changed_at"] for a, b in zip(rows, rows[1:], strict=False))
        assert all(a["status"] != b["status"] for a, b in zip(rows, rows[1:], strict=False))
        assert all(b["previous"] == a["status"] for a, b in zip(rows, rows[1:], strict=False))


def test_one_digest_per_day_with_breach_and_window_end_headlines(demo_db: Path) -> None:
    db = open_db(demo_db)
    digests = {r["date"]: r for r in db.query("SELECT * FROM digests ORDER BY date")}
    assert len(digests) >= 40
    assert all(Path(r["path"]).exists() for r in digests.values())
    assert any("Breach reported" in r["headline"] for d, r in digests.items() if d <= "2025-03-21")
    assert "window ended" in digests["2025-04-17"]["headline"]


def test_rerunning_a_cycle_duplicates_nothing(demo_db: Path, tmp_path: Path) -> None:
    import shutil

    from flows.demo import demo_days, demo_dir
    from flows.pipeline import pipeline

    copy = tmp_path / "copy.db"
    shutil.copy(demo_db, copy)
    db = open_db(copy)
    tables = ("articles", "evidence", "incidents", "status_history", "digests", "mentions")
    before = {t: db[t].count for t in tables}
    last = demo_days(demo_dir(), "Europe/Kyiv")[-1]
    pipeline(str(copy), list(last.feeds), as_of=last.as_of, reports_dir=str(tmp_path / "r"))
    assert {t: db[t].count for t in tables} == before


def test_breach_incidents_match_what_the_demo_describes(demo_db: Path) -> None:
    """seeds/demo/expected_incidents.yaml lists every strike on energy inside the window that
    the demo's items describe. Each must be found (same claim, region, day +-1), and every
    incident found must be one of them (a later restatement that gives no date carries its
    publication day, so up to three days later)."""
    import yaml

    expected = yaml.safe_load(
        (Path(__file__).resolve().parent.parent / "seeds/demo/expected_incidents.yaml").read_text()
    )["breaches"]
    found = list(open_db(demo_db).query("SELECT * FROM incidents"))

    def region(text: str | None) -> str:
        return (text or "").split()[0].lower()

    def same(e: dict, f: dict, days: int) -> bool:
        gap = abs(
            (date.fromisoformat(str(e["event_date"])) - date.fromisoformat(f["event_date"])).days
        )
        return (
            e["claim"] == f["claim_id"]
            and region(e["region"]) == region(f["region"])
            and gap <= days
        )

    regions = {i["id"]: region(i["region"]) for i in found}
    for item in expected:
        assert any(same(item, f, 1) for f in found), (item["id"], sorted(regions.values()))
    for incident in found:
        assert any(same(e, incident, 3) for e in expected), incident
