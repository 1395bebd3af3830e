"""HTML to clean text, and URL normalisation for entry identity."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
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
# Runs of spaces become one space. Only the runs that change are matched: a single plain space
# is most of a text's white space, and replacing each by itself cost more than parsing the HTML.
_SPACE = re.compile(r"[\t\r\f\v\u00a0\u200b][ \t\r\f\v\u00a0\u200b]*| [ \t\r\f\v\u00a0\u200b]+")
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


# Markup simple enough to read without html.parser: tags with a plain name and quoted
# attributes, none of them in _SKIP. For such markup html.parser reports each tag as one start
# tag (both for `<br/>`), end tag or data run (entities decoded per run), exactly as the
# loop in _simple_text does; anything else (comments, declarations, bare attribute values, a
# stray "<", other whitespace) goes to html.parser. tests/parsers/test_text.py holds them equal.
# elements whose content some html.parser versions read as raw text: left to html.parser
_RAW_TEXT = {"title", "textarea", "xmp", "noembed", "noframes", "plaintext"}
_WS = r"[ \t\n\r\f]"  # not \s: html.parser reads other white space as part of a tag name
_ATTRIBUTE = rf"""{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_WS}*={_WS}*(?:"[^"<>]*"|'[^'<>]*'))?"""
_SIMPLE_TAG = re.compile(
    rf"<([a-zA-Z][a-zA-Z0-9]*)(?:{_ATTRIBUTE})*+{_WS}*(/?)>|</([a-zA-Z][a-zA-Z0-9]*){_WS}*>"
)


def _parsed_text(markup: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return "".join(extractor.parts)


def _simple_text(markup: str) -> str | None:
    """What _parsed_text returns, for simple markup (html.parser costs ~50 us a summary); None
    for anything else."""
    parts: list[str] = []
    start = 0
    while (tag := markup.find("<", start)) >= 0:
        match = _SIMPLE_TAG.match(markup, tag)
        if match is None:
            return None
        if tag > start:
            parts.append(html.unescape(markup[start:tag]))
        name = (match[1] or match[3]).lower()
        if name in _SKIP or name in _RAW_TEXT:
            return None
        if name in _BLOCK:
            parts.append("\n\n" if match[2] else "\n")  # `<br/>`: a start and an end tag
        start = match.end()
    if start < len(markup):
        parts.append(html.unescape(markup[start:]))
    return "".join(parts)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment: scripts and styles dropped, entities decoded,
    whitespace folded, paragraphs kept as single newlines."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        text = markup
    else:
        simple = _simple_text(markup)
        if simple is not None:
            text = simple
        else:
            try:
                text = _parsed_text(markup)
            except Exception:  # html.parser is lenient; this is a last resort for hostile input
                text = re.sub(r"<[^>]*>", " ", markup)
        text = html.unescape(text)
        # (the pattern starts with "<": most texts have none, and `in` costs less than a search)
        if "<" in text and _ESCAPED_TAG.search(text) and text != markup:
            return html_to_text(text)  # the feed escaped its HTML twice
    return _fold_space(text)


def _fold_space(text: str) -> str:
    """Runs of spaces as one space, white space around line breaks as one line break, no white
    space at either end: `\\s*\\n\\s*` replaced by a line break, and strip(), without a regex
    that tries every position."""
    # _SPACE matches only at one of these: most texts have none, and looking for each costs
    # less than the regex's pass over the text (~5 us a summary)
    if (
        "  " in text
        or "\t" in text
        or "\r" in text
        or "\f" in text
        or "\v" in text
        or "\u00a0" in text
        or "\u200b" in text
    ):
        text = _SPACE.sub(" ", text)
    return "\n".join(filter(None, map(str.strip, text.split("\n"))))


# An http(s) URL already in normal form: lower-case host without port, user or brackets, no
# query or fragment, nothing urlsplit would strip. Most article links are; urlsplit and
# urlunsplit cost ~10 us and would give it back unchanged ("/" added to a bare host).
_PLAIN_URL = re.compile(r"https?://[a-z0-9][a-z0-9.-]*(/[-A-Za-z0-9._~!$&'()*+,;=:@%/]*)?")
# Such a URL with a query of plain `name=value` pairs and no fragment (a fifth of the links of
# some feeds carry `?utm_source=rss&utm_medium=feed`): when every name is a tracking parameter,
# the normal form is the URL without its query, and urlsplit's ~25 us can be skipped. Names of
# lower-case letters and "_" read the same after parse_qsl's unquoting and lower().
_TRACKED_URL = re.compile(
    r"(https?://[a-z0-9][a-z0-9.-]*(/[-A-Za-z0-9._~!$&'()*+,;=:@%/]*)?)"
    r"\?([a-z_]+=[^&#]*(?:&[a-z_]+=[^&#]*)*)"
)


def normalise_url(url: str) -> str:
    """Scheme and host lower-cased, tracking parameters and fragment dropped."""
    url = url.strip()
    plain = _PLAIN_URL.fullmatch(url)
    if plain:
        return url if plain[1] else url + "/"
    tracked = _TRACKED_URL.fullmatch(url)
    if tracked and all(_tracking_only(tracked[3])):
        return tracked[1] if tracked[2] else tracked[1] + "/"
    return _normalise_split(url)


def _tracking_only(query: str) -> Iterator[bool]:
    """For each `name=value` pair of a query, whether the name is a tracking parameter."""
    return (_TRACKING.match(pair.partition("=")[0]) is not None for pair in query.split("&"))


def _normalise_split(url: str) -> str:
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
