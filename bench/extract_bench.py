"""Claim-engine throughput on one core: articles per second, and how cost grows with length.

Articles are built from the labelled sets (title plus a summary padded to five sentences): all on
the story's subject, the engine's worst case. A second table runs the items of real outlet feeds
(../shared/corpora/outlet-shapes, when present), dated inside the window, as a world-news feed
mixes them. Ratios are measured side by side in one run.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from claims.engine import Engine
from parsers import parse_feed
from truce.config import load_lexicon, load_story
from truce.labelled import load_labelled
from truce.records import Article, Feed

ROOT = Path(__file__).resolve().parent.parent
OUTLET_SHAPES = ROOT.parent / "shared" / "corpora" / "outlet-shapes"


def main() -> None:
    story = load_story()
    engine = Engine(story, *load_lexicon())
    items = [
        i.article
        for name in ("tune.jsonl", "test.jsonl")
        for i in load_labelled(ROOT / "tests/data/labelled" / name)
    ]
    sentences = [s for a in items for s in a.summary.split(". ") if s]
    pool = itertools.cycle(sentences)
    five = [replace(a, summary=". ".join(next(pool) for _ in range(5)) + ".") for a in items]
    n = 4000
    batch = list(itertools.islice(itertools.cycle(five), n))
    for a in batch[:200]:
        engine.assess(a)  # warm caches
    start = time.perf_counter()
    for a in batch:
        engine.assess(a)
    per_article = (time.perf_counter() - start) / n
    print(f"{'articles':>10} {'summary sentences':>18} {'articles/s':>12} {'us/article':>11}")
    print(f"{n:>10} {5:>18} {1 / per_article:>12.0f} {per_article * 1e6:>11.0f}")
    base = per_article
    for factor in (2, 4, 8):
        longer = [replace(a, summary=" ".join([a.summary] * factor)) for a in batch[:1000]]
        start = time.perf_counter()
        for a in longer:
            engine.assess(a)
        cost = (time.perf_counter() - start) / len(longer)
        print(
            f"{len(longer):>10} {5 * factor:>18} {1 / cost:>12.0f} {cost * 1e6:>11.0f}"
            f"   cost ratio vs 5 sentences: {cost / base:.2f} (linear would be {factor})"
        )

    feed_mix(engine)


def feed_mix(engine: Engine) -> None:
    """Real outlets' feed items, as they come: most are about something else."""
    if not OUTLET_SHAPES.is_dir():
        print(f"\nreal feed mix: skipped, {OUTLET_SHAPES} is absent")
        return
    feed = Feed("bench", "bench", "Bench")
    now = datetime(2025, 3, 25, tzinfo=UTC)
    articles = [
        Article(
            e.id,
            "bench",
            "Bench",
            "major",
            None,
            e.url,
            e.title,
            e.summary,
            "2025-03-25T06:00:00Z",
            "2025-03-25T06:00:00Z",
        )
        for path in sorted(OUTLET_SHAPES.glob("*.xml"))
        for e in parse_feed(path.read_bytes(), {}, feed, now).entries
    ]
    with_evidence = sum(1 for a in articles if engine.assess(a).evidence)
    rounds = max(1, 4000 // len(articles))
    start = time.perf_counter()
    for _ in range(rounds):
        for a in articles:
            engine.assess(a)
    cost = (time.perf_counter() - start) / (rounds * len(articles))
    print(
        f"\nreal feed mix: {len(articles)} items of {len(list(OUTLET_SHAPES.glob('*.xml')))} "
        f"outlet feeds, {with_evidence} with evidence: {1 / cost:.0f} articles/s "
        f"({cost * 1e6:.0f} us/article)"
    )


if __name__ == "__main__":
    main()
