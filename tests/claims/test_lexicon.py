"""The word index must find exactly what a plain regex scan finds: it only skips words where
no match can begin."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.analysis import _CLAUSE, _TOKEN, Phrase, Sentence, _lists_ahead, _scan, analyse
from claims.engine import Engine
from claims.lexicon import WordList, lower, lower_pattern, words
from truce.config import load_lexicon, load_story


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_story(), *load_lexicon())


def test_lower_case_keeps_escapes() -> None:
    assert lower_pattern(r"U\.S\.|\W+Kyiv\S") == r"u\.s\.|\W+kyiv\S"
    assert words([r"Kyiv\Wbased"]).search("kyiv;based") is not None


@pytest.mark.parametrize(
    "text",
    [
        "the deal is 'effectively dead'",
        'the deal is "effectively" dead',
        "the deal is effectively dead",
    ],
)
def test_a_quote_between_words_is_a_space(text: str) -> None:
    assert words(["(?:is|was) (?:effectively )?dead"]).search(text) is not None


@pytest.mark.parametrize("text", ["a thermalplant", "a thermal plant", "a 'thermal' plant"])
def test_an_optional_space_stays_optional_with_quotes_around_it(text: str) -> None:
    assert words(["thermal ?plants?"]).search(text) is not None


def test_a_lookbehind_keeps_its_spaces() -> None:
    vehicle = words(["(?<!aerial )vehicles?"])
    assert vehicle.search("an aerial vehicle") is None
    assert vehicle.search("a 'vehicle'") is not None


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


def sentences(vocabulary: list[str]) -> st.SearchStrategy[str]:
    """Up to 30 of these words, joined by spaces, hyphens, commas or nothing."""
    words = st.tuples(st.sampled_from(vocabulary), st.sampled_from([" ", " ", "", "-", ", "]))
    return st.lists(words, min_size=1, max_size=30).map(lambda ws: "".join(w + g for w, g in ws))


@given(sentences(VOCABULARY))
@settings(max_examples=300, deadline=None)
def test_the_word_index_finds_what_a_regex_scan_finds(engine: Engine, text: str) -> None:
    sentence = analyse(engine.lex, text, 0)
    for wl in engine.lex.lists:
        expected = [m.span() for m in wl.regex.finditer(sentence.low)]
        assert [m.span() for m in sentence.find(wl)] == expected, wl.regex.pattern[:80]
        assert sentence.has(wl) == bool(expected)


@given(sentences(VOCABULARY))
@settings(max_examples=200, deadline=None)
def test_a_list_cut_by_first_character_matches_as_its_regex(engine: Engine, text: str) -> None:
    low = text.lower()
    for wl in engine.lex.lists:
        for pos in range(len(low)):
            for endpos in (len(low), (pos + len(low)) // 2 + 1):
                expected = wl.regex.match(low, pos, endpos)
                found = wl.match_word(low, pos, endpos)
                assert (found and found.span()) == (expected and expected.span()), (pos, endpos)


def plain_tokens(low: str) -> list[tuple[int, int, str]]:
    """The tokens of a plain scan: quotes around words and final dots trimmed, a possessive
    keeps its "'s"."""
    tokens = [(m.start(), m.end(), m[0]) for m in _TOKEN.finditer(low)]
    for index, (start, end, token) in enumerate(tokens):
        if token[-1] in ".'\u2018\u2019" or token[0] in "'\u2018\u2019":
            trimmed = token.rstrip(".'\u2018\u2019")
            if trimmed.endswith(("'s", "\u2019s")) or not trimmed:
                trimmed = token.rstrip(".")
            lead = len(trimmed) - len(trimmed.lstrip("'\u2018\u2019"))
            if lead < len(trimmed):
                tokens[index] = (start + lead, end, trimmed[lead:])
    return tokens


# place names and their neighbours, for the one-pass scan
PLACE_VOCABULARY = [
    *VOCABULARY,
    "oblast",
    "kryvyi",
    "rih",
    "rih's",
    "kherson",
    "city",
    "russia",
    "russia\u2019s",
    "but",
    "...",
    "kyiv.",
    "\u201c",
    "!",
    "'kherson",
    "kyiv's'",
    "'but'",
    "\u2018odesa\u2019",
    "'",
    "'.",
]


@given(sentences(PLACE_VOCABULARY))
@settings(max_examples=300, deadline=None)
def test_the_one_pass_scan_finds_the_tokens_and_places_of_a_plain_scan(
    engine: Engine, text: str
) -> None:
    low = lower(text)
    sentence = Sentence(text=low, offset=0, low=low)
    _scan(engine.lex, sentence)
    assert sentence.tokens == plain_tokens(low)
    assert sentence.token_starts == [start for start, _end, _text in sentence.tokens]
    words_only = [t for t in sentence.tokens if t[2] not in _CLAUSE]
    assert [(p.start, p.end, p.place) for p in sentence.places] == engine.lex.find_places(
        words_only
    )


def test_every_list_is_indexed(engine: Engine) -> None:
    # dir(), not vars(): a compiled Lexicon has no __dict__
    found = (getattr(engine.lex, name) for name in dir(engine.lex))
    lists = [v for v in found if isinstance(v, WordList)]
    assert lists and all(wl in engine.lex.lists for wl in lists)


@given(sentences(VOCABULARY), st.data())
@settings(max_examples=200, deadline=None)
def test_a_search_in_part_of_a_sentence_finds_what_a_regex_scan_finds(
    engine: Engine, text: str, data: st.DataObject
) -> None:
    sentence = analyse(engine.lex, text, 0)
    # the bounds rules search between: token starts (a clause, the text before a cue)
    bounds = [0, *sentence.token_starts, len(sentence.low) + 1]
    start = data.draw(st.sampled_from(bounds))
    end = data.draw(st.sampled_from([b for b in bounds if b >= start]))
    for wl in engine.lex.lists:
        expected = wl.regex.search(sentence.low, start, end)
        found = sentence.search(wl, start, end)
        assert (found and found.span()) == (expected and expected.span()), wl.regex.pattern[:80]


@given(sentences(PLACE_VOCABULARY), st.data())
@settings(max_examples=200, deadline=None)
def test_a_phrase_finds_what_a_regex_scan_of_its_text_finds(
    engine: Engine, text: str, data: st.DataObject
) -> None:
    sentence = analyse(engine.lex, text, 0)
    tokens = [t for _s, _e, t in sentence.tokens if t not in _CLAUSE]
    phrase = Phrase(engine.lex, tokens)
    assert phrase.text == " ".join(tokens)
    # where rules end a search: at a match's start
    end = data.draw(st.sampled_from([0, *(start for start, _bits in phrase.words), 2**62]))
    for wl in engine.lex.lists:
        expected = [m.span() for m in wl.regex.finditer(phrase.text)]
        assert [m.span() for m in phrase.find(wl)] == expected, wl.regex.pattern[:80]
        first = wl.regex.search(phrase.text, 0, end)
        found = phrase.search(wl, end)
        assert (found and found.span()) == (first and first.span()), wl.regex.pattern[:80]


@given(sentences([*VOCABULARY, "russia's", "kyiv\u2019s", "'s"]))
@settings(max_examples=300, deadline=None)
def test_what_follows_a_name_is_read_only_where_its_lists_can_begin(
    engine: Engine, text: str
) -> None:
    lex, sentence = engine.lex, analyse(engine.lex, text, 0)
    for _start, end, _token in sentence.tokens:
        for size in (80, 9):  # the window _role reads, and one that ends inside words
            after = sentence.low[end : end + size]
            ahead = _lists_ahead(lex, sentence, end, after)
            if lex.weapon_ahead.match(after) or lex.weapon_near.match(after):
                assert ahead & lex.weapon.bit, after
            if lex.target_ahead.match(after):
                assert ahead & lex.owned_or_target, after
