"""Claim status at an as-of time: a pure function of (claim, evidence, reviews, as-of).

Commitments: unconfirmed -> confirmed | contradicted | breached-alleged | breached-corroborated,
and once the window closes: held (no breaches) or expired (with breaches).
Terms and facts: unverified, confirmed, contradicted, disputed (both, from different outlets).
Forecasts: unverified, confirmed, contradicted (whichever has more independent sources).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from claims.rules import DENIED_ACCUSATION
from truce.records import (
    STANCES,
    Claim,
    ClaimStatus,
    Evidence,
    Incident,
    Review,
    Stance,
    Story,
    Tally,
    Window,
)

# Rules that find an accusation with no particular event ("Russia violated the truce"):
# evidence, but no incident.
GENERAL_ACCUSATIONS = {"breach.violation-claim", "breach.mutual-accusation"}
# Outlets whose report can corroborate an incident on their own standing.
CORROBORATING_TIERS = {"wire", "major", "national"}


def counted(
    evidence: Iterable[Evidence], reviews: Iterable[Review], as_of: datetime
) -> list[Evidence]:
    """Evidence known at `as_of` that an analyst has not rejected."""
    rejected = {r.evidence_id for r in reviews if r.decision == "reject"}
    stamp = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    return [e for e in evidence if e.id not in rejected and (e.seen or e.published) <= stamp]


def _sources(items: Iterable[Evidence]) -> set[str]:
    """Independent sources: one per wire-story cluster, else one per outlet."""
    return {e.cluster or e.outlet for e in items}


def group_incidents(story: Story, evidence: Iterable[Evidence]) -> list[Incident]:
    """Group breach evidence about the same event: same claim, event day within one day, and
    the same place (or the same target class when a report names no place)."""
    incidents: list[list[Evidence]] = []
    breaches = sorted(
        (
            e
            for e in evidence
            if e.stance == "breach"
            and e.event_date
            and e.region
            and e.rule not in GENERAL_ACCUSATIONS
        ),
        key=lambda e: (e.claim_id, e.event_date or "", e.id),
    )
    for item in breaches:
        day = date.fromisoformat(item.event_date or "")
        for group in incidents:
            head = group[0]
            if head.claim_id != item.claim_id:
                continue
            if abs((date.fromisoformat(head.event_date or "") - day).days) > 1:
                continue
            same_place = head.region and item.region and head.region == item.region
            no_place = not (head.region and item.region) and head.target == item.target
            if same_place or no_place:
                group.append(item)
                break
        else:
            incidents.append([item])
    return [_incident(story, group) for group in incidents]


def _incident(story: Story, group: list[Evidence]) -> Incident:
    head = group[0]
    claim = story.claim(head.claim_id)
    accused = claim.party
    outlets = tuple(sorted({e.outlet for e in group}))
    sources = _sources(group)
    accusers = _accusers(story, accused)
    standing = [
        e
        for e in group
        if e.tier != "social" and e.affiliation not in accusers and e.rule != DENIED_ACCUSATION
    ]
    independent = _sources(e for e in standing if e.tier in CORROBORATING_TIERS)
    # the operator's report, the attacker's admission or independent verification
    admitted = any(not e.alleged for e in standing)
    corroborated = len(independent) >= 2 or admitted
    key = f"{head.claim_id}|{head.event_date}|{head.region or head.target}"
    return Incident(
        id=hashlib.sha256(key.encode()).hexdigest()[:12],
        claim_id=head.claim_id,
        event_date=head.event_date or "",
        place=next((e.place for e in group if e.place), None),
        region=head.region,
        target=head.target,
        accused=accused,
        evidence_ids=tuple(e.id for e in group),
        outlets=outlets,
        sources=len(sources),
        corroborated=corroborated,
    )


def _accusers(story: Story, accused: str | None) -> set[str | None]:
    """State media of the accusing side never corroborate an accusation on their own."""
    return {p.id for p in story.parties if p.id != accused and p.territory}


Tallies = Mapping[tuple[str, Stance], Tally]


def tally(evidence: Iterable[Evidence]) -> dict[tuple[str, Stance], Tally]:
    """Sum up evidence per (claim, stance)."""
    groups: dict[tuple[str, Stance], list[Evidence]] = {}
    for item in evidence:
        groups.setdefault((item.claim_id, item.stance), []).append(item)
    tallies = {}
    for (claim_id, stance), items in groups.items():
        items.sort(key=lambda e: (e.published, e.id))
        tallies[claim_id, stance] = Tally(
            claim_id=claim_id,
            stance=stance,
            ids=tuple(e.id for e in items),
            outlets=tuple(sorted({e.outlet for e in items})),
            sources=len(_sources(items)),
            latest_quote=items[-1].quote,
            latest_outlet=items[-1].outlet,
        )
    return tallies


def claim_statuses(
    story: Story,
    evidence: Iterable[Evidence],
    reviews: Iterable[Review],
    as_of: datetime,
    tallies: Tallies | None = None,
) -> tuple[list[ClaimStatus], list[Incident]]:
    """Every claim's status at `as_of`, and the breach incidents known then.

    `tallies`, when the caller summed the evidence up already (in SQL, say), stand for it in
    the counts and reasons; `evidence` then needs only the rows that make incidents or move the
    window (stance `breach` and WINDOW_MOVES rules), which is all that is read of it."""
    known = counted(evidence, reviews, as_of)
    if tallies is None:
        tallies = tally(known)
    window, moved_by = effective_window(story, known)
    # A strike outside the window is no breach, whatever the extractor said.
    incidents = group_incidents(
        story,
        (e for e in known if e.event_date and window.contains(date.fromisoformat(e.event_date))),
    )
    stamp = as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    statuses = [
        _status(
            claim,
            window,
            moved_by,
            {stance: tallies.get((claim.id, stance)) for stance in STANCES},
            [i for i in incidents if i.claim_id == claim.id],
            as_of,
            stamp,
        )
        for claim in story.claims
    ]
    return statuses, incidents


# Window rules whose evidence carries, as its event date, the window's new end.
WINDOW_MOVES = {"window.extension", "window.early-end"}


def effective_window(story: Story, evidence: Iterable[Evidence]) -> tuple[Window, Evidence | None]:
    """The story's window, moved by the latest extension or early end that a party to the deal
    announced (the evidence that moved it, or None)."""
    parties = {p.id for p in story.parties if p.territory}
    moves = [e for e in evidence if e.rule in WINDOW_MOVES and e.event_date and e.actor in parties]
    if not moves:
        return story.window, None
    latest = max(moves, key=lambda e: (e.published, e.id))
    end = date.fromisoformat(latest.event_date or "")
    return Window(story.window.start, max(end, story.window.start)), latest


def _status(
    claim: Claim,
    window: Window,
    moved_by: Evidence | None,
    tallies: dict[Stance, Tally | None],
    incidents: list[Incident],
    as_of: datetime,
    stamp: str,
) -> ClaimStatus:
    none = Tally(claim.id, "confirms", (), (), 0)
    confirms = tallies["confirms"] or none
    contradicts = tallies["contradicts"] or none
    present = [t for t in tallies.values() if t]
    alleged = [i for i in incidents if not i.corroborated]
    corroborated = [i for i in incidents if i.corroborated]

    def result(status: str, reason: str, basis: tuple[str, ...]) -> ClaimStatus:
        return ClaimStatus(
            claim_id=claim.id,
            kind=claim.kind,
            status=status,
            as_of=stamp,
            reason=reason,
            evidence_ids=basis,
            evidence_count=sum(len(t.ids) for t in present),
            incidents_alleged=len(alleged),
            incidents_corroborated=len(corroborated),
            sources=len({outlet for t in present for outlet in t.outlets}),
        )

    def outlets(basis: Tally) -> str:
        names = basis.outlets
        return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")

    if claim.kind == "commitment" and moved_by is not None:
        # an announced extension or early end moves the window: say so in every reason
        inner = result
        note = (
            f" (window moved to end {window.end} by {moved_by.outlet}, {moved_by.published[:10]})"
        )

        def result(status: str, reason: str, basis: tuple[str, ...]) -> ClaimStatus:
            return inner(status, reason + note, (*basis, moved_by.id))

    yes, no = confirms.ids, contradicts.ids
    if claim.kind == "commitment":
        today = as_of.date()
        if incidents:
            latest = max(incidents, key=lambda i: (i.event_date, i.sources))
            count = f"{len(incidents)} breach incident{'s' if len(incidents) != 1 else ''}"
            described = (
                f"{latest.sources} source{'s' if latest.sources != 1 else ''} "
                f"({', '.join(latest.outlets[:3])}) report "
                f"a strike on {latest.target or 'a protected target'}"
                f"{' in ' + latest.place if latest.place else ''} on {latest.event_date}"
            )
            if today >= window.end:
                return result(
                    "expired",
                    f"window closed {window.end} with {count} "
                    f"({len(corroborated)} corroborated); latest: {described}",
                    latest.evidence_ids,
                )
            state = "breached-corroborated" if corroborated else "breached-alleged"
            return result(state, f"{count}; latest: {described}", latest.evidence_ids)
        if today >= window.end and (yes or not no):
            return result("held", f"window closed {window.end} with no breach reported", yes)
        if no and contradicts.sources >= confirms.sources:
            return result(
                "contradicted", f'{outlets(contradicts)}: "{contradicts.latest_quote}"', no
            )
        if yes:
            return result("confirmed", f'{outlets(confirms)}: "{confirms.latest_quote}"', yes)
        return result("unconfirmed", "no evidence yet", ())

    if claim.kind == "forecast":
        if confirms.sources > contradicts.sources:
            return result(
                "confirmed",
                f"{confirms.sources} sources, e.g. {confirms.latest_outlet}: "
                f'"{confirms.latest_quote}"',
                yes,
            )
        if contradicts.sources > confirms.sources:
            return result(
                "contradicted",
                f"{contradicts.sources} sources, e.g. {contradicts.latest_outlet}: "
                f'"{contradicts.latest_quote}"',
                no,
            )
        every = tuple(i for t in present for i in t.ids)
        return result("unverified", "evidence is split" if every else "no evidence yet", every)

    # terms and facts
    if yes and no:
        return result(
            "disputed",
            f"confirmed by {outlets(confirms)}; contradicted by "
            f'{outlets(contradicts)}: "{contradicts.latest_quote}"',
            yes + no,
        )
    if yes:
        return result("confirmed", f'{outlets(confirms)}: "{confirms.latest_quote}"', yes)
    if no:
        return result("contradicted", f'{outlets(contradicts)}: "{contradicts.latest_quote}"', no)
    return result("unverified", "no evidence yet", ())
