"""Report rendering: records in, Markdown out. No database, no Prefect, no clock."""

from reports.digest import Digest, DigestInput, FeedHealth, render_digest

__all__ = ["Digest", "DigestInput", "FeedHealth", "render_digest"]
