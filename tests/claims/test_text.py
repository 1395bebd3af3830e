"""Sentence splitting: the boundary regex that matches the stop must split as the one that looks
behind at it (slower to search for, and how it was first written)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.text import (
    _ABBREVIATIONS,
    _DATELINE,
    _END,
    _EXPLICIT,
    _KICKER,
    MONTHS,
    _boundaries,
    _explicit,
    _label,
    names_month,
    split_sentences,
)

_PLAIN_END = re.compile(
    r"""(?<=[.!?])["'\u201d\u2019)\]]*\s+(?=["'\u201c\u2018(\[]?[A-Z0-9\u0400-\u04ff])"""
)


def _plain_split(text: str) -> list[tuple[int, int]]:
    """split_sentences as first written, with _PLAIN_END (lines and bullets as now)."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n\u2022\s][^\n\u2022]*", text):
        start = line.start()
        for boundary in _PLAIN_END.finditer(text, line.start(), line.end()):
            before = text[start : boundary.start()].rstrip("\"'\u201d\u2019)]")
            word = before.rsplit(None, 1)[-1].lower().rstrip(".") if before.strip() else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            spans.append((start, boundary.start()))
            start = boundary.end()
        spans.append((start, line.end()))
    return [
        (s, e)
        for s, e in ((s, e - (len(text[s:e]) - len(text[s:e].rstrip()))) for s, e in spans)
        if e > s
    ]


PIECES = ["Kyiv", "said", "Mr", "U.S", "a", "B", "7", "\u041a\u0438\u0435\u0432", ".", "..", "!"]
PIECES += ["?", '"', "'", "\u201d", "\u2019", "\u201c", "(", ")", "]", "[", " ", "  ", "\n", "\t"]
PIECES += ["\u2022"]


@given(st.lists(st.sampled_from(PIECES), max_size=40))
@settings(max_examples=500, deadline=None)
def test_the_boundary_splits_as_the_plain_one(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert split_sentences(text) == _plain_split(text)


def test_a_bullet_begins_a_sentence() -> None:
    text = "Key events on April 3: \u2022 Drones hit Kharkiv \u2022 The Kremlin said no.\n  Power is out."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Key events on April 3:",
        "Drones hit Kharkiv",
        "The Kremlin said no.",
        "Power is out.",
    ]


def test_a_stop_inside_a_quote_ends_the_sentence() -> None:
    assert split_sentences('He said "no." Then he left.') == [(0, 12), (14, 27)]


@pytest.mark.parametrize(
    "dateline",
    [
        "KYIV, March 20 (Reuters) - ",
        "MOSCOW (AP) \u2014 ",
        "JEDDAH, Saudi Arabia (AP) - ",
        "MOSCOW, March 20. /TASS/. ",
        "KYIV, 20 March (Interfax-Ukraine) \u2013 ",
    ],
)
def test_a_wire_dateline_is_in_no_sentence(dateline: str) -> None:
    title = "Drones hit a substation"
    text = f"{title}\n{dateline}Russian drones hit a substation. Power is out."
    start = len(title) + 1 + len(dateline)
    assert split_sentences(text)[1:] == [(start, start + 32), (start + 33, len(text))]


@pytest.mark.parametrize(
    "label", ["UPDATE 2-", "EXCLUSIVE-", "LIVE: ", "Russia-Ukraine war live: ", "BREAKING: "]
)
def test_a_headline_label_is_in_no_sentence(label: str) -> None:
    text = f"{label}Kremlin: Putin ordered a halt"
    assert split_sentences(text) == [(len(label), len(text))]


def test_words_in_brackets_are_no_dateline() -> None:
    text = "Russia's Defence Ministry (MoD) said drones were downed."
    assert split_sentences(text) == [(0, len(text))]


@given(
    st.lists(
        st.sampled_from(
            [
                "ja",
                "nu",
                "ary",
                "feb",
                "ru",
                "mar",
                "ch",
                "ma",
                "y",
                "ju",
                "ne",
                "ly",
                "ap",
                "ril",
                "au",
                "gust",
                "sep",
                "tem",
                "ber",
                "oc",
                "to",
                "no",
                "v",
                "de",
                "ce",
                " ",
            ]
        ),
        max_size=12,
    )
)
@settings(max_examples=500, deadline=None)
def test_a_month_is_named_as_a_test_of_each_name_tells(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert names_month(text) == any(month in text for month in MONTHS)


LABEL_PIECES = ["KYIV", "Saudi", "March", "20", "(Reuters)", "(AP)", "/TASS/", "UPDATE 2", "LIVE"]
LABEL_PIECES += [
    "Live updates",
    "EXCLUSIVE",
    "war live",
    "a",
    " ",
    ", ",
    ".",
    "-",
    ":",
    "|",
    "\u2014",
]


@given(st.lists(st.sampled_from(LABEL_PIECES), max_size=12))
@settings(max_examples=500, deadline=None)
def test_a_label_is_found_as_the_two_regexes_find_it(pieces: list[str]) -> None:
    text = "".join(pieces)
    expected = _DATELINE.match(text, 0, len(text)) or _KICKER.match(text, 0, len(text))
    found = _label(text, 0, len(text))
    assert (found and found.span()) == (expected and expected.span())


DATE_PIECES = ["14", "3", "2024", "1st", "march", "may", "june", "of", "a", ",", " ", "  ", "-"]


@given(st.lists(st.sampled_from(DATE_PIECES), max_size=14))
@settings(max_examples=500, deadline=None)
def test_dates_are_found_as_a_scan_finds_them(pieces: list[str]) -> None:
    text = "".join(pieces)
    expected = [(m.span(), m.groups()) for m in _EXPLICIT.finditer(text)]
    assert [(m.span(), m.groups()) for m in _explicit(text)] == expected


@given(st.lists(st.sampled_from(PIECES), max_size=40), st.integers(0, 40), st.integers(0, 80))
@settings(max_examples=500, deadline=None)
def test_boundaries_are_found_as_a_scan_finds_them(pieces: list[str], start: int, end: int) -> None:
    text = "".join(pieces)
    expected = [m.span() for m in _END.finditer(text, start, end)]
    assert [m.span() for m in _boundaries(text, start, end)] == expected
