"""What the build and publication ask of the store, as SQL written here and nowhere else: the
council's latest periods, whether a period has figures, content hashes of stored rows, and
publications' records. (Ingest's staging SQL stays in :mod:`perfkit.ingest`: it works on
staged files, not on the store's tables.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from perfkit.store.actions import action_hash

__all__ = ["ROW_HASH", "has_figures", "latest_starts", "next_publication", "publication_rows", "record_publication", "row_hashes"]

_SHOWN = ("indicator, area_code, period_type, period_start, area_name, value, numerator, denominator, status, "
          "status_reason, headline, commentary, actions, quality")
#: One stored row's content hash: every column a paper can show. A published confidence interval
#: and judgement count only where given, so a row without them hashes as before they existed.
ROW_HASH = (f"CASE WHEN ci_lower IS NULL AND ci_upper IS NULL AND compared IS NULL THEN hash({_SHOWN}) "
            f"ELSE hash({_SHOWN}, ci_lower, ci_upper, compared) END")


def latest_starts(con: duckdb.DuckDBPyConnection, area: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The start of ``area``'s latest month or quarter that has begun by ``today``, and of its
    latest financial year that has ended by then (None where there is none)."""
    found = con.execute("SELECT max(period_start) FROM observations WHERE area_code = ? AND period_type IN ('month', 'quarter') "
                        "AND period_start <= ?", [area, today]).fetchall()[0][0]
    year = con.execute("SELECT max(period_start) FROM observations WHERE area_code = ? AND period_type = 'year' "
                       "AND period_start + INTERVAL 1 YEAR <= ?", [area, today]).fetchall()[0][0]
    return found, year


def has_figures(con: duckdb.DuckDBPyConnection, area: str, start: dt.date, end: dt.date, published: list[str] | None = None) -> bool:
    """Whether the store holds any figure of ``area`` for a period starting between ``start`` and
    ``end``, or of one of the ``published`` indicators for a period starting within three years
    before ``start`` (a paper shows a publisher's latest figure, a year or more after its period)."""
    return con.execute("SELECT count(*) FROM observations WHERE area_code = $1 AND (period_start BETWEEN $2 AND $3 OR "
                       "(list_contains($4, indicator) AND period_start BETWEEN $2 - INTERVAL 3 YEAR AND $3))",
                       [area, start, end, list(published or [])]).fetchall()[0][0] > 0


def row_hashes(store: Path, indicators: list[str], areas: list[str]) -> list[tuple[str, str, int, int]]:
    """(indicator, area, rows, XOR of their :data:`ROW_HASH`) for each pair stored, in one pass;
    every version of its action rows counts too (a paper shows the latest, so a new one changes it)."""
    from perfkit.store.store import Store

    with Store(store, read_only=True) as db:  # brings a store made by an earlier perfkit up to date first
        return db.con.execute(
            f"""SELECT indicator, area_code, count(*), bit_xor(h) FROM (
                    SELECT indicator, area_code, {ROW_HASH} AS h FROM observations
                    WHERE list_contains($1, indicator) AND list_contains($2, area_code)
                    UNION ALL SELECT indicator, area_code, {action_hash()} AS h FROM actions
                    WHERE list_contains($1, indicator) AND list_contains($2, area_code)) GROUP BY ALL""",
            [sorted(set(indicators)), sorted(set(areas))],
        ).fetchall()


def next_publication(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """The latest import batch, and the number the next publication takes."""
    batch = con.execute("SELECT coalesce(max(batch_id), 0) FROM batches").fetchall()[0][0]
    number = con.execute("SELECT coalesce(max(publication_id), 0) + 1 FROM publications").fetchall()[0][0]
    return batch, number


def record_publication(con: duckdb.DuckDBPyConnection, publication: tuple, files: list[tuple]) -> None:
    """Record a publication and its files in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT INTO publications VALUES (?, ?, ?, ?, ?, ?)", list(publication))
        con.executemany("INSERT INTO publication_files VALUES (?, ?, ?, ?, ?, ?)", files)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def publication_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every publication, newest first, with its number of files."""
    return con.execute(
        """SELECT p.publication_id, p.period, p.published_at, p.published_by, p.max_batch_id, count(f.path) AS files, p.folder
           FROM publications p LEFT JOIN publication_files f USING (publication_id)
           GROUP BY ALL ORDER BY p.publication_id DESC"""
    ).df()
