"""Read a CSV or XLSX file in perfkit's canonical layout into a frame of text cells.

Nothing is interpreted here except the file's shape: encoding, delimiter, header row and
column names. Every cell stays text; :mod:`perfkit.ingest.validate` reads the values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from perfkit.errors import IngestError

__all__ = ["REQUIRED", "OPTIONAL", "PUBLISHED", "read_raw", "read_table", "stage_frame", "stage_table", "unstage"]

REQUIRED = ["indicator", "area_code", "area_name", "period"]
OPTIONAL = ["value", "numerator", "denominator", "status", "note", "headline", "commentary", "actions"]
PUBLISHED = ["ci_lower", "ci_upper", "compared"]  # optional too: a published 95% CI, the publisher's judgement against England
KNOWN = REQUIRED + OPTIONAL + PUBLISHED
_HEADER_SCAN = 10


def _column_name(raw: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(raw if raw is not None else "").strip().lower())


def _fail(path: Path, msg: str) -> IngestError:
    return IngestError(f"{path.name}: {msg}")


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


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1]
        hint = " (in Windows-1252/Latin-1 that byte is '£')" if byte == b"\xa3" else ""
        raise _fail(
            path,
            f"row {line}: the file is not UTF-8: byte 0x{byte.hex()} at position {exc.start}{hint}; "
            "save it as 'CSV UTF-8 (Comma delimited)'",
        ) from None


HeaderRule = Callable[[Path, list[str], list[list[str]]], list[str]]


def _plain_header(path: Path, raw: list[str], rows: list[list[str]]) -> list[str]:
    """Any header: names normalised; blank or repeated names numbered so each is unique."""
    names: list[str] = []
    for number, cell in enumerate(raw, start=1):
        name = _column_name(cell) or f"column_{number}"
        names.append(name if name not in names else f"{name}_{number}")
    return names


def _first_lines(text: str) -> list[list[str]]:
    """The header and the lines below it that may hold a misplaced header, as cells; just
    the header when a cell there is beyond the csv module's limit (the checks then say
    which cell is too long, by row and column)."""
    lines = text.splitlines()[: _HEADER_SCAN + 1]
    try:
        return list(csv.reader(io.StringIO("\n".join(lines))))
    except csv.Error:
        return list(csv.reader(io.StringIO(lines[0]))) if lines else []


def _read_csv(path: Path, header_rule: HeaderRule) -> tuple[list[str], pd.DataFrame]:
    data = path.read_bytes()
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise _fail(path, "the file is empty; it needs a header row and at least one data row")
    text = _decode(path, data)
    first_lines = _first_lines(text)
    header = header_rule(path, first_lines[0], first_lines[1:])
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            header=0,
            names=header,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        found = re.search(r"line (\d+), saw (\d+)", str(exc))
        where = f"row {found[1]}: has {found[2]} fields but the header has {len(header)}" if found else str(exc)
        raise _fail(path, f"{where}; check for an unquoted comma (quote text that holds commas)") from None
    # spreadsheet row numbers (the header is row 1), then drop wholly blank lines
    frame.insert(0, "row", range(2, len(frame) + 2))
    return header, _without_blank_lines(frame, header)


def _without_blank_lines(frame: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    """Drop lines whose cells are all empty or white space (``,,,`` and ``   `` alike)."""
    return frame[frame[header].apply(lambda c: c.str.strip().ne("")).any(axis=1)].reset_index(drop=True)


def excel_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return f"{cell:%Y-%m}" if cell.day == 1 and cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


#: Bounds checked before an XLSX sheet is read (a small file can unpack to gigabytes):
#: columns and rows with values, characters in a cell (Excel's own limit), and how far a
#: part of the file may unpack (beyond 50 MB, at most 100 times its packed size).
XLSX_MAX_COLUMNS = 1_000
XLSX_MAX_ROWS = 500_000
CELL_MAX = 32_767
_PART_MAX, _RATIO_MAX = 50 * 2**20, 100
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*?)(/)?>(?(2)|(.*?)</(?:[A-Za-z_][\w.-]*:)?c>)", re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_FORMULA, _CACHED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f\b"), re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?>[^<]")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_packed_sizes(path: Path) -> None:
    """Refuse a workbook a part of which unpacks far beyond what figures need (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says what is wrong with it
    for part in parts:
        if part.file_size > _PART_MAX and part.file_size > _RATIO_MAX * max(part.compress_size, 1):
            raise _fail(
                path,
                f"its part {part.filename} unpacks to {part.file_size / 2**20:,.0f} MB from {part.compress_size / 2**10:,.0f} kB, "
                "far more than a table of figures needs; open it in Excel, check what it holds, and save it again (or as CSV)",
            )


def _extent(path: Path, source) -> int:  # noqa: ANN001 - a binary file object of the sheet's XML
    """The last column that holds a value; refuse a sheet beyond the column or row bounds,
    or with a formula whose value was never calculated (openpyxl would read it as blank).

    The sheet's XML is scanned, a row at a time, for cells with content (not self-closing,
    so a cell that is only formatted does not count) before openpyxl builds a single row."""
    last_column = last_row = 0
    tail = b""
    while True:
        block = source.read(1 << 20)
        data = tail + block
        cut = data.rfind(b"row>") + 4 if block else len(data)  # whole rows only, until the end
        data, tail = data[:cut], data[cut:]
        for match in _CELL.finditer(data):
            attributes, inner = match.group(1), match.group(3) or b""
            ref = _CELL_REF.search(attributes)
            if ref is None or match.group(2):
                continue
            column, row = _column_number(ref.group(1)), int(ref.group(2))
            where = f"row {row}: cell {ref.group(1).decode()}{row}"
            if column > XLSX_MAX_COLUMNS:
                raise _fail(
                    path,
                    f"{where} holds something {column:,} columns to the right; perfkit reads at most {XLSX_MAX_COLUMNS:,} "
                    f"columns (to {_column_letters(XLSX_MAX_COLUMNS)}): delete what is there (Ctrl+End in Excel goes to the "
                    "last cell) and save again",
                )
            if _FORMULA.search(inner) and not _CACHED.search(inner):
                raise _fail(path, f"{where} holds a formula without a value (the program that saved it did not calculate it); "
                                  "open and save the workbook in Excel, or paste the values over the formulas")
            last_column, last_row = max(last_column, column), max(last_row, row)
        if not block:
            break
    if last_row > XLSX_MAX_ROWS:
        raise _fail(path, f"the sheet has rows to {last_row:,}; perfkit reads at most {XLSX_MAX_ROWS:,} rows from a workbook: "
                          "save it as CSV UTF-8, which perfkit reads in bounded memory")
    return last_column


def _read_xlsx(path: Path, header_rule: HeaderRule) -> tuple[list[str], pd.DataFrame]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise _fail(path, "reading .xlsx needs openpyxl: pip install openpyxl") from None
    check_packed_sizes(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _fail(path, f"cannot open it as an Excel workbook ({exc}); save it again as .xlsx") from None
    try:
        sheet = book.worksheets[0]
        # the sheet's stored <dimension> is a claim by whatever wrote the file, and read-only
        # mode would stop at it: forget it, and read to the last column that holds a value
        sheet.reset_dimensions()
        with sheet._get_source() as source:  # openpyxl's own handle on the sheet's XML
            last_column = _extent(path, source)
        rows = [[excel_text(c) for c in row] for row in sheet.iter_rows(max_col=max(last_column, 1), values_only=True)]
    finally:
        book.close()
    for number, row in enumerate(rows, start=1):
        for column, cell in enumerate(row, start=1):
            if len(cell) > CELL_MAX:
                raise _fail(path, f"row {number}, column {_column_letters(column)}: the cell holds {len(cell):,} characters, more "
                                  f"than Excel allows ({CELL_MAX:,}); the file was not saved by Excel: check it and save it again")
    if not any(c.strip() for r in rows for c in r):
        raise _fail(path, "the first sheet is empty; it needs a header row and at least one data row")
    header = header_rule(path, rows[0], rows[1:])
    body = [(r + [""] * len(header))[: len(header)] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=header, dtype=str)
    frame.insert(0, "row", range(2, len(frame) + 2))
    return header, _without_blank_lines(frame, header)


def _read(path: Path, header_rule: HeaderRule) -> tuple[list[str], pd.DataFrame]:
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        header, frame = _read_csv(path, header_rule)
    elif suffix in (".xlsx", ".xlsm"):
        header, frame = _read_xlsx(path, header_rule)
    else:
        raise _fail(path, f"files of type {suffix or '(none)'} are not read; use .csv (UTF-8) or .xlsx")
    if frame.empty:
        raise _fail(path, "the file has a header but no data rows")
    return header, frame


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a canonical CSV or XLSX file.

    Returns a frame of text cells with every canonical column (absent optional ones
    blank) and ``row``, the spreadsheet row number of each line (the header is row 1).
    """
    header, frame = _read(Path(path), _check_header)
    for column in OPTIONAL + PUBLISHED:
        if column not in header:
            frame[column] = ""
    return frame[["row", *KNOWN]]


def read_raw(path: str | Path) -> pd.DataFrame:
    """Read any CSV or XLSX file as text cells, with normalised column names and ``row``."""
    return _read(Path(path), _plain_header)[1]


_BLOCK = 1 << 24


def _has_blank_line(path: Path) -> bool:
    """Whether a line of the file is empty (DuckDB skips those; pandas keeps their row numbers)."""
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            joined = tail + block
            if b"\n\n" in joined or b"\n\r\n" in joined:
                return True
            tail = block[-2:]
    return False


def _fast_header(path: Path) -> list[str] | None:
    """The checked header of a CSV file DuckDB can read as pandas would, or None."""
    with path.open("rb") as handle:
        start = handle.read(1 << 16)
    lines = start.splitlines()
    if len(lines) < 2 or len(lines) <= _HEADER_SCAN and len(start) == 1 << 16:
        return None
    try:
        text = b"\n".join(lines[: _HEADER_SCAN + 1]).decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    first_lines = _first_lines(text)
    if not first_lines or _has_blank_line(path):
        return None
    return _check_header(path, first_lines[0], first_lines[1:])


def stage_table(con: duckdb.DuckDBPyConnection, path: str | Path, table: str) -> None:
    """Put a canonical file's text cells into the temporary view ``table`` of ``con``.

    The view has ``row`` and every canonical column, as :func:`read_table` returns them;
    :func:`unstage` drops it.
    A well-formed CSV file is read by DuckDB itself (in parallel, without Python objects,
    within DuckDB's memory limit); anything else, and any file DuckDB refuses, goes through
    :func:`read_table`, whose checks name the problem.
    """
    path = Path(path)
    header = _fast_header(path) if path.suffix.lower() in (".csv", ".txt") and path.is_file() else None
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
                f"""CREATE OR REPLACE TEMP VIEW {table} AS SELECT rowid + 2 AS row, {cells} FROM {table}_file
                    WHERE NOT regexp_full_match(concat({", ".join(header)}), '\\s*')"""
            )
            if con.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchall()[0][0]:
                return
            con.execute(f"DROP VIEW {table}")
        con.execute(f"DROP TABLE IF EXISTS {table}_file")
    stage_frame(con, read_table(path), table)


def stage_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, table: str) -> None:
    """Put a frame of text cells (``row`` and the canonical columns; absent optional ones blank) into the view ``table``."""
    frame = frame.assign(**{c: "" for c in KNOWN if c not in frame})
    con.register(f"{table}_df", frame)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_file AS SELECT row::BIGINT AS row, {', '.join(KNOWN)} FROM {table}_df")
    finally:
        con.unregister(f"{table}_df")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {table}_file")


def unstage(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Drop what :func:`stage_table` made."""
    con.execute(f"DROP VIEW IF EXISTS {table}")
    con.execute(f"DROP TABLE IF EXISTS {table}_file")
