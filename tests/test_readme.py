"""Docs that tests keep honest: every SQL example in the README runs against the demo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from db import open_db

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
QUERIES = re.findall(r"```sql\n(.*?)```", README, re.DOTALL)


def test_readme_has_queries() -> None:
    assert len(QUERIES) >= 4


@pytest.mark.prefect
@pytest.mark.parametrize("sql", QUERIES, ids=[f"query{i}" for i in range(len(QUERIES))])
def test_readme_query_runs_on_the_demo(demo_db: Path, sql: str) -> None:
    rows = list(open_db(demo_db).query(sql))
    assert rows, sql
