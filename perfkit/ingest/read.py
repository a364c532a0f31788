"""Read a CSV or XLSX file in perfkit's canonical layout into a frame of text cells.

Nothing is interpreted here except the file's shape: encoding, delimiter, header row and
column names. Every cell stays text; :mod:`perfkit.ingest.validate` reads the values.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from perfkit.errors import IngestError
from perfkit.ingest import csv_stream, xlsx
from perfkit.ingest.bounds import fail as _fail
from perfkit.ingest.csv_stream import HEADER_SCAN as _HEADER_SCAN
from perfkit.ingest.csv_stream import HeaderRule
from perfkit.ingest.xlsx import excel_text

__all__ = ["REQUIRED", "OPTIONAL", "PUBLISHED", "excel_text", "read_canonical", "read_raw", "read_table", "stage_frame", "stage_table",
           "unstage"]

REQUIRED = ["indicator", "area_code", "area_name", "period"]
OPTIONAL = ["value", "numerator", "denominator", "status", "note", "headline", "commentary", "actions"]
PUBLISHED = ["ci_lower", "ci_upper", "compared"]  # optional too: a published 95% CI, the publisher's judgement against England
KNOWN = REQUIRED + OPTIONAL + PUBLISHED


def _column_name(raw: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(raw if raw is not None else "").strip().lower())


def _visible(name: str) -> str:
    """``name`` with each invisible character (format, control or unusual space) as <U+XXXX>."""
    import unicodedata

    return "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cf", "Cc", "Zs", "Zl", "Zp") and c != " " else c for c in name)


def _check_header(path: Path, raw: list[str], rows: list[list[str]]) -> list[str]:
    """Column names of the raw header row; refuse one that is not perfkit's layout."""
    header = [_column_name(c) for c in raw]
    while header and header[-1] == "" and not any(len(r) >= len(header) and r[len(header) - 1] for r in rows):
        header.pop()
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        sep = next(s for s in ";\t|" if s in header[0])
        shown = {";": "semicolon", "\t": "tab", "|": "pipe"}[sep]
        raise _fail(path, f"row 1: columns are separated by {shown}s ({header[0][:60]!r}); save the file as CSV with commas")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        for offset, row in enumerate(rows[:_HEADER_SCAN], start=2):
            names = [_column_name(c) for c in row]
            if all(c in names for c in REQUIRED):
                title = next((str(c).strip() for c in raw if str(c).strip()), "")
                raise _fail(
                    path,
                    f"row 1: the header is on row {offset}, below {offset - 1} title row(s) "
                    f"(row 1 says {title!r}); delete the rows above the header so it is row 1",
                )
        hidden = " Some names hold invisible characters, shown as <U+...>: delete them (a second byte-order mark, U+FEFF, " \
                 "comes from saving as UTF-8 twice)" if any(_visible(h) != h for h in header) else ""
        raise _fail(
            path,
            f"row 1: missing column(s) {', '.join(missing)}; found {', '.join(_visible(h) or '(blank)' for h in header)}. "
            f"The canonical layout has {', '.join(REQUIRED)} and value or numerator/denominator (see README).{hidden}",
        )
    unknown = [h for h in header if h not in KNOWN]
    if unknown:
        raise _fail(
            path,
            f"row 1: unknown column(s) {', '.join(repr(u) for u in unknown)}; perfkit reads "
            f"{', '.join(KNOWN)}: rename or delete the others",
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise _fail(path, f"row 1: column(s) {', '.join(dupes)} appear more than once; keep one of each")
    if "value" not in header and "numerator" not in header:
        raise _fail(path, "row 1: there is neither a value nor a numerator column; add one (see README)")
    return header


def _plain_header(path: Path, raw: list[str], rows: list[list[str]]) -> list[str]:
    """Any header: names normalised; blank or repeated names numbered so each is unique."""
    names: list[str] = []
    for number, cell in enumerate(raw, start=1):
        name = _column_name(cell) or f"column_{number}"
        names.append(name if name not in names else f"{name}_{number}")
    return names


def _read_csv(path: Path, header_rule: HeaderRule) -> tuple[list[str], pd.DataFrame]:
    csv_stream.scan(path)
    header, chunks = csv_stream.rows(path, header_rule)
    frames = [pd.DataFrame(chunk, columns=["row", *header]) for chunk in chunks]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["row", *header])
    return header, frame.astype({c: str for c in header}).astype({"row": "int64"})


def _without_blank_lines(frame: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    """Drop lines whose cells are all empty or white space (``,,,`` and ``   `` alike)."""
    return frame[frame[header].apply(lambda c: c.str.strip().ne("")).any(axis=1)].reset_index(drop=True)


def _canonical(rows: list[list[str]]) -> bool:
    """Whether a sheet's first rows hold a header in the canonical layout."""
    return any(all(c in [_column_name(x) for x in row] for c in REQUIRED) for row in rows)


def _read_xlsx(path: Path, header_rule: HeaderRule) -> tuple[list[str], pd.DataFrame, tuple[str, ...]]:
    try:
        import openpyxl  # noqa: F401
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise _fail(path, "reading .xlsx needs openpyxl: pip install openpyxl") from None
    name, rows, notes = xlsx.read_sheet(path, _canonical)
    if not any(c.strip() for r in rows for c in r):
        raise _fail(path, f"the sheet '{name}' is empty; it needs a header row and at least one data row" if name else
                    "the first sheet is empty; it needs a header row and at least one data row")
    header = header_rule(path, rows[0], rows[1:])
    body = [(r + [""] * len(header))[: len(header)] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=header, dtype=str)
    frame.insert(0, "row", range(2, len(frame) + 2))
    return header, _without_blank_lines(frame, header), notes


def _read(path: Path, header_rule: HeaderRule) -> tuple[list[str], pd.DataFrame, tuple[str, ...]]:
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    suffix = path.suffix.lower()
    notes: tuple[str, ...] = ()
    if suffix in (".csv", ".txt"):
        header, frame = _read_csv(path, header_rule)
    elif suffix in (".xlsx", ".xlsm"):
        header, frame, notes = _read_xlsx(path, header_rule)
    else:
        raise _fail(path, f"files of type {suffix or '(none)'} are not read; use .csv (UTF-8) or .xlsx")
    if frame.empty:
        raise _fail(path, "the file has a header but no data rows")
    return header, frame, notes


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a canonical CSV or XLSX file.

    Returns a frame of text cells with every canonical column (absent optional ones
    blank) and ``row``, the spreadsheet row number of each line (the header is row 1).
    """
    return read_canonical(path)[0]


def read_canonical(path: str | Path) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """:func:`read_table`'s frame, and notes on how the file was read (which sheet of a workbook)."""
    header, frame, notes = _read(Path(path), _check_header)
    for column in OPTIONAL + PUBLISHED:
        if column not in header:
            frame[column] = ""
    return frame[["row", *KNOWN]], notes


def read_raw(path: str | Path) -> pd.DataFrame:
    """Read any CSV or XLSX file as text cells, with normalised column names and ``row``."""
    return _read(Path(path), _plain_header)[1]


def _fast_header(path: Path) -> list[str] | None:
    """The checked header of a CSV file DuckDB can read as :func:`read_table` would, or None."""
    return csv_stream.header(path, _check_header) if csv_stream.scan(path).plain else None


def stage_table(con: duckdb.DuckDBPyConnection, path: str | Path, table: str) -> tuple[str, ...]:
    """Put a canonical file's text cells into the temporary view ``table`` of ``con``; return
    notes on how it was read (which sheet of a workbook).

    The view has ``row`` and every canonical column, as :func:`read_table` returns them;
    :func:`unstage` drops it.
    A plain CSV file (:func:`perfkit.ingest.csv_stream.scan`) is read by DuckDB itself (in
    parallel, without Python objects, within DuckDB's memory limit); any other CSV file, and any
    DuckDB refuses, is streamed in chunks by :mod:`perfkit.ingest.csv_stream`, whose checks name
    the problem; a workbook goes through :func:`read_canonical`.
    """
    path = Path(path)
    is_csv = path.suffix.lower() in (".csv", ".txt") and path.is_file()
    header = _fast_header(path) if is_csv else None
    if header is not None:
        # An extra column catches lines with too many fields (DuckDB would drop trailing
        # empty ones); padding with NULL while empty cells read as '' catches short lines.
        columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in [*header, "_extra"]) + "}"
        cells = ", ".join(c if c in header else f"'' AS {c}" for c in KNOWN)
        ragged = " OR ".join(f"{c} IS NULL" for c in header) + " OR _extra IS NOT NULL"
        try:
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE {table}_file AS SELECT * FROM read_csv(?, delim = ',', quote = '"',
                    escape = '"', header = true, auto_detect = false, columns = {columns}, strict_mode = true,
                    null_padding = true, nullstr = '\x01', encoding = 'utf-8')""",
                [str(path)],
            )
            fits = not con.execute(f"SELECT count(*) FROM {table}_file WHERE {ragged}").fetchall()[0][0]
        except duckdb.Error:
            fits = False  # e.g. a quoted line break, which DuckDB's parallel reader refuses with padding
        if fits:  # rowid is the line's place in the file: no second copy of the rows
            con.execute(
                # a row is blank when all its cells are white space; one whose first character is
                # above a space is not, which spares almost every row the regular expression
                f"""CREATE OR REPLACE TEMP VIEW {table} AS SELECT rowid + 2 AS row, {cells} FROM {table}_file
                    WHERE ascii({header[0]}) > 32 OR NOT regexp_full_match(concat({", ".join(header)}), '\\s*')"""
            )
            if con.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchall()[0][0]:
                return ()
            con.execute(f"DROP VIEW {table}")
        con.execute(f"DROP TABLE IF EXISTS {table}_file")
    if is_csv:
        _stage_stream(con, path, table)
        return ()
    frame, notes = read_canonical(path)
    stage_frame(con, frame, table)
    return notes


def _stage_stream(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
    """Stage a CSV file a chunk of rows at a time (memory bounded by the chunk, not the file)."""
    csv_stream.scan(path)
    header, chunks = csv_stream.rows(path, _check_header)
    _new_table(con, table)
    for chunk in chunks:
        _append(con, pd.DataFrame(chunk, columns=["row", *header]), table)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {table}_file")
    if not con.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchall()[0][0]:
        unstage(con, table)
        raise _fail(path, "the file has a header but no data rows")


def stage_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, table: str) -> None:
    """Put a frame of text cells (``row`` and the canonical columns; absent optional ones blank) into the view ``table``."""
    _new_table(con, table)
    _append(con, frame, table)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {table}_file")


def _new_table(con: duckdb.DuckDBPyConnection, table: str) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_file (row BIGINT, {', '.join(f'{c} VARCHAR' for c in KNOWN)})")


def _append(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, table: str) -> None:
    """Add a frame of text cells (``row`` and canonical columns; absent optional ones blank) to ``table``'s staged rows."""
    frame = frame.assign(**{c: "" for c in KNOWN if c not in frame})
    con.register(f"{table}_df", frame)
    try:
        con.execute(f"INSERT INTO {table}_file SELECT row::BIGINT, {', '.join(KNOWN)} FROM {table}_df")
    finally:
        con.unregister(f"{table}_df")


def unstage(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Drop what :func:`stage_table` made."""
    con.execute(f"DROP VIEW IF EXISTS {table}")
    con.execute(f"DROP TABLE IF EXISTS {table}_file")
