"""Compile the story's word lists (seeds/lexicons, claims.yaml) into matchers, once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from truce.records import Story


def words(patterns: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive regex matching any of `patterns` as whole words."""
    alternatives = "|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True) if p)
    return re.compile(rf"(?<![\w-])(?:{alternatives or '(?!)'})(?![\w-])", re.IGNORECASE)


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _ahead(patterns: list[str], gap: int) -> re.Pattern[str]:
    alternatives = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(
        rf"^(?:'s|\u2019s)?\s*(?:[\w-]+\s+){{0,{gap}}}?(?:{alternatives})(?![\w-])", re.IGNORECASE
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
        self.target_ahead = _ahead(
            [p for pats in (lexicon.get("targets") or {}).values() for p in _listed(pats)], 1
        )
        self.no_event = words(_listed(lexicon.get("no_event")))
        self.speech = words(_listed(lexicon.get("speech")))
        self.accusation = words(_listed(lexicon.get("accusation")))
        self.violation = words(_listed(lexicon.get("violation")))
        self.hedge = words(_listed(lexicon.get("hedge")))
        self.negation = words(_listed(lexicon.get("negation")))
        self.admission = words(_listed(lexicon.get("admission")))
        self.off_topic = words(_listed(lexicon.get("off_topic")))
        self.markets = words(_listed(lexicon.get("markets")))
        self.officials = words(_listed(lexicon.get("officials")))
        self.independent = words(_listed(lexicon.get("independent")))
        self.parties = {p.id: words(p.aliases) for p in story.parties}
        self.operators = {p.id: words(p.operators) for p in story.parties if p.operators}
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
                self.places.setdefault(name.lower(), place)
        self.place = words(re.escape(name) for name in self.places)
        self.claim_patterns = {
            claim.id: (words(claim.topic), words(claim.confirm), words(claim.contradict))
            for claim in story.claims
        }
        relevant = [a for p in story.parties for a in p.aliases] + list(self.places)
        self.relevant = words(relevant)

    def place_of(self, text: str) -> Place:
        return self.places[text.lower()]
