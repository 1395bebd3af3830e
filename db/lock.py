"""One writer at a time: an advisory file lock beside the database.

The operating system drops the lock when its holder dies (even by SIGKILL), so a crashed run
never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from truce.errors import TruceError


class LockBusy(TruceError):
    """Another run holds the database's lock."""


@contextmanager
def run_lock(db_path: str | Path, wait: float = 0.0) -> Iterator[None]:
    """Hold `<db>.lock` for the duration; wait up to `wait` seconds for it, else LockBusy."""
    path = Path(f"{db_path}.lock")
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(
                        f"another run is writing to {db_path}; try again later"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(handle)  # closing releases the lock
