"""Reading a CSV file as a stream, each line bounded before it is read.

:func:`scan` passes over the file's bytes once, in blocks, without building a line: it refuses
an empty file and one saved as UTF-16, and says whether DuckDB may read the file as this module
would (no blank line, no carriage return without a line feed, no NUL byte, no line longer than a
cell may be). :func:`rows` then reads the file a line at a time, each line at most
:data:`~perfkit.ingest.bounds.LINE_MAX` bytes and each cell at most
:data:`~perfkit.ingest.bounds.CELL_MAX` characters, so memory is bounded whatever the file
holds; what breaks a bound, or is not UTF-8, is refused naming the row, the column and the fix.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from perfkit.ingest.bounds import CELL_MAX, LINE_MAX, fail

__all__ = ["HEADER_SCAN", "HeaderRule", "Scan", "header", "rows", "scan"]

#: Rows below the header read with it (a header below title rows is found among them).
HEADER_SCAN = 10
_BLOCK = 1 << 24
_CHUNK = 100_000
_BLANK = b"\xef\xbb\xbf \r\n\t"
_SAVE = "save it as 'CSV UTF-8 (Comma delimited)' (in Excel: File > Save As)"
_SHORTEN = ("shorten it (commentary is read up to 5,000 characters); if the cell should be short, look for a quote mark (\") "
            "left open before it, which runs the cell on into the rows below")
HeaderRule = Callable[[Path, list[str], list[list[str]]], list[str]]


@dataclass(frozen=True)
class Scan:
    """What one pass over the bytes found: ``plain`` when DuckDB reads the file as :func:`rows` does."""

    plain: bool


def _refuse_utf16(path: Path, head: bytes) -> None:
    """A file saved as UTF-16 ("Unicode Text"): a byte-order mark, or a NUL byte beside most characters."""
    wide = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not wide and len(head) >= 8:
        evens, odds = head[0::2].count(0), head[1::2].count(0)
        wide = max(evens, odds) >= len(head) // 4 and min(evens, odds) <= len(head) // 40
    if wide:
        raise fail(path, f"the file is saved as UTF-16 (Excel calls it 'Unicode Text'), which perfkit does not read; {_SAVE}")


def _long_line(block: bytes, since: int, width: int) -> tuple[bool, int]:
    """Whether a line runs over ``width`` bytes (``since`` bytes of it came before ``block``),
    and how many bytes follow the block's last line feed. One look per ``width`` bytes, not per line."""
    first = block.find(b"\n")
    if first < 0:
        return since + len(block) > width, since + len(block)
    if since + first > width:
        return True, 0
    at = first + 1
    while len(block) - at > width:
        last = block.rfind(b"\n", at, at + width + 1)
        if last < 0:
            return True, 0
        at = last + 1
    return False, len(block) - at


def scan(path: Path) -> Scan:
    """Refuse an empty or UTF-16 file; say whether it is plain enough for DuckDB (see :class:`Scan`)."""
    content, plain, since, tail = False, True, 0, b""
    with path.open("rb") as handle:
        block = handle.read(_BLOCK)
        _refuse_utf16(path, block[:4096])
        while block:
            if block.endswith(b"\r"):  # so a CR and its line feed are judged together
                block += handle.read(1)
            content = content or bool(block.strip(_BLANK))
            if plain:
                joined, tail = tail + block, block[-2:]
                long, since = _long_line(block, since, CELL_MAX)
                returns = b"\r" in joined  # searched for a line feed's partner only when there is one (a file from Windows)
                bare = returns and block.count(b"\r") != block.count(b"\r\n")
                plain = not (bare or long or b"\x00" in block or b"\n\n" in joined or returns and b"\n\r\n" in joined)
            elif content:
                break
            block = handle.read(_BLOCK)
    if not content:
        raise fail(path, "the file is empty; it needs a header row and at least one data row")
    return Scan(plain=plain)


@dataclass
class _State:
    """Where the reader is: the number of the row it reads next (the header is row 1), that
    row's lines so far and their bytes, the bytes before them, the header once known."""

    row: int = 1
    lines: list[str] = field(default_factory=list)
    size: int = 0
    offset: int = 0
    done: bool = False
    header: list[str] | None = None

    def column(self, number: int) -> str:
        return self.header[number - 1] if self.header and number <= len(self.header) else str(number)


def _cell_at(text: str) -> tuple[int, int, bool]:
    """The cell in progress at the end of ``text`` (a row's start): its column number, its
    characters so far, and whether a quote is open."""
    column, start, quoted = 1, 0, False
    for at, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            column, start = column + 1, at + 1
    return column, len(text) - start, quoted


def _lines(path: Path, handle, state: _State) -> Iterator[str]:  # noqa: ANN001 - a binary file
    """The file's lines, decoded, each refused before it is read whole when it is too long."""
    while line := handle.readline(LINE_MAX + 1):
        if line.count(b"\r") != line.count(b"\r\n"):
            _refuse_bare_cr(path, state, line)
        state.size += len(line)
        if state.size > LINE_MAX:
            column, length, _ = _cell_at("".join(state.lines) + line.decode("utf-8", "replace"))
            if length > CELL_MAX:
                raise fail(path, f"row {state.row}, column {state.column(column)}: the cell runs on for more than "
                                 f"{CELL_MAX:,} characters, more than a cell may hold (Excel's limit); {_SHORTEN}")
            raise fail(path, f"row {state.row}: the row runs on for more than {LINE_MAX:,} bytes without ending (perfkit "
                             f"reads rows of at most 1 MB); check that the file is a table of figures, and {_SAVE}")
        # a NUL byte is a control character like any other: removed from free text with a note, refused elsewhere (validate)
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            byte = line[exc.start : exc.start + 1]
            hint = " (in Windows-1252/Latin-1 that byte is '£')" if byte == b"\xa3" else ""
            raise fail(path, f"row {state.row}: the file is not UTF-8: byte 0x{byte.hex()} at position "
                             f"{state.offset + exc.start}{hint}; {_SAVE}") from None
        if state.offset == 0 and text.startswith("\ufeff"):
            text = text[1:]
        state.offset += len(line)
        state.lines.append(text)
        yield text
    state.done = True


def _refuse_bare_cr(path: Path, state: _State, line: bytes) -> None:
    """A carriage return without a line feed: every line ends so (a classic Mac file), or one is in a cell."""
    if state.offset == 0 and (line.count(b"\r") > 1 or line.endswith(b"\r")) and b"\n" not in line[:-1]:
        raise fail(path, f"its lines end with a carriage return alone (CR, as classic Mac OS saved them), not a line feed; {_SAVE}")
    text = line.decode("utf-8", "replace")
    at = next(i for i, char in enumerate(text) if char == "\r" and text[i + 1 : i + 2] != "\n")
    before = "".join(state.lines) + text[:at]
    column, _, quoted = _cell_at(before)
    said = "inside the cell" if quoted else f"after {before.rsplit(',', 1)[-1][-30:]!r}, which would end the row there"
    raise fail(path, f"row {state.row}, column {state.column(column)}: a carriage return (CR, character 13) without a line "
                     f"feed {said}; a CR alone is a line break from an old Mac or a web page: delete it (or put a space in "
                     "its place) and save the file again")


def _start(path: Path, handle, header_rule: HeaderRule) -> tuple[_State, Iterator[list[str]], list[list[str]]]:  # noqa: ANN001
    state = _State()
    reader = csv.reader(_lines(path, handle, state))
    first = []
    while len(first) <= HEADER_SCAN and (cells := _record(path, reader, state)) is not None:
        first.append(cells)
        state.header = state.header or [c.strip().lower() or str(n) for n, c in enumerate(cells, start=1)]  # until it is checked
    if not first:
        raise fail(path, "the file is empty; it needs a header row and at least one data row")
    state.header = header_rule(path, first[0], first[1:])
    return state, reader, first


def header(path: Path, header_rule: HeaderRule) -> list[str]:
    """The file's checked header (the first rows are read with it, each bounded)."""
    with path.open("rb") as handle:
        return _start(path, handle, header_rule)[0].header or []


def rows(path: Path, header_rule: HeaderRule) -> tuple[list[str], Iterator[list[list[str]]]]:
    """The checked header, and the rows below it in chunks: each ``[row, cell, ...]`` with as
    many cells as the header (a short row padded with blanks). Blank rows are left out (their
    numbers kept); a row with more cells than the header, or with only empty cells beyond it, is
    refused or trimmed."""
    handle = path.open("rb")
    try:
        state, reader, first = _start(path, handle, header_rule)
    except BaseException:
        handle.close()
        raise
    return state.header or [], _chunks(path, handle, reader, state, first[1:], len(first[0]))


def _record(path: Path, reader, state: _State) -> list[str] | None:  # noqa: ANN001 - a csv reader
    """The next row's cells (row ``state.row``), or None at the end of the file."""
    limit = csv.field_size_limit(CELL_MAX)
    try:
        cells = next(reader, None)
    except csv.Error as exc:
        column, _, _ = _cell_at("".join(state.lines))
        if "field larger" in str(exc):
            raise fail(path, f"row {state.row}, column {state.column(column)}: the cell holds more than {CELL_MAX:,} "
                             f"characters, more than a cell may hold (Excel's limit); {_SHORTEN}") from None
        raise fail(path, f"row {state.row}, column {state.column(column)}: the line cannot be read as CSV; check its "
                         f"quote marks, and {_SAVE}") from None
    finally:
        csv.field_size_limit(limit)
    if cells is not None and state.done:
        column, _, quoted = _cell_at("".join(state.lines))
        if quoted:
            raise fail(path, f"row {state.row}, column {state.column(column)}: a quote mark (\") opens a cell that is never "
                             "closed, so the rest of the file would be read as one cell; close the quote or delete it")
    state.lines.clear()
    state.size = 0
    state.row += cells is not None
    return cells


def _chunks(path: Path, handle, reader, state: _State, first: list[list[str]], raw: int) -> Iterator[list[list[str]]]:  # noqa: ANN001
    """The rows in chunks; ``raw`` is the header row's cells, blank ones beyond the last name included
    (a row may have as many, when those beyond the header are blank)."""
    width = len(state.header or [])
    chunk: list[list[str]] = []
    try:
        row = 1
        pending = iter(first)
        while True:
            row += 1
            cells = next(pending, None)
            if cells is None and (cells := _record(path, reader, state)) is None:
                break
            if len(cells) > width:
                if len(cells) > raw or any(c.strip() for c in cells[width:]):
                    raise fail(path, f"row {row}: has {len(cells)} fields but the header has {width}; check for an unquoted "
                                     "comma (quote text that holds commas)")
                cells = cells[:width]
            if not any(c.strip() for c in cells):
                continue
            chunk.append([row, *cells, *[""] * (width - len(cells))])
            if len(chunk) == _CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
    finally:
        handle.close()
