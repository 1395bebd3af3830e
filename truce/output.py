"""How the CLI prints rows: a table for people, JSON Lines for programs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import typer


def emit(
    rows: Sequence[dict[str, Any]], as_json: bool, columns: Sequence[str], empty: str = "no results"
) -> None:
    """Rows as JSON Lines (`--json`), a rich table on a terminal, a plain table in a pipe. An
    empty result says so on stderr (the exit code stays 0)."""
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False, default=str))
    elif rows and sys.stdout.isatty():
        _rich_table(rows, columns)
    elif rows:
        typer.echo(plain_table(rows, columns))
    if not rows:
        typer.echo(empty, err=True)


def _rich_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(
            column,
            overflow="fold",
            max_width=70 if column in ("quote", "reason", "snippet", "title") else None,
        )
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    Console().print(table)


def plain_table(rows: Iterable[dict[str, Any]], columns: Sequence[str], width: int = 60) -> str:
    """An aligned text table, long cells cut at `width` characters."""

    def cell(value: Any) -> str:
        text = "" if value is None else str(value).replace("\n", " ")
        return text if len(text) <= width else text[: width - 1] + "\u2026"

    body = [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in body)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in body]
    return "\n".join(line.rstrip() for line in lines)
