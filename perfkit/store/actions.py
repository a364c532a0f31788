"""Actions as rows: what an owner is doing about an indicator, who owns it, by when, and how it stands.

An action is kept per reporting period: the row for (indicator, area, ref, period) says how
the action stood when that period was reported. A period's return carries last period's open
actions forward for a progress update (:mod:`perfkit.returns.workbook`), so the store holds each
action's history period by period. Writing is part of an import batch (the same transaction
as its figures, :meth:`perfkit.store.store.Store.write_batches`): an identical row is a no-op,
a changed one is stored as a new version under the new batch, and the latest batch's version
of a row is the one papers show; no version is ever deleted. A new action (no ``ref``) is
given the next free reference for its indicator and area (A1, A2, ...), unless an action with
the same wording is stored for the same period (the same return imported again).
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

__all__ = ["ACTION_COLUMNS", "ACTIONS_SCHEMA", "action_hash", "current_actions", "write_actions"]

#: Columns of a checked actions frame (:func:`perfkit.ingest.actions.check_actions`), in order.
ACTION_COLUMNS = ["indicator", "area_code", "ref", "period_type", "period_start", "period", "action", "owner", "due", "status", "progress"]
_KEY = ["indicator", "area_code", "ref", "period_type", "period_start"]

ACTIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS actions (
    indicator VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,
    ref VARCHAR NOT NULL,          -- A1, A2, ... within an indicator and area; kept from period to period
    period_type VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period VARCHAR NOT NULL,       -- the reporting period this row reports the action for
    action VARCHAR NOT NULL,
    owner VARCHAR NOT NULL,
    due DATE NOT NULL,
    status VARCHAR NOT NULL,       -- perfkit.contract.ACTION_STATUSES
    progress VARCHAR,
    batch_id BIGINT NOT NULL       -- the import that wrote this version; the latest version wins
);
"""

_CONTENT = [*_KEY, "action", "owner", "due", "status", "progress"]


def action_hash(alias: str = "") -> str:
    """SQL for one version of an action row's content hash: "is it the same as stored", and the build's row hashes."""
    return "hash(" + ", ".join(f"{alias}.{c}" if alias else c for c in _CONTENT) + ")"


def _latest(where: str = "") -> str:
    return f"SELECT * FROM actions {where} QUALIFY batch_id = max(batch_id) OVER (PARTITION BY {', '.join(_KEY)})"


def write_actions(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, batch_id: int) -> tuple[int, int, int]:
    """Store ``frame`` (:data:`ACTION_COLUMNS`, ``ref`` None for a new action) under ``batch_id``,
    inside the caller's transaction; return (added, revised, unchanged)."""
    if frame.empty:
        return 0, 0, 0
    con.register("actions_df", frame[ACTION_COLUMNS])
    try:
        # a new action (no ref) already stored for the period with the same wording is that action
        # (the same return imported again); any other takes the next reference free for its
        # indicator and area, in the file's order
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE actions_stage AS
                WITH given AS (SELECT *, row_number() OVER () AS seq FROM actions_df),
                same AS (SELECT indicator, area_code, period_type, period_start, action, min(ref) AS ref FROM ({_latest()}) GROUP BY ALL),
                known AS (SELECT g.* EXCLUDE (ref), coalesce(g.ref, s.ref) AS ref FROM given g
                          LEFT JOIN same s ON g.ref IS NULL AND s.indicator = g.indicator AND s.area_code = g.area_code
                               AND s.period_type = g.period_type AND s.period_start = g.period_start::DATE AND s.action = g.action),
                used AS (SELECT indicator, area_code, max(TRY_CAST(substr(ref, 2) AS INTEGER)) AS top FROM (
                           SELECT indicator, area_code, ref FROM actions UNION ALL
                           SELECT indicator, area_code, ref FROM known WHERE ref IS NOT NULL) GROUP BY ALL)
                SELECT k.indicator, k.area_code,
                       coalesce(k.ref, 'A' || (coalesce(u.top, 0) + row_number() OVER (
                           PARTITION BY k.indicator, k.area_code, k.ref IS NULL ORDER BY k.seq))::VARCHAR) AS ref,
                       k.period_type, k.period_start::DATE AS period_start, k.period, k.action, k.owner, k.due::DATE AS due,
                       k.status, k.progress, {int(batch_id)}::BIGINT AS batch_id
                FROM known k LEFT JOIN used u USING (indicator, area_code) ORDER BY k.seq"""
        )
    finally:
        con.unregister("actions_df")
    on_key = " AND ".join(f"s.{k} = o.{k}" for k in _KEY)
    added, revised = con.execute(
        f"""SELECT count(*) FILTER (WHERE o.indicator IS NULL),
                   count(*) FILTER (WHERE o.indicator IS NOT NULL AND {action_hash('s')}
                                    <> {action_hash('o')})
            FROM actions_stage s LEFT JOIN ({_latest()}) o ON {on_key}"""
    ).fetchall()[0]
    con.execute(
        f"""INSERT INTO actions BY NAME SELECT s.* FROM actions_stage s
            WHERE NOT EXISTS (SELECT 1 FROM ({_latest()}) o WHERE {on_key}
                              AND {action_hash('s')}
                                  = {action_hash('o')})"""
    )
    total = con.execute("SELECT count(*) FROM actions_stage").fetchall()[0][0]
    con.execute("DROP TABLE actions_stage")
    return added, revised, total - added - revised


def selection(indicators: Iterable[str] | None, areas: Iterable[str] | None) -> tuple[list[str], list]:
    """SQL conditions (and their arguments) keeping rows of ``indicators`` and ``areas`` (None: all)."""
    where, args = [], []
    if indicators is not None:
        where.append("list_contains(?, indicator)")
        args.append(list(indicators))
    if areas is not None:
        where.append("list_contains(?, area_code)")
        args.append(list(areas))
    return where, args


def current_actions(con: duckdb.DuckDBPyConnection, indicators: list[str] | None = None, areas: list[str] | None = None) -> pd.DataFrame:
    """The latest version of every action row of ``indicators`` and ``areas``, ordered by
    indicator, area, period and reference number."""
    where, args = selection(indicators, areas)
    sql = _latest(("WHERE " + " AND ".join(where)) if where else "")
    frame = con.execute(f"SELECT * FROM ({sql}) ORDER BY indicator, area_code, period_start, "
                        "TRY_CAST(substr(ref, 2) AS INTEGER), ref", args).df()
    for column in ("period_start", "due"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame
