"""A council adopts perfkit: `perfkit init` refuses what it must and writes a project that loads
(the install, the command and a build are in tests/e2e/test_init.py)."""

from __future__ import annotations

import pytest

from perfkit.errors import ConfigError
from perfkit.scaffold.init import init_project


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match=r"not empty \(it holds notes.txt\).*--force"):
        init_project(tmp_path, "Trafford Council", "E08000009")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing written


@pytest.mark.parametrize("code", ["E8000009", "E08000009X", "X08000009", "08000009", "E08-000009", ""])
def test_init_refuses_a_malformed_ons_code(tmp_path, code):
    with pytest.raises(ConfigError, match=r"not an ONS area code: expected a country letter \(E, W, S or N\) and 8 digits, e.g. E08000009"):
        init_project(tmp_path / "p", "Trafford Council", code)
    assert not (tmp_path / "p").exists()


def test_init_with_force_never_overwrites(tmp_path):
    mine = tmp_path / "params" / "council.yaml"
    mine.parent.mkdir()
    mine.write_text("name: Our own\n")
    written, kept = init_project(tmp_path, "Trafford Council", "e08000009", force=True)
    assert kept == [mine] and mine.read_text() == "name: Our own\n"
    assert tmp_path / "params" / "calendar.yaml" in written
    assert init_project(tmp_path, "Trafford Council", "E08000009", force=True)[0] == []  # a second run writes nothing


def test_init_writes_a_project_that_loads(tmp_path):
    from perfkit.config.council import load_council
    from perfkit.config.papers import load_params

    init_project(tmp_path, "Trafford Council", "e08000009")
    council = load_council(tmp_path / "params")
    assert (council.name, council.area_code, council.area_name) == ("Trafford Council", "E08000009", "Trafford")
    params = load_params(tmp_path / "params")  # notebooks come from perfkit: the project has none
    assert list(params.directorates) == ["childrens-services"] and params.indicators_of("childrens-services") == ["DFE_REREF"]
    assert params.catalogue.calendar.meetings == {}  # its own calendar, not the demo council's dates
    # the demo's groups stay with the demo: the only group is Trafford's own list in DfE's 2025 model, shipped with the library
    assert {i.comparator_group for i in params.catalogue.values()} == {None, "dfe_statistical_neighbours_2025"}
    assert list(params.catalogue.groups) == ["dfe_statistical_neighbours_2025"] and params.catalogue.groups["dfe_statistical_neighbours_2025"].of == "E08000009"
