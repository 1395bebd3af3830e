"""What every rule family shares: the candidate a rule proposes, and the helpers the families
use alike (who acts, is it negated, is it about this war, long ago)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from mypy_extensions import trait

from claims.analysis import PartyMention, Phrase, Sentence
from claims.cues import Cued
from claims.lexicon import Lexicon, WordList
from claims.text import (
    EVENT,
    MONTH,
    MONTHS,
    event_date,
    explicit_dates,
    named_days,
    names_month,
)
from truce.records import Claim, Stance, Story

_ANY_YEAR = re.compile(r"\b(?:19|20)\d\d\b")  # cheap: most sentences name no year
ANY_DIGIT = re.compile(r"\d")
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
# "in 2014", "in October 2022", "spring 2024", "February 2025", "the 2024 attacks": a year named
# as when
_YEAR = re.compile(
    rf"\b(?:(?:in|since|during|from|of|back in)(?: (?:early|late|mid-?))? |{_SEASON} |"
    rf"{MONTH} )((?:19|20)\d\d)\b|\b((?:19|20)\d\d) (?:[\w-]+ )?{EVENT}\b"
)
# "in February", "the February drone attack": a month named as when, not a day ("February 3")
_MONTH_NAMED = Cued(
    rf"\b(?:in|during|back in|earlier in|early|late|mid-?|between|from) {MONTH}\b(?! \d{{1,2}}\b)|"
    rf"\b{MONTH}(?:'s|\u2019s)? (?:[\w-]+ )?{EVENT}\b"
)
_RECENT = Cued(
    r"\b(?:overnight|last night|this morning|today|tonight|yesterday|this week|hours ago|on "
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
)
_AND = re.compile(r"\s*(?:,|and|&|as well as|, and)\s*")
FULL_TRUCE = Cued(
    r"\b(full|complete|comprehensive|general|total|unconditional|broader|wider|overall|blanket|"
    r"all-out|nationwide)\b[\w ,-]{0,20}"
    r"\b(ceasefire|cease-fire|truce)\b"
)
# the full ceasefire as where the deal leads, not what was agreed or refused: "a first step
# toward a broader truce" (searched up to the ceasefire's words)
TOWARD = re.compile(
    r"\b(?:towards?|(?:step|basis|path|road|way|stepping stone|prelude|precursor|bridge) (?:to|for)|"
    r"lead(?:s|ing)? to|pave the way (?:for|to)) "
    r"(?:a |an |the )?$"
)


_AHEAD = timedelta(days=60)  # how far ahead a day named without its year may lie
# Sentence.memo: the sentence tells of something before the deal (see Rules._long_ago)
LONG_AGO = "long_ago"
# the rule of a breach that the accused denies ("Kyiv dismissed Russian claims that its drones
# hit a depot"): evidence of an accusation, never its corroboration nor a sign of fighting
DENIED_ACCUSATION = "breach.denied-accusation"
# the words before a thing that say it is not the one: "not a shelling attack", "an ammunition
# depot, not energy facilities"
NOT_THIS = re.compile(r"\b(?:not|no|rather than|instead of|never|nor)(?: (?:a|an|the|any))?$")


def subject_names(s: Sentence, position: int) -> list[PartyMention]:
    """The names of the subject before `position`, every side of it ("Russia and Ukraine
    agree"). Not a place, an owner, nor someone else's object."""
    before = [
        p for p in s.parties if p.start < position and p.role not in ("location", "owner", "object")
    ]
    if not before:
        return []
    subject = [before[-1]]
    for p in reversed(before[:-1]):
        if not _AND.fullmatch(s.low[p.end : subject[0].start]):
            break
        subject.insert(0, p)
    return subject


def listed(s: Sentence, first: int) -> list[str]:
    """The parties named in a list that begins with the `first` party of the sentence
    ("Russia, Ukraine and Belarus")."""
    names = [s.parties[first]]
    for p in s.parties[first + 1 :]:
        if not _AND.fullmatch(s.low[names[-1].end : p.start]):
            break
        names.append(p)
    return [p.party for p in names]


def _armed(lex: Lexicon, s: Sentence) -> bool:
    """Does the sentence name a munition, other than to deny one ("not a shelling attack")?"""
    return any(not NOT_THIS.search(s.window_before(m.start(), 2)) for m in s.find(lex.munition))


class Candidate:
    """What a rule found in one sentence, before the best candidate per claim is kept. A plain
    class, compiled: built without a call into Python (a NamedTuple's __new__ is Python code,
    ~4,000 instructions a candidate). Not to be changed once built: `restated` makes another."""

    def __init__(
        self,
        stance: Stance,
        sentence: Sentence,
        rule: str,
        confidence: float,
        alleged: bool = False,
        event_day: date | None = None,
        actor: str | None = None,
        target: str | None = None,
        place: str | None = None,
        region: str | None = None,
    ):
        self.stance = stance
        self.sentence = sentence
        self.rule = rule
        self.confidence = confidence
        self.alleged = alleged
        self.event_day = event_day
        self.actor = actor
        self.target = target
        self.place = place
        self.region = region

    def restated(self, stance: Stance, rule: str, alleged: bool) -> Candidate:
        """The same finding with another stance, rule or alleged flag."""
        return Candidate(
            stance,
            self.sentence,
            rule,
            self.confidence,
            alleged,
            self.event_day,
            self.actor,
            self.target,
            self.place,
            self.region,
        )

    def __repr__(self) -> str:
        return f"Candidate({self.stance!r}, {self.rule!r}, {self.confidence!r})"


class ClaimRule:
    """A claim as the rules read it, built once per engine: a compiled class reads its fields
    from slots, where each field of the claim's dataclass is a dict lookup; its lists are sets
    for the membership tests, and its word lists are looked up once."""

    def __init__(self, claim: Claim, lex: Lexicon):
        self.id = claim.id
        self.detector = claim.detector
        self.party = claim.party
        self.targets = claim.targets  # in order: the first named is the target reported
        self.target_set = frozenset(claim.targets)
        self.territory = frozenset(claim.territory)
        self.speakers = frozenset(claim.speakers)
        self.value = claim.value
        self.while_deal_runs = claim.while_deal_runs
        self.topic, self.confirm, self.contradict = lex.claim_patterns[claim.id]
        self.voices = lex.voices.get(claim.id)


# the rule families are traits: mypyc compiles a class with several bases (claims.engine.Engine)
# only when they are
@trait
class Rules:
    """The state every rule family reads (set by claims.engine.Engine) and shared helpers."""

    story: Story
    lex: Lexicon
    sides: set[str]  # the parties at war (with a territory)
    deal_topics: list[WordList]
    # what the story fixes, read once (each a dict lookup on a dataclass, asked per sentence)
    claims: list[ClaimRule]
    deal_date: date
    window_start: date
    window_end: date  # the first day outside
    side_ids: tuple[str, ...]  # the parties at war, in the story's order
    territory_of_party: dict[str, str]  # a party's own ground ("" for a mediator)

    def _on_topic(self, s: Sentence) -> int:
        """How often a sentence names a side at war, a place of the war, a side's energy
        company by name ("Ukrenergo", not "the grid operator"), or a mediator speaking of the
        deal."""
        found = s.memo.get("on_topic")
        if found is None:
            sides = sum(1 for p in s.parties if p.party in self.sides)
            mediators = len(s.parties) - sides
            # the deal's topics are asked only when a mediator is named: rarely
            if mediators and not any(s.has(topic) for topic in self.deal_topics):
                mediators = 0
            companies = sum(
                1
                for pattern in self.lex.operators.values()
                for m in s.find(pattern)
                if s.text[m.start()].isupper()
            )
            found = s.memo["on_topic"] = sides + mediators + len(s.places) + companies
        return found

    def _long_ago(self, s: Sentence, published: date) -> bool:
        """ "Last winter", "since the start of the war", "in 2014", "the February attack", "in
        December" said in April, "hit on 14 February" (every day it names is before the deal):
        before the deal. Unless the sentence tells of something recent too ("hit overnight, the
        first strike since it was destroyed in 2024")."""
        found = s.memo.get(LONG_AGO)
        if found is None:
            before = self._before_deal(s, published)
            found = s.memo[LONG_AGO] = before and _RECENT.search(s.low) is None
        return found

    def _before_deal(self, s: Sentence, published: date) -> bool:
        """Does the sentence date something before the deal (see _long_ago)? Each test runs
        only when the cheaper ones before it fail: most sentences name no year, month or day."""
        if s.has(self.lex.long_ago):
            return True
        low, deal = s.low, self.deal_date
        # "19" or "20" is in every year: a substring test is cheaper than the regex
        years = ("19" in low or "20" in low) and _ANY_YEAR.search(low)
        if years and any(int(m.group(m.lastindex or 1)) < deal.year for m in _YEAR.finditer(low)):
            return True
        if not self._names_month(s):
            return False  # the tests below need a month named
        # a month later in the year than the publication's is last year's
        first = deal.replace(day=1)
        for m in _MONTH_NAMED.finditer(low):
            month = MONTHS.index(m.group(1) or m.group(2)) + 1
            if date(published.year - (month > published.month), month, 1) < first:
                return True
        if not s.has(ANY_DIGIT):
            return False
        # a day months after the publication is last year's ("30 December" read in January);
        # one weeks after it is to come ("runs until 24 April", said on 11 April)
        days = [
            d if d <= published + _AHEAD else d.replace(year=d.year - 1)
            for d in explicit_dates(low, published, months=True)
        ]
        return bool(days) and all(d < deal for d in days)

    def _retrospective(self, sentences: list[Sentence], published: date) -> bool:
        """Is the article a look back ("A year after Trypillia: how the plant was destroyed")?
        Its headline dates it before the deal and no sentence tells of anything since."""
        return (
            self._long_ago(sentences[0], published)
            and not any(_RECENT.search(s.low) for s in sentences)
            and not any(
                d >= self.deal_date for s in sentences for _o, d in self._named_days(s, published)
            )
        )

    def _dated(self, s: Sentence, published: date) -> bool:
        """Does the sentence say when ("overnight", "on Tuesday", "on 14 April")?"""
        return _RECENT.search(s.low) is not None or bool(self._named_days(s, published))

    def _named_days(self, s: Sentence, published: date) -> list[tuple[int, date]]:
        """The days the sentence names, remembered: the same whatever is dated by them."""
        days = s.memo.get("named days")
        if days is None:
            days = s.memo["named days"] = named_days(s.low, published, self._names_month(s))
        return days

    def _names_month(self, s: Sentence) -> bool:
        """names_month, remembered per sentence: the long-ago and the event-day rules ask."""
        found = s.memo.get("names month")
        if found is None:
            found = s.memo["names month"] = names_month(s.low)
        return found

    def _accident(self, s: Sentence, sentences: list[Sentence]) -> bool:
        """A gas explosion, a short circuit, a footballer's strike: what burned, blew up or was
        struck was not attacked, unless a munition is named. Another sentence may give the
        cause ("Fire at refinery caused by equipment failure" over "A fire broke out...")."""
        found = s.memo.get("accident")
        if found is None:
            lex = self.lex
            cause = lex.accident.bit | lex.sport.bit  # a bit test skips most sentences cheaply
            found = s.memo["accident"] = not _armed(lex, s) and any(
                o.maybe & cause and (o.has(lex.accident) or o.has(lex.sport)) and not _armed(lex, o)
                for o in sentences
            )
        return found

    def _event_date(self, s: Sentence, published: date, anchor: int | None) -> date:
        key = ("day", anchor)
        found = s.memo.get(key)
        if found is None:
            days = self._named_days(s, published)
            found = s.memo[key] = event_date(s.low, published, anchor, days)
        return found

    def _other(self, party: str | None) -> str | None:
        others = [p for p in self.side_ids if p != party]
        return others[0] if len(others) == 1 and party else None

    def _agent(self, s: Sentence, position: int) -> str | None:
        """Who does what is said at `position`: the last one named before it."""
        agents = self._agents(s, position)
        return agents[-1] if agents else None

    def _agents(self, s: Sentence, position: int) -> list[str]:
        """The sides of the subject before `position` ("Russia and Ukraine agree"); else the
        sentence's one speaker."""
        subject = subject_names(s, position)
        if not subject:
            return list(s.speakers) if len(s.speakers) == 1 else []
        return [p.party for p in subject]

    def _negated(self, s: Sentence, position: int) -> bool:
        """A negation among the three words before `position`, or the five when "any" is among
        the three: "has not given any new orders"."""
        before = s.tokens_before(position, 5)
        near = before[-3:]
        return bool(Phrase(self.lex, before if "any" in near else near).search(self.lex.negation))

    def _wished(self, s: Sentence, position: int) -> bool:
        start, _end = s.clauses[s.clause(position)]
        return bool(s.search(self.lex.wish, start, position))

    def _clause_has(self, s: Sentence, position: int, pattern: WordList | Cued) -> bool:
        """Does `pattern` occur in the clause holding `position`? Remembered per clause: rules
        ask it of every cue and name in a clause."""
        clause = s.clause(position)
        key = ("clause has", id(pattern), clause)
        found = s.memo.get(key)
        if found is None:
            start, end = s.clauses[clause]
            found = s.memo[key] = bool(s.search(pattern, start, end))
        return found
