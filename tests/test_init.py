"""A council adopts perfkit: `pip install` (not editable), `perfkit init`, its data, a build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from perfkit.errors import ConfigError
from perfkit.scaffold.init import init_project

from .conftest import ROOT

C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"


def perfkit_cmd(cwd: Path, *args: str, python: str = sys.executable, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PERFKIT_HOME", "PERFKIT_STORE")} | {"COLUMNS": "200"}
    proc = subprocess.run([python, "-m", "perfkit", *args], capture_output=True, text=True, cwd=cwd, env=env)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


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
    assert not any(i.comparator_group for i in params.catalogue.values())  # the demo's groups stay with the demo


def test_a_real_councils_project_never_gets_demo_data(tmp_path):
    init_project(tmp_path, "Trafford Council", "E08000009")
    proc = perfkit_cmd(tmp_path, "build", check=False)
    assert proc.returncode == 1 and "holds no data yet: import Trafford Council's files first" in proc.stderr
    assert "Set up your own council" in proc.stderr
    proc = perfkit_cmd(tmp_path, "demo")
    assert "Kestrel Vale" in proc.stdout and f"cd {tmp_path / 'demo'}" in proc.stdout
    assert (tmp_path / "demo" / "data" / "perfkit.duckdb").is_file() and not (tmp_path / "data" / "perfkit.duckdb").exists()


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtualenv with perfkit installed from the checkout as a user would (``pip
    install``, not editable): its dependencies from the package index, perfkit a copy."""
    venv = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    proc = subprocess.run([python, "-m", "pip", "install", "--quiet", str(ROOT)], capture_output=True, text=True, cwd=venv)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return python


def test_new_council_from_an_installed_perfkit(installed, tmp_path, shared_data):
    where = subprocess.run([installed, "-c", "import perfkit.config.project as p; print(p.__file__); print(p.PACKAGED_NOTEBOOKS)"], capture_output=True, text=True, cwd=tmp_path, check=True).stdout.split()
    assert str(ROOT) not in where[0] and not Path(where[1]).is_symlink()  # an installed copy, not the checkout
    assert sorted(p.name for p in Path(where[1]).glob("*.ipynb")) == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))

    perfkit_cmd(tmp_path, "init", "trafford", "--council", "Trafford Council", "--area-code", "E08000009", python=installed)
    project = tmp_path / "trafford"
    assert not (project / "notebooks").exists()
    perfkit_cmd(project, "ingest", "--source", "dfe_c1_referrals", str(shared_data / C1), python=installed)
    proc = perfkit_cmd(project, "build", python=installed)
    assert "no committee meeting date for 2024/25" in proc.stdout and "2 built" in proc.stdout

    raw = pd.read_csv(shared_data / C1, dtype=str, keep_default_na=False)
    published = raw[(raw["new_la_code"] == "E08000009") & (raw["time_period"] == "2025")]["rereferral_percent"].iloc[0]
    folder = project / "outputs" / "2024-25" / "childrens-services"
    html = (folder / "directorate_report.html").read_text()
    assert "Trafford Council" in html and f"{float(published):.1f}%" in html and "to be confirmed" in html
    text = subprocess.run(["pdftotext", "-layout", str(folder / "directorate_report.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "Children's Services performance report: 2024/25" in text.replace("\u2019", "'") and f"{float(published):.1f}%" in text
    index = (project / "outputs" / "index.html").read_text()
    assert "2024-25/childrens-services/directorate_report.pdf" in index
    notebook = (folder / "directorate_report.ipynb").read_text()
    assert "site-packages" not in notebook and str(tmp_path) not in notebook  # no server paths in a published file
    assert yaml.safe_load((project / "params" / "council.yaml").read_text())["area_code"] == "E08000009"


def test_build_is_a_library_call(project_dir, demo_store, tmp_path):
    """perfkit.build.builder.build() builds without a terminal, telling what happens through events;
    the project has no notebooks/ of its own, so perfkit's shipped ones are used."""
    from perfkit.build.builder import BuildOptions, build

    assert not (project_dir / "notebooks").exists()
    events = []
    options = BuildOptions(periods=["2025/26 Q2"], reports=["corporate_overview"], formats="html", jobs=1, out=tmp_path / "out", store=demo_store)
    before = dict(os.environ)
    report = build(options, on_event=lambda kind, payload: events.append((kind, payload)))
    assert [r.status for r in report.results] == ["built"] and not report.failed
    assert [k for k, _ in events if k != "note"] == ["check", "start", "done"] and events[-1][1] is report.results[0]
    checked = next(p for k, p in events if k == "check")  # perfkit check ran first, and wrote its files beside the papers
    assert checked.period.label == "2025/26 Q2" and (tmp_path / "out" / "2025-26-q2" / "data-check.csv").is_file()
    assert any("1 report(s) for 2025/26 Q2" in str(p) for k, p in events if k == "note")
    html = (tmp_path / "out" / "2025-26-q2" / "corporate" / "corporate_overview.html").read_text()
    assert "Kestrel Vale Borough Council" in html and report.index.read_text().split("id='by-directorate'")[0].count("corporate_overview.html") == 1
    assert [r.status for r in build(options).results] == ["skipped"]
    # served in-process with cold kernels, and nothing of the build is left in this process's environment
    assert [r.status for r in build(options.but(force=True, warm_kernels=False)).results] == ["built"]
    assert dict(os.environ) == before
