"""The digest: a golden Markdown file for a fixed demo day, and the HTML page in a real browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from db import open_db
from reports import DigestInput, FeedHealth, render_digest
from truce.records import ClaimStatus, Evidence, Incident, Story

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden" / "digest-2025-03-20.md"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.prefect
def test_markdown_digest_of_a_fixed_demo_day_matches_the_golden_file(demo_db: Path) -> None:
    """Set UPDATE_GOLDEN=1 to rewrite the golden file after an intended change."""
    (row,) = open_db(demo_db).query("SELECT markdown FROM digests WHERE date = '2025-03-20'")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(row["markdown"], encoding="utf-8")
    assert row["markdown"] == GOLDEN.read_text(encoding="utf-8")


PAYLOAD = "<script>document.title='PWNED'</script><img src=x onerror=\"document.title='PWNED'\">"


def hostile_digest(story: Story) -> str:
    evidence = Evidence(
        id="e1",
        article_id="a1",
        claim_id="energy-halt",
        stance="breach",
        alleged=True,
        quote=f"Drones hit a substation {PAYLOAD}",
        start=0,
        end=10,
        event_date="2025-03-20",
        actor="russia",
        target="substation",
        place="Kherson",
        region="Kherson",
        confidence=0.8,
        rule="breach.explicit-attacker",
        outlet=f"Evil {PAYLOAD}",
        published="2025-03-20T08:00:00Z",
        seen="2025-03-20T08:00:00Z",
        url="javascript:alert(1)",
    )
    incident = Incident(
        "i1",
        "energy-halt",
        "2025-03-20",
        f"Kherson {PAYLOAD}",
        "Kherson",
        "substation",
        "russia",
        ("e1",),
        (f"Evil {PAYLOAD}",),
        1,
        False,
    )
    statuses = tuple(
        ClaimStatus(c.id, c.kind, "unverified", "2025-03-21T05:00:00Z", "-") for c in story.claims
    )
    data = DigestInput(
        story,
        date(2025, 3, 20),
        statuses,
        {},
        (evidence,),
        (incident,),
        (FeedHealth(f"Feed {PAYLOAD}", False, PAYLOAD, 3),),
        3,
        (incident,),
    )
    return render_digest(data).html


def test_html_escapes_everything_from_feeds(story: Story) -> None:
    html = hostile_digest(story)
    assert "<script>" not in html and 'onerror="document' not in html
    assert "&lt;script&gt;" in html
    assert "javascript:" not in html  # only http(s) links become links
    assert 'src="data:image/png;base64,' in html  # the chart is embedded


# Chromium's own background traffic (update checks...) must not leave this machine either.
QUIET = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (.ci/run installs "
    "Debian's chromium; locally: apt-get install chromium)",
)
def test_html_digest_in_headless_chromium(story: Story, tmp_path: Path) -> None:
    """Renders without console errors, requests nothing from the network (its Content Security
    Policy forbids it and no element points outside), and the feed's script and onerror payloads
    execute nothing."""
    page = tmp_path / "digest.html"
    page.write_text(hostile_digest(story), encoding="utf-8")
    result = subprocess.run(
        [
            str(CHROMIUM),
            *QUIET,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = result.stdout
    assert "<title>" in dom and "PWNED" not in dom.split("<title>")[1].split("</title>")[0]
    assert "Incidents per day" in dom and "<script" not in dom
    console = [
        line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line
    ]
    assert console == [], console
    fetched = re.findall(r"""(?:src|srcset|data|poster)=["']?(https?:|//)""", dom)
    assert fetched == [] and "default-src 'none'" in dom
