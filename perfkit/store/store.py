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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import duckdb
import pandas as pd

from perfkit.atomic import note_written
from perfkit.errors import StoreError
from perfkit.periods import Freq, Period
from perfkit.store import identity
from perfkit.store.actions import current_actions, selection, write_actions
from perfkit.store.lock import connect
from perfkit.store.schema import KEY, OBSERVATION_COLUMNS, bring_up_to_date

__all__ = ["BatchResult", "Store", "OBSERVATION_COLUMNS", "KEY"]

_COMPARED = [c for c in OBSERVATION_COLUMNS if c not in KEY]


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
        exists = self.path.exists()
        if read_only and not exists:
            raise StoreError(f"no store at {self.path}: run `perfkit demo` or `perfkit ingest FILE` first")
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a perfkit store: give the store's file (e.g. data/perfkit.duckdb)")
        if exists:  # before DuckDB opens it: a SQLite file or any other is refused untouched
            identity.refuse_foreign_file(self.path)
        if read_only:
            self.con = self._connect(True)
            try:
                kind = self._kind(self.con)
            except BaseException:
                self.con.close()
                raise
            if kind == "new":
                self.con.close()
                raise StoreError(f"{self.path} is an empty DuckDB database with no perfkit data: run `perfkit demo` or `perfkit ingest FILE` first")
            if kind != "current":  # made by an earlier perfkit: bring it up to date once, saying so, then read
                self.con.close()
                try:
                    Store(self.path).close()
                except (StoreError, duckdb.Error) as exc:
                    raise StoreError(f"the store {self.path} was made by an earlier perfkit and needs its tables brought up to date, "
                                     f"which could not be done now ({exc}); run any `perfkit ingest` on it when nothing else has it open") from None
                self.con = self._connect(True)
            return
        kind = "new"
        if exists:  # inspected read-only: another program's database is refused before any statement that could write
            con = self._connect(True)
            try:
                kind = self._kind(con)
            finally:
                con.close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = self._connect(False)
        if kind == "current":
            return
        self.con.execute("BEGIN")
        try:
            bring_up_to_date(self.con, self.path, kind)
            self.con.execute("COMMIT")
            note_written(self.path)
        except BaseException:
            self.con.execute("ROLLBACK")
            self.con.close()
            raise

    def _kind(self, con: duckdb.DuckDBPyConnection) -> str:
        """``"current"`` (marked with this perfkit's schema version: nothing to check or change),
        ``"perfkit"`` (marked by an earlier version), ``"earlier"`` (made before the marker), or
        ``"new"`` (no tables); another program's database, or a newer perfkit's, is refused."""
        version = identity.marked_version(self.path, con)
        if version is not None:
            return "current" if version == identity.SCHEMA_VERSION else "perfkit"
        kind = identity.kind_of(con)
        if kind == "foreign":
            raise identity.foreign_error(self.path, con)
        return kind

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        return connect(self.path, read_only)

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
            note_written(self.path)  # what a command stopped by Ctrl-C after this says it kept
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
