"""A cued regex is tested for the substrings it needs before it scans: the test must never rule
out a text the regex matches."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims import analysis, breach, rules, terms, text
from claims.cues import Cued, could_match, needs, starts


def test_runs_of_literal_characters_are_needed() -> None:
    # a top-level alternation is a branch each: "hours after " or "hours since "
    found = needs(re.compile(r"\bhours (?:after|since) (?:the|a) deal\b"))
    assert found == (
        (("hours after ",), (" deal",), ("a", "the")),
        (("hours since ",), (" deal",), ("a", "the")),
    )


def test_each_branch_needs_its_own() -> None:
    # the common "\b" that `re` keeps apart from the branches is part of each
    found = needs(re.compile(r"\b(?:energy\b[\w ]{0,20}only|not\b[\w ]{0,20}ports)\b"))
    assert found == ((("energy",), ("only",)), (("ports",), ("not",)))


def test_a_substring_that_holds_another_is_left_out() -> None:
    assert needs(re.compile(r"\b(?:no|not|none|never)\b")) == ((("no",),), (("never",),))


def test_what_need_not_be_there_is_not_needed() -> None:
    assert needs(re.compile(r"(?:x|y)?z*\d+")) is None
    assert needs(re.compile(r"(?:energy)?\d")) is None
    assert needs(re.compile("energy", re.IGNORECASE)) is None  # "Energy" has no "energy"
    assert needs(re.compile("(?i:energy) sites")) == (((" sites",),),)
    assert needs(re.compile(r"(?:halt)+ed")) == ((("halt",), ("ed",)),)


def test_a_text_without_what_is_needed_is_not_scanned() -> None:
    cued = Cued(r"\b(?:full|total)\b[\w ]{0,20}\btruce\b")
    assert cued.needs is not None
    assert not could_match(cued.needs, "a truce was agreed")
    assert cued.search("a truce was agreed") is None
    assert cued.search("a full truce was agreed") is not None
    assert [m.span() for m in cued.finditer("a full truce, a total truce")] == [(2, 12), (16, 27)]


def test_where_a_match_can_begin() -> None:
    # "\\b" and lookbehinds take no character; a text that begins with another is left out
    assert starts(re.compile(r"\b(?:no|zero|not one)\s+(?:attacks|strikes)")) == (
        ("no", "zero"),
        True,
    )
    assert starts(re.compile(r"\benergy\b|moratorium")) == (("energy", "moratorium"), False)
    assert starts(re.compile(r"(?<!\d )may(?! \d)|[,;] but")) == ((",", ";", "may"), False)
    assert starts(re.compile(r"\b(?:the )?(?:pause|halt)")) == (("halt", "pause", "the "), True)
    # anything may begin a match: the regex scans as it would
    assert starts(re.compile(r"\b\d+ days")) is None
    assert starts(re.compile(r"\b(?:on )?\w+day")) is None
    assert starts(re.compile(r"(?:x)?")) is None
    assert starts(re.compile("energy", re.IGNORECASE)) is None


def test_a_cued_regex_is_tried_only_where_a_match_can_begin() -> None:
    cued = Cued(r"\b(?:in|during) (?:the )?(?:pause|truce)\b")
    text = "mining in the pause, during truce talks, within the truce"
    assert [m.span() for m in cued.finditer(text)] == [m.span() for m in cued.regex.finditer(text)]
    assert cued.search(text, 10).span() == cued.regex.search(text, 10).span()  # type: ignore[union-attr]
    assert cued.search(text, 0, 15) is None


CUED = [
    value
    for module in (analysis, breach, rules, terms, text)
    for value in vars(module).values()
    if isinstance(value, Cued)
]
# words of the cued patterns, and others
VOCABULARY = [
    "no",
    "not",
    "n't",
    "energy",
    "only",
    "infrastructure",
    "ports",
    "attacks",
    "were",
    "recorded",
    "on",
    "full",
    "ceasefire",
    "truce",
    "moratorium",
    "expired",
    "ended",
    "since",
    "during",
    "the",
    "pause",
    "until",
    "indefinitely",
    "yesterday",
    "last",
    "night",
    "overnight",
    "monday",
    "would",
    "may",
    "march",
    "18",
    "strikes",
    "facilities",
    "hit",
    "does",
    "apply",
    "to",
    "a",
]


@pytest.mark.parametrize("cued", CUED, ids=lambda c: c.pattern[:40])
@given(st.lists(st.sampled_from(VOCABULARY), max_size=12), st.sampled_from([" ", ", ", "-"]))
@settings(max_examples=150, deadline=None)
def test_a_cued_regex_matches_what_the_regex_matches(
    cued: Cued, words: list[str], gap: str
) -> None:
    sentence = gap.join(words)
    assert (cued.search(sentence) is None) == (cued.regex.search(sentence) is None)
    # where it begins and ends too, in part of the text as in the whole
    middle = (len(sentence) // 3, 2 * len(sentence) // 3 + 1)
    for pos, endpos in ((0, len(sentence)), middle):
        found = cued.search(sentence, pos, endpos)
        expected = cued.regex.search(sentence, pos, endpos)
        assert (found and found.span()) == (expected and expected.span())
        spans = [m.span() for m in cued.finditer(sentence, pos, endpos)]
        assert spans == [m.span() for m in cued.regex.finditer(sentence, pos, endpos)]
    assert (
        cued.needs is None
        or cued.regex.search(sentence) is None
        or could_match(cued.needs, sentence)
    )
