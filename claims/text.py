"""Sentences and event dates: the two text chores the engine needs before any rule runs."""

from __future__ import annotations

import re
from datetime import date, timedelta

from claims.cues import Cued

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) and a space
# before an upper-case letter, digit or opening quote, unless the word is a known abbreviation.
# The break is group 1. The stop is matched rather than looked behind at: a regex that begins
# with a character class is searched for several times faster.
_END = re.compile(
    r"""[.!?](["'\u201d\u2019)\]]*\s+)(?=["'\u201c\u2018(\[]?[A-Z0-9\u0400-\u04ff])"""
)
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "sgt",
    "st",
    "jr",
    "sr",
    "prof",
    "u.s",
    "u.k",
    "u.n",
    "e.u",
    "no",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "approx",
    "est",
    "govt",
    "rep",
    "sen",
    "gov",
    "adm",
    "a.m",
    "p.m",
    "i.e",
    "e.g",
    "mt",
    "ft",
}


# a line, or an item of a bulleted list run into one paragraph ("Key developments: \u2022 Russian
# drones hit... \u2022 The Kremlin said...")
_BULLETS = "\u2022\u25aa\u25cf\u25e6\u2023"
_ITEM = re.compile(rf"[^\n{_BULLETS}]+")
_LINE = re.compile(r"[^\n]+")  # what most texts need: `re` scans a one-character class faster
# A wire story's dateline: where, when and by whom it was filed ("KYIV, March 20 (Reuters) - ",
# "MOSCOW (AP) \u2014 ", "MOSCOW, March 20. /TASS/. "), not the story's words: its place and day
# would be read as the story's own
_DATELINE = re.compile(
    r"[A-Z][\w.'\u2019-]*(?: [A-Z][\w.'\u2019-]*){0,3}"  # the place: "KYIV", "NEW YORK"
    r"(?:, [A-Z][\w.-]*(?: [A-Z][\w.-]*){0,2})?"  # its country or state: ", Saudi Arabia"
    r"(?:[,.]? (?:[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2} [A-Z][a-z]{2,8}))?"  # the day: ", March 20"
    r"(?: \([A-Z][\w-]*(?: [A-Z][\w-]*){0,2}\) ?[-\u2013\u2014]|\. /[A-Z][\w-]*/\.)\s*"
)


# A headline's label: "UPDATE 2-", "EXCLUSIVE-", "LIVE: ", "Russia-Ukraine war live: "; what
# follows is the headline ("UPDATE 2-Kremlin: ..." names its speaker first, as "Kremlin: ...")
_KICKER = re.compile(
    r"(?:(?:[\w'\u2019-]+ ){0,4}(?:live|LIVE|Live)(?: updates| blog)?|BREAKING(?: NEWS)?|Breaking"
    r"(?: news)?|UPDATE \d+|EXCLUSIVE|WRAPUP(?: \d+)?|REFILE|RPT|CORRECTED)\s*[-:\u2013\u2014|]\s*"
)


# a character each _KICKER match has: the mark after the label
_KICKER_MARKS = ("-", ":", "\u2013", "\u2014", "|")


def _label(text: str, start: int, end: int) -> re.Match[str] | None:
    """The dateline or headline label that opens the line from `start` to `end`, if any. Most
    lines have none, and a match that fails backtracks through the line's first words; a
    character every match holds is found for much less: "(" or "/" in a dateline, one of
    _KICKER_MARKS in a label."""
    if text.find("(", start, end) >= 0 or text.find("/", start, end) >= 0:
        dateline = _DATELINE.match(text, start, end)
        if dateline:
            return dateline
    for mark in _KICKER_MARKS:
        if text.find(mark, start, end) >= 0:
            return _KICKER.match(text, start, end)
    return None


def _boundaries(text: str, start: int, end: int) -> list[re.Match[str]]:
    """The matches of _END between `start` and `end`, as its finditer gives them. A search
    tests every character against the stop's class; a match begins at a stop, and find() of
    each passes over the rest for a fraction of that. Tried there in order, each after the
    match before: finditer's matches."""
    stops = []
    for stop in (".", "!", "?"):
        at = text.find(stop, start, end)
        while at >= 0:
            stops.append(at)
            at = text.find(stop, at + 1, end)
    stops.sort()
    found: list[re.Match[str]] = []
    after = start
    for at in stops:
        if at < after:
            continue  # inside the match before
        boundary = _END.match(text, at, end)
        if boundary:
            found.append(boundary)
            after = boundary.end()  # not empty: the stop and a space at least
    return found


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences in `text`; line breaks and list bullets always
    end a sentence. A line's dateline or headline label is in none."""
    spans: list[tuple[int, int]] = []
    lines = _ITEM if any(bullet in text for bullet in _BULLETS) else _LINE
    for line in lines.finditer(text):
        line_start, line_end = line.span()
        while line_start < line_end and text[line_start].isspace():
            line_start += 1  # the spaces after a bullet
        label = _label(text, line_start, line_end)
        start = label.end() if label else line_start
        for boundary in _boundaries(text, start, line_end):
            stop, after = boundary.span(1)
            # the word before the stop: the text before it ends with the stop (".", "!" or
            # "?"), so its last word is what follows its last space
            word_start = stop - 1
            while word_start > start and not text[word_start - 1].isspace():
                word_start -= 1
            word = text[word_start:stop].lower().rstrip(".")
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            spans.append((start, stop))
            start = after
        spans.append((start, line_end))
    # without trailing spaces, and without the empty ones
    trimmed = [(s, s + len(text[s:e].rstrip())) for s, e in spans]
    return [(s, e) for s, e in trimmed if e > s]


MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {m: i for i, m in enumerate(MONTHS, 1)}
MONTH = "(" + "|".join(MONTHS) + ")"
# the modal "may", not the month ("on 11 May", "May 11", "in May", "mid-May")
MAY = r"(?<!\d )(?<!in )(?<!of )(?<!by )(?<!early )(?<!late )(?<!mid-)(?<!since )(?<!until )may(?! \d)"
_EXPLICIT = re.compile(
    rf"\b(?:{MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH})\b"
    r"(?:,?\s+((?:19|20)\d\d)\b)?",  # "April 11, 2024": a year of its own
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = Cued(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")
_PERIOD = re.compile(
    r"\b(?:since|from|after|until|till|through|announced on|took effect on|"
    r"began on|started on|ordered (?:by [\w ]+ )?on)\s+(?:the\s+)?$",
)
# an event, named by its date ("the 7 March strike", "the February attack", "the 2024 attacks")
EVENT = r"(?:attacks?|strikes?|raids?|assaults?|bombardments?|shelling|bombing)"
_NAMES_EVENT = re.compile(rf"(?:'s|\u2019s)? (?:[\w-]+ )?{EVENT}\b")
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")


def _explicit(sentence: str) -> list[re.Match[str]]:
    """The matches of _EXPLICIT in `sentence`, as its finditer gives them. A pattern that opens
    with "\\b" is tried at every character (~70,000 instructions a sentence); a match begins
    at a month's name or at the first digit of a number, and these are found for a fraction of
    that. Tried there in order, each after the match before: finditer's matches."""
    begins = [m.start() for m in _DIGITS.finditer(sentence)]
    for month in MONTHS:
        at = sentence.find(month)
        while at >= 0:
            begins.append(at)
            at = sentence.find(month, at + 1)
    begins.sort()
    found: list[re.Match[str]] = []
    end = 0
    for begin in begins:
        if begin < end:
            continue  # inside the match before
        m = _EXPLICIT.match(sentence, begin)
        if m:
            found.append(m)
            end = m.end()  # not empty: it holds a month's name
    return found


_YESTERDAY = Cued(r"\b(yesterday|last night|the previous day|a day earlier)\b")


def names_month(sentence: str) -> bool:
    """Is a month named in `sentence` (lower-cased)? Substring tests cost less than a regex
    scan, and most sentences name none. What several names hold is tested first ("ber" is in
    four), the names only when it is there: 7 tests for most sentences, where there were 12.
    Written out: a loop over a table of them costs more than the 5 tests it saves."""
    return (
        (
            "ber" in sentence
            and (
                "september" in sentence
                or "october" in sentence
                or "november" in sentence
                or "december" in sentence
            )
        )
        or ("uary" in sentence and ("january" in sentence or "february" in sentence))
        or ("ju" in sentence and ("june" in sentence or "july" in sentence))
        or "march" in sentence
        or "may" in sentence
        or "april" in sentence
        or "august" in sentence
    )


def explicit_dates(sentence: str, published: date, months: bool | None = None) -> list[date]:
    """Every "25 March" / "March 25th" in `sentence` (lower-cased), in the publication's year
    unless it names its own ("11 April 2024"). `months`: names_month(sentence), when the
    caller knows it."""
    found: list[date] = []
    if not (names_month(sentence) if months is None else months):
        return found
    for m in _explicit(sentence):
        day = _day(m, published)
        if day is not None:
            found.append(day)
    return found


def _day(m: re.Match[str], published: date) -> date | None:
    month_name = m.group(1) or m.group(4)
    year = int(m.group(5)) if m.group(5) else published.year
    try:
        return date(year, _MONTHS[month_name.lower()], int(m.group(2) or m.group(3)))
    except ValueError:
        return None


def event_date(
    sentence: str,
    published: date,
    anchor: int | None = None,
    candidates: list[tuple[int, date]] | None = None,
) -> date:
    """The day an event in `sentence` (lower-cased) happened: the explicit date or weekday ("on Tuesday",
    "Wednesday's strike") nearest to `anchor` (the attack word), else "yesterday", else the
    publication day. Never later than publication, never more than 60 days before it.
    `candidates`: the sentence's `named_days`, when the caller has them already."""
    if candidates is None:
        candidates = named_days(sentence, published)
    if candidates:
        where = anchor if anchor is not None else 0
        return min(candidates, key=lambda c: abs(c[0] - where))[1]
    if _YESTERDAY.search(sentence):
        return published - timedelta(days=1)
    return published


def named_days(
    sentence: str, published: date, months: bool | None = None
) -> list[tuple[int, date]]:
    """(offset, day) of the dates and weekdays in `sentence` (lower-cased) that can be the day
    of an event (see event_date). `months`: names_month(sentence), when the caller knows it."""
    candidates: list[tuple[int, date]] = []
    # substring tests first: most sentences name no date, and a regex scan costs ~5 us
    months = names_month(sentence) if months is None else months
    named = months and _DIGIT.search(sentence)
    for m in _explicit(sentence) if named else []:
        if _PERIOD.search(sentence[max(0, m.start() - 45) : m.start()]) and not _NAMES_EVENT.match(
            sentence, m.end()
        ):
            continue  # "since 18 March": the start of a period ("from the 7 March strike" is a day)
        day = _day(m, published)
        if day is None:
            continue
        if day > published:  # "December 30" read in January
            day = day.replace(year=day.year - 1)
        if (published - day).days <= 60:
            candidates.append((m.start(), day))
    # "day" is in many sentences ("30-day"), a weekday's name in few: one substring test first
    for m in _WEEKDAY.finditer(sentence) if "day" in sentence else []:
        target = _WEEKDAYS.index(m.group(1).lower())
        candidates.append(
            (m.start(), published - timedelta(days=(published.weekday() - target) % 7))
        )
    return candidates
