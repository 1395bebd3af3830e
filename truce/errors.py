"""One exception hierarchy, rooted in TruceError. The CLI turns any of these into one line."""

from __future__ import annotations


class TruceError(Exception):
    """Base of every error Truce Watch raises on purpose."""

    exit_code = 1


class ConfigError(TruceError):
    """A seeds file (claims, feeds, lexicons) is missing or malformed."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        where = path or ""
        if path and line:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class FeedError(TruceError):
    """A feed could not be fetched or parsed. Recorded per feed; never stops the batch."""

    def __init__(
        self,
        message: str,
        url: str = "",
        transient: bool = False,
        retry_after: float | None = None,
        gone: bool = False,
    ):
        self.url = url
        self.transient = transient  # worth retrying soon (timeouts, 5xx, 429)
        self.retry_after = retry_after  # seconds the server asked us to wait
        self.gone = gone  # 410: the feed is gone for good
        super().__init__(message)


class StorageError(TruceError):
    """The database could not be opened or written (sqlite3 errors are wrapped in this)."""


class InputError(TruceError):
    """Bad user input on the command line or in an eval file."""

    exit_code = 2
