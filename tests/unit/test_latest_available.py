"""Latest available: a paper shows a published indicator's latest figure released by its meeting
date, named with its period, publisher and release, never "missing" for a year not yet due.

Real parts: DfE's C1 file from ../shared through the shipped mapping, a real DuckDB store, the
papers' own blocks (DirectoratePaper), the audit's own SQL.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
import yaml

from perfkit.audit.figures import latest_released
from perfkit.config.catalogue import load_catalogue
from perfkit.errors import ConfigError, IngestError
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.periods import parse_period
from perfkit.scaffold.init import init_project
from perfkit.store.store import Store

from ..helpers import C1, TODAY

TRAFFORD = "E08000009"


def _project(tmp_path, monkeypatch, meeting: str | None = None, **meetings: str):
    init_project(tmp_path, "Trafford Council", TRAFFORD)
    meetings = {k.replace("_", "/", 1).replace("_", " "): v for k, v in meetings.items()} | ({"2026/27 Q2": meeting} if meeting else {})
    if meetings:
        path = tmp_path / "params" / "calendar.yaml"
        calendar = yaml.safe_load(path.read_text())
        calendar["meetings"] = meetings
        path.write_text(yaml.safe_dump(calendar))
    monkeypatch.delenv("PERFKIT_STORE", raising=False)
    return tmp_path, load_catalogue(tmp_path / "params"), load_mapping(tmp_path / "params" / "sources" / "dfe_c1_referrals.yaml")


def _published(shared_data, year: str) -> float:
    raw = pd.read_csv(shared_data / C1, dtype=str, keep_default_na=False)
    return float(raw[(raw["new_la_code"] == TRAFFORD) & (raw["time_period"] == year)]["rereferral_percent"].iloc[0])


def _paper(root, period="2026/27 Q2"):
    from perfkit.report.directorate import DirectoratePaper

    return DirectoratePaper.load("childrens-services", period, store=root / "data" / "perfkit.duckdb", root=root)


def _text(block) -> str:
    import html
    import re

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", block.html())))


def test_a_quarterly_paper_shows_dfes_latest_release_named_as_such(tmp_path, monkeypatch, shared_data):
    root, catalogue, mapping = _project(tmp_path, monkeypatch)
    ingest([shared_data / C1], root / "data" / "perfkit.duckdb", catalogue, today=TODAY, mapping=mapping, released=dt.date(2025, 11, 13))
    paper = _paper(root)
    row = paper.card.set_index("indicator").loc["DFE_REREF"]
    assert row["period"].label == "2024/25" and row["value"] == pytest.approx(_published(shared_data, "2025"), abs=0.05)
    assert (row["status"], row["rag"]) == ("ok", "no target")  # DfE sets no target: not "no data"
    card = _text(paper.scorecard())
    assert "2024/25 (DfE, released Nov 2025)" in card and "Next release: 2025/26, expected Nov 2026" in card
    assert f"{_published(shared_data, '2025'):.1f}%" in card
    everything = " ".join(_text(b) for b in (paper.scorecard(), paper.background()))
    assert "no data for this period" not in everything and "(missing" not in everything
    with Store(root / "data" / "perfkit.duckdb", read_only=True) as db:  # recorded on the batch
        assert db.batches()["released"].tolist() == [pd.Timestamp("2025-11-13")]


def test_a_meeting_before_the_release_shows_the_year_before(tmp_path, monkeypatch, shared_data):
    """The same paper, its meeting before the 2025 release: 2023/24, released a year earlier."""
    root, catalogue, mapping = _project(tmp_path, monkeypatch, meeting="2025-10-20")
    store = root / "data" / "perfkit.duckdb"
    ingest([shared_data / C1], store, catalogue, today=TODAY, mapping=mapping, released=dt.date(2025, 11, 13))
    row = _paper(root).card.set_index("indicator").loc["DFE_REREF"]
    assert row["period"].label == "2023/24" and row["value"] == pytest.approx(_published(shared_data, "2024"), abs=0.05)
    assert f"{row['released']:%b %Y}" == "Nov 2024" and not row["released_estimated"]
    # the audit restates the rule with its own SQL and agrees; a paper showing 2024/25 would be caught
    with duckdb.connect(str(store), read_only=True) as con:
        said = latest_released(con, catalogue["DFE_REREF"], TRAFFORD, parse_period("2026/27 Q2"), dt.date(2025, 10, 20))
        later = latest_released(con, catalogue["DFE_REREF"], TRAFFORD, parse_period("2026/27 Q2"), dt.date(2025, 11, 13))
    assert (said.label, later.label) == ("2023/24", "2024/25")


def test_as_of_an_earlier_import_shows_the_release_then(tmp_path, monkeypatch, shared_data):
    """DfE's 2024 release (the file to 2023/24), then its 2025 one: the store as it stood after the
    first shows 2023/24, the store now 2024/25."""
    from perfkit.store.history import snapshot_store

    root, catalogue, mapping = _project(tmp_path, monkeypatch)
    raw = pd.read_csv(shared_data / C1, dtype=str, keep_default_na=False)
    earlier = tmp_path / "c1_2024.csv"
    raw[raw["time_period"] != "2025"].to_csv(earlier, index=False)
    store = root / "data" / "perfkit.duckdb"
    ingest([earlier], store, catalogue, today=TODAY, mapping=mapping, released=dt.date(2024, 10, 31))
    ingest([shared_data / C1], store, catalogue, today=TODAY, mapping=mapping, released=dt.date(2025, 11, 13))
    now = _paper(root).card.set_index("indicator").loc["DFE_REREF"]
    snapshot_store(store, 1, tmp_path / "then.duckdb")
    from perfkit.report.directorate import DirectoratePaper

    then = DirectoratePaper.load("childrens-services", "2026/27 Q2", store=tmp_path / "then.duckdb", root=root).card.set_index("indicator").loc["DFE_REREF"]
    assert (now["period"].label, then["period"].label) == ("2024/25", "2023/24")
    assert f"{then['released']:%-d %b %Y}" == "31 Oct 2024"  # the 2024 release's own date, kept in the snapshot


def test_without_a_release_date_it_is_estimated_from_the_lag(tmp_path, monkeypatch, shared_data):
    root, catalogue, mapping = _project(tmp_path, monkeypatch, **{"2025_26_Q3": "2025-12-11", "2025_26_Q2": "2025-11-20"})
    ingest([shared_data / C1], root / "data" / "perfkit.duckdb", catalogue, today=TODAY, mapping=mapping)
    for period, shown in (("2025/26 Q3", "2024/25"), ("2025/26 Q2", "2023/24")):  # 2024/25 estimated out 30 Nov 2025
        row = _paper(root, period).card.set_index("indicator").loc["DFE_REREF"]
        assert row["period"].label == shown and row["released_estimated"]
    assert "2024/25 (DfE, released about Nov 2025)" in _text(_paper(root).scorecard())


def test_year_end_tallies_count_it_on_its_own_line(tmp_path, monkeypatch, shared_data):
    from perfkit.report.tallies import coverage, year_tally

    root, catalogue, mapping = _project(tmp_path, monkeypatch)
    ingest([shared_data / C1], root / "data" / "perfkit.duckdb", catalogue, today=TODAY, mapping=mapping, released=dt.date(2025, 11, 13))
    paper = _paper(root, "2025/26 Q4")  # the year-end paper (no meeting date yet): DfE's 2025/26 is not stored, 2024/25 is shown
    row = paper.card.set_index("indicator").loc["DFE_REREF"]
    assert row["period"].label == "2024/25" and row["latest_published"] and row["ytd_kind"] != row["ytd_kind"]
    # beside a council indicator with an outturn, the tally says why DfE's figure is not in it
    own = paper.card.iloc[[0]].assign(indicator="OWN", frequency="quarterly", latest_published=False, publisher=None, ytd_kind="outturn",
                                      ytd_period=parse_period("2025/26"), ytd_rag="green", ytd_status="ok")
    tally = year_tally(pd.concat([paper.card, own], ignore_index=True))
    assert (tally.name, tally.covered, tally.total, tally.counts["green"]) == ("outturn 2025/26", 1, 2, 1)
    assert coverage(tally) == "1 of the 2 indicators (not counted: 1 published indicator, latest published: 2024/25)"


def test_a_year_not_yet_due_is_not_missing(tmp_path, monkeypatch):
    """Nothing released by the meeting: the figure says when it is due, not "missing"."""
    from perfkit.report.wording import figure_text

    root, catalogue, _mapping = _project(tmp_path, monkeypatch, **{"2025_26_Q4": "2026-06-18"})
    path = tmp_path / "dfe.csv"
    pd.DataFrame([["DFE_REREF", TRAFFORD, "Trafford", "2025/26", "", "200", "1000"]],
                 columns=["indicator", "area_code", "area_name", "period", "value", "numerator", "denominator"]).to_csv(path, index=False)
    ingest([path], root / "data" / "perfkit.duckdb", catalogue, today=TODAY)
    row = _paper(root, "2025/26 Q4").card.set_index("indicator").loc["DFE_REREF"]  # 2025/26 is out about Nov 2026
    assert row["status"] == "missing" and row["status_reason"] == "not yet released by DfE (2025/26 expected Nov 2026)"
    assert figure_text(row, note=False) == "– (not yet released by DfE (2025/26 expected Nov 2026))"


def test_the_build_takes_a_period_whose_only_figures_are_published(tmp_path, monkeypatch, shared_data):
    from perfkit.build.builder import _check_periods_have_data

    root, catalogue, mapping = _project(tmp_path, monkeypatch)
    store = root / "data" / "perfkit.duckdb"
    ingest([shared_data / C1], store, catalogue, today=TODAY, mapping=mapping)
    _check_periods_have_data(store, TRAFFORD, [parse_period("2026/27 Q2")], ["DFE_REREF"])  # no error
    with pytest.raises(ConfigError, match="none of the council's"):
        _check_periods_have_data(store, TRAFFORD, [parse_period("2026/27 Q2")], [])  # the council's own rule
    with pytest.raises(ConfigError, match="three years before"):
        _check_periods_have_data(store, TRAFFORD, [parse_period("2030/31 Q2")], ["DFE_REREF"])


def test_a_release_date_after_today_is_refused(tmp_path, monkeypatch, shared_data):
    root, catalogue, mapping = _project(tmp_path, monkeypatch)
    store = root / "data" / "perfkit.duckdb"
    with pytest.raises(IngestError, match="--released: 2026-12-01 is after today"):
        ingest([shared_data / C1], store, catalogue, today=TODAY, mapping=mapping, released=dt.date(2026, 12, 1))
    assert not store.exists()


def test_lag_months_needs_a_publisher(tmp_path, monkeypatch):
    root, _catalogue, _mapping = _project(tmp_path, monkeypatch)
    path = root / "params" / "indicators" / "dfe_children.yaml"
    data = yaml.safe_load(path.read_text())
    del data["indicators"][0]["publisher"]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match="lag_months: only a published indicator"):
        load_catalogue(root / "params")


def test_an_area_profile_shows_the_latest_published_year_not_missing(tmp_path, monkeypatch, shared_data):
    """Area profiles follow the same rule (README "Latest available"): a profile for 2026/27 Q2,
    when DfE's latest stored year is 2024/25, shows 2024/25's figure, not 2025/26 as missing."""
    from bs4 import BeautifulSoup

    from perfkit.blocks.html import render
    from perfkit.blocks.model import block_data
    from perfkit.report import AreaProfile

    root, catalogue, mapping = _project(tmp_path, monkeypatch)
    ingest([shared_data / C1], root / "data" / "perfkit.duckdb", catalogue, today=TODAY, mapping=mapping, released=dt.date(2025, 11, 13))
    profile = AreaProfile.load(TRAFFORD, "2026/27 Q2", root=root)
    table = BeautifulSoup(render(block_data(profile.profile())), "html.parser").find("table")
    row = next(tr for tr in table.find("tbody").find_all("tr") if "[DFE_REREF]" in tr.get_text())
    said = " ".join(row.get_text(" ", strip=True).split())
    assert "2024/25" in said and f"{_published(shared_data, '2025'):.1f}%" in said and "2025/26" not in said, said
