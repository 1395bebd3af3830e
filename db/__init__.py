"""Storage: one SQLite file (WAL) through sqlite-utils. Holds data, not rules."""

from db.store import open_db

__all__ = ["open_db"]
