"""Nothing lost, nothing stale, nothing leaked: the defects a hostile test found (issue 14),
checked through builds and the command (those checked without one: tests/unit/test_hostile.py).

Each test here failed on the code before its fix. Malformed input files are written by the
tests themselves (the XLSX ones built with openpyxl, then edited as zip files); those
that are plain files are kept in ``tests/bad_inputs/`` too, with their expected messages.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from perfkit.build.job import Job, run_job
from perfkit.build.executors import WORKER_MEMORY, worker_count
from perfkit.render.formats import FORMATS
from perfkit.config.papers import load_params
from perfkit.config.project import Project
from perfkit.periods import parse_period
from perfkit.render.fonts import _covered
from perfkit.render.site import write_index

from ..helpers import PERIOD, SLUG, cli_env, dump_store, edit_yaml, make_project, run_cli, write_csv

pytestmark = pytest.mark.slow

#: commentary as people paste it: an emoji, Chinese, a byte-order mark, NUL, a bell, a
#: terminal escape sequence (clear the screen) and a right-to-left override (shows "on track" reversed)
PASTED = "Up \U0001f600 \u6f22 \ufeffbom \x00nul \x07bell \x1b[2J done \u202eon track\u202c"


def _files(project: Path, slug: str = "housing", name: str = "directorate_report") -> dict[str, Path]:
    folder = project / "outputs" / SLUG / slug
    return {ext: folder / f"{name}.{ext}" for ext in ("ipynb", "html", "pdf")}


@pytest.fixture(scope="module")
def pasted(tmp_path_factory, demo_store_master) -> tuple[Path, str]:
    """A project whose HSG_TA commentary was pasted with characters a PDF cannot take, built."""
    project = make_project(tmp_path_factory.mktemp("pasted"), demo_store_master)
    csv = project / "pasted.csv"
    csv.write_bytes(
        ("indicator,area_code,area_name,period,value,commentary\n"
         f'HSG_TA,ZZ0000001,Kestrel Vale,{PERIOD},503,"{PASTED}"\n').encode("utf-8")
    )
    ingest = run_cli(project, "ingest", str(csv))
    assert "control characters (invisible, unprintable) removed from the text of 1 row(s): row 2" in ingest.stdout
    proc = run_cli(project, "build", "--period", PERIOD, "--directorate", "housing", "--format", "html,pdf")
    return project, proc.stdout


def test_pasted_characters_are_typeset_or_shown_as_replaced_never_a_stale_pdf(pasted):
    project, log = pasted
    files = _files(project)
    html = files["html"].read_text(encoding="utf-8")
    assert "Up \U0001f600 \u6f22 bom nul bell [2J done on track" in html  # controls removed at ingest; the rest as typed
    assert "\u202e" not in html
    text = " ".join(page.extract_text() for page in PdfReader(files["pdf"]).pages)
    assert "\U0001f600" in text  # DejaVu Sans has it
    if _covered("\u6f22"):  # a machine with a CJK font prints it
        assert "\u6f22" in text
    else:  # otherwise a visible mark, and the build says which characters and what to install
        assert "Up \U0001f600 \ufffd bom nul bell [2J done" in " ".join(text.split())
        assert "PDF: no installed font has \u6f22" in log and "fonts-noto-cjk" in log
    assert "done on track" in " ".join(text.split()) and "kcart no" not in text  # in the order typed, not reversed by the override
    assert files["pdf"].stat().st_mtime >= files["html"].stat().st_mtime - 60  # built in the same run


def test_a_report_whose_pdf_fails_keeps_no_file_of_an_earlier_build(pasted, monkeypatch):
    project, _ = pasted
    files = _files(project)
    assert files["pdf"].is_file() and files["html"].is_file()

    def broken(*args, **kwargs):
        raise RuntimeError("PDF/UA-1 error: the text could not be displayed")

    monkeypatch.setattr("perfkit.render.exporters.to_pdf", broken)
    for name in ("PERFKIT_HOME", "PERFKIT_STORE"):  # run_job sets them for its kernel: undo that after the test
        monkeypatch.setenv(name, os.environ.get(name, ""))
        monkeypatch.delenv(name)
    params = load_params(project / "params", project / "notebooks")
    job = Job(params.report("directorate_report"), parse_period(PERIOD), "housing", "housing")
    out = project / "outputs"
    result = run_job(job, Project(project, project / "data" / "perfkit.duckdb"), out, tuple(FORMATS))
    assert result.status == "failed" and "rendering pdf: RuntimeError" in result.error
    assert not files["pdf"].exists() and not files["html"].exists()  # neither the old PDF nor a lone new HTML
    assert json.loads(files["ipynb"].read_text())["metadata"]["perfkit"]["failed"] == result.error
    index = write_index(out, "Kestrel Vale").read_text()
    row = next(r for r in index.split("<tr") if "directorate report" in r and "Housing" in r).split("</tr>")[0]
    assert "failed: rendering pdf: RuntimeError" in row and ".pdf" not in row and ".html" not in row


# ----- 4, 8, 18: the output folder -------------------------------------------------------
QUICK = ("build", "--period", PERIOD, "--report", "corporate_overview", "--format", "html")


@pytest.fixture(scope="module")
def plain(tmp_path_factory, demo_store_master) -> Path:
    return make_project(tmp_path_factory.mktemp("plain"), demo_store_master)


def test_build_writes_only_into_a_folder_it_made_and_cleans_only_its_own_temporaries(plain, tmp_path):
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<p>the team's own page</p>")
    proc = run_cli(plain, *QUICK, "--out", str(web), check=False)
    assert proc.returncode != 0 and "the folder holds files perfkit did not make (index.html)" in proc.stderr
    assert (web / "index.html").read_text() == "<p>the team's own page</p>" and sorted(os.listdir(web)) == ["index.html"]
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    proc = run_cli(plain, *QUICK, "--out", str(a_file), check=False)
    assert proc.returncode != 0 and "that is a file, not a folder" in proc.stderr and "Errno" not in proc.stderr

    out = tmp_path / "fresh"
    run_cli(plain, *QUICK, "--out", str(out))
    folder = out / SLUG / "corporate"
    theirs = [out / "sub" / ".thesis.tmp.docx", folder / ".thesis.tmp.docx", out / ".notes.tmp"]
    for path in theirs:
        path.parent.mkdir(exist_ok=True)
        path.write_text("a user's file")
    ours = folder / ".corporate_overview.k3x_9abc.tmp.html"  # what a killed build leaves (atomic_path's name)
    ours.write_text("<p>half")
    proc = run_cli(plain, *QUICK, "--out", str(out), check=False)
    assert proc.returncode == 0 and "removed 1 half-written file(s)" in proc.stdout
    assert not ours.exists() and all(p.read_text() == "a user's file" for p in theirs)


def test_a_second_build_into_the_same_folder_is_refused_while_one_runs(plain, tmp_path):
    from filelock import FileLock

    out = tmp_path / "shared"
    run_cli(plain, *QUICK, "--out", str(out))
    manifest = (out / "manifest.json").read_text()
    with FileLock(out / ".perfkit-outputs.lock"):  # as a build in another process holds it
        proc = run_cli(plain, *QUICK, "--out", str(out), "--force", check=False)
    assert proc.returncode != 0 and "another perfkit build is writing to" in proc.stderr
    assert (out / "manifest.json").read_text() == manifest  # untouched


@pytest.mark.parametrize("text", ["{not json", '{"version": 1, "reports": [1, 2]}', "[]"])
def test_an_unreadable_manifest_is_reported_and_everything_rebuilt(plain, tmp_path, text):
    out = tmp_path / "out"
    run_cli(plain, *QUICK, "--out", str(out))
    (out / "manifest.json").write_text(text)
    proc = run_cli(plain, *QUICK, "--out", str(out))
    assert "manifest.json could not be read" in proc.stdout and "every report will be rebuilt" in proc.stdout
    assert "1 built, 0 up to date" in proc.stdout
    assert json.loads((out / "manifest.json").read_text())["reports"]  # written anew


# ----- 5, 9: worker processes --------------------------------------------------------------
def test_killing_the_build_ends_its_workers_and_kernels(plain):
    import psutil
    args = ["build", "--period", PERIOD, "--directorate", "housing", "--directorate", "resources", "--jobs", "2", "--force", "--out", str(plain / "killed")]
    build = subprocess.Popen([sys.executable, "-m", "perfkit", *args], cwd=plain, env=cli_env(plain), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            family = psutil.Process(build.pid).children(recursive=True)
            kernels = [p for p in family if "ipykernel" in " ".join(_cmdline(p))]
            if len(kernels) >= 2:
                break
            time.sleep(0.5)
        assert len(kernels) >= 2, "the build never started its two warm kernels"
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_alive(p) for p in family):
            time.sleep(0.5)
        assert not [(_cmdline(p)[:3]) for p in family if _alive(p)], "workers or kernels outlived the build"
    finally:
        if build.poll() is None:
            build.kill()


def _cmdline(process) -> list[str]:  # noqa: ANN001 - a psutil.Process
    try:
        return process.cmdline()
    except Exception:  # noqa: BLE001 - gone, or a zombie
        return []


def _alive(process) -> bool:  # noqa: ANN001 - a psutil.Process
    import psutil

    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_workers_are_capped_at_the_reports_and_at_free_memory(plain, tmp_path):
    import psutil

    proc = run_cli(plain, *QUICK, "--out", str(tmp_path / "out"), "--jobs", "40", check=False)
    assert proc.returncode == 0 and "--jobs 40: 1 worker(s), as there are 1 report(s) to build" in proc.stdout
    count, why = worker_count(10_000, 10_000)
    assert count <= max(1, psutil.virtual_memory().available // WORKER_MEMORY) + 1
    assert count < 10_000 and "of memory free holds" in why


# ----- 6: a full disk ----------------------------------------------------------------------
def _with_file_size_limit(size: int):  # noqa: ANN202 - a preexec_fn
    """Writes beyond ``size`` bytes fail with EFBIG, as writes to a full disk fail with ENOSPC."""
    import resource

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


@pytest.mark.parametrize("size", [30_000, 3_000])
def test_a_full_disk_never_leaves_a_truncated_file_under_a_final_name(plain, tmp_path, size):
    out = tmp_path / "out"
    run_cli(plain, *QUICK, "--out", str(out))
    proc = run_cli(plain, *QUICK, "--out", str(out), "--force", check=False, env={"IPYTHONDIR": str(tmp_path / "ipython")}, timeout=600,
                   preexec_fn=_with_file_size_limit(size))
    assert proc.returncode == 1
    if size == 30_000:  # the executed notebook (about 45 kB) cannot be written; the manifest and index can
        assert "corporate/corporate_overview: the executed notebook could not be saved (File too large)" in proc.stderr
        assert not list((out / SLUG / "corporate").glob("corporate_overview.*"))  # nothing stale, nothing truncated
    else:  # not even the manifest
        assert "writing the build's files failed (File too large" in proc.stderr and "Errno" not in proc.stderr
    assert not [p.name for p in out.rglob("*") if ".tmp" in p.name]
    json.loads((out / "manifest.json").read_text())
    assert (out / "index.html").read_text().rstrip().endswith("</html>")
    for path in out.glob("*/*/*.*"):
        if path.suffix == ".ipynb":
            json.loads(path.read_text())
        elif path.suffix == ".html":
            assert path.read_text().rstrip().endswith("</html>")


# ----- 15, 16, 18: what is read, and how it is said ------------------------------------------
def test_a_damaged_store_and_a_period_without_data_are_said_plainly(plain, tmp_path):
    store = tmp_path / "cut.duckdb"
    data = (plain / "data" / "perfkit.duckdb").read_bytes()
    store.write_bytes(data[: len(data) * 3 // 4])  # a copy that did not finish
    proc = run_cli(plain, "show", "HSG_TA", "--store", str(store), check=False)
    assert proc.returncode == 1 and "unexpected error" not in proc.stderr
    assert "the store could not be read" in proc.stderr and "the file is damaged" in proc.stderr
    proc = run_cli(plain, "build", "--period", "2019/20 Q1", "--out", str(tmp_path / "out"), check=False)
    assert proc.returncode == 1 and "TypeError" not in proc.stdout + proc.stderr
    assert "--period 2019/20 Q1: the store holds none of the council's (ZZ0000001) figures for April to June 2019" in proc.stderr
    assert "the latest quarter with figures is 2025/26 Q4" in proc.stderr


def test_a_full_disk_during_an_import_says_so_and_keeps_the_store(plain, tmp_path):
    store = tmp_path / "store.duckdb"
    store.write_bytes((plain / "data" / "perfkit.duckdb").read_bytes())
    rows = ["indicator,area_code,area_name,period,value"] + [f"HSG_TA,E{i:08d},Area {i},2025/26 Q2,{i}" for i in range(60_000)]
    big = write_csv(tmp_path / "big.csv", "\n".join(rows) + "\n")
    before = dump_store(store)
    proc = run_cli(plain, "ingest", str(big), "--store", str(store), check=False, timeout=600,
                   preexec_fn=_with_file_size_limit(store.stat().st_size + 200_000))
    assert proc.returncode == 1
    assert "writing to the store" in proc.stderr and "File too large" in proc.stderr and "nothing was imported" in proc.stderr
    assert "cannot rollback" not in proc.stderr
    after = dump_store(store)
    assert before.keys() == after.keys() and all(before[t].equals(after[t]) for t in before)


# ----- 19: public notebooks carry no server paths --------------------------------------------
def test_published_notebooks_carry_no_absolute_paths_of_the_server(plain, tmp_path):
    out = plain / "outputs"
    run_cli(plain, *QUICK, "--force")
    nb_path = out / SLUG / "corporate" / "corporate_overview.ipynb"
    text = nb_path.read_text()
    assert str(plain) not in text and str(Path.home()) + "/" not in text and ".tmp" not in text
    nb = json.loads(text)
    assert nb["metadata"]["papermill"]["input_path"] == "notebooks/corporate_overview.ipynb"
    assert nb["metadata"]["papermill"]["output_path"] == f"outputs/{SLUG}/corporate/corporate_overview.ipynb"
    assert nb["metadata"]["papermill"]["parameters"]["store"] == "data/perfkit.duckdb"
    injected = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert 'store = "data/perfkit.duckdb"' in "".join(injected["source"])
    elsewhere = tmp_path / "elsewhere"  # --out outside the project: only names
    run_cli(plain, *QUICK, "--out", str(elsewhere))
    assert str(tmp_path) not in (elsewhere / SLUG / "corporate" / "corporate_overview.ipynb").read_text()


# ----- 13: nothing from the store drives the terminal ---------------------------------------
def test_perfkit_show_prints_stored_text_without_control_codes_or_markup(plain, tmp_path):
    store = tmp_path / "store.duckdb"
    store.write_bytes((plain / "data" / "perfkit.duckdb").read_bytes())
    hostile = "Fine\x1b]0;owned\x07 now\x1b[2J\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ [link=http://evil.example]here[/link] \x9b31m"
    with duckdb.connect(str(store)) as con:  # as a store written before ingest removed control characters
        con.execute("UPDATE observations SET commentary = ? WHERE indicator = 'HSG_TA' AND period = ? AND area_code = 'ZZ0000001'",
                    [hostile, PERIOD])
    proc = run_cli(plain, "show", "HSG_TA", "--period", PERIOD, "--store", str(store))
    assert not [c for c in proc.stdout if ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F]
    flat = " ".join(proc.stdout.split())
    assert "Fine]0;owned now[2J]8;;http://evil.example\\click]8;;\\ [link=http://evil.example]here[/link]" in flat.replace("│", "")


# ----- 11: commentary beside a withheld figure ---------------------------------------------------
def test_words_beside_a_withheld_figure_are_withheld_flagged_or_published_as_params_say(tmp_path, demo_store_master):
    project = make_project(tmp_path / "project", demo_store_master)
    csv = write_csv(project / "held.csv",
                    "indicator,area_code,area_name,period,value,status,note,commentary\n"
                    f'HSG_TA,ZZ0000001,Kestrel Vale,{PERIOD},,suppressed,fewer than 5 households,"Only 4 people are waiting: Mrs J Smith of Elm Road"\n')
    run_cli(project, "ingest", str(csv))
    build = ("build", "--period", PERIOD, "--directorate", "housing", "--report", "directorate_report", "--format", "html")
    proc = run_cli(project, *build)
    html = _files(project)["html"].read_text()
    assert "Mrs J Smith" not in html and "Only 4 people" not in html and "Withheld with the figure" in html
    log = " ".join(proc.stdout.split())
    assert f"HSG_TA: the owner's words for {PERIOD} sit beside a withheld figure and hold a number or a name; withheld from this public paper" in log
    edit_yaml(project / "params" / "directorates" / "housing.yaml", withheld_commentary="publish")
    proc = run_cli(project, *build)
    assert "Only 4 people are waiting: Mrs J Smith of Elm Road" in _files(project)["html"].read_text()
    assert "published in this paper (params: withheld_commentary: publish): check it reveals nothing" in " ".join(proc.stdout.split())
