"""perfkit's library of published indicators, each mapping against its real file.

A project made by ``perfkit init`` (every pack) imports each release of ``../shared/data/public``
through the library's own mappings into a real DuckDB store, in the order the pack gives; the
figures stored are checked against the CSV with this test's own arithmetic (Stockport
E08000007, Trafford E08000009, England E92000001, the North West E12000002), with suppression
codes and the reorganised authorities.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
import yaml

from perfkit.config.catalogue import load_catalogue
from perfkit.errors import ConfigError, IngestError
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.scaffold.init import init_project
from perfkit.scaffold.library import choose_packs, packs

from ..helpers import PARAMS, TODAY, require_shared_data

STOCKPORT, TRAFFORD, ENGLAND, NORTH_WEST = "E08000007", "E08000009", "E92000001", "E12000002"
POP = "ons_mid-year_population_estimates_2012_to_2024.csv"
B1 = "b1_children_in_need_2013_to_2025.csv"
C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
C4 = "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"
CLA = "la_cla_placement_stability.csv"
LEAVERS = "la_care_leavers_activity.csv"


def csv(name: str) -> pd.DataFrame:
    """A published file as text, read by pandas (not by perfkit)."""
    return pd.read_csv(require_shared_data() / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def row(frame: pd.DataFrame, year: int, code: str, **where: str) -> pd.Series:
    """The one row of ``frame`` for ``code`` (an LA, region or England) in ``year``."""
    level = {"E92": "National", "E12": "Regional", "E13": "Regional"}.get(code[:3], "Local authority")
    column = {"National": "country_code", "Regional": "region_code"}.get(level, "new_la_code")
    keep = (frame["time_period"] == str(year)) & (frame["geographic_level"] == level) & (frame[column] == code)
    for key, value in where.items():
        keep &= frame[key] == value
    (found,) = frame[keep].index
    return frame.loc[found]


@pytest.fixture(scope="module")
def library_project(tmp_path_factory):
    """A new council's project with the whole library, every release imported as its pack says."""
    data = require_shared_data()
    folder = tmp_path_factory.mktemp("library")
    init_project(folder, "Stockport Council", STOCKPORT)
    catalogue = load_catalogue(folder / "params")
    store = folder / "data" / "perfkit.duckdb"
    reports = {}
    files = {POP: POP, B1: B1, C1: C1, C4: C4, CLA: CLA, LEAVERS: LEAVERS, "planning_applications_major.csv": "trafford_planning_applications_major.csv"}
    for pack in packs().values():
        for release in pack.releases:
            mapping = load_mapping(folder / "params" / "sources" / f"{release.source}.yaml")
            (reports[release.source],) = ingest([data / files[release.file]], store, catalogue, today=TODAY, mapping=mapping)
    return folder, store, reports


@pytest.fixture(scope="module")
def stored(library_project):
    _, store, _ = library_project
    con = duckdb.connect(str(store), read_only=True)
    frame = con.execute("SELECT indicator, area_code, period, value, numerator, denominator, status, status_reason, quality FROM observations").df()
    con.close()
    return frame.set_index(["indicator", "area_code", "period"]).sort_index()


def test_every_release_imports_whole(library_project, stored):
    _, _, reports = library_project
    assert {s: r.result.rejected for s, r in reports.items()} == dict.fromkeys(reports, 0)
    # one stored row per kept source row: national, regional and LA rows (the CIN files' 2,132)
    for code in ("ONS_POP_0_17", "DFE_CIN_RATE", "DFE_REREF", "DFE_REFERRAL_RATE", "DFE_S47_RATE", "DFE_ICPC_RATE", "DFE_ICPC_DAYS"):
        assert len(stored.loc[code]) == 2132, code
    cla = csv(CLA)
    assert len(stored.loc["DFE_CLA_3PLUS"]) == (cla["placement_stability"] == "With 3 or more placements during the year").sum() == 835
    leavers = csv(LEAVERS)
    eet = (leavers["care_leaver_age"] == "19 to 21 years") & (leavers["breakdown"] == "Total in education, employment or training")
    assert len(stored.loc["DFE_CL_EET_19_21"]) == eet.sum() == 835
    assert not stored["quality"].eq("counts_disagree").any()
    # every authority's published whole-number percentage is its counts' (paired from two rows), rounded half up
    paired = stored.loc[["DFE_CLA_3PLUS", "DFE_CLA_STABLE", "DFE_CL_EET_19_21"]].dropna(subset=["denominator"])
    authorities = paired[~paired.index.get_level_values("area_code").str[:3].isin(["E92", "E12", "E13"])]
    assert len(authorities) > 2200
    assert (authorities["value"] == (authorities["numerator"] * 100 / authorities["denominator"] + 0.5).apply(int)).all()


def test_children_in_need_rate_per_10000_divides_by_the_population_of_the_june_before(stored):
    b1, pop = csv(B1), csv(POP)
    for code in (STOCKPORT, TRAFFORD, ENGLAND, NORTH_WEST):
        for year in (2025, 2019, 2014):
            at31 = int(row(b1, year, code)["At31_episodes"])
            children = int(row(pop, year - 1, code)["population_estimate"])  # mid-2024 goes with the year to March 2025
            got = stored.loc[("DFE_CIN_RATE", code, f"{year - 1}/{str(year)[2:]}")]
            assert (got["numerator"], got["denominator"]) == (at31, children)
            assert got["value"] == pytest.approx(at31 / children * 10_000), (code, year)
    assert round(stored.loc[("DFE_CIN_RATE", STOCKPORT, "2024/25"), "value"], 1) == 398.6  # 2,587 / 64,910 x 10,000
    pop_row = stored.loc[("ONS_POP_0_17", STOCKPORT, "2024/25")]
    assert (pop_row["value"], pop_row["status"]) == (64910, "ok")


def test_children_in_need_codes_and_a_population_the_publisher_left_out(stored):
    # Bournemouth 2017/18: B1 has a count, ONS's file has x: missing, saying which figure is absent
    bournemouth = stored.loc[("DFE_CIN_RATE", "E06000028", "2017/18")]
    assert bournemouth["status"] == "missing" and "no ONS_POP_0_17 figure" in bournemouth["status_reason"]
    assert stored.loc[("ONS_POP_0_17", "E06000028", "2017/18"), "status"] == "missing"
    assert stored.loc[("DFE_CIN_RATE", "E09000012", "2021/22"), "status"] == "missing"  # Hackney: x
    hampshire = stored.loc[("DFE_CIN_RATE", "E10000014", "2023/24")]  # u: suppressed, never a number
    assert hampshire["status"] == "suppressed" and pd.isna(hampshire["value"])
    assert stored.loc[("DFE_CIN_RATE", "E06000053", "2022/23"), "status"] == "suppressed"  # Isles of Scilly: c


def test_a_reorganised_authority_is_one_series_with_its_population(stored):
    # North Yorkshire (DfE 815) was E10000023 until its new code; both files are stored under the latest code
    b1, pop = csv(B1), csv(POP)
    at31 = int(b1[(b1["time_period"] == "2019") & (b1["old_la_code"] == "815")]["At31_episodes"].iloc[0])
    children = int(pop[(pop["time_period"] == "2018") & (pop["old_la_code"] == "815")]["population_estimate"].iloc[0])
    got = stored.loc[("DFE_CIN_RATE", "E06000065", "2018/19")]
    assert got["value"] == pytest.approx(at31 / children * 10_000)
    assert ("DFE_CIN_RATE", "E10000023", "2018/19") not in stored.index
    # C4 gives Gateshead its pre-2013 code until 2019: still one series
    c4 = csv(C4)
    gateshead = stored.loc["DFE_S47_RATE"].loc["E08000037"]
    assert len(gateshead) == 13 and "E08000020" not in stored.loc["DFE_S47_RATE"].index
    s47 = int(c4[(c4["time_period"] == "2016") & (c4["old_la_code"] == "390")]["Section47"].iloc[0])
    assert gateshead.loc["2015/16", "numerator"] == s47


def test_referrals_c1_rates(stored):
    c1, pop = csv(C1), csv(POP)
    for code in (TRAFFORD, ENGLAND):
        source = row(c1, 2025, code)
        rate = stored.loc[("DFE_REFERRAL_RATE", code, "2024/25")]
        assert rate["value"] == pytest.approx(int(source["referral_count"]) / int(row(pop, 2024, code)["population_estimate"]) * 1e4)
        reref = stored.loc[("DFE_REREF", code, "2024/25")]
        assert reref["value"] == float(source["rereferral_percent"]) and reref["denominator"] == int(source["referral_count"])
    assert stored.loc[("DFE_REFERRAL_RATE", "E06000019", "2023/24"), "status"] == "suppressed"  # Herefordshire: u


def test_section_47s_and_conferences_c4(stored):
    c4, pop = csv(C4), csv(POP)
    source, children = row(c4, 2025, STOCKPORT), int(row(pop, 2024, STOCKPORT)["population_estimate"])
    assert stored.loc[("DFE_S47_RATE", STOCKPORT, "2024/25"), "value"] == pytest.approx(1079 / children * 1e4) and source["Section47"] == "1079"
    assert stored.loc[("DFE_ICPC_RATE", STOCKPORT, "2024/25"), "value"] == pytest.approx(int(source["ICPC"]) / children * 1e4)
    assert stored.loc[("DFE_ICPC_DAYS", STOCKPORT, "2024/25"), "value"] == float(source["Duration_median"]) == 14
    assert stored.loc[("DFE_ICPC_DAYS", ENGLAND, "2024/25"), "value"] == float(row(c4, 2025, ENGLAND)["Duration_median"])
    london = stored.loc[("DFE_ICPC_RATE", "E09000001", "2022/23")]  # City of London: 11 enquiries, conferences c
    assert london["status"] == "suppressed" and pd.isna(london["numerator"])
    assert stored.loc[("DFE_ICPC_DAYS", "E06000053", "2017/18"), "status"] == "missing"  # Isles of Scilly: z, no conferences


def test_placement_stability_from_the_total_children_row(stored):
    cla = csv(CLA)
    for code in (STOCKPORT, TRAFFORD, ENGLAND):
        for stored_code, group, measure in (
            ("DFE_CLA_3PLUS", "CLA on 31 March", "With 3 or more placements during the year"),
            ("DFE_CLA_STABLE", "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
             "Living with the same carer for at least 2 years"),
        ):
            counted = row(cla, 2025, code, cla_group=group, placement_stability=measure)
            total = row(cla, 2025, code, cla_group=group, placement_stability="Total children")
            got = stored.loc[(stored_code, code, "2024/25")]
            assert (got["numerator"], got["denominator"]) == (int(counted["children_count"]), int(total["children_count"]))
            assert got["value"] == float(counted["children_percent"])  # the published whole number
            assert round(got["numerator"] / got["denominator"] * 100) == got["value"]
    assert stored.loc[("DFE_CLA_3PLUS", STOCKPORT, "2024/25"), ["numerator", "denominator"]].tolist() == [56, 485]
    # Cumbria (E10000006) is listed after its abolition with z: missing, not zero
    assert stored.loc[("DFE_CLA_3PLUS", "E10000006", "2024/25"), "status"] == "missing"
    assert stored.loc[("DFE_CLA_3PLUS", "E06000065", "2020/21"), "status"] == "ok"  # North Yorkshire's current code in 2021


def test_care_leavers_in_education_employment_or_training_from_the_total_row(stored):
    leavers = csv(LEAVERS)
    for code in (STOCKPORT, TRAFFORD, ENGLAND, NORTH_WEST):
        for year in (2025, 2021):
            eet = row(leavers, year, code, care_leaver_age="19 to 21 years", breakdown="Total in education, employment or training")
            total = row(leavers, year, code, care_leaver_age="19 to 21 years", breakdown="Total")
            got = stored.loc[("DFE_CL_EET_19_21", code, f"{year - 1}/{str(year)[2:]}")]
            assert (got["numerator"], got["denominator"], got["value"]) == (
                int(eet["care_leaver_count"]), int(total["care_leaver_count"]), float(eet["care_leaver_percent"]))
    assert stored.loc[("DFE_CL_EET_19_21", STOCKPORT, "2024/25"), ["numerator", "denominator", "value"]].tolist() == [105, 171, 61]


def test_a_rate_of_the_population_needs_the_population_first(tmp_path):
    data = require_shared_data()
    init_project(tmp_path, "Stockport Council", STOCKPORT, library="dfe-children")
    store = tmp_path / "data" / "perfkit.duckdb"
    with pytest.raises(IngestError, match=r"b1_children_in_need_2013_to_2025.csv: DFE_CIN_RATE is a rate of ONS_POP_0_17 .*import the file that holds ONS_POP_0_17 first"):
        ingest([data / B1], store, load_catalogue(tmp_path / "params"), today=TODAY,
               mapping=load_mapping(tmp_path / "params" / "sources" / "dfe_b1_children_in_need.yaml"))
    assert not store.exists()  # nothing stored


def test_a_file_with_other_indicators_imports_them_and_says_which_rate_waits_for_its_population(tmp_path):
    data = require_shared_data()
    init_project(tmp_path, "Stockport Council", STOCKPORT, library="dfe-children")
    store, catalogue, sources = tmp_path / "data" / "perfkit.duckdb", load_catalogue(tmp_path / "params"), tmp_path / "params" / "sources"
    (first,) = ingest([data / C1], store, catalogue, today=TODAY, mapping=load_mapping(sources / "dfe_c1_referrals.yaml"))
    assert first.result.added == 2132 and first.result.rejected == 0  # the re-referrals, without the rate
    assert any("DFE_REFERRAL_RATE was not imported: DFE_REFERRAL_RATE is a rate of ONS_POP_0_17" in n and "import the file that holds ONS_POP_0_17 first" in n
               for n in first.notes)
    ingest([data / POP], store, catalogue, today=TODAY, mapping=load_mapping(sources / "ons_child_population.yaml"))
    (again,) = ingest([data / C1], store, catalogue, today=TODAY, mapping=load_mapping(sources / "dfe_c1_referrals.yaml"))
    assert (again.result.added, again.result.unchanged) == (2132, 2132)  # now the rates, the re-referrals unchanged
    assert any("DFE_REFERRAL_RATE row(s) stored as missing: no ONS_POP_0_17 figure" in n for n in again.notes)  # Bournemouth, Poole, Dorset


def test_a_denominator_row_filter_that_matches_two_rows_is_refused(tmp_path):
    init_project(tmp_path, "Stockport Council", STOCKPORT, library="dfe-children")
    source = tmp_path / "params" / "sources" / "dfe_care_leavers_activity.yaml"
    mapping = yaml.safe_load(source.read_text())
    del mapping["indicators"][0]["where"]["care_leaver_age"]  # the Total row of both ages would match
    source.write_text(yaml.safe_dump(mapping))
    with pytest.raises(IngestError, match=r"la_care_leavers_activity.csv: rows \d+, \d+: DFE_CL_EET_19_21's denominator_from.where .* matches more than one row"):
        ingest([require_shared_data() / LEAVERS], tmp_path / "s.duckdb", load_catalogue(tmp_path / "params"), today=TODAY, mapping=load_mapping(source))


@pytest.mark.parametrize("given", [{}, {"indicator": "ONS_POP_0_17", "where": {"breakdown": "Total"}}])
def test_denominator_from_names_one_place(tmp_path, given):
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump({"name": "m", "layout": "ees", "indicators": [{"code": "X", "numerator": ["n"], "denominator_from": given}]}))
    with pytest.raises(ConfigError, match=r"m.yaml: source mapping: key 'indicators.0.denominator_from': .*either where: .* or indicator:"):
        load_mapping(path)


def test_every_library_indicator_has_a_mapping_and_every_mapping_a_catalogue_entry():
    for pack in packs().values():
        files = {name: yaml.safe_load(text) for name, text in pack.files().items()}
        defined = {i["code"] for name, f in files.items() if name.startswith("indicators/") for i in f["indicators"]}
        mapped = {i["code"] for name, f in files.items() if name.startswith("sources/") for i in f["indicators"]}
        assert defined == mapped, pack.name
        assert {r.source for r in pack.releases} == {name[len("sources/"):-len(".yaml")] for name in files if name.startswith("sources/")}


def test_the_library_and_the_demo_agree_on_the_indicators_both_ship():
    """The demo council keeps its own published.yaml and mappings (examples/trafford links to
    them); where the library ships the same indicator, it says the same of it."""
    demo = {i["code"]: i for i in yaml.safe_load((PARAMS / "indicators" / "published.yaml").read_text())["indicators"]}
    library = {i["code"]: i for p in packs().values() for name, text in p.files().items() if name.startswith("indicators/")
               for i in yaml.safe_load(text)["indicators"]}
    assert {c: library[c] for c in demo} == demo
    for name in ("dfe_c1_referrals", "lginform_planning_major"):
        shipped = yaml.safe_load((PARAMS / "sources" / f"{name}.yaml").read_text())
        (ours,) = [yaml.safe_load(t) for p in packs().values() for n, t in p.files().items() if n == f"sources/{name}.yaml"]
        assert {k: v for k, v in ours.items() if k != "indicators"} == {k: v for k, v in shipped.items() if k != "indicators"}
        assert all(i in ours["indicators"] for i in shipped["indicators"]), name


def test_init_copies_the_packs_it_is_asked_for(tmp_path):
    from perfkit.config.papers import load_params

    init_project(tmp_path / "a", "Trafford Council", TRAFFORD, library="planning")
    assert sorted(p.name for p in (tmp_path / "a" / "params" / "sources").iterdir()) == ["canonical.yaml", "lginform_planning_major.yaml"]
    params = load_params(tmp_path / "a" / "params")
    assert list(params.catalogue) == ["PLAN_MAJOR_13WK"] and params.indicators_of("childrens-services") == []
    init_project(tmp_path / "b", "Trafford Council", TRAFFORD)  # every pack by default
    catalogue = load_catalogue(tmp_path / "b" / "params")
    assert catalogue["DFE_CIN_RATE"].unit.value == "rate per 10,000" and catalogue["DFE_CLA_3PLUS"].polarity.value == "lower"
    assert "perfkit ingest --source ons_child_population ons_mid-year" in (tmp_path / "b" / "README.md").read_text()
    assert [p.name for p in choose_packs("none")] == [] and [p.name for p in choose_packs(" Planning ,dfe-children")] == ["planning", "dfe-children"]
    with pytest.raises(ConfigError, match=r"no pack named ofsted in perfkit's library; choose from dfe-children, planning"):
        init_project(tmp_path / "c", "Trafford Council", TRAFFORD, library="dfe-children,ofsted")
    assert not (tmp_path / "c").exists()


def test_init_force_refuses_a_pack_that_would_define_an_indicator_twice(tmp_path):
    """A project made before the library has params/indicators/published.yaml with DFE_REREF."""
    init_project(tmp_path, "Trafford Council", TRAFFORD, library="none")
    (tmp_path / "params" / "indicators").mkdir()
    (tmp_path / "params" / "indicators" / "published.yaml").write_text((PARAMS / "indicators" / "published.yaml").read_text())
    with pytest.raises(ConfigError, match=r"published.yaml already defines DFE_REREF, which the library's dfe_children.yaml defines too"):
        init_project(tmp_path, "Trafford Council", TRAFFORD, force=True, library="dfe-children")
    assert not (tmp_path / "params" / "indicators" / "dfe_children.yaml").exists()
