"""The status machine as a table: (evidence, reviews, as-of) -> status per claim."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from claims.rules import DENIED_ACCUSATION
from claims.status import claim_statuses
from truce.records import Evidence, Review, Story


def ev(
    n: int,
    claim: str,
    stance: str,
    *,
    alleged: bool = True,
    day: str = "2025-03-20",
    outlet: str = "Wire",
    tier: str = "wire",
    affiliation: str | None = None,
    seen: str | None = None,
    region: str = "Kherson",
    cluster: str | None = None,
) -> Evidence:
    return Evidence(
        id=f"e{n}",
        article_id=f"a{n}",
        claim_id=claim,
        stance=stance,
        alleged=alleged,  # type: ignore[arg-type]
        quote=f"quote {n}",
        start=0,
        end=7,
        event_date=day if stance == "breach" else None,
        actor=None,
        target="substation",
        place=region,
        region=region,
        confidence=0.8,
        rule="test",
        outlet=outlet,
        published=seen or f"{day}T09:00:00Z",
        seen=seen or f"{day}T09:00:00Z",
        cluster=cluster or f"c{n}",
        tier=tier,  # type: ignore[arg-type]
        affiliation=affiliation,
    )


def status_of(
    story: Story,
    claim: str,
    evidence: list[Evidence],
    as_of: str,
    reviews: list[Review] | None = None,
) -> tuple[str, int, int]:
    when = datetime.fromisoformat(as_of).replace(tzinfo=UTC)
    statuses, _incidents = claim_statuses(story, evidence, reviews or [], when)
    (s,) = [s for s in statuses if s.claim_id == claim]
    return s.status, s.incidents_alleged, s.incidents_corroborated


IN_WINDOW = "2025-03-30T12:00:00"
AFTER = "2025-04-30T12:00:00"
STATE = {"outlet": "State TV", "tier": "state-media", "affiliation": "ukraine"}

CASES = [
    ("no evidence", "energy-halt", [], IN_WINDOW, ("unconfirmed", 0, 0)),
    (
        "a confirmation",
        "energy-halt",
        [ev(1, "energy-halt", "confirms")],
        IN_WINDOW,
        ("confirmed", 0, 0),
    ),
    (
        "a refusal outweighs nothing",
        "energy-halt",
        [ev(1, "energy-halt", "contradicts")],
        IN_WINDOW,
        ("contradicted", 0, 0),
    ),
    (
        "one state-media accusation stays alleged",
        "energy-halt",
        [ev(1, "energy-halt", "breach", **STATE)],
        IN_WINDOW,
        ("breached-alleged", 1, 0),
    ),
    (
        "two state-media copies of one accusation stay alleged",
        "energy-halt",
        [ev(1, "energy-halt", "breach", **STATE), ev(2, "energy-halt", "breach", **STATE)],
        IN_WINDOW,
        ("breached-alleged", 1, 0),
    ),
    (
        "two independent outlets corroborate",
        "energy-halt",
        [
            ev(1, "energy-halt", "breach", outlet="Wire"),
            ev(2, "energy-halt", "breach", outlet="Daily", tier="major", day="2025-03-21"),
        ],
        IN_WINDOW,
        ("breached-corroborated", 0, 1),
    ),
    (
        "wire copies in two outlets are one source",
        "energy-halt",
        [
            ev(1, "energy-halt", "breach", outlet="Wire", cluster="same"),
            ev(2, "energy-halt", "breach", outlet="Daily", tier="major", cluster="same"),
        ],
        IN_WINDOW,
        ("breached-alleged", 1, 0),
    ),
    (
        "the operator's own report corroborates",
        "energy-halt",
        [ev(1, "energy-halt", "breach", alleged=False, tier="national")],
        IN_WINDOW,
        ("breached-corroborated", 0, 1),
    ),
    (
        "different places are different incidents",
        "energy-halt",
        [
            ev(1, "energy-halt", "breach", region="Kherson"),
            ev(2, "energy-halt", "breach", region="Odesa"),
        ],
        IN_WINDOW,
        ("breached-alleged", 2, 0),
    ),
    (
        "an event on window day 31 is not a breach",
        "energy-halt",
        [ev(1, "energy-halt", "breach", day="2025-04-17")],
        AFTER,
        ("held", 0, 0),
    ),
    (
        "window over with breaches: expired",
        "energy-halt",
        [ev(1, "energy-halt", "breach")],
        AFTER,
        ("expired", 1, 0),
    ),
    (
        "window over without breaches: held",
        "ukraine-reciprocity",
        [ev(1, "ukraine-reciprocity", "confirms")],
        AFTER,
        ("held", 0, 0),
    ),
    (
        "evidence not yet seen does not count",
        "energy-halt",
        [ev(1, "energy-halt", "breach", seen="2025-04-01T09:00:00Z")],
        IN_WINDOW,
        ("unconfirmed", 0, 0),
    ),
    (
        "a term confirmed",
        "window-30d",
        [ev(1, "window-30d", "confirms")],
        IN_WINDOW,
        ("confirmed", 0, 0),
    ),
    (
        "a term both ways is disputed",
        "window-30d",
        [ev(1, "window-30d", "confirms"), ev(2, "window-30d", "contradicts", outlet="Other")],
        IN_WINDOW,
        ("disputed", 0, 0),
    ),
    (
        "a fact contradicted",
        "kremlin-confirmed",
        [ev(1, "kremlin-confirmed", "contradicts")],
        IN_WINDOW,
        ("contradicted", 0, 0),
    ),
    (
        "a fact with no evidence is unverified",
        "full-ceasefire-rejected",
        [],
        IN_WINDOW,
        ("unverified", 0, 0),
    ),
    (
        "a forecast goes with more sources",
        "military-ops-continue",
        [
            ev(1, "military-ops-continue", "confirms"),
            ev(2, "military-ops-continue", "confirms"),
            ev(3, "military-ops-continue", "contradicts"),
        ],
        IN_WINDOW,
        ("confirmed", 0, 0),
    ),
]


@pytest.mark.parametrize(
    ("name", "claim", "evidence", "as_of", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_status_table(
    story: Story,
    name: str,
    claim: str,
    evidence: list[Evidence],
    as_of: str,
    expected: tuple[str, int, int],
) -> None:
    assert status_of(story, claim, evidence, as_of) == expected


def test_rejected_review_unbreaches(story: Story) -> None:
    evidence = [ev(1, "energy-halt", "breach"), ev(2, "energy-halt", "confirms")]
    assert status_of(story, "energy-halt", evidence, IN_WINDOW)[0] == "breached-alleged"
    reviews = [Review("e1", "reject", "misread", "2025-03-30T10:00:00Z")]
    assert status_of(story, "energy-halt", evidence, IN_WINDOW, reviews)[0] == "confirmed"


def test_status_is_pure(story: Story) -> None:
    evidence = [ev(1, "energy-halt", "breach"), ev(2, "window-30d", "confirms")]
    when = datetime(2025, 3, 30, tzinfo=UTC)
    assert claim_statuses(story, evidence, [], when) == claim_statuses(story, evidence, [], when)


def move(
    n: int,
    rule: str,
    new_end: str,
    actor: str | None = "russia",
    published: str = "2025-04-10T09:00:00Z",
) -> Evidence:
    """Window-term evidence that carries the window's new end as its event date."""
    return Evidence(
        id=f"w{n}",
        article_id=f"w{n}",
        claim_id="window-30d",
        stance="contradicts",
        alleged=False,
        quote="moved",
        start=0,
        end=5,
        event_date=new_end,
        actor=actor,
        target=None,
        place=None,
        region=None,
        confidence=0.7,
        rule=rule,
        outlet="Wire",
        published=published,
        seen=published,
        cluster=f"w{n}",
        tier="wire",
    )


WINDOW_CASES = [
    (
        "an extension moves the end: a strike on day 34 is a breach",
        "2025-04-30T12:00:00",
        [
            move(1, "window.extension", "2025-05-17"),
            ev(2, "energy-halt", "breach", day="2025-04-20"),
        ],
        "breached-alleged",
    ),
    (
        "after the extended end, the window closes",
        "2025-05-20T12:00:00",
        [
            move(1, "window.extension", "2025-05-17"),
            ev(2, "energy-halt", "breach", day="2025-04-20"),
        ],
        "expired",
    ),
    (
        "an early end closes the window early",
        "2025-04-05T12:00:00",
        [
            move(1, "window.early-end", "2025-04-01", published="2025-04-01T09:00:00Z"),
            ev(2, "energy-halt", "confirms"),
        ],
        "held",
    ),
    (
        "a strike after an early end is no breach",
        "2025-04-05T12:00:00",
        [
            move(1, "window.early-end", "2025-04-01", published="2025-04-01T09:00:00Z"),
            ev(2, "energy-halt", "breach", day="2025-04-03"),
        ],
        "held",
    ),
    (
        "an outsider's word does not move the window",
        "2025-04-30T12:00:00",
        [
            move(1, "window.extension", "2025-05-17", actor="mediator"),
            ev(2, "energy-halt", "breach", day="2025-04-20"),
        ],
        "held",
    ),
]


@pytest.mark.parametrize(
    ("name", "as_of", "evidence", "expected"), WINDOW_CASES, ids=[c[0] for c in WINDOW_CASES]
)
def test_window_moves(
    story: Story, name: str, as_of: str, evidence: list[Evidence], expected: str
) -> None:
    when = datetime.fromisoformat(as_of).replace(tzinfo=UTC)
    statuses, _ = claim_statuses(story, evidence, [], when)
    status = next(s for s in statuses if s.claim_id == "energy-halt")
    assert status.status == expected
    if "outsider" not in name:
        assert "window moved" in status.reason and "w1" in status.evidence_ids


def test_state_media_of_the_accuser_never_corroborates_even_as_fact(story: Story) -> None:
    """A Ukrainian state outlet stating a Russian strike as fact is still Ukraine's word."""
    evidence = [ev(1, "energy-halt", "breach", alleged=False, **STATE)]
    assert status_of(story, "energy-halt", evidence, IN_WINDOW)[0] == "breached-alleged"


def test_reports_of_a_denial_never_corroborate(story: Story) -> None:
    """Two wires reporting that Kyiv denies an attack are not two witnesses of it."""
    denials = [
        replace(ev(n, "ukraine-reciprocity", "breach"), rule=DENIED_ACCUSATION) for n in (1, 2)
    ]
    assert status_of(story, "ukraine-reciprocity", denials, IN_WINDOW)[0] == "breached-alleged"
    reports = [ev(n, "ukraine-reciprocity", "breach") for n in (1, 2)]
    assert status_of(story, "ukraine-reciprocity", reports, IN_WINDOW)[0] == "breached-corroborated"
