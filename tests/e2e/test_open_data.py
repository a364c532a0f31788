"""Open data as the paper shows it (issue 24, finding 6): every open-data CSV of a built demo
quarter read back against its paper's scorecard, figure for figure.

Real parts: the demo store, a real build through the CLI of every directorate's public paper
with ``--format html,csv``, the HTML scorecard's table cells parsed as a reader sees them, and
the CSV opened by LibreOffice (headless) as a spreadsheet user would.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
import yaml
from bs4 import BeautifulSoup

from perfkit.contract import RAG_WORDS

from ..helpers import PARAMS, run_cli

pytestmark = pytest.mark.slow

Q = "2025/26 Q4"  # the demo's latest quarter: a withheld figure, a figure shown with extra decimals beside its target
HOSTILE = "=HYPERLINK(\"http://x\") households in temporary accommodation"
#: A figure as a paper writes it: '97.97%', '£26.67', '-£1.20', '534.4 per 100,000', '26.8 days', '1,235'.
FIGURE = re.compile(r"^(-?)£?([\d,]+(?:\.\d+)?)")
COUNTS = re.compile(r"\(([\d,.]+) (?:of|[a-z]+ over) ([\d,.]+)[;)]")
RANK = re.compile(r"^(joint )?(\d+)(?:st|nd|rd|th) of (\d+)\b")
POSITION = re.compile(r"^(?:joint )?(?:\d+(?:st|nd|rd|th) )?(?:highest|lowest) of (\d+)\b")
DIRECTION = re.compile(r"(Improved|No significant change|Worsened|Up|Down|Withheld|Not comparable) on (\d{4}[/-]\d{2}(?: Q\d)?)")
RAG_BY_WORD = {word: rag for rag, (_, word, _) in RAG_WORDS.items()}


@pytest.fixture(scope="module")
def quarter(tmp_path_factory, demo_store_master):
    """The demo's quarter built as a council publishes it: every directorate paper public, with its open data."""
    root = tmp_path_factory.mktemp("open-data")
    shutil.copytree(PARAMS, root / "params")
    (root / "data").mkdir()
    shutil.copy(demo_store_master, root / "data" / "perfkit.duckdb")
    path = root / "params" / "indicators" / "housing.yaml"
    data = yaml.safe_load(path.read_text())
    next(e for e in data["indicators"] if e["code"] == "HSG_TA")["title"] = HOSTILE
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    run_cli(root, "build", "--period", Q, "--format", "html,csv")
    return root / "outputs" / "2025-26-q4"


def number(text: str) -> str:
    return text.replace(",", "")


def scorecard(html: str) -> dict[str, dict[str, str]]:
    """Each indicator's scorecard cells as the paper shows them, by column header."""
    table = BeautifulSoup(html, "html.parser").select_one("table.scorecard")
    heads = [c.get_text(" ", strip=True) for c in table.select("tr")[0].find_all(["th", "td"])]
    rows = {}
    for tr in table.select("tr.figures"):
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        rows[tr["data-key"]] = dict(zip(heads, cells, strict=True))
    return rows


def papers(quarter):
    found = sorted(quarter.glob("*/directorate_report.csv"))
    assert len(found) == 4, found  # every directorate's public paper has its open data
    for path in found:
        table = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        yield path, table, scorecard((path.parent / "directorate_report.html").read_text())


def test_every_open_data_figure_is_the_figure_its_paper_shows(quarter):
    seen = {"withheld": 0, "extra decimals": 0, "counts": 0, "ranks": 0}
    for path, table, paper in papers(quarter):
        assert sorted(r["indicator"] for r in table) == sorted(paper), path  # the same indicators
        for row in table:
            shown, where = paper[row["indicator"]], f"{path.parent.name} {row['indicator']}"
            assert shown["Indicator"].split("] ", 1)[1].startswith(row["period"]), where
            value = shown["Value"]
            if value.startswith("Withheld"):  # what the paper shows of a withheld figure, and nothing more
                seen["withheld"] += 1
                assert row["status"] == "suppressed" and (row["value"], row["numerator"], row["denominator"]) == ("", "", ""), where
                assert row["status_reason"].startswith(value.removeprefix("Withheld: ")), where
            elif value.startswith("–"):
                assert row["value"] == "" and row["status"] == "missing", where
            else:
                sign, figure = FIGURE.match(value).groups()
                assert row["value"] == sign + number(figure), f"{where}: the paper shows {value!r}, the open data {row['value']!r}"
                seen["extra decimals"] += len(figure.split(".")[-1]) > 1 and row["unit"] == "%"
                words = value[len(sign + figure):]
                if "(provisional" in words:
                    assert row["status"] == "provisional", where
                counts = COUNTS.search(words)
                if counts:  # the counts the paper shows beside a small base are the open data's
                    seen["counts"] += 1
                    assert (row["numerator"], row["denominator"]) == tuple(map(number, counts.groups())), where
            target = shown["Target"]
            if target.startswith("No target"):
                assert row["target"] == "", where
            else:
                sign, figure = FIGURE.match(target).groups()
                assert row["target"] == sign + number(figure), f"{where}: target {target!r} against {row['target']!r}"
            word = shown["RAG (period)"].split(" ", 1)[1]
            assert row["rag"] == RAG_BY_WORD[word], where
            moved = dict((on, said) for said, on in DIRECTION.findall(shown["Direction of travel"]))
            assert moved[row["previous_period"]].lower() == row["direction"], where
            place = shown["Comparators"]
            if rank := RANK.match(place):
                seen["ranks"] += 1
                joint, at, of = rank.groups()
                assert (row["rank"], row["rank_of"]) == (at, of) and (int(row["rank_tied"]) > 1) == bool(joint), where
                assert place.endswith(", " + row["rank_period"]), where
            elif position := POSITION.match(place):  # a neutral indicator: a position, never a rank
                assert (row["rank"], row["rank_tied"], row["rank_of"]) == ("", "", position.group(1)), where
            else:
                assert (row["rank"], row["rank_of"]) == ("", ""), where
    assert all(seen.values()), seen  # the quarter has each kind of figure this test reads


def test_no_open_data_figure_carries_float_noise_or_a_hidden_value(quarter):
    for path, table, _paper in papers(quarter):
        text = path.read_text(encoding="utf-8-sig")
        assert not re.search(r"\d\.\d{5,}", text), path  # 26.753731343283583 is nowhere
        for row in table:
            for column in ("value", "target"):
                assert re.fullmatch(r"(-?\d+(\.\d{1,4})?)?", row[column]), (path, row["indicator"], column, row[column])
            for column in ("numerator", "denominator", "rank", "rank_tied", "rank_of"):
                assert re.fullmatch(r"(\d+(\.\d+)?)?", row[column]), (path, row["indicator"], column, row[column])


def test_a_spreadsheet_opens_the_open_data_with_figures_as_numbers_and_no_formula(quarter, tmp_path):
    """LibreOffice (headless) opens the CSV as a council's reader would; saved as XLSX, every
    figure is a number equal to the CSV's text and the hostile title is text, never a formula."""
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert soffice, "LibreOffice is needed (.ci/run installs Debian's libreoffice-calc-nogui)"
    source = quarter / "housing" / "directorate_report.csv"
    proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--infilter=CSV:44,34,76,1",
                           "--convert-to", "xlsx", "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    sheet = openpyxl.load_workbook(tmp_path / "directorate_report.xlsx").active
    cells = list(sheet.iter_rows(values_only=False))
    heads = [c.value for c in cells[0]]
    table = list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    assert not any(c.data_type == "f" for row in cells for c in row)  # nothing runs
    for written, row in zip(table, cells[1:], strict=True):
        got = dict(zip(heads, row, strict=True))
        for column in ("value", "numerator", "denominator", "target", "rank", "rank_of"):
            if written[column]:
                cell = got[column]
                assert cell.data_type == "n", (written["indicator"], column, cell.value)
                assert Decimal(str(cell.value)) == Decimal(written[column]), (written["indicator"], column, cell.value)
    titles = [got.value for got in (dict(zip(heads, row, strict=True))["title"] for row in cells[1:])]
    assert any(isinstance(t, str) and t.endswith(HOSTILE) and not t.startswith("=") for t in titles), titles
