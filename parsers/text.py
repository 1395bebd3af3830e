"""HTML to clean text, and URL normalisation for entry identity."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_SKIP = {"script", "style", "noscript", "template", "iframe", "object", "svg", "head"}
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "blockquote",
    "section",
    "article",
    "figure",
    "figcaption",
    "table",
    "hr",
}
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_LINES = re.compile(r"\s*\n\s*")
_ESCAPED_TAG = re.compile(
    r"</?(?:p|a|b|i|u|em|strong|br|div|span|img|script|style|ul|ol|li|h[1-6]|iframe|figure|"
    r"blockquote|table|tr|td|section|article|small|sup|sub)\b[^>]*>",
    re.IGNORECASE,
)
_TRACKING = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|mc_[a-z]+|at_[a-z]+|ref|cmpid|ocid|icid|ns_[a-z]+)$"
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment: scripts and styles dropped, entities decoded,
    whitespace folded, paragraphs kept as single newlines."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        text = markup
    else:
        extractor = _TextExtractor()
        try:
            extractor.feed(markup)
            extractor.close()
            text = "".join(extractor.parts)
        except Exception:  # html.parser is lenient; this is a last resort for hostile input
            text = re.sub(r"<[^>]*>", " ", markup)
        text = html.unescape(text)
        if _ESCAPED_TAG.search(text) and text != markup:
            return html_to_text(text)  # the feed escaped its HTML twice
    text = _SPACE.sub(" ", text)
    return _LINES.sub("\n", text).strip()


def normalise_url(url: str) -> str:
    """Scheme and host lower-cased, tracking parameters and fragment dropped."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k.lower())
        ]
    )
    netloc = parts.netloc.lower()
    if netloc.endswith(":80") and parts.scheme.lower() == "http":
        netloc = netloc[:-3]
    if netloc.endswith(":443") and parts.scheme.lower() == "https":
        netloc = netloc[:-4]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))
