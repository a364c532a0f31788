"""Published period kinds stored and shown: a Fingertips calendar year "2015" is the calendar
year 2015 (not 2014/15), an academic year and an "as at" day likewise; a store made before
these kinds is migrated on opening with every row kept."""

from __future__ import annotations

import re
import shutil

import duckdb
import pandas as pd
import pytest

import perfkit
from perfkit.config.catalogue import load_catalogue
from perfkit.errors import PeriodError
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.report.wording import shown_period
from perfkit.store.store import Store

from ..helpers import PARAMS, TODAY, assert_same_store, dump_store

#: Fingertips' "Download data" CSV, its columns in its order (as tests/unit/test_publisher_layouts.py writes it).
FINGERTIPS = ["Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
              "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit",
              "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Recent Trend", "Compared to England value or percentiles",
              "Compared to percentiles", "Time period Sortable", "New data", "Compared to goal"]


def fingertips_row(area, name, period, value):
    row = dict.fromkeys(FINGERTIPS, "")
    row.update({"Indicator ID": "90284", "Indicator Name": "A published indicator", "Parent Code": "E12000002", "Area Code": area,
                "Area Name": name, "Area Type": "Counties & UAs (from Apr 2023)", "Sex": "Persons", "Age": "All ages",
                "Time period": period, "Value": value})
    return row

ENTRY = """- code: {code}
  title: {title}
  definition: A published figure for {title}, read as its publisher's {frequency} periods.
  unit: "%"
  polarity: lower
  frequency: {frequency}
  aggregation: latest
  decimals: 1
  owner: Director of Public Health
  directorate: Published benchmarks
  service: Public Health
  source: OHID Fingertips
  framework: Public health outcomes (OHID)
  publisher: OHID
  lag_months: 6
"""
KINDS = {"PH_CALENDAR": ("calendar", "calendar_year"), "PH_ACADEMIC": ("academic", "academic_year"), "PH_AS_AT": ("as_at", "as_at"),
         "PH_ANNUAL": ("annual", "calendar_year")}  # the last: a financial-year indicator whose mapping says calendar years


@pytest.fixture()
def params(tmp_path):
    folder = tmp_path / "params"
    shutil.copytree(PARAMS, folder)
    (folder / "indicators" / "kinds.yaml").write_text("indicators:\n" + "".join(
        ENTRY.format(code=code, title=f"Published figure {code.lower()}", frequency=freq) for code, (freq, _rule) in KINDS.items()))
    shipped = (folder / "sources" / "fingertips_child_injuries.yaml").read_text()
    for code, (_freq, rule) in KINDS.items():  # the shipped Fingertips mapping, its periods read by the kind's rule
        (folder / "sources" / f"{code.lower()}.yaml").write_text(
            shipped.replace("period_rule: label", f"period_rule: {rule}").replace("code: PH_INJURY_0_14", f"code: {code}"))
    return folder


def _import(tmp_path, params, code, periods, store=None):
    rows = []
    for i, period in enumerate(periods):
        for area, name, value in (("E08000007", "Stockport", 10 + i), ("E08000009", "Trafford", 20 + i)):
            rows.append(fingertips_row(area, name, period, str(value)))
    path = tmp_path / f"{code}.data.csv"
    pd.DataFrame(rows, columns=FINGERTIPS).to_csv(path, index=False)
    store = store or tmp_path / "s.duckdb"
    [report] = ingest([path], store, load_catalogue(params), today=TODAY, mapping=load_mapping(params / "sources" / f"{code.lower()}.yaml"))
    assert report.result.rejected == 0
    with Store(store, read_only=True) as db:
        return store, db.observations([code])


def test_a_fingertips_calendar_year_is_stored_as_the_calendar_year(tmp_path, params):
    store, obs = _import(tmp_path, params, "PH_CALENDAR", ["2015", "2016"])
    first = obs[obs["area_code"].eq("E08000007")].iloc[0]
    assert (first["period_type"], str(first["period_start"].date()), first["period"].label) == ("calendar", "2015-01-01", "2015")
    # a 2016/17 Q2 paper (to 30 September 2016) names the figure as published, not as 2014/15 or 2015/16
    card = perfkit.scorecard("2016/17 Q2", area="E08000007", indicators=["PH_CALENDAR"], store=store, params=params).iloc[0]
    assert (card["period"].label, card["value"]) == ("2015", 10.0)
    assert shown_period(card) == "2015 (OHID, released about Jun 2016)"  # the catalogue's lag: 6 months after December
    assert pd.isna(card["ytd_value"]) and pd.isna(card["ytd_period"])  # no year to date for a calendar year
    card = perfkit.scorecard("2017/18", area="E08000007", indicators=["PH_CALENDAR"], store=store, params=params).iloc[0]
    assert (card["period"].label, card["value"]) == ("2016", 11.0)


def test_an_academic_year_and_an_as_at_figure(tmp_path, params):
    _store, obs = _import(tmp_path, params, "PH_ACADEMIC", ["2022/23", "2023/24"])
    assert sorted({(p.label, str(p.start)) for p in obs["period"]}) == [("2022/23 academic year", "2022-09-01"), ("2023/24 academic year", "2023-09-01")]
    store, obs = _import(tmp_path, params, "PH_AS_AT", ["31/03/2023", "31/03/2024"], tmp_path / "t.duckdb")
    assert sorted({(t, p.label) for t, p in zip(obs["period_type"], obs["period"])}) == [("as_at", "as at 31 March 2023"), ("as_at", "as at 31 March 2024")]
    card = perfkit.scorecard("2024/25 Q2", area="E08000009", indicators=["PH_AS_AT"], store=store, params=params).iloc[0]
    assert (card["period"].label, card["value"], card["last_year_value"]) == ("as at 31 March 2024", 21.0, 20.0)


def test_a_calendar_year_for_a_financial_year_indicator_is_refused(tmp_path, params):
    path = tmp_path / "f.csv"
    pd.DataFrame([fingertips_row("E08000007", "Stockport", "2015", "9.9")], columns=FINGERTIPS).to_csv(path, index=False)
    with pytest.raises(Exception, match="is a calendar but PH_ANNUAL is annual"):
        ingest([path], tmp_path / "s.duckdb", load_catalogue(params), today=TODAY, mapping=load_mapping(params / "sources" / "ph_annual.yaml"))
    with pytest.raises(PeriodError, match="bare year"):  # and without a rule, a bare year is still refused as ambiguous
        perfkit.parse_period("2015")


def _narrow(path):
    """The store as perfkit made it before the published kinds: period_type CHECK year, quarter, month."""
    con = duckdb.connect(str(path))
    for table in ("observations", "revisions"):
        sql = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = ?", [table]).fetchall()[0][0]
        old = re.sub(r"period_type IN \([^)]*\)", "period_type IN ('year', 'quarter', 'month')", sql)
        con.execute(old.replace(f"CREATE TABLE {table}(", f"CREATE TABLE {table}_old(", 1))
        con.execute(f"INSERT INTO {table}_old SELECT * FROM {table}")
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE {table}_old RENAME TO {table}")
    con.execute("DROP TABLE perfkit_store")  # an earlier perfkit did not mark its stores
    with pytest.raises(duckdb.ConstraintException):  # what the migration is for
        con.execute("INSERT INTO observations (indicator, area_code, period_type, period_start, period, area_name, status, batch_id) "
                    "VALUES ('X', 'E1', 'calendar', DATE '2015-01-01', '2015', 'A', 'ok', 1)")
    con.close()


@pytest.mark.parametrize("read_only", [True, False])
def test_a_store_made_before_the_published_kinds_is_migrated_with_every_row(tmp_path, demo_store, params, read_only):
    con = duckdb.connect(str(demo_store))  # earlier versions of three rows, so revisions are migrated too
    con.execute("INSERT INTO revisions BY NAME SELECT *, value + 1 AS new_value, status AS new_status, 99 AS revised_by_batch, "
                "TIMESTAMP '2026-01-05 10:00:00' AS revised_at FROM observations ORDER BY ALL LIMIT 3")
    con.close()
    before = dump_store(demo_store)
    assert len(before["observations"]) > 1000 and len(before["revisions"]) == 3
    _narrow(demo_store)
    Store(demo_store, read_only=read_only).close()
    after = dump_store(demo_store)
    before.pop("perfkit_store"), after.pop("perfkit_store")  # marked again as it was brought up to date
    assert_same_store(before, after)  # every row, revision and batch kept
    _store, obs = _import(tmp_path, params, "PH_CALENDAR", ["2015"], demo_store)  # and a calendar year can now be stored
    assert [p.label for p in obs["period"]] == ["2015", "2015"]
