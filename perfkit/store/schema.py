"""The store's tables, and bringing a store made by an earlier perfkit up to date.

Every table perfkit makes is here (the actions' in :mod:`perfkit.store.actions`, the
publications' clearances in :mod:`perfkit.store.queries`); :func:`bring_up_to_date` adds what an
earlier perfkit's store lacks, within the caller's transaction, and marks the store as perfkit's
(:mod:`perfkit.store.identity`).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import duckdb

from perfkit.errors import StoreError
from perfkit.periods import Freq
from perfkit.store import identity
from perfkit.store.actions import ACTIONS_SCHEMA

__all__ = ["ADDED_COLUMNS", "KEY", "OBSERVATION_COLUMNS", "PERIOD_TYPES", "bring_up_to_date", "up_to_date"]

log = logging.getLogger("perfkit")

KEY = ["indicator", "area_code", "period_type", "period_start"]
#: Columns of a clean frame handed to :meth:`Store.write_batch`, in order.
OBSERVATION_COLUMNS = [
    *KEY,
    "period",
    "area_name",
    "value",
    "numerator",
    "denominator",
    "status",
    "status_reason",
    "headline",
    "commentary",
    "actions",
    "quality",
    "ci_lower",
    "ci_upper",
    "compared",
]
#: Columns added since stores were first made, with their types: an older store gains them (ALTER ... IF NOT EXISTS).
ADDED_COLUMNS = {"quality": "VARCHAR", "headline": "VARCHAR", "ci_lower": "DOUBLE", "ci_upper": "DOUBLE", "compared": "VARCHAR"}

#: The kinds of period a row may be for (:class:`perfkit.periods.Freq`): the CHECK on ``period_type``.
#: DuckDB cannot alter a CHECK, so a store made before a kind was added is migrated on opening (:func:`_widen_period_types`).
PERIOD_TYPES = tuple(f.value for f in Freq)

# An observation's columns, shared by the current rows and their earlier versions.
_ROW = f"""
    indicator VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,
    period_type VARCHAR NOT NULL CHECK (period_type IN ({", ".join(f"'{t}'" for t in PERIOD_TYPES)})),
    period_start DATE NOT NULL,
    period VARCHAR NOT NULL,
    area_name VARCHAR NOT NULL,
    value DOUBLE,
    numerator DOUBLE,
    denominator DOUBLE,
    status VARCHAR NOT NULL CHECK (status IN ('ok', 'provisional', 'suppressed', 'missing')),
    status_reason VARCHAR,
    headline VARCHAR,  -- the owner's one short sentence for page 1
    commentary VARCHAR,
    actions VARCHAR,
    quality VARCHAR,  -- a published row kept as published though it looks inconsistent: counts_disagree
    ci_lower DOUBLE,  -- a published figure's 95% confidence interval
    ci_upper DOUBLE,
    compared VARCHAR,  -- the publisher's own judgement against England (Fingertips: Better, Similar, Worse)
    batch_id BIGINT NOT NULL"""

_REVISION = f"""{_ROW},
    new_value DOUBLE,
    new_status VARCHAR NOT NULL,
    revised_by_batch BIGINT NOT NULL,
    revised_at TIMESTAMP NOT NULL"""
_COLUMNS = {"observations": _ROW, "revisions": _REVISION}

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS batches (
    batch_id BIGINT PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    added BIGINT NOT NULL,
    revised BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    perfkit_version VARCHAR NOT NULL,
    released DATE  -- the publisher's release date of a published file (mapping `released:` or --released); NULL: not recorded
);
CREATE TABLE IF NOT EXISTS observations ({_ROW});
CREATE TABLE IF NOT EXISTS area_attributes (
    area_code VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    batch_id BIGINT NOT NULL,
    PRIMARY KEY (area_code, key, value)
);
CREATE TABLE IF NOT EXISTS publications (
    publication_id BIGINT PRIMARY KEY,
    period VARCHAR NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by VARCHAR NOT NULL,
    max_batch_id BIGINT NOT NULL,  -- the data snapshot: every batch up to this one
    folder VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS publication_files (
    publication_id BIGINT NOT NULL,
    report VARCHAR NOT NULL,       -- '<period>/<folder>/<report>', as the build manifest keys it
    format VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    rows_hash VARCHAR NOT NULL     -- exactly the stored rows the paper read (perfkit.build.manifest.rows_hash)
);
CREATE TABLE IF NOT EXISTS revisions ({_REVISION});
""" + ACTIONS_SCHEMA


def up_to_date(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a store has every table and column this perfkit uses (an earlier perfkit's lacks some)."""
    have = {(t, c) for t, c in con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall()}
    tables = {t for t, _ in have}
    needed = re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", _SCHEMA)
    return ("perfkit_store" in tables and all(t in tables for t in needed) and all((t, c) in have for t in ("observations", "revisions") for c in ADDED_COLUMNS)
            and ("batches", "released") in have and not _narrow_period_types(con))


def _narrow_period_types(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables whose ``period_type`` CHECK lacks one of :data:`PERIOD_TYPES` (made by an earlier perfkit)."""
    found = con.execute("SELECT table_name, sql FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database() "
                        "AND table_name IN ('observations', 'revisions')").fetchall()
    return [t for t, sql in found if not all(f"'{k}'" in sql for k in PERIOD_TYPES)]


def _widen_period_types(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Recreate each table whose CHECK predates a period kind with today's, copying every row
    (DuckDB cannot alter a CHECK); within the caller's transaction, so all or nothing."""
    for table in _narrow_period_types(con):
        con.execute(f"CREATE TABLE {table}_widened ({_COLUMNS[table]})")
        con.execute(f"INSERT INTO {table}_widened BY NAME SELECT * FROM {table}")
        before, after = (con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in (table, f"{table}_widened"))
        if before != after:  # never: refuse rather than lose a row
            raise StoreError(f"{path}: copying {table} to allow the new period kinds kept {after} of {before} rows; the store is unchanged")
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE {table}_widened RENAME TO {table}")


def bring_up_to_date(con: duckdb.DuckDBPyConnection, path: Path, kind: str) -> None:
    """Make the tables this perfkit uses (within the caller's transaction), marking the store as perfkit's."""
    upgrading = kind == "earlier" or (kind == "perfkit" and not up_to_date(con))
    con.execute(_SCHEMA)
    for table in ("observations", "revisions"):  # a store made before quality flags, headlines or intervals
        for column, ctype in ADDED_COLUMNS.items():
            con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {ctype}")
    con.execute("ALTER TABLE batches ADD COLUMN IF NOT EXISTS released DATE")  # a store made before release dates
    _widen_period_types(con, path)  # a store made before calendar years, academic years and days
    marked = con.execute("SELECT max(schema_version) FROM perfkit_store").fetchall()[0][0] if kind == "perfkit" else None
    if kind in ("new", "earlier") or (marked or 0) < identity.SCHEMA_VERSION:
        from perfkit._version import __version__

        identity.mark(con, __version__)
    if upgrading:
        log.warning("the store %s was made by an earlier perfkit: its tables were brought up to date (every row kept)", path)
