"""Read labelled items (the `truce eval` JSON Lines format) into records."""

from __future__ import annotations

import json
from pathlib import Path

from claims.evaluate import LabelledItem
from parsers.text import html_to_text
from truce.clock import iso, parse_when
from truce.errors import InputError
from truce.records import STANCES, Article, Feed


def load_labelled(path: str | Path, outlets: dict[str, Feed] | None = None) -> list[LabelledItem]:
    """Parse a labelled JSONL file. Text goes through the same HTML cleaning as ingestion;
    an outlet named in the feeds file gets that feed's tier and affiliation."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    outlets = {k.lower(): v for k, v in (outlets or {}).items()}
    items = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            published = iso(parse_when(str(raw["published"]), end_of_day=False))
            labels = {}
            for claim_id, label in (raw.get("labels") or {}).items():
                if label["stance"] not in STANCES:
                    raise ValueError(f"unknown stance {label['stance']!r}")
                labels[claim_id] = (label["stance"], label.get("alleged"))
            feed = outlets.get(str(raw.get("outlet", "")).lower())
            article = Article(
                id=str(raw["id"]),
                feed_id="eval",
                outlet=str(raw.get("outlet", "")),
                tier=feed.tier if feed else "unknown",
                affiliation=feed.affiliation if feed else None,
                url=str(raw.get("link", "")),
                title=html_to_text(str(raw.get("title", ""))),
                summary=html_to_text(str(raw.get("summary", ""))),
                published=published,
                seen=published,
            )
        except (ValueError, KeyError, TypeError, InputError) as exc:
            raise InputError(f"{path}:{number}: bad labelled item: {exc}") from None
        items.append(LabelledItem(article, labels))
    if not items:
        raise InputError(f"{path}: no labelled items")
    return items
