"""Published files in through their shipped mappings, checked against the files themselves
(every C1 rate, the command and a notebook on them: tests/e2e/test_sources.py)."""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from perfkit.errors import IngestError
from perfkit.ingest import ingest
from perfkit.store.store import Store

from ..helpers import C1, PARAMS, PLANNING, ROOT, SHARED_DATA, TODAY, assert_same_store, dump_store
from ..helpers import shipped_mapping as mapping


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
    # ranked as published: DfE's own 1 d.p. figures (perfkit recomputes from the counts and
    # rounds half-up at the indicator's 1 decimal, which gives DfE's figure for every authority)
    year = year.assign(pct=pd.to_numeric(year["rereferral_percent"], errors="coerce"))
    me = year[year["old_la_code"] == dfe_number].iloc[0]
    sn_file = shared_data / "New_Statistical_Neighbour_Groupings_April_2021.csv"
    sn = pd.read_csv(sn_file, encoding="utf-8-sig", dtype=str)
    row = sn[sn["LA num"] == dfe_number].iloc[0]
    neighbour_numbers = [row[f"SN{i}"] for i in range(1, 11)]

    def half_up(value) -> float:  # noqa: ANN001 - the median rounded as a person rounds it, at 1 d.p.
        return float(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))

    def expected(members: pd.DataFrame) -> tuple:
        ranked = members.dropna(subset=["pct"])  # suppressed values are not ranked
        better = (ranked["pct"] < me["pct"]).sum()  # lower is better; ties share the better rank
        rank, n, tied = better + 1, len(ranked), int((ranked["pct"] == me["pct"]).sum())
        return rank, n, math.ceil(4 * rank / n), half_up(ranked["pct"].median()), tied

    def london(region: str) -> str:
        return "E12000007" if region in ("E13000001", "E13000002") else region

    monkeypatch.delenv("PERFKIT_HOME", raising=False)
    table = perfkit.benchmark("DFE_REREF", me["new_la_code"], "2024/25", neighbours=sn_file, store=public_store, params=PARAMS).set_index("group")
    groups = {
        next(g for g in table.index if g.startswith("Statistical neighbours")): year[year["old_la_code"].isin(neighbour_numbers + [dfe_number])],
        # Inner and Outer London, DfE's regions for London boroughs, are one group: London
        ("Region: London" if london(me["region_code"]) != me["region_code"] else f"Region: {me['region_name']}"):
            year[year["region_code"].map(london) == london(me["region_code"])],
        "England: all upper-tier authorities reported": year,
    }
    for name, members in groups.items():
        rank, n, quartile, median, tied = expected(members)
        got = table.loc[name]
        assert (got["rank"], got["rank_of"], got["quartile"]) == (rank, n, quartile), name
        assert got["median"] == median, name
        assert got["position"] == ("joint " if tied > 1 else "") + perfkit.assess.ordinal(rank, n)
        ranked = members.dropna(subset=["pct"]).sort_values("pct")
        positions = ranked["pct"].rank(method="min")
        threshold = ranked.loc[(4 * positions / n).apply(math.ceil) == 1, "pct"].max()  # weakest value in quartile 1
        assert got["value"] == me["pct"]
        assert got["gap_to_median"] == pytest.approx(me["pct"] - median)
        assert got["best_quartile_threshold"] == pytest.approx(threshold)
        assert got["gap_to_best_quartile"] == pytest.approx(max(0.0, me["pct"] - threshold))


def test_comparator_chart_for_a_real_series_has_england_and_the_group(public_store, monkeypatch, tmp_path):
    from perfkit.report import IndicatorProfile


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
