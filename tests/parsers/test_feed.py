"""Each tricky feed shape is a data file in tests/data/feeds with its expectation beside it."""

import calendar
import hashlib
import json
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers import parse_feed
from parsers.feed import _WORDS, _encoded_words, _stamp, _utc, simhash
from parsers.fetch import fetch_feed
from truce.errors import FeedError
from truce.records import Feed

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpora"
FETCHED = datetime(2025, 3, 20, 5, 0, tzinfo=UTC)
FEED = Feed(id="case", url="case", outlet="Case")


@pytest.mark.parametrize("case", sorted(p.stem for p in DATA.glob("*.xml")))
def test_feed_case(case: str) -> None:
    expect = json.loads((DATA / f"{case}.expect.json").read_text(encoding="utf-8"))
    parsed = parse_feed((DATA / f"{case}.xml").read_bytes(), {}, FEED, FETCHED)
    entries = parsed.entries
    assert len(entries) == expect["entries"]
    for key, attribute in (
        ("titles", "title"),
        ("summaries", "summary"),
        ("urls", "url"),
        ("published", "published"),
        ("dated", "dated"),
    ):
        if key in expect:
            assert [getattr(e, attribute) for e in entries] == expect[key]
    assert bool(parsed.bozo) == expect.get("bozo", False)
    assert len({e.id for e in entries}) == len(entries)


def test_entry_ids_are_stable_across_parses() -> None:
    content = (DATA / "no_dates_no_guid.xml").read_bytes()
    first = parse_feed(content, {}, FEED, FETCHED)
    again = parse_feed(content, {}, FEED, datetime(2025, 4, 1, tzinfo=UTC))
    assert [e.id for e in first.entries] == [e.id for e in again.entries]


def test_not_a_feed_raises_feed_error() -> None:
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(b"\x00\x01 binary junk", {}, FEED, FETCHED)


def test_missing_local_file_is_a_feed_error(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="no such file"):
        fetch_feed(str(tmp_path / "missing.xml"))


def test_file_url_is_read(tmp_path: Path) -> None:
    path = tmp_path / "f.xml"
    path.write_bytes(b"<rss/>")
    assert fetch_feed(path.as_uri()).content == b"<rss/>"


OUTLETS = SHARED / "outlet-shapes"


@pytest.mark.skipif(
    not OUTLETS.is_dir(),
    reason="../shared/corpora/outlet-shapes is absent "
    "(publishers' feeds are read from there, never copied into the project)",
)
@pytest.mark.parametrize(
    "name", sorted(p.name for p in OUTLETS.glob("*.xml")) if OUTLETS.is_dir() else []
)
def test_real_outlet_feeds_parse_to_clean_entries(name: str) -> None:
    import feedparser

    content = (OUTLETS / name).read_bytes()
    parsed = parse_feed(content, {}, FEED, FETCHED)
    reference = feedparser.parse(content)
    assert 0 < len(parsed.entries) <= len(reference.entries)
    for entry in parsed.entries:
        assert entry.title or entry.summary
        assert "<" not in entry.title or ">" not in entry.title  # no markup left
        assert entry.published.endswith("Z")


def reference_simhash(text: str) -> int:
    """SimHash as defined: per bit, +1 for each shingle that has it, -1 for each that has not."""
    words = _WORDS.findall(text.lower())
    if len(words) < 8:
        return 0
    counts = [0] * 64
    for i in range(len(words) - 2):
        shingle = " ".join(words[i : i + 3]).encode("utf-8", "surrogatepass")
        value = int.from_bytes(hashlib.blake2b(shingle, digest_size=8).digest(), "big")
        for bit in range(64):
            counts[bit] += 1 if value >> bit & 1 else -1
    result = sum(1 << bit for bit in range(64) if counts[bit] > 0)
    return result - (1 << 64) if result >= 1 << 63 else result


WORDS = st.sampled_from(["strike", "on", "the", "Kherson", "substation", "said", "30", "день"])


@given(st.lists(WORDS, max_size=80).map(" ".join) | st.text(max_size=400))
def test_simhash_matches_its_definition(text: str) -> None:
    """Stored SimHashes must not change when the computation gets faster."""
    assert simhash(text) == reference_simhash(text)


@given(
    st.lists(
        WORDS | st.sampled_from(["it\u2019s", "\u201cwar\u201d", "a\u00a0b", "\u2014"]), max_size=40
    ).map(" ".join)
    | st.text(max_size=200)
)
def test_encoded_words_are_the_regex_words(text: str) -> None:
    """The fast word split gives the regex's words, so story keys and SimHashes stay as stored."""
    assert _encoded_words(text) == [
        w.encode("utf-8", "surrogatepass") for w in _WORDS.findall(text)
    ]


# Time tuples as feedparser gives them, and some it should not (a 31 February, a leap second,
# years out of range): read from their fields, they must give what timegm made of them
TIME_TUPLES = st.tuples(
    st.integers(-1, 10000), st.integers(0, 13), st.integers(0, 32), st.integers(-1, 24),
    st.integers(-1, 60), st.integers(-1, 61), st.integers(0, 6), st.integers(0, 366),
    st.integers(-1, 1),
).map(time.struct_time)  # fmt: skip


def _timegm_utc(parsed: time.struct_time) -> datetime | type:
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, OSError) as exc:
        return type(exc)


@given(TIME_TUPLES)
def test_time_tuples_read_as_timegm_does(parsed: time.struct_time) -> None:
    try:
        moment: datetime | type = _utc(parsed)
    except (OverflowError, ValueError, OSError) as exc:
        moment = type(exc)
    expected = _timegm_utc(parsed)
    assert moment == expected if isinstance(expected, datetime) else isinstance(moment, type)


@given(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from([UTC, timezone(timedelta(hours=2)), None]),
)
def test_stamps_as_strftime_writes_them(moment: datetime, zone: timezone | None) -> None:
    moment = moment.replace(tzinfo=zone)
    assert _stamp(moment) == moment.strftime("%Y-%m-%dT%H:%M:%SZ")
