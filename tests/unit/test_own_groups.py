"""Groups per publisher, and every group is someone's: on DfE's C1 file with DfE's 2021 and 2025
statistical neighbour files, and LG Inform's planning file with Trafford's CIPFA neighbours.

Each expected rank is worked here from the published files with pandas, independently of
perfkit: an area profile ranks each indicator in its own publisher's group and names it on its
row; ``benchmark`` and ``show`` for another area never use the council's own list (that area's
own DfE neighbours, or words saying it has none), and never rank a region."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest
import yaml

import perfkit
from perfkit.config.groups import (
    read_group,
    read_neighbour_lists,
    save_group,
    save_neighbour_lists,
)
from perfkit.errors import ConfigError
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.scaffold.init import init_project
from perfkit.store.store import Store

from ..helpers import C1, PLANNING, ROOT, SN, TODAY

SN_2025 = "sn_model_2025_wide.csv"
TRAFFORD, STOCKPORT, LEEDS, BURY, NORTH_EAST = "E08000009", "E08000007", "E08000035", "E08000002", "E12000001"


def _project(folder, council: str, code: str, shared, planning: bool = False):
    init_project(folder, council, code)
    store, params = folder / "data" / "perfkit.duckdb", folder / "params"
    catalogue = perfkit.get_catalogue(params)
    ingest([shared / C1], store, catalogue, today=TODAY, mapping=load_mapping(params / "sources" / "dfe_c1_referrals.yaml"))
    if planning:
        ingest([shared / PLANNING], store, catalogue, today=TODAY, mapping=load_mapping(params / "sources" / "lginform_planning_major.yaml"))
    return store, params


def _numbers(store):
    with Store(store, read_only=True) as db:
        return db.area_attributes("dfe_number")


def _c1_2025(shared) -> tuple[pd.DataFrame, dict[str, str]]:
    """Each authority's published 2025 percentage (1 d.p., what perfkit ranks on) by its current
    ONS code, and each DfE number's current code (DfE's register, las.csv: the live code of that
    number, so Barnsley's and Sheffield's pre-2025 codes in C1 read as their current ones)."""
    register = pd.read_csv(shared / "las.csv", dtype=str, keep_default_na=False)
    live = register[(register["status"] == "live") & register["old_la_code"].str.isdigit()]
    code_of = dict(zip(live["old_la_code"], live["new_la_code"]))
    raw = pd.read_csv(shared / C1, dtype=str, keep_default_na=False)
    now = raw[(raw["geographic_level"] == "Local authority") & (raw["time_period"] == "2025")]
    now = now.assign(code=now["old_la_code"].map(code_of)).set_index("code")
    return now.assign(shown=pd.to_numeric(now["rereferral_percent"], errors="coerce")), code_of


def _wide_2025(shared, code_of: dict[str, str]) -> dict[str, list[str]]:
    """DfE's 2025 model: each authority's neighbours as ONS codes, read with pandas."""
    sn = pd.read_csv(shared / SN_2025, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    return {code_of[r["old_la_code"]]: [code_of[r[f"SN_{k}"]] for k in range(1, 11) if r[f"SN_{k}"] in code_of]
            for _, r in sn.iterrows() if r["old_la_code"] in code_of}


def _place(values: pd.Series, area: str, higher: bool) -> str:
    """'4th of 11' ('joint 4th of 11'), from the figures as published."""
    known = values.dropna()
    rank = int(known.rank(method="min", ascending=not higher)[area])
    joint = "joint " if (known == known[area]).sum() > 1 else ""
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{joint}{rank}{suffix} of {len(known)}, quartile {math.ceil(4 * rank / len(known))}"


def test_dfes_2025_model_gives_every_authority_its_own_list(tmp_path, shared_data):
    store, _ = _project(tmp_path, "Stockport Council", STOCKPORT, shared_data)
    _, code_of = _c1_2025(shared_data)
    lists, unknown = read_neighbour_lists(shared_data / SN_2025, "dfe_2025", "Statistical neighbours (DfE 2025 model)", _numbers(store))
    assert lists.lists == _wide_2025(shared_data, code_of) and len(lists.lists) == 153 and unknown == {}
    group = read_group(shared_data / SN_2025, LEEDS, dfe_numbers=_numbers(store))  # one area's, as `groups add --area` reads it
    assert group.codes == lists.lists[LEEDS] and group.of == LEEDS and group.name == "Statistical neighbours of Leeds (DfE)"


def test_benchmark_for_another_area_never_uses_the_councils_own_list(tmp_path, shared_data):
    """Stockport's DfE neighbours are its comparator group for DFE_REREF: Leeds is ranked among
    its own DfE neighbours (the 2025 model's lists) or, without them, among none, said in words."""
    store, params = _project(tmp_path, "Stockport Council", STOCKPORT, shared_data)
    (params / "neighbours" / "dfe_statistical_neighbours_2025.yaml").unlink()  # without the library's DfE lists (tests/unit/test_dfe_neighbours.py has them)
    catalogue = perfkit.get_catalogue(params)
    own = read_group(shared_data / SN, STOCKPORT, dfe_numbers=_numbers(store))
    save_group(params, own, shared_data / SN, indicators=["DFE_REREF"], catalogue=catalogue)
    las, code_of = _c1_2025(shared_data)
    bench = lambda area, **kw: perfkit.benchmark("DFE_REREF", area, "2024/25", store=store, params=params, **kw).set_index("group")  # noqa: E731

    mine = bench(STOCKPORT)
    assert mine.loc["Statistical neighbours of Stockport (DfE)", "position"] == _place(las.loc[[STOCKPORT, *own.codes], "shown"], STOCKPORT, False).split(",")[0]
    leeds = bench(LEEDS)
    assert not any("Stockport" in g for g in leeds.index) and list(leeds.index) == ["Region: Yorkshire and The Humber", "England: all upper-tier authorities reported"]
    assert leeds.attrs["notes"] == ["DFE_REREF is not benchmarked among neighbours for Leeds: Statistical neighbours of Stockport (DfE) are Stockport's "
                                    "neighbours, not Leeds's, and Leeds has no list of its own (add every area's with `perfkit groups add FILE --every-area --for CODE`)"]
    card = perfkit.scorecard("2024/25", area=LEEDS, indicators=["DFE_REREF"], store=store, params=params).iloc[0]
    from perfkit.report.wording import comparator_text

    assert comparator_text(card).startswith("Not benchmarked: Statistical neighbours of Stockport (DfE) are Stockport's neighbours, not Leeds's")

    save_neighbour_lists(params, shared_data / SN_2025, "dfe_2025", "Statistical neighbours (DfE 2025 model)", _numbers(store), ["DFE_REREF"], catalogue)
    leeds = bench(LEEDS)
    neighbours = _wide_2025(shared_data, code_of)[LEEDS]
    expected = _place(las.loc[[LEEDS, *neighbours], "shown"], LEEDS, False)
    row = leeds.loc["Statistical neighbours (DfE 2025 model)"]
    assert f"{row['position']}, quartile {int(row['quartile'])}" == expected and row["rank_of"] == 11
    card = perfkit.scorecard("2024/25", area=LEEDS, indicators=["DFE_REREF"], store=store, params=params).iloc[0]
    assert comparator_text(card).startswith(expected + " (") and "Statistical neighbours (DfE 2025 model)" in comparator_text(card)
    assert "Statistical neighbours of Stockport (DfE)" in bench(STOCKPORT).index  # the council keeps its own

    with pytest.raises(ConfigError, match=r"North East \(E12000001\) is a region or country, not a local authority"):
        bench(NORTH_EAST)
    card = perfkit.scorecard("2024/25", area=NORTH_EAST, indicators=["DFE_REREF"], store=store, params=params).iloc[0]
    assert comparator_text(card) == "Not benchmarked: North East (E12000001) is not a local authority (a region or country): only authorities are ranked"
    with pytest.raises(ConfigError, match="--group dfe_sn_356: Statistical neighbours of Stockport .DfE. holds the neighbours of Stockport"):
        bench(LEEDS, group="dfe_sn_356")


def _neighbour_cell(profile, code: str) -> str:
    """The "Among neighbours" cell of an indicator's row in the profile's table, as read."""
    from bs4 import BeautifulSoup

    from perfkit.blocks.html import render
    from perfkit.blocks.model import block_data

    table = BeautifulSoup(render(block_data(profile.profile())), "html.parser").find("table")
    heads = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    row = next(tr for tr in table.find("tbody").find_all("tr") if f"[{code}]" in tr.get_text())
    cells = row.find_all(["th", "td"], recursive=False)
    return " ".join(cells[heads.index("Among neighbours")].get_text(" ", strip=True).split())


def test_an_area_profile_ranks_each_indicator_in_its_own_publishers_group_and_names_it(tmp_path, shared_data):
    """Trafford: DfE's re-referrals among DfE's statistical neighbours (every area's own list),
    LG Inform's planning among Trafford's 15 CIPFA neighbours (Trafford's own file); another
    area's profile never borrows Trafford's CIPFA list."""
    from perfkit.report import AreaProfile

    store, params = _project(tmp_path, "Trafford Council", TRAFFORD, shared_data, planning=True)
    shutil.copy(ROOT / "examples" / "trafford" / "params" / "comparators" / "trafford_cipfa.yaml", params / "comparators")
    save_neighbour_lists(params, shared_data / SN, dfe_numbers=_numbers(store))
    path = params / "reports.yaml"
    data = yaml.safe_load(path.read_text())
    entry = next(r for r in data["reports"] if r["name"] == "area_profile")
    entry["neighbours"] = {"dfe": "statistical_neighbours"}  # per publisher (the catalogue's publisher: DfE); planning keeps its own group
    path.write_text(yaml.safe_dump(data, sort_keys=False))

    las, _ = _c1_2025(shared_data)
    lists = yaml.safe_load((params / "neighbours" / "statistical_neighbours.yaml").read_text())["lists"]
    planning = pd.read_csv(shared_data / PLANNING, dtype={"value": float})
    quarter = planning[planning["period"] == "2025/26 Q2"].set_index("area_code")["value"]
    cipfa = yaml.safe_load((params / "comparators" / "trafford_cipfa.yaml").read_text())["members"]

    trafford = AreaProfile.load(TRAFFORD, "2025/26 Q2", root=tmp_path)
    dfe = _place(las.loc[[TRAFFORD, *lists[TRAFFORD]], "shown"], TRAFFORD, False)
    assert _neighbour_cell(trafford, "DFE_REREF").startswith(dfe) and _neighbour_cell(trafford, "DFE_REREF").endswith("Statistical neighbours (DfE)")
    plan = _place(quarter.loc[[TRAFFORD, *cipfa]], TRAFFORD, True)
    assert plan.endswith("of 16, quartile 1")
    assert _neighbour_cell(trafford, "PLAN_MAJOR_13WK").startswith(plan) and _neighbour_cell(trafford, "PLAN_MAJOR_13WK").endswith("Trafford CIPFA nearest neighbours")
    said = trafford.summary().paragraphs[0]
    assert "with: Statistical neighbours (DfE) (1 indicator); Trafford CIPFA nearest neighbours (1 indicator); Region: North West" in said

    bury = AreaProfile.load(BURY, "2025/26 Q2", root=tmp_path)  # one of Trafford's CIPFA neighbours
    assert _neighbour_cell(bury, "DFE_REREF").startswith(_place(las.loc[[BURY, *lists[BURY]], "shown"], BURY, False))
    assert _neighbour_cell(bury, "PLAN_MAJOR_13WK") == ("Not benchmarked: Trafford CIPFA nearest neighbours are Trafford's neighbours, not Bury's, "
                                                       "and Bury has no list of its own (add every area's with `perfkit groups add FILE --every-area --for CODE`)")
    assert "Statistical neighbours (DfE) (1 indicator); no neighbours (1 indicator)" in bury.summary().paragraphs[0]


def test_neighbours_per_indicator_are_checked(tmp_path):
    from perfkit.compare.membership import Groups
    from perfkit.config.papers import ReportDef

    init_project(tmp_path, "Trafford Council", TRAFFORD)
    catalogue = perfkit.get_catalogue(tmp_path / "params")
    report = lambda n: ReportDef(name="area_profile", notebook="area_profile.ipynb", title="x", per="area", neighbours=n)  # noqa: E731
    with pytest.raises(ConfigError, match="report area_profile: key 'neighbours': 'NOPE' is not an indicator, a publisher"):
        Groups.load(tmp_path / "params", catalogue, report({"NOPE": "x"}))
    with pytest.raises(ConfigError, match="key 'neighbours': no neighbour lists or comparator group 'missing'"):
        Groups.load(tmp_path / "params", catalogue, report({"dfe_reref": "missing"}))
    assert report({"DFE_REREF": "a", "default": "b"}).neighbours_for("dfe_reref") == "a"
    assert report({"DFE_REREF": "a", "default": "b"}).neighbours_for("PLAN_MAJOR_13WK") == "b"
    assert report("one").neighbours_for("PLAN_MAJOR_13WK") == "one"  # the single form: every indicator
    assert report({"MHCLG via LG Inform": "a", "DFE_REREF": "b"}).neighbours_for("PLAN_MAJOR_13WK", "MHCLG via LG Inform") == "a"
    with pytest.raises(ConfigError, match="no neighbour lists or comparator group .nope."):  # "DfE" is a key: a publisher of the catalogue
        Groups.load(tmp_path / "params", catalogue, report({"DfE": "nope"}))
