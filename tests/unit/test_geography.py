"""Geography shipped with perfkit (perfkit/geography): the lookup derived from DfE's real
register, regions whatever the order files are imported in, a recoded authority as one series,
a joint return refused once. Real files from ../shared/data/public, through real imports."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from perfkit import geography
from perfkit.config.groups import region_members, region_of, tier_of
from perfkit.errors import IngestError
from perfkit.geography.derive import write
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.store.store import Store

from ..helpers import C1, PARAMS, TODAY
from ..helpers import shipped_mapping as mapping

LONDON_BOROUGHS = 33  # the City and 32 boroughs


def read_c1(shared_data) -> pd.DataFrame:
    return pd.read_csv(shared_data / C1, dtype=str, keep_default_na=False)


def save(frame: pd.DataFrame, path) -> object:
    frame.to_csv(path, index=False)
    return path


def test_the_shipped_lookup_is_what_the_script_derives_from_the_register(shared_data, tmp_path):
    rows = write(shared_data / "las.csv", tmp_path)
    assert (tmp_path / "authorities.csv").read_text() == (geography.lookup.HERE / "authorities.csv").read_text()  # rerun: unchanged
    shipped = geography.authorities()
    register = (shared_data / "las.csv").read_text()
    assert len(rows) == len(shipped) == 172 and sum(1 for a in shipped.values() if not a.end) == 153
    assert "E06000061 / E06000062" in register and not any(geography.is_joint(c) for c in shipped)  # joint rows and BFPO left out
    sheffield, barnsley = shipped["E08000019"], shipped["E08000016"]
    assert (sheffield.current_code, sheffield.end, sheffield.dfe_number) == ("E08000039", "2025-04-30", "373")
    assert barnsley.current_code == "E08000038" and shipped["E08000038"].current_code == "E08000038"
    for old, new in (("E10000023", "E06000065"), ("E10000027", "E06000066"), ("E08000020", "E08000037"), ("E06000048", "E06000057"), ("E10000002", "E06000060")):
        assert geography.current_code(old) == new, old
    assert shipped["E10000021"].successors == ("E06000061", "E06000062") and not shipped["E10000021"].current_code
    assert shipped["E10000006"].successors == ("E06000063", "E06000064")
    assert shipped["E06000028"].successors == shipped["E06000029"].successors == ("E06000058",)  # Bournemouth, Poole -> BCP
    assert "North Northamptonshire (E06000061)" in shipped["E10000021"].note
    assert shipped["E06000010"].name == "Kingston upon Hull, City of"  # a quoted name with its comma
    assert shipped["E10000005"].dfe_number == ""  # the register's "x"
    assert {a.region_code for a in shipped.values() if a.kind == "London borough"} == {"E12000007"}
    assert geography.region_codes()["E12000003"] == "Yorkshire and The Humber" and len(geography.region_codes()) == 9
    assert geography.source()["latest_change_in_register"] == "2025-05-01"
    assert tier_of("E10000023") == "upper" and tier_of("E07000107") == "district"


def _london_as_e12(frame: pd.DataFrame) -> pd.DataFrame:
    """The same figures, from a file recording London boroughs under London (E12000007)."""
    las = frame["geographic_level"].eq("Local authority") & frame["region_code"].str.startswith("E13")
    return frame.assign(region_code=frame["region_code"].where(~las, "E12000007"), region_name=frame["region_name"].where(~las, "London"))


@pytest.fixture()
def both_orders(tmp_path, shared_data, catalogue):
    """Two stores, C1 as DfE publishes it (Inner/Outer London) and a file recording E12000007
    for the same boroughs, imported in one order and in the other."""
    c1 = read_c1(shared_data)
    e12 = save(_london_as_e12(c1), tmp_path / "c1_london_e12.csv")
    stores = []
    for name, files in (("dfe_first", [shared_data / C1, e12]), ("e12_first", [e12, shared_data / C1])):
        store = tmp_path / f"{name}.duckdb"
        for path in files:
            ingest([path], store, catalogue, today=TODAY, mapping=mapping("dfe_c1_referrals"))
        stores.append(store)
    return stores


def test_regions_are_the_same_whichever_file_is_imported_first(both_orders, monkeypatch):
    import perfkit

    monkeypatch.delenv("PERFKIT_HOME", raising=False)
    tables = []
    for store in both_orders:
        with Store(store, read_only=True) as db:
            attributes = db.area_attributes()
        assert region_of("E09000001", attributes) == region_of("E09000033", attributes) == "E12000007"
        assert len(region_members("E12000007", attributes)) == LONDON_BOROUGHS
        assert region_members("E13000001", attributes) == region_members("E12000007", attributes)  # Inner London means London
        camden = perfkit.benchmark("DFE_REREF", "E09000007", "2024/25", store=store, params=PARAMS).set_index("group")
        assert camden.loc["Region: London", "rank_of"] == LONDON_BOROUGHS  # one group of Inner and Outer London (each about 12-20)
        tables.append(camden)
    pd.testing.assert_frame_equal(*tables)


def test_a_region_comes_from_the_lookup_even_from_a_file_without_parent_codes(tmp_path, shared_data, catalogue, monkeypatch):
    import perfkit

    c1 = read_c1(shared_data)
    blank = c1.assign(region_code=c1["region_code"].where(c1["old_la_code"].ne("815"), ""), region_name=c1["region_name"].where(c1["old_la_code"].ne("815"), ""))
    store = tmp_path / "s.duckdb"
    ingest([save(blank, tmp_path / "c1_no_parent.csv")], store, catalogue, today=TODAY, mapping=mapping("dfe_c1_referrals"))
    with Store(store, read_only=True) as db:
        attributes = db.area_attributes()
    mine = attributes[attributes["area_code"] == "E06000065"].set_index("key")["value"]
    assert (mine["region"], mine["region_source"]) == ("E12000003", "lookup")  # the store says where it came from
    monkeypatch.delenv("PERFKIT_HOME", raising=False)
    table = perfkit.benchmark("DFE_REREF", "E06000065", "2024/25", store=store, params=PARAMS).set_index("group")
    published = c1[(c1["time_period"] == "2025") & (c1["region_code"] == "E12000003") & c1["geographic_level"].eq("Local authority")]
    assert table.loc["Region: Yorkshire and The Humber", "rank_of"] == len(published) == 15  # North Yorkshire among them


def test_a_district_takes_its_region_from_the_county_a_file_records(tmp_path, catalogue):
    rows = [["E07000107", "Dartford", "E10000016"], ["E07000111", "Sevenoaks", "E13000002"], ["E07000240", "St Albans", ""]]
    path = save(pd.DataFrame([[code, name, "2025/26 Q1", "Major in time", "Percentage", "%", "90", parent] for code, name, parent in rows],
                             columns=["area_code", "area_name", "period", "indicator", "measure", "unit", "value", "parent_code"]), tmp_path / "districts.csv")
    data = yaml.safe_load((PARAMS / "sources" / "lginform_planning_major.yaml").read_text())
    data["indicators"][0]["where"] = {"indicator": "Major in time"}
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(data | {"attributes": {"region": ["parent_code"]}}))
    store = tmp_path / "s.duckdb"
    ingest([path], store, catalogue, today=TODAY, mapping=load_mapping(tmp_path / "m.yaml"))
    with Store(store, read_only=True) as db:
        attributes = db.area_attributes()
    assert region_of("E07000107", attributes) == "E12000008"  # Kent's region
    assert region_of("E07000111", attributes) == "E12000007"  # a file's Outer London is London
    assert region_of("E07000240", attributes) is None  # unknown, never guessed
    source = attributes[(attributes["area_code"] == "E07000107") & (attributes["key"] == "region_source")]["value"]
    assert source.tolist() == ["file districts.csv, column parent_code"]
    assert "E07000107" in region_members("E12000008", attributes)


def test_an_old_code_lands_in_the_current_authoritys_series(public_store, tmp_path, shared_data, catalogue):
    with Store(public_store, read_only=True) as db:
        obs = db.observations(["DFE_REREF"])
        attributes = db.area_attributes()
    assert "E08000019" in set(read_c1(shared_data)["new_la_code"])  # DfE's C1 still codes Sheffield as before May 2025
    assert not obs["area_code"].isin(["E08000019", "E08000016"]).any()
    assert len(obs[obs["area_code"] == "E08000039"]) == 13 and set(obs[obs["area_code"] == "E08000039"]["area_name"]) == {"Sheffield"}
    kept = attributes[(attributes["area_code"] == "E08000039") & (attributes["key"] == "original_code")]["value"]
    assert kept.tolist() == ["E08000019"]
    # a release using the new code (as the workforce release does) is the same series
    c1 = read_c1(shared_data)
    newer = c1[(c1["time_period"] == "2025") & c1["old_la_code"].isin(["373", "370"])]
    newer = newer.assign(new_la_code=newer["old_la_code"].map({"373": "E08000039", "370": "E08000038"}))
    [report] = ingest([save(newer, tmp_path / "c1_new_codes.csv")], public_store, catalogue, today=TODAY, mapping=mapping("dfe_c1_referrals"))
    assert (report.result.added, report.result.unchanged) == (0, 2)
    # a split keeps each series, with a note of what followed
    assert {p.label for p in obs[obs["area_code"] == "E10000021"]["period"]} >= {"2012/13", "2020/21"}
    assert len(obs[obs["area_code"] == "E06000061"]) == 4
    note = attributes[(attributes["area_code"] == "E10000021") & (attributes["key"] == "successor")]["value"].tolist()
    assert note == ["ended 31 Mar 2021; succeeded by North Northamptonshire (E06000061) and West Northamptonshire (E06000062)"]


def test_a_joint_return_is_refused_once_per_source_row(tmp_path, shared_data, catalogue):
    c1 = read_c1(shared_data)
    year = c1[(c1["time_period"] == "2025") & c1["old_la_code"].isin(["940", "358"])].copy()
    joint = year[year["old_la_code"] == "940"].assign(new_la_code="E06000061 / E06000062", old_la_code="940 / 941",
                                                      la_name="North Northamptonshire / West Northamptonshire")
    path = save(pd.concat([year[year["old_la_code"] == "358"], joint]), tmp_path / "c1_joint.csv")
    data = yaml.safe_load((PARAMS / "sources" / "dfe_c1_referrals.yaml").read_text())
    data["indicators"].append({"code": "HSG_DECENT", "value": ["no_further_action_percent"]})  # two indicators from each row
    (tmp_path / "two.yaml").write_text(yaml.safe_dump(data))
    two = load_mapping(tmp_path / "two.yaml")
    with pytest.raises(IngestError) as refused:
        ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY, mapping=two)
    assert len(refused.value.problems) == 1  # once, not once per mapped indicator
    [problem] = refused.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "new_la_code", "E06000061 / E06000062")
    assert "joint return of North Northamptonshire (E06000061) and West Northamptonshire (E06000062)" in problem.problem
    assert "--skip-invalid" in problem.fix
    [report] = ingest([path], tmp_path / "s.duckdb", catalogue, today=TODAY, mapping=two, skip_invalid=True, rejects=tmp_path / "rejected")
    assert (report.result.added, report.result.rejected) == (2, 1)  # Trafford's two figures; one source row refused
    assert len(pd.read_csv(report.rejects_path)) == 1
    with Store(tmp_path / "s.duckdb", read_only=True) as db:
        assert set(db.observations()["area_code"]) == {"E08000009"}
