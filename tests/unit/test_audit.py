"""The paper audit (perfkit/audit) on hand-made papers: a notebook of real blocks and a small
store, each test changing one thing the paper says and asserting the audit names it."""

from __future__ import annotations

import ast
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from perfkit.audit import FAIL, WARN, audit_paper
from perfkit.audit.paper import comparator, numbers, rag_words, read_paper, tally
from perfkit.audit.recompute import Context
from perfkit.audit.rules import half_up, position, rag, rag_of_range
from perfkit.blocks.model import (
    BREAK,
    CardTable,
    Cell,
    Chart,
    Heading,
    KeyValues,
    Part,
    Section,
    Table,
    block_data,
    rag_badge,
)
from perfkit.config.catalogue import Catalogue, Indicator
from perfkit.config.groups import ComparatorGroup
from perfkit.contract import BLOCK_MIME, META_MIME
from perfkit.periods import parse_period
from perfkit.store.store import Store

HOME = "ZZ0000001"
PERIOD = "2025/26 Q2"

# ----- the rules, restated -----------------------------------------------------------------------------------------------


def test_rag_compares_the_exact_figure_per_polarity():
    assert rag(870 / 916 * 100, 95.0, 1.0, "higher") == "amber"  # 94.98% misses 95% though it rounds to 95.0%
    assert [rag(v, 10.0, 2.0, "lower") for v in (10.0, 12.0, 12.5)] == ["green", "amber", "red"]
    assert rag(5.0, None, 0.0, "higher") == "no target" and rag(None, 5.0, 0.0, "higher") == "no data"


def test_a_withheld_figure_is_judged_as_its_range():
    assert rag_of_range(1, 4, 0, 2, "lower") == "off target (withheld)"  # 1-2 Amber, 3-4 Red: off target either way
    assert rag_of_range(1, 4, 0, 0, "lower") == "red"
    assert rag_of_range(1, 4, 2, 0, "lower") == "withheld"  # 1-2 Green, 3-4 Red


def test_ranks_are_of_the_figures_as_shown_with_ties_joint_and_medians_half_up():
    p = position({"A": 6.94, "B": 6.86, "C": 7.7, "D": 5.6, "E": 6.3, "F": 3.9}, "A", "higher", 1)
    assert (p.rank, p.of, p.joint, p.quartile) == (2, 6, True, 2)
    assert p.words() == "joint 2nd of 6, quartile 2 (median 6.6)"
    assert half_up(73.95, 1) == Decimal("74.0") and half_up(59.55, 1) == Decimal("59.6")
    neutral = position({"A": 81.0, "B": 70.0}, "A", "neutral", 1)
    assert neutral.quartile is None and neutral.words() == "highest of 2 (median 75.5)"


# ----- reading a paper's words -------------------------------------------------------------------------------------------


def test_the_words_of_a_paper_are_read_by_structure_and_unit():
    assert [(str(n.value), n.unit) for n in numbers("30.7 days against 30.0 days (2025/26 Q4), £26.67, 16.3 per 100,000")] == [
        ("30.7", "days"), ("30.0", "days"), ("26.67", "GBP"), ("16.3", "per 100,000")]
    assert [n.text for n in numbers("aged 18-64 in March 2026")] == ["18"]
    assert rag_words("Outturn RAG: Red") == "red" and rag_words("Off target (withheld)") == "off target (withheld)"
    assert tally("Against their targets: 3 green, 6 amber, 1 withheld, whose RAG would reveal a small number.") == {"green": 3, "amber": 6, "withheld": 1}
    assert tally("Permanent admissions, aged 18-64 worsened from 15.6 to 16.3") == {}
    c = comparator("7th of 16, quartile 2 (median 55.5%; England 55.9%) · Kestrel Vale statistical neighbours, 2025/26 Q4")
    assert (c.rank, c.of, c.joint, c.quartile, str(c.median.value), c.period) == (7, 16, False, 2, "55.5", "2025/26 Q4")


# ----- a hand-made paper and store ---------------------------------------------------------------------------------------


def _indicator(code: str, **kw) -> Indicator:
    base = dict(code=code, title=f"Title of {code}", definition="A definition.", unit="%", polarity="higher", frequency="quarterly",
                aggregation="rate", decimals=1, tolerance=2.0, targets={"2025/26": 90.0}, owner="Head", directorate="Housing",
                service="Service", source="Source")
    return Indicator(**(base | kw))


CATALOGUE = Catalogue(
    {i.code: i for i in (
        _indicator("AA_GREEN", comparator_group="nbrs"),
        _indicator("BB_AMBER"),
        _indicator("CC_DAYS", unit="days", polarity="lower", aggregation="mean", tolerance=5.0, targets={"2025/26": 30.0}),
        _indicator("DD_COUNT", unit="count", polarity="lower", aggregation="latest", decimals=0, targets={"2025/26": 0.0}),
        _indicator("EE_ANNUAL", frequency="annual", targets={"2024/25": 50.0}),
    )},
    {"nbrs": ComparatorGroup(code="nbrs", name="Neighbours", members={"ZZ0000002": "B", "ZZ0000003": "C", "ZZ0000004": "D"})},
)

#: (indicator, area, period label, period type, start, value, numerator, denominator)
ROWS = [
    ("AA_GREEN", HOME, "2025/26 Q1", "quarter", dt.date(2025, 4, 1), 93.0, 93, 100),
    ("AA_GREEN", HOME, "2025/26 Q2", "quarter", dt.date(2025, 7, 1), 92.0, 92, 100),
    ("AA_GREEN", "ZZ0000002", "2025/26 Q2", "quarter", dt.date(2025, 7, 1), 95.0, 95, 100),
    ("AA_GREEN", "ZZ0000003", "2025/26 Q2", "quarter", dt.date(2025, 7, 1), 92.0, 92, 100),
    ("AA_GREEN", "ZZ0000004", "2025/26 Q2", "quarter", dt.date(2025, 7, 1), 80.0, 80, 100),
    ("BB_AMBER", HOME, "2025/26 Q1", "quarter", dt.date(2025, 4, 1), 90.0, 90, 100),
    ("BB_AMBER", HOME, "2025/26 Q2", "quarter", dt.date(2025, 7, 1), 89.0, 89, 100),
    ("CC_DAYS", HOME, "2025/26 Q1", "quarter", dt.date(2025, 4, 1), 28.0, None, None),
    ("CC_DAYS", HOME, "2025/26 Q2", "quarter", dt.date(2025, 7, 1), 26.8, None, None),
    ("DD_COUNT", HOME, "2025/26 Q1", "quarter", dt.date(2025, 4, 1), 6.0, None, None),
    ("DD_COUNT", HOME, "2025/26 Q2", "quarter", dt.date(2025, 7, 1), 3.0, None, None),
    ("EE_ANNUAL", HOME, "2024/25", "year", dt.date(2024, 4, 1), 40.0, 40, 100),
]


@pytest.fixture()
def store(tmp_path) -> Path:
    path = tmp_path / "store.duckdb"
    with Store(path) as db:
        for code, area, label, kind, start, value, num, den in ROWS:
            db.con.execute("INSERT INTO observations (indicator, area_code, period_type, period_start, period, area_name, value, numerator, "
                           "denominator, status, batch_id) VALUES (?, ?, ?, ?, ?, 'x', ?, ?, ?, 'ok', 1)", [code, area, kind, start, label, value, num, den])
    return path


def _cell(text: str) -> Cell:
    return Cell(text)


def _row(code: str, value: str, target: str, rag_: str, ytd: tuple[str, str] | None, comparators: str, commentary: str, period: str = PERIOD):
    header = Cell(f"Title of {code} [{code}]; {period}", parts=(Part(f"Title of {code} [{code}]"), BREAK, Part(period)))
    ytd_cell = Cell(f"{ytd[0]}; {ytd[1]}", parts=(Part(ytd[0]), BREAK, *rag_badge(ytd[1]).parts)) if ytd else Cell("Annual indicator")
    note = Cell(f"Commentary ({period}): {commentary}", parts=(Part(f"Commentary ({period})", "label"), Part(commentary)))
    return header, (_cell(value), _cell(target), rag_badge(rag_), ytd_cell, Cell("Improved"), Cell(""), Cell(comparators)), note


def _paper(**change) -> list:
    """The blocks of a consistent paper for PERIOD; ``change`` replaces one named part."""
    rows = {
        "AA_GREEN": _row("AA_GREEN", "92.0%", "90.0%", "green", ("92.5%; target 90.0%", "green"),
                         "joint 2nd of 4, quartile 2 (median 92.0%) · Neighbours, 2025/26 Q2", "Met the target at 92.0%."),
        "BB_AMBER": _row("BB_AMBER", "89.0%", "90.0%", "amber", ("89.5%; target 90.0%", "amber"), "No comparator group", "Short of target at 89.0%."),
        "CC_DAYS": _row("CC_DAYS", "26.8 days", "30.0 days", "green", ("27.4 days; target 30.0 days", "green"), "No comparator group",
                        "26.8 days, well inside the target."),
        "DD_COUNT": _row("DD_COUNT", "3", "0", "red", ("3; target 0", "red"), "Not ranked: a count", "3 families at the quarter's end."),
        "EE_ANNUAL": _row("EE_ANNUAL", "40.0%", "50.0%", "red", None, "No comparator group", "40.0% against 50.0%.", period="2024/25"),
    } | change.pop("rows", {})
    tally_rows = change.pop("tally", {"Green": ("2", "2"), "Amber": ("1", "1"), "Red": ("2", "1")})
    caption = change.pop("caption", "Title of BB_AMBER: Amber, just off target")
    card = CardTable("Appendix 1: scorecard", ("Indicator", "Value", "Target", "RAG (period)", "Year to date", "Direction of travel", "Trend", "Comparators"),
                     (("Indicators", tuple(rows.values())),), widths=("auto",) * 8, keys=tuple(rows))
    table = Table("Indicators by RAG status", ("RAG status", "Indicators this period", "Year to date 2025/26"),
                  tuple((Cell(k), Cell(a), Cell(b)) for k, (a, b) in tally_rows.items()))
    section = Section(2, "Background", (change.pop("sentence", "This report covers 5 indicators. Against their targets for the period: 2 green, 1 amber, 2 red."), table))
    exceptions = [Heading("Appendix 2: Exceptions"), Heading("Title of BB_AMBER [BB_AMBER]", level=3),
                  KeyValues(caption, (("Value", "89.0% (2025/26 Q2)"), ("RAG for the period", "Amber, just off target"), ("RAG for the year to date", "Amber, just off target"))),
                  Chart("<svg/>", "Title of BB_AMBER fell from 90.0% to 89.0% between 2025/26 Q1 and 2025/26 Q2 (2 periods with data); target 90.0%.",
                        "Title of BB_AMBER: trend with target")]
    for code in ("DD_COUNT", "EE_ANNUAL"):
        exceptions += [Heading(f"Title of {code} [{code}]", level=3),
                       KeyValues(f"Title of {code}: Red, off target", (("RAG for the period", "Red, off target"),))]
    return [section, card, *exceptions]


def _audit(tmp_path: Path, store: Path, blocks: list, public: bool = False) -> list:
    meta = {"type": "Meta", "mimetype": META_MIME, "data": {"title": "A paper", "status": "Public" if public else "Internal"}}
    outputs = [{"output_type": "display_data", "data": {BLOCK_MIME: d}, "metadata": {}} for d in [meta, *map(block_data, blocks)]]
    nb = {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": outputs, "execution_count": 1}],
          "metadata": {"perfkit": {"parameters": {"period": PERIOD, "directorate": "housing"}}}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "housing" / "directorate_report.ipynb"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(nb))
    with Store(store, read_only=True) as db:
        ctx = Context(db.con, CATALOGUE, HOME, parse_period(PERIOD))
        return audit_paper(read_paper(path), ctx, {})


def _said(findings: list) -> list[tuple[str, str, str]]:
    return [(f.level, f.indicator, f"{f.says}; {f.should}") for f in findings]


def test_a_paper_true_to_its_rows_and_store_has_no_finding(tmp_path, store):
    assert _said(_audit(tmp_path, store, _paper())) == []


def test_a_tally_that_does_not_equal_its_rows_fails(tmp_path, store):
    found = _said(_audit(tmp_path, store, _paper(tally={"Green": ("3", "2"), "Amber": ("0", "1"), "Red": ("2", "1")})))
    assert found == [(FAIL, "", "table 'Indicators by RAG status', column 'Indicators this period': 3 green, 0 amber; the rows count 2 green, 1 amber")]


def test_a_year_to_date_tally_that_counts_an_annual_indicators_earlier_year_fails(tmp_path, store):
    """In Q2 EE_ANNUAL shows its latest completed year, 2024/25: no part of 2025/26's year to date.
    (In the year's last period its own year is its outturn, and counted: the e2e audit of Q4.)"""
    found = _said(_audit(tmp_path, store, _paper(tally={"Green": ("2", "2"), "Amber": ("1", "1"), "Red": ("2", "2")})))
    assert found == [(FAIL, "", "table 'Indicators by RAG status', column 'Year to date 2025/26': 2 red; "
                                "the rows count (an annual indicator's own year is its outturn) 1 red")]


def test_a_sentence_tally_that_does_not_equal_its_rows_fails(tmp_path, store):
    found = _said(_audit(tmp_path, store, _paper(sentence="This report covers 6 indicators. Against their targets for the period: 2 green, 2 amber, 1 red.")))
    assert [f[2] for f in found] == ["'This report covers 6 indicators.'; the scorecard has 5 indicators",
                                     "'Against their targets for the period: 2 green, 2 amber, 1 red.': 2 amber, 1 red; the rows count 1 amber, 2 red"]


def test_a_retyped_caption_fails(tmp_path, store):
    found = _said(_audit(tmp_path, store, _paper(caption="Title of BB_AMBER: Green, target met")))
    assert (FAIL, "BB_AMBER", "caption 'Title of BB_AMBER: Green, target met'; the row's RAG for the period is amber") in found


def test_a_rag_that_the_store_does_not_bear_out_fails(tmp_path, store):
    rows = {"AA_GREEN": _row("AA_GREEN", "92.0%", "90.0%", "amber", ("92.5%; target 90.0%", "green"),
                             "joint 2nd of 4, quartile 2 (median 92.0%) · Neighbours, 2025/26 Q2", "92.0%.")}
    found = _said(_audit(tmp_path, store, _paper(rows=rows, tally={"Green": ("1", "2"), "Amber": ("2", "1"), "Red": ("2", "1")},
                                                  sentence="Against their targets for the period: 1 green, 2 amber, 2 red.")))
    assert (FAIL, "AA_GREEN", "RAG for the period: amber; green (92 against target 90.0, tolerance 2.0, higher is better)") in found
    assert (FAIL, "AA_GREEN", "no exception for an indicator off target; an exception (amber, year to date green)") in found
    assert len(found) == 2


def test_a_rank_without_its_tie_and_a_median_rounded_down_fail(tmp_path, store):
    rows = {"AA_GREEN": _row("AA_GREEN", "92.0%", "90.0%", "green", ("92.5%; target 90.0%", "green"),
                             "2nd of 4, quartile 2 (median 91.9%) · Neighbours, 2025/26 Q2", "92.0%.")}
    found = _said(_audit(tmp_path, store, _paper(rows=rows)))
    assert found == [(FAIL, "AA_GREEN", "2nd of 4, quartile 2 (median 91.9%); joint 2nd of 4, quartile 2 (median 92.0) among 4 with a figure for "
                                        "2025/26 Q2, on the figures as shown (1 decimals, ties joint, medians half-up)")]


def test_commentary_that_quotes_another_figure_warns(tmp_path, store):
    rows = {"CC_DAYS": _row("CC_DAYS", "26.8 days", "30.0 days", "green", ("27.4 days; target 30.0 days", "green"), "No comparator group",
                            "30.7 days against a target of 30.0 days: real slippage.")}
    found = _said(_audit(tmp_path, store, _paper(rows=rows)))
    assert found == [(WARN, "CC_DAYS", "commentary quotes 30.7 days; the paper shows 26.8 days"),
                     (WARN, "CC_DAYS", "commentary says it missed the target; the RAG beside it is green")]


def test_a_chart_whose_alt_text_is_not_the_store_fails(tmp_path, store):
    blocks = _paper()
    blocks[5] = Chart("<svg/>", "Title of BB_AMBER fell from 91.0% to 89.0% between 2025/26 Q1 and 2025/26 Q2; target 90.0%.", "trend")
    found = _said(_audit(tmp_path, store, blocks))
    assert found == [(FAIL, "BB_AMBER", "alt text: 91.0% in 2025/26 Q1; the store gives 90 for 2025/26 Q1")]


def test_a_small_count_in_a_public_paper_is_a_range_and_never_shown(tmp_path, store):
    """3 against a target of 0 with tolerance 2: withheld, every value it could be (1-4) misses."""
    found = _said(_audit(tmp_path, store, _paper(), public=True))
    assert (FAIL, "DD_COUNT", "the value shows 3; withheld: a small number must not be shown") in found
    assert (FAIL, "DD_COUNT", "RAG for the period: red; off target (withheld) (withheld against target 0.0, tolerance 2.0, lower is better)") in found


def test_the_audit_imports_none_of_the_code_it_checks():
    """The audit restates the rules: it never imports perfkit.assess, report, blocks, render or formatting."""
    forbidden = ("perfkit.assess", "perfkit.report", "perfkit.blocks", "perfkit.render", "perfkit.formatting", "perfkit.build")
    package = Path(__file__).resolve().parents[2] / "perfkit" / "audit"
    found = []
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{path.name}: {n}" for n in names if n.startswith(forbidden)]
    assert found == []
