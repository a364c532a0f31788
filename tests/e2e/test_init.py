"""A council adopts perfkit: `pip install` (not editable), `perfkit init`, its data, a build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from perfkit.scaffold.init import init_project

from ..helpers import C1, ROOT, run_cli

pytestmark = pytest.mark.slow


def test_a_real_councils_project_never_gets_demo_data(tmp_path):
    init_project(tmp_path, "Trafford Council", "E08000009")
    proc = run_cli(tmp_path, "build", check=False, home=False)
    assert proc.returncode == 1 and "holds no data yet: import Trafford Council's files first" in proc.stderr
    assert "Set up your own council" in proc.stderr
    proc = run_cli(tmp_path, "demo", home=False)
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

    run_cli(tmp_path, "init", "trafford", "--council", "Trafford Council", "--area-code", "E08000009", python=installed, home=False)
    project = tmp_path / "trafford"
    assert not (project / "notebooks").exists()
    run_cli(project, "ingest", "--source", "dfe_c1_referrals", str(shared_data / C1), python=installed, home=False)
    proc = run_cli(project, "build", python=installed, home=False)
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
