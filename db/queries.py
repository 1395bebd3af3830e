"""The read side: the questions the CLI (and analysts) ask, as plain functions over the views.

Every function takes optional filters and returns rows as dicts, newest first where time matters.
`since` and `until` are UTC ISO 8601 stamps (inclusive, exclusive).
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from db.store import storage_errors


def _where(filters: list[tuple[str, Any]]) -> tuple[str, list[Any]]:
    clauses = [sql for sql, value in filters if value is not None]
    params = [value for _sql, value in filters if value is not None]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _rows(db: Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with storage_errors(db):
        return list(db.query(sql, params))


def evidence(
    db: Database,
    claim: str | None = None,
    stance: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Evidence with its article, outlet, quote and review (the columns of `evidence_detail`)."""
    where, params = _where(
        [
            ("e.claim_id = ?", claim),
            ("e.stance = ?", stance),
            ("a.outlet = ? COLLATE NOCASE", outlet),
            ("a.published >= ?", since),
            ("a.published < ?", until),
        ]
    )
    tail = f" LIMIT {int(limit)}" if limit else ""
    # Without a claim or stance filter, walk articles newest first (CROSS JOIN fixes the order
    # of the loops), so a LIMIT stops early instead of sorting every evidence row.
    join = "evidence e JOIN articles a" if claim or stance else "articles a CROSS JOIN evidence e"
    return _rows(
        db,
        f"""SELECT e.id AS evidence_id, e.claim_id, e.stance, e.alleged, e.event_date, e.actor,
               e.target, e.place, e.region, e.confidence, e.rule, e.quote,
               a.id AS article_id, a.url AS article_url, a.title, a.outlet, a.published,
               a.fetched AS seen, a.cluster, r.decision AS review, r.note AS review_note
            FROM {join} ON e.article_id = a.id LEFT JOIN reviews r ON r.evidence_id = e.id
            {where} ORDER BY a.published DESC, e.id{tail}""",
        params,
    )


def current_status(db: Database, story: str) -> list[dict[str, Any]]:
    """Each claim's status as the last cycle stored it (view `current_status`)."""
    return _rows(db, "SELECT * FROM current_status WHERE story = ?", [story])


def incidents(
    db: Database,
    claim: str | None = None,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
) -> list[dict[str, Any]]:
    """Breach incidents with their sources (view `incident_sources`); dates are event days."""
    where, params = _where(
        [
            ("claim_id = ?", claim),
            ("event_date >= ?", since[:10] if since else None),
            ("event_date < ?", until[:10] if until else None),
            (
                "(',' || replace(outlets, ', ', ',') || ',') LIKE ?",
                f"%,{outlet},%" if outlet else None,
            ),
        ]
    )
    return _rows(
        db, f"SELECT * FROM incident_sources{where} ORDER BY event_date DESC, claim_id", params
    )


def feeds(db: Database, outlet: str | None = None) -> list[dict[str, Any]]:
    """Feed health (view `feed_health`)."""
    where, params = _where([("outlet = ? COLLATE NOCASE", outlet)])
    return _rows(db, f"SELECT * FROM feed_health{where} ORDER BY outlet, feed_id", params)


def search(
    db: Database,
    query: str,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Full-text search (SQLite FTS5 syntax) over titles, summaries and text, best first."""
    where, params = _where(
        [
            ("articles_fts MATCH ?", query),
            ("a.published >= ?", since),
            ("a.published < ?", until),
            ("a.outlet = ? COLLATE NOCASE", outlet),
        ]
    )
    return _rows(
        db,
        f"""
        SELECT a.id AS article_id, a.published, a.outlet, a.title, a.url,
               snippet(articles_fts, -1, '[', ']', '...', 12) AS snippet
        FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid{where}
        ORDER BY rank LIMIT {int(limit)}""",
        params,
    )


def digests(
    db: Database, story: str, since: str | None = None, until: str | None = None
) -> list[dict[str, Any]]:
    """The digests written for a story, newest first."""
    where, params = _where(
        [
            ("story = ?", story),
            ("date >= ?", since[:10] if since else None),
            ("date < ?", until[:10] if until else None),
        ]
    )
    return _rows(
        db,
        f"SELECT date, headline, path, created_at FROM digests{where} ORDER BY date DESC",
        params,
    )
