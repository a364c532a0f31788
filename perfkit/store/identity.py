"""Whether a file is a perfkit store: checked before any statement that could change it.

A store made by this perfkit holds a marker table, ``perfkit_store``, with its schema version.
A store made by an earlier perfkit (before the marker) is recognised by its tables and columns:
every table is one perfkit makes, ``batches`` and ``observations`` among them, and every column is
one perfkit gave that table. Anything else (another program's DuckDB file, a SQLite file, a
spreadsheet renamed) is refused untouched: it is opened read-only, or not opened at all, and
DuckDB never installs or loads an extension for it (a SQLite file would otherwise make DuckDB
fetch its SQLite scanner and write through it).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from perfkit.errors import StoreError

__all__ = ["CONFIG", "SCHEMA_VERSION", "MARKER", "kind_of", "mark", "marked_version", "refuse_foreign_file"]

#: The store's schema version, written in ``perfkit_store`` when a store is made or brought up to date.
#: A store marked with it is taken as up to date without looking at its tables: whoever changes a
#: table or column (perfkit/store/schema.py, actions.py, queries.py) raises it, so stores are brought up to date.
SCHEMA_VERSION = 3
MARKER = """
CREATE TABLE IF NOT EXISTS perfkit_store (
    schema_version INTEGER NOT NULL,
    made_by VARCHAR NOT NULL,   -- the perfkit version that made the store or last brought it up to date
    marked_at TIMESTAMP NOT NULL
);"""
#: Every connection perfkit opens: no extension installed or loaded behind the user's back.
CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

# The tables and columns an earlier perfkit made (before the marker): a store is recognised only
# when each of its tables is one of these and each column is one perfkit gave that table.
_ROW = {"indicator", "area_code", "period_type", "period_start", "period", "area_name", "value", "numerator", "denominator", "status",
        "status_reason", "headline", "commentary", "actions", "quality", "ci_lower", "ci_upper", "compared", "batch_id"}
_EARLIER = {
    "batches": {"batch_id", "file_name", "sha256", "source", "imported_at", "added", "revised", "unchanged", "rejected", "perfkit_version",
                "released"},
    "observations": _ROW,
    "revisions": _ROW | {"new_value", "new_status", "revised_by_batch", "revised_at"},
    "area_attributes": {"area_code", "key", "value", "batch_id"},
    "publications": None,  # their columns grew with publication kinds and clearance: any column, as long as the rest is perfkit's
    "publication_files": None,
    "clearances": None,
    "actions": None,
    "observations_widened": None,
    "revisions_widened": None,
}
_CORE = {"indicator", "area_code", "period_type", "period_start", "value", "status", "batch_id"}

_SQLITE = b"SQLite format 3\x00"


def refuse_foreign_file(path: Path) -> None:
    """Refuse, before DuckDB opens it, a file that is not a DuckDB database at all."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise StoreError(f"cannot read the store {path}: {exc.strerror or exc}") from None
    if head.startswith(_SQLITE):
        raise StoreError(f"{path} is a SQLite database, not a perfkit store; perfkit leaves it untouched. Choose the project's store "
                         "(--store, or none for the project's own data/perfkit.duckdb) or a new file name")
    if len(head) < 12 or head[8:12] != b"DUCK":
        what = "an empty file" if not head else "not a DuckDB database"
        raise StoreError(f"{path} is {what}, so not a perfkit store; perfkit leaves it untouched. Choose the project's store "
                         "(--store, or none for the project's own data/perfkit.duckdb) or a new file name")


def kind_of(con: duckdb.DuckDBPyConnection) -> str:
    """``"perfkit"`` (marked), ``"earlier"`` (made by an earlier perfkit), ``"new"`` (no tables) or ``"foreign"``."""
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main' "
                       "AND table_catalog = current_database()").fetchall()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    if not tables:
        return "new"
    if "perfkit_store" in tables:
        return "perfkit"
    known = all(t in _EARLIER and (_EARLIER[t] is None or cols <= _EARLIER[t]) for t, cols in tables.items())
    return "earlier" if known and "batches" in tables and _CORE <= tables.get("observations", set()) else "foreign"


def foreign_error(path: Path, con: duckdb.DuckDBPyConnection) -> StoreError:
    names = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                                        "AND table_catalog = current_database()").fetchall()}
    strange = sorted(names - set(_EARLIER)) or sorted(names)  # tables perfkit never makes, else perfkit's names with other columns
    shown = ", ".join(strange[:6]) + (f" and {len(strange) - 6} more" if len(strange) > 6 else "")
    return StoreError(f"{path} is a DuckDB database that perfkit did not make (it holds {shown}, which perfkit's stores do not), "
                      "so not a perfkit store; perfkit leaves it untouched. Choose the project's store (--store, or none for the "
                      "project's own data/perfkit.duckdb) or a new file name")


def marked_version(path: Path, con: duckdb.DuckDBPyConnection) -> int | None:
    """The marked store's schema version (None: no marker); a store from a newer perfkit is refused."""
    try:
        version, made_by = con.execute("SELECT max(schema_version), arg_max(made_by, marked_at) FROM perfkit_store").fetchall()[0]
    except duckdb.CatalogException:
        return None
    if (version or 0) > SCHEMA_VERSION:
        raise StoreError(f"the store {path} was made by a newer perfkit ({made_by}, schema {version}; this is schema {SCHEMA_VERSION}): "
                         "upgrade perfkit (pip install -U perfkit) to read it")
    return version or 0


def mark(con: duckdb.DuckDBPyConnection, version: str) -> None:
    """Write the marker (within the caller's transaction)."""
    con.execute(MARKER)
    con.execute("INSERT INTO perfkit_store VALUES (?, ?, current_timestamp::TIMESTAMP)", [SCHEMA_VERSION, version])
