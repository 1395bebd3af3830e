"""Read an article and judge it against each claim of a story, with the sentence that shows it.

Rule families (a claim's `detector` in claims.yaml picks them), one module each:
- commitment (claims.breach + claims.statements): breach events (the committed party strikes a
  protected target in the protected territory inside the window) plus the party's statements;
- statement (claims.statements): a speaker's confirming or contradicting words about a topic;
- window and scope (claims.terms): the deal's length, start, extension and expiry; what it covers;
- fighting (claims.fighting): attacks and combat of any kind (does the war go on?).
claims.rules holds what they share.
Every evidence row names its rule, so every verdict can be traced to a sentence and a rule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from claims.analysis import Sentence, analyse, tokenize
from claims.breach import BreachRules
from claims.fighting import FightingRules
from claims.lexicon import Lexicon, lower
from claims.rules import DENIED_ACCUSATION, LONG_AGO, Candidate, ClaimRule
from claims.statements import StatementRules
from claims.terms import DEAL_NAMED_BEFORE, EXPIRY, TermRules
from claims.text import split_sentences
from truce.records import Article, Evidence, Story

ENGINE_VERSION = "rules-1"
_PRIORITY = {"breach": 3, "contradicts": 2, "confirms": 1}


@dataclass(frozen=True)
class Assessment:
    evidence: tuple[Evidence, ...]
    mentions: tuple[tuple[str, int, int, str], ...]  # (claim_id, start, end, sentence)


def evidence_id(article_id: str, claim_id: str) -> str:
    return hashlib.sha256(f"{article_id}\x1f{claim_id}".encode()).hexdigest()[:16]


class Engine(BreachRules, StatementRules, TermRules, FightingRules):
    """The claim engine for one story. Build once, then `assess` articles (pure, thread-safe).
    Each rule family lives in its own module; this class runs them over an article."""

    def __init__(self, story: Story, lexicon: dict[str, Any], gazetteer: dict[str, Any]):
        self.story = story
        self.lex = Lexicon(story, lexicon, gazetteer)
        # the sides at war: a mediator's name (Trump, Washington) makes a sentence about this
        # story only when it speaks of the deal itself
        self.side_ids = tuple(p.id for p in story.parties if p.territory)
        self.sides = set(self.side_ids)
        self.territory_of_party = {p.id: p.territory for p in story.parties}
        self.claims = [ClaimRule(c, self.lex) for c in story.claims]
        self.deal_topics = [c.topic for c in self.claims if c.detector != "fighting"]
        self.deal_date = story.deal_date
        self.window_start, self.window_end = story.window.start, story.window.end
        self.version = ENGINE_VERSION

    def assess(self, article: Article) -> Assessment:
        text = article.text
        published = date.fromisoformat(article.published[:10])
        if published < self.deal_date or article.published < (self.story.deal_at or ""):
            return Assessment((), ())
        spans = split_sentences(text)
        # from the first sentence on: a headline's label is in none ("UPDATE 2-Kherson: ...")
        if not spans or not self._names_story(lower(text[spans[0][0] :])):
            return Assessment((), ())
        sentences = [analyse(self.lex, text[s:e], s) for s, e in spans]
        if not self._relevant(sentences):
            return Assessment((), ())
        named = False
        for s in sentences:
            s.memo[DEAL_NAMED_BEFORE] = named
            named = named or self._names_deal(s)
        if self._retrospective(sentences, published):
            for s in sentences:
                if not self._dated(s, published):
                    s.memo[LONG_AGO] = True  # told in a look back, of its time
        found = {
            claim.id: [
                c for s in sentences for c in self._judge(claim, s, sentences, article, published)
            ]
            for claim in self.claims
        }
        breaches = [
            c
            for cs in found.values()
            for c in cs
            if c.stance == "breach" and c.rule != DENIED_ACCUSATION
        ]
        evidence, mentions = [], []
        for claim in self.claims:
            candidates = found[claim.id]
            if not candidates and claim.detector == "fighting" and breaches:
                # "Kyiv violates the moratorium daily": attacks said to break the deal are
                # fighting that goes on
                candidates = [breaches[0].restated("confirms", "fighting.breach", False)]
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
            if best.stance == "breach" and best.alleged:
                # one side's word in the headline, a reporter's own eyes in the text: confirmed
                alleged = all(c.alleged for c in candidates if c.stance == "breach")
                best = best.restated(best.stance, best.rule, alleged)
            evidence.append(self._evidence(article, claim, best))
        return Assessment(tuple(evidence), tuple(dict.fromkeys(mentions)))

    def _names_story(self, low: str) -> bool:
        """A cheap first gate: an article naming none of the story's parties, their energy
        companies or places cannot pass the relevance gate, so it is not analysed sentence by
        sentence."""
        return (
            any(p.search(low) for p in self.lex.parties.values())
            or any(p.search(low) for p in self.lex.operators.values())
            or bool(self.lex.find_places(tokenize(low)))
        )

    def _relevant(self, sentences: list[Sentence]) -> bool:
        """The relevance gate: the article must be about the story's parties or places, and not
        mainly about another conflict: more of its sentences name more of this story than of
        another ("Separately, Israel and Hamas..." in a round-up is one sentence of several)."""
        on_topic = off_topic = named_here = named_elsewhere = 0
        for s in sentences:
            here, elsewhere = self._on_topic(s), len(s.find(self.lex.off_topic))
            on_topic += here > elsewhere
            off_topic += elsewhere > here
            named_here += here
            named_elsewhere += elsewhere
        if on_topic == off_topic:  # as many each way: the names decide
            return on_topic > 0 and named_here > named_elsewhere
        return on_topic > off_topic

    def _evidence(self, article: Article, claim: ClaimRule, c: Candidate) -> Evidence:
        # a dict, not keywords: see Evidence.of_fields
        return Evidence.of_fields(
            {
                "id": evidence_id(article.id, claim.id),
                "article_id": article.id,
                "claim_id": claim.id,
                "stance": c.stance,
                "alleged": c.alleged and c.stance == "breach",
                "quote": c.sentence.text,
                "start": c.sentence.offset,
                "end": c.sentence.offset + len(c.sentence.text),
                "event_date": c.event_day.isoformat() if c.event_day else None,
                "actor": c.actor,
                "target": c.target,
                "place": c.place,
                "region": c.region,
                "confidence": round(c.confidence, 2),
                "rule": c.rule,
                "outlet": article.outlet,
                "published": article.published,
                "seen": article.seen,
                "cluster": article.cluster,
                "tier": article.tier,
                "affiliation": article.affiliation,
                "url": article.url,
            }
        )

    def _judge(
        self,
        claim: ClaimRule,
        s: Sentence,
        sentences: list[Sentence],
        article: Article,
        published: date,
    ) -> list[Candidate]:
        # asked for every claim: the bit test answers most sentences without a call
        market = bool(s.maybe & self.lex.markets.bit) and self._market(s)
        detector = claim.detector
        # what is said of a promise counts while the deal runs, its last day included:
        # "Russia kept its word for 30 days", said in May, looks back
        timely = published <= self.window_end
        if detector == "commitment":
            found = self._breach(claim, s, sentences, article, published)
            if not market and timely:
                found += self._statement(claim, s)
                if not found:
                    found += self._party_on_terms(claim, s, published)
                    found += self._quiet(claim, s, sentences)
                    found += self._deal_held(claim, s)
            return found
        if market or (claim.while_deal_runs and not timely):
            return []
        if detector == "statement":
            return self._statement(claim, s)
        if detector == "window":
            return self._window(claim, s, published)
        if detector == "scope":
            return self._scope(claim, s)
        if detector == "fighting":
            return self._fighting(claim, s, sentences, published)
        return []

    def _market(self, s: Sentence) -> bool:
        """A market report, unless it tells of something hit ("oil jumps after drones hit a
        refinery"; "strikes on Gaza kept a floor under prices" hit nothing protected): the
        same for every claim, so remembered per sentence."""
        found = s.memo.get("market")
        if found is None:
            found = s.memo["market"] = s.has(self.lex.markets) and not any(
                self._targets_hit(s, a) for a in s.attacks
            )
        return found

    def _party_on_terms(self, claim: ClaimRule, s: Sentence, published: date) -> list[Candidate]:
        """The committed party stating the deal's terms is the party confirming its commitment:
        its length or start ("the moratorium runs 30 days from 18 March", the Kremlin) or what
        it covers ("the order concerns energy infrastructure only"). Not when it reports an
        attack and names the terms in passing ("struck a substation on the last day of the
        30-day moratorium", a governor), nor when it says the deal ran out (the window ended,
        no promise kept)."""
        if claim.party not in s.speakers or s.attacks or s.has(EXPIRY):
            return []
        for term in self.claims:
            if term.detector == "window":
                stated = any(c.stance == "confirms" for c in self._window(term, s, published))
            elif term.detector == "scope":
                stated = bool(self._scope(term, s))
            else:
                continue
            if stated:
                return [
                    Candidate(
                        "confirms", s, "commitment.party-states-terms", 0.6, actor=claim.party
                    )
                ]
        return []
