"""The command line: JSON output, one-line errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from truce.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


@pytest.mark.prefect
def test_status_json(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "status", "--db", str(demo_db), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 7
    for row in rows:
        assert {
            "claim_id",
            "kind",
            "status",
            "since",
            "reason",
            "evidence_count",
            "incidents_alleged",
            "incidents_corroborated",
        } <= set(row)
    assert {r["claim_id"]: r["status"] for r in rows}["energy-halt"] == "expired"


@pytest.mark.prefect
def test_status_as_of(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "status", "--db", str(demo_db), "--json", "--as-of", "2025-03-16")
    assert code == 0
    assert {json.loads(x)["claim_id"]: json.loads(x)["status"] for x in out.splitlines()}[
        "energy-halt"
    ] == "unconfirmed"


@pytest.mark.prefect
def test_evidence_json(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "evidence",
        "--db",
        str(demo_db),
        "--json",
        "--claim",
        "energy-halt",
        "--stance",
        "breach",
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows
    for row in rows:
        assert {
            "article_url",
            "article_id",
            "claim_id",
            "stance",
            "alleged",
            "event_date",
            "outlet",
            "quote",
            "confidence",
            "rule",
        } <= set(row)
        assert row["claim_id"] == "energy-halt" and row["stance"] == "breach"


@pytest.mark.prefect
def test_read_commands_answer(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in (
        ["incidents"],
        ["feeds"],
        ["search", "substation"],
        ["digest", "--date", "2025-03-20"],
    ):
        code, out, _ = run(capsys, *command, "--db", str(demo_db))
        assert code == 0 and out.strip(), command


@pytest.mark.prefect
def test_review_recomputes(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(demo_db, copy)
    _, out, _ = run(capsys, "evidence", "--db", str(copy), "--json", "--stance", "breach")
    evidence_id = json.loads(out.splitlines()[0])["evidence_id"]
    code, out, _ = run(
        capsys, "review", evidence_id, "--reject", "--note", "test", "--db", str(copy)
    )
    assert code == 0 and "rejected" in out
    _, out, _ = run(capsys, "evidence", "--db", str(copy), "--json")
    assert {json.loads(x)["evidence_id"]: json.loads(x)["review"] for x in out.splitlines()}[
        evidence_id
    ] == "reject"


@pytest.mark.prefect
def test_run_offline_records_failing_feeds(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"""feeds:
  - {{id: down, outlet: Down, url: "http://127.0.0.1:9/feed.xml"}}
  - {{id: local, outlet: Local, url: "{ROOT / "tests/data/feeds/atom_offsets.xml"}"}}
""")
    db = tmp_path / "t.db"
    code, out, _ = run(
        capsys, "run", "--feeds", str(feeds), "--db", str(db), "--as-of", "2025-04-02"
    )
    assert code == 0
    assert "1 ok, 1 failing" in out and len(out.strip().splitlines()) == 1
    _, out, _ = run(capsys, "feeds", "--db", str(db), "--json")
    health = {json.loads(x)["feed_id"]: json.loads(x) for x in out.splitlines()}
    assert health["down"]["consecutive_failures"] == 1 and health["down"]["last_error"]
    assert health["local"]["articles"] == 1


def test_status_without_database_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "status", "--db", str(tmp_path / "none.db"))
    assert code == 2 and "no database" in err


def test_bad_as_of_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t.db").touch()
    code, _, err = run(capsys, "status", "--db", str(tmp_path / "t.db"), "--as-of", "yesterdayish")
    assert code == 2 and "not a date" in err


def test_eval_reports_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "eval", str(ROOT / "tests/data/labelled/test.jsonl"), "--json")
    report = json.loads(out)
    assert code == 0 and report["items"] >= 100
    assert 0 <= report["macro_f1"] <= 1 and report["per_claim"]
    assert {"precision", "recall", "f1", "support"} <= set(report["per_claim"][0])


@pytest.mark.parametrize(
    "path", sorted((ROOT / "tests/data/labelled").glob("*.jsonl")), ids=lambda p: p.name
)
def test_every_labelled_set_is_well_formed(path: Path) -> None:
    from truce.config import load_story
    from truce.labelled import load_labelled

    claims = {c.id: c for c in load_story().claims}
    items = load_labelled(path)
    assert len({i.article.id for i in items}) == len(items) >= 75
    for item in items:
        for claim_id, (stance, alleged) in item.labels.items():
            assert claim_id in claims, (item.article.id, claim_id)
            assert (alleged is not None) == (stance == "breach"), (item.article.id, claim_id)


def test_eval_bad_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"\n')
    code, _, err = run(capsys, "eval", str(bad))
    assert code == 2 and "bad.jsonl:1" in err


@pytest.mark.prefect
def test_filters_narrow_the_rows(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def rows(*args: str) -> list[dict[str, object]]:
        code, out, _ = run(capsys, *args, "--db", str(demo_db), "--json")
        assert code == 0
        return [json.loads(line) for line in out.splitlines()]

    everything = rows("evidence", "--limit", "0")
    march = rows("evidence", "--since", "2025-03-18", "--until", "2025-03-31", "--limit", "0")
    assert len(rows("evidence")) == 100  # the default limit
    assert 0 < len(march) < len(everything)
    assert all("2025-03-18" <= str(r["published"]) < "2025-04-01" for r in march)
    outlet = str(everything[0]["outlet"])
    assert {r["outlet"] for r in rows("evidence", "--outlet", outlet)} == {outlet}
    assert {r["claim_id"] for r in rows("incidents", "--claim", "energy-halt")} == {"energy-halt"}
    assert [r["claim_id"] for r in rows("status", "--claim", "window-30d")] == ["window-30d"]
    assert rows("search", "substation", "--until", "2025-03-01") == []
    assert len(rows("digest", "list")) >= 40


@pytest.mark.prefect
def test_empty_results_say_so_on_stderr(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "evidence", "--db", str(demo_db), "--outlet", "Nobody")
    assert (code, out) == (0, "") and "no results" in err


@pytest.mark.parametrize(
    "args",
    [
        ["evidence", "--stance", "maybe"],
        ["evidence", "--since", "soon"],
        ["status", "--claim", "no-such-claim"],
        ["evidence", "--bogus"],
    ],
)
def test_bad_arguments_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    from db import open_db

    open_db(tmp_path / "t.db").close()
    code, _, err = run(capsys, *args, "--db", str(tmp_path / "t.db"))
    assert code == 2 and "Traceback" not in err


@pytest.mark.prefect
def test_datasette_serves_every_canned_query(demo_db: Path) -> None:
    import socket
    import subprocess
    import sys
    import time

    import httpx

    from truce.cli import datasette_metadata

    content = datasette_metadata(demo_db)
    queries = content["databases"][demo_db.stem]["queries"]
    metadata = demo_db.parent / "metadata.json"
    metadata.write_text(json.dumps(content))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            str(demo_db),
            "--metadata",
            str(metadata),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/{demo_db.stem}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        for name in queries:
            params = {
                "_shape": "array",
                **({"q": "substation"} if name == "search_articles" else {}),
            }
            response = httpx.get(f"{base}/{name}.json", params=params, timeout=10)
            assert response.status_code == 200, (name, response.text[:200])
            assert isinstance(response.json(), list)
            if name != "failing_feeds":
                assert response.json(), name
    finally:
        server.terminate()
        server.wait(timeout=10)
