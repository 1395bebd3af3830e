"""Compile the story's word lists (seeds/lexicons, claims.yaml) into matchers, once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import regex

from claims.cues import starts
from truce.records import Story


def words(patterns: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of `patterns` as whole words, for lower-cased text (see `lower`):
    case-insensitive matching costs about three times as much, and it runs on every sentence."""
    return _whole_words(_alternatives(patterns))


def _alternatives(patterns: Iterable[str]) -> list[str]:
    """The alternatives of `words`' regex, in its order: longest pattern first."""
    return [
        f"(?:{_quoted_words(lower_pattern(p))})"
        for p in sorted(patterns, key=len, reverse=True)
        if p
    ]


def _whole_words(alternatives: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives) or '(?!)'})(?![\w-])")


def by_first_character(
    alternatives: list[str],
) -> tuple[dict[str, re.Pattern[str]], re.Pattern[str]]:
    """`words`' regex of `alternatives` cut by the character a match begins with: for each
    character, the regex of only the alternatives that can begin with it, in the same order;
    and the regex of those that can begin with anything, for the other characters. At a word
    that begins with "d", `re` tries the list's alternatives one by one, most of which begin
    with another letter and many with a group it must enter to see so (~5,000 instructions a
    word for the attack list): the cut regex asks only the few that can match, and as they are
    in the same order, the same alternative matches first and the match is the same. A list
    whose patterns capture groups is not cut (the groups would be numbered otherwise)."""
    whole = _whole_words(alternatives)
    if whole.groups:
        return {}, whole
    # the characters each alternative can begin with (None: any)
    firsts: list[set[str] | None] = []
    for alternative in alternatives:
        found = starts(re.compile(alternative))
        firsts.append({text[0] for text in found[0]} if found else None)
    pairs = list(zip(alternatives, firsts, strict=True))
    rest = [a for a, first in pairs if first is None]
    characters = sorted({c for first in firsts if first is not None for c in first})
    cut = {
        c: _whole_words([a for a, first in pairs if first is None or c in first])
        for c in characters
    }
    return cut, _whole_words(rest)


def _quoted_words(pattern: str) -> str:
    """`pattern` with each space between words matching a quote next to it too: reporters quote
    a phrase's words, not always all of them ("the moratorium is 'effectively dead'")."""
    out: list[str] = []
    escaped = in_class = False
    groups: list[bool] = []  # for each open group: is it a lookbehind (fixed width, kept)?
    for i, c in enumerate(pattern):
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            groups.append(pattern.startswith(("(?<=", "(?<!"), i))
        elif c == ")" and groups:
            groups.pop()
        elif c == " " and not any(groups):
            # an optional space ("thermal ?plant") stays optional as a whole
            quantified = pattern[i + 1 : i + 2] in ("?", "*", "+", "{")
            out.append(f"(?:{_SPACE})" if quantified else _SPACE)
            continue
        out.append(c)
    return "".join(out)


_SPACE = "[\"']? [\"']?"  # classes, not a group of branches: cheaper for `re` to try


def lower_pattern(pattern: str) -> str:
    """A regex in lower case, its escapes kept (`\\W` is not `\\w`)."""
    return _ESCAPE_OR_TEXT.sub(lambda m: m[0] if m[0].startswith("\\") else m[0].lower(), pattern)


_ESCAPE_OR_TEXT = re.compile(r"\\.|[^\\]+")


# a word and the character after it (none at the end): the key of the word index
WORD = re.compile(r"[\w-]+[^\w-]?")
# word -> 2 when the list matches that word alone, 1 when a match can start with it, else 0;
# one table per pattern, shared by every lexicon that has the list
_STARTS: dict[str, dict[str, int]] = {}


class WordList:
    """A word list: its regex (see `words`), and a bit in its lexicon's word index. A match
    can only begin at a word, so a sentence asks the regex to match only at the words that
    can begin one, which the index knows from one prefix test per list and distinct word."""

    def __init__(self, patterns: Iterable[str], bit: int):
        patterns = list(patterns)
        alternatives = _alternatives(patterns)
        self.regex = _whole_words(alternatives)  # words(patterns)
        # the regex cut by a match's first character (see by_first_character), as match
        # methods, bound once: a compiled caller would otherwise build a bound method object
        # each time it asks
        cut, rest = by_first_character(alternatives)
        self._match_first: dict[str, Callable[..., re.Match[str] | None]] = {
            c: regex_.match for c, regex_ in cut.items()
        }
        self._match_rest: Callable[..., re.Match[str] | None] = rest.match
        # an entry that looks around ("energy(?= more)", "refused(?! claims)", "(?<!aerial )
        # vehicle") may match a word alone in one sentence and not in another: the regex must
        # be asked
        self._looks_around = any(look in p for p in patterns for look in ("(?=", "(?!", "(?<"))
        self.bit = bit
        # the stdlib has no partial matching: `regex` tells whether a word can begin a match
        self._prefix = regex.compile(self.regex.pattern)
        self._starts = _STARTS.setdefault(self.regex.pattern, {})

    def starts(self, word: str) -> int:
        """2 when the list matches `word` (a WORD key) alone, 1 when a match can begin with it
        (and the character after it), else 0."""
        found = self._starts.get(word)
        if found is None:
            alone = word if word[-1].isalnum() or word[-1] in "_-" else word[:-1]
            if self._prefix.fullmatch(alone):
                found = 1 if self._looks_around else 2
            else:
                found = 1 if self._prefix.fullmatch(word, partial=True) else 0
            if len(self._starts) > 200_000:  # a long-running process meets endless new words
                self._starts.clear()
            self._starts[word] = found
        return found

    def match_word(self, text: str, pos: int, endpos: int) -> re.Match[str] | None:
        """`self.regex.match(text, pos, endpos)`, asking only the alternatives that can begin
        with the character at `pos` (see by_first_character)."""
        match = self._match_first.get(text[pos]) if pos < len(text) else None
        if match is None:
            match = self._match_rest
        return match(text, pos, endpos)

    # the plain regex, for text that is not a whole sentence
    def search(self, text: str, pos: int = 0, endpos: int = 2**62) -> re.Match[str] | None:
        return self.regex.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.regex.match(text, pos)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.regex.fullmatch(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text)


def lower(text: str) -> str:
    """Lower-case with offsets kept (a few characters grow when lower-cased), and typographic
    quotes made plain: "Putin\u2019s order" reads as "putin's order", so the word lists need to spell
    an apostrophe or a quote only one way."""
    low = text.lower()
    if low.isascii():  # most text: a flag read
        return low
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    # a test and a replace per quote cost less than translate(), which looks up every character
    for typographic, plain in _PLAIN_QUOTES:
        if typographic in low:
            low = low.replace(typographic, plain)
    return low


_PLAIN_QUOTES = (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'))


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


_WORD = re.compile(r"[\w\u2019'-]+")
_POSSESSIVE = re.compile(r"(?:'s|\u2019s|'|\u2019)$")


def strip_possessive(word: str) -> str:
    if word.endswith(("'s", "\u2019s")):
        return word[:-2]
    return word.rstrip("'\u2019")


def place_key(name: str) -> str:
    """How a place name is looked up: lower-case words joined by single spaces."""
    return " ".join(_POSSESSIVE.sub("", w.lower()) for w in _WORD.findall(name))


def _ahead(patterns: list[str], gap: int) -> re.Pattern[str]:
    """What follows a party's name: right after it ("Russian drones"), or after a possessive
    and up to `gap` more words ("Ukraine's largest gas facility")."""
    alternatives = "|".join(f"(?:{lower_pattern(p)})" for p in patterns)
    return re.compile(
        rf"^(?:(?:'s|\u2019s)\s*(?:[\w-]+\s+){{0,{gap}}}?|\s+)(?:{alternatives})(?![\w-])"
    )


class TokenInfo:
    """What the sentence scan knows of one distinct word token, see claims.analysis._token.
    A class, not a tuple: compiled code reads a field of its own class directly, where it
    checks the type of every item of a tuple each time one is unpacked."""

    def __init__(
        self,
        lead: int,
        text: str,
        whole: int,
        maybe: int,
        starts: tuple[tuple[int, int], ...],
        place: str,
        sizes: list[int],
        plain: bool,
    ):
        self.lead = lead  # how many characters its opening quotes take
        self.text = text  # without them and its final dots
        self.whole = whole  # the word lists its words match alone (Lexicon.word_bits)
        self.maybe = maybe  # the word lists its words can begin
        self.starts = starts  # the words that can begin one: (offset in the token, bits)
        self.place = place  # as place names are looked up: without a possessive
        self.sizes = sizes  # the lengths (in words) of the place names it can begin
        self.plain = plain  # a word, not a clause break


class Piece:
    """A token of a run of text between spaces, see claims.analysis._chunk: where it starts
    and ends in the run, and what is known of it (a word) or its text (punctuation)."""

    def __init__(self, start: int, end: int, info: TokenInfo | None, punctuation: str):
        self.start = start
        self.end = end
        self.info = info
        self.punctuation = punctuation


# the tokens of a run of text between spaces
Chunk = tuple[Piece, ...]


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    region: str | None
    occupied: bool

    @property
    def side(self) -> str:
        """Whose ground this is for the story: occupied land counts as Russian-held."""
        return "occupied" if self.occupied else self.country


class Lexicon:
    """Every matcher the engine uses, compiled from data files."""

    def __init__(self, story: Story, lexicon: Mapping[str, Any], gazetteer: Mapping[str, Any]):
        self.story = story
        self.lists: list[WordList] = []  # every word list, bit i is list i
        self._lists_by_patterns: dict[tuple[str, ...], WordList] = {}  # patterns -> their list
        self.bits: dict[str, tuple[int, int]] = {}  # word -> word_bits(word), see there
        self._stripped: dict[str, str] = {}  # token -> without "'s"
        self.tokens: dict[str, TokenInfo] = {}  # token and the character after it -> its info
        # a run of text between spaces -> its tokens, for runs before a space and for the last
        self.chunks: tuple[dict[str, Chunk], dict[str, Chunk]] = ({}, {})
        self.attack = self._list(_listed(lexicon.get("attack")))
        weapons = _listed(lexicon.get("munition")) + _listed(lexicon.get("weapon"))
        self.munition = self._list(_listed(lexicon.get("munition")))
        self.weapon = self._list(weapons)
        self.accident = self._list(_listed(lexicon.get("accident")))
        self.sport = self._list(_listed(lexicon.get("sport")))
        self.targets = {
            name: self._list(_listed(pats)) for name, pats in (lexicon.get("targets") or {}).items()
        }
        # "Russian attack drones", "Ukraine's power grid": what follows a party's name
        self.weapon_ahead = _ahead(weapons, 2)
        self.weapon_near = re.compile(r"^\s+(?:[\w-]+\s+){0,2}?" + self.weapon.regex.pattern)
        self.target_ahead = _ahead(
            [p for pats in (lexicon.get("targets") or {}).values() for p in _listed(pats)]
            + _listed(lexicon.get("owned")),
            2,
        )
        # the word lists whose words target_ahead looks for: where none can begin, it cannot
        # match ("owned" is a list for its bit alone)
        self.owned_or_target = self._list(_listed(lexicon.get("owned"))).bit
        for target in self.targets.values():
            self.owned_or_target |= target.bit
        self.no_event = self._list(_listed(lexicon.get("no_event")))
        self.not_attack = self._list(_listed(lexicon.get("not_attack")))
        self.halt_after = self._list(_listed(lexicon.get("halt_after")))
        self.mutual = self._list(_listed(lexicon.get("mutual")))
        self.speech = self._list(_listed(lexicon.get("speech")))
        self.denial = self._list(_listed(lexicon.get("denial")))
        self.denied_report = self._list(_listed(lexicon.get("denied_report")))
        self.occupation = self._list(_listed(lexicon.get("occupation")))
        self.long_ago = self._list(_listed(lexicon.get("long_ago")))
        self.accusation = self._list(_listed(lexicon.get("accusation")))
        self.violation = self._list(_listed(lexicon.get("violation")))
        self.hedge = self._list(_listed(lexicon.get("hedge")))
        self.wish = self._list(_listed(lexicon.get("wish")))
        self.negation = self._list(_listed(lexicon.get("negation")))
        self.admission = self._list(_listed(lexicon.get("admission")))
        self.off_topic = self._list(
            _listed(lexicon.get("off_topic")) + _listed(lexicon.get("sport"))
        )
        self.markets = self._list(_listed(lexicon.get("markets")))
        self.officials = self._list(_listed(lexicon.get("officials")))
        self.independent = self._list(_listed(lexicon.get("independent")))
        self.parties = {p.id: self._list(p.aliases) for p in story.parties}
        self.operators = {p.id: self._list(p.operators) for p in story.parties if p.operators}
        self.operator_class: str | None = lexicon.get("operator_class")
        self.territory_of = {p.territory: p.id for p in story.parties if p.territory}
        self.places: dict[str, Place] = {}
        for raw in gazetteer.get("places") or []:
            place = Place(
                str(raw["name"]),
                str(raw["country"]),
                raw.get("region"),
                bool(raw.get("occupied", False)),
            )
            for name in [raw["name"], *_listed(raw.get("aliases"))]:
                self.places.setdefault(place_key(name), place)
        # first word -> the lengths (in words) of the names it starts, longest first
        self.place_starts: dict[str, list[int]] = {}
        for key in self.places:
            words_ = key.split(" ")
            self.place_starts.setdefault(words_[0], []).append(len(words_))
        for sizes in self.place_starts.values():
            sizes.sort(reverse=True)
        self.claim_patterns = {
            claim.id: (
                self._list(claim.topic),
                self._list(claim.confirm),
                self._list(claim.contradict),
            )
            for claim in story.claims
        }
        self.voices = {claim.id: words(claim.voices) for claim in story.claims if claim.voices}

    def _list(self, patterns: Iterable[str]) -> WordList:
        # the same list twice (the two sides' commitments share their cues) is one list: a
        # sentence then searches it once for both
        key = tuple(patterns)
        found = self._lists_by_patterns.get(key)
        if found is None:
            found = self._lists_by_patterns[key] = WordList(key, 1 << len(self.lists))
            self.lists.append(found)
        return found

    def word_bits(self, word: str) -> tuple[int, int]:
        """(lists that match `word` alone, lists whose match can start with it), as bits."""
        bits = self.bits.get(word)
        if bits is None:
            whole = start = 0
            for wl in self.lists:
                found = wl.starts(word)
                if found:
                    start |= wl.bit
                    if found == 2:
                        whole |= wl.bit
            if len(self.bits) > 200_000:
                self.bits.clear()
            bits = self.bits[word] = (whole, start)
        return bits

    def find_places(self, tokens: list[tuple[int, int, str]]) -> list[tuple[int, int, Place]]:
        """Gazetteer names among lower-cased word tokens, longest first: a dictionary probe per
        token instead of a regex with a thousand alternatives. "Kyiv's" is the place Kyiv."""
        stripped = self._stripped
        words_ = [
            stripped.get(t[2]) or stripped.setdefault(t[2], strip_possessive(t[2])) for t in tokens
        ]
        if len(stripped) > 200_000:
            stripped.clear()
        found, index = [], 0
        while index < len(tokens):
            step = 1
            for size in self.place_starts.get(words_[index], ()):
                if index + size > len(tokens):
                    continue
                place = self.places.get(" ".join(words_[index : index + size]))
                if place is not None:
                    last = index + size - 1
                    found.append((tokens[index][0], tokens[last][0] + len(words_[last]), place))
                    step = size
                    break
            index += step
        return found
