"""The store: one DuckDB file of observations, their revisions and import batches.

Observations are keyed by indicator, area and period (its length and start date). Writing
a batch is one transaction: an identical row is a no-op, a changed row moves its old
version to ``revisions`` and the new version wins, and the batch is recorded with its
counts. A failure or crash part-way leaves the store as it was.

The key is kept unique by the writing, not by a PRIMARY KEY index: a batch's keys are
unique (validation refuses repeats), changed rows are updated in place and only keys not
yet stored are inserted. An index on four columns made a 10-million-row import five
times slower and the file four times larger, and reports read by filters DuckDB's zone
maps already serve. (Stores made before this keep their index; the writing is the same.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import duckdb
import pandas as pd

from perfkit.errors import StoreError
from perfkit.periods import Freq, Period
from perfkit.store.actions import (
    ACTIONS_SCHEMA,
    current_actions,
    selection,
    write_actions,
)

__all__ = ["BatchResult", "Store", "OBSERVATION_COLUMNS"]

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
_COMPARED = [c for c in OBSERVATION_COLUMNS if c not in KEY]

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


def _up_to_date(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a store has every table and column this perfkit uses (an earlier perfkit's lacks some)."""
    have = {(t, c) for t, c in con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall()}
    tables = {t for t, _ in have}
    needed = re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", _SCHEMA)
    return (all(t in tables for t in needed) and all((t, c) in have for t in ("observations", "revisions") for c in ADDED_COLUMNS)
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


@dataclass(frozen=True)
class BatchResult:
    """What one import did."""

    batch_id: int
    file_name: str
    added: int
    revised: int
    unchanged: int
    rejected: int
    actions: int = 0  # action rows added or changed (perfkit.store.actions)


class Store:
    """A perfkit DuckDB store.

    Use as a context manager; ``read_only=True`` lets several readers share the file.
    """

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}: run `perfkit demo` or `perfkit ingest FILE` first")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = self._connect(read_only)
        if not read_only:
            self.con.execute("BEGIN")
            try:
                self.con.execute(_SCHEMA)
                for table in ("observations", "revisions"):  # a store made before quality flags, headlines or intervals
                    for column, kind in ADDED_COLUMNS.items():
                        self.con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
                self.con.execute("ALTER TABLE batches ADD COLUMN IF NOT EXISTS released DATE")  # a store made before release dates
                _widen_period_types(self.con, self.path)  # a store made before calendar years, academic years and days
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                self.con.close()
                raise
        elif not _up_to_date(self.con):  # made by an earlier perfkit: bring it up to date once, then read
            self.con.close()
            try:
                Store(self.path).close()
            except (StoreError, duckdb.Error) as exc:
                raise StoreError(f"the store {self.path} was made by an earlier perfkit and needs its tables brought up to date, "
                                 f"which could not be done now ({exc}); run any `perfkit ingest` on it when nothing else has it open") from None
            self.con = self._connect(read_only)

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from None

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # ----- writing ------------------------------------------------------------------
    def write_batches(self, batches: Iterable[tuple[str, dict]]) -> list[BatchResult]:
        """Write several batches in one transaction: all of them, or none.

        Each item is the name of a (temporary) table or view in this connection with
        :data:`OBSERVATION_COLUMNS`, made by :func:`perfkit.ingest.validate.check`, and a dict with
        ``file_name``, ``sha256``, ``source``, ``rejected`` and ``perfkit_version``.
        """
        results = []
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table, meta in batches:
                results.append(self._write_one(table, meta))
            self.con.execute("COMMIT")
        except BaseException as exc:
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # a COMMIT that failed (a full disk) has already ended the transaction
            if isinstance(exc, duckdb.Error):
                raise StoreError(
                    f"writing to the store {self.path} failed ({str(exc).splitlines()[0]}); nothing was imported and the "
                    "store is as it was. Free some disk space (or check the folder) and import again"
                ) from None
            raise
        return results

    def _write_one(self, table: str, meta: dict) -> BatchResult:
        con = self.con
        batch_id = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM batches").fetchall()[0][0]
        now = dt.datetime.now().replace(microsecond=0)
        # a view, not a copy: the checked rows are already a table (see ingest.validate.check)
        con.execute(f"CREATE OR REPLACE TEMP VIEW stage AS SELECT {', '.join(OBSERVATION_COLUMNS)}, {batch_id}::BIGINT AS batch_id FROM {table}")
        stage_rows = con.execute("SELECT count(*) FROM stage").fetchall()[0][0]
        on_key = " AND ".join(f"s.{k} = o.{k}" for k in KEY)
        differs = " OR ".join(f"s.{c} IS DISTINCT FROM o.{c}" for c in _COMPARED)
        added, revised = con.execute(
            f"""SELECT count(*) FILTER (WHERE o.indicator IS NULL),
                       count(*) FILTER (WHERE o.indicator IS NOT NULL AND ({differs}))
                FROM stage s LEFT JOIN observations o ON {on_key}"""
        ).fetchall()[0]
        if revised:  # earlier versions move to revisions; the new values win
            cols = ", ".join(f"o.{c}" for c in OBSERVATION_COLUMNS)
            con.execute(
                f"""INSERT INTO revisions BY NAME
                    SELECT {cols}, o.batch_id, s.value AS new_value, s.status AS new_status, ? AS revised_by_batch, ? AS revised_at
                    FROM stage s JOIN observations o ON {on_key} WHERE {differs}""",
                [batch_id, now],
            )
            updates = ", ".join(f"{c} = s.{c}" for c in [*_COMPARED, "batch_id"])
            con.execute(f"UPDATE observations o SET {updates} FROM stage s WHERE {on_key} AND ({differs})")
        if added == stage_rows:  # all new (a first import): no need to look for stored keys
            con.execute("INSERT INTO observations BY NAME SELECT * FROM stage")
        elif added:
            con.execute(f"INSERT INTO observations BY NAME SELECT s.* FROM stage s ANTI JOIN observations o ON {on_key}")
        con.execute("DROP VIEW stage")
        attributes = meta.get("attributes")
        if attributes is not None and len(attributes):
            con.register("attr_df", attributes[["area_code", "key", "value"]].assign(batch_id=batch_id))
            try:
                con.execute("INSERT INTO area_attributes SELECT * FROM attr_df ON CONFLICT DO NOTHING")
            finally:
                con.unregister("attr_df")
        unchanged = stage_rows - added - revised
        actions = meta.get("actions")
        new_actions, changed_actions, _same = write_actions(con, actions, batch_id) if actions is not None else (0, 0, 0)
        con.execute(
            "INSERT INTO batches (batch_id, file_name, sha256, source, imported_at, added, revised, unchanged, rejected, perfkit_version, released) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                batch_id,
                meta["file_name"],
                meta["sha256"],
                meta.get("source", "canonical"),
                now,
                added,
                revised,
                unchanged,
                meta.get("rejected", 0),
                meta["perfkit_version"],
                meta.get("released"),
            ],
        )
        return BatchResult(batch_id, meta["file_name"], added, revised, unchanged, meta.get("rejected", 0), new_actions + changed_actions)

    # ----- reading ------------------------------------------------------------------
    def observations(
        self,
        indicators: Iterable[str] | None = None,
        areas: Iterable[str] | None = None,
        start: Period | None = None,
        end: Period | None = None,
        released: bool = False,
    ) -> pd.DataFrame:
        """Stored observations, filtered in DuckDB, with ``period`` as :class:`Period` values.

        ``start`` and ``end`` keep observations whose period lies between the start of
        ``start`` and the end of ``end``. ``released``: with ``batch_released``, the release
        date recorded on each row's import batch (NaT where none was), which the latest-available
        rule reads (:mod:`perfkit.assess.latest`).
        """
        where, args = selection(indicators, areas)
        if start is not None:
            where.append("period_start >= ?")
            args.append(start.start)
        if end is not None:
            where.append("period_start <= ?")
            args.append(end.end)
        sql = "SELECT * FROM observations"
        if released:
            sql = "SELECT o.*, b.released AS batch_released FROM observations o LEFT JOIN batches b USING (batch_id)"
        if where:
            sql += " WHERE " + " AND ".join(where)
        frame = self.con.execute(sql + " ORDER BY indicator, area_code, period_start, period_type", args).df()
        return with_periods(frame)

    def revisions(self, indicator: str | None = None) -> pd.DataFrame:
        """Every earlier version of a row, with the batch that replaced it."""
        sql = "SELECT * FROM revisions"
        args = []
        if indicator is not None:
            sql += " WHERE indicator = ?"
            args.append(indicator)
        return with_periods(self.con.execute(sql + " ORDER BY revised_by_batch, indicator, area_code, period_start", args).df())

    def actions(self, indicators: Iterable[str] | None = None, areas: Iterable[str] | None = None) -> pd.DataFrame:
        """The latest version of each stored action row (:mod:`perfkit.store.actions`), with ``period`` as :class:`Period` values."""
        found = current_actions(self.con, None if indicators is None else list(indicators), None if areas is None else list(areas))
        return with_periods(found)

    def area_attributes(self, key: str | None = None) -> pd.DataFrame:
        """Facts about areas kept from published files: other codes, DfE number, region, level."""
        sql, args = "SELECT area_code, key, value FROM area_attributes", []
        if key is not None:
            sql, args = sql + " WHERE key = ?", [key]
        return self.con.execute(sql + " ORDER BY ALL", args).df()

    def batches(self) -> pd.DataFrame:
        """Every import batch, oldest first."""
        return self.con.execute("SELECT * FROM batches ORDER BY batch_id").df()

    def areas(self) -> pd.DataFrame:
        """Area codes with their most recent name."""
        return self.con.execute(
            "SELECT area_code, arg_max(area_name, period_start) AS area_name FROM observations GROUP BY 1 ORDER BY 1"
        ).df()

    def is_empty(self) -> bool:
        return self.con.execute("SELECT count(*) FROM observations").fetchall()[0][0] == 0


def with_periods(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn the stored period columns into one column of :class:`Period` values."""
    if frame.empty:
        frame["period"] = pd.Series(dtype=object)
        return frame
    pairs = frame[["period_type", "period_start"]].drop_duplicates()
    lookup = {
        (t, s): Period.containing(pd.Timestamp(s).date(), Freq(t)) for t, s in pairs.itertuples(index=False)
    }
    frame = frame.copy()
    frame["period"] = [lookup[k] for k in zip(frame["period_type"], frame["period_start"])]
    return frame
