"""Feed bytes to normalised entries. feedparser parses; we decide identity, dates and text."""

from __future__ import annotations

import calendar
import hashlib
import re
import time
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
                value = _utc(parsed)
            except (OverflowError, ValueError, OSError):
                continue
            if _EARLIEST <= value.year < _LATEST:
                return value
    return None


def _utc(parsed: time.struct_time) -> datetime:
    """The UTC moment of feedparser's time tuple, as `fromtimestamp(timegm(parsed), UTC)`: the
    fields themselves when they make a valid date and time (calendar.timegm is Python code,
    ~2 us an entry); only out-of-range fields (a 31 February, a leap second) roll over."""
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (ValueError, TypeError):
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def _stamp(moment: datetime) -> str:
    """`moment.strftime("%Y-%m-%dT%H:%M:%SZ")` (~4 us): for a moment in UTC (what _timestamp
    returns) with a four-digit year, the start of its isoformat; strftime for the rest (the
    fetch time may be in another zone: it is written as it is, as before)."""
    if moment.tzinfo is UTC and moment.year >= 1000:
        return moment.isoformat()[:19] + "Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


# Every ASCII byte that \w does not match, as a space; the rest (bytes of other characters too)
# as they are.
_ASCII_GAPS = bytes(
    b if b >= 0x80 or chr(b).isalnum() or b == ord("_") else ord(" ") for b in range(256)
)


def _encoded_words(text: str) -> list[bytes]:
    """`_WORDS.findall(text)`, each word UTF-8 encoded, without the regex for most of the text:
    ASCII characters that are not word characters split the encoded text (bytes.translate and
    split, ~6 times faster than findall), and only the pieces holding other characters (a
    curly quote, a Cyrillic word) go to the regex. The regex never matches across those ASCII
    characters, so its words are the same."""
    pieces = text.encode("utf-8", "surrogatepass").translate(_ASCII_GAPS).split()
    if text.isascii():
        return pieces
    words: list[bytes] = []
    for piece in pieces:
        if piece.isascii():
            words.append(piece)
        else:
            found = _WORDS.findall(piece.decode("utf-8", "surrogatepass"))
            words.extend(word.encode("utf-8", "surrogatepass") for word in found)
    return words


def story_key(title: str, summary: str) -> str:
    """Same words in the same order: copies of one wire story share this key."""
    return _story_key(_encoded_words(f"{title} {summary}".lower()))


def _story_key(words: list[bytes]) -> str:
    # the same digest as _digest(" ".join(words)) of the words as text
    return hashlib.sha256(b" ".join(words)).hexdigest()[:16]


def simhash(text: str) -> int:
    """64-bit SimHash over word 3-shingles, as a signed integer (SQLite's INTEGER): near-same
    texts (a wire story lightly edited by a second outlet) differ in a few bits. 0 for texts
    too short to tell."""
    return _simhash(_encoded_words(text.lower()))


# A blake2b state with the shingle digest's size set: copying it costs less than building one
# with digest_size= (keyword arguments are parsed on every call), and gives the same digest.
_BLAKE2B_8 = hashlib.blake2b(digest_size=8)
# Per shingle count: eight masks with one bit set in every byte of a column of that many bytes
# (a column holds one byte position of every shingle's digest), most significant bit first.
_COLUMN_MASKS: dict[int, tuple[int, ...]] = {}


def _simhash(encoded: list[bytes]) -> int:
    if len(encoded) < 8:
        return 0
    copy = _BLAKE2B_8.copy
    digests: list[bytes] = []
    append = digests.append
    # the shorter slices end the zip: one shingle per three consecutive words
    for shingle in map(b" ".join, zip(encoded, encoded[1:], encoded[2:], strict=False)):
        state = copy()
        state.update(shingle)
        append(state.digest())
    joined = b"".join(digests)
    shingles = len(digests)
    masks = _COLUMN_MASKS.get(shingles)
    if masks is None:
        ones = int.from_bytes(b"\x01" * shingles, "big")
        masks = _COLUMN_MASKS[shingles] = tuple(ones << bit for bit in range(7, -1, -1))
    # bit b of a column's int, masked and counted, tallies how many shingles have that bit:
    # set in the result when most do (2 * count > shingles), most significant bit first.
    # (A loop over bits per shingle in Python cost more than feedparser's whole parse.)
    half = shingles // 2
    columns = [int.from_bytes(joined[byte::8], "big") for byte in range(8)]
    result = int("".join(["01"[(c & m).bit_count() > half] for c in columns for m in masks]), 2)
    return result - (1 << 64) if result >= 1 << 63 else result


def _entry(raw: Any, feed: Feed, fetched_at: datetime) -> Entry:
    # dict.get, not FeedParserDict.get: none of these keys is one it aliases or special-cases
    # ("guid" is, to "id": asked the aliased way it is the same lookup as "id"), and its own
    # get costs several Python calls per key
    get = dict.get
    title = html_to_text(get(raw, "title", "") or "")
    content = get(raw, "content") or []
    body = get(raw, "summary", "") or (content[0].get("value", "") if content else "")
    summary = html_to_text(body)
    link = get(raw, "link", "") or ""
    url = normalise_url(link) if link else ""
    when = _timestamp(raw)
    dated = when is not None
    published = _stamp(when or fetched_at)
    key = get(raw, "id") or raw.get("guid") or url
    if not key:
        key = "hash:" + _digest(title, published if dated else "")
    words = _encoded_words(f"{title} {summary}".lower())  # one word list for both keys
    return Entry(
        id=_digest(feed.id, str(key))[:20],
        feed_id=feed.id,
        url=url,
        title=title,
        summary=summary,
        published=published,
        dated=dated,
        content_hash=_digest(title, summary)[:16],
        story_key=_story_key(words),
        simhash=_simhash(words),
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
