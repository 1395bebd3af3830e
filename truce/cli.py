"""`truce`: a thin command-line shell over the library. Every read command has `--json`."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from truce import clock
from truce.errors import InputError, TruceError
from truce.output import emit, plain_table

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Truce Watch: track whether the promises in a news story hold.",
)

DbOption = Annotated[
    Path | None, typer.Option("--db", help="Database file (default: $TRUCE_DB, else truce.db).")
]
StoryOption = Annotated[str, typer.Option("--story", help="Story folder under seeds/, or a path.")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Pretend it is this date/time (UTC, or a date in story time)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON Lines output.")]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="From this date/time (inclusive).")
]
UntilOption = Annotated[str | None, typer.Option("--until", help="Before this date/time.")]
OutletOption = Annotated[str | None, typer.Option("--outlet", help="Only this outlet.")]
ClaimOption = Annotated[str | None, typer.Option("--claim", help="Only this claim.")]
LimitOption = Annotated[int, typer.Option("--limit", help="At most this many rows (0: all).")]
DEFAULT_STORY = "energy-truce-2025"


def _db_path(db: Path | None) -> Path:
    return db or Path(os.environ.get("TRUCE_DB", "truce.db"))


def _reports_dir(db_path: Path) -> Path:
    """Digests go beside the database: `truce.db` -> `truce-reports/`."""
    return db_path.resolve().parent / f"{db_path.stem}-reports"


def _prepare_prefect(db_path: Path) -> None:
    """Prefect settings must be in the environment before Prefect is imported."""
    os.environ.setdefault("PREFECT_HOME", str(db_path.resolve().parent / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # the first start migrates Prefect's own database: slow on a busy 2-core machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    # Failures are reported by our own summary and `truce feeds`; Prefect's tracebacks for a
    # feed that is down would drown them. `--verbose` (or the variable) shows Prefect's logs.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    # its background workers log to the root logger while they drain at exit ("Still
    # processing items..."), which would follow a one-line error on a busy machine
    os.environ.setdefault("PREFECT_LOGGING_ROOT_LEVEL", "ERROR")


def _open(db: Path | None, must_exist: bool = True) -> Any:
    from db import open_db

    path = _db_path(db)
    if must_exist and not path.exists():
        raise InputError(
            f"no database at {path} (run `truce run` or `truce demo` first, or pass --db)"
        )
    return open_db(path)


def _story(name: str) -> Any:
    from flows.steps import story_and_engine

    return story_and_engine(name)


def _as_of(value: str | None, timezone: str = "UTC") -> datetime:
    if value is None:
        return clock.now()
    when = clock.parse_when(value, timezone)
    clock.set_now(when)
    return when


# Running ---------------------------------------------------------------------------------------


@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="Demo database (rebuilt on each run).")] = Path(
        "demo.db"
    ),
    story: StoryOption = DEFAULT_STORY,
    until: Annotated[
        str | None, typer.Option(help="Stop after this snapshot day (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Replay the bundled offline story day by day (the default main job)."""
    _prepare_prefect(db)
    from flows.demo import DemoDay, replay
    from flows.pipeline import CycleSummary

    reports = _reports_dir(db)
    stop = clock.parse_when(until).date() if until else None

    def progress(day: DemoDay, summary: CycleSummary) -> None:
        typer.echo(f"{day.day}  {summary.line()}")

    typer.echo(f"Replaying the demo into {db} (one pipeline run per day)...")
    replay(db, reports, story, until=stop, progress=progress)
    story_record, _engine = _story(story)
    typer.echo("")
    rows = _status_rows(_open(db), story_record, None)
    typer.echo(
        plain_table(
            rows,
            [
                "claim_id",
                "kind",
                "status",
                "incidents_alleged",
                "incidents_corroborated",
                "sources",
                "reason",
            ],
        )
    )
    typer.echo("")
    typer.echo(f"Database: {db.resolve()}")
    typer.echo(f"Digests:  {reports / story_record.id}")
    typer.echo(f"Next:     truce status --db {db}")


@app.command()
def run(
    feeds: Annotated[Path | None, typer.Option("--feeds", help="Feeds file (YAML).")] = None,
    feed: Annotated[
        list[str] | None, typer.Option("--feed", help="A feed path or URL (repeatable).")
    ] = None,
    db: DbOption = None,
    story: StoryOption = DEFAULT_STORY,
    as_of: AsOfOption = None,
) -> None:
    """One cycle: ingest, assess, and write the digest if one is due."""
    from db import store
    from truce.config import feed_from_location, load_feeds, seeds_dir

    path = _db_path(db)
    _prepare_prefect(path)
    if feed:
        feed_list = [feed_from_location(f) for f in feed]
    else:
        feed_list = load_feeds(feeds or seeds_dir() / "feeds.yaml")
    story_record, _engine = _story(story)  # a broken seeds file fails before the database is made
    database = _open(path, must_exist=False)
    store.check_writable(database)  # a read-only database fails before the 10-20 s flow start
    database.close()
    now = _as_of(as_of, story_record.timezone)
    from flows.pipeline import pipeline

    summary = pipeline(
        str(path),
        feed_list,
        story=story,
        as_of=now,
        reports_dir=str(_reports_dir(path)),
    )
    # a run that found another one writing did nothing: say so where warnings go
    typer.echo(summary.line(), err=bool(summary.skipped_because))


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM (a service manager's stop) both end `serve` cleanly. A process
    started in the background by a shell, or by a parent that ignores SIGINT, inherits the
    ignoring: Python then installs no handler, and Ctrl-C would do nothing."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)


@app.command()
def serve(
    prefect_file: Annotated[
        Path | None,
        typer.Option(
            "--prefect-file", help="Deployments file (default: the project's prefect.yaml)."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Run the schedules of prefect.yaml in this process (starts a local Prefect server when
    PREFECT_API_URL is unset). Ctrl-C stops everything."""
    from flows.serve import PROJECT_ROOT, load_deployments, local_server, serve_deployments

    path = _db_path(db)
    _prepare_prefect(path)
    _stop_on_signals()
    deployments_file = prefect_file or PROJECT_ROOT / "prefect.yaml"
    specs = load_deployments(deployments_file)
    overrides = {"db_path": str(path.resolve())} if db else {}
    names = ", ".join(s.name for s in specs)
    try:
        if os.environ.get("PREFECT_API_URL"):
            typer.echo(f"Serving {names} against {os.environ['PREFECT_API_URL']}. Ctrl-C stops.")
            serve_deployments(specs, deployments_file.resolve().parent, overrides)
            return
        home = Path(os.environ["PREFECT_HOME"]) / "server"
        typer.echo("Starting a local Prefect server...")
        with local_server(home) as url:
            os.environ["PREFECT_API_URL"] = url
            typer.echo(f"Prefect UI at {url.removesuffix('/api')}; serving {names}. Ctrl-C stops.")
            serve_deployments(specs, deployments_file.resolve().parent, overrides)
    except KeyboardInterrupt:
        pass
    typer.echo("Stopped.")


# Reading ---------------------------------------------------------------------------------------


def _status_rows(database: Any, story: Any, as_of: datetime | None) -> list[dict[str, Any]]:
    """Statuses as the last cycle stored them; with an as-of time (or before any cycle ran),
    recomputed from the evidence known then."""
    from db import queries, store
    from flows import steps

    if as_of is None:
        stored = [r for r in queries.current_status(database, story.id) if r["status"]]
        if stored:
            keys = (
                "claim_id",
                "kind",
                "status",
                "since",
                "as_of",
                "reason",
                "evidence_count",
                "sources",
                "incidents_alleged",
                "incidents_corroborated",
            )
            return [{key: row[key] for key in keys} for row in stored]
    now = as_of or clock.now()
    stamp = clock.iso(now)
    statuses, _incidents = steps.statuses_at(database, story, now)
    rows = []
    for status in statuses:
        last = store.last_status(database, status.claim_id, before=stamp)
        since = last["changed_at"] if last and last["status"] == status.status else status.as_of
        rows.append(
            {
                "claim_id": status.claim_id,
                "kind": status.kind,
                "status": status.status,
                "since": since,
                "as_of": status.as_of,
                "reason": status.reason,
                "evidence_count": status.evidence_count,
                "sources": status.sources,
                "incidents_alleged": status.incidents_alleged,
                "incidents_corroborated": status.incidents_corroborated,
                "evidence_ids": list(status.evidence_ids),
            }
        )
    return rows


@app.command()
def status(
    db: DbOption = None,
    story: StoryOption = DEFAULT_STORY,
    as_of: AsOfOption = None,
    claim: ClaimOption = None,
    as_json: JsonOption = False,
) -> None:
    """Each claim's status as the last cycle left it, or what was known at --as-of."""
    story_record, _engine = _story(story)
    when = _as_of(as_of, story_record.timezone) if as_of else None
    rows = _status_rows(_open(db), story_record, when)
    if claim:
        if claim not in {c.id for c in story_record.claims}:
            raise InputError(f"no claim {claim!r} in story {story_record.id}")
        rows = [r for r in rows if r["claim_id"] == claim]
    emit(
        rows,
        as_json,
        [
            "claim_id",
            "kind",
            "status",
            "since",
            "incidents_alleged",
            "incidents_corroborated",
            "sources",
            "evidence_count",
            "reason",
        ],
    )


def _range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """--since/--until as stored UTC stamps; an --until date includes that whole day."""
    start = clock.iso(clock.parse_when(since, end_of_day=False)) if since else None
    end = None
    if until:
        end_time = clock.parse_when(until, end_of_day=False)
        if len(until.strip()) == 10:
            end_time += timedelta(days=1)
        end = clock.iso(end_time)
    return start, end


@app.command()
def evidence(
    db: DbOption = None,
    claim: ClaimOption = None,
    stance: Annotated[str | None, typer.Option(help="confirms, contradicts or breach.")] = None,
    outlet: OutletOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: LimitOption = 100,
    as_json: JsonOption = False,
) -> None:
    """Evidence rows with their quote, outlet, stance and rule, newest first."""
    from db import queries

    if stance and stance not in ("confirms", "contradicts", "breach"):
        raise InputError("--stance must be confirms, contradicts or breach")
    start, end = _range(since, until)
    rows = [
        {
            "evidence_id": r["evidence_id"],
            "article_url": r["article_url"],
            "article_id": r["article_id"],
            "claim_id": r["claim_id"],
            "stance": r["stance"],
            "alleged": bool(r["alleged"]),
            "event_date": r["event_date"],
            "outlet": r["outlet"],
            "published": r["published"],
            "quote": r["quote"],
            "confidence": r["confidence"],
            "rule": r["rule"],
            "actor": r["actor"],
            "target": r["target"],
            "place": r["place"],
            "review": r["review"],
        }
        for r in queries.evidence(_open(db), claim, stance, outlet, start, end, limit or None)
    ]
    emit(
        rows,
        as_json,
        ["evidence_id", "claim_id", "stance", "alleged", "event_date", "outlet", "quote"],
    )


@app.command()
def incidents(
    db: DbOption = None,
    claim: ClaimOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    outlet: OutletOption = None,
    as_json: JsonOption = False,
) -> None:
    """Breach incidents: event date, place, target, sources, alleged or corroborated."""
    from db import queries

    start, end = _range(since, until)
    rows = queries.incidents(_open(db), claim, start, end, outlet)
    emit(
        rows,
        as_json,
        ["event_date", "claim_id", "place", "target", "sources", "standing", "outlets"],
        empty="no incidents",
    )


@app.command()
def feeds(db: DbOption = None, outlet: OutletOption = None, as_json: JsonOption = False) -> None:
    """Feed health: last success, last error, failures, backoff, articles."""
    from db import queries

    rows = queries.feeds(_open(db), outlet)
    emit(
        rows,
        as_json,
        [
            "feed_id",
            "outlet",
            "tier",
            "last_success",
            "consecutive_failures",
            "next_fetch",
            "articles",
            "last_error",
            "disabled_reason",
        ],
        empty="no feeds yet",
    )


@app.command()
def search(
    query: str,
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    outlet: OutletOption = None,
    as_json: JsonOption = False,
    limit: Annotated[int, typer.Option(help="At most this many results.")] = 20,
) -> None:
    """Full-text search over article titles, summaries and text (SQLite FTS5 syntax, e.g.
    "substation AND Kherson")."""
    import sqlite3

    from db import queries
    from truce.errors import StorageError

    start, end = _range(since, until)
    try:
        rows = queries.search(_open(db), query, start, end, outlet, limit)
    except StorageError as exc:
        if isinstance(exc.__cause__, sqlite3.OperationalError):
            raise InputError(f"bad search query {query!r}: {exc.__cause__}") from None
        raise
    emit(rows, as_json, ["published", "outlet", "title", "snippet"])


digest_app = typer.Typer(help="The daily digest: print one day's, or list them.")
app.add_typer(digest_app, name="digest")


@digest_app.callback(invoke_without_command=True)
def digest(
    ctx: typer.Context,
    db: DbOption = None,
    story: StoryOption = DEFAULT_STORY,
    date_: Annotated[
        str | None, typer.Option("--date", help="Day (default: yesterday, story time).")
    ] = None,
    format_: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    open_: Annotated[
        bool, typer.Option("--open", help="Open the HTML digest in a browser.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Print the digest for a day (Markdown, or the path of the HTML page), writing it first if
    it does not exist."""
    if ctx.invoked_subcommand is not None:
        return
    from zoneinfo import ZoneInfo

    from flows import steps

    if format_ not in ("md", "html"):
        raise InputError("--format must be md or html")
    path = _db_path(db)
    database = _open(db)
    story_record, _engine = _story(story)
    now = clock.now()
    zone = ZoneInfo(story_record.timezone)
    day = (
        clock.parse_when(date_, story_record.timezone).astimezone(zone).date()
        if date_
        else now.astimezone(zone).date() - timedelta(days=1)
    )

    def stored() -> list[dict[str, Any]]:
        sql = "SELECT * FROM digests WHERE story = ? AND date = ?"
        return list(database.query(sql, [story_record.id, day.isoformat()]))

    rows = stored()
    if not rows or not Path(rows[0]["path"]).with_suffix(".html").exists():
        _start, period_end = steps.digest_period(story_record, day)
        steps.write_digest(database, story_record, day, min(now, period_end), _reports_dir(path))
        rows = stored()
    html_file = Path(rows[0]["path"]).with_suffix(".html")
    if open_:
        import webbrowser

        webbrowser.open(html_file.resolve().as_uri())
    if as_json:
        typer.echo(json.dumps({**rows[0], "html_path": str(html_file)}, ensure_ascii=False))
    elif format_ == "html":
        typer.echo(str(html_file))
    else:
        typer.echo(rows[0]["markdown"])


@digest_app.command("list")
def digest_list(
    db: DbOption = None,
    story: StoryOption = DEFAULT_STORY,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
) -> None:
    """The digests written so far, newest first, with their headlines."""
    from db import queries

    story_record, _engine = _story(story)
    start, end = _range(since, until)
    rows = queries.digests(_open(db), story_record.id, start, end)
    emit(rows, as_json, ["date", "headline", "path"], empty="no digests yet")


@app.command()
def review(
    evidence_id: str,
    accept: Annotated[bool, typer.Option("--accept")] = False,
    reject: Annotated[bool, typer.Option("--reject")] = False,
    note: Annotated[str, typer.Option(help="Why.")] = "",
    db: DbOption = None,
    story: StoryOption = DEFAULT_STORY,
) -> None:
    """Accept or reject an evidence row; status is recomputed."""
    from db import store
    from flows import steps
    from truce.records import Review

    if accept == reject:
        raise InputError("give exactly one of --accept or --reject")
    database = _open(db)
    now = clock.now()
    store.save_review(
        database, Review(evidence_id, "accept" if accept else "reject", note, clock.iso(now))
    )
    story_record, _engine = _story(story)
    changes = steps.update_status(database, story_record, now)
    typer.echo(
        f"{'accepted' if accept else 'rejected'} {evidence_id}; "
        f"{len(changes)} status change{'s' if len(changes) != 1 else ''}"
    )
    for change in changes:
        typer.echo(f"  {change.claim_id} -> {change.status}: {change.reason}")


def datasette_metadata(db_path: Path) -> dict[str, Any]:
    """The Datasette metadata for one database file (canned queries, descriptions)."""
    from truce.config import read_yaml

    metadata = read_yaml(Path(__file__).with_name("datasette-metadata.yaml"))
    metadata["databases"] = {db_path.stem: metadata["databases"]["truce"]}
    return dict(metadata)


@app.command()
def browse(
    db: DbOption = None, port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8001
) -> None:
    """Browse the database in Datasette (127.0.0.1 only), with the views and canned queries."""
    import importlib.util
    import subprocess
    import tempfile

    if importlib.util.find_spec("datasette") is None:
        raise InputError("Datasette is not installed: pip install -e '.[datasette]'")
    path = _db_path(db)
    _open(db).close()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(datasette_metadata(path), handle)
    typer.echo(f"Datasette at http://127.0.0.1:{port}/ (Ctrl-C stops)")
    with contextlib.suppress(KeyboardInterrupt):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "datasette",
                "serve",
                str(path),
                "--metadata",
                handle.name,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            check=False,
        )
    Path(handle.name).unlink(missing_ok=True)


@app.command(name="eval")
def eval_(
    file: Path,
    story: StoryOption = DEFAULT_STORY,
    as_json: JsonOption = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="List every false positive and negative.")
    ] = False,
) -> None:
    """Score the claim engine on a labelled JSON Lines file."""
    from claims.evaluate import evaluate
    from truce.config import load_outlets, seeds_dir
    from truce.labelled import load_labelled

    _story_record, engine = _story(story)
    report = evaluate(engine, load_labelled(file, load_outlets(seeds_dir() / "feeds.yaml")))
    if as_json:
        payload = report.as_dict()
        if errors:
            payload["errors"] = [e.__dict__ for e in report.errors]
        typer.echo(json.dumps(payload, indent=2))
        return
    typer.echo(
        plain_table(
            report.rows, ["claim_id", "stance", "support", "predicted", "precision", "recall", "f1"]
        )
    )
    alleged = "n/a" if report.alleged_accuracy is None else f"{report.alleged_accuracy:.3f}"
    typer.echo(
        f"\nitems {report.items}  macro-F1 {report.macro_f1:.3f}  "
        f"alleged accuracy {alleged} (on {report.alleged_pairs} breaches)  "
        f"distractor false-positive rate {report.distractor_false_positive_rate:.3f} "
        f"(of {report.distractor_items})"
    )
    if errors:
        for e in report.errors:
            kind = "FP" if e.expected is None else ("FN" if e.predicted is None else "WRONG")
            typer.echo(
                f"{kind} {e.item_id} {e.claim_id}: expected {e.expected}, got "
                f"{e.predicted} | {e.title} | {e.quote}"
            )


def main(argv: list[str] | None = None) -> None:
    """Entry point: one-line errors and exit codes instead of tracebacks."""
    try:
        app(args=argv, standalone_mode=False)
    except TruceError as exc:
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    except Exception as exc:  # click's usage errors and anything unforeseen: one line, no traceback
        # usage errors (typer ships its own click, so match by shape, not by class)
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            sys.exit(code)
        typer.echo(f"Error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
