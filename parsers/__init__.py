"""Feeds to entries: fetch bytes, parse with feedparser, normalise. No database here."""

from parsers.feed import ParsedFeed, parse_feed
from parsers.fetch import FetchResult, fetch_feed

__all__ = ["FetchResult", "ParsedFeed", "fetch_feed", "parse_feed"]
