"""Ingestion against a local HTTP server (127.0.0.1): every kind of breakage, and in each case
the other feed of the same run is ingested normally."""

from __future__ import annotations

import gzip
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from db import open_db
from flows import steps
from parsers.fetch import fetch_feed
from truce.errors import FeedError
from truce.records import Feed

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"
ATOM = (DATA / "atom_offsets.xml").read_bytes()
RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>
<item><guid>r1</guid><title>One</title><pubDate>Wed, 26 Mar 2025 08:00:00 GMT</pubDate></item>
<item><guid>r2</guid><title>Two</title><pubDate>Wed, 26 Mar 2025 09:00:00 GMT</pubDate></item>
</channel></rss>"""
NOW = datetime(2025, 3, 26, 12, tzinfo=UTC)
Reply = tuple[int, dict[str, str], bytes]


class Server:
    """Routes: path -> function(handler) -> (status, headers, body). Counts hits per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[http.server.BaseHTTPRequestHandler], Reply]] = {}
        self.hits: dict[str, int] = {}
        routes, hits = self.routes, self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                hits[self.path] = hits.get(self.path, 0) + 1
                status, headers, body = routes[self.path](self)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def route(self, path: str, reply: Callable[[http.server.BaseHTTPRequestHandler], Reply]) -> str:
        self.routes[path] = reply
        return self.base + path


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    s.route("/good.xml", lambda h: (200, {"Content-Type": "application/rss+xml"}, RSS))
    yield s
    s.httpd.shutdown()


def run(
    db_path: Path, server: Server, bad_url: str, now: datetime = NOW
) -> dict[str, steps.FeedOutcome]:
    """One ingest of the case's feed and the good feed, the way a run does it."""
    db = open_db(db_path)
    feeds = [
        Feed("case", bad_url, "Case", "wire"),
        Feed("good", server.base + "/good.xml", "Good", "wire"),
    ]
    outcomes = {f.id: steps.ingest_feed(db, f, now, "test") for f in feeds}
    assert outcomes["good"].ok, outcomes["good"]
    assert open_db(db_path)["articles"].count >= 2
    return outcomes


def health(db_path: Path) -> dict[str, object]:
    return {r["feed_id"]: r for r in open_db(db_path).query("SELECT * FROM feed_health")}["case"]


def test_200(server: Server, tmp_path: Path) -> None:
    url = server.route("/a.xml", lambda h: (200, {"Content-Type": "application/atom+xml"}, ATOM))
    assert run(tmp_path / "t.db", server, url)["case"].new == 1


@pytest.mark.parametrize("validator", ["etag", "last-modified"])
def test_304_costs_no_parsing(server: Server, tmp_path: Path, validator: str) -> None:
    def reply(h: http.server.BaseHTTPRequestHandler) -> Reply:
        if h.headers.get("If-None-Match") == '"v1"' or h.headers.get("If-Modified-Since"):
            return 304, {}, b""
        tag = (
            {"ETag": '"v1"'}
            if validator == "etag"
            else {"Last-Modified": "Wed, 26 Mar 2025 08:00:00 GMT"}
        )
        return 200, tag, ATOM

    url = server.route("/c.xml", reply)
    assert run(tmp_path / "t.db", server, url)["case"].new == 1
    second = run(tmp_path / "t.db", server, url, NOW + timedelta(hours=1))["case"]
    assert second.ok and second.entries == 0
    statuses = [
        r["http_status"]
        for r in open_db(tmp_path / "t.db").query(
            "SELECT http_status FROM fetches WHERE feed_id = 'case' ORDER BY fetched_at"
        )
    ]
    assert statuses == [200, 304]


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_updates_the_stored_url(
    server: Server, tmp_path: Path, code: int
) -> None:
    new = server.route("/new.xml", lambda h: (200, {}, ATOM))
    old = server.route("/old.xml", lambda h: (code, {"Location": "/new.xml"}, b""))
    run(tmp_path / "t.db", server, old)
    assert health(tmp_path / "t.db")["redirected_to"] == new
    run(tmp_path / "t.db", server, old, NOW + timedelta(hours=1))
    assert server.hits["/old.xml"] == 1 and server.hits["/new.xml"] == 2


def test_temporary_redirect_keeps_the_url(server: Server, tmp_path: Path) -> None:
    server.route("/tmp-target.xml", lambda h: (200, {}, ATOM))
    url = server.route("/tmp.xml", lambda h: (302, {"Location": "/tmp-target.xml"}, b""))
    assert run(tmp_path / "t.db", server, url)["case"].ok
    assert health(tmp_path / "t.db")["redirected_to"] is None


@pytest.mark.parametrize(
    ("path", "reply", "message"),
    [
        ("/loop.xml", lambda h: (301, {"Location": "/loop.xml"}, b""), "redirects"),
        ("/to-file.xml", lambda h: (302, {"Location": "file:///etc/passwd"}, b""), "non-http"),
        ("/missing.xml", lambda h: (404, {}, b"no"), "HTTP 404"),
        ("/broken.xml", lambda h: (500, {}, b"oops"), "HTTP 500"),
        (
            "/html.xml",
            lambda h: (200, {"Content-Type": "text/html"}, b"<html><body>Not a feed"),
            "not a feed",
        ),
    ],
)
def test_failures_are_recorded_with_backoff(
    server: Server, tmp_path: Path, path: str, reply: Callable[..., Reply], message: str
) -> None:
    url = server.route(path, reply)
    outcome = run(tmp_path / "t.db", server, url)["case"]
    assert not outcome.ok and message in (outcome.error or "")
    row = health(tmp_path / "t.db")
    assert row["consecutive_failures"] == 1 and message in str(row["last_error"])
    assert row["next_fetch"] == "2025-03-26T12:15:00Z"  # 15 minutes, then doubling
    skipped = run(tmp_path / "t.db", server, url, NOW + timedelta(minutes=5))["case"]
    assert skipped.skipped and "backing off" in skipped.skipped


def test_backoff_doubles_and_success_resets_it(server: Server, tmp_path: Path) -> None:
    state = {"fail": True}
    url = server.route("/flaky.xml", lambda h: (503, {}, b"") if state["fail"] else (200, {}, ATOM))
    run(tmp_path / "t.db", server, url)
    run(tmp_path / "t.db", server, url, NOW + timedelta(minutes=20))
    assert health(tmp_path / "t.db")["next_fetch"] == "2025-03-26T12:50:00Z"  # 30 minutes
    state["fail"] = False
    run(tmp_path / "t.db", server, url, NOW + timedelta(hours=1))
    row = health(tmp_path / "t.db")
    assert row["consecutive_failures"] == 0 and row["next_fetch"] is None


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_is_honoured(server: Server, tmp_path: Path, code: int) -> None:
    url = server.route(f"/ra{code}.xml", lambda h: (code, {"Retry-After": "7200"}, b""))
    run(tmp_path / "t.db", server, url)
    assert health(tmp_path / "t.db")["next_fetch"] == "2025-03-26T14:00:00Z"


def test_410_disables_the_feed_with_a_reason(server: Server, tmp_path: Path) -> None:
    url = server.route("/gone.xml", lambda h: (410, {}, b""))
    run(tmp_path / "t.db", server, url)
    assert "410" in str(health(tmp_path / "t.db")["disabled_reason"])
    later = run(tmp_path / "t.db", server, url, NOW + timedelta(days=7))["case"]
    assert later.skipped and "disabled" in later.skipped and server.hits["/gone.xml"] == 1


def test_a_server_that_hangs_times_out(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(h: http.server.BaseHTTPRequestHandler) -> Reply:
        time.sleep(3)
        return 200, {}, ATOM

    monkeypatch.setattr(steps, "FETCH_TIMEOUT", httpx.Timeout(1.0))
    url = server.route("/slow.xml", slow)
    started = time.monotonic()
    outcome = run(tmp_path / "t.db", server, url)["case"]
    assert "timed out" in (outcome.error or "") and time.monotonic() - started < 2.5


@pytest.mark.parametrize("declared", [True, False])
def test_a_body_over_the_cap_is_refused(
    server: Server, tmp_path: Path, declared: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = b"<rss>" + b" " * 50_000 + b"</rss>"

    def reply(h: http.server.BaseHTTPRequestHandler) -> Reply:
        if declared:
            return 200, {}, body
        chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
        return 200, {"Transfer-Encoding": "chunked"}, chunked

    monkeypatch.setenv("TRUCE_MAX_FEED_BYTES", "10000")
    url = server.route(f"/big{declared}.xml", reply)
    outcome = run(tmp_path / "t.db", server, url)["case"]
    assert "cap" in (outcome.error or "")
    with pytest.raises(FeedError, match="cap"):
        fetch_feed(url, max_bytes=10_000)


def test_a_feed_served_with_the_wrong_content_type(server: Server, tmp_path: Path) -> None:
    url = server.route("/plain.xml", lambda h: (200, {"Content-Type": "text/plain"}, ATOM))
    assert run(tmp_path / "t.db", server, url)["case"].new == 1


def test_gzip_body(server: Server, tmp_path: Path) -> None:
    url = server.route(
        "/gz.xml", lambda h: (200, {"Content-Encoding": "gzip"}, gzip.compress(ATOM))
    )
    assert run(tmp_path / "t.db", server, url)["case"].new == 1


@pytest.mark.parametrize("encoding", ["windows-1251", "koi8-r"])
def test_non_utf8_feeds(server: Server, tmp_path: Path, encoding: str) -> None:
    feed = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>Новини</title>'
        "<item><guid>c1</guid><title>Удар по подстанции</title>"
        "<pubDate>Wed, 26 Mar 2025 08:00:00 GMT</pubDate></item></channel></rss>"
    )
    url = server.route(
        f"/{encoding}.xml",
        lambda h: (
            200,
            {"Content-Type": f"application/rss+xml; charset={encoding}"},
            feed.encode(encoding),
        ),
    )
    assert run(tmp_path / "t.db", server, url)["case"].new == 1
    titles = [
        r["title"]
        for r in open_db(tmp_path / "t.db").query(
            "SELECT title FROM articles WHERE feed_id = 'case'"
        )
    ]
    assert titles == ["Удар по подстанции"]


def test_entity_expansion_attack_is_harmless(server: Server, tmp_path: Path) -> None:
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{lol}]>'
        '<rss version="2.0"><channel><title>&lol9;</title><item><title>x</title>'
        "<guid>b1</guid></item></channel></rss>"
    ).encode()
    url = server.route("/bomb.xml", lambda h: (200, {}, bomb))
    started = time.monotonic()
    run(tmp_path / "t.db", server, url)
    assert time.monotonic() - started < 10
    for row in open_db(tmp_path / "t.db").query("SELECT title, summary FROM articles"):
        assert len(row["title"]) + len(row["summary"]) < 10_000
