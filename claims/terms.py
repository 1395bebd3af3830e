"""Term rules: the deal's window (length, start, extension, expiry) and its scope (a broad
"infrastructure" against an energy-only list)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from mypy_extensions import trait

from claims.analysis import Sentence
from claims.cues import Cued
from claims.rules import ANY_DIGIT, FULL_TRUCE, TOWARD, Candidate, ClaimRule, Rules
from claims.text import MAY, explicit_dates

_DURATION = re.compile(r"\b(\d{1,3}|thirty|sixty|ninety|one|a)[- ](day|month)s?\b")
_NUMBERS = {"thirty": 30, "sixty": 60, "ninety": 90, "one": 1, "a": 1}
EXPIRY = Cued(
    r"\b(expired?|expires|expiring|lapsed|lapses|ran out|runs out|run out|ends|is ending|will end|"
    r"came to an end|has ended|ended|is over|was over)\b"
)
_LAST_DAY = Cued(r"\b(?:last|final) (?:day|hours)\b")
# Only a done deal counts: "was extended", not "any decision on extending it".
_MORE_DAYS = re.compile(
    r"\b(?:by|for) (?:another|a further|an additional|a second)? ?(\d{1,3}|thirty|sixty|month|a month)"
    r"(?: more)?(?: days?)?\b"
)
# of the deal itself: "renewed attacks" and "extended the Gaza ceasefire" are not
_DEAL = r"(?:moratorium|truce|pause|halt|ceasefire|cease-fire|deal|agreement|arrangement|it)"
_EXTENDED = re.compile(
    rf"\b(?P<verb>extended|prolonged|renewed)(?: [\w'\u2019-]+){{0,3}} {_DEAL}\b"
    rf"|\b{_DEAL}(?: [\w'\u2019-]+){{0,3}} (?:was|is|has been|had been|have been|been|be|were|are)"
    r"(?: [\w-]+ly)? (?P<passive>extended|prolonged|renewed)\b"
    r"|\b(?P<agreed>agreed (?:to|on) an extension)\b"
)
# an extension or an expiry that may come: "can be extended", "once the moratorium lapses"
_NOT_DONE = re.compile(
    rf"\b(?:whether|if|unless|once|until|when|before|can|could|{MAY}|might|would|will|should|"
    r"must)\b"
)
_EARLY_END = Cued(
    r"\b(ahead of schedule|prematurely|ended early|cut short|(?:is|was) ['\"]?(?:effectively |"
    r"practically |de facto |in practice )?(?:dead|over)|(?:has|had) ['\"]?(?:effectively |"
    r"practically |de facto |in practice )(?:already )?(?:ended|collapsed)|no (?:[\w-]+ )?"
    r"(?:moratorium|truce|pause|halt) any ?(?:more|longer)|no longer (?:observ\w*|bound|"
    r"in (?:force|effect)|respect\w*|valid|applies|exists)|stopped "
    r"observing|ceased to (?:observe|apply)|(?:buried|killed|torpedoed|wrecked|scuttled|sunk|"
    r"sank)['\u2018\u2019\"]?(?: the| this| its)?(?: [\w-]+)? (?:moratorium|truce|pause|halt|deal|"
    r"agreement))\b"
)
# a halt with no fixed end: against a 30-day window
_OPEN_ENDED = Cued(
    r"\b(?:no (?:[\w-]+ )?(?:end|expiry|expiration) date|open-ended|indefinite(?:ly)?|no (?:time )?limit|"
    r"until (?:a |the )?(?:full|comprehensive|general|complete|lasting|permanent) (?:ceasefire|"
    r"truce|peace)|(?:valid|in force|remains?) (?:\w+ ){0,2}until (?:someone|either side|one side|"
    r"a party|one of the parties))"
    # "will stay in force after 30 days unless a side withdraws"
    r"|\bunless (?:a|one|either|the other) (?:side|party) (?:withdraws|pulls out|exits|leaves|"
    r"breaks it|violates it)|\b(?:stay|stays|remain|remains) in (?:force|effect|place) (?:[\w-]+ )"
    r"{0,2}(?:after|beyond|past) (?:the )?(?:30|thirty)"
)
_START_CUE = Cued(
    r"\b(from|since|starting|start(?:s|ed)?|count(?:s|ed|ing)?|took effect|takes effect|into "
    r"force|in force from|effective|valid from|began|begins)\b"
)
# "energy infrastructure only", "limits the truce to energy sites", "not ports or railways"
_ENERGY_ONLY = Cued(
    r"\b(?:only|solely|exclusively|strictly|limit(?:s|ed|ing)?|restrict(?:s|ed|ing)?|confin(?:es|ed)"
    r"|appl(?:y|ies|ied) only)\b[\w' ]{0,25}\benergy\b|\benergy\b[\w' -]{0,30}\b(?:only|alone|"
    r"exclusively)\b|\bnot\b[\w ]{0,20}\b(?:infrastructure in general|ports|railways|bridges|roads|"
    r"water|other infrastructure|civilian infrastructure)\b|\b(?:leaves?|left) out\b|\bdoes not "
    r"(?:extend|apply) to\b|\b(?:ports|railways?|rail|bridges|roads|water)\b[\w ]{0,30}\b(?:not|n't) "
    r"(?:covered|included|protected|part of)\b"
)

# a deal that covers "energy infrastructure" is this one when strikes or a halt are spoken of
# (a minerals deal covering energy assets is another)
_HALT_TALK = Cued(
    r"\b(?:moratorium|truce|ceasefire|cease-fire|pause|halt\w*|ban|strikes?|attacks?|striking|"
    r"attacking|hit|hitting)\b"
)

# "no attacks on energy and infrastructure": what is spared, not a negated scope
_SPARED = re.compile(
    r"\b(?:no|not|without) (?:[\w-]+ )?(?:attacks?|strikes?|hitting|shelling) (?:on|against)$"
)
_ENERGY_OR_MORATORIUM = Cued(r"\benergy\b|moratorium")
# the deal named again, once named in full (not "the ceasefire": it may be the full one)
_THE_DEAL = Cued(
    r"\b(?:the|this|that|its) (?:pause|halt|truce|deal|agreement|arrangement)\b|"
    # "Putin's order remains in force": the order that made the deal
    r"\b(?:the|(?:(?:president |vladimir )?putin|the president)'s) order\b|"
    # "Russia had kept its word": the promise that is the deal
    r"\b(?:kept|keeps?|keeping) ['\"]?(?:its|their|his|our) (?:word|promise|pledge|commitments?)\b"
)
# Sentence.memo: an earlier sentence of the article names the deal (set by the engine)
DEAL_NAMED_BEFORE = "deal named before"
_DEAL_NAMED_AGAIN = "deal named again"


_UNTIL = re.compile(r"\b(?:until|till|pending)(?: a| an| the)? $")


def _other_truce_in_clause(s: Sentence, position: int) -> bool:
    """Does the clause at `position` speak of the full ceasefire, other than as the halt's end
    ("the pause lasts until a full ceasefire is reached")?"""
    start, end = s.clauses[s.clause(position)]
    return any(
        not _UNTIL.search(s.low, max(start, m.start() - 12), m.start())
        and not TOWARD.search(s.low, start, m.start())
        for m in FULL_TRUCE.finditer(s.low, start, end)
    )


def deal_named_again(s: Sentence) -> bool:
    """ "The pause", "the truce", once an earlier sentence named the deal (see _about_deal).
    Remembered per sentence: the statement rule of each claim and the window rule ask, and
    "the " is in almost every sentence, so the regex runs."""
    found = s.memo.get(_DEAL_NAMED_AGAIN)
    if found is None:
        found = s.memo[_DEAL_NAMED_AGAIN] = bool(s.memo.get(DEAL_NAMED_BEFORE)) and any(
            not _other_truce_in_clause(s, m.start()) for m in _THE_DEAL.finditer(s.low)
        )
    return found


@trait
class TermRules(Rules):
    """The deal's window and scope."""

    def _about_deal(self, claim: ClaimRule, s: Sentence) -> bool:
        """The sentence speaks of the deal: its topic, and energy or the moratorium named in a
        clause that is not about the full ceasefire ("agreed to halt energy strikes for 30
        days, but turned down a full ceasefire"); or "the pause", "the truce" after a sentence
        that named it so ("Kremlin lists sites the energy truce covers. The truce runs 30
        days")."""
        key = ("about deal", claim.id)  # asked by the window rule and _names_deal
        found = s.memo.get(key)
        if found is None:
            found = s.memo[key] = self._names_topic_and_deal(claim, s)
        return found

    def _names_topic_and_deal(self, claim: ClaimRule, s: Sentence) -> bool:
        topic = claim.topic
        if not s.has(topic):
            return False
        named = [start for start, _end in s.targets.get("energy", [])]
        named += [m.start() for m in _ENERGY_OR_MORATORIUM.finditer(s.low)]
        if named:
            return any(not _other_truce_in_clause(s, position) for position in named)
        return deal_named_again(s)

    def _names_deal(self, s: Sentence) -> bool:
        """Does the sentence name the deal as _about_deal reads it, without an earlier one?"""
        return any(
            self._about_deal(claim, s) for claim in self.claims if claim.detector == "window"
        )

    def _window(self, claim: ClaimRule, s: Sentence, published: date) -> list[Candidate]:
        """Length, start date, extension and end of the deal against the claimed window."""
        if not self._about_deal(claim, s):
            return []
        hedged = s.has(self.lex.hedge)
        # "struck energy sites 30 times since March 18": the deal's day counts attacks, it
        # states no term ("the moratorium that ran from 18 March" does); a date has a digit:
        # a cheap test, remembered, before the regex scan
        start_cues = {m.group() for m in _START_CUE.finditer(s.low)} if s.has(ANY_DIGIT) else ()
        if start_cues and not (s.attacks and start_cues == {"since"}):
            for day in explicit_dates(s.low, published, self._names_month(s)):
                if day == self.window_start:
                    return [Candidate("confirms", s, "window.start-date", 0.75)]
                early = -3 <= (day - self.window_start).days <= 20
                if early and day < self.window_end - timedelta(days=5):
                    return [Candidate("contradicts", s, "window.other-start", 0.75)]
        speaker = self._agent(s, len(s.text))
        if not hedged and published < self.window_end and s.has(_EARLY_END):
            # the window's new end (its first day outside) is carried as the event date
            return [
                Candidate(
                    "contradicts", s, "window.early-end", 0.65, event_day=published, actor=speaker
                )
            ]
        if not hedged and s.has(_OPEN_ENDED):
            return [Candidate("contradicts", s, "window.open-ended", 0.6, actor=speaker)]
        # one of these words is in every _EXTENDED match: substring tests before the regex
        named_extension = any(w in s.low for w in ("extended", "prolonged", "renewed", "extension"))
        extension = _EXTENDED.search(s.low) if named_extension else None
        verb = extension.start(extension.lastgroup or 0) if extension else 0
        if (
            extension
            and not hedged
            and not self._negated(s, verb)
            and not _NOT_DONE.search(s.window_before(verb, 6))
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
        durations = _DURATION.finditer(s.low) if "day" in s.low or "month" in s.low else ()
        for m in durations:
            if _other_truce_in_clause(s, m.start()):
                continue  # "rejected the full 30-day ceasefire": another proposal's length
            amount = _NUMBERS.get(m.group(1).lower()) or int(m.group(1))
            month = m.group(2).lower() == "month"
            days = amount * 30 if month else amount
            if days == claim.value or (month and amount == 1):
                if self._negated(s, m.start()):  # "no 30-day clock on the pause"
                    return [Candidate("contradicts", s, "window.other-duration", 0.6)]
                return [Candidate("confirms", s, "window.duration", 0.75)]
            if days >= 5 and not hedged:
                return [Candidate("contradicts", s, "window.other-duration", 0.6)]
        near_end = (self.window_end - published).days <= 3
        # most days are not near the end; "the last day of the pause" said on its last day
        expiry = (EXPIRY.search(s.low) or _LAST_DAY.search(s.low)) if near_end else None
        if (
            expiry
            and not self._negated(s, expiry.start())
            and not _NOT_DONE.search(s.window_before(expiry.start(), 7))
        ):
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
            return self.window_end + timedelta(days=days)
        return None

    def _scope(self, claim: ClaimRule, s: Sentence) -> list[Candidate]:
        topic, confirm, contradict = claim.topic, claim.confirm, claim.contradict
        if not s.has(topic):
            return []
        energy_terms = {s.text[a:b].lower() for a, b in s.targets.get("energy", [])}
        if s.has(contradict) and len(energy_terms) >= 3:
            return [Candidate("contradicts", s, "scope.energy-list", 0.75)]
        if s.has(_ENERGY_ONLY):
            return [Candidate("contradicts", s, "scope.energy-only", 0.7)]
        if s.has(self.lex.hedge) or s.has(self.lex.wish):
            return []
        m = next(iter(s.find(confirm)), None)
        if (
            m
            and (not self._negated(s, m.start()) or _SPARED.search(s.window_before(m.start(), 4)))
            and self._about_deal(claim, s)
            and s.has(_HALT_TALK)
        ):
            return [Candidate("confirms", s, "scope.broad", 0.6)]
        return []
