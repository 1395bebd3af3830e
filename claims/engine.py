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
from datetime import date, timedelta
from typing import Any

from claims.analysis import Sentence, analyse, blocked, speech_follows, tokenize
from claims.lexicon import Lexicon, lower
from claims.text import event_date, explicit_dates, split_sentences
from truce.records import Article, Claim, Evidence, Stance, Story

ENGINE_VERSION = "rules-1"
_PRIORITY = {"breach": 3, "contradicts": 2, "confirms": 1}
_DURATION = re.compile(r"\b(\d{1,3}|thirty|sixty|ninety|one|a)[- ](day|month)s?\b")
_NUMBERS = {"thirty": 30, "sixty": 60, "ninety": 90, "one": 1, "a": 1}
_EXPIRY = re.compile(
    r"\b(expired|expires|expiring|lapsed|lapses|ran out|runs out|run out|"
    r"came to an end|has ended|ended|is over|was over)\b"
)
# Only a done deal counts: "was extended", not "any decision on extending it".
_MORE_DAYS = re.compile(
    r"\b(?:by|for) (?:another|a further|an additional|a second)? ?(\d{1,3}|thirty|sixty|month|a month)"
    r"(?: more)?(?: days?)?\b"
)
_EXTENDED = re.compile(r"\b(extended|prolonged|renewed|agreed (?:to|on) an extension)\b")
_EARLY_END = re.compile(
    r"\b(ahead of schedule|prematurely|ended early|cut short|(?:is|was) (?:effectively )?(?:dead|"
    r"over)|no longer (?:observ\w*|bound|in (?:force|effect)|respect\w*|valid|applies)|stopped "
    r"observing|ceased to (?:observe|apply))\b"
)
_START_CUE = re.compile(
    r"\b(from|since|starting|start(?:s|ed)?|count(?:s|ed|ing)?|took effect|takes effect|into "
    r"force|in force from|effective|valid from|began|begins)\b"
)
_NO_ATTACKS = re.compile(
    r"\b(?:no|zero|not a single|not one)\s+(?:new\s+|russian\s+|ukrainian\s+|enemy\s+)?"
    r"(?:attacks?|strikes?|hits?|shelling|damage)\b[^.;]{0,80}\b(?:recorded|reported|registered|"
    r"observed|detected|seen|overnight)\b"
)
_POSSESSIVE_GAP = re.compile(r"(?:'s|\u2019s)\s+(?:[\w-]+\s+)?")
_MONTH = "(?:january|february|march|april|may|june|july|august|september|october|november|december)"
# "attacked energy facilities 100 times during the pause": inside the window, whenever published
_DURING = re.compile(
    r"\b(?:during|throughout|since the start of|since|in the course of) (?:the |this |its )?"
    r"(?:[\w-]+[- ]){0,2}(?:pause|moratorium|truce|ceasefire|halt)\b"
    r"(?! (?:had |has )?(?:expired|ended|lapsed|ran out|was over|came to an end))|\bsince (?:\d{1,2} "
    rf"{_MONTH}|{_MONTH} \d{{1,2}}|(?:the |putin'?s |its )?(?:\w+ )?(?:order|deal|agreement|call|"
    r"pledge))\b"
)
# Promises whose negation is a refusal ("has not agreed"); "no new orders" is not one.
_PROMISE = re.compile(
    r"agree|accept|commit|support|back|endorse|observ|compl|abid|honou?r|respect|"
    r"adher|stick|keep|stop|halt|refrain"
)
# "hours after Putin's pledge": the night after the deal, whenever it was reported
_HOURS_AFTER_DEAL = re.compile(
    r"\bhours (?:after|since) (?:the |a |putin'?s |trump'?s |their |his )?(?:\w+ )?(?:call|pledge|"
    r"agreement|deal|announcement|promise|order|talks|conversation)\b"
)
# "A drone damaged a DTEK substation..., the company said": the operator reports
_COMPANY_SAID = re.compile(
    r"\bthe (?:company|operator|utility|firm|supplier)(?:'s \w+)? (?:said|says|reported)"
)
_YEAR = re.compile(r"\b(?:in|since|during|from|of|back in) ((?:19|20)\d\d)\b")
_CONDITIONAL = re.compile(r"\b(if|unless|whether|could|would|might|may|should)\b")
# "energy infrastructure only", "limits the truce to energy sites", "not ports or railways"
_ENERGY_ONLY = re.compile(
    r"\b(?:only|solely|exclusively|strictly|limit(?:s|ed|ing)?|restrict(?:s|ed|ing)?|confin(?:es|ed)"
    r"|appl(?:y|ies|ied) only)\b[\w' ]{0,25}\benergy\b|\benergy\b[\w' -]{0,30}\b(?:only|alone|"
    r"exclusively)\b|\bnot\b[\w ]{0,20}\b(?:infrastructure in general|ports|railways|bridges|roads|"
    r"water|other infrastructure|civilian infrastructure)\b|\b(?:leaves?|left) out\b|\bdoes not "
    r"(?:extend|apply) to\b"
)
_FULL_TRUCE = re.compile(
    r"\b(full|complete|comprehensive|general|total|unconditional)\b[\w -]{0,20}"
    r"\b(ceasefire|cease-fire|truce)\b"
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
        # the sides at war: a mediator's name (Trump, Washington) makes a sentence about this
        # story only when it speaks of the deal itself
        self.sides = {p.id for p in story.parties if p.territory}
        self.deal_topics = [
            self.lex.claim_patterns[c.id][0] for c in story.claims if c.detector != "fighting"
        ]
        self.version = ENGINE_VERSION

    # The whole article ----------------------------------------------------------------------

    def assess(self, article: Article) -> Assessment:
        text = article.text
        published = date.fromisoformat(article.published[:10])
        if published < self.story.deal_date or not self._names_story(lower(text)):
            return Assessment((), ())
        sentences = [analyse(self.lex, text[s:e], s) for s, e in split_sentences(text)]
        if not self._relevant(text, sentences):
            return Assessment((), ())
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

    def _names_story(self, low: str) -> bool:
        """A cheap first gate: an article naming none of the story's parties or places cannot
        pass the relevance gate, so it is not analysed sentence by sentence."""
        return any(p.search(low) for p in self.lex.parties.values()) or bool(
            self.lex.find_places(tokenize(low))
        )

    def _relevant(self, text: str, sentences: list[Sentence]) -> bool:
        """The relevance gate: the article must be about the story's parties or places, and not
        mainly about another conflict."""
        on_topic = sum(self._on_topic(s) for s in sentences)
        return on_topic > 0 and len(self.lex.off_topic.findall(lower(text))) < on_topic

    def _on_topic(self, s: Sentence) -> int:
        """How often a sentence names a side at war, a place of the war, or a mediator
        speaking of the deal."""
        about_deal = any(s.has(topic) for topic in self.deal_topics)
        return sum(1 for p in s.parties if about_deal or p.party in self.sides) + len(s.places)

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
        market = bool(s.has(self.lex.markets)) and not s.attacks
        found: list[Candidate] = []
        if claim.detector == "commitment":
            found += self._breach(claim, s, sentences, article, published)
        if market:
            return found
        if claim.detector in ("commitment", "statement"):
            found += self._statement(claim, s)
        if claim.detector == "commitment" and not found:
            found += self._party_on_terms(claim, s, published) + self._quiet(claim, s)
        if claim.detector == "window":
            found += self._window(claim, s, published)
        elif claim.detector == "scope":
            found += self._scope(claim, s)
        elif claim.detector == "fighting":
            found += self._fighting(claim, s, published)
        return found

    def _nearest_target(self, s: Sentence, attack: tuple[int, int]) -> str | None:
        """The class of the target nearest an attack word in its clause ("homes damaged, no
        energy facilities hit": the damage is to homes)."""
        clause = s.clause(attack[0])
        best: tuple[int, str] | None = None
        for cls, spans in s.targets.items():
            for start, end in spans:
                if s.clause(start) != clause:
                    continue
                distance = start - attack[1] if start >= attack[1] else attack[0] - end
                if best is None or distance < best[0]:
                    best = (distance, cls)
        return best[1] if best else None

    def _party_on_terms(self, claim: Claim, s: Sentence, published: date) -> list[Candidate]:
        """The committed party stating the deal's terms ("the 30-day moratorium has expired",
        the Kremlin) is the party confirming its commitment."""
        if claim.party not in s.speakers:
            return []
        for term in (c for c in self.story.claims if c.detector == "window"):
            if any(c.stance == "confirms" for c in self._window(term, s, published)):
                return [
                    Candidate(
                        "confirms", s, "commitment.party-states-terms", 0.6, actor=claim.party
                    )
                ]
        return []

    def _quiet(self, claim: Claim, s: Sentence) -> list[Candidate]:
        """ "No attacks on energy facilities were recorded" in the protected ground: the halt
        holds there."""
        m = s.has(_NO_ATTACKS)
        if not m or not any(s.targets.get(cls) for cls in claim.targets):
            return []
        sides = {p.place.side for p in s.places}
        sides |= {self.story.party(p).territory for p in self._operators_named(s)}
        if sides and sides <= set(claim.territory):
            return [Candidate("confirms", s, "commitment.no-attacks-recorded", 0.6)]
        return []

    def _long_ago(self, s: Sentence) -> bool:
        """ "Last winter", "since the start of the war", "in 2014": before the deal."""
        years = (int(m.group(1)) for m in _YEAR.finditer(s.low))
        return s.has(self.lex.long_ago) or any(y < self.story.deal_date.year for y in years)

    def _operators_named(self, s: Sentence) -> list[str]:
        return [party for party, pattern in self.lex.operators.items() if pattern.search(s.low)]

    # Breaches -------------------------------------------------------------------------------

    def _breach(
        self,
        claim: Claim,
        s: Sentence,
        sentences: list[Sentence],
        article: Article,
        published: date,
    ) -> list[Candidate]:
        """A strike by the committed party on a protected target in protected ground, inside
        the window; or an accusation that the party violated the deal."""
        if s.has(self.lex.denied_report) or self._long_ago(s):
            return []  # a denial of an attack, or an attack long before the deal
        # an attack whose nearest target in its clause is a protected one
        pairs = [a for a in s.attacks if self._nearest_target(s, a) in claim.targets]
        if pairs:
            # "Russia refrains, while Kyiv keeps hitting Russian energy sites": each attack has
            # its own attacker and ground; the first by this party on its protected ground counts
            judged = []
            for attack in pairs:
                side, place = self._target_side(s, attack[0])
                attacker, explicit = self._attacker(s, attack[0], side)
                judged.append((attack[0], side, place, attacker, explicit))
            anchor, side, place, attacker, explicit = next(
                (
                    j
                    for j in judged
                    if j[3] == claim.party and (j[1] is None or j[1] in claim.territory)
                ),
                judged[0],
            )
            rule = "breach.explicit-attacker" if explicit else "breach.inferred-attacker"
            confidence = 0.85 if explicit else 0.7
        else:
            side, place, anchor = None, None, 0
            attacker, rule = self._violator(claim, s)
            confidence = 0.6
            if attacker is None:
                return []
        if attacker != claim.party:
            return []
        if side is not None and side not in set(claim.territory):
            return []
        day = event_date(s.text, published, anchor if pairs else None)
        if s.has(_DURING) and published >= self.story.window.start:
            day = min(day, self.story.window.end - timedelta(days=1))
        if s.has(_HOURS_AFTER_DEAL):
            day = min(day, self.story.deal_date + timedelta(days=1))
        if not self.story.window.contains(day):
            return []
        alleged = True
        if pairs:
            alleged = self._alleged(s, anchor, sentences, article, attacker)
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

    def _violator(self, claim: Claim, s: Sentence) -> tuple[str | None, str]:
        """Who is accused of violating the deal: "Kyiv's violations", "violations by Moscow",
        "Russia violated", "accused Kyiv of violating"; or each side when they accuse each
        other. Conditionals ("if Kyiv kept violating it") are not accusations."""
        topic = self.lex.claim_patterns[claim.id][0]
        if not topic.search(s.low):
            return None, ""
        for m in self.lex.violation.finditer(s.low):
            before = s.window_before(m.start(), 6)
            if self._negated(s, m.start()) or _CONDITIONAL.search(before):
                continue
            if s.has(self.lex.mutual):
                return claim.party, "breach.mutual-accusation"
            for p in s.parties:  # "violations by Moscow", "a violation of Kyiv's pledge"
                if p.start > m.end() and s.text[m.end() : p.start].strip().lower() == "by":
                    return p.party, "breach.violation-claim"
            clause = s.clause(m.start())
            for p in reversed(s.parties):  # "Kyiv's repeated violations", "Russia violated"
                between = s.text[p.end : m.start()]
                if p.end > m.start() or s.clause(p.start) != clause:
                    continue
                if _POSSESSIVE_GAP.fullmatch(between) or (
                    p.role in ("agent", "weapon") and len(between.split()) <= 4
                ):
                    return p.party, "breach.violation-claim"
        return None, ""

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
        """Whose ground was hit: the place, else the owner ("Russian energy sites") nearest
        the attack, in its own clause first and after it ("hit ... in Kherson") before before."""
        clause = s.clause(anchor)

        def nearness(start: int) -> tuple[bool, bool, int]:
            return (s.clause(start) != clause, start < anchor, abs(start - anchor))

        places = sorted(s.places, key=lambda p: nearness(p.start))
        if places:
            return places[0].place.side, places[0].place
        owners = sorted(
            (p for p in s.parties if p.role == "owner"), key=lambda p: nearness(p.start)
        )
        if owners:
            party = self.story.party(owners[0].party)
            return party.territory or None, None
        return None, None

    def _attacker(self, s: Sentence, anchor: int, side: str | None) -> tuple[str | None, bool]:
        """Who struck: named with a weapon or as agent, else inferred from where, else from who
        complains. Returns (party, named explicitly)."""
        clause = s.clause(anchor)
        named = [p for p in s.parties if p.role in ("weapon", "by")]
        agents = [p for p in s.parties if p.role == "agent" and p.start < anchor]
        # the weapon or subject named in the attack's own clause ...
        own = [p for p in named if s.clause(p.start) == clause]
        if own:
            return min(own, key=lambda p: abs(p.start - anchor)).party, True
        own = [p for p in agents if s.clause(p.start) == clause]
        if own:
            return own[-1].party, True
        # ... else whose ground was hit ("its drones struck a depot in Russia's Voronezh
        # region, while Russian drones..."), and only then names from other clauses
        holder = self._side_party(side)
        if holder:
            return self._other(holder), False
        if named:
            return min(named, key=lambda p: abs(p.start - anchor)).party, True
        if agents:
            return agents[-1].party, True
        if len(s.speakers) == 1:
            return self._other(next(iter(s.speakers))), False
        return None, False

    def _alleged(
        self,
        s: Sentence,
        anchor: int,
        sentences: list[Sentence],
        article: Article,
        attacker: str | None,
    ) -> bool:
        """One side's word (an accusation, a defence ministry claim) is alleged; the operator's
        report, independent confirmation or the attacker's own admission is not."""
        text, low = s.text, s.low
        victim = self._other(attacker)
        if self.lex.independent.search(low) or self.lex.admission.search(low):
            return False
        # who speaks in the attack's own clause: "Moscow accused Kyiv of X, while Zelensky said
        # Russian strikes hit Y" is Kyiv's word about Y
        clause = s.clause(anchor)
        speakers = {
            p.party
            for p in s.parties
            if p.role == "speaker" and (s.clause(p.start) == clause or len(s.clauses) == 1)
        }
        if attacker in speakers - s.deniers:
            return False  # the attacker's own word
        operators = self.lex.operators.get(victim or "")
        if operators is not None:
            for m in operators.finditer(low):
                if (
                    speech_follows(self.lex, s, m.end())
                    or text[m.end() :].lstrip(" '\u2019s").startswith(":")
                    or "according to" in text[: m.start()][-20:].lower()
                    or _COMPANY_SAID.search(low, m.end())
                ):
                    return False  # the operator's report of its own damage
        if victim in s.speakers or self.lex.accusation.search(low):
            return True
        if article.affiliation and article.affiliation == attacker:
            return False  # the attacker's state media on its own strike: an admission
        if self.lex.officials.search(low) and self.lex.speech.search(low):
            return True
        if article.affiliation and article.affiliation == victim:
            return True
        return any(
            victim in other.speakers or self.lex.accusation.search(other.low)
            for other in sentences
            if other is not s
        )

    # Statements -----------------------------------------------------------------------------

    def _agent(self, s: Sentence, position: int) -> str | None:
        # not a place, an owner, nor the object of someone else's act
        before = [
            p
            for p in s.parties
            if p.start < position and p.role not in ("location", "owner", "object")
        ]
        if before:
            return before[-1].party
        if len(s.speakers) == 1:
            return next(iter(s.speakers))
        return None

    def _negated(self, s: Sentence, position: int) -> bool:
        return bool(self.lex.negation.search(s.window_before(position, 3)))

    def _statement(self, claim: Claim, s: Sentence) -> list[Candidate]:
        """A speaker's words about the claim's topic. The agent of the cue (the party named
        nearest before it) must be one of the claim's speakers. For a commitment, a negated
        promise ("Kyiv has not agreed to halt strikes") contradicts it; a cue in a clause about
        a full ceasefire is about that other proposal; a hedge in the cue's clause is no
        agreement."""
        topic, confirm, contradict = self.lex.claim_patterns[claim.id]
        if not topic.search(s.low):
            return []
        allowed = set(claim.speakers)
        commitment = claim.detector == "commitment"

        def usable(m: re.Match[str]) -> str | None:
            agent = self._agent(s, m.start())
            if allowed and agent not in allowed:
                return None
            if commitment and self._clause_has(s, m.start(), _FULL_TRUCE):
                return None
            return agent or ""

        for m in contradict.finditer(s.low):
            agent = usable(m)
            hedged = self._clause_has(s, m.start(), self.lex.hedge)
            if agent is not None and not hedged and not self._negated(s, m.start()):
                return [
                    Candidate(
                        "contradicts",
                        s,
                        f"{claim.detector}.contradict-cue",
                        0.7,
                        actor=agent or None,
                    )
                ]
        for m in confirm.finditer(s.low):
            agent = usable(m)
            if agent is None or self._clause_has(s, m.start(), self.lex.hedge):
                continue
            if commitment and self._wished(s, m.start()):
                continue  # "urged Russia and Ukraine to respect it": a wish, not a commitment
            if not self._negated(s, m.start()):
                return [
                    Candidate(
                        "confirms", s, f"{claim.detector}.confirm-cue", 0.7, actor=agent or None
                    )
                ]
            if commitment and _PROMISE.match(m.group()):
                return [
                    Candidate(
                        "contradicts",
                        s,
                        f"{claim.detector}.negated-promise",
                        0.65,
                        actor=agent or None,
                    )
                ]
        return []

    def _wished(self, s: Sentence, position: int) -> bool:
        start, _end = s.clauses[s.clause(position)]
        return bool(self.lex.wish.search(s.low, start, position))

    def _clause_has(self, s: Sentence, position: int, pattern: re.Pattern[str]) -> bool:
        start, end = s.clauses[s.clause(position)]
        return bool(pattern.search(s.low, start, end))

    # Terms ----------------------------------------------------------------------------------

    def _about_deal(self, claim: Claim, s: Sentence) -> bool:
        topic = self.lex.claim_patterns[claim.id][0]
        energy = any(s.targets.get("energy", [])) or re.search(r"\benergy\b", s.low)
        return (
            bool(topic.search(s.low))
            and bool(energy or "moratorium" in s.low)
            and not s.has(_FULL_TRUCE)
        )

    def _window(self, claim: Claim, s: Sentence, published: date) -> list[Candidate]:
        """Length, start date, extension and end of the deal against the claimed window."""
        if not self._about_deal(claim, s):
            return []
        window = self.story.window
        hedged = s.has(self.lex.hedge)
        if s.has(_START_CUE):
            for day in explicit_dates(s.text, published):
                if day == window.start:
                    return [Candidate("confirms", s, "window.start-date", 0.75)]
                if -3 <= (day - window.start).days <= 20 and day < window.end - timedelta(days=5):
                    return [Candidate("contradicts", s, "window.other-start", 0.75)]
        speaker = self._agent(s, len(s.text))
        early = s.has(_EARLY_END)
        if early and not hedged and published < window.end:
            # the window's new end (its first day outside) is carried as the event date
            return [
                Candidate(
                    "contradicts", s, "window.early-end", 0.65, event_day=published, actor=speaker
                )
            ]
        extension = _EXTENDED.search(s.low)
        if (
            extension
            and not hedged
            and not self.lex.no_event.search(s.window_before(extension.start(), 4))
        ):
            return [
                Candidate(
                    "contradicts",
                    s,
                    "window.extension",
                    0.7,
                    event_day=self._extended_end(s, published),
                    actor=speaker,
                )
            ]
        for m in _DURATION.finditer(s.low):
            amount = _NUMBERS.get(m.group(1).lower()) or int(m.group(1))
            month = m.group(2).lower() == "month"
            days = amount * 30 if month else amount
            if days == claim.value or (month and amount == 1):
                return [Candidate("confirms", s, "window.duration", 0.75)]
            if days >= 5 and not hedged:
                return [Candidate("contradicts", s, "window.other-duration", 0.6)]
        expiry = _EXPIRY.search(s.low)
        near_end = (window.end - published).days <= 3
        if expiry and near_end and not self._negated(s, expiry.start()):
            return [Candidate("confirms", s, "window.expiry", 0.7)]
        return []

    def _extended_end(self, s: Sentence, published: date) -> date | None:
        """The new end of an extended window: "until 17 May" (its next day), "by another 30
        days", "for a further month"; None when the sentence does not say."""
        until = re.search(r"\b(?:until|till|through|to|runs? to)\s+(.{3,20})", s.low)
        if until:
            dates = explicit_dates(until.group(1), published)
            if dates:
                return dates[0] + timedelta(days=1)
        more = _MORE_DAYS.search(s.low)
        if more:
            amount = more.group(1)
            days = 30 if amount in ("month", "a month") else _NUMBERS.get(amount) or int(amount)
            return self.story.window.end + timedelta(days=days)
        return None

    def _scope(self, claim: Claim, s: Sentence) -> list[Candidate]:
        topic, confirm, contradict = self.lex.claim_patterns[claim.id]
        if not topic.search(s.low):
            return []
        energy_terms = {s.text[a:b].lower() for a, b in s.targets.get("energy", [])}
        if contradict.search(s.low) and len(energy_terms) >= 3:
            return [Candidate("contradicts", s, "scope.energy-list", 0.75)]
        if s.has(_ENERGY_ONLY):
            return [Candidate("contradicts", s, "scope.energy-only", 0.7)]
        if s.has(self.lex.hedge) or s.has(self.lex.wish):
            return []
        m = confirm.search(s.low)
        if m and not self._negated(s, m.start()) and self._about_deal(claim, s):
            return [Candidate("confirms", s, "scope.broad", 0.6)]
        return []

    # Forecast: does the fighting go on? -----------------------------------------------------

    def _fighting(self, claim: Claim, s: Sentence, published: date) -> list[Candidate]:
        """Attacks and combat of any kind after the deal: the war goes on (or pauses)."""
        _topic, confirm, contradict = self.lex.claim_patterns[claim.id]
        anchor = s.attacks[0][0] if s.attacks else None
        if not self._on_topic(s) or event_date(s.text, published, anchor) < self.story.deal_date:
            return []
        if self._long_ago(s) or s.has(self.lex.denied_report):
            return []
        if s.has(self.lex.off_topic) and not s.places:
            return []  # "Russia condemned the US strikes in Iraq": another war's fighting
        m = contradict.search(s.low)
        if m and not self._negated(s, m.start()):
            return [Candidate("contradicts", s, "fighting.lull", 0.6)]
        if s.attacks:
            return [Candidate("confirms", s, "fighting.attack", 0.65)]
        m = confirm.search(s.low)
        if m and not blocked(self.lex, s, m.start()):
            return [Candidate("confirms", s, "fighting.cue", 0.55)]
        return []
