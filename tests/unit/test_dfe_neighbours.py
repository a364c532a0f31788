"""DfE's 2025 statistical neighbours shipped with the library (perfkit/scaffold/dfe_neighbours.py):
the shipped lists are what the script derives from DfE's real file, and a new project made with
``perfkit init --library dfe-children`` ranks each authority among its own DfE neighbours with no
extra step. Every expected list and rank is worked here from the published CSVs with pandas."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import perfkit
from perfkit.config.groups import NeighbourLists
from perfkit.config.yaml import read_yaml
from perfkit.errors import ConfigError
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.report.wording import comparator_text
from perfkit.scaffold import dfe_neighbours
from perfkit.scaffold.library import packs

from ..helpers import C1, TODAY, require_shared_data, run_cli

SN_2025 = "sn_model_2025_wide.csv"
SHIPPED = dfe_neighbours.FOLDER / f"{dfe_neighbours.CODE}.yaml"
NAME = "Statistical neighbours (DfE, 2025 model)"
TRAFFORD, LEEDS = "E08000009", "E08000035"


def _code_of(shared) -> dict[str, str]:
    """Each DfE number's code now, from DfE's register (las.csv): the live code of that number."""
    register = pd.read_csv(shared / "las.csv", dtype=str, keep_default_na=False)
    live = register[(register["status"] == "live") & register["old_la_code"].str.isdigit()]
    return dict(zip(live["old_la_code"], live["new_la_code"]))


def _model(shared) -> dict[str, list[str]]:
    """DfE's 2025 model, read with pandas: each authority's ten neighbours by ONS code, in DfE's order."""
    code_of = _code_of(shared)
    sn = pd.read_csv(shared / SN_2025, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    return {code_of[r["old_la_code"]]: [code_of[r[f"SN_{k}"]] for k in range(1, 11)] for _, r in sn.iterrows()}


def test_the_shipped_lists_are_what_the_script_derives_from_dfes_file(shared_data, tmp_path):
    shipped = NeighbourLists.model_validate(read_yaml(SHIPPED))
    fresh = dfe_neighbours.write(shared_data / SN_2025, tmp_path, today=dt.date.fromisoformat(shipped.date))
    assert fresh.read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")  # rerun: unchanged
    model = _model(shared_data)
    assert shipped.lists == model and len(shipped.lists) == 153 and all(len(v) == 10 for v in shipped.lists.values())
    assert "E08000038" in shipped.lists and "E08000016" not in shipped.lists  # Barnsley (DfE 370) under its code since May 2025
    assert shipped.indicators == packs()["dfe-children"].codes()  # the pack's indicators: all DfE's
    assert "Open Government Licence" in shipped.source and "sn_model_2025_wide.csv" in shipped.source


def test_a_dfe_number_not_in_the_lookup_is_an_error_naming_the_cell(shared_data, tmp_path):
    lines = (shared_data / SN_2025).read_text(encoding="utf-8-sig").splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[6], "999", 1)  # row 4's SN_2
    bad = tmp_path / SN_2025
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    with pytest.raises(ConfigError, match=r"sn_model_2025_wide.csv: row 4, column SN_2: DfE number '999' is not a live authority .*perfkit.geography.derive"):
        dfe_neighbours.derive(bad)


@pytest.fixture(scope="module")
def new_project(tmp_path_factory):
    """A new council's project with only the DfE pack, C1 imported through the library's mapping."""
    shared, folder = require_shared_data(), tmp_path_factory.mktemp("dfe") / "trafford"
    run_cli(folder.parent, "init", folder.name, "--council", "Trafford Council", "--area-code", TRAFFORD, "--library", "dfe-children", home=False)
    params, store = folder / "params", folder / "data" / "perfkit.duckdb"
    ingest([shared / C1], store, perfkit.get_catalogue(params), today=TODAY, mapping=load_mapping(params / "sources" / "dfe_c1_referrals.yaml"))
    return folder, params, store


@pytest.mark.parametrize("area", [TRAFFORD, LEEDS])
def test_a_new_project_ranks_each_authority_among_its_own_dfe_neighbours(new_project, shared_data, area):
    _, params, store = new_project
    raw = pd.read_csv(shared_data / C1, dtype=str, keep_default_na=False)
    las = raw[(raw["geographic_level"] == "Local authority") & (raw["time_period"] == "2025")]
    shown = pd.to_numeric(las.set_index(las["old_la_code"].map(_code_of(shared_data)))["rereferral_percent"], errors="coerce")
    group = shown.loc[[area, *_model(shared_data)[area]]].dropna()
    rank = int(group.rank(method="min")[area])  # lower is better

    table = perfkit.benchmark("DFE_REREF", area, "2024/25", store=store, params=params).set_index("group")
    row = table.loc[NAME]
    assert (int(row["rank"]), int(row["rank_of"])) == (rank, len(group)) and len(group) == 11  # the area and its own ten
    assert table.attrs["notes"] == []
    card = perfkit.scorecard("2024/25", area=area, indicators=["DFE_REREF"], store=store, params=params).iloc[0]
    assert NAME in comparator_text(card) and f" of {len(group)}" in comparator_text(card)


def test_perfkit_groups_lists_the_shipped_lists_with_their_source(new_project):
    folder, _, _ = new_project
    said = " ".join(run_cli(folder, "groups").stdout.split())
    assert f"neighbour lists {dfe_neighbours.CODE}: {NAME}, each area's own, for 153 areas (the default group of ONS_POP_0_17, DFE_CIN_RATE, DFE_REREF" in said
    assert "source: DfE children's services statistical neighbours, 2025 model: sn_model_2025_wide.csv" in said and "Open Government Licence" in said
