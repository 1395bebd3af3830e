"""Read-command latency on a large database: 100,000 articles and 50,000 evidence rows.

Builds the database synthetically (text from the labelled sets, dates spread over a year), then
times every CLI read command in-process (the command's own work: query and formatting, not the
Python start-up) and prints the median of five runs against the 200 ms target.
"""

from __future__ import annotations

import contextlib
import io
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from db import open_db
from truce.cli import main
from truce.config import load_story
from truce.labelled import load_labelled

ROOT = Path(__file__).resolve().parent.parent
ARTICLES, EVIDENCE, RUNS = 100_000, 50_000, 5


def build(path: Path) -> None:
    rng = random.Random(7)
    story = load_story()
    items = [
        i.article
        for name in ("tune.jsonl", "test.jsonl")
        for i in load_labelled(ROOT / "tests/data/labelled" / name)
    ]
    db = open_db(path)
    feeds = [
        {
            "id": f"feed{i}",
            "url": f"https://outlet{i}.example/rss",
            "outlet": f"Outlet {i}",
            "tier": "major",
        }
        for i in range(12)
    ]
    db.table("feeds").insert_all(feeds, pk="id")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    articles = []
    for n in range(ARTICLES):
        item = items[n % len(items)]
        when = (start + timedelta(minutes=5 * n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        feed = feeds[n % len(feeds)]
        articles.append(
            {
                "id": f"a{n}",
                "feed_id": feed["id"],
                "outlet": feed["outlet"],
                "url": f"https://outlet.example/{n}",
                "title": item.title,
                "summary": item.summary,
                "text": "",
                "published": when,
                "dated": 1,
                "fetched": when,
                "updated": when,
                "content_hash": f"h{n}",
                "cluster": f"c{n}",
                "revision": 1,
            }
        )
    db.table("articles").insert_all(articles, batch_size=2000)
    # the pipeline writes full-text rows itself (db/store.py); here they are built in one go
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    db.table("claims").insert_all(
        [
            {"id": c.id, "story": story.id, "kind": c.kind, "text": c.text, "sources": ""}
            for c in story.claims
        ],
        pk="id",
    )
    claims = [c.id for c in story.claims]
    # the engine's rule names, as varied as real evidence has them
    rules = {
        "breach": [
            "breach.explicit-attacker",
            "breach.inferred-attacker",
            "breach.violation-claim",
        ],
        "confirms": ["commitment.confirm-cue", "fighting.attack", "window.duration", "scope.broad"],
        "contradicts": ["commitment.contradict-cue", "window.other-start", "scope.energy-only"],
    }
    evidence = []
    for n in range(EVIDENCE):
        article = articles[rng.randrange(ARTICLES)]
        stance = rng.choice(["confirms", "contradicts", "breach"])
        evidence.append(
            {
                "id": f"e{n}",
                "article_id": article["id"],
                "claim_id": claims[n % len(claims)],
                "stance": stance,
                "alleged": n % 2,
                "quote": article["title"],
                "start": 0,
                "end": len(article["title"]),
                "event_date": article["published"][:10],
                "actor": "russia",
                "target": "substation",
                "place": "Kherson",
                "region": "Kherson",
                "confidence": 0.8,
                "rule": rng.choice(rules[stance]),
            }
        )
    db.table("evidence").insert_all(evidence, batch_size=2000)
    db.table("incidents").insert_all(
        [
            {
                "id": f"i{n}",
                "claim_id": claims[n % 2],
                "event_date": f"2025-03-{1 + n % 28:02d}",
                "place": "Kherson",
                "region": "Kherson",
                "target": "substation",
                "accused": "russia",
                "evidence_ids": "[]",
                "outlets": "Outlet 1, Outlet 2",
                "sources": 2,
                "corroborated": n % 2,
                "first_seen": "2025-03-30T00:00:00Z",
            }
            for n in range(500)
        ]
    )
    db.table("digests").insert_all(
        [
            {
                "story": story.id,
                "date": f"2025-{3 + n // 28:02d}-{1 + n % 28:02d}",
                "path": "-",
                "markdown": "# digest",
                "headline": "quiet",
                "created_at": "2025-05-01T00:00:00Z",
            }
            for n in range(60)
        ]
    )
    db.table("claim_status").insert_all(
        [
            {  # as the last cycle left them
                "claim_id": c.id,
                "kind": c.kind,
                "status": "confirmed",
                "since": "2025-03-20T05:00:00Z",
                "as_of": "2025-12-31T05:00:00Z",
                "reason": "bench",
                "evidence_ids": "[]",
                "evidence_count": EVIDENCE // len(claims),
                "incidents_alleged": 0,
                "incidents_corroborated": 0,
                "sources": 12,
            }
            for c in story.claims
        ]
    )
    db.execute("ANALYZE")
    db.close()


COMMANDS = {
    "status": ["status"],
    "status --as-of": ["status", "--as-of", "2025-03-25"],
    "evidence": ["evidence"],
    "evidence --claim --stance": ["evidence", "--claim", "energy-halt", "--stance", "breach"],
    "evidence --outlet --since": ["evidence", "--outlet", "Outlet 3", "--since", "2025-06-01"],
    "incidents": ["incidents"],
    "feeds": ["feeds"],
    "search": ["search", "substation AND Kherson"],
    "digest list": ["digest", "list"],
}


def timed(args: list[str]) -> float:
    sink = io.StringIO()
    start = time.perf_counter()
    with (
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(io.StringIO()),
        contextlib.suppress(SystemExit),
    ):
        main(args)
    return time.perf_counter() - start


def main_bench() -> None:
    path = Path(tempfile.mkdtemp(prefix="truce-query-")) / "big.db"
    started = time.perf_counter()
    build(path)
    print(
        f"built {ARTICLES:,} articles and {EVIDENCE:,} evidence rows in "
        f"{time.perf_counter() - started:.0f} s ({path.stat().st_size / 1e6:.0f} MB)"
    )
    print(f"{'command':30} {'median ms':>10} {'max ms':>8}  under 200 ms")
    for name, args in COMMANDS.items():
        for as_json in (False, True):
            full = [*args, "--db", str(path), *(["--json"] if as_json else [])]
            times = [timed(full) for _ in range(RUNS)]
            label = name + (" --json" if as_json else "")
            median = statistics.median(times) * 1000
            print(
                f"{label:30} {median:>10.1f} {max(times) * 1000:>8.1f}  "
                f"{'yes' if median < 200 else 'NO'}"
            )


if __name__ == "__main__":
    main_bench()
