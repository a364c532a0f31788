"""Hostile inputs of issue 26, made at test time (never committed: some are hundreds of MB).

Each ``make_*`` function writes one file into ``folder`` and returns its path;
:data:`SMALL` lists those quick to make (for the fast tests), :func:`huge_cell` and
:func:`no_newline` write ``size`` bytes a block at a time (the slow tests use 300 MB).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl

HEADER = "indicator,area_code,area_name,period,value,commentary\n"
ROW = "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,503,{}\n"
_BLOCK = 1 << 20


def utf16(folder: Path) -> Path:
    """Saved by Excel as 'Unicode Text' (UTF-16 with a byte-order mark)."""
    path = folder / "utf16.csv"
    path.write_bytes((HEADER + ROW.format("fine")).encode("utf-16"))
    return path


def utf16_without_bom(folder: Path) -> Path:
    path = folder / "utf16_no_bom.csv"
    path.write_bytes((HEADER + ROW.format("fine")).encode("utf-16-le"))
    return path


def bare_cr_in_cell(folder: Path) -> Path:
    """A carriage return alone inside an unquoted area name (pasted from a web page)."""
    path = folder / "bare_cr.csv"
    path.write_bytes((HEADER + "HSG_TA,ZZ0000001,Kestrel\rVale,2025/26 Q2,503,fine\n").encode())
    return path


def bare_cr_in_quoted_cell(folder: Path) -> Path:
    path = folder / "bare_cr_quoted.csv"
    path.write_bytes((HEADER + 'HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,503,"up\ron last year"\n').encode())
    return path


def mac_line_ends(folder: Path) -> Path:
    """Every line ends with a CR alone (classic Mac OS 'CSV (Macintosh)')."""
    path = folder / "mac.csv"
    path.write_bytes((HEADER + ROW.format("fine")).replace("\n", "\r").encode())
    return path


def beyond_field_limit(folder: Path) -> Path:
    """A quoted cell of 200,000 characters over two lines: beyond Python's csv field limit (131,072)."""
    path = folder / "field_limit.csv"
    path.write_text(HEADER + ROW.format('"' + "a" * 100_000 + "\n" + "b" * 100_000 + '"'), encoding="utf-8")
    return path


def lookalike_code(folder: Path) -> Path:
    """A code whose A is the Cyrillic capital А (U+0410), as pasted from a Russian keyboard layout."""
    path = folder / "lookalike.csv"
    path.write_text(HEADER + ROW.format("fine").replace("HSG_TA", "HSG_T\u0410"), encoding="utf-8")
    return path


def huge_cell(folder: Path, size: int = 300 * 2**20) -> Path:
    """One commentary cell of ``size`` characters, on a line of its own (quoted, no line break)."""
    path = folder / "huge_cell.csv"
    with path.open("wb") as out:
        out.write((HEADER + 'HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,503,"').encode())
        for _ in range(size // _BLOCK):
            out.write(b"x" * _BLOCK)
        out.write(b'"\n')
    return path


def no_newline(folder: Path, size: int = 300 * 2**20) -> Path:
    """``size`` bytes of commas and text with no line break at all (no header either)."""
    path = folder / "no_newline.csv"
    with path.open("wb") as out:
        for _ in range(size // _BLOCK):
            out.write(b"abcdefg," * (_BLOCK // 8))
    return path


def hidden_first_sheet(folder: Path, state: str = "hidden") -> Path:
    """The first sheet (hidden) says 111; the second, visible and active, says 777."""
    path = folder / f"{state}_first_sheet.xlsx"
    book = openpyxl.Workbook()
    old = book.active
    old.title = "Old figures"
    new = book.create_sheet("Figures")
    for sheet, value in ((old, 111), (new, 777)):
        sheet.append(HEADER.strip().split(","))
        sheet.append(["HSG_TA", "ZZ0000001", "Kestrel Vale", "2025/26 Q2", value, "fine"])
    old.sheet_state = state
    book.active = 1
    book.save(path)
    return path


def add_sheet(workbook: Path, out: Path, name: str, state: str, rows: int, column: str = "C") -> Path:
    """``workbook`` with one more sheet, ``state`` (hidden, veryHidden), of ``rows`` rows of three
    cells (the third in ``column``), written straight into the zip as a hand-edited workbook would be."""
    with zipfile.ZipFile(workbook) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
        number = 1 + max(int(n) for n in re.findall(r"xl/worksheets/sheet(\d+)\.xml", " ".join(parts)))
        part = f"worksheets/sheet{number}.xml"
        rid = f"rIdHostile{number}"
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
            b"</sheets>", f'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="{name}" '
                          f'sheetId="{number + 100}" state="{state}" r:id="{rid}"/></sheets>'.encode())
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                                 f'relationships/worksheet" Target="{part}"/></Relationships>'.encode())
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/xl/{part}" ContentType="application/vnd.openxmlformats-officedocument.'
                         'spreadsheetml.worksheet+xml"/></Types>'.encode())
        for filename, data in parts.items():
            dst.writestr(filename, data)
        with dst.open(f"xl/{part}", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>')
            for row in range(1, rows + 1):
                sheet.write(f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>HSG_TA</t></is></c><c r="B{row}" t="inlineStr">'
                            f'<is><t>ZZ0000001</t></is></c><c r="{column}{row}"><v>{row}</v></c></row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
    return out


SMALL = [utf16, utf16_without_bom, bare_cr_in_cell, bare_cr_in_quoted_cell, mac_line_ends, beyond_field_limit, lookalike_code,
         hidden_first_sheet]
