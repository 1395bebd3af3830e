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


def starts(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], bool] | None:
    """The texts one of which every match of `pattern` begins with, and whether each begins
    where a word does (the pattern opens with "\\b" and they with a word character); None
    when a match may begin with anything ("\\d+", "[\\w ]"). `re` tries a pattern that
    begins with "\\b" or a lookbehind at every character; where these texts are is a few
    substring searches."""
    if pattern.flags & re.IGNORECASE:
        return None
    items = list(sre_parse.parse(pattern.pattern, pattern.flags))
    boundary = bool(items) and items[0] == (sre.AT, sre.AT_BOUNDARY)
    found = _starts(items)
    if not found or "" in found:
        return None
    texts = tuple(sorted(s for s in found if not any(o != s and s.startswith(o) for o in found)))
    return texts, boundary and all(_is_word(s[0]) for s in texts)


def _starts(items: Iterable[Any]) -> set[str] | None:
    """The literal texts a match of the parsed `items` begins with ("" when it may be empty),
    or None when it may begin with anything."""
    items = list(items)
    for index, (op, av) in enumerate(items):
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # takes no character
        if op is sre.LITERAL:
            run = []
            for next_op, next_av in items[index:]:
                if next_op is not sre.LITERAL:
                    break
                run.append(chr(next_av))
            return {"".join(run)}
        if op is sre.BRANCH:
            branches = [_starts(list(branch) + items[index + 1 :]) for branch in av[1]]
            if any(b is None for b in branches):
                return None
            return {s for b in branches if b is not None for s in b}
        if op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            return _starts(list(av[3]) + items[index + 1 :])
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            repeated = _starts(av[2])
            if repeated is None:
                return None
            if av[0] >= 1 and "" not in repeated:
                return repeated
            after = _starts(items[index + 1 :])  # "(?:the )?pause": "the " or "pause"
            return None if after is None else (repeated - {""}) | after
        if op is sre.IN and len(av) <= 8 and all(o is sre.LITERAL for o, _a in av):
            return {chr(a) for _o, a in av}
        return None
    return {""}


def _is_word(c: str) -> bool:
    """A character `re` reads as part of a word ("\\w" in a str pattern)."""
    return c.isalnum() or c == "_"


class Cued:
    """A compiled regex for whole sentences, which tests a text for the substrings it needs
    (see `needs`) before it scans it, and then tries it only where a match can begin (see
    `starts`). Part of a text (`pos`, `endpos`) is tested as the whole: what the whole lacks,
    no part has."""

    def __init__(self, pattern: str, flags: int = 0):
        self.regex = re.compile(pattern, flags)
        self.pattern = pattern
        self.needs = needs(self.regex)
        found = starts(self.regex)
        self.starts = found[0] if found else ()
        self.at_word = found[1] if found else False

    def possible(self, text: str) -> bool:
        return self.needs is None or could_match(self.needs, text)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if not self.possible(text):
            return None
        if not self.starts:
            return self.regex.search(text, pos, endpos)
        # the first place a match begins, as the scan finds it
        for start in self._begins(text, pos, endpos):
            m = self.regex.match(text, start, endpos)
            if m:
                return m
        return None

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.regex.match(text, pos) if self.possible(text) else None

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[re.Match[str]]:
        """The matches, as the regex's finditer gives them."""
        if not self.possible(text):
            return []
        if not self.starts:
            return list(self.regex.finditer(text, pos, endpos))
        found: list[re.Match[str]] = []
        for start in self._begins(text, pos, endpos):
            if start < pos:
                continue  # inside the match before
            m = self.regex.match(text, start, endpos)
            if m:
                found.append(m)
                pos = m.end()  # not empty: it holds one of self.starts
        return found

    def _begins(self, text: str, pos: int, endpos: int) -> list[int]:
        """Where, in order, one of self.starts is (at the start of a word, when the pattern
        begins with "\\b"): the only places a match can begin."""
        found = []
        for begin in self.starts:
            at = text.find(begin, pos, endpos)
            while at >= 0:
                if not (self.at_word and at > 0 and _is_word(text[at - 1])):
                    found.append(at)
                at = text.find(begin, at + 1, endpos)
        found.sort()
        return found
