"""Comparator groups from the shapes publishers use, listed by `perfkit groups`, used by benchmark."""

from __future__ import annotations

import json

import pytest

import perfkit
from perfkit.config.groups import read_group
from perfkit.errors import ConfigError
from perfkit.ingest import ingest
from perfkit.ingest.sources import load_mapping
from perfkit.scaffold.init import init_project

from ..helpers import C1, PLANNING, ROOT, TODAY


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
