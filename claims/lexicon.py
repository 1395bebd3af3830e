"""Compile the story's word lists (seeds/lexicons, claims.yaml) into matchers, once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from truce.records import Story


def words(patterns: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of `patterns` as whole words, for lower-cased text (see `lower`):
    case-insensitive matching costs about three times as much, and it runs on every sentence."""
    alternatives = "|".join(
        f"(?:{p.lower()})" for p in sorted(patterns, key=len, reverse=True) if p
    )
    return re.compile(rf"(?<![\w-])(?:{alternatives or '(?!)'})(?![\w-])")


def lower(text: str) -> str:
    """Lower-case with offsets kept (a few characters grow when lower-cased)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


_WORD = re.compile(r"[\w\u2019'-]+")
_POSSESSIVE = re.compile(r"(?:'s|\u2019s|'|\u2019)$")


def _strip_possessive(word: str) -> str:
    if word.endswith(("'s", "\u2019s")):
        return word[:-2]
    return word.rstrip("'\u2019")


def place_key(name: str) -> str:
    """How a place name is looked up: lower-case words joined by single spaces."""
    return " ".join(_POSSESSIVE.sub("", w.lower()) for w in _WORD.findall(name))


def _ahead(patterns: list[str], gap: int) -> re.Pattern[str]:
    """What follows a party's name: right after it ("Russian drones"), or after a possessive
    and up to `gap` more words ("Ukraine's largest gas facility")."""
    alternatives = "|".join(f"(?:{p.lower()})" for p in patterns)
    return re.compile(
        rf"^(?:(?:'s|\u2019s)\s*(?:[\w-]+\s+){{0,{gap}}}?|\s+)(?:{alternatives})(?![\w-])"
    )


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
        self.attack = words(_listed(lexicon.get("attack")))
        self.weapon = words(_listed(lexicon.get("weapon")))
        self.targets = {
            name: words(_listed(pats)) for name, pats in (lexicon.get("targets") or {}).items()
        }
        # "Russian attack drones", "Ukraine's power grid": what follows a party's name
        self.weapon_ahead = _ahead(_listed(lexicon.get("weapon")), 2)
        self.weapon_near = re.compile(r"^\s+(?:[\w-]+\s+){0,2}?" + self.weapon.pattern)
        self.target_ahead = _ahead(
            [p for pats in (lexicon.get("targets") or {}).values() for p in _listed(pats)], 2
        )
        self.no_event = words(_listed(lexicon.get("no_event")))
        self.not_attack = words(_listed(lexicon.get("not_attack")))
        self.halt_after = words(_listed(lexicon.get("halt_after")))
        self.mutual = words(_listed(lexicon.get("mutual")))
        self.speech = words(_listed(lexicon.get("speech")))
        self.denial = words(_listed(lexicon.get("denial")))
        self.denied_report = re.compile(str(lexicon.get("denied_report") or "(?!)").lower())
        self.occupation = words(_listed(lexicon.get("occupation")))
        self.long_ago = words(_listed(lexicon.get("long_ago")))
        self.accusation = words(_listed(lexicon.get("accusation")))
        self.violation = words(_listed(lexicon.get("violation")))
        self.hedge = words(_listed(lexicon.get("hedge")))
        self.wish = words(_listed(lexicon.get("wish")))
        self.negation = words(_listed(lexicon.get("negation")))
        self.admission = words(_listed(lexicon.get("admission")))
        self.off_topic = words(_listed(lexicon.get("off_topic")))
        self.markets = words(_listed(lexicon.get("markets")))
        self.officials = words(_listed(lexicon.get("officials")))
        self.independent = words(_listed(lexicon.get("independent")))
        self.parties = {p.id: words(p.aliases) for p in story.parties}
        self.operators = {p.id: words(p.operators) for p in story.parties if p.operators}
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
            claim.id: (words(claim.topic), words(claim.confirm), words(claim.contradict))
            for claim in story.claims
        }

    def find_places(self, tokens: list[tuple[int, int, str]]) -> list[tuple[int, int, Place]]:
        """Gazetteer names among lower-cased word tokens, longest first: a dictionary probe per
        token instead of a regex with a thousand alternatives. "Kyiv's" is the place Kyiv."""
        words_ = [_strip_possessive(t[2]) for t in tokens]
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
