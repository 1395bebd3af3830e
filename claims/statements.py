"""Statement rules: a speaker's confirming or contradicting words about a claim's topic."""

from __future__ import annotations

import re

from mypy_extensions import trait

from claims.analysis import Sentence
from claims.cues import Cued
from claims.rules import FULL_TRUCE, TOWARD, Candidate, ClaimRule, Rules, subject_names
from claims.terms import deal_named_again

# Promises whose negation is a refusal ("has not agreed"); "no new orders" is not one.
_PROMISE = re.compile(
    r"agree|accept|commit|support|back|endorse|observ|compl|abid|honou?r|respect|"
    r"adher|stick|keep|stop|halt|refrain|consent|giv(?:e|en|es|ing) (?:\w+ ){0,2}consent"
)


# a cue in a clause that only dates something else by the deal
_BACKGROUND = re.compile(
    r"\b(?:hours|days|weeks|minutes|moments|shortly|soon|just) (?:after|before)(?: [\w'\u2019-]+){1,4} ?$"
)

# what the subject goes on to say: "Peskov rejected the claims, saying ..."
_SAYING = re.compile(r",\s+(?:saying|adding|insisting|stressing|noting|arguing)\b")
# the deal holding ("has largely held", "is holding"), said of it as a whole
_HELD = re.compile(
    r"\b(?:has|have|had) ['\"]?(?:(?:largely|generally|mostly|broadly|so far|by and large) )?held\b|"
    r"\b(?:is|was|are|were) ['\"]?(?:(?:largely|generally|mostly|broadly|still) )?holding\b"
)
# a cue a few words after "whether" is asked, not said
_ASKED = re.compile(r"\bwhether(?: [\w'\u2019-]+){1,8} ?$")

# the deal's term over, as agreed: not "ended early", nor "is dead"
_RAN_OUT = Cued(r"\b(?:expired|lapsed|ran out|run out|runs out)\b")

# the deal, its words, and its end in the past tense ("ends on 16 April" is said of a deal that
# holds): "the moratorium on strikes agreed in March has expired"
# (Cued: a few substring tests answer most sentences, where the regex scans each)
_EXPIRED = Cued(r"expired|lapsed|ran out|run out|came to an end|has ended|is over|was over")
_DEAL_EXPIRED = re.compile(
    r"\b(?:moratorium|truce|ceasefire|pause|halt|deal|ban|period)\b[^;,]{0,80}?\b(?:has |had )?"
    rf"(?:{_EXPIRED.pattern})\b"
)

# the words before a cue that deny it: "has never", "did not", "it is wrong to say that Putin",
# "the lie that Russia"; or that report it as others' words ("claims that Putin")
_Q = "['\u2018\u2019\"]?"
_DENIAL = re.compile(
    r"\b(?:(?:has|have|had|did|does|do|is|was)(?:n't| not| never)|never|(?:wrong|false|untrue) to "
    rf"(?:say|claim|suggest)(?: that)?(?: [\w'\u2019-]+){{1,3}}?|{_Q}(?:lie|lies|lying|falsehood|myth|"
    rf"fake){_Q} that(?: [\w'\u2019-]+){{1,3}}?)\s*{_Q}$"
)
_REPORTED = re.compile(
    r"\b(?:claims?|reports?|allegations?|suggestions?|assertions?) that(?: [\w'\u2019-]+){1,3}?\s*$"
)
# what a promise is kept until: its condition, not its object
_UNTIL = re.compile(r"\b(?:until|unless|till|pending)\b")
# "the sides have not agreed on what it covers": its terms are open, the promise is not refused
_ON_TERMS = re.compile(
    r"\s+(?:on|about|over)\s+(?:what|how|which|whether|when|where|the (?:details|scope|terms|"
    r"list|specifics|modalities|parameters|mechanism|monitoring))\b"
)
# a clause that begins by taking back what came before
_CONTRAST = re.compile(r",?\s*(?:but|though|although|yet|however)\b")
_CALLED_FALSE = re.compile(
    r"\b(?:false|lies?|untrue|fake|nonsense|absurd|distort\w*|groundless|baseless|not true)\b"
)


@trait
class StatementRules(Rules):
    """What the parties say about a claim."""

    def _statement(self, claim: ClaimRule, s: Sentence) -> list[Candidate]:
        """A speaker's words about the claim's topic. The agent of the cue (the party named
        nearest before it) must be one of the claim's speakers. For a commitment, a negated
        promise ("Kyiv has not agreed to halt strikes") contradicts it; a cue in a clause about
        a full ceasefire is about that other proposal; a hedge in the cue's clause is no
        agreement."""
        if "?" in s.text and s.text.rstrip(" '\"\u2019\u201d").endswith("?"):
            return []  # "Will Ukraine stop hitting Russian refineries?": asked, not said
        topic, confirm, contradict = claim.topic, claim.confirm, claim.contradict
        commitment = claim.detector == "commitment"
        # asked for every claim: the bit test answers most sentences without a call; the topic
        # of a commitment, or of a claim judged while the deal runs, is the deal, which "the
        # pause" names again
        about_deal = commitment or claim.while_deal_runs
        if not (s.maybe & topic.bit and s.has(topic)) and not (about_deal and deal_named_again(s)):
            return []
        allowed = claim.speakers
        voices = claim.voices
        if not commitment and allowed and s.speakers and not s.speakers & allowed:
            return []  # "the White House said Putin agreed": not the Kremlin's own word

        def usable(m: re.Match[str]) -> str | None:
            if "whether" in s.low and _ASKED.search(s.low, 0, m.start()):
                return None  # "silent on whether Kyiv will halt strikes": a question
            agents = self._agents(s, m.start())
            if agents and self._acted_before(s, m.start()):
                return None  # "Russian drones struck X ... the halt agreed": struck, not agreed
            if allowed:
                agent = next((a for a in agents if a in allowed), None)
                if agent is None:
                    return None
                if voices is not None and not _voiced(s, m.start(), allowed, voices):
                    return None
            else:
                agent = agents[-1] if agents else None
            if commitment and self._full_truce_meant(s, m.start()):
                return None
            return agent or ""

        # "the moratorium has expired, Russia is no longer bound by it": its term ran out,
        # no promise was taken back
        for m in s.find(contradict):
            if commitment and s.has(_RAN_OUT):  # remembered: asked per cue and claim
                break
            if _ON_TERMS.match(s.low, m.end()):
                continue
            agent = usable(m)
            if agent is None and commitment and not self._agents(s, m.start()):
                agent = self._striker_by_owner(claim, s, m.end())
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
        # "after" or "before" is in every _BACKGROUND match: substring tests first, cheaper
        background = "after" in s.low or "before" in s.low
        for m in s.find(confirm):
            agent = usable(m)
            if agent is None or (background and _BACKGROUND.search(s.low, 0, m.start())):
                continue  # "hours after Putin and Trump agreed": the deal recalled, not news
            if not commitment and self._denied(s, m):
                # the fact denied: "Russia has never rejected a ceasefire", "claims that Putin
                # rejected a ceasefire are false" (whatever may follow: "one could work")
                return [Candidate("contradicts", s, "statement.denied", 0.6, actor=agent or None)]
            if self._hedged(s, m.start()):
                continue
            if commitment and _said_expired(s, m.start()):
                continue  # "the moratorium agreed in March has expired": no promise kept now
            if commitment and self._wished(s, m.start()):
                continue  # "urged Russia and Ukraine to respect it": a wish, not a commitment
            if not self._negated(s, m.start()):
                return [
                    Candidate(
                        "confirms", s, f"{claim.detector}.confirm-cue", 0.7, actor=agent or None
                    )
                ]
            if commitment and _PROMISE.match(m.group()) and not _ON_TERMS.match(s.low, m.end()):
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

    def _striker_by_owner(self, claim: ClaimRule, s: Sentence, position: int) -> str | None:
        """With no subject named, whose targets a refusal or a threat speaks of tells who
        would strike them: "his units would keep striking Russian fuel depots" is Kyiv's
        word. The claim's party, when the owner named next in the clause is the other side."""
        start, end = s.clauses[s.clause(position)]
        owners = [p for p in s.parties if position <= p.start < end and p.role == "owner"]
        if owners and owners[0].party != claim.party and owners[0].party in self.sides:
            return claim.party
        return None

    def _deal_held(self, claim: ClaimRule, s: Sentence) -> list[Candidate]:
        """ "The halt on energy strikes has largely held on both sides": the deal said to hold
        confirms each side's promise, or only the promise of the side named holding it."""
        held = _HELD.search(s.low) if "held" in s.low or "holding" in s.low else None
        if held is None or self._negated(s, held.start()) or self._hedged(s, held.start()):
            return []
        start, _end = s.clauses[s.clause(held.start())]
        topic = claim.topic
        if not s.search(topic, start, held.start()) or _ASKED.search(s.low, 0, held.start()):
            return []
        sides = {
            p.party
            for p in s.parties
            if start <= p.start and p.role not in ("speaker", "location", "owner", "object")
        }
        if sides and not s.has(self.lex.mutual) and claim.party not in sides:
            return []
        return [Candidate("confirms", s, "commitment.deal-held", 0.6)]

    def _full_truce_meant(self, s: Sentence, position: int) -> bool:
        """Is the cue at `position` said of a full ceasefire, the other proposal ("Kyiv agreed
        to a full ceasefire")? Not when the full ceasefire is what it waits for ("will keep
        hitting refineries until the Kremlin agrees to a full ceasefire"), what the deal leads
        toward, or another verb's object after the energy halt the cue took ("agrees to pause
        energy strikes, rejects broader truce")."""
        if not self._clause_has(s, position, FULL_TRUCE):
            return False
        start, end = s.clauses[s.clause(position)]
        energy = [a for a, _b in s.targets.get("energy", ()) if a > position]
        for m in FULL_TRUCE.finditer(s.low, start, end):
            if TOWARD.search(s.low, start, m.start()):
                continue
            if m.start() < position:
                return True
            between = s.low[position : m.start()]
            if _UNTIL.search(between) or (
                "," in between and ("energy" in between or any(a < m.start() for a in energy))
            ):
                continue
            return True
        return False

    def _hedged(self, s: Sentence, position: int) -> bool:
        """A hedge in the clause of `position`, or in a later one that takes it back without
        naming anyone else: "Ukraine would support a halt, he said, but we need details first"."""
        if self._clause_has(s, position, self.lex.hedge):
            return True
        clause = s.clause(position)
        after = s.clauses[clause][1]
        for start, end in s.clauses[clause + 1 :]:
            if not _CONTRAST.match(s.low, start):
                continue
            hedge = s.search(self.lex.hedge, start, end)
            if hedge and not any(after <= p.start < hedge.start() for p in s.parties):
                return True
        return False

    def _denied(self, s: Sentence, m: re.Match[str]) -> bool:
        """Is the cue denied ("never rejected") or reported and called false ("claims that
        Russia rejected a ceasefire are a lie")?"""
        if _DENIAL.search(s.low, 0, m.start()):
            return True
        return bool(_REPORTED.search(s.low, 0, m.start()) and _CALLED_FALSE.search(s.low, m.end()))

    def _acted_before(self, s: Sentence, position: int) -> bool:
        """Is there an attack between the subject named last before `position` and it?"""
        before = [
            p.end for p in s.parties if p.start < position and p.role not in ("location", "owner")
        ]
        return bool(before) and any(before[-1] <= a < position for a, _e in s.attacks)


def _said_expired(s: Sentence, position: int) -> bool:
    """Is `position` inside the words that say the deal is over (see _DEAL_EXPIRED)?"""
    if not s.has(_EXPIRED):  # most sentences say nothing of it: one search answers them
        return False
    return any(m.start() <= position < m.end() for m in _DEAL_EXPIRED.finditer(s.low))


def _voiced(s: Sentence, position: int, allowed: frozenset[str], voices: re.Pattern[str]) -> bool:
    """Is the word at `position` said under one of the claim's voices: by the sentence's
    speaker ("Peskov said", "the Kremlin: ..."), else by its subject ("Putin agreed")?"""
    named = [p for p in s.parties if p.role == "speaker" and p.party in allowed]
    # "ing" is in every _SAYING match: a substring test first
    said = _SAYING.search(s.low, 0, position) if not named and "ing" in s.low else None
    if said:
        # "Peskov rejected the claims, saying Russia observes the moratorium Putin ordered":
        # the sentence's subject speaks
        named = [p for p in s.parties if p.start < said.start() and p.role == "agent"][:1]
    if not named:
        named = subject_names(s, position)
    return any(p.party in allowed and voices.fullmatch(s.low, p.start, p.end) for p in named)
