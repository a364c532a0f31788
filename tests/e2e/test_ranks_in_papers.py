"""Issue 22, findings 6 and 7, in the built papers: the demo's year-end Adult Social Care and
Children's Services papers read in the HTML, the PDF's text and the Word file.

Every expected rank, median and count is worked out here from the store with the test's own
SQL and decimal rounding, never taken from perfkit's assessment.
"""

from __future__ import annotations

import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
import yaml
from bs4 import BeautifulSoup

from perfkit.config.catalogue import load_catalogue

from ..helpers import HOME, PARAMS, make_project, run_cli

pytestmark = pytest.mark.slow

Q4, SLUG = "2025/26 Q4", "2025-26-q4"
CAT = load_catalogue(PARAMS)
PAPERS = {"ASC": "adult-social-care", "CS": "childrens-services"}


@pytest.fixture(scope="module")
def built(tmp_path_factory, demo_store_master) -> Path:
    project = make_project(tmp_path_factory.mktemp("ranks"), demo_store_master)
    run_cli(project, "build", "--period", Q4, "--report", "directorate_report", "--format", "html,pdf,docx",
            *(a for slug in PAPERS.values() for a in ("--directorate", slug)))
    return project


def texts(project: Path, slug: str) -> dict[str, str]:
    """The paper's words, whitespace flattened: the HTML, the PDF's text and the Word file's."""
    from docx import Document

    folder = project / "outputs" / SLUG / slug
    html = BeautifulSoup((folder / "directorate_report.html").read_text(), "html.parser").get_text(" ")
    pdf = subprocess.run(["pdftotext", str(folder / "directorate_report.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    doc = Document(str(folder / "directorate_report.docx"))
    words = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return {kind: " ".join(text.split()) for kind, text in (("html", html), ("pdf", pdf), ("docx", " ".join(words)))}


def comparator_cell(project: Path, slug: str, code: str) -> str:
    soup = BeautifulSoup((project / "outputs" / SLUG / slug / "directorate_report.html").read_text(), "html.parser")
    row = soup.select_one(f"table.scorecard tr.figures[data-key='{code}']")
    return row.select_one("td[data-label='Comparators']").get_text(" ", strip=True)


def half_up(value: float, decimals: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def nth(rank: int) -> str:
    return f"{rank}{'th' if 10 <= rank % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(rank % 10, 'th')}"


def expected_place(project: Path, code: str) -> str:
    """The comparator sentence for a quarterly indicator ranked at the quarter itself, from the
    store: the figures rounded half-up, ties joint, the median of the shown figures."""
    ind = CAT[code]
    group = yaml.safe_load((project / "params" / "comparators" / f"{ind.comparator_group}.yaml").read_text())
    with duckdb.connect(str(project / "data" / "perfkit.duckdb"), read_only=True) as db:
        found = dict(db.execute("SELECT area_code, value FROM observations WHERE indicator = ? AND period = ? "
                                "AND status IN ('ok', 'provisional') AND value IS NOT NULL", [code, Q4]).fetchall())
    shown = {a: half_up(v, ind.decimals) for a, v in found.items() if a in {HOME, *group["members"]}}
    mine, n = shown[HOME], len(shown)
    higher_first = ind.polarity.value != "lower"
    rank = 1 + sum(1 for v in shown.values() if (v > mine if higher_first else v < mine))
    tied = sum(1 for v in shown.values() if v == mine)
    ordered = sorted(shown.values())
    middle = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    median = middle.quantize(Decimal(1).scaleb(-ind.decimals), ROUND_HALF_UP)
    joint = "joint " if tied > 1 else ""
    if ind.polarity.value == "neutral":
        place = f"{joint}highest" if rank == 1 else f"{joint}lowest" if rank + tied - 1 == n else f"{joint}{nth(rank)} highest"
        return f"{place} of {n} (median {median}"
    return f"{joint}{nth(rank)} of {n}, quartile {-(-4 * rank // n)} (median {median}"


@pytest.mark.parametrize("code", ["ASC_LD_EMPLOY", "CS_CLA_RATE"])
def test_ranks_and_medians_are_of_the_figures_as_shown(built, code):
    slug = PAPERS[code.split("_")[0]]
    expected = expected_place(built, code)
    assert comparator_cell(built, slug, code).startswith(expected), (comparator_cell(built, slug, code), expected)
    place, median = expected.split(" (median ")
    for kind, text in texts(built, slug).items():
        if kind == "pdf":  # the PDF's text interleaves the scorecard's columns line by line
            assert f"{place} (median" in text and f"{median}" in text, (kind, expected)
        else:
            assert expected in text, (kind, expected)


def test_a_neutral_indicator_is_never_ranked_or_given_a_quartile(built):
    neutral = [c for c, i in CAT.items() if i.directorate == "Children's Services" and i.polarity.value == "neutral"
               and i.comparator_group and i.unit.value != "count"]
    assert neutral
    for code in neutral:
        cell = comparator_cell(built, PAPERS["CS"], code)
        if cell.startswith(("No comparator", "Not ranked")):
            continue
        assert "highest of" in cell or "lowest of" in cell, cell
        assert "quartile" not in cell and not cell.startswith(("1st", "2nd", "3rd")), cell


def test_counts_beside_a_rate_on_a_small_base_and_a_move_of_one_is_not_a_headline(built):
    code = "ASC_ADMIT_18_64"
    small = yaml.safe_load((PARAMS / "council.yaml").read_text()).get("small_denominator", 100)
    with duckdb.connect(str(built / "data" / "perfkit.duckdb"), read_only=True) as db:
        counts = dict((p, (n, d)) for p, n, d in db.execute(
            "SELECT period, numerator, denominator FROM observations WHERE indicator = ? AND area_code = ? AND period IN ('2025/26', '2024/25')",
            [code, HOME]).fetchall())
    (num, den), (before, _base) = counts["2025/26"], counts["2024/25"]
    assert num < small and abs(num - before) <= 1, "the demo no longer has a rate on a small base that moved by one"
    title = CAT[code].title
    for kind, text in texts(built, PAPERS["ASC"]).items():
        assert f"({num:,.0f} of {den:,.0f})" in text, kind
        assert f"{title} worsened" not in text and f"{title} improved" not in text, kind  # not among the notable movements
