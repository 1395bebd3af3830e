import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.text import html_to_text, normalise_url


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
