"""Fingertips' and Oflog's files, read by the shipped mappings (params/sources/): small files
written here in the publishers' documented column layouts, with what real releases hold (other
indicators, sexes and breakdowns in the same file; a blank value with the publisher's note)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import perfkit
from perfkit.config.catalogue import load_catalogue
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.report.wording import comparator_text, figure_text
from perfkit.store.store import Store

from ..helpers import PARAMS, TODAY

#: Fingertips' "Download data" CSV, its columns in its order.
FINGERTIPS = ["Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
              "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit",
              "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Recent Trend", "Compared to England value or percentiles",
              "Compared to percentiles", "Time period Sortable", "New data", "Compared to goal"]
OFLOG = ["Financial year", "Local authority code", "Local authority name", "Region", "Measure", "Value"]

ENTRIES = """indicators:
- code: PH_INJURY_0_14
  title: Hospital admissions for injuries in children aged 0 to 14 (Fingertips)
  definition: Emergency hospital admissions caused by unintentional and deliberate injuries in children aged 0 to 14, per 10,000 resident population (OHID Fingertips indicator 90284).
  unit: rate per 10,000
  polarity: lower
  frequency: annual
  aggregation: rate
  decimals: 1
  owner: Director of Public Health
  directorate: Published benchmarks
  service: Public Health
  source: OHID Fingertips, indicator 90284
  framework: Public health outcomes (OHID)
- code: OFLOG_ASC_CARER_QOL
  title: Carer-reported quality of life (Oflog)
  definition: Carer-reported quality of life score, 0 to 12 (ASCOF 1D), as Oflog publishes it.
  unit: score
  polarity: higher
  frequency: annual
  aggregation: latest
  decimals: 1
  owner: Director of Adult Social Care
  directorate: Published benchmarks
  service: Adult Social Care
  source: Oflog Local Authority Data Explorer
  framework: Oflog
"""


@pytest.fixture()
def params(tmp_path):
    """The repo's params with the two publishers' catalogue entries."""
    folder = tmp_path / "params"
    shutil.copytree(PARAMS, folder)
    (folder / "indicators" / "publishers.yaml").write_text(ENTRIES)
    return folder


def fingertips_row(area, name, area_type, value, lower, upper, compared, note="", sex="Persons", category_type="", indicator="90284"):
    row = dict.fromkeys(FINGERTIPS, "")
    row.update({"Indicator ID": indicator, "Indicator Name": "Hospital admissions caused by injuries in children (0-14 years)",
                "Parent Code": "E12000002" if area.startswith("E08") else "E92000001", "Area Code": area, "Area Name": name,
                "Area Type": area_type, "Sex": sex, "Age": "0-14 yrs", "Category Type": category_type, "Time period": "2023/24",
                "Value": value, "Lower CI 95.0 limit": lower, "Upper CI 95.0 limit": upper, "Value note": note,
                "Compared to England value or percentiles": compared, "Time period Sortable": "20230000"})
    return row


def test_a_fingertips_export_keeps_intervals_judgements_and_notes(tmp_path, params):
    rows = [
        fingertips_row("E92000001", "England", "England", "75.66", "75.32", "76.0", "Not compared"),
        fingertips_row("E08000007", "Stockport", "Counties & UAs (from Apr 2023)", "96.1", "88.9", "103.7", "Worse"),
        fingertips_row("E08000009", "Trafford", "Counties & UAs (from Apr 2023)", "71.38", "64.3", "79.02", "Similar"),
        fingertips_row("E06000053", "Isles of Scilly", "Counties & UAs (from Apr 2023)", "", "", "", "Not compared",
                       note="Value for Cornwall and Isles of Scilly combined"),
        # the same file holds other sexes, breakdowns and indicators: the mapping's where: leaves them
        fingertips_row("E08000007", "Stockport", "Counties & UAs (from Apr 2023)", "101.2", "90.1", "113.3", "Worse", sex="Male"),
        fingertips_row("E08000007", "Stockport", "Counties & UAs (from Apr 2023)", "120.4", "101.0", "142.3", "", category_type="Deprivation"),
        fingertips_row("E08000007", "Stockport", "Counties & UAs (from Apr 2023)", "12.0", "11.0", "13.0", "Better", indicator="90285"),
    ]
    path = tmp_path / "indicators-CountyUA.data.csv"
    pd.DataFrame(rows, columns=FINGERTIPS).to_csv(path, index=False)
    store = tmp_path / "s.duckdb"
    [report] = ingest([path], store, load_catalogue(params), today=TODAY, mapping=load_mapping(params / "sources" / "fingertips_child_injuries.yaml"))
    assert report.result.added == 4 and report.result.rejected == 0
    with Store(store, read_only=True) as db:
        obs = db.observations(["PH_INJURY_0_14"]).set_index("area_code")
        parents = db.area_attributes("parent_code")
    assert obs.loc["E08000007", ["value", "ci_lower", "ci_upper", "compared"]].tolist() == [96.1, 88.9, 103.7, "Worse"]
    assert obs.loc["E08000009", "period"].label == "2023/24"  # Fingertips' 2023/24 is the financial year
    scilly = obs.loc["E06000053"]
    assert (scilly["status"], scilly["status_reason"]) == ("missing", "blank in the published file; Value for Cornwall and Isles of Scilly combined")
    assert dict(zip(parents["area_code"], parents["value"]))["E08000007"] == "E12000002"
    card = perfkit.scorecard("2023/24", area="E08000007", indicators=["PH_INJURY_0_14"], store=store, params=params).iloc[0]
    assert figure_text(card) == "96.1 per 10,000 (95% CI 88.9-103.7)"
    assert comparator_text(card) == "Worse than England (as published, by 95% confidence interval) · 2023/24"


def test_an_oflog_measure_table_is_read_by_its_measure(tmp_path, params):
    rows = [
        ["2022-23", "E08000007", "Stockport", "North West", "Outcome, ASC Carer Quality of Life", "7.6"],
        ["2022-23", "E08000009", "Trafford", "North West", "Outcome, ASC Carer Quality of Life", "7.9"],
        ["2022-23", "E06000053", "Isles of Scilly", "South West", "Outcome, ASC Carer Quality of Life", ""],
        ["2022-23", "E08000007", "Stockport", "North West", "Outcome, ASC Service User Quality of Life", "19.1"],
        ["2021-22", "E08000007", "Stockport", "North West", "Outcome, ASC Carer Quality of Life", "7.4"],
    ]
    path = tmp_path / "oflog_measures.csv"
    pd.DataFrame(rows, columns=OFLOG).to_csv(path, index=False)
    store = tmp_path / "s.duckdb"
    ingest([path], store, load_catalogue(params), today=TODAY, mapping=load_mapping(params / "sources" / "oflog_asc_carer_qol.yaml"))
    with Store(store, read_only=True) as db:
        obs = db.observations(["OFLOG_ASC_CARER_QOL"])
        regions = db.area_attributes("region_name")
    got = {(r.area_code, r.period.label): (r.value if r.status == "ok" else r.status) for r in obs.itertuples()}
    assert got == {("E08000007", "2021/22"): 7.4, ("E08000007", "2022/23"): 7.6, ("E08000009", "2022/23"): 7.9,
                   ("E06000053", "2022/23"): "missing"}  # "2022-23" is the financial year; the other measure is left
    assert dict(zip(regions["area_code"], regions["value"]))["E06000053"] == "South West"
