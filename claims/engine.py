"""Read an article and judge it against each claim of a story, with the sentence that shows it.

Rule families (a claim's `detector` in claims.yaml picks them):
- commitment: breach events (the committed party strikes a protected target in the protected
  territory inside the window) plus the party's statements about the deal;
- statement: a speaker's confirming or contradicting words about a topic;
- window: the deal's length, start date, extension and expiry;
- scope: what the deal covers (a broad "infrastructure" against an energy-only list);
- fighting: attacks and combat of any kind (does the war go on?).
Every evidence row names its rule, so every verdict can be traced to a sentence and a rule.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from claims.analysis import Sentence, analyse, blocked
from claims.lexicon import Lexicon
from claims.text import event_date, split_sentences
from truce.records import Article, Claim, Evidence, Stance, Story

ENGINE_VERSION = "rules-1"
_PRIORITY = {"breach": 3, "contradicts": 2, "confirms": 1}
_DURATION = re.compile(r"\b(\d{1,3}|thirty|sixty|ninety|one|a)[- ](day|month)s?\b", re.IGNORECASE)
_NUMBERS = {"thirty": 30, "sixty": 60, "ninety": 90, "one": 1, "a": 1}
_START = re.compile(
    r"\b(?:from|since|starting|effective|as of|took effect on|takes effect on|begins? on|began on|"
    r"counted from|counting from|counts? from|start(?:ed|s)? on|in force from|valid from)\s+"
    r"(?:(?:march|april)\s+(\d{1,2})(?:st|nd|rd|th)?|(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(march|april))",
    re.IGNORECASE,
)
_EXPIRY = re.compile(
    r"\b(expired|expires|expiring|lapsed|lapses|ran out|runs out|run out|"
    r"came to an end|has ended|ended|is over|was over)\b",
    re.IGNORECASE,
)
_EXTENSION = re.compile(
    r"\b(extend(?:ed|s|ing)?|extension|prolong(?:ed|s)?|renew(?:ed|s)?)\b", re.IGNORECASE
)
_FULL_TRUCE = re.compile(
    r"\b(full|complete|comprehensive|general|total|unconditional)\b[\w -]{0,20}"
    r"\b(ceasefire|cease-fire|truce)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Candidate:
    stance: Stance
    sentence: Sentence
    rule: str
    confidence: float
    alleged: bool = False
    event_day: date | None = None
    actor: str | None = None
    target: str | None = None
    place: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Assessment:
    evidence: tuple[Evidence, ...]
    mentions: tuple[tuple[str, int, int, str], ...]  # (claim_id, start, end, sentence)


def evidence_id(article_id: str, claim_id: str) -> str:
    return hashlib.sha256(f"{article_id}\x1f{claim_id}".encode()).hexdigest()[:16]


class Engine:
    """The claim engine for one story. Build once, then `assess` articles (pure, thread-safe)."""

    def __init__(self, story: Story, lexicon: dict[str, Any], gazetteer: dict[str, Any]):
        self.story = story
        self.lex = Lexicon(story, lexicon, gazetteer)
        self.version = ENGINE_VERSION

    # The whole article ----------------------------------------------------------------------

    def assess(self, article: Article) -> Assessment:
        text = article.text
        published = date.fromisoformat(article.published[:10])
        if published < self.story.deal_date or not self._relevant(text):
            return Assessment((), ())
        sentences = [analyse(self.lex, text[s:e], s) for s, e in split_sentences(text)]
        evidence, mentions = [], []
        for claim in self.story.claims:
            candidates = [
                c for s in sentences for c in self._judge(claim, s, sentences, article, published)
            ]
            if not candidates:
                continue
            for c in candidates:
                mentions.append(
                    (
                        claim.id,
                        c.sentence.offset,
                        c.sentence.offset + len(c.sentence.text),
                        c.sentence.text,
                    )
                )
            best = max(candidates, key=lambda c: (_PRIORITY[c.stance], c.confidence))
            evidence.append(self._evidence(article, claim, best))
        return Assessment(tuple(evidence), tuple(dict.fromkeys(mentions)))

    def _relevant(self, text: str) -> bool:
        """The relevance gate: the article must be about the story's parties or places, and not
        mainly about another conflict."""
        on_topic = len(self.lex.relevant.findall(text))
        return on_topic > 0 and len(self.lex.off_topic.findall(text)) < on_topic

    def _evidence(self, article: Article, claim: Claim, c: Candidate) -> Evidence:
        return Evidence(
            id=evidence_id(article.id, claim.id),
            article_id=article.id,
            claim_id=claim.id,
            stance=c.stance,
            alleged=c.alleged and c.stance == "breach",
            quote=c.sentence.text,
            start=c.sentence.offset,
            end=c.sentence.offset + len(c.sentence.text),
            event_date=c.event_day.isoformat() if c.event_day else None,
            actor=c.actor,
            target=c.target,
            place=c.place,
            region=c.region,
            confidence=round(c.confidence, 2),
            rule=c.rule,
            outlet=article.outlet,
            published=article.published,
            seen=article.seen,
            cluster=article.cluster,
            tier=article.tier,
            affiliation=article.affiliation,
            url=article.url,
        )

    # One sentence, one claim ----------------------------------------------------------------

    def _judge(
        self,
        claim: Claim,
        s: Sentence,
        sentences: list[Sentence],
        article: Article,
        published: date,
    ) -> list[Candidate]:
        market = bool(self.lex.markets.search(s.text)) and not s.attacks
        found: list[Candidate] = []
        if claim.detector == "commitment":
            found += self._breach(claim, s, sentences, article, published)
        if market:
            return found
        if claim.detector in ("commitment", "statement"):
            found += self._statement(claim, s)
        elif claim.detector == "window":
            found += self._window(claim, s, published)
        elif claim.detector == "scope":
            found += self._scope(claim, s)
        elif claim.detector == "fighting":
            found += self._fighting(claim, s)
        return found

    # Breaches -------------------------------------------------------------------------------

    def _breach(
        self,
        claim: Claim,
        s: Sentence,
        sentences: list[Sentence],
        article: Article,
        published: date,
    ) -> list[Candidate]:
        energy = [t for cls in claim.targets for t in s.targets.get(cls, [])]
        violation = next(
            (m for m in self.lex.violation.finditer(s.text) if not blocked(self.lex, s, m.start())),
            None,
        )
        if not (s.attacks and energy) and violation is None:
            return []
        anchor = s.attacks[0][0] if s.attacks and energy else violation.start()  # type: ignore[union-attr]
        side, place = self._target_side(s, anchor)
        attacker, explicit = self._attacker(s, anchor, side)
        if attacker != claim.party:
            return []
        protected = set(claim.territory)
        if side is not None and side not in protected:
            return []
        day = event_date(s.text, published)
        if not self.story.window.contains(day):
            return []
        victim = self._other(attacker)
        alleged = self._alleged(s, sentences, article, attacker, victim)
        if s.attacks and energy:
            rule = "breach.explicit-attacker" if explicit else "breach.inferred-attacker"
            confidence = 0.85 if explicit else 0.7
        else:
            rule, confidence, alleged = "breach.violation-claim", 0.6, True
        return [
            Candidate(
                "breach",
                s,
                rule,
                confidence,
                alleged,
                day,
                attacker,
                self._target_class(claim, s),
                place.name if place else None,
                place.region if place else None,
            )
        ]

    def _target_class(self, claim: Claim, s: Sentence) -> str | None:
        for cls in claim.targets:
            spans = s.targets.get(cls)
            if spans:
                start, end = spans[0]
                return s.text[start:end].lower()
        return None

    def _other(self, party: str | None) -> str | None:
        others = [p.id for p in self.story.parties if p.territory and p.id != party]
        return others[0] if len(others) == 1 and party else None

    def _side_party(self, side: str | None) -> str | None:
        """Whose ground `side` is: a country's party, or for occupied land the other party."""
        if side is None:
            return None
        if side == "occupied":
            owner = self.lex.territory_of.get("ukraine")
            return self._other(owner)
        return self.lex.territory_of.get(side)

    def _target_side(self, s: Sentence, anchor: int) -> tuple[str | None, Any]:
        owners = [p for p in s.parties if p.role == "owner"]
        places = sorted(s.places, key=lambda p: (p.start < anchor, abs(p.start - anchor)))
        if places:
            return places[0].place.side, places[0].place
        if owners:
            party = self.story.party(owners[0].party)
            return party.territory or None, None
        return None, None

    def _attacker(self, s: Sentence, anchor: int, side: str | None) -> tuple[str | None, bool]:
        """Who struck: named with a weapon or as agent, else inferred from where, else from who
        complains. Returns (party, named explicitly)."""
        for roles in (("weapon", "by"),):
            named = [p for p in s.parties if p.role in roles]
            if named:
                return min(named, key=lambda p: abs(p.start - anchor)).party, True
        agents = [p for p in s.parties if p.role == "agent" and p.start < anchor]
        if agents:
            return agents[-1].party, True
        holder = self._side_party(side)
        if holder:
            return self._other(holder), False
        if len(s.speakers) == 1:
            return self._other(next(iter(s.speakers))), False
        return None, False

    def _alleged(
        self,
        s: Sentence,
        sentences: list[Sentence],
        article: Article,
        attacker: str | None,
        victim: str | None,
    ) -> bool:
        """One side's word (an accusation, a defence ministry claim) is alleged; the operator's
        report, independent confirmation or the attacker's own admission is not."""
        text = s.text
        if self.lex.independent.search(text) or self.lex.admission.search(text):
            return False
        if attacker in s.speakers:
            return False
        operators = self.lex.operators.get(victim or "")
        if operators is not None:
            for m in operators.finditer(text):
                head = text[m.end() : m.end() + 60]
                if (
                    self.lex.speech.search(head)
                    or "according to" in text[: m.start()][-20:].lower()
                ):
                    return False
        if victim in s.speakers or self.lex.accusation.search(text):
            return True
        if self.lex.officials.search(text) and self.lex.speech.search(text):
            return True
        if article.affiliation and article.affiliation == victim:
            return True
        return any(
            victim in other.speakers or self.lex.accusation.search(other.text)
            for other in sentences
            if other is not s
        )

    # Statements -----------------------------------------------------------------------------

    def _agent(self, s: Sentence, position: int) -> str | None:
        before = [
            p for p in s.parties if p.start < position and p.role not in ("location", "owner")
        ]
        if before:
            return before[-1].party
        if len(s.speakers) == 1:
            return next(iter(s.speakers))
        return None

    def _negated(self, s: Sentence, position: int) -> bool:
        return bool(self.lex.negation.search(s.window_before(position, 3)))

    def _statement(self, claim: Claim, s: Sentence) -> list[Candidate]:
        topic, confirm, contradict = self.lex.claim_patterns[claim.id]
        if not topic.search(s.text):
            return []
        allowed = set(claim.speakers)
        for m in contradict.finditer(s.text):
            agent = self._agent(s, m.start())
            if (not allowed or agent in allowed) and not self._negated(s, m.start()):
                return [
                    Candidate(
                        "contradicts", s, f"{claim.detector}.contradict-cue", 0.7, actor=agent
                    )
                ]
        if self.lex.hedge.search(s.text):
            return []
        for m in confirm.finditer(s.text):
            agent = self._agent(s, m.start())
            if (not allowed or agent in allowed) and not self._negated(s, m.start()):
                return [Candidate("confirms", s, f"{claim.detector}.confirm-cue", 0.7, actor=agent)]
        return []

    # Terms ----------------------------------------------------------------------------------

    def _about_deal(self, claim: Claim, s: Sentence) -> bool:
        topic = self.lex.claim_patterns[claim.id][0]
        energy = any(s.targets.get("energy", [])) or re.search(r"\benergy\b", s.text, re.IGNORECASE)
        return (
            bool(topic.search(s.text))
            and bool(energy or "moratorium" in s.text.lower())
            and not _FULL_TRUCE.search(s.text)
        )

    def _window(self, claim: Claim, s: Sentence, published: date) -> list[Candidate]:
        if not self._about_deal(claim, s):
            return []
        window = self.story.window
        hedged = bool(self.lex.hedge.search(s.text))
        start = _START.search(s.text)
        if start:
            day = int(start.group(1) or start.group(2))
            month = (start.group(0).lower().count("april") and 4) or 3
            same = date(window.start.year, month, day) == window.start
            return [Candidate("confirms" if same else "contradicts", s, "window.start-date", 0.75)]
        extension = _EXTENSION.search(s.text)
        if extension and not hedged and not self._negated(s, extension.start()):
            return [Candidate("contradicts", s, "window.extension", 0.7)]
        for m in _DURATION.finditer(s.text):
            amount = _NUMBERS.get(m.group(1).lower()) or int(m.group(1))
            days = amount * 30 if m.group(2).lower() == "month" else amount
            if days == claim.value or (m.group(2).lower() == "month" and amount == 1):
                return [Candidate("confirms", s, "window.duration", 0.75)]
            if not hedged:
                return [Candidate("contradicts", s, "window.other-duration", 0.6)]
        expiry = _EXPIRY.search(s.text)
        if expiry and not self._negated(s, expiry.start()):
            near_end = (window.end - published).days <= 3
            return (
                [Candidate("confirms", s, "window.expiry", 0.7)]
                if near_end
                else [Candidate("contradicts", s, "window.early-end", 0.55)]
            )
        return []

    def _scope(self, claim: Claim, s: Sentence) -> list[Candidate]:
        topic, confirm, contradict = self.lex.claim_patterns[claim.id]
        if not topic.search(s.text):
            return []
        energy_terms = {s.text[a:b].lower() for a, b in s.targets.get("energy", [])}
        if contradict.search(s.text) and len(energy_terms) >= 3:
            return [Candidate("contradicts", s, "scope.energy-list", 0.75)]
        if re.search(
            r"\b(only|solely|exclusively|limited to|restricted to)\b[\w ]{0,15}\benergy\b",
            s.text,
            re.IGNORECASE,
        ):
            return [Candidate("contradicts", s, "scope.energy-only", 0.7)]
        if self.lex.hedge.search(s.text):
            return []
        m = confirm.search(s.text)
        if m and not self._negated(s, m.start()) and self._about_deal(claim, s):
            return [Candidate("confirms", s, "scope.broad", 0.6)]
        return []

    # Forecast: does the fighting go on? -----------------------------------------------------

    def _fighting(self, claim: Claim, s: Sentence) -> list[Candidate]:
        _topic, confirm, contradict = self.lex.claim_patterns[claim.id]
        context = s.parties or s.places
        m = contradict.search(s.text)
        if m and context and not self._negated(s, m.start()):
            return [Candidate("contradicts", s, "fighting.lull", 0.6)]
        if s.attacks and context:
            return [Candidate("confirms", s, "fighting.attack", 0.65)]
        m = confirm.search(s.text)
        if m and context and not blocked(self.lex, s, m.start()):
            return [Candidate("confirms", s, "fighting.cue", 0.55)]
        return []
