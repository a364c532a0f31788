"""Incremental and resumable builds: exactly the reports whose inputs changed are rebuilt."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..helpers import PERIOD, SLUG, cli_env, edit_yaml, make_project, run_cli

pytestmark = pytest.mark.slow

ARGS = ("build", "--period", PERIOD, "--directorate", "housing", "--directorate", "resources", "--jobs", "2")
REPORTS = {"housing/directorate_report", "resources/directorate_report", "corporate/corporate_overview"}


def statuses(proc: subprocess.CompletedProcess) -> dict[str, str]:
    """report -> built / skipped / failed, from the summary table."""
    found = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"[│|]\s*(\S+/\S+)\s*[│|]\s*(built|skipped|failed)\s*[│|]", line)
        if m:
            found[m.group(1)] = m.group(2)
    return found


def rebuilt(proc) -> set[str]:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {k for k, v in statuses(proc).items() if v == "built"}


@pytest.fixture(scope="module")
def project(tmp_path_factory, demo_store_master):
    folder = make_project(tmp_path_factory.mktemp("incremental"), demo_store_master)
    first = run_cli(folder, *ARGS, check=False)
    assert rebuilt(first) == REPORTS
    return folder


def mtimes(project):
    return {p: p.stat().st_mtime_ns for p in (project / "outputs").glob("*/*/*.*")}


def test_no_change_rebuilds_nothing_and_touches_no_file(project):
    before = mtimes(project)
    proc = run_cli(project, *ARGS, check=False)
    assert rebuilt(proc) == set() and set(statuses(proc).values()) == {"skipped"}
    assert mtimes(project) == before
    manifest = json.loads((project / "outputs" / "manifest.json").read_text())["reports"]
    entry = manifest[f"{SLUG}/housing/directorate_report"]
    assert entry["status"] == "built" and set(entry["inputs"]) == {"notebook", "parameters", "data", "params", "code"}
    assert entry["seconds"]["execute"] > 0 and entry["files"]["pdf"].endswith("directorate_report.pdf")


NOTEBOOK_STACK = ("nbformat", "nbconvert", "papermill", "jsonschema", "matplotlib", "jupyter_client", "nbclient")


def test_a_no_change_build_imports_none_of_the_notebook_stack(project):
    """Deciding that nothing needs building reads the store and the manifest: it never pays for
    importing what executes and renders notebooks (with JupyterLab installed, jsonschema's
    format checkers alone cost a second)."""
    script = (
        "import json, sys\n"
        f"sys.argv = ['perfkit', *{list(ARGS)!r}]\n"
        "from perfkit.cli.app import app\n"
        "try:\n    app()\nexcept SystemExit as exc:\n    code = exc.code\n"
        f"print(json.dumps({{'code': code, 'loaded': sorted(m for m in {NOTEBOOK_STACK!r} if m in sys.modules)}}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=project, env=cli_env(project), capture_output=True, text=True, timeout=300)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {"code": 0, "loaded": []}, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "0 built, 3 up to date" in proc.stdout


def test_each_kind_of_input_rebuilds_exactly_its_reports(project, tmp_path):
    # stored rows of one directorate: that directorate and the overview
    new = tmp_path / "ta.csv"
    new.write_text("indicator,area_code,area_name,period,value\nHSG_TA,ZZ0000001,Kestrel Vale,2025/26 Q2,512\n")
    run_cli(project, "ingest", str(new))
    assert rebuilt(run_cli(project, *ARGS, check=False)) == {"housing/directorate_report", "corporate/corporate_overview"}
    # rows of another directorate's indicator: not housing's or resources' business
    other = tmp_path / "cs.csv"
    other.write_text("indicator,area_code,area_name,period,value\nCS_CASELOAD,ZZ0000001,Kestrel Vale,2025-08,19.5\n")
    run_cli(project, "ingest", str(other))
    assert rebuilt(run_cli(project, *ARGS, check=False)) == {"corporate/corporate_overview"}
    # one directorate's params file
    path = project / "params" / "directorates" / "resources.yaml"
    edit_yaml(path, officer="Director of Resources and Digital")
    assert rebuilt(run_cli(project, *ARGS, check=False)) == {"resources/directorate_report", "corporate/corporate_overview"}  # the overview lists it
    # the notebook the directorate papers use
    nb_path = project / "notebooks" / "directorate_report.ipynb"
    nb = json.loads(nb_path.read_text())
    nb["cells"][0]["source"].append("\n\nEdited for the test.")
    nb_path.write_text(json.dumps(nb, indent=1))
    assert rebuilt(run_cli(project, *ARGS, check=False)) == {"housing/directorate_report", "resources/directorate_report"}
    # a report that failed last time is tried again
    manifest_path = project / "outputs" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["reports"][f"{SLUG}/corporate/corporate_overview"]["status"] = "failed"
    manifest_path.write_text(json.dumps(manifest))
    assert rebuilt(run_cli(project, *ARGS, check=False)) == {"corporate/corporate_overview"}
    # a deleted output file is rebuilt; --force rebuilds everything
    (project / "outputs" / SLUG / "housing" / "directorate_report.pdf").unlink()
    assert rebuilt(run_cli(project, *ARGS, check=False)) == {"housing/directorate_report"}
    assert rebuilt(run_cli(project, *ARGS, "--force", check=False)) == REPORTS
    # a directorate removed: the overview no longer lists it
    (project / "params" / "directorates" / "resources.yaml").rename(project / "resources.yaml.removed")
    only_housing = ("build", "--period", PERIOD, "--directorate", "housing", "--jobs", "2")
    proc = run_cli(project, *only_housing, check=False)
    assert rebuilt(proc) == {"corporate/corporate_overview"}, proc.stdout
    overview = (project / "outputs" / SLUG / "corporate" / "corporate_overview.html").read_text()
    assert "Resources" not in overview.split("About this report")[0]


def _recorded(manifest: Path) -> set[str]:
    """The reports the manifest records as finished (it is replaced whole, never half-written)."""
    return set(json.loads(manifest.read_text())["reports"]) if manifest.exists() else set()


def _inside_a_report(outputs: Path, build: subprocess.Popen, timeout: float = 240) -> Path:
    """Wait until the build has finished one report and started the next: the next one's
    temporary file (the executed notebook papermill writes, named by perfkit.atomic
    ".<name>.<random>.tmp.ipynb") is there, and the manifest does not yet record that report.
    Returns that temporary file."""
    manifest = outputs / "manifest.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert build.poll() is None, f"the build ended (exit {build.returncode}) before it could be killed inside a report"
        done = _recorded(manifest)
        if done:
            for tmp in sorted((outputs / SLUG).glob("*/.*.tmp*")):
                if f"{SLUG}/{tmp.parent.name}/{tmp.name[1:].split('.')[0]}" not in done:
                    return tmp
        time.sleep(0.05)
    raise AssertionError(f"after {timeout:.0f} s the build had not finished a report and started the next")


def test_killed_build_resumes_without_redoing_work(tmp_path, demo_store_master):
    project = make_project(tmp_path, demo_store_master)
    args = [sys.executable, "-m", "perfkit", "build", "--period", PERIOD, "--jobs", "1"]
    proc = subprocess.Popen(args, cwd=project, env=cli_env(project), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    manifest = project / "outputs" / "manifest.json"
    try:
        partial = _inside_a_report(project / "outputs", proc)
    finally:
        with contextlib.suppress(ProcessLookupError):  # (already ended, if the wait failed)
            os.killpg(proc.pid, signal.SIGKILL)  # the build, its kernel and anything else it started
        proc.wait()
    done_before = _recorded(manifest)
    assert 1 <= len(done_before) < 5
    assert partial.exists()  # killed while writing that report: its half-written file is left behind
    resumed = run_cli(project, "build", "--period", PERIOD, "--jobs", "1")
    assert "removed 1 half-written file(s) from an interrupted build" in resumed.stdout
    result = statuses(resumed)
    assert len(result) == 5
    assert {k for k, v in result.items() if v == "skipped"} == {k.split("/", 1)[1] for k in done_before}
    assert not list((project / "outputs").glob("**/.*.tmp*"))  # half-written files cleared, none left
    for pdf in (project / "outputs" / SLUG).glob("*/*.pdf"):
        assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.read_bytes().rstrip().endswith(b"%%EOF")


def _without_stamps(html: str) -> str:
    return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "<time>", html)


def test_dask_local_cluster_build_equals_local_build(tmp_path, demo_store_master, monkeypatch):
    from dask.distributed import LocalCluster

    # the workers start with another $PERFKIT_STORE: they must read the store the build chose
    monkeypatch.setenv("PERFKIT_STORE", str(tmp_path / "not-this-store.duckdb"))

    local = make_project(tmp_path / "local", demo_store_master)
    distributed = make_project(tmp_path / "dask", demo_store_master)
    args = ("build", "--period", PERIOD, "--directorate", "housing", "--format", "html")
    run_cli(local, *args)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        proc = run_cli(distributed, *args, "--scheduler", cluster.scheduler_address, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert rebuilt(proc) == {"housing/directorate_report", "corporate/corporate_overview"}
    for name in ("housing/directorate_report.html", "corporate/corporate_overview.html"):
        a = (local / "outputs" / SLUG / name).read_text().replace(str(local), "<project>")
        b = (distributed / "outputs" / SLUG / name).read_text().replace(str(distributed), "<project>")
        assert _without_stamps(a) == _without_stamps(b), name
    manifest = json.loads((distributed / "outputs" / "manifest.json").read_text())["reports"]
    assert {e["status"] for e in manifest.values()} == {"built"}


POLLUTER = [
    "import matplotlib as mpl, pandas as pd, perfkit.formatting, perfkit.report.directorate\n",
    "mpl.rcParams['lines.linewidth'] = 9\n",
    "pd.set_option('display.precision', 1)\n",
    "perfkit.formatting.format_value = lambda *a, **k: 'POLLUTED'\n",
    "perfkit.report.directorate.fmt = lambda *a, **k: 'POLLUTED'\n",
]


def test_warm_kernels_isolate_reports(tmp_path, demo_store_master):
    """A report that changes global state cannot change the next one in the same warm kernel."""
    warm = make_project(tmp_path / "warm", demo_store_master)
    nb = json.loads((warm / "notebooks" / "corporate_overview.ipynb").read_text())
    nb["cells"] = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    nb["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "id": "dirty", "source": POLLUTER})
    (warm / "notebooks" / "pollute.ipynb").write_text(json.dumps(nb))
    reports = (warm / "params" / "reports.yaml").read_text()
    (warm / "params" / "reports.yaml").write_text(
        reports.replace("reports:\n", "reports:\n  - {name: pollute, notebook: pollute.ipynb, title: Pollute, per: council}\n", 1)
    )
    cold = make_project(tmp_path / "cold", demo_store_master)
    args = ("build", "--period", PERIOD, "--directorate", "housing", "--format", "html", "--jobs", "1")
    proc = run_cli(warm, *args, check=False)
    assert rebuilt(proc) == {"corporate/pollute", "housing/directorate_report", "corporate/corporate_overview"}
    order = [line.split()[1] for line in proc.stdout.splitlines() if line.strip().startswith("built ")]
    assert order.index("corporate/pollute") < order.index("housing/directorate_report")  # the polluter ran first
    assert rebuilt(run_cli(cold, *args, "--cold-kernels", check=False)) == {"housing/directorate_report", "corporate/corporate_overview"}
    for name in ("housing/directorate_report.html", "corporate/corporate_overview.html"):
        a = (warm / "outputs" / SLUG / name).read_text().replace(str(warm), "<project>")
        b = (cold / "outputs" / SLUG / name).read_text().replace(str(cold), "<project>")
        assert "POLLUTED" not in a
        assert _without_stamps(a) == _without_stamps(b), name


def test_a_report_that_draws_charts_keeps_its_warm_kernel(tmp_path, demo_store_master, monkeypatch):
    """Drawing a chart settles matplotlib's backend, which rebinds pyplot functions; that is not
    a report's monkeypatch, so the kernel is reset, not replaced (replacing it after every paper
    with a chart cost a kernel start per report). A real monkeypatch still replaces it."""
    from perfkit.build.kernels import WarmKernel

    project = make_project(tmp_path / "warm", demo_store_master)
    monkeypatch.setenv("PERFKIT_HOME", str(project))
    monkeypatch.delenv("PERFKIT_STORE", raising=False)
    kernel = WarmKernel()
    try:
        paper = "from perfkit.report import DirectoratePaper\nDirectoratePaper.load('housing', '2025/26 Q2').exceptions()"
        for _ in range(2):
            kernel._run(paper)
            assert kernel.reset() is False, kernel.why
        kernel._run("".join(POLLUTER))
        assert kernel.reset() is True and kernel.why.startswith("changed: ") and kernel.restarts == 1
    finally:
        kernel.shutdown()
