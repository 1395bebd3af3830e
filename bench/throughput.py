"""Backfill throughput: ingest + assess + store of N feed entries against feedparser.parse alone
on the same feed files, measured side by side in one run. Prints entries/s for both, the ratio
per entry, how time grows with N, where the pipeline's time goes, and its peak memory.

Feeds are synthetic but realistic: the 242 demo items (seeds/demo/items.yaml) recombined (a
demo item's title and opening, then sentences of other items), places swapped for others of the
same country from the gazetteer, spread over time at RATE entries a day from the day after the deal, and
rendered as 100-200-entry files in the six demo outlets' own shapes (RSS 2.0, Atom, RSS 1.0) by
seeds/demo/build_snapshots.py. About one entry in ten is a copy of a recent wire story (verbatim,
or lightly edited), as in real feeds. Seeded, so every run writes the same files.

Each side of each N runs in its own child process. The pipeline: a fresh database and the real
code path without Prefect (flows/steps.py: ingest_feed per feed, assess_new, update_status, as
the demo replay does), its stages wrapped in timers. feedparser: parse of each file's bytes with
the options parsers/feed.py passes, run before and after the pipeline (the mean is the baseline,
so both sides see the same machine load). Peak memory is the child's peak resident set size
(getrusage ru_maxrss, read by the child as it ends; the interpreter and imports included).

Usage: python bench/throughput.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import itertools
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "seeds" / "demo"
SIZES = (1_000, 10_000, 100_000)
RATE = 2_000  # entries a day across all feeds: 100k entries cover the story's fifty days
START = datetime(2025, 3, 19, tzinfo=UTC)  # the day after the deal: every entry bears on it
OUTLET_WEIGHTS = {  # share of entries per demo outlet
    "meridian-wire": 25,
    "continental-herald": 20,
    "kyiv-dispatch": 15,
    "gosinform": 15,
    "horizon-world": 15,
    "lantern-media": 10,
}
PLAIN_STYLES = {"wire", "rdf"}  # the others carry HTML summaries
MEMORY_TARGET_MB = 400
_SENTENCE_END = re.compile(r'(?:(?<=[.!?])|(?<=[.!?]"))\s+(?=[A-Z"])')


def snapshot_renderers() -> ModuleType:
    """seeds/demo/build_snapshots.py, the demo's own feed renderers (a script, not a package)."""
    spec = importlib.util.spec_from_file_location("build_snapshots", DEMO / "build_snapshots.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Synthetic feeds ------------------------------------------------------------------------------


class Vocabulary:
    """Titles, sentences and places of the demo corpus, recombined into distinct entries."""

    def __init__(self, snapshots: ModuleType, rng: random.Random) -> None:
        self.rng = rng
        self.outlets, items = snapshots.load(DEMO)
        self.items = [
            (item["title"], _SENTENCE_END.split(snapshots.plain(item["summary"]))) for item in items
        ]
        self.sentences = [s for _, sentences in self.items for s in sentences]
        places = yaml.safe_load((ROOT / "seeds/lexicons/gazetteer.yaml").read_text("utf-8"))
        # places with a region only: "Ukraine" or "occupied territories" read badly swapped
        regional = [p for p in places["places"] if p.get("region")]
        self.country = {
            name: p["country"] for p in regional for name in [p["name"], *p.get("aliases", [])]
        }
        self.names = {
            country: [p["name"] for p in regional if p["country"] == country]
            for country in {p["country"] for p in regional}
        }
        words = sorted(self.country, key=len, reverse=True)  # longest match first
        self.place = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b")

    def swap_places(self, text: str) -> str:
        return self.place.sub(lambda m: self.rng.choice(self.names[self.country[m[1]]]), text)

    def story(self) -> tuple[str, list[str]]:
        """A title and two to four sentences: a demo item's opening, then other items' lines."""
        title, sentences = self.rng.choice(self.items)
        body = sentences[: self.rng.randint(1, 2)]
        body += self.rng.sample(self.sentences, self.rng.randint(1, 2))
        return self.swap_places(title), [self.swap_places(s) for s in body]


def build_feeds(folder: Path, n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Write N entries as feed files under `folder`; returns the feeds (id, path, outlet...)."""
    snapshots = snapshot_renderers()
    rng = random.Random(seed)
    words = Vocabulary(snapshots, rng)
    outlets = words.outlets
    ids, weights = list(OUTLET_WEIGHTS), list(OUTLET_WEIGHTS.values())
    pending: dict[str, list[dict[str, Any]]] = {o: [] for o in ids}
    sizes = {o: rng.randint(100, 200) for o in ids}
    wire: deque[tuple[str, list[str]]] = deque(maxlen=50)  # recent wire stories, to copy
    feeds: list[dict[str, Any]] = []

    def flush(oid: str) -> None:
        outlet, items = outlets[oid], pending[oid]
        items.reverse()  # newest first, as feeds list them
        style = outlet["style"]
        path = folder / f"{oid}-{len(feeds):05d}.xml"
        path.write_text(snapshots.RENDERERS[style](outlet, items, items[0]["_ts"]), "utf-8")
        feeds.append(
            {
                "id": path.stem,
                "path": str(path),
                "outlet": outlet["name"],
                "tier": outlet["tier"],
                "affiliation": outlet["affiliation"],
            }
        )
        pending[oid] = []
        sizes[oid] = rng.randint(100, 200)

    for i in range(n):
        oid = rng.choices(ids, weights)[0]
        outlet = outlets[oid]
        copy = rng.random()
        if wire and oid == "continental-herald" and copy < 0.4:
            title, body = rng.choice(wire)  # a daily republishing wire copy verbatim
        elif wire and oid != "meridian-wire" and copy < 0.03:
            title, body = rng.choice(wire)  # lightly edited: the last line cut or replaced
            body = body[:-1] + ([rng.choice(words.sentences)] if rng.random() < 0.5 else [])
            body = body or [rng.choice(words.sentences)]
        else:
            title, body = words.story()
        if oid == "meridian-wire":
            wire.append((title, body))
        when = (START + timedelta(days=i / RATE, seconds=rng.randint(0, 600))).astimezone(
            ZoneInfo(outlet["timezone"])
        )
        slug = "-".join(re.findall(r"[a-z0-9]+", title.lower())[:8])
        link = f"{outlet['homepage']}news/{when:%Y/%m/%d}/{slug}-{i}/"
        if outlet["style"] in PLAIN_STYLES:
            summary = " ".join(body)
        else:
            summary = "".join(f"<p>{html.escape(s, quote=False)}</p>" for s in body)
        pending[oid].append(
            {
                "title": title,
                "summary": summary,
                "link": link,
                "guid": f"{oid}-{i}" if outlet["style"] in ("wire", "broadcaster") else link,
                "_ts": when,
            }
        )
        if len(pending[oid]) >= sizes[oid]:
            flush(oid)
    for oid in ids:
        if pending[oid]:
            flush(oid)
    return feeds


# The two sides, each in a child process -------------------------------------------------------


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes there, KiB here


def parse_side(feeds: list[dict[str, Any]]) -> dict[str, Any]:
    import feedparser

    entries = 0
    start = time.perf_counter()
    for feed in feeds:
        content = Path(feed["path"]).read_bytes()
        # the options parsers/feed.py passes: the same work the pipeline asks of feedparser
        parsed = feedparser.parse(content, sanitize_html=False, resolve_relative_uris=False)
        entries += len(parsed.entries)
    return {"seconds": time.perf_counter() - start, "entries": entries}


def pipeline_side(feeds: list[dict[str, Any]], folder: Path) -> dict[str, Any]:
    import parsers.feed
    from db import open_db, store
    from flows import steps
    from truce.config import DEFAULT_STORY
    from truce.records import Feed

    spent: Counter[str] = Counter()

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        return wrapper

    def timed_rows(name: str, function: Callable[..., Iterator[Any]]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            rows = iter(function(*args, **kwargs))
            while True:
                start = time.perf_counter()
                row = next(rows, None)
                spent[name] += time.perf_counter() - start
                if row is None:
                    return
                yield row

        return wrapper

    class TimedEngine:
        def __init__(self, engine: Any) -> None:
            self.engine, self.version = engine, engine.version

        def assess(self, article: Any) -> Any:
            start = time.perf_counter()
            try:
                return self.engine.assess(article)
            finally:
                spent["engine"] += time.perf_counter() - start

    # each stage's own function, wrapped where the pipeline looks it up (parsers/feed.py calls
    # feedparser.parse through its module, so the module is stood in for)
    feedparser_parse = parsers.feed.feedparser.parse
    parsers.feed.feedparser = SimpleNamespace(parse=timed("feedparser", feedparser_parse))
    steps.parse_feed = timed("parse", steps.parse_feed)
    store.save_entries = timed("store entries", store.save_entries)
    store.cluster_of = timed("clustering", store.cluster_of)
    store.articles_to_assess = timed_rows("read articles", store.articles_to_assess)
    for name in ("save_assessments", "load_evidence", "save_incidents", "save_statuses"):
        setattr(store, name, timed(name, getattr(store, name)))
    steps.claim_statuses = timed("claim_statuses", steps.claim_statuses)

    story, engine = steps.story_and_engine(DEFAULT_STORY)
    db = open_db(folder / "bench.db")
    records = [Feed(f["id"], f["path"], f["outlet"], f["tier"], f["affiliation"]) for f in feeds]
    now = datetime.fromisoformat(json.loads((folder / "feeds.json").read_text())["as_of"])
    started = time.perf_counter()
    for feed in records:
        outcome = steps.ingest_feed(db, feed, now, "bench")
        assert outcome.ok, outcome.error
    spent["ingest"] = time.perf_counter() - started
    started = time.perf_counter()
    evidence = steps.assess_new(db, story, TimedEngine(engine), now)
    spent["assess"] = time.perf_counter() - started
    started = time.perf_counter()
    steps.update_status(db, story, now)
    spent["status"] = time.perf_counter() - started
    articles, clusters = db.execute(
        "SELECT COUNT(*), COUNT(DISTINCT cluster) FROM articles"
    ).fetchone()
    db.close()
    return {
        "seconds": spent["ingest"] + spent["assess"] + spent["status"],
        "spent": dict(spent),
        "articles": articles,
        "clusters": clusters,
        "evidence": evidence,
    }


def child(side: str, folder: Path) -> None:
    feeds = json.loads((folder / "feeds.json").read_text())["feeds"]
    result = parse_side(feeds) if side == "parse" else pipeline_side(feeds, folder)
    print(json.dumps({**result, "peak_mb": peak_rss_mb()}))


def run_child(side: str, folder: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", side, str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"{side} child failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


# The table ------------------------------------------------------------------------------------


def report(results: list[tuple[int, int, dict[str, Any], dict[str, Any]]]) -> None:
    print(
        f"{'entries':>8} {'feeds':>6} {'feedparser/s':>13} {'pipeline/s':>11} {'ratio':>6} "
        f"{'w/o engine':>11} {'peak MB':>8} {'clusters':>9} {'evidence':>9}"
    )
    for n, files, parse, pipe in results:
        ratio = pipe["seconds"] / parse["seconds"]
        rest = (pipe["seconds"] - pipe["spent"]["engine"]) / parse["seconds"]
        print(
            f"{n:>8} {files:>6} {n / parse['seconds']:>13.0f} {n / pipe['seconds']:>11.0f} "
            f"{ratio:>6.1f} {rest:>11.1f} {pipe['peak_mb']:>8.0f} {pipe['clusters']:>9} "
            f"{pipe['evidence']:>9}"
        )
    print(
        "ratio: pipeline time / feedparser time per entry (target: at most 2); w/o engine: the "
        "same ratio without\nthe claim engine's time; peak MB: the pipeline's peak RSS "
        f"(target: under {MEMORY_TARGET_MB} MB at 100k)"
    )
    by_n = {n: pipe["seconds"] for n, _, _, pipe in results}
    for small, big in itertools.pairwise(sorted(by_n)):
        target = "; target within 12" if (small, big) == (10_000, 100_000) else ""
        print(
            f"pipeline time {big:,} / {small:,}: {by_n[big] / by_n[small]:.1f} (linear would be "
            f"{big / small:.0f}{target})"
        )
    stages = [
        ("feedparser", lambda s: s["feedparser"]),
        ("normalise", lambda s: s["parse"] - s["feedparser"]),
        ("cluster", lambda s: s["clustering"]),
        ("store", lambda s: s["store entries"] - s["clustering"]),
        ("other", lambda s: s["ingest"] - s["parse"] - s["store entries"]),
        ("read", lambda s: s["read articles"]),
        ("engine", lambda s: s["engine"]),
        ("write", lambda s: s["save_assessments"]),
        ("load", lambda s: s["load_evidence"]),
        ("compute", lambda s: s["claim_statuses"]),
        ("save", lambda s: s["save_incidents"] + s["save_statuses"]),
    ]
    print("\nwhere the pipeline's time goes, microseconds per entry")
    print(f"{'':8} {'ingest':<55}{'assess':<33}status")
    print(f"{'entries':>8}" + "".join(f"{name:>11}" for name, _ in stages) + f"{'engine':>8}")
    for n, _, _, pipe in results:
        spent = Counter(pipe["spent"])
        cells = "".join(f"{part(spent) / n * 1e6:>11.0f}" for _, part in stages)
        print(f"{n:>8}{cells}{spent['engine'] / pipe['seconds']:>8.0%}")
    print(
        "ingest: feedparser.parse, normalise (HTML to text, ids, SimHash), cluster (near-copy "
        "lookup), store (article rows,\nFTS, bands), other (feed state, file read); assess: read "
        "articles, the claim engine (claims/), write evidence;\nstatus: load evidence, compute "
        "incidents and statuses, save them; engine: the claim engine's share of the time"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="e.g. 1000,10000")
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    results = []
    for n in sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"truce-throughput-{n}-"))
        try:
            feeds = build_feeds(folder, n)
            as_of = START + timedelta(days=n / RATE + 1)
            manifest = {"feeds": feeds, "as_of": as_of.isoformat()}
            (folder / "feeds.json").write_text(json.dumps(manifest))
            before = run_child("parse", folder)
            pipe = run_child("pipeline", folder)
            after = run_child("parse", folder)
            assert before["entries"] == after["entries"] == pipe["articles"] == n
            parse = {"seconds": (before["seconds"] + after["seconds"]) / 2}
            results.append((n, len(feeds), parse, pipe))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    report(results)


if __name__ == "__main__":
    main()
