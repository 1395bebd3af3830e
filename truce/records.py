"""Typed, immutable records passed between stages. Dicts appear only at the database edge."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any, Literal

Stance = Literal["confirms", "contradicts", "breach"]
STANCES: tuple[Stance, ...] = ("confirms", "contradicts", "breach")
ClaimKind = Literal["commitment", "term", "fact", "forecast"]
CLAIM_KINDS: tuple[ClaimKind, ...] = ("commitment", "term", "fact", "forecast")
Tier = Literal["wire", "major", "national", "state-media", "social", "unknown"]
TIERS: tuple[Tier, ...] = ("wire", "major", "national", "state-media", "social", "unknown")


@dataclass(frozen=True)
class Feed:
    """A feed to watch: an http(s) URL or a local path, with its outlet's credibility."""

    id: str
    url: str
    outlet: str
    tier: Tier = "unknown"
    affiliation: str | None = None  # the party whose state media this is, if any


@dataclass(frozen=True)
class Entry:
    """One feed entry after parsing and normalisation, before storage."""

    id: str  # stable: guid, else normalised link, else hash of title+published
    feed_id: str
    url: str
    title: str
    summary: str  # plain text
    published: str  # UTC ISO 8601
    dated: bool  # False when the feed gave no date and `published` is the fetch time
    content_hash: str
    story_key: str  # same words in the same order: copies of one wire story share it
    simhash: int = 0  # near-same words: a lightly edited copy differs in a few bits


@dataclass(frozen=True)
class Article:
    """A stored article, as the claim engine sees it."""

    id: str
    feed_id: str
    outlet: str
    tier: Tier
    affiliation: str | None
    url: str
    title: str
    summary: str
    published: str
    seen: str  # when we first stored it (UTC ISO 8601): "what was known when"
    cluster: str = ""  # copies of one wire story share a cluster

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.summary}".strip()


@dataclass(frozen=True)
class Window:
    """A commitment's window: [start, end) in days."""

    start: date
    end: date  # first day outside the window

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class Claim:
    """A baseline claim of a story, fully described for the engine (see seeds/<story>/claims.yaml)."""

    id: str
    kind: ClaimKind
    text: str
    sources: tuple[str, ...] = ()
    party: str | None = None  # commitments: who promised
    targets: tuple[str, ...] = ()  # commitments: protected target classes
    territory: tuple[str, ...] = ()  # commitments: protected territory (gazetteer areas)
    detector: str = "statement"  # which rule family reads this claim
    speakers: tuple[str, ...] = ()  # parties whose statements count
    # the names a speaker's word must come under ("the Kremlin confirmed": not its ministries)
    voices: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()  # statement cues: the subject must be mentioned
    confirm: tuple[str, ...] = ()
    contradict: tuple[str, ...] = ()
    value: int | None = None  # terms with a number (the window's length in days)
    # what is said of it counts only while the deal runs (commitments: always so)
    while_deal_runs: bool = False


@dataclass(frozen=True)
class Evidence:
    """One (article, claim) judgement with the sentence that shows it."""

    id: str
    article_id: str
    claim_id: str
    stance: Stance
    alleged: bool
    quote: str
    start: int  # character offsets of the quote in Article.text
    end: int
    event_date: str | None  # YYYY-MM-DD
    actor: str | None
    target: str | None
    place: str | None
    region: str | None
    confidence: float
    rule: str
    outlet: str = ""
    published: str = ""
    seen: str = ""
    cluster: str = ""
    tier: Tier = "unknown"
    affiliation: str | None = None
    url: str = ""

    @classmethod
    def of(cls, **values: Any) -> Evidence:
        """The same record as `Evidence(**values)`, every field named, set at once. A frozen
        dataclass's __init__ sets each field through object.__setattr__: ~35,000 instructions
        for these 22, against ~3,000 here, and the claim engine builds one per evidence row."""
        return cls.of_fields(values)

    @classmethod
    def of_fields(cls, values: dict[str, Any]) -> Evidence:
        """`of`, for a caller with the fields in a dict of its own, which the record keeps: the
        compiled claim engine's call with 22 keywords cost ~6,000 instructions more, each
        keyword put into a new dict."""
        if values.keys() != _EVIDENCE_FIELDS:
            wrong = sorted(_EVIDENCE_FIELDS ^ values.keys())
            raise TypeError(f"Evidence.of takes every field, once: {', '.join(wrong)}")
        record = object.__new__(cls)
        object.__setattr__(record, "__dict__", values)
        return record


_EVIDENCE_FIELDS = frozenset(f.name for f in fields(Evidence))


@dataclass(frozen=True)
class Incident:
    """Breach evidence about one event (same claim, day +-1, same place or target)."""

    id: str
    claim_id: str
    event_date: str
    place: str | None
    region: str | None
    target: str | None
    accused: str | None
    evidence_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    sources: int  # independent sources: wire copies count once
    corroborated: bool


@dataclass(frozen=True)
class Tally:
    """One claim's evidence of one stance, summed up: what a status and its reason need of it."""

    claim_id: str
    stance: Stance
    ids: tuple[str, ...]  # in (published, id) order
    outlets: tuple[str, ...]  # distinct, sorted
    sources: int  # independent sources: one per wire-story cluster, else one per outlet
    latest_quote: str = ""
    latest_outlet: str = ""


@dataclass(frozen=True)
class ClaimStatus:
    """The verdict on one claim at one as-of time, and why."""

    claim_id: str
    kind: ClaimKind
    status: str
    as_of: str
    reason: str
    evidence_ids: tuple[str, ...] = ()
    evidence_count: int = 0
    incidents_alleged: int = 0
    incidents_corroborated: int = 0
    sources: int = 0  # outlets among the evidence
    since: str = ""


@dataclass(frozen=True)
class Party:
    """A side in the story, with every name the news uses for it."""

    id: str
    name: str
    aliases: tuple[str, ...]
    territory: str  # gazetteer country whose places are this party's
    operators: tuple[str, ...] = ()  # its energy companies: their word on damage is fact


@dataclass(frozen=True)
class Story:
    """One story: its deal date, window, parties and claims."""

    id: str
    title: str
    timezone: str
    deal_date: date
    window: Window
    parties: tuple[Party, ...]
    claims: tuple[Claim, ...]
    # when on `deal_date` the deal was made (UTC ISO): what was published earlier is before it
    deal_at: str | None = None

    def claim(self, claim_id: str) -> Claim:
        for claim in self.claims:
            if claim.id == claim_id:
                return claim
        raise KeyError(claim_id)

    def party(self, party_id: str) -> Party:
        for party in self.parties:
            if party.id == party_id:
                return party
        raise KeyError(party_id)


@dataclass(frozen=True)
class Review:
    evidence_id: str
    decision: Literal["accept", "reject"]
    note: str = ""
    reviewed_at: str = ""


def to_row(record: Any, **extra: Any) -> dict[str, Any]:
    """A record as a database row: tuples become comma-separated text."""
    row = {
        key: ",".join(value) if isinstance(value, tuple) else value
        for key, value in asdict(record).items()
    }
    row.update(extra)
    return row


__all__ = [
    "Article",
    "Claim",
    "ClaimStatus",
    "Entry",
    "Evidence",
    "Feed",
    "Incident",
    "Party",
    "Review",
    "Story",
    "Window",
    "to_row",
]
