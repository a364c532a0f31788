"""Comparator groups from the shapes publishers use, listed by `perfkit groups`, used by benchmark."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import perfkit
from perfkit.config.groups import read_group
from perfkit.errors import ConfigError
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.scaffold.init import init_project

from .conftest import ROOT, TODAY
from .test_init import perfkit_cmd

C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
SN = "New_Statistical_Neighbour_Groupings_April_2021.csv"
PLANNING = "trafford_planning_applications_major.csv"


def test_json_neighbour_lists_drop_the_area_itself(tmp_path):
    path = tmp_path / "cipfa.json"
    path.write_text(json.dumps({"E08000009": ["E08000009", "E08000007", "e06000055"], "E08000007": ["E08000009"]}))
    group = read_group(path, "E08000009", names={"E08000007": "Stockport"})
    assert group.members == {"E08000007": "Stockport", "E06000055": "E06000055"} and group.code == "cipfa_e08000009"
    with pytest.raises(ConfigError, match="no list for E09000001; the file has 2 areas"):
        read_group(path, "E09000001")
    (tmp_path / "bad.json").write_text('["E08000007"]')
    with pytest.raises(ConfigError, match="expected a JSON object of lists"):
        read_group(tmp_path / "bad.json", "E08000009")


def test_csv_list_and_yaml_groups(tmp_path):
    path = tmp_path / "my_group.csv"
    path.write_text("area_code,area_name\nE08000007,Stockport\nE08000008,\n")
    group = read_group(path, names={"E08000008": "Tameside"})
    assert group.members == {"E08000007": "Stockport", "E08000008": "Tameside"}  # a blank name from the store
    assert read_group(ROOT / "examples" / "trafford" / "params" / "comparators" / "trafford_cipfa.yaml").members["E08000002"] == "Bury"


@pytest.fixture()
def trafford(tmp_path, shared_data):
    """An init'ed Trafford project holding the DfE C1 file."""
    init_project(tmp_path, "Trafford Council", "E08000009")
    perfkit_cmd(tmp_path, "ingest", "--source", "dfe_c1_referrals", str(shared_data / C1))
    return tmp_path


def test_groups_add_and_list_and_benchmark(trafford, shared_data):
    lists = trafford / "neighbours.json"
    lists.write_text(json.dumps({"E08000009": ["E08000009", "E08000007", "E08000008", "E08000010"]}))
    proc = perfkit_cmd(trafford, "groups", "add", str(lists), "--code", "gm_neighbours", "--name", "Greater Manchester neighbours")
    assert "saved Greater Manchester neighbours (3 areas)" in proc.stdout
    text = (trafford / "params" / "comparators" / "gm_neighbours.yaml").read_text()
    assert "E08000007: Stockport" in text and "E08000010: Wigan" in text  # names from the store
    proc = perfkit_cmd(trafford, "groups", "add", str(shared_data / SN), "--code", "statistical_neighbours")
    assert "Statistical neighbours of Trafford (DfE) (10 areas)" in proc.stdout
    again = perfkit_cmd(trafford, "groups", "add", str(lists), "--code", "gm_neighbours", check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    listing = perfkit_cmd(trafford, "groups").stdout
    assert "gm_neighbours" in listing and "statistical_neighbours" in listing and "│ 10 " in listing and "│ 3 " in listing

    proc = perfkit_cmd(trafford, "benchmark", "DFE_REREF", "--area", "E08000009", "--period", "2024/25", "--group", "gm_neighbours")
    assert "Greater Manchester neighbours" in proc.stdout and "of 4" in proc.stdout
    unknown = perfkit_cmd(trafford, "benchmark", "DFE_REREF", "--area", "E08000009", "--period", "2024/25", "--group", "nope", check=False)
    assert unknown.returncode == 1 and "no comparator group 'nope'; known: gm_neighbours, statistical_neighbours" in unknown.stderr


def test_the_all_authority_group_is_what_the_publisher_reported(trafford, shared_data):
    """Its median equals the median of every authority in the published file, and importing an
    unrelated file (LG Inform planning, no geographic levels) does not change it."""
    store = trafford / "data" / "perfkit.duckdb"
    raw = pd.read_csv(shared_data / C1, dtype=str, keep_default_na=False)
    las = raw[(raw["geographic_level"] == "Local authority") & (raw["time_period"] == "2025")]
    counts = las[["rereferral_count", "referral_count"]].apply(pd.to_numeric, errors="coerce")
    rates = (counts["rereferral_count"] / counts["referral_count"] * 100).dropna()

    def england():
        table = perfkit.benchmark("DFE_REREF", "E08000009", "2024/25", store=store, params=trafford / "params").set_index("group")
        return table.loc["England: all upper-tier authorities reported"]

    before = england()
    assert before["rank_of"] == len(rates) and before["median"] == pytest.approx(rates.median())
    catalogue = perfkit.get_catalogue(trafford / "params")
    ingest([shared_data / PLANNING], store, catalogue, today=TODAY, mapping=load_mapping(trafford / "params" / "sources" / "lginform_planning_major.yaml"))
    after = england()
    assert (after["rank_of"], after["median"], after["rank"]) == (before["rank_of"], before["median"], before["rank"])


def test_a_group_never_changes_when_another_publishers_file_is_imported(tmp_path, shared_data):
    """LG Inform's planning file records no geographic levels, DfE's does: importing DfE's
    must not change which areas the planning indicator is compared with."""
    init_project(tmp_path, "Trafford Council", "E08000009")
    store, params = tmp_path / "data" / "perfkit.duckdb", tmp_path / "params"
    catalogue = perfkit.get_catalogue(params)
    ingest([shared_data / PLANNING], store, catalogue, today=TODAY, mapping=load_mapping(params / "sources" / "lginform_planning_major.yaml"))

    def everyone():
        table = perfkit.benchmark("PLAN_MAJOR_13WK", "E08000009", "2025/26 Q2", store=store, params=params)
        return table.set_index("group").loc["England: all upper-tier authorities reported", ["rank", "rank_of", "median"]].tolist()

    before = everyone()
    assert before[1] == 16  # Trafford and its 15 CIPFA neighbours: the areas the publisher reported
    ingest([shared_data / C1], store, catalogue, today=TODAY, mapping=load_mapping(params / "sources" / "dfe_c1_referrals.yaml"))
    assert everyone() == before
