"""The claim engine: articles in, evidence and verdicts out. No database, no Prefect, no clock."""

from claims.engine import ENGINE_VERSION, Assessment, Engine

__all__ = ["ENGINE_VERSION", "Assessment", "Engine"]
