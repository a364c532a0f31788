"""Area profiles: neighbour lists for every area read from a file (the profiles themselves,
built on DfE's published C1 file, are in tests/e2e/test_areas.py)."""

from __future__ import annotations

import json

import pytest


def test_groups_add_every_area_keeps_each_areas_own_list(tmp_path):
    from perfkit.config.groups import read_neighbour_lists
    from perfkit.errors import ConfigError

    path = tmp_path / "nearest.json"
    path.write_text(json.dumps({"E08000009": ["E08000009", "e08000007", "E06000049"], "E08000007": ["E08000009"]}))
    lists, unknown = read_neighbour_lists(path, "nearest", "Nearest neighbours")
    assert lists.lists == {"E08000009": ["E08000007", "E06000049"], "E08000007": ["E08000009"]} and unknown == {}
    one = tmp_path / "one.csv"
    one.write_text("area_code,area_name\nE08000007,Stockport\n")
    with pytest.raises(ConfigError, match="a CSV list or a YAML group is one group"):
        read_neighbour_lists(one, "x", "x")
