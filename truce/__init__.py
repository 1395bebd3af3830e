"""Truce Watch: track whether the promises in a news story hold."""

__version__ = "0.1.0"
