"""Feed bytes to normalised entries. feedparser parses; we decide identity, dates and text."""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from parsers.text import html_to_text, normalise_url
from truce.errors import FeedError
from truce.records import Entry, Feed

# Dates before the web, or far in the future, are feed bugs: treat them as missing.
_EARLIEST, _LATEST = 1995, 2100
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: tuple[Entry, ...]
    bozo: str | None  # feedparser's complaint, when the document was not well-formed


def _timestamp(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = dict.get(entry, key)  # plain lookup: skips feedparser's deprecated key aliasing
        if parsed:
            try:
                value = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (OverflowError, ValueError, OSError):
                continue
            if _EARLIEST <= value.year < _LATEST:
                return value
    return None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def story_key(title: str, summary: str) -> str:
    """Same words in the same order: copies of one wire story share this key."""
    words = _WORDS.findall(f"{title} {summary}".lower())
    return _digest(" ".join(words))[:16]


def simhash(text: str) -> int:
    """64-bit SimHash over word 3-shingles, as a signed integer (SQLite's INTEGER): near-same
    texts (a wire story lightly edited by a second outlet) differ in a few bits. 0 for texts
    too short to tell."""
    words = _WORDS.findall(text.lower())
    if len(words) < 8:
        return 0
    # all the shingles' hashes as one string of "0"/"1", 64 characters each, so that
    # bits[i::64] is one bit of every shingle and str.count tallies it (a loop over bits per
    # shingle in Python cost more than feedparser's whole parse)
    shingles = len(words) - 2
    digests = b"".join(
        hashlib.blake2b(
            " ".join(words[i : i + 3]).encode("utf-8", "surrogatepass"), digest_size=8
        ).digest()
        for i in range(shingles)
    )
    bits = format(int.from_bytes(digests, "big"), f"0{64 * shingles}b")
    result = 0
    for i in range(64):  # most significant first; a bit is set when most shingles have it
        result = result << 1 | (2 * bits[i::64].count("1") > shingles)
    return result - (1 << 64) if result >= 1 << 63 else result


def _entry(raw: Any, feed: Feed, fetched_at: datetime) -> Entry:
    title = html_to_text(raw.get("title", "") or "")
    content = raw.get("content") or []
    body = raw.get("summary", "") or (content[0].get("value", "") if content else "")
    summary = html_to_text(body)
    link = raw.get("link", "") or ""
    when = _timestamp(raw)
    dated = when is not None
    published = (when or fetched_at).strftime("%Y-%m-%dT%H:%M:%SZ")
    key = raw.get("id") or raw.get("guid") or (normalise_url(link) if link else "")
    if not key:
        key = "hash:" + _digest(title, published if dated else "")
    return Entry(
        id=_digest(feed.id, str(key))[:20],
        feed_id=feed.id,
        url=normalise_url(link) if link else "",
        title=title,
        summary=summary,
        published=published,
        dated=dated,
        content_hash=_digest(title, summary)[:16],
        story_key=story_key(title, summary),
        simhash=simhash(f"{title} {summary}"),
    )


def parse_feed(
    content: bytes, headers: dict[str, str], feed: Feed, fetched_at: datetime
) -> ParsedFeed:
    """Parse feed bytes. Keeps the entries of a bozo feed that still parsed; raises FeedError
    only when nothing usable came out of a document that is not a feed at all."""
    try:
        parsed = feedparser.parse(
            content,
            response_headers=headers or {},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser should not raise, but hostile input is hostile
        raise FeedError(f"parser failed: {type(exc).__name__}: {exc}", feed.url) from None
    bozo = None
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        bozo = f"{type(problem).__name__}: {problem}" if problem else "not well-formed"
    entries: dict[str, Entry] = {}
    for raw in parsed.entries:
        entry = _entry(raw, feed, fetched_at)
        entries.setdefault(entry.id, entry)  # a feed listing one entry twice stores it once
    if not entries and bozo and not parsed.get("version"):
        raise FeedError(f"not a feed ({bozo})", feed.url)
    title = html_to_text(parsed.feed.get("title", "") or "")
    return ParsedFeed(title=title, entries=tuple(entries.values()), bozo=bozo)
