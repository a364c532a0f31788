"""Published files in through their shipped mappings, checked against the files themselves."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from perfkit.errors import IngestError
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.store.store import Store

from .conftest import PARAMS, SHARED_DATA, TODAY, assert_same_store, dump_store

C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
PLANNING = "trafford_planning_applications_major.csv"


def mapping(name):
    return load_mapping(PARAMS / "sources" / f"{name}.yaml")


@pytest.fixture()
def public_store(tmp_path, shared_data, catalogue):
    store = tmp_path / "public.duckdb"
    ingest([shared_data / C1], store, catalogue, today=TODAY, mapping=mapping("dfe_c1_referrals"))
    ingest([shared_data / PLANNING], store, catalogue, today=TODAY, mapping=mapping("lginform_planning_major"))
    return store


def test_c1_rates_match_the_published_percentages(public_store, shared_data):
    raw = pd.read_csv(shared_data / C1, dtype=str, keep_default_na=False)
    la = raw[raw["geographic_level"] == "Local authority"]
    with Store(public_store, read_only=True) as db:
        obs = db.observations(["DFE_REREF"])
    checked = 0
    for _, r in la.iterrows():
        if not (r["rereferral_count"].isdigit() and r["referral_count"].isdigit()):
            continue
        year = int(r["time_period"])
        label = f"{year - 1}/{year % 100:02d}"  # reporting year 2025 = financial year 2024/25
        rows = obs[(obs["period"].map(lambda p: p.label) == label) & (obs["area_name"] == r["la_name"])]
        assert len(rows) == 1, (r["la_name"], label)
        row = rows.iloc[0]
        recomputed = row["numerator"] / row["denominator"] * 100
        assert (row["numerator"], row["denominator"]) == (int(r["rereferral_count"]), int(r["referral_count"]))
        assert round(recomputed + 1e-9, 1) == pytest.approx(float(r["rereferral_percent"]), abs=0.05 + 1e-9)
        checked += 1
    assert checked > 1900


def test_suppressed_cells_keep_their_code(public_store, shared_data):
    raw = pd.read_csv(shared_data / C1, dtype=str, keep_default_na=False)
    coded = raw[raw["rereferral_percent"].isin(["c", "x", "u"])]
    with Store(public_store, read_only=True) as db:
        obs = db.observations(["DFE_REREF"])
    hidden = obs[obs["status"].isin(["suppressed", "missing"])]
    assert len(hidden) == len(coded)
    for code, status in (("c", "suppressed"), ("u", "suppressed"), ("x", "missing")):
        mine = hidden[hidden["status_reason"].str.startswith(f"{code}:")]
        assert len(mine) == (coded["rereferral_percent"] == code).sum() and (mine["status"] == status).all()
    assert hidden[["value", "numerator", "denominator"]].isna().all().all()  # never zero


def test_reorganised_authorities_keep_one_series_and_both_codes(public_store):
    with Store(public_store, read_only=True) as db:
        obs = db.observations(["DFE_REREF"])
        attributes = db.area_attributes()
    for name, current, old, number in (("North Yorkshire", "E06000065", "E10000023", "815"), ("Somerset", "E06000066", "E10000027", "933")):
        series = obs[obs["area_name"] == name]
        assert set(series["area_code"]) == {current}
        assert len(series) == 13  # 2013 to 2025: one unbroken series
        codes = set(attributes[(attributes["area_code"] == current) & (attributes["key"] == "code")]["value"])
        assert codes == {current, old}
        assert set(attributes[(attributes["area_code"] == current) & (attributes["key"] == "dfe_number")]["value"]) == {number}


def test_lginform_quarters_and_areas(public_store, shared_data):
    raw = pd.read_csv(shared_data / PLANNING)
    with Store(public_store, read_only=True) as db:
        obs = db.observations(["PLAN_MAJOR_13WK"])
    assert len(obs) == len(raw)
    assert {p.label for p in obs["period"]} == set(raw["period"])
    trafford = obs[obs["area_name"] == "Trafford"]
    trafford = trafford.set_index(trafford["period"].map(lambda p: p.label))
    expected = raw[raw["area_name"] == "Trafford"].set_index("period")["value"]
    assert (trafford.loc[expected.index, "value"].to_numpy() == expected.to_numpy()).all()


def test_reimport_of_a_published_file_changes_nothing(public_store, shared_data, catalogue):
    before = dump_store(public_store)
    [report] = ingest([shared_data / C1], public_store, catalogue, today=TODAY, mapping=mapping("dfe_c1_referrals"))
    assert report.result.added == 0 and report.result.revised == 0
    after = dump_store(public_store)
    pd.testing.assert_frame_equal(before["observations"], after["observations"])
    assert_same_store({k: v for k, v in before.items() if k != "batches"}, {k: v for k, v in after.items() if k != "batches"})


def test_renamed_column_in_a_new_release_uses_the_alternatives(tmp_path, shared_data, catalogue):
    text = (shared_data / C1).read_text().replace("rereferral_count", "number_of_rereferrals", 1)
    renamed = tmp_path / "c1_next_release.csv"
    renamed.write_text(text)
    [report] = ingest([renamed], tmp_path / "s.duckdb", catalogue, today=TODAY, mapping=mapping("dfe_c1_referrals"))
    assert report.result.added == 2132
    unknown = tmp_path / "c1_unknown.csv"
    unknown.write_text(text.replace("number_of_rereferrals", "rereferrals_12m", 1))
    with pytest.raises(IngestError, match=r"none of the columns \['rereferral_count', 'number_of_rereferrals'\]"):
        ingest([unknown], tmp_path / "s.duckdb", catalogue, today=TODAY, mapping=mapping("dfe_c1_referrals"))


def test_cli_ingest_with_a_named_source(tmp_path, shared_data):
    import os
    import subprocess
    import sys

    shutil.copytree(PARAMS, tmp_path / "params")
    env = {**os.environ, "PERFKIT_HOME": str(tmp_path), "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, "-m", "perfkit", "ingest", "--source", "lginform_planning_major", str(shared_data / PLANNING)],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(tmp_path / "data" / "perfkit.duckdb"), read_only=True)
    assert con.execute("SELECT source FROM batches").fetchall() == [("LG Inform major planning applications in time",)]


def test_indicator_profile_with_spc_for_a_real_series(tmp_path, public_store, monkeypatch):
    import nbformat
    import papermill

    from .conftest import ROOT

    shutil.copytree(PARAMS, tmp_path / "params")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    monkeypatch.setenv("PERFKIT_HOME", str(tmp_path))
    out = tmp_path / "profile.ipynb"
    papermill.execute_notebook(
        str(tmp_path / "notebooks" / "indicator_profile.ipynb"), str(out), kernel_name="python3", progress_bar=False,
        parameters={"indicator": "DFE_REREF", "period": "2024/25", "area": "E08000009", "store": str(public_store)},
    )
    nb = nbformat.read(out, as_version=4)
    html = " ".join(o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {}))
    assert "Indicator profile: Re-referrals to children&#x27;s social care within 12 months (DfE), Trafford, 2024/25" in html
    assert "XmR chart of 13 points" in html  # reporting years 2013 to 2025
    assert "Variation: " in html and "Assurance: no target" in html


def test_statistical_neighbour_file_is_read_as_published(shared_data):
    from perfkit.config.groups import load_statistical_neighbours

    sn = load_statistical_neighbours(shared_data / "New_Statistical_Neighbour_Groupings_April_2021.csv")
    assert sn.groupby("la_number").size().eq(10).all()  # ten neighbours each, the trailing comma ignored
    trafford = sn[sn["la_number"] == "358"].sort_values("rank")
    assert trafford["neighbour"].tolist()[:3] == ["919", "305", "334"] and trafford["closeness"].iloc[0] == "Very Close"
    assert sn[sn["la_name"] == "Poole (Pre LG)"]["pre_lg"].all()
    assert sn["la_name"].iloc[0] == "City of London"  # the byte-order mark did not stick to the header


@pytest.mark.parametrize("dfe_number", ["358", "815", "201"])
def test_benchmark_equals_an_independent_computation(public_store, shared_data, dfe_number, monkeypatch):
    import math

    import perfkit

    raw = pd.read_csv(shared_data / C1, dtype=str, keep_default_na=False)
    year = raw[(raw["time_period"] == "2025") & (raw["geographic_level"] == "Local authority")]
    # rates are recomputed from the counts (more precise than the published 1 d.p.), as perfkit does
    counts = year[["rereferral_count", "referral_count"]].apply(pd.to_numeric, errors="coerce")
    recomputed = counts["rereferral_count"] / counts["referral_count"] * 100
    year = year.assign(pct=recomputed.fillna(pd.to_numeric(year["rereferral_percent"], errors="coerce")))
    me = year[year["old_la_code"] == dfe_number].iloc[0]
    sn_file = shared_data / "New_Statistical_Neighbour_Groupings_April_2021.csv"
    sn = pd.read_csv(sn_file, encoding="utf-8-sig", dtype=str)
    row = sn[sn["LA num"] == dfe_number].iloc[0]
    neighbour_numbers = [row[f"SN{i}"] for i in range(1, 11)]

    def me_value(row: pd.Series) -> float:
        return float(year.loc[year["old_la_code"] == row["old_la_code"], "pct"].iloc[0])

    def expected(members: pd.DataFrame) -> tuple:
        ranked = members.dropna(subset=["pct"])  # suppressed values are not ranked
        better = (ranked["pct"] < me["pct"]).sum()  # lower is better; ties share the better rank
        rank, n = better + 1, len(ranked)
        return rank, n, math.ceil(4 * rank / n), ranked["pct"].median()

    monkeypatch.delenv("PERFKIT_HOME", raising=False)
    table = perfkit.benchmark("DFE_REREF", me["new_la_code"], "2024/25", neighbours=sn_file, store=public_store, params=PARAMS).set_index("group")
    groups = {
        next(g for g in table.index if g.startswith("Statistical neighbours")): year[year["old_la_code"].isin(neighbour_numbers + [dfe_number])],
        f"Region: {me['region_name']}": year[year["region_code"] == me["region_code"]],
        "England: all upper-tier authorities reported": year,
    }
    for name, members in groups.items():
        rank, n, quartile, median = expected(members)
        got = table.loc[name]
        assert (got["rank"], got["rank_of"], got["quartile"]) == (rank, n, quartile), name
        assert got["median"] == pytest.approx(median), name
        assert got["position"] == perfkit.assess.ordinal(rank, n)
        ranked = members.dropna(subset=["pct"]).sort_values("pct")
        positions = ranked["pct"].rank(method="min")
        threshold = ranked.loc[(4 * positions / n).apply(math.ceil) == 1, "pct"].max()  # weakest value in quartile 1
        assert got["gap_to_median"] == pytest.approx(me_value(me) - median)
        assert got["best_quartile_threshold"] == pytest.approx(threshold)
        assert got["gap_to_best_quartile"] == pytest.approx(max(0.0, me_value(me) - threshold))


def test_comparator_chart_for_a_real_series_has_england_and_the_group(public_store, monkeypatch, tmp_path):
    from perfkit.report import IndicatorProfile

    from .conftest import ROOT

    shutil.copytree(ROOT / "examples" / "trafford" / "params", tmp_path / "params")  # its CIPFA group is PLAN_MAJOR_13WK's
    monkeypatch.setenv("PERFKIT_HOME", str(tmp_path))
    profile = IndicatorProfile.load("PLAN_MAJOR_13WK", "2025/26 Q2", store=public_store, area="E08000009")
    section = profile.comparators()
    chart = section.paragraphs[-1]
    raw = pd.read_csv(SHARED_DATA / PLANNING)
    q = raw[raw["period"] == "2025/26 Q2"].set_index("area_code")["value"]
    assert f"England {q['E92000001']:.0f}%" in chart.alt and f"this council {q['E08000009']:.0f}%" in chart.alt
    assert "16 areas" in chart.alt  # Trafford and its 15 CIPFA neighbours


def test_group_from_a_csv_list(tmp_path):
    from perfkit.config.groups import group_from_list

    path = tmp_path / "cipfa_neighbours.csv"
    path.write_text("\ufeffArea Code,Area Name\nE08000010,Wigan\nE06000055,Bedford\n", encoding="utf-8")
    group = group_from_list(path)
    assert group.members == {"E08000010": "Wigan", "E06000055": "Bedford"} and group.code == "cipfa_neighbours"
