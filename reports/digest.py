"""The daily digest: what changed, what is now true of each claim, and the evidence."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import jinja2

from reports.chart import incidents_png
from truce.records import ClaimStatus, Evidence, Incident, Story

# Most newsworthy first: the headline reports the first change in this order.
_SEVERITY = [
    "breached-corroborated",
    "breached-alleged",
    "expired",
    "contradicted",
    "disputed",
    "held",
    "confirmed",
]


@dataclass(frozen=True)
class FeedHealth:
    outlet: str
    ok: bool
    error: str | None
    articles: int


@dataclass(frozen=True)
class DigestInput:
    story: Story
    day: date
    statuses: tuple[ClaimStatus, ...]
    previous: dict[str, str]  # claim id -> status at the previous digest
    new_evidence: tuple[Evidence, ...]
    new_incidents: tuple[Incident, ...]
    feeds: tuple[FeedHealth, ...]
    articles_today: int
    incidents: tuple[Incident, ...] = ()  # every incident known: for the chart


@dataclass(frozen=True)
class Digest:
    day: date
    headline: str
    markdown: str
    html: str = ""


def _md(text: object) -> str:
    """Feed text is untrusted: neutralise Markdown and HTML so it renders as plain text."""
    value = " ".join(str(text or "").split())
    for char in "\\`*_{}[]<>()#|!":
        value = value.replace(char, "\\" + char)
    return value


def _link(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else ""


def _headline(data: DigestInput) -> str:
    changes = [s for s in data.statuses if data.previous.get(s.claim_id) != s.status]
    changes.sort(key=lambda s: _SEVERITY.index(s.status) if s.status in _SEVERITY else 99)
    claims = {c.id: c for c in data.story.claims}
    window = data.story.window
    if changes and changes[0].status in _SEVERITY:
        top = changes[0]
        if top.status.startswith("breached"):
            return f"Breach reported: {claims[top.claim_id].text.rstrip('.')} is now {top.status}: {top.reason}"
        if top.status in ("expired", "held"):
            return (
                f"The {window.days}-day window ended on {window.end - timedelta(days=1)}: "
                f"{top.claim_id} {top.status} ({top.reason})"
            )
        return f"{top.claim_id} is now {top.status}: {top.reason}"
    if data.new_incidents:
        incident = data.new_incidents[0]
        return (
            f"New {('corroborated' if incident.corroborated else 'alleged')} breach incident "
            f"for {incident.claim_id} on {incident.event_date}"
            f"{' in ' + incident.place if incident.place else ''}"
        )
    if data.day >= window.end:
        return f"The {window.days}-day window ended on {window.end - timedelta(days=1)}; no status changed."
    if not data.new_evidence:
        return "Quiet day: no new evidence on any claim."
    return f"{len(data.new_evidence)} new evidence items; no claim changed status."


_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=False,  # Markdown: every feed value goes through the `md` filter instead
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters["md"] = _md
_ENV.filters["link"] = _link
# HTML: autoescaped, so a feed's `<script>` is text; only http(s) URLs become links
_HTML_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_HTML_ENV.filters["link"] = _link


def render_digest(data: DigestInput) -> Digest:
    """Render the digest for one day: Markdown, and a self-contained HTML page (inline CSS,
    the chart embedded)."""
    headline = _headline(data)
    window = data.story.window
    days_left = (window.end - data.day).days - 1
    claims = {c.id: c for c in data.story.claims}
    by_claim: dict[str, list[Evidence]] = {}
    for item in data.new_evidence:
        by_claim.setdefault(item.claim_id, []).append(item)
    context = dict(
        story=data.story,
        day=data.day,
        headline=headline,
        statuses=data.statuses,
        previous=data.previous,
        claims=claims,
        by_claim=by_claim,
        incidents=data.new_incidents,
        feeds=data.feeds,
        failing=[f for f in data.feeds if not f.ok],
        articles_today=data.articles_today,
        days_left=days_left,
        window=window,
        quiet=not data.new_evidence and not data.new_incidents,
    )
    markdown = _ENV.get_template("digest.md.j2").render(**context)
    sides = {
        c.id: f"{data.story.party(c.party).name} accused"
        for c in data.story.claims
        if c.kind == "commitment" and c.party
    }
    chart = base64.b64encode(incidents_png(data.incidents, window, data.day, sides)).decode()
    html = _HTML_ENV.get_template("digest.html.j2").render(**context, chart=chart)
    return Digest(day=data.day, headline=headline, markdown=markdown, html=html)
