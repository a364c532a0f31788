"""What the year-end papers *say* around the figures (issue 22's findings 1-5, 10 and 11), read
in the HTML, the PDF's text and the Word file, as a councillor, a head of performance and a
clerk would. Each expectation is worked out here from the store and the catalogue with the
test's own rules, never taken from perfkit's assessment.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader

from perfkit.config.catalogue import load_catalogue
from perfkit.periods import parse_period

from ..helpers import HOME, PARAMS, make_project, run_cli

pytestmark = pytest.mark.slow

Q4, SLUG = "2025/26 Q4", "2025-26-q4"
CAT = load_catalogue(PARAMS)
DIRECTORATES = ("adult-social-care", "childrens-services", "housing", "resources")


@pytest.fixture(scope="module")
def year_end(tmp_path_factory, demo_store_master) -> Path:
    """Every 2025/26 Q4 paper of the demo, in HTML, PDF and Word."""
    project = make_project(tmp_path_factory.mktemp("statements"), demo_store_master)
    run_cli(project, "build", "--period", Q4, "--format", "html,pdf,docx", "--jobs", "2")
    return project


def files(project: Path, slug: str, name: str = "directorate_report") -> dict[str, Path]:
    folder = project / "outputs" / SLUG / slug
    return {ext: folder / f"{name}.{ext}" for ext in ("html", "pdf", "docx")}


def flat(text: str) -> str:
    return " ".join(text.split())


def html_text(path: Path) -> str:
    return flat(BeautifulSoup(path.read_text(), "html.parser").get_text(" "))


def pdf_text(path: Path) -> str:
    return flat(" ".join(p.extract_text() for p in PdfReader(path).pages))


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return flat(" ".join(parts))


def every_format(project: Path, slug: str, name: str = "directorate_report") -> dict[str, str]:
    f = files(project, slug, name)
    return {"html": html_text(f["html"]), "pdf": pdf_text(f["pdf"]), "docx": docx_text(f["docx"])}


def figures(store: Path) -> dict[str, float]:
    """The year 2025/26 of each of the council's annual indicators, read from the store directly."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute("SELECT indicator, value FROM observations WHERE area_code = ? AND period = '2025/26' AND status IN ('ok', 'provisional')",
                           [HOME]).fetchall()
    finally:
        con.close()
    return dict(rows)


def rag_of(value: float, code: str, period: str) -> str:
    """The test's own RAG rule: the exact figure against the target and tolerance."""
    ind = CAT[code]
    t = ind.target_for(parse_period(period))
    shortfall = (t.value - value) if ind.polarity.value == "higher" else (value - t.value)
    return "green" if shortfall <= 1e-9 else "amber" if shortfall <= (t.tolerance or 0) + 1e-9 else "red"


def scorecard_rows(path: Path) -> dict[str, dict[str, str]]:
    soup = BeautifulSoup(path.read_text(), "html.parser")
    out = {}
    for row in soup.select("table.scorecard tr.figures"):
        out[row["data-key"]] = {td["data-label"]: flat(td.get_text(" ")) for td in row.select("td")}
    return out


# ----- 2: one term and one tally ----------------------------------------------------------------


def test_year_end_tallies_count_every_indicator_annual_ones_included(year_end):
    annual = figures(year_end / "data" / "perfkit.duckdb")
    for slug in DIRECTORATES:
        rows = scorecard_rows(files(year_end, slug)["html"])
        outturn = [cells["Outturn 2025/26"] for cells in rows.values()]
        words = {w: sum(bool(re.search(rf"\b{w}\b", c)) for c in outturn) for w in ("Green", "Amber", "Red", "No target")}
        text = every_format(year_end, slug)
        for fmt, said in text.items():
            m = re.search(r"The outturn 2025/26, against the annual targets, for all (\d+) indicators: ([^.]+)\.", said)
            assert m, (slug, fmt)
            assert int(m.group(1)) == len(rows), (slug, fmt)
            for word, n in words.items():
                if n:
                    assert f"{n} {word.lower()}" in m.group(2), (slug, fmt, word, m.group(2))
        # an annual indicator's 2025/26 figure is its outturn, counted with its own RAG
        for code in (c for c in rows if CAT[c].frequency == "annual" and c in annual):
            expected = rag_of(annual[code], code, "2025/26").capitalize()
            assert re.search(rf"\b{expected}\b", rows[code]["Outturn 2025/26"]), (slug, code, rows[code])
    overview = html_text(files(year_end, "corporate", "corporate_overview")["html"])
    assert "For the outturn 2025/26, against the annual targets, for all 48 indicators:" in overview


# ----- 3: withheld is a range --------------------------------------------------------------------


def test_a_withheld_figure_off_target_whatever_it_is_says_so_everywhere(year_end):
    # families in B&B: a withheld count of 1-4 against a target of 0 (tolerance 2) is Amber or Red: off target
    ind = CAT["HSG_BB_FAMILIES"]
    target = ind.target_for(parse_period(Q4))
    assert {rag_of(v, "HSG_BB_FAMILIES", Q4) for v in (1, 2, 3, 4)} == {"amber", "red"} and target.value == 0
    rows = scorecard_rows(files(year_end, "housing")["html"])
    assert "Off target (withheld)" in rows["HSG_BB_FAMILIES"]["RAG (period)"]
    for fmt, said in every_format(year_end, "housing").items():
        assert "1 off target (withheld)" in said, fmt
        assert "Families with children in bed and breakfast for over six weeks is off target for the period" in said, fmt
    overview = html_text(files(year_end, "corporate", "corporate_overview")["html"])
    reds = overview[overview.index("Indicators that are Red"):]
    assert "Families with children in bed and breakfast for over six weeks" in reds and "Off target (withheld)" in reds


# ----- 4: captions say which RAG they report -----------------------------------------------------


def test_every_exception_caption_names_the_rags_of_its_facts(year_end):
    for slug in DIRECTORATES:
        soup = BeautifulSoup(files(year_end, slug)["html"].read_text(), "html.parser")
        tables = [t for t in soup.select("table") if t.caption and "RAG for the period" in t.caption.get_text()]
        assert tables, slug
        for table in tables:
            caption = flat(table.caption.get_text(" "))
            facts = {flat(th.get_text(" ")): flat(td.get_text(" ")) for th, td in
                     ((tr.find("th"), tr.find("td")) for tr in table.select("tr")) if th and td}
            for label, phrase in facts.items():
                if label.startswith("RAG for the"):
                    assert f"{label} {phrase}" in caption, (slug, caption, label, phrase)


# ----- 5: "returned" is not said of a figure not received ----------------------------------------


def test_a_figure_returned_as_not_available_is_not_counted_as_received(year_end):
    text = every_format(year_end, "childrens-services")
    for fmt, said in text.items():
        m = re.search(r"Data quality and completeness: (\d+) of (\d+) figures due for 2025/26 Q4 were received from the indicator owners; "
                      r"1 was returned as not available\.", said)
        assert m and int(m.group(1)) == int(m.group(2)) - 1, (fmt, said[said.find("Data quality"):][:300])
        assert "Return not received" not in said


# ----- 1: commentary belongs to the figure beside it ---------------------------------------------


def test_a_monthly_indicators_words_are_about_the_quarter_figure_beside_them(year_end):
    rows = scorecard_rows(files(year_end, "housing")["html"])
    soup = BeautifulSoup(files(year_end, "housing")["html"].read_text(), "html.parser")
    for code in ("HSG_EMERG", "HSG_RFT"):
        notes = flat(soup.select_one(f"table.scorecard tr.notes[data-key='{code}']").get_text(" "))
        assert "Commentary (2025/26 Q4)" in notes and "Commentary (March 2026)" not in notes, notes
        assert "By month: January 2026" in notes and "March 2026" in notes
        quoted = re.findall(r"(\d+\.\d+)%", notes.split("Commentary (2025/26 Q4)")[1])
        shown = re.search(r"(\d+\.\d+)%", rows[code]["Value"]).group(1)
        assert not quoted or shown in quoted, (code, quoted, shown)  # any figure the words quote is the one printed


# ----- 10 and 11: bands printed, page 1, wording ---------------------------------------------------


def test_bands_are_printed_beside_each_target(year_end):
    rows = scorecard_rows(files(year_end, "housing")["html"])
    assert re.search(r"Green ≤ 400;? Amber ≤ 440", rows["HSG_TA"]["Target"]), rows["HSG_TA"]  # lower is better, tolerance 40
    for fmt, said in every_format(year_end, "childrens-services").items():
        assert re.search(r"Green ≥ \d+\.\d%;? Amber ≥ \d+\.\d%", said), fmt


def test_page_one_answers_the_member(year_end):
    for fmt, said in every_format(year_end, "housing").items():
        start = said.rindex("Summary and purpose")  # the section, after any contents list
        first = said[start:said.index("Background: the headline picture", start)]
        assert "Households in temporary accommodation is Red for the period: 511" in first and "Why:" in first and "Action:" in first, fmt
        assert first.index("Recommendations") > first.index("Summary and purpose"), fmt  # section 2
        assert re.search(r"Report author:? Priya Natarajan", said), fmt
        fin = said[said.rindex("Financial implications"):said.rindex("Legal implications")]
        assert "Households in temporary accommodation (Red for the period" in fin, fmt
        assert "Data as at" in said and not re.search(r"\b[0-9a-f]{16}\b", said), fmt  # no snapshot hash for members
        for wrong in ("Not ranked: a count: not ranked", "(provisional: Provisional", "target No target", "of these figures are withheld"):
            assert wrong not in said, (fmt, wrong)


def test_actions_are_shown_as_rows_with_owner_due_date_and_status(year_end):
    """Finding 1: each off-target indicator's actions are those stored for its reporting period,
    each with its owner, due date, status (overdue where still open after its due date) and
    progress; page 1 names the first open one with its owner and due date."""
    con = duckdb.connect(str(year_end / "data" / "perfkit.duckdb"), read_only=True)
    try:
        stored = con.execute(
            "SELECT indicator, ref, action, owner, due, status, progress FROM actions WHERE area_code = ? AND period = ? "
            "QUALIFY batch_id = max(batch_id) OVER (PARTITION BY indicator, area_code, ref, period_start) ORDER BY indicator, ref",
            [HOME, Q4]).fetchall()
    finally:
        con.close()
    housing = {c for c in CAT if CAT[c].directorate == "Housing"}
    mine = [a for a in stored if a[0] in housing]
    assert mine and any(a[5] == "on track" for a in mine)
    soup = BeautifulSoup(files(year_end, "housing")["html"].read_text(), "html.parser")
    for code, ref, action, owner, due, status, progress in mine:
        notes = flat(soup.select_one(f"table.scorecard tr.notes[data-key='{code}']").get_text(" "))
        open_late = status in ("not started", "on track", "at risk") and due < parse_period(Q4).end
        line = f"Action {ref}: {action.rstrip('.')}. Owner: {owner}. Due: {due:%-d %B %Y}. Status: {status}{' (overdue)' if open_late else ''}."
        assert line in notes, (code, line, notes)
        assert not progress or f"Progress: {progress}" in notes
    for fmt, said in every_format(year_end, "housing").items():
        first = said[said.rindex("Summary and purpose"):]
        ta = next(a for a in mine if a[0] == "HSG_TA" and a[5] in ("not started", "on track", "at risk"))
        assert f"({ta[3]}; due {ta[4]:%-d %B %Y}; {ta[5]}" in first, fmt
