import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.text import (
    _fold_space,
    _normalise_split,
    _parsed_text,
    _simple_text,
    html_to_text,
    normalise_url,
)


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>One</p><p>Two</p>", "One\nTwo"),
        ("a &amp; b &lt;c&gt;", "a & b <c>"),
        ("&lt;p&gt;escaped &amp;amp; twice&lt;/p&gt;", "escaped & twice"),
        ("<script>alert(1)</script>Safe<style>p{}</style>", "Safe"),
        ("  lots   of\t\tspace \u00a0 here ", "lots of space here"),
        ("<img src=x onerror=alert(1)>after", "after"),
        ("plain text", "plain text"),
        ("", ""),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


@given(st.text())
def test_html_to_text_never_raises_and_drops_tags(markup: str) -> None:
    result = html_to_text(markup)
    assert "<script" not in result.lower() or "<script" in markup.lower()


@given(st.text(alphabet="<>&;/ \"'=abcdefghijklmnopqrstuvwxyz#!-", max_size=200))
def test_html_to_text_on_tag_soup(markup: str) -> None:
    html_to_text(markup)


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("HTTPS://Example.ORG/a?utm_source=rss&id=1#frag", "https://example.org/a?id=1"),
        ("http://example.org:80/x?fbclid=abc", "http://example.org/x"),
        ("https://example.org", "https://example.org/"),
        ("not a url", "not a url"),
    ],
)
def test_normalise_url(url: str, normal: str) -> None:
    assert normalise_url(url) == normal


# html.parser is slow; simple markup is read by a regex loop that must agree with it exactly
TAG_NAMES = ["p", "P", "br", "div", "a", "b", "img", "li", "script", "style", "title", "x1"]
SPACES = st.sampled_from([" ", "\n", "\t", "  ", "\u00a0", "\x0b", ""])
ATTRIBUTES = st.tuples(
    SPACES,
    st.sampled_from(["href", "src", "data-x", "_a", ":b", "a.b", "1x", "a/b", ""]),
    st.sampled_from(["", "=", " = ", "=="]),
    st.sampled_from(['"x"', "'y'", '"a>b"', "'<'", "bare", "bare/", '""', '"']),
).map("".join)
TAGS = st.builds(
    lambda close, name, attributes, space, slash: (
        f"<{close}{name}{''.join(attributes)}{space}{slash}>"
    ),
    st.sampled_from(["", "/", "/ "]),
    st.sampled_from(TAG_NAMES),
    st.lists(ATTRIBUTES, max_size=3),
    SPACES,
    st.sampled_from(["", "/", " /"]),
)
TEXT = st.text(alphabet="ab &;#>'\"=/!-\u00a0\n", max_size=12) | st.sampled_from(
    ["&amp;", "&lt;p&gt;", "&#x41;", "&#65", "&amp", "&nbsp;", "<!-- c -->", "<!x>", "<?p?>", "<"]
)


@given(st.lists(TAGS | TEXT, max_size=12).map("".join))
def test_simple_markup_reads_as_html_parser_reads_it(markup: str) -> None:
    simple = _simple_text(markup)
    assert simple is None or simple == _parsed_text(markup)


SIMPLE_TAGS = st.builds(
    lambda close, name, attributes, space, slash: (
        f"</{name}{space}>" if close else f"<{name}{''.join(attributes)}{space}{slash}>"
    ),
    st.booleans(),
    st.sampled_from(["p", "P", "br", "div", "a", "b", "img", "li", "x1"]),
    st.lists(
        st.tuples(
            st.sampled_from([" ", "\n", "\t "]),
            st.sampled_from(["href", "data-x", "_a", ":b", "a.b"]),
            st.sampled_from(["", "=", " = "]),
            st.sampled_from(['"x"', "'y'", '"&amp;"', '""']),
        ).map(lambda a: "".join(a) if a[2] else a[0] + a[1]),
        max_size=3,
    ),
    st.sampled_from(["", " ", "\n"]),
    st.sampled_from(["", "/"]),
)


@given(st.lists(SIMPLE_TAGS | st.text(alphabet="ab &;#>'\"=/!-\u00a0\n"), max_size=12).map("".join))
def test_simple_markup_takes_the_simple_path(markup: str) -> None:
    assert _simple_text(markup) == _parsed_text(markup)


@pytest.mark.parametrize(
    "markup",
    [
        "<p>One &amp; two</p><p>Three</p>",
        "A <a href=\"https://example.org/?a=1&amp;b=2\" class='x'>link</a> and <br/> more",
        "<DIV><b>Bold</b> &lt;escaped&gt;</DIV >",
    ],
)
def test_common_summaries_take_the_simple_path(markup: str) -> None:
    assert _simple_text(markup) == _parsed_text(markup)


@given(st.text(alphabet=" \t\r\n\f\v\u00a0\u200b\u2028\x1cab", max_size=40) | st.text())
def test_white_space_folds_as_its_definition_says(text: str) -> None:
    spaces = re.sub(r"[ \t\r\f\v\u00a0\u200b]+", " ", text)
    assert _fold_space(text) == re.sub(r"\s*\n\s*", "\n", spaces).strip()


URL_PARTS = st.sampled_from(
    [
        "http",
        "https",
        "HTTP",
        "ftp",
        "://",
        ":",
        "/",
        "//",
        "a",
        "B",
        "0",
        ".",
        "-",
        "example.org",
        ":80",
        ":443",
        "?",
        "q=1",
        "utm_source=x",
        "&",
        "#",
        "frag",
        "%20",
        "@",
        "[",
        "]",
        " ",
        "\t",
        "é",
        "~",
        ";",
        "=",
        "+",
        "'",
        "(",
        "\x00",
    ]  # fmt: skip
)


LINKS = st.builds(
    "{}{}{}{}".format,
    st.sampled_from(["http://", "https://", "HTTPS://", "http:/", " https://", "ftp://"]),
    st.text(alphabet="abZ09.-:@[]_é", min_size=0, max_size=12),
    st.sampled_from(["", "/", "/news/2025/03/20/a-b-1/", "//x", "/a?b=1", "/a#f", "/%41;x"]),
    st.text(alphabet="aZ/._~-!$&'()*+,;=:@%?# \t\n", max_size=8),
)


@given(LINKS | st.lists(URL_PARTS, max_size=12).map("".join) | st.text(max_size=30))
def test_plain_urls_normalise_as_urlsplit_does(url: str) -> None:
    assert normalise_url(url) == _normalise_split(url.strip())


# Links whose query holds tracking parameters only are normalised without urlsplit
QUERY_PAIRS = st.builds(
    "{}{}{}".format,
    st.sampled_from(["utm_source", "utm_medium", "fbclid", "ref", "id", "UTM_Source", "", "utm+x"]),
    st.sampled_from(["=", "", "=="]),
    st.text(alphabet="rs1=?/ %+é\t\n\x00#", max_size=6),
)
TRACKED_LINKS = st.builds(
    "{}{}?{}{}".format,
    st.sampled_from(
        ["https://example.org", "http://a.example", "HTTPS://Example.org", "https://x:443"]
    ),
    st.sampled_from(["", "/", "/news/2025/03/20/a-b-1/", "//x", "/a;b=1", "/%41"]),
    st.lists(QUERY_PAIRS, min_size=1, max_size=3).map("&".join),
    st.sampled_from(["", "#f", " ", "&"]),
)


@given(TRACKED_LINKS)
def test_tracked_urls_normalise_as_urlsplit_does(url: str) -> None:
    assert normalise_url(url) == _normalise_split(url.strip())


def test_tracking_only_query_is_dropped() -> None:
    url = "https://example.org/news/a-1/?utm_source=rss&utm_medium=feed"
    assert normalise_url(url) == "https://example.org/news/a-1/"
    assert normalise_url("https://example.org?ref=x") == "https://example.org/"
