"""A regex and the substrings without which it cannot match: tested first, they rule out most
sentences for a fraction of a regex scan. A pattern that begins with a word boundary or a
lookbehind gets no literal-prefix optimisation from `re`, which then tries it at every
character."""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
import sys
from collections.abc import Iterable
from typing import Any

# any of (all of (any of substrings)): the substrings some branch of the pattern needs
Needs = tuple[tuple[tuple[str, ...], ...], ...]
# a branch's conditions, most telling first: the rest rarely decide, and each costs a test
_MOST_CLAUSES = 3


def needs(pattern: re.Pattern[str]) -> Needs | None:
    """What any match of `pattern` contains, or None when nothing need be (a branch with no
    fixed text: "\\d+", "[a-z]+"). Under IGNORECASE the text need not hold the substrings."""
    if pattern.flags & re.IGNORECASE:
        return None
    items = list(sre_parse.parse(pattern.pattern, pattern.flags))
    # "\b(?:only|solely)...|\benergy...": `re` keeps the common "\b" apart from the branches
    split = next((i for i, (op, _av) in enumerate(items) if op is sre.BRANCH), None)
    if split is None:
        branches = [items]
    else:
        before, after = items[:split], items[split + 1 :]
        branches = [before + list(branch) + after for branch in items[split][1][1]]
    found = []
    for branch in branches:
        clauses = sorted(_clauses(branch), key=_telling)[:_MOST_CLAUSES]
        if not clauses:
            return None
        found.append(tuple(clauses))
    # "no|not|none": a text with "not" has "no", so "not" need not be tested (of two branches
    # that need the same, the first is kept)
    return tuple(
        branch
        for i, branch in enumerate(found)
        if not any(
            _implies(branch, other) and (i > j or not _implies(other, branch))
            for j, other in enumerate(found)
            if j != i
        )
    )


def _implies(branch: tuple[tuple[str, ...], ...], other: tuple[tuple[str, ...], ...]) -> bool:
    """Does a text that holds what `branch` needs hold what `other` needs? Yes when each clause
    of `other` has a clause of `branch` whose every substring holds one of its own."""
    return all(
        any(all(any(o in s for o in clause) for s in mine) for mine in branch) for clause in other
    )


def _clauses(items: Iterable[Any]) -> list[tuple[str, ...]]:
    """All that a sequence of parsed items needs: one clause per run of literal characters,
    per alternation (any of its branches' best), and per item repeated at least once."""
    clauses: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            clauses.append(("".join(run),))
            run = []
        if op is sre.SUBPATTERN:
            if not av[1] & re.IGNORECASE:  # "(?i:kyiv)" may match "Kyiv"
                clauses += _clauses(av[3])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            clauses += _clauses(av[2])
        elif op is sre.ATOMIC_GROUP:
            clauses += _clauses(av)
        elif op is sre.BRANCH:
            best = [min(_clauses(branch), key=_telling, default=None) for branch in av[1]]
            if all(best):
                clauses.append(_fewest({s for clause in best if clause for s in clause}))
    if run:
        clauses.append(("".join(run),))
    return [_fewest(set(clause)) for clause in clauses]


def _fewest(substrings: set[str]) -> tuple[str, ...]:
    """The substrings without those that hold another ("not" holds "no": where "not" is, "no"
    is), shortest first."""
    return tuple(
        sorted((s for s in substrings if not any(o != s and o in s for o in substrings)), key=len)
    )


def _telling(clause: tuple[str, ...]) -> tuple[int, int]:
    """Rarer first: a clause of long substrings, then of few."""
    return (-min(len(s) for s in clause), len(clause))


def could_match(needs: Needs, text: str) -> bool:
    """Does `text` hold what some branch needs?"""
    return any(all(any(s in text for s in clause) for clause in branch) for branch in needs)


class Cued:
    """A compiled regex for whole sentences, which tests a text for the substrings it needs
    (see `needs`) before it scans it. Part of a text (`pos`, `endpos`) is tested as the
    whole: what the whole lacks, no part has."""

    def __init__(self, pattern: str, flags: int = 0):
        self.regex = re.compile(pattern, flags)
        self.pattern = pattern
        self.needs = needs(self.regex)

    def possible(self, text: str) -> bool:
        return self.needs is None or could_match(self.needs, text)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.search(text, pos, endpos) if self.possible(text) else None

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.regex.match(text, pos) if self.possible(text) else None

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[re.Match[str]]:
        """The matches, as the regex's finditer gives them."""
        return list(self.regex.finditer(text, pos, endpos)) if self.possible(text) else []
