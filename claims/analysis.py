"""What one sentence says: who is named and in what role, which places, attacks and targets."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from typing import Any

from claims.cues import Cued
from claims.lexicon import (
    WORD,
    Chunk,
    Lexicon,
    Piece,
    Place,
    TokenInfo,
    WordList,
    lower,
    strip_possessive,
)
from claims.text import MAY

_TOKEN = re.compile(r"[\w\u2019'.-]+|[,;:()\u2014\u2013]")
_LOCATIVE = {
    "on",
    "in",
    "at",
    "against",
    "into",
    "inside",
    "across",
    "over",
    "from",
    "toward",
    "towards",
    "near",
    "to",
    "of",
    "for",
    "with",
    "within",
    "throughout",
    "beyond",
}
# a name right after these is the object of someone else's act, or the user of a target
_OBJECT_OF = {
    "told",
    "tells",
    "telling",
    "urged",
    "urges",
    "asked",
    "asks",
    "thanked",
    "thanks",
    "met",
    # "a depot supplying Ukrainian troops", "fuel that feeds the Russian army": whose the
    # target is, not who attacks it
    "supply",
    "supplies",
    "supplied",
    "supplying",
    "serve",
    "serves",
    "serving",
    "feed",
    "feeds",
    "feeding",
    "fuel",
    "fuels",
    "fuelling",
    "fueling",
    "powering",
}
# "a depot used by", "a plant run by": a name after these tells whose a thing is
_HELD_BY = {
    "used",
    "operated",
    "owned",
    "run",
    "controlled",
    "held",
    "managed",
    "occupied",
    "seized",
}
# "blamed on Russia", "attributed to Kyiv": who is said to have struck
_BLAMED = {
    ("on", "blamed"),
    ("on", "blames"),
    ("on", "blaming"),
    ("to", "attributed"),
    ("to", "attributes"),
}
# "in central Ukraine", "across southern Russia": still where
_COMPASS = {
    "central",
    "eastern",
    "western",
    "northern",
    "southern",
    "north-eastern",
    "northeastern",
    "south-eastern",
    "southeastern",
    "north-western",
    "northwestern",
    "south-western",
    "southwestern",
    "occupied",
}
_QUOTES = "'\u2018\u2019"
_TRIM = "." + _QUOTES
_PUNCTUATION = {",", ";", ":", "(", ")", "\u2014", "\u2013"}
# where the words before a position stop being about it
_CLAUSE = _PUNCTUATION | {
    "but",
    "while",
    "whereas",
    "although",
    "after",
    "before",
    "despite",
    "as",
    "when",
    "since",
    "hours",
    "days",
}


# Plain classes, compiled: built without a call into Python (a NamedTuple's __new__ is Python
# code), and their fields read directly. Not to be changed once built.
class PartyMention:
    def __init__(self, start: int, end: int, party: str, role: str):
        self.start = start
        self.end = end
        self.party = party
        self.role = role  # weapon | speaker | agent | by | owner | location | object

    def __repr__(self) -> str:
        return f"PartyMention({self.start}, {self.end}, {self.party!r}, {self.role!r})"


class PlaceMention:
    def __init__(self, start: int, end: int, place: Place):
        self.start = start
        self.end = end
        self.place = place

    def __repr__(self) -> str:
        return f"PlaceMention({self.start}, {self.end}, {self.place!r})"


class Sentence:
    """Offsets are relative to the sentence; `offset` places it in the article text. A plain
    class, not a dataclass: the compiled engine builds one per sentence, and the __init__ that
    dataclasses writes runs as Python, a call per field default (~4,000 instructions)."""

    def __init__(self, text: str, offset: int, low: str = ""):
        self.text = text
        self.offset = offset
        self.low = low  # the text lower-cased, offsets kept: what the word lists search
        self.tokens: list[tuple[int, int, str]] = []
        self.token_starts: list[int] = []  # for bisection
        self.parties: list[PartyMention] = []
        self.places: list[PlaceMention] = []
        self.attacks: list[tuple[int, int]] = []  # not negated or halted
        self.targets: dict[str, list[tuple[int, int]]] = {}
        self.speakers: set[str] = set()
        self.deniers: set[str] = set()  # speakers whose word is a denial
        self.clauses: list[tuple[int, int]] = []
        # each word's offset and the word lists that can begin there (Lexicon.word_bits)
        self.words: list[tuple[int, int]] = []
        self.whole = 0  # the word lists some word matches alone
        self.maybe = 0  # the word lists some word can begin
        # what rules work out about the sentence whatever the claim, worked out once
        self.memo: dict[Any, Any] = {}
        self._seen: dict[int, bool] = {}
        self._found: dict[int, list[re.Match[str]]] = {}

    def has(self, pattern: WordList | Cued | re.Pattern[str]) -> bool:
        """Does `pattern` occur in the lower-cased sentence? Remembered: several claims ask."""
        if isinstance(pattern, WordList):
            bit = pattern.bit
            if bit & self.whole:
                return True
            if not bit & self.maybe:
                return False  # most ask in vain
            found_all = self._found.get(bit)
            if found_all is not None:
                return bool(found_all)
        key = id(pattern)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._search(pattern)
        return found

    def _search(self, pattern: WordList | Cued | re.Pattern[str]) -> bool:
        if not isinstance(pattern, WordList):
            return pattern.search(self.low) is not None
        return first_match(pattern, self.low, self.words, 0, len(self.low)) is not None

    def search(
        self, pattern: WordList | Cued | re.Pattern[str], start: int, end: int
    ) -> re.Match[str] | None:
        """The first match of `pattern` in the lower-cased sentence between `start` and `end`,
        as its `search(low, start, end)` finds it (a word list tries only its words)."""
        if not isinstance(pattern, WordList):
            return pattern.search(self.low, start, end)
        if not pattern.bit & self.maybe:
            return None
        return first_match(pattern, self.low, self.words, start, end)

    def find(self, wl: WordList) -> list[re.Match[str]]:
        """The matches of `wl`, as `finditer` gives them, trying only words that can begin one."""
        bit = wl.bit
        if not bit & self.maybe:
            return []
        found = self._found.get(bit)
        if found is None:
            found = self._found[bit] = all_matches(wl, self.low, self.words)
        return found

    def clause(self, position: int) -> int:
        """Index of the clause holding `position` ("..., though shelling went on" is another)."""
        for index, (start, end) in enumerate(self.clauses):
            if start <= position < end:
                return index
        return len(self.clauses) - 1

    def token_index(self, position: int) -> int:
        """Index of the first token starting at or after `position`."""
        return bisect_left(self.token_starts, position)

    def tokens_before(self, position: int, count: int) -> list[str]:
        """Up to `count` lower-cased tokens before `position`, stopping at a clause break."""
        index = bisect_left(self.token_starts, position)  # token_index, without the call
        out: list[str] = []
        for _s, _e, text in reversed(self.tokens[max(0, index - count) : index]):
            if text in _CLAUSE:
                break
            out.append(text)
        return out[::-1]

    def window_before(self, position: int, count: int) -> str:
        return " ".join(self.tokens_before(position, count))


class Phrase:
    """Tokens of a sentence joined by single spaces (the words before a name, say), with the
    word index a Sentence has (see Sentence.words). A word list's regex scan tries every
    character, each try a lookbehind and the list's alternatives: several times the cost of
    trying only the words where the list can begin."""

    def __init__(self, lex: Lexicon, tokens: list[str]):
        self.text = " ".join(tokens)
        self.words: list[tuple[int, int]] = []  # (offset, the word lists that can begin there)
        self.maybe = 0  # the word lists some word can begin
        position, last = 0, len(tokens) - 1
        for index, token in enumerate(tokens):
            after = " " if index < last else ""
            # a token is a run of text, and the key of its info as _chunk files it
            key = token + after
            info = lex.tokens.get(key)
            if info is None:
                info = lex.tokens[key] = _token(lex, token, after)
            for offset, bits in info.starts:
                self.words.append((position + offset, bits))
                self.maybe |= bits
            position += len(token) + 1

    def search(self, wl: WordList, end: int = 2**62) -> re.Match[str] | None:
        """The first match of `wl` before `end`, as `wl.search(text, 0, end)` finds it."""
        if not wl.bit & self.maybe:
            return None
        return first_match(wl, self.text, self.words, 0, end)

    def find(self, wl: WordList) -> list[re.Match[str]]:
        """The matches of `wl`, as `finditer` gives them."""
        if not wl.bit & self.maybe:
            return []
        return all_matches(wl, self.text, self.words)


def first_match(
    wl: WordList, text: str, words: list[tuple[int, int]], start: int, end: int
) -> re.Match[str] | None:
    """The first match of `wl` in `text` between `start` and `end`, trying only the `words`
    (offsets and word bits) where it can begin. A word cut off at `end` keeps its key: a match
    that starts there and ends by `end` matches it whole, as the key tells. (A plain loop: a
    generator costs more per word.)"""
    bit = wl.bit
    for position, bits in words:
        if position >= end:
            break
        if bits & bit and position >= start:
            m = wl.match_word(text, position, end)
            if m:
                return m
    return None


def all_matches(wl: WordList, text: str, words: list[tuple[int, int]]) -> list[re.Match[str]]:
    """The matches of `wl` in `text`, as `finditer` gives them, trying only the `words`
    (offsets and word bits) where one can begin."""
    found: list[re.Match[str]] = []
    bit, end, size = wl.bit, 0, len(text)
    for position, bits in words:
        if bits & bit and position >= end:
            m = wl.match_word(text, position, size)
            if m:
                found.append(m)
                end = m.end()
    return found


def tokenize(low: str) -> list[tuple[int, int, str]]:
    """Word and punctuation tokens of lower-cased text: (start, end, token)."""
    return [(m.start(), m.end(), m.group().rstrip(".")) for m in _TOKEN.finditer(low)]


# One pass over a sentence: the characters before a token, then a word token and the character
# after it (so a word key's last character, see WORD), or a punctuation token. Same tokens as
# _TOKEN.
_SCAN = re.compile(
    r"([^\w\u2019'.,;:()\u2014\u2013-]*)(?:([\w\u2019'.-]+)(?=(.?))|([,;:()\u2014\u2013]))", re.S
)
_NO_SIZES: list[int] = []


def _trim(token: str) -> tuple[int, str]:
    """How many characters a token's opening quotes take, and the token without its quotes
    and final dots."""
    if token[-1] in _TRIM or token[0] in _QUOTES:
        # "'aware of reports' of strikes": quotes mark words, they are not part of them
        # (a possessive "Kyiv's" keeps its "'s")
        trimmed = token.rstrip(_TRIM)
        if trimmed.endswith(("'s", "\u2019s")) or not trimmed:
            trimmed = token.rstrip(".")
        lead = len(trimmed) - len(trimmed.lstrip(_QUOTES))
        if lead < len(trimmed):
            return lead, trimmed[lead:]
    return 0, token


def _token(lex: Lexicon, raw: str, after: str) -> TokenInfo:
    """What is known of a word token (see TokenInfo; its text as _trim gives it). `after` is
    the character after the token: it is part of the last word's key."""
    lead, text = _trim(raw)
    whole = maybe = 0
    starts = []
    for m in WORD.finditer(raw + after):
        word_whole, word_maybe = lex.word_bits(m[0])
        whole |= word_whole
        maybe |= word_maybe
        if word_maybe:
            starts.append((m.start(), word_maybe))
    plain = text not in _CLAUSE
    place = strip_possessive(text)
    sizes = lex.place_starts.get(place, _NO_SIZES) if plain else _NO_SIZES
    return TokenInfo(lead, text, whole, maybe, tuple(starts), place, sizes, plain)


def _chunk(lex: Lexicon, chunk: str, after: str) -> Chunk:
    """The tokens of a run of text between spaces (see Piece). `after` is the character after
    the run: part of its last word's key."""
    found: list[Piece] = []
    position = 0
    for gap, raw, following, punctuation in _SCAN.findall(chunk + after):
        start = position + len(gap)
        if raw:
            position = start + len(raw)
            key = raw + following
            info = lex.tokens.get(key)
            if info is None:
                info = lex.tokens[key] = _token(lex, raw, following)
            found.append(Piece(start, position, info, ""))
        else:
            position = start + 1
            found.append(Piece(start, position, None, punctuation))
    return tuple(found)


def _scan(lex: Lexicon, sentence: Sentence) -> None:
    """Tokens, the words where word lists can begin (see Lexicon.word_bits) and the places
    named, in one pass over the sentence. The text between spaces is looked up as a whole:
    news text repeats the same few thousand runs ("Kyiv,", "said", "(Reuters)")."""
    inner, last = lex.chunks
    # a long-running process meets endless new words: past a size, start again
    if len(inner) > 200_000 or len(lex.tokens) > 200_000:
        inner.clear()
        last.clear()
        lex.tokens.clear()
    tokens: list[tuple[int, int, str]] = []
    token_starts: list[int] = []
    words: list[tuple[int, int]] = []
    # the word tokens that are not clause breaks, where place names are looked up
    plain_starts: list[int] = []
    plain_words: list[str] = []
    candidates: list[tuple[int, list[int]]] = []  # (index in plain_words, name lengths)
    whole_any = maybe_any = 0
    position = 0
    runs = sentence.low.split(" ")
    final = len(runs) - 1
    for index, run in enumerate(runs):
        if index < final:
            chunk = inner.get(run)
            if chunk is None:
                chunk = inner[run] = _chunk(lex, run, " ")
        else:
            chunk = last.get(run)
            if chunk is None:
                chunk = last[run] = _chunk(lex, run, "")
        for piece in chunk:
            start = position + piece.start
            info = piece.info
            if info is None:
                tokens.append((start, position + piece.end, piece.punctuation))
                token_starts.append(start)
                continue
            if info.maybe:
                whole_any |= info.whole
                maybe_any |= info.maybe
                for word_offset, bits in info.starts:
                    words.append((start + word_offset, bits))
            begin = start + info.lead
            if info.plain:
                if info.sizes:
                    candidates.append((len(plain_words), info.sizes))
                plain_starts.append(begin)
                plain_words.append(info.place)
            tokens.append((begin, position + piece.end, info.text))
            token_starts.append(begin)
        position += len(run) + 1
    sentence.tokens, sentence.token_starts, sentence.words = tokens, token_starts, words
    sentence.whole, sentence.maybe = whole_any, maybe_any
    sentence.places = _places(lex, plain_starts, plain_words, candidates)


def _places(
    lex: Lexicon, starts: list[int], words: list[str], candidates: list[tuple[int, list[int]]]
) -> list[PlaceMention]:
    """Gazetteer names among the words, longest first (as Lexicon.find_places finds them),
    probing only the words that can begin one."""
    found: list[PlaceMention] = []
    taken = 0  # words before this index are part of a name found
    for index, sizes in candidates:
        if index < taken:
            continue
        for size in sizes:
            if index + size > len(words):
                continue
            place = lex.places.get(" ".join(words[index : index + size]))
            if place is not None:
                last = index + size - 1
                found.append(PlaceMention(starts[index], starts[last] + len(words[last]), place))
                taken = index + size
                break
    return found


def analyse(lex: Lexicon, text: str, offset: int) -> Sentence:
    low = lower(text)
    sentence = Sentence(text=text, offset=offset, low=low)
    _scan(lex, sentence)
    place_spans = [(p.start, p.end) for p in sentence.places]
    # below, a bit test (can the list match here at all?) spares most calls to `find`
    maybe = sentence.maybe
    for name, pattern in lex.targets.items():
        found = sentence.find(pattern) if pattern.bit & maybe else []
        sentence.targets[name] = [m.span() for m in found]
    if lex.operator_class:
        spans = sentence.targets.setdefault(lex.operator_class, [])
        # an operator that speaks ("the national grid operator Ukrenergo said") is not what
        # was hit, nor is any target word in its name
        companies = [
            m.span()
            for pattern in lex.operators.values()
            if pattern.bit & maybe
            for m in sentence.find(pattern)
        ]
        speaking = [(s, e) for s, e in companies if speech_follows(lex, sentence, e)]
        spans += [span for span in companies if span not in speaking]
        spans.sort()
        if speaking:
            for name, hit in sentence.targets.items():
                sentence.targets[name] = [
                    (s, e) for s, e in hit if not any(a <= s and e <= b for a, b in speaking)
                ]
    raw_parties = []
    for party, pattern in lex.parties.items():
        if not pattern.bit & maybe:
            continue
        for m in sentence.find(pattern):
            if any(
                s <= m.start() and m.end() <= e and (e - s) > (m.end() - m.start())
                for s, e in place_spans
            ):
                continue  # "Russian-held Zaporizhzhia" is a place, not the Russian side
            raw_parties.append((m.start(), m.end(), party))
    for start, end, party in sorted(_dedupe(raw_parties)):
        sentence.parties.append(PartyMention(start, end, party, _role(lex, sentence, start, end)))
    sentence.speakers = {p.party for p in sentence.parties if p.role == "speaker"}
    sentence.deniers = {
        p.party
        for p in sentence.parties
        if p.role == "speaker" and lex.denial.match(speech_follows(lex, sentence, p.end) or "")
    }
    # "Russia says..." names a side, "in Russia" a place: keep a country name as a place only
    # where it is used as one, nor at the end of a side's name ("Armed Forces of Ukraine")
    if sentence.places:
        named = [(p.start, p.end) for p in sentence.parties if p.role != "location"]
        sentence.places = [
            p
            for p in sentence.places
            if not any((s, e) == (p.start, p.end) or s < p.start < e for s, e in named)
        ]
    if sentence.has(lex.occupation):
        sentence.places = [
            PlaceMention(p.start, p.end, replace(p.place, occupied=True))
            if p.place.country == "ukraine" and p.place.region
            else p
            for p in sentence.places
        ]
    sentence.clauses = _clauses(low, sentence.tokens)
    senses = [m.span() for m in sentence.find(lex.not_attack)]
    cancels = any(w in low for w in _CANCELLED_WORDS)  # most sentences: no regex to run
    sentence.attacks = [
        (m.start(), m.end())
        for m in sentence.find(lex.attack)
        if not any(s <= m.start() < e for s, e in senses)
        and not blocked(lex, sentence, m.start())
        and not lex.halt_after.match(low[m.end() :].lstrip(" -"))
        and not _MAYBE_AFTER.match(low, m.end())
        and not (cancels and _CANCELLED.match(low, m.end()))
    ]
    return sentence


# "strikes on energy infrastructure planned for the night were called off": none took place
_CANCELLED_WORDS = ("called off", "cancel", "abort", "scrapped", "postponed")
_CANCELLED = re.compile(
    r"[^,;.]{0,60}?\b(?:were|was|had been|has been|have been) (?:called off|cancell?ed|aborted|"
    r"scrapped|postponed)\b"
)
# "attacks on Russian refineries could resume": what may happen has not happened ("may have
# hit" is an event told with doubt); "attacks on refineries stopped after March 18" tell of
# none since
_MAYBE_AFTER = Cued(
    r"(?:\s+(?:on|against|at|in|by|of)(?:\s+(?!(?:have|has|had|not|never)\b)[\w'\u2019-]+){1,4})?"
    r"\s+(?:(?:could|might|"
    + MAY
    + r"|would)\s+(?!have\b|not\b)|(?:have |has |had )?(?:stopped|ceased|halted|paused)"
    # ... stopped, not what they stopped ("attacks stopped the power supply")
    r"(?=\s*(?:$|[,.;:]|(?:after|since|on|in|at|when|as|from|for|last|this|altogether|completely|entirely)\b)))"
)
# a name, up to three words, then "and": what follows may be another verb of another subject
_AND_AHEAD = re.compile(r"^(?:'s)?(?:\s+[\w-]+){1,3}\s+and\s")
# what cannot begin an official's title after a name and a comma
_TITLE_NOT = {"and", "but", "while", "as", "which", "who", "where", "when", "after", "before"}
_CONNECTIVES = {"but", "though", "although", "while", "whereas", "yet", "however"}
# a clause break has one of these in it ("although" has "though")
_CLAUSE_MARKS = (";", "\u2014", "\u2013", "but", "though", "while", "whereas", "yet", "however")


def _clauses(low: str, tokens: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Clause bounds: at ";", a spaced dash, or (a comma and) the spaces before a connective
    ("..., though shelling went on")."""
    if not any(mark in low for mark in _CLAUSE_MARKS):
        return [(0, len(low) + 1)]  # most sentences are one clause: substring tests tell
    bounds, taken = [0], 0  # `taken`: text a break already spans
    for start, end, token in tokens:
        if token == ";":
            bounds.append(start)
            taken = end
        elif token in ("\u2014", "\u2013"):
            if start > taken and low[start - 1 : start].isspace() and low[end : end + 1].isspace():
                bounds.append(start - 1)
                taken = end + 1
        elif token in _CONNECTIVES and low[start - 1 : start].isspace():
            if end - start != len(token) or not low[end : end + 1].isspace():
                continue  # "but." ends the sentence
            space = start
            while space > taken and low[space - 1].isspace():
                space -= 1
            if space == start:
                continue
            if space > taken and low[space - 1] == ",":
                space -= 1
            bounds.append(space)
            taken = end + 1
    bounds.append(len(low) + 1)
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


_NONE_HIT = re.compile(
    r"\b(?:not a single|not one|no|zero|none of) (?:[\w'\u2019-]+ ){0,4}(?:facilit(?:y|ies)|sites?|plants?|"
    r"substations?|infrastructure|targets?|objects?)(?: (?:was|were|has|have|had|has been|have been|"
    r"had been))?$"
)


_HALT = re.compile(r"halt|stop|pause|cease|suspend|refrain|end")
# "had not stopped" reports attacks that went on; "will not stop" is an intent, not an event
_NOT_BEFORE = re.compile(r"\b(?:has|have|had|did|does|do|is|are|was|were)(?:n't| not| never)\s*$")


def blocked(lex: Lexicon, sentence: Sentence, position: int) -> bool:
    """True when a word just before `position` denies, negates or halts it ("no strikes",
    "agreed to halt attacks", "denied striking") unless that word is itself being violated
    ("violated the moratorium by striking")."""
    words = sentence.tokens_before(position, 8)
    before = " ".join(words)
    # "no" or "zero" is in every _NONE_HIT match: substring tests before the regex scan
    if ("no" in before or "zero" in before) and _NONE_HIT.search(before):
        return True  # "not a single Ukrainian energy facility (was) hit"
    window = Phrase(lex, words[-5:])  # window_before(position, 5): the same words stop both
    matches = window.find(lex.no_event)
    if not matches:
        return False
    before = window.text
    between = before[matches[-1].end() :].strip()
    if between == "by":
        return False  # "accused Kyiv of a provocation by attacking a depot": how, so it was
    if between in ("", "on", "of", "to", "against") and not _HALT.match(matches[-1].group()):
        return True  # "violating a moratorium on strikes": the strikes are the ban's object
    earlier = before[: matches[-1].start()]
    if _HALT.match(matches[-1].group()) and _NOT_BEFORE.search(earlier):
        return False  # "has not stopped its attacks": they go on
    return not window.search(lex.violation, matches[-1].start())


def _dedupe(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def _role(lex: Lexicon, sentence: Sentence, start: int, end: int) -> str:
    """How a party is named: as the one who speaks, who attacks, whose property, or where."""
    previous = sentence.tokens_before(start, 2)
    # the word before the name, if any: tests of it below, not slices of `previous` compared
    # as lists (a list built for each)
    last = previous[-1] if previous else ""
    if last == "to" and previous[0] == "according":
        return "speaker"
    after = sentence.low[end : end + 80]
    if start <= 1 and after.lstrip(" '\u2019s").startswith(":"):
        return "speaker"  # "Ukrenergo: ..." / "Kremlin: ..." headlines
    # before weapons: "Zakharova said Russian forces...", "its air force said"; but "the UN
    # mission in Ukraine said" names a place ("officials in Kyiv said": Kyiv speaks)
    placed = last in _LOCATIVE
    if (
        speech_follows(lex, sentence, end)
        and (not placed or lex.officials.fullmatch(previous[0]))
        # "striking Ukrainian energy infrastructure and accused Kyiv": whose, not who speaks
        and not (_AND_AHEAD.match(after) and lex.target_ahead.match(after))
    ):
        return "speaker"
    if last == "of" and any(
        e == start - 4 for spans in sentence.targets.values() for _s, e in spans
    ):
        return "owner"  # "a fuel depot of Russian occupation forces": whose depot
    # what follows a name begins with a space or a possessive ("Russian drones", "Russia's
    # drones") or none of the three regexes below can match: a cheap test first; and each
    # needs a word where its word list can begin
    weapon = owned = None
    if after[:1].isspace() or after[:1] in ("'", "\u2019"):
        ahead = _lists_ahead(lex, sentence, end, after)
        if ahead & lex.weapon.bit:
            weapon = lex.weapon_ahead.match(after) or lex.weapon_near.match(after)
        if ahead & lex.owned_or_target:
            owned = lex.target_ahead.match(after)
    if len(previous) == 2 and (last, previous[0]) in _BLAMED:
        return "by"  # "a drone attack that officials blamed on Russia": who struck
    if last == "by" and previous[0] in _HELD_BY:
        return "owner"  # "a depot used by Russian forces": whose depot, not who struck it
    if weapon and not (
        owned
        and (
            owned.end() < weapon.end() or (owned.end() > weapon.end() and not after.startswith("'"))
        )
    ):
        # "Russian drones" wields; "Russian oil depot attack" names whose depot, and "AFU
        # military airfields" whose airfields (but "Kyiv's strikes on energy" wields)
        return "by" if last == "by" else "weapon"
    if last == "by":
        return "by"
    if owned:
        return "owner"  # "attacks on Russian energy sites": whose sites, not where
    if any(word in _OBJECT_OF for word in previous):
        return "object"  # "Putin told Trump he backed it": Trump is not who backed it
    if last in _LOCATIVE or (last in _COMPASS and previous[0] in _LOCATIVE):
        return "location"  # "in Ukraine", "in central Ukraine"
    return "agent"


def _lists_ahead(lex: Lexicon, sentence: Sentence, end: int, after: str) -> int:
    """The word lists that can begin at a word of `after`, the text after a name at `end`
    (see Sentence.words): where a regex that reads what follows a name (Lexicon.weapon_ahead,
    weapon_near, target_ahead) matches, its list can begin, but for a word right after "'s"
    ("Russia'sdrones"): then every list. A word that `after` cuts short is filed as `after`
    ends it ("...the Russian dro"): most names stand 80 characters or more before the
    sentence's end."""
    if after.startswith(("'s", "\u2019s")) and not after[2:3].isspace():
        return -1
    low = sentence.low
    cut = whole = end + len(after)  # `whole`: where the words `after` holds whole end
    found = 0
    if cut < len(low) and _in_word(low[cut]):
        while whole > end and _in_word(low[whole - 1]):
            whole -= 1
        if whole <= end:
            return -1
        if whole < cut:
            found = lex.word_bits(low[whole:cut])[1]
    for position, bits in sentence.words:
        if position >= whole:
            break
        if position > end:
            found |= bits
    return found


def _in_word(c: str) -> bool:
    """A character of a word as the word lists read it ("[\\w-]")."""
    return c.isalnum() or c in "_-"


def speech_follows(lex: Lexicon, sentence: Sentence, end: int) -> str | None:
    """The speech verb that a name at `end` is the subject of ("Ukraine's air force said",
    "the Kremlin on Tuesday denied"), within four words and before any comma or attack word;
    past a title set off by commas ("Oleh Kiper, head of the regional administration, said").
    Remembered per sentence: a name's role, its denial and its report each ask."""
    key = ("speech follows", end)
    if key in sentence.memo:
        return sentence.memo[key]  # type: ignore[no-any-return]
    found = sentence.memo[key] = _speech_follows(lex, sentence, end)
    return found


def _speech_follows(lex: Lexicon, sentence: Sentence, end: int) -> str | None:
    # the fourteen tokens after `end` are as far as the title and the four words after it reach
    index = sentence.token_index(end)
    tokens = sentence.tokens[index : index + 14]
    if tokens and tokens[0][2] == ",":
        # an official's title, up to eight words between commas
        close = next((i for i, t in enumerate(tokens[1:10], 1) if t[2] in _CLAUSE), None)
        if close is not None and tokens[close][2] == ",":
            title = Phrase(lex, [t[2] for t in tokens[1:close]])
            if tokens[1][2] not in _TITLE_NOT and title.search(lex.officials):
                tokens = tokens[close + 1 :]
    words: list[str] = []
    for _s, _e, token in tokens[:4]:
        if token in _CLAUSE:
            break
        words.append(token)
    following = Phrase(lex, words)
    speech = following.search(lex.speech)
    if speech and not following.search(lex.attack, speech.start()):
        return speech.group().lower()
    return None
