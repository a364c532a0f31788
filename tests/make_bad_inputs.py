"""Write the malformed files of the hostile test (issue 14) into ``tests/bad_inputs/``.

The XLSX ones are built with openpyxl, then edited as zip files, as a damaged or
hand-made workbook would be. ``python -m tests.make_bad_inputs`` writes them again;
``tests/unit/test_ingest.py`` holds the message each must give.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl

HEADER = ["indicator", "area_code", "area_name", "period", "value", "commentary"]
ROW = ["HSG_TA", "ZZ0000001", "Kestrel Vale", "2025/26 Q2", 503, "placeholder"]
CSV_HEADER = ",".join(HEADER[:5]) + "\n"


def _workbook(path: Path, edit) -> Path:  # noqa: ANN001 - edit(part name, bytes) -> bytes
    """A canonical one-row workbook, each part of it passed through ``edit``."""
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(ROW)
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, edit(item.filename, src.read(item.filename)), zipfile.ZIP_DEFLATED)
    plain.unlink()
    return path


def _cell(data: bytes, ref: str, xml: str) -> bytes:
    """Replace the cell ``ref`` of the sheet's XML with ``xml``."""
    data, found = re.subn(rf'<c r="{ref}"[^>]*>.*?</c>'.encode(), xml.encode(), data, count=1)
    assert found == 1, ref
    return data


def _sheet(change):  # noqa: ANN001, ANN202 - an edit of the first sheet only
    return lambda name, data: change(data) if name == "xl/worksheets/sheet1.xml" else data


def _shared_string(text: str):  # noqa: ANN202
    """An edit that moves the commentary into a shared strings part holding ``text``."""

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return _cell(data, "F2", '<c r="F2" t="s"><v>0</v></c>')
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
                                b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        return data

    def write(path: Path) -> Path:
        _workbook(path, edit)
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
            xml = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   f'count="1" uniqueCount="1"><si><t>{text}</t></si></sst>')
            book.writestr("xl/sharedStrings.xml", xml, zipfile.ZIP_DEFLATED)
        return path

    return write


FILES = {
    # 7: one cell far to the right made openpyxl build 16,384 cells for every row
    "xlsx_cell_in_column_xfd.xlsx": lambda p: _workbook(p, _sheet(lambda d: d.replace(
        b"</row></sheetData>", b'<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))),
    # 7: 60 MB of text packed into a few kB, read as an area name
    "xlsx_shared_string_bomb.xlsx": _shared_string("A" * 60_000_000),
    # 7: a cell longer than Excel allows (no spreadsheet program saved this)
    "xlsx_cell_over_excel_limit.xlsx": _shared_string("B" * 40_000),
    # 17: formulas saved without their values (by a program that does not calculate)
    "xlsx_formula_without_value.xlsx": lambda p: _workbook(p, _sheet(lambda d: _cell(d, "E2", '<c r="E2"><f>SUM(500,3)</f><v /></c>'))),
    "xlsx_commentary_formula_without_value.xlsx": lambda p: _workbook(p, _sheet(
        lambda d: _cell(d, "F2", '<c r="F2" t="str"><f>CONCAT("On ","track")</f></c>'))),
    # 10: a cell beyond the csv module's field limit in the first lines
    "csv_huge_cell.csv": lambda p: p.write_text(
        "indicator,area_code,area_name,period,value,commentary\n"
        f'HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,503,"{"word " * 28_000}"\n'),
    # 15: more digits than any figure (stored as inf before)
    "huge_integer.csv": lambda p: p.write_text(CSV_HEADER + "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2," + "9" * 321 + "\n"),
    # 15: a fraction of a count shown without decimals (published as 486 before)
    "fractional_count.csv": lambda p: p.write_text(CSV_HEADER + "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,485.7\n"),
    # 18: saved as UTF-8 twice: the second byte-order mark is part of the first name
    "double_bom.csv": lambda p: p.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + (CSV_HEADER + "HSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,503\n").encode()),
}


def write_all(folder: Path) -> list[Path]:
    for name, write in FILES.items():
        write(folder / name)
    return [folder / name for name in FILES]


if __name__ == "__main__":
    for path in write_all(Path(__file__).parent / "bad_inputs"):
        print(path, path.stat().st_size)
