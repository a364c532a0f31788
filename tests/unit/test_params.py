"""Report params are checked before any kernel starts, with the file and key named."""

import shutil

import pytest
import yaml

from perfkit.build.job import Job, check_parameters, plan
from perfkit.errors import ConfigError
from perfkit.config.papers import load_params
from perfkit.config.project import PACKAGED_NOTEBOOKS, Project
from perfkit.periods import parse_period

from ..helpers import PARAMS, ROOT, edit_yaml


@pytest.fixture()
def params_dir(tmp_path):
    shutil.copytree(PARAMS, tmp_path / "params")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    return tmp_path / "params"


def test_demo_params_load():
    params = load_params(PARAMS, ROOT / "notebooks")
    assert set(params.directorates) == {"housing", "childrens-services", "adult-social-care", "resources"}
    assert len(params.indicators_of("housing")) == 12
    assert params.meeting(parse_period("2025/26 Q2")).isoformat() == "2025-11-20"


@pytest.mark.parametrize(
    "changes, fragments",
    [
        ({"slug": "../x"}, ["housing.yaml", "'slug'", "path-safe"]),
        ({"slug": "a/b"}, ["'slug'", "path-safe"]),
        ({"slug": ""}, ["'slug'", "path-safe"]),
        ({"slug": "corporate"}, ["housing.yaml", "'slug'", "output folder of the corporate overview", "another slug"]),
        ({"slug": "areas"}, ["housing.yaml", "'slug'", "output folder of the area profiles"]),
        ({"committee": None}, ["housing.yaml", "'committee'", "Field required"]),
        ({"indicators": ["HSG_TA", "NOPE"]}, ["housing.yaml", "'indicators'", "NOPE"]),
        ({"paper": "paper e"}, ["'paper'"]),
        ({"status": "secret"}, ["'status'", "public", "internal"]),
    ],
)
def test_bad_directorate_is_named(params_dir, changes, fragments):
    edit_yaml(params_dir / "directorates" / "housing.yaml", **changes)
    with pytest.raises(ConfigError) as info:
        load_params(params_dir, params_dir.parent / "notebooks")
    for fragment in fragments:
        assert fragment in str(info.value)


def test_report_with_missing_notebook_is_named(params_dir):
    data = yaml.safe_load((params_dir / "reports.yaml").read_text())
    data["reports"][0]["notebook"] = "nowhere.ipynb"
    (params_dir / "reports.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match="reports.yaml: report directorate_report: key 'notebook'"):
        load_params(params_dir, params_dir.parent / "notebooks")


def test_notebooks_come_from_the_project_then_from_perfkit(params_dir):
    """A project without notebooks/ builds with perfkit's own; one of its own overrides by name."""
    proj = Project(params_dir.parent)
    shutil.rmtree(proj.root / "notebooks")
    load_params(params_dir)  # every report's notebook is found among perfkit's
    assert proj.notebook("directorate_report.ipynb") == PACKAGED_NOTEBOOKS / "directorate_report.ipynb"
    (proj.root / "notebooks").mkdir()
    own = proj.root / "notebooks" / "directorate_report.ipynb"
    shutil.copy(PACKAGED_NOTEBOOKS / "directorate_report.ipynb", own)
    assert proj.notebook("directorate_report.ipynb") == own
    assert proj.notebook("corporate_overview.ipynb") == PACKAGED_NOTEBOOKS / "corporate_overview.ipynb"


def test_bad_meeting_date_is_named(params_dir):
    data = yaml.safe_load((params_dir / "calendar.yaml").read_text())
    data["meetings"]["2025/26 Q5"] = "2026-01-01"
    (params_dir / "calendar.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match="calendar.yaml.*meetings"):
        load_params(params_dir, params_dir.parent / "notebooks")


def test_plan_and_parameter_check(params_dir, tmp_path):
    params = load_params(params_dir, params_dir.parent / "notebooks")
    jobs = plan(params, parse_period("2025/26 Q2"), None, None)
    assert sorted((j.report.name, j.subject) for j in jobs) == sorted(
        [("directorate_report", s) for s in params.directorates] + [("corporate_overview", "corporate")]
    )
    check_parameters(jobs, Project(params_dir.parent), tmp_path / "s.duckdb")  # agrees: no error
    profiles = plan(params, parse_period("2025/26 Q2"), ["housing"], ["indicator_profile"])
    assert len(profiles) == 12 and profiles[0].name.startswith("indicator_profile_hsg_")
    # a notebook whose parameters cell does not declare what the build passes is refused
    notebook = params_dir.parent / "notebooks" / "corporate_overview.ipynb"
    notebook.write_text(notebook.read_text().replace('store = None', 'shop = None'))
    with pytest.raises(ConfigError, match=r"unknown: \['store'\], missing: \['shop'\]"):
        check_parameters(jobs, Project(params_dir.parent), tmp_path / "s.duckdb")


def test_outputs_never_leave_the_output_folder(tmp_path):
    params = load_params(PARAMS, ROOT / "notebooks")
    job = Job(params.report("directorate_report"), parse_period("2025/26 Q2"), "x", "../../etc")
    with pytest.raises(ConfigError, match="outside"):
        job.outputs(tmp_path / "outputs")
