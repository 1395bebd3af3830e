"""Run the `truce` command line with one database capped at a number of pages.

    python page_limit.py PAGES DB truce-arguments...

SQLite's `PRAGMA max_page_count` makes a write that would grow the file past the cap fail with
SQLITE_FULL, the very error a full disk gives, so this is a full disk for that one file, on
any machine and without root. The cap is set on every connection `truce` opens to DB.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from typing import Any

from truce.cli import main

pages, database = int(sys.argv[1]), os.path.realpath(sys.argv[2])
connect = sqlite3.connect


def capped(target: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
    connection = connect(target, *args, **kwargs)
    if isinstance(target, str | os.PathLike) and os.path.realpath(target) == database:
        connection.execute(f"PRAGMA max_page_count = {pages}")
    return connection


sqlite3.connect = capped
sys.argv = ["truce", *sys.argv[3:]]
main()
