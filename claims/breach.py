"""Breach rules: a strike by the committed party on a protected target in protected ground, inside
the window (who struck, where, when, on whose word), or an accusation that the party violated
the deal; and the quiet reports that confirm it holds."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from mypy_extensions import trait

from claims.analysis import Sentence, speech_follows
from claims.cues import Cued
from claims.rules import (
    DENIED_ACCUSATION,
    NOT_THIS,
    Candidate,
    ClaimRule,
    Rules,
    listed,
    subject_names,
)
from claims.terms import deal_named_again
from claims.text import MAY, MONTH
from truce.records import Article

_NO_ATTACKS = Cued(
    r"\b(?:no|zero|not a single|not one)\s+(?:new\s+|russian\s+|ukrainian\s+|enemy\s+)?"
    r"(?:attacks?|strikes?|hits?|shelling|damage)\b[^.;]{0,80}\b(?:recorded|reported|registered|"
    r"observed|detected|seen|overnight)\b"
    # "no hits on energy facilities", "a night without strikes on the grid"
    r"|\b(?:no|zero|without)\s+(?:new\s+|russian\s+|ukrainian\s+|enemy\s+)?(?:attacks|strikes|hits)"
    r"\s+(?:on|against)\b"
    # "no energy facilities were hit", "none of Centrenergo's plants has been attacked"
    r"|\b(?:no|zero|not a single|not one|none of)\s+(?:[\w'\u2019-]+\s+){0,3}(?:facilit(?:y|ies)|sites?|plants?|"
    r"substations?|infrastructure|objects?)\s+(?:(?:was|were|has been|have been|had been)\s+)?"
    r"(?:hit|struck|damaged|attacked|targeted|affected)\b"
)
_POSSESSIVE_GAP = re.compile(r"(?:'s|\u2019s)\s+(?:[\w-]+\s+)?")
# "attacked energy facilities 100 times during the pause": inside the window, whenever published
_DURING = Cued(
    r"\b(?:during|throughout|since the start of|since|in the course of) (?:the |this |its )?"
    r"(?:[\w-]+[- ]){0,2}(?:pause|moratorium|truce|ceasefire|halt)\b"
    r"(?![\w ,.-]{0,50}\b(?:expired|ended|lapsed|ran out|was over|came to an end))|\bsince (?:\d{1,2} "
    rf"{MONTH}|{MONTH} \d{{1,2}}|(?:the |putin'?s |its )?(?:\w+ )?(?:order|deal|agreement|call|"
    r"pledge))\b"
    # "over the 30 days of the moratorium", "during the 30 days it was in force"
    r"|\b(?:during|throughout|over|in|within) (?:the |its |those )?(?:\d+|thirty|first|last) days? "
    r"(?:of (?:the |its )?(?:[\w-]+ ){0,2}(?:pause|moratorium|truce|ceasefire|halt)\b|(?:it|that|when) "
    r"(?:was|were|had been) in (?:force|effect|place)\b)"
    # "During that month, Russian drones hit...": the deal's month, named in a sentence before
    r"|\b(?:during|throughout|over|in) (?:that|those|the) (?:month|(?:30|thirty) days)\b"
    # "the moratorium ..., while Ukraine struck Russian energy throughout it"
    r"|\b(?:pause|moratorium|truce|ceasefire|halt)\b[^.;]{0,120}\b(?:during|throughout) it\b"
    # "while the moratorium was in force"
    r"|\bwhile (?:the |its )?(?:[\w-]+ ){0,2}(?:pause|moratorium|truce|ceasefire|halt) (?:was|had been|"
    r"remained) in (?:force|effect|place)\b"
)
# "hours after Putin's pledge": the night after the deal, whenever it was reported
_HOURS_AFTER_DEAL = re.compile(
    r"\bhours (?:after|since) (?:the |a |putin'?s |trump'?s |their |his )?(?:[\w-]+ )?(?:phone )?"
    r"(?:call|pledge|agreement|deal|announcement|promise|order|talks|conversation)\b"
)
# "A drone damaged a DTEK substation..., the company said": the operator reports
# "Rosseti Centre: ..." heads its own report ("...: Gazprom distributor" ends one)
_HEADLINE_SOURCE = re.compile(r"(?:'s|\u2019s)?(?: [A-Z][\w-]*){0,2}:")
# the operator that speaks elsewhere in the article, named here by a pronoun
_IT_SAID = re.compile(
    r"^(?:it|the company|the operator|the utility|the firm) (?:also )?(?:said|says|reported|added)\b"
)
_COMPANY_SAID = re.compile(
    r"\bthe (?:company|operator|utility|firm|supplier)(?:'s \w+)? (?:said|says|reported)"
)
# between two targets of one attack: "a hospital and (the city's) power supply"
# ("port infrastructure, warehouses and a gas pipeline": the rest of a target's name first),
# past an item that is none ("airfields, workshops assembling boats and an energy facility")
_LISTED = re.compile(
    r"(?: [\w'\u2019-]+){0,2}(?:(?:,|,? and|,? as well as|,? plus)(?: [\w'\u2019-]+){0,4}){1,3} "
)
# "explosions near the power plant": what was near was not hit
_NEAR = re.compile(
    r"\b(?:near|nearby|close to|next to|outside|in the vicinity of)(?: [\w'\u2019-]+){0,2}$"
)
# "energy infrastructure had been hit": the attack's subject is what was hit
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are)(?: [\w-]+ly)?$")
_IT = re.compile(r" it\b")
_ITS = re.compile(r"\b(?:its|their|our)\b")
# "the Kyiv regime, which he said had repeatedly attacked": a relative clause's subject is the
# name before it (not a passive: "a depot, which was hit")
_RELATIVE = re.compile(
    r"[\"'\u201d\u2019]?,\s+(?:which|who)\s+"
    r"(?:(?!(?:was|were|been|being|is|are)\s)[\w'\u2019-]+\s+){0,4}$"
)
_CONDITIONAL = re.compile(rf"\b(if|unless|whether|could|would|might|{MAY}|should|likely)\b")
# "Russia observes the moratorium, Kyiv does not": the promise, then who did not keep it
_KEPT = Cued(r"\b(?:observ|compl[iy]|abid|honou?r|respect|adher|stick|stuck|kept|keep|fulfil)")
_NOT_KEPT = Cued(
    r"(?:,|;|\bwhile|\bbut|\bwhereas)\s+(?:[\w'\u2019-]+\s+){1,3}?(?:does|did|has|have|had|is|"
    r"was|were)(?: not|n't)(?: (?:done so|done the same|followed suit|reciprocated|stopped))?"
    r"(?=\s*(?:[.;,)'\u2019\"]|$))"
)
# ..., "unlike Kiev", "while the Ukrainian side 'continues to attack'"
_KEPT_UNLIKE = Cued(
    r"\bunlike\s+(?:the\s+)?[\w'\u2019-]+(?:\s+(?:side|regime|forces|authorities|government))?|"
    r"(?:,|;|\bwhile|\bbut|\bwhereas)\s+(?:[\w'\u2019-]+\s+){1,3}?['\u2018\u2019\"]?"
    r"(?:continues?|continued|keeps?|kept|goes on|went on)\s+(?:to\s+)?"
    r"(?:attack|strik|hit|shell|violat|break|breach)\w*"
)
# each with the substrings one of which is in every match: tested first, cheaper than a regex
_NOT_KEPT_FORMS = (
    (_NOT_KEPT, (" not", "n't")),
    (_KEPT_UNLIKE, ("unlike", "contin", "keep", "kept", "goes on", "went on")),
)
# "has not struck", "had not carried out any strikes": a denial for the time it speaks of
_NOT_STRUCK = Cued(
    r"\b(?:has|have|had|did)(?: not|n't)\s+(?:(?:carried out|conducted|launched|made)\s+"
    r"(?:any\s+|a single\s+)?)?(?:struck|attacked|hit|targeted|shelled|strikes?|attacks?)\b"
)


@trait
class BreachRules(Rules):
    """Breaches of a commitment, and quiet nights that confirm it."""

    def _breach(
        self,
        claim: ClaimRule,
        s: Sentence,
        sentences: list[Sentence],
        article: Article,
        published: date,
    ) -> list[Candidate]:
        """A strike by the committed party on a protected target in protected ground, inside
        the window; or an accusation that the party violated the deal."""
        if self._long_ago(s, published) or self._accident(s, sentences):
            return []  # an attack long before the deal, an accident
        # an attack that hit a protected target (see _targets_hit)
        pairs = [a for a in s.attacks if self._targets_hit(s, a) & claim.target_set]
        if pairs:
            # "Russia refrains, while Kyiv keeps hitting Russian energy sites": each attack has
            # its own attacker and ground; the first by this party on its protected ground counts
            judged = [self._judge_attack(s, attack[0]) for attack in pairs]
            anchor, side, place, attacker, explicit, joint = next(
                (
                    j
                    for j in judged
                    if (j[3] == claim.party or claim.party in j[5])
                    and (j[1] is None or j[1] in claim.territory)
                ),
                judged[0],
            )
            if claim.party in joint:
                attacker = claim.party  # "Russia and Ukraine struck...": each of them
            rule = "breach.explicit-attacker" if explicit else "breach.inferred-attacker"
            confidence = 0.85 if explicit else 0.7
        else:
            side, place, anchor = None, None, 0
            # "dismissed Russian talk of Ukrainian violations": no attack is told
            if s.has(self.lex.denied_report):
                return []
            attacker, rule = self._violator(claim, s, sentences)
            confidence = 0.6
            if attacker is None:
                return []
        if attacker != claim.party:
            return []
        if side is not None and side not in claim.territory:
            return []
        day = self._event_date(s, published, anchor if pairs else None)
        # one can only violate the deal while it holds: "had violated it dozens of times",
        # "had not complied with it, striking energy sites almost daily" (an attack the
        # sentence dates, "overnight", keeps its day)
        if published >= self.window_start and (
            not pairs
            or s.has(_DURING)
            or (s.has(self.lex.violation) and not self._dated(s, published))
        ):
            day = min(day, self.window_end - timedelta(days=1))
        if "hours" in s.low and s.has(_HOURS_AFTER_DEAL):  # a substring test first: cheaper
            day = min(day, self.deal_date + timedelta(days=1))
        if not self.window_start <= day < self.window_end:
            return []
        alleged = True
        if pairs and s.has(self.lex.denied_report):
            # "Kyiv dismissed Russian claims that its drones hit a depot": one side's word,
            # which the report of a denial does not corroborate
            rule, confidence = DENIED_ACCUSATION, 0.6
        elif pairs:
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

    def _judge_attack(
        self, s: Sentence, anchor: int
    ) -> tuple[int, str | None, Any, str | None, bool, tuple[str, ...]]:
        """(anchor, whose ground, the place, who struck, named explicitly, the sides who struck
        together): the same for every claim, so worked out once per attack."""
        key = ("attack", anchor)
        found = s.memo.get(key)
        if found is None:
            side, place = self._target_side(s, anchor)
            attacker, explicit = self._attacker(s, anchor, side)
            found = s.memo[key] = (anchor, side, place, attacker, explicit, self._joint(s, anchor))
        return found

    def _joint(self, s: Sentence, anchor: int) -> tuple[str, ...]:
        """The sides of a subject that names several in the attack's own clause ("both Russia
        and Ukraine had struck energy facilities", "Russian and Ukrainian drones hit..."): each
        of them struck. Empty for one side."""
        subject = subject_names(s, anchor)
        clause = s.clause(anchor)
        # sides that accuse each other of the attack are each accused of it
        roles = ("agent", "weapon", "speaker") if s.has(self.lex.mutual) else ("agent", "weapon")
        sides = {
            p.party
            for p in subject
            if p.role in roles and p.party in self.sides and s.clause(p.start) == clause
        }
        return tuple(sorted(sides)) if len(sides) > 1 else ()

    def _targets_hit(self, s: Sentence, attack: tuple[int, int]) -> set[str]:
        """The classes of what an attack word hit: the target nearest it in its clause, not
        just near it ("explosions near the plant"), not past another attack word ("homes
        damaged, no energy facilities hit": the damage is to homes; "its strikes were aimed at
        troops and it denied hitting energy sites"), and the targets listed with that one ("hit
        a hospital and the city's power supply")."""
        key = ("hit", attack)
        found = s.memo.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        clause = s.clause(attack[0])
        verbs = [m.start() for m in s.find(self.lex.attack) if m.start() != attack[0]]
        # a word of every _NEAR match: without one, no window needs building
        near = any(w in s.low for w in ("near", "close", "next", "outside", "vicinity"))
        # and of every NOT_THIS match ("not", "nor", "rather than", "instead of", "never")
        denies = any(w in s.low for w in ("no", "rather", "instead", "never"))
        spans = sorted(
            (start, end, cls)
            for cls, found_spans in s.targets.items()
            for start, end in found_spans
            if s.clause(start) == clause
            and not (near and _NEAR.search(s.window_before(start, 3)))
            and not (denies and NOT_THIS.search(s.window_before(start, 3)))
            and not any(
                attack[1] <= v < start if start >= attack[1] else end <= v < attack[0]
                for v in verbs
            )
        )
        found = set()
        if spans:
            nearest = min(
                range(len(spans)),
                key=lambda i: (
                    spans[i][0] - attack[1] if spans[i][0] >= attack[1] else attack[0] - spans[i][1]
                ),
            )
            found.add(spans[nearest][2])
            for (_s, end, _c), (start, _e, cls) in zip(
                spans[nearest:], spans[nearest + 1 :], strict=False
            ):
                if not _LISTED.fullmatch(s.low, end, start):
                    break
                found.add(cls)
        s.memo[key] = found
        return found

    def _violator(
        self, claim: ClaimRule, s: Sentence, sentences: list[Sentence]
    ) -> tuple[str | None, str]:
        """Who is accused of violating the deal: "Kyiv's violations", "violations by Moscow",
        "Russia violated", "accused Kyiv of violating"; or each side when they accuse each
        other. Conditionals ("if Kyiv kept violating it") are not accusations. The deal is named
        in the sentence, or in the one before when the sentence says "it" ("The moratorium has
        expired. Kyiv had violated it almost daily")."""
        topic = claim.topic
        # the bit test first: cheaper; "Kiev ignored the agreement" once the deal was named
        named = bool(s.maybe & topic.bit and s.has(topic)) or deal_named_again(s)
        for m in s.find(self.lex.violation) if named or " it" in s.low else ():
            if not named and not (_IT.match(s.low, m.end()) and _before(s, sentences).has(topic)):
                continue
            before = s.window_before(m.start(), 12)
            if self._negated(s, m.start()) or _CONDITIONAL.search(before):
                continue
            if s.has(self.lex.mutual) or claim.party in self._agents(s, m.start())[:-1]:
                # "each other", or "both Russia and Ukraine appear to have violated it"
                return claim.party, "breach.mutual-accusation"
            for index, p in enumerate(s.parties):  # "violations by Moscow", "by both sides"
                if p.start > m.end() and s.low[m.end() : p.start].strip() in ("by", "by both"):
                    names = listed(s, index)
                    party = claim.party if claim.party in names else p.party
                    return party, "breach.violation-claim"
            clause = s.clause(m.start())
            for p in reversed(s.parties):  # "Kyiv's repeated violations", "Russia violated"
                between = s.text[p.end : m.start()]
                if p.end > m.start() or s.clause(p.start) != clause:
                    continue
                if (
                    _POSSESSIVE_GAP.fullmatch(between)
                    or not between.strip(" '\u2018\u2019\"")  # "Ukrainian 'violations'"
                    or (p.role in ("agent", "weapon") and len(between.split()) <= 4)
                ):
                    return p.party, "breach.violation-claim"
        # "Russia kept its word, Kyiv did not": the promise kept names the deal
        return self._promise_not_kept(claim, s), "breach.violation-claim"

    def _promise_not_kept(self, claim: ClaimRule, s: Sentence) -> str | None:
        """ "Russia kept its word on the moratorium, Kyiv did not" ("..., unlike Kiev", "...,
        while Kyiv continues to attack"): the side named in the clause after another side's
        kept promise."""
        found = s.memo.get("not kept")
        if found is None:
            found = s.memo["not kept"] = self._promises_not_kept(s)
        for breaker, end in found:
            if not self._other_targets_after(claim, s, end):
                return breaker  # not "..., while Kyiv keeps shelling Belgorod": no energy named
        return None

    def _promises_not_kept(self, s: Sentence) -> list[tuple[str, int]]:
        """(who did not keep it, where that is said) for each promise kept then not; once a
        sentence, whatever the claim."""
        found: list[tuple[str, int]] = []
        if _KEPT.search(s.low) is None:
            return found  # most sentences keep no promise: one scan answers them
        for pattern, marks in _NOT_KEPT_FORMS:
            if not any(mark in s.low for mark in marks):
                continue
            for m in pattern.finditer(s.low):
                kept = _KEPT.search(s.low, 0, m.start())
                if kept is None or self._negated(s, kept.start()):
                    continue
                keeper = self._agent(s, kept.start())
                breaker = self._agent(s, m.end())
                if breaker is not None and keeper not in (None, breaker):
                    found.append((breaker, m.end()))
        return found

    def _other_targets_after(self, claim: ClaimRule, s: Sentence, position: int) -> bool:
        """Does the clause after `position` name only targets the claim does not protect?"""
        named = _targets_after(s, position)
        return bool(named) and not named & claim.target_set

    def _target_class(self, claim: ClaimRule, s: Sentence) -> str | None:
        for cls in claim.targets:
            spans = s.targets.get(cls)
            if spans:
                start, end = spans[0]
                return s.text[start:end].lower()
        return None

    def _side_party(self, side: str | None) -> str | None:
        """Whose ground `side` is: a country's party, or for occupied land the other party."""
        if side is None:
            return None
        if side == "occupied":
            owner = self.lex.territory_of.get("ukraine")
            return self._other(owner)
        return self.lex.territory_of.get(side)

    def _target_side(self, s: Sentence, anchor: int) -> tuple[str | None, Any]:
        """Whose ground was hit: a place, else an owner ("Russian energy sites"), in the
        attack's own clause (after it, "hit ... in Kherson", before before); else the side that
        "its" names there; else the nearest place or owner of another clause; else the side
        whose energy company is named ("Sumyoblenergo: drone damages power line")."""
        clause = s.clause(anchor)

        def nearness(start: int) -> tuple[bool, bool, int]:
            return (s.clause(start) != clause, start < anchor, abs(start - anchor))

        places = sorted(s.places, key=lambda p: nearness(p.start))
        if places and s.clause(places[0].start) == clause:
            return places[0].place.side, places[0].place
        owners = sorted(
            (p for p in s.parties if p.role == "owner"), key=lambda p: nearness(p.start)
        )
        if owners and s.clause(owners[0].start) == clause:
            return self.territory_of_party[owners[0].party] or None, None
        # "Kyiv counted 30 Russian attacks on its power plants; Moscow listed...": "its" is the
        # side that speaks or acts in the attack's clause ("our", the side that speaks), before
        # another clause's ground
        start, end = s.clauses[clause]
        its = _ITS.search(s.low, anchor, min(end, anchor + 40))
        if its:
            roles = ("speaker",) if its.group() == "our" else ("speaker", "agent")
            sides = [p.party for p in s.parties if start <= p.start < anchor and p.role in roles]
            if sides:
                return self.territory_of_party[sides[0]] or None, None
        if places:
            return places[0].place.side, places[0].place
        if owners:
            return self.territory_of_party[owners[0].party] or None, None
        for party_id, operators in self.lex.operators.items():
            if s.find(operators):
                return self.territory_of_party[party_id] or None, None
        return None, None

    def _attacker(self, s: Sentence, anchor: int, side: str | None) -> tuple[str | None, bool]:
        """Who struck: named with a weapon or as agent, else inferred from where, else from who
        complains. Returns (party, named explicitly)."""
        clause = s.clause(anchor)
        named = [p for p in s.parties if p.role in ("weapon", "by")]
        # the subject of a passive ("Ukraine's air defences shot down 28 drones, and energy
        # infrastructure had been hit") is not who struck
        passive = _PASSIVE.search(s.window_before(anchor, 2))
        agents = [p for p in s.parties if p.role == "agent" and p.start < anchor and not passive]
        # "which" or "who" is in every match, within the words it allows before the attack
        relative = (
            _RELATIVE.search(s.low, max(0, anchor - 80), anchor)
            if "which" in s.low or "who" in s.low
            else None
        )
        if relative:
            before = [p for p in s.parties if p.end <= relative.start()]
            if (
                before
                and before[-1].role in ("agent", "weapon")
                and relative.start() - before[-1].end <= 16
                and not any(relative.start() < p.start < anchor for p in s.parties)
            ):
                return before[-1].party, True
        # the weapon or subject named in the attack's own clause ...
        own = [p for p in named if s.clause(p.start) == clause]
        if own:
            return min(own, key=lambda p: abs(p.start - anchor)).party, True
        own = [p for p in agents if s.clause(p.start) == clause]
        if own:
            return own[-1].party, True
        if s.tokens_before(anchor, 1) in (["its"], ["their"], ["our"]):
            owner = self._agent(s, anchor)  # "the ministry said its strikes hit ..."
            if owner:
                return owner, True
        # ... else whose ground was hit ("its drones struck a depot in Russia's Voronezh
        # region, while Russian drones..."), and only then names from other clauses
        holder = self._side_party(side)
        if holder and all(
            self._side_party(p.place.side) == holder
            for p in s.places
            if s.clause(p.start) == clause
        ):
            # not "Bryansk and Belgorod and the Zaporozhye region were hit": both sides' ground
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
        if s.has(self.lex.admission) or any(
            not self._negated(s, m.start()) for m in s.find(self.lex.independent)
        ):
            return False  # (not "could not be independently verified")
        if s.has(self.lex.mutual):
            return True  # "Russia and Ukraine accused each other of...": each side's word
        # who speaks in the attack's own clause: "Moscow accused Kyiv of X, while Zelensky said
        # Russian strikes hit Y" is Kyiv's word about Y
        clause = s.clause(anchor)
        speakers = {
            p.party
            for p in s.parties
            if p.role == "speaker" and (s.clause(p.start) == clause or len(s.clauses) == 1)
        }
        if attacker in speakers - s.deniers and victim not in speakers:
            return False  # the attacker's own word (with the victim speaking too, an accusation)
        operators = self.lex.operators.get(victim or "")
        if operators is not None:
            for m in s.find(operators):
                if (
                    speech_follows(self.lex, s, m.end())
                    or _HEADLINE_SOURCE.match(text, m.end())
                    or text[: m.start()].rstrip().endswith(":")
                    or "according to" in text[: m.start()][-20:].lower()
                    or _COMPANY_SAID.search(low, m.end())
                ):
                    return False  # the operator's report of its own damage
            if _IT_SAID.search(low) and any(
                m.start() == 0 or speech_follows(self.lex, o, m.end())
                for o in sentences
                if o is not s
                for m in o.find(operators)
            ):
                # "Naftogaz posts output drop, says sites hit": "It said drones struck its gas
                # production facilities"
                return False
        if victim in s.speakers or s.has(self.lex.accusation):
            return True
        if article.affiliation and article.affiliation == attacker:
            return False  # the attacker's state media on its own strike: an admission
        if s.has(self.lex.officials) and s.has(self.lex.speech):
            return True
        if article.affiliation and article.affiliation == victim:
            return True
        return any(
            victim in other.speakers or other.has(self.lex.accusation)
            for other in sentences
            if other is not s
        )

    def _quiet(self, claim: ClaimRule, s: Sentence, sentences: list[Sentence]) -> list[Candidate]:
        """ "No attacks on energy facilities were recorded" in the protected ground (named in
        the sentence, else in the article: "no hits on energy facilities" over a report from
        Kharkiv): the halt holds there. Or the committed side has not struck what it promised
        to spare ("Ukraine has not struck Russian energy facilities since the pause began")."""
        # the targets first: a list lookup, where the regex scans the sentence
        if not any(s.targets.get(cls) for cls in claim.targets):
            return []
        not_struck = s.memo.get("not struck")
        if not_struck is None:
            # " not" or "n't" is in every match: a substring test spares most sentences the scan
            negated = " not" in s.low or "n't" in s.low
            not_struck = s.memo["not struck"] = _NOT_STRUCK.finditer(s.low) if negated else []
        for m in not_struck:
            if claim.party in self._agents(s, m.start()) and self._spared(claim, s, m.end()):
                return [Candidate("confirms", s, "commitment.not-struck", 0.6, actor=claim.party)]
        if not s.has(_NO_ATTACKS):
            return []
        sides = self._grounds(s) or {side for other in sentences for side in self._grounds(other)}
        if sides and sides <= claim.territory:
            return [Candidate("confirms", s, "commitment.no-attacks-recorded", 0.6)]
        return []

    def _spared(self, claim: ClaimRule, s: Sentence, position: int) -> bool:
        """Is a target the claim protects named in the clause after `position`, on protected
        ground or no ground named?"""
        if not _targets_after(s, position) & claim.target_set:
            return False
        side, _place = self._target_side(s, position)
        return side is None or side in claim.territory

    def _grounds(self, s: Sentence) -> set[str]:
        """Whose ground a sentence is about: its places, and the operators it names."""
        sides = {p.place.side for p in s.places}
        return sides | {
            self.territory_of_party[party]
            for party, pattern in self.lex.operators.items()
            if s.has(pattern)
        }


def _targets_after(s: Sentence, position: int) -> set[str]:
    """The target classes named in the clause after `position`."""
    end = s.clauses[s.clause(position)][1]
    return {c for c, spans in s.targets.items() if any(position <= a < end for a, _ in spans)}


def _before(s: Sentence, sentences: list[Sentence]) -> Sentence:
    """The sentence before `s` (`s` itself when it is the first)."""
    index = next(i for i, x in enumerate(sentences) if x is s)
    return sentences[max(0, index - 1)]
