"""The word index must find exactly what a plain regex scan finds: it only skips words where
no match can begin."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.analysis import analyse
from claims.engine import Engine
from claims.lexicon import WordList, lower_pattern, words
from truce.config import load_lexicon, load_story


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_story(), *load_lexicon())


def test_lower_case_keeps_escapes() -> None:
    assert lower_pattern(r"U\.S\.|\W+Kyiv\S") == r"u\.s\.|\W+kyiv\S"
    assert words([r"Kyiv\Wbased"]).search("kyiv;based") is not None


def test_a_word_list_matches_whole_words_only() -> None:
    strike = words(["strikes?"])
    assert strike.search("a drone strike") is not None
    assert strike.search("strikebreakers and the anti-strike law") is None


# words the story's lists begin with, words they end with, and their neighbours
VOCABULARY = [
    "russian",
    "drones",
    "struck",
    "hit",
    "a",
    "the",
    "energy",
    "power",
    "plant",
    "plants",
    "thermal",
    "substation",
    "oil",
    "depot",
    "kyiv",
    "kyiv's",
    "zaporizhzhia",
    "region",
    "ukraine's",
    "ukrainian",
    "forces",
    "no",
    "not",
    "attacks",
    "strike",
    "on",
    "in",
    "moratorium",
    "ceasefire",
    "truce",
    "halt",
    "agreed",
    "kremlin",
    "said",
    "peskov",
    "u.s.",
    "white",
    "house",
    "grid-wide",
    "debris",
    "fell",
    "attack",
    "drones",
    "30-day",
    "since",
    "march",
    "18",
    "april",
    "expired",
    "water",
    "pumping",
    "station",
    "chernihivoblenergo",
    "naftogaz",
    "gas",
    "compressor",
    "station",
    "it's",
    "'",
    "’s",
    ",",
    ";",
    "—",
    "(",
    ")",
    ".",
    "-",
]


@given(
    st.lists(
        st.tuples(st.sampled_from(VOCABULARY), st.sampled_from([" ", " ", "", "-", ", "])),
        min_size=1,
        max_size=30,
    )
)
@settings(max_examples=300, deadline=None)
def test_the_word_index_finds_what_a_regex_scan_finds(
    engine: Engine, tokens: list[tuple[str, str]]
) -> None:
    text = "".join(word + gap for word, gap in tokens)
    sentence = analyse(engine.lex, text, 0)
    for wl in engine.lex.lists:
        expected = [m.span() for m in wl.regex.finditer(sentence.low)]
        assert [m.span() for m in sentence.find(wl)] == expected, wl.regex.pattern[:80]
        assert sentence.has(wl) == bool(expected)


def test_every_list_is_indexed(engine: Engine) -> None:
    lists = [v for v in vars(engine.lex).values() if isinstance(v, WordList)]
    assert lists and all(wl in engine.lex.lists for wl in lists)
