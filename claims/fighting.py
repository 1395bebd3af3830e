"""The fighting rule: attacks and combat of any kind after the deal (does the war go on?)."""

from __future__ import annotations

import re
from datetime import date

from mypy_extensions import trait

from claims.analysis import Sentence, blocked
from claims.rules import Candidate, ClaimRule, Rules

# "once the shelling stopped", "until fighting ends": a lull to come, not one reported
_ONCE = re.compile(r"\b(?:once|until|till|unless|if|when|whenever|as soon as)\b")


@trait
class FightingRules(Rules):
    """Does the war go on?"""

    def _fighting(
        self, claim: ClaimRule, s: Sentence, sentences: list[Sentence], published: date
    ) -> list[Candidate]:
        """Attacks and combat of any kind after the deal: the war goes on (or pauses)."""
        confirm, contradict = claim.confirm, claim.contradict
        anchor = s.attacks[0][0] if s.attacks else None
        if not self._on_topic(s) or self._event_date(s, published, anchor) < self.deal_date:
            return []
        if (
            self._long_ago(s, published)
            or s.has(self.lex.denied_report)
            or self._accident(s, sentences)
        ):
            return []
        if s.has(self.lex.off_topic) and not s.places:
            return []  # "Russia condemned the US strikes in Iraq": another war's fighting
        m = next(iter(s.find(contradict)), None)
        if (
            m
            and not self._negated(s, m.start())
            and not _ONCE.search(s.window_before(m.start(), 3))
        ):
            return [Candidate("contradicts", s, "fighting.lull", 0.6)]
        if s.attacks:
            return [Candidate("confirms", s, "fighting.attack", 0.65)]
        m = next(iter(s.find(confirm)), None)
        if m and not blocked(self.lex, s, m.start()):
            return [Candidate("confirms", s, "fighting.cue", 0.55)]
        return []
