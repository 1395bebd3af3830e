"""The one clock. Every "now" in Truce Watch comes from here, so tests and replays can set it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from truce.errors import InputError

_fixed: datetime | None = None


def now() -> datetime:
    """The current time, timezone-aware UTC (or the time set by `set_now`)."""
    return _fixed if _fixed is not None else datetime.now(UTC)


def set_now(value: datetime | None) -> None:
    """Pin the clock (replays, `--as-of`, tests); `None` returns to the wall clock."""
    global _fixed
    _fixed = None if value is None else to_utc(value)


def to_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(value: datetime) -> str:
    """UTC ISO 8601 with a Z, the one format stored in the database."""
    return to_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_when(text: str, tz: str = "UTC", end_of_day: bool = True) -> datetime:
    """Parse an `--as-of` value: a date (taken as the end of that day in `tz`) or a datetime."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            clock_time = time(23, 59, 59) if end_of_day else time(0, 0)
            return datetime.combine(day, clock_time, ZoneInfo(tz)).astimezone(UTC)
        return to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise InputError(
            f"not a date or datetime: {text!r} (use 2025-04-01 or 2025-04-01T12:00Z)"
        ) from None
