"""Fetch feed bytes: local files and http(s) with conditional GET. feedparser never fetches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import httpx

from truce import __version__, clock
from truce.errors import FeedError

USER_AGENT = f"TruceWatch/{__version__} (+https://github.com/truce-watch; feed monitor)"
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
_TRANSIENT = {408, 425, 429, 500, 502, 503, 504}
_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class FetchResult:
    """What a fetch brought back. `content` is None when the server said 304 Not Modified."""

    url: str  # final URL after permanent redirects (the one to store)
    status: int
    content: bytes | None
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _local_path(url: str) -> Path | None:
    if url.startswith("file://"):
        return Path(url2pathname(urlsplit(url).path))
    if "://" not in url:
        return Path(url)
    return None


def _read_local(path: Path, url: str, max_bytes: int) -> FetchResult:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FeedError(f"file is {size} bytes, over the {max_bytes}-byte cap", url)
        content = path.read_bytes()
    except FileNotFoundError:
        raise FeedError(f"no such file: {path}", url) from None
    except IsADirectoryError:
        raise FeedError(f"is a directory: {path}", url) from None
    except OSError as exc:
        raise FeedError(f"cannot read {path}: {exc.strerror or exc}", url) from None
    return FetchResult(url=url, status=200, content=content)


def fetch_feed(
    url: str,
    etag: str | None = None,
    modified: str | None = None,
    *,
    client: httpx.Client | None = None,
    max_bytes: int = MAX_BYTES,
    timeout: httpx.Timeout = TIMEOUT,
) -> FetchResult:
    """Fetch a feed's bytes. Raises FeedError (with `transient` set for retryable failures)."""
    path = _local_path(url)
    if path is not None:
        return _read_local(path, url, max_bytes)
    if urlsplit(url).scheme not in ("http", "https"):
        raise FeedError(f"unsupported URL scheme: {url}", url)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "gzip, deflate",
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    own_client = client is None
    http = client or httpx.Client(timeout=timeout, follow_redirects=False)
    try:
        return _get(http, url, headers, max_bytes)
    finally:
        if own_client:
            http.close()


def _get(http: httpx.Client, url: str, headers: dict[str, str], max_bytes: int) -> FetchResult:
    current, stored = url, url
    for _ in range(MAX_REDIRECTS + 1):
        try:
            with http.stream("GET", current, headers=headers) as response:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    target = urljoin(current, response.headers.get("location", ""))
                    if urlsplit(target).scheme not in ("http", "https"):
                        raise FeedError(f"redirect to a non-http(s) URL refused: {target}", url)
                    if response.status_code in (301, 308) and stored == current:
                        stored = target  # permanent: remember the new home
                    current = target
                    continue
                if response.status_code == 304:
                    return FetchResult(
                        url=stored, status=304, content=None, headers=dict(response.headers)
                    )
                if response.status_code >= 400:
                    raise FeedError(
                        f"HTTP {response.status_code} {response.reason_phrase}".strip(),
                        url,
                        transient=response.status_code in _TRANSIENT,
                        retry_after=retry_after(response.headers.get("retry-after")),
                        gone=response.status_code == 410,
                    )
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise FeedError(
                        f"response of {declared} bytes is over the {max_bytes}-byte cap", url
                    )
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise FeedError(f"response over the {max_bytes}-byte cap", url)
                return FetchResult(
                    url=stored,
                    status=response.status_code,
                    content=bytes(body),
                    headers=dict(response.headers),
                    etag=response.headers.get("etag"),
                    modified=response.headers.get("last-modified"),
                )
        except httpx.TimeoutException:
            raise FeedError("timed out", url, transient=True) from None
        except httpx.HTTPError as exc:
            raise FeedError(f"{type(exc).__name__}: {exc}", url, transient=True) from None
    raise FeedError(f"more than {MAX_REDIRECTS} redirects (a redirect loop?)", url)


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - clock.now()).total_seconds())
