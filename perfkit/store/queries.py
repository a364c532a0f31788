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

__all__ = ["ROW_HASH", "clearance_of", "has_figures", "latest_batch", "latest_starts", "next_publication", "publication_files", "publication_rows",
           "publication_tables", "record_clearance", "record_publication", "row_hashes"]

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


#: What a publication records beyond the first stores' columns (an older store gains them): its
#: subject (what it publishes: ``kind`` 'period' and ``subject`` the period's label today, an
#: analyst's paper, ``kind`` 'analysis' and its slug), the perfkit that built it, and per file the
#: paper's clearance and the name the build gave the file (``built``: it is published under the
#: name a clerk reads, :mod:`perfkit.render.names`; NULL: published under the build's own name).
_PUBLICATION_COLUMNS = {"publications": {"kind": "VARCHAR", "subject": "VARCHAR", "perfkit_version": "VARCHAR", "code": "VARCHAR"},
                        "publication_files": {"cleared_by": "VARCHAR", "cleared_at": "TIMESTAMP", "built": "VARCHAR"}}
_CLEARANCES = """CREATE TABLE IF NOT EXISTS clearances (
    kind VARCHAR NOT NULL, subject VARCHAR NOT NULL,
    report VARCHAR NOT NULL,      -- '<period>/<folder>/<report>', as the build manifest keys it
    inputs VARCHAR NOT NULL,      -- the hash of what the paper was built from (manifest inputs): a rebuild from other data is not cleared
    cleared_by VARCHAR NOT NULL,  -- the director or portfolio holder who signed it off, in their words
    cleared_at TIMESTAMP NOT NULL,
    recorded_by VARCHAR NOT NULL)"""


def publication_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the publication tables up to date (a store made by an earlier perfkit lacks some columns)."""
    con.execute("BEGIN TRANSACTION")
    for table, columns in _PUBLICATION_COLUMNS.items():
        for column, kind in columns.items():
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
    con.execute(_CLEARANCES)
    con.execute("UPDATE publications SET kind = 'period', subject = period WHERE subject IS NULL")
    con.execute("COMMIT")


def latest_batch(con: duckdb.DuckDBPyConnection) -> int:
    """The latest import batch: the data snapshot a publication records."""
    return con.execute("SELECT coalesce(max(batch_id), 0) FROM batches").fetchall()[0][0]


def next_publication(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """The latest import batch, and the number the next publication takes."""
    number = con.execute("SELECT coalesce(max(publication_id), 0) + 1 FROM publications").fetchall()[0][0]
    return latest_batch(con), number


def record_publication(con: duckdb.DuckDBPyConnection, publication: dict, files: list[dict]) -> None:
    """Record a publication and its files in one transaction (columns by name)."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"INSERT INTO publications ({', '.join(publication)}) VALUES ({', '.join('?' * len(publication))})", list(publication.values()))
        if files:
            names = list(files[0])
            con.executemany(f"INSERT INTO publication_files ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                            [[f[n] for n in names] for f in files])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def publication_rows(con: duckdb.DuckDBPyConnection, subject: str | None = None) -> pd.DataFrame:
    """Every publication (of ``subject``, if given), newest first: its number of files, the
    directorates (output folders) and formats it covers, and how many of its papers were cleared."""
    return con.execute(
        """SELECT p.publication_id, p.kind, p.subject, p.period, p.published_at, p.published_by, p.max_batch_id,
                  count(f.path) AS files, string_agg(DISTINCT split_part(f.report, '/', 2), ', ' ORDER BY split_part(f.report, '/', 2)) AS folders,
                  string_agg(DISTINCT f.format, ', ' ORDER BY f.format) AS formats,
                  count(DISTINCT f.report) FILTER (WHERE f.cleared_by IS NOT NULL) AS cleared, count(DISTINCT f.report) AS papers,
                  p.perfkit_version, p.code, p.folder
           FROM publications p LEFT JOIN publication_files f USING (publication_id)
           WHERE $1 IS NULL OR p.subject = $1
           GROUP BY ALL ORDER BY p.publication_id DESC""", [subject]
    ).df()


def publication_files(con: duckdb.DuckDBPyConnection, subject: str | None = None) -> pd.DataFrame:
    """Every published file (of ``subject``'s publications, if given): publication, report, format, path, SHA-256."""
    return con.execute(
        """SELECT f.publication_id, p.subject, f.report, f.format, f.path, f.sha256 FROM publication_files f
           JOIN publications p USING (publication_id) WHERE $1 IS NULL OR p.subject = $1 ORDER BY ALL""", [subject]).df()


def record_clearance(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Record papers' clearance (one row per paper) in one transaction."""
    con.execute("BEGIN TRANSACTION")
    con.executemany("INSERT INTO clearances (kind, subject, report, inputs, cleared_by, cleared_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [[r[k] for k in ("kind", "subject", "report", "inputs", "cleared_by", "cleared_at", "recorded_by")] for r in rows])
    con.execute("COMMIT")


def clearance_of(con: duckdb.DuckDBPyConnection, report: str, inputs: str) -> tuple[str, dt.datetime] | None:
    """Who cleared the paper ``report`` built from exactly ``inputs``, and when (the latest), or None."""
    found = con.execute("SELECT cleared_by, cleared_at FROM clearances WHERE report = ? AND inputs = ? ORDER BY cleared_at DESC LIMIT 1",
                        [report, inputs]).fetchall()
    return found[0] if found else None
