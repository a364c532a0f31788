"""Build benchmark: perfkit against the plain papermill + nbconvert way, in the same run.

Run after README's set-up (from the repository root, with the virtualenv active):

    python benchmarks/build.py [--quarters 4] [--scale-rows 10000000] [--skip-plain] [--skip-ploomber]

It copies params/ and notebooks/ into a temporary project, generates the demo store, and
measures on this machine:

1. cold build of every default report for the last ``--quarters`` quarters (HTML + PDF):
   perfkit ``--jobs 2`` against the plain way (per report: the ``papermill`` CLI, then
   ``jupyter nbconvert --to html --no-input``, then perfkit's PDF step as its own command),
   against ploomber's parallel executor (a papermill task and a render task per report,
   2 processes; installed on first use into benchmarks/.ploomber-venv), and against "the limit": the
   notebooks' own cells and rendering run in one warm process per core, no kernels;
2. a no-change rebuild (command start-up included) against the cold build;
3. one directorate's data changed: which reports rebuild, and the time;
4. scale: ingest throughput of a ``--scale-rows`` canonical file, and one report's build
   time (median of 3) on a store that large against the demo store;
5. peak memory (RSS) of the whole cold build (the command, its workers and their kernels,
   summed), and of the scale ingest.

Each figure prints as ``name: measured (target)`` and all go to benchmarks/results.json.
ploomber (benchmarks/requirements.txt) is kept out of perfkit's environment: the first run
installs it into benchmarks/.ploomber-venv, which sees perfkit's packages through a .pth.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results.json"


#: The largest summed RSS (MB) of the last command run and its descendants.
LAST_PEAK_MB = [0.0]


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for each in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += each.memory_info().rss
    return total


def run(cmd: list[str], project: Path, check: bool = True) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``cmd``; its time, and in LAST_PEAK_MB the largest summed RSS of it and its descendants."""
    env = {**os.environ, "PERFKIT_HOME": str(project)}
    env.pop("PERFKIT_STORE", None)
    started = time.perf_counter()
    with subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as popen:
        peak, tree = 0, psutil.Process(popen.pid)
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.wait(0.05):
                with contextlib.suppress(psutil.Error):
                    peak = max(peak, _tree_rss(tree))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout, stderr = popen.communicate()
        stop.set()
        sampler.join()
    seconds = time.perf_counter() - started
    LAST_PEAK_MB[0] = peak / 2**20
    proc = subprocess.CompletedProcess(cmd, popen.returncode, stdout, stderr)
    if check and proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return seconds, proc


def perfkit(project: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    return run([str(BIN / "perfkit"), *args], project)


def make_project(folder: Path) -> Path:
    shutil.copytree(ROOT / "params", folder / "params")
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    perfkit(folder, "demo")
    return folder


def quarters(count: int) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from perfkit.periods import parse_period

    last = parse_period("2025/26 Q4")
    return [last.shift(-i).label for i in reversed(range(count))]


def grid(project: Path, periods: list[str]) -> list:
    """Every default report of ``periods``: the same jobs ``perfkit build`` plans."""
    sys.path.insert(0, str(ROOT))
    from perfkit.build.job import plan
    from perfkit.config.papers import load_params
    from perfkit.periods import parse_period

    params = load_params(project / "params", project / "notebooks")
    return [job for period in periods for job in plan(params, parse_period(period), None, None)]


def plain_way(project: Path, periods: list[str]) -> float:
    """papermill CLI, then jupyter nbconvert CLI, then perfkit's PDF step, one report at a time."""
    out, store = project / "plain", project / "data" / "perfkit.duckdb"
    started = time.perf_counter()
    for job in grid(project, periods):
        folder = job.outputs(out)
        folder.mkdir(parents=True, exist_ok=True)
        executed = folder / f"{job.name}.ipynb"
        cmd = [str(BIN / "papermill"), str(project / "notebooks" / job.report.notebook), str(executed), "--no-progress-bar"]
        for key, value in job.parameters(store).items():
            cmd += ["-p", key, str(value)]
        run(cmd, project)
        run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], project)
        pdf_step = f"import nbformat; from perfkit.render.exporters import to_pdf; open({str(folder / (job.name + '.pdf'))!r}, 'wb').write(to_pdf(nbformat.read({str(executed)!r}, as_version=4)))"
        run([sys.executable, "-c", pdf_step], project)
    return time.perf_counter() - started


_SHELL: dict = {}


def _warm_process(project: str) -> None:
    """A limit worker: perfkit, pandas, matplotlib and an IPython shell imported once."""
    os.environ["PERFKIT_HOME"] = project
    import matplotlib

    matplotlib.use("Agg")
    from IPython.core.interactiveshell import InteractiveShell

    import perfkit.report  # noqa: F401 - imported once, as a warm kernel would
    from perfkit.render import exporters  # noqa: F401

    main = sys.modules["__main__"]
    _SHELL["shell"] = InteractiveShell.instance()
    sys.modules["__main__"] = main  # IPython installs its own; the pool finds its functions here


def _run_in_process(job, project: str, out: str) -> None:
    """The notebook's own cells run in this process (no kernel), then HTML and PDF."""
    import nbformat
    from IPython.utils.capture import capture_output
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from perfkit.config.project import Project
    from perfkit.render.exporters import to_html, to_pdf

    store = Path(project) / "data" / "perfkit.duckdb"
    nb = parameterize_notebook(load_notebook_node(str(Project(Path(project)).notebook(job.report.notebook))), job.parameters(store))
    shell = _SHELL["shell"]
    shell.reset(new_session=False)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        with capture_output() as captured:
            result = shell.run_cell(cell.source, store_history=False)
        result.raise_error()
        cell.outputs = [nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata) for o in captured.outputs]
        if result.result is not None:
            data, metadata = shell.display_formatter.format(result.result)
            cell.outputs.append(nbformat.v4.new_output("execute_result", data=data, metadata=metadata, execution_count=1))
    folder = job.outputs(Path(out))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{job.name}.html").write_text(to_html(nb), encoding="utf-8")
    (folder / f"{job.name}.pdf").write_bytes(to_pdf(nb))


def limit(project: Path, jobs: list, workers: int = 2) -> float:
    """The same notebooks' code and rendering in one warm process per core, no kernels."""
    from concurrent.futures import ProcessPoolExecutor

    started = time.perf_counter()
    with ProcessPoolExecutor(workers, initializer=_warm_process, initargs=(str(project),)) as pool:
        list(pool.map(_run_in_process, jobs, [str(project)] * len(jobs), [str(project / "limit")] * len(jobs)))
    return time.perf_counter() - started


PLOOMBER_VENV = ROOT / "benchmarks" / ".ploomber-venv"


def ploomber_way(project: Path, periods: list[str]) -> float | None:
    """ploomber's parallel executor over the same grid, in its own virtualenv (see
    benchmarks/ploomber_grid.py for why); None when it cannot be installed."""
    python = PLOOMBER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PLOOMBER_VENV)], check=True)
        purelib = sysconfig.get_paths()["purelib"]
        site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True)
        # perfkit's environment, seen from the ploomber one (only what ploomber lacks is installed)
        Path(site.stdout.strip(), "perfkit-env.pth").write_text(f"import site; site.addsitedir({purelib!r})\n")
    installed = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", str(ROOT / "benchmarks" / "requirements.txt")], capture_output=True, text=True)
    if installed.returncode != 0:
        print(f"ploomber could not be installed: {installed.stderr[-500:]}", file=sys.stderr)
        return None
    # nbconvert's templates are data files of perfkit's environment, not on the .pth path
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(Path(sys.prefix, "share", "jupyter")), os.environ.get("JUPYTER_PATH")]))
    seconds, proc = run([str(python), str(ROOT / "benchmarks" / "ploomber_grid.py"), str(project), *periods], project)
    return json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]


def one_report(project: Path, out: Path, runs: int = 3) -> float:
    """The median time of building one report (housing's paper, command start-up included)."""
    args = ("build", "--period", "2025/26 Q2", "--directorate", "housing", "--report", "directorate_report", "--force", "--out", str(out))
    return statistics.median(perfkit(project, *args)[0] for _ in range(runs))


def count_built(proc: subprocess.CompletedProcess) -> tuple[int, int]:
    found = re.search(r"(\d+) built, (\d+) up to date", proc.stdout)
    return (int(found[1]), int(found[2])) if found else (0, 0)


def scale(folder: Path, rows: int) -> dict:
    """Ingest ``rows`` canonical rows into a copy of the demo store; time one report on it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from ingest import make_file  # the same generator as benchmarks/ingest.py

    sys.path.insert(0, str(ROOT))
    from perfkit.config.catalogue import load_catalogue

    big = folder / "big.csv"
    make_file(big, rows, load_catalogue(folder / "params"))
    seconds, _ = perfkit(folder, "ingest", str(big))
    peak = LAST_PEAK_MB[0]
    big.unlink()
    one = one_report(folder, folder / "scale_out")
    return {"rows": rows, "ingest_seconds": seconds, "rows_per_second": rows / seconds, "ingest_peak_rss_mb": peak, "one_report_seconds": one}


def areas(tmp: Path, skip_plain: bool) -> dict:
    """The area batch (benchmarks/area_batch.py), with this script's runner and limit."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT))
    from area_batch import measure

    shared = ROOT.parent / "shared" / "data" / "public"
    if not shared.is_dir():
        print(f"area batch: skipped, {shared} is not beside this checkout", file=sys.stderr)
        return {}

    def peak() -> float:
        return LAST_PEAK_MB[0]

    return measure(tmp, shared, ROOT, BIN, perfkit, run, peak, limit, skip_plain)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quarters", type=int, default=4)
    parser.add_argument("--scale-rows", type=int, default=10_000_000)
    parser.add_argument("--skip-plain", action="store_true", help="skip the (slow) plain-way baseline")
    parser.add_argument("--skip-ploomber", action="store_true", help="skip ploomber (installed on first use into benchmarks/.ploomber-venv)")
    parser.add_argument("--skip-areas", action="store_true", help="skip the area batch (every authority's profile from ../shared data)")
    parser.add_argument("--only-areas", action="store_true", help="only the area batch")
    args = parser.parse_args()
    periods = quarters(args.quarters)
    results: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}", "date": time.strftime("%Y-%m-%d")}
    with tempfile.TemporaryDirectory(prefix="perfkit-bench-") as tmp:
        project = make_project(Path(tmp) / "project")
        if not args.skip_areas:
            results["areas"] = areas(Path(tmp), args.skip_plain)
        if args.only_areas:
            return report(results, [])
        period_args = [a for p in periods for a in ("--period", p)]
        cold, _ = perfkit(project, "build", *period_args, "--jobs", "2")
        results["cold_build_seconds"] = cold
        results["peak_rss_mb_build"] = LAST_PEAK_MB[0]
        results["limit_seconds"] = limit(project, grid(project, periods))
        results["ratio_to_limit"] = cold / results["limit_seconds"]
        ploomber = None if args.skip_ploomber else ploomber_way(project, periods)
        if ploomber is not None:
            results["ploomber_seconds"] = ploomber
            results["speedup_vs_ploomber"] = ploomber / cold
        if not args.skip_plain:
            results["plain_way_seconds"] = plain_way(project, periods)
            results["speedup_vs_plain"] = results["plain_way_seconds"] / cold
        # the median of 3, as the target is stated: one run is at the mercy of the page cache
        results["no_change_rebuild_seconds"] = statistics.median(perfkit(project, "build", *period_args)[0] for _ in range(3))
        from area_batch import extras_python

        extras = extras_python(ROOT)  # perfkit with every extra (lab, dask, test), as an analyst's machine has it
        if extras is not None:
            results["no_change_rebuild_seconds_every_extra"] = statistics.median(
                run([str(extras), "-m", "perfkit", "build", *period_args], project)[0] for _ in range(3))
        change = Path(tmp) / "change.csv"
        change.write_text(f"indicator,area_code,area_name,period,value\nHSG_TA,ZZ0000001,Kestrel Vale,{periods[-1]},999\n")
        perfkit(project, "ingest", str(change))
        changed, proc = perfkit(project, "build", "--period", periods[-1], "--jobs", "2")
        results["one_directorate_change"] = {"seconds": changed, "built_and_skipped": count_built(proc), "rebuilt": sorted(set(re.findall(r"(\S+/\S+) *│ built", proc.stdout)))}
        demo_one = one_report(project, project / "demo_out")
        results["one_report_demo_seconds"] = demo_one
        results["scale"] = scale(project, args.scale_rows)
        results["scale"]["one_report_ratio_to_demo"] = results["scale"]["one_report_seconds"] / demo_one
    report(results, [
        f"cold build, {args.quarters} quarters x 5 reports, html+pdf, --jobs 2: {results['cold_build_seconds']:.1f} s",
        *([f"speed-up against the plain way: {results['speedup_vs_plain']:.1f}x (target >= 6x; plain way {results['plain_way_seconds']:.1f} s)"] if "speedup_vs_plain" in results else []),
        *([f"speed-up against ploomber's parallel executor: {results['speedup_vs_ploomber']:.1f}x (target > 1x; ploomber {results['ploomber_seconds']:.1f} s)"] if "ploomber_seconds" in results else ["ploomber: skipped"]),
        f"cold build / the limit: {results['ratio_to_limit']:.2f} (target <= 2; the limit, no kernels, {results['limit_seconds']:.1f} s)",
        f"no-change rebuild, median of 3: {results['no_change_rebuild_seconds']:.2f} s (target <= 1.5 s)"
        + (f"; with every extra installed: {results['no_change_rebuild_seconds_every_extra']:.2f} s" if "no_change_rebuild_seconds_every_extra" in results else ""),
        f"one directorate's data changed: {results['one_directorate_change']['seconds']:.1f} s, rebuilt {results['one_directorate_change']['rebuilt']} (target: that directorate and the overview)",
        f"ingest: {results['scale']['rows_per_second']:,.0f} rows/s on {results['scale']['rows']:,} rows (target >= 250,000)",
        f"one report at scale / at demo size: {results['scale']['one_report_ratio_to_demo']:.2f} (target <= 1.5)",
        f"peak RSS of the whole cold build (command, workers, kernels): {results['peak_rss_mb_build']:.0f} MB (target < 2048 MB)",
        f"peak RSS of the scale ingest: {results['scale']['ingest_peak_rss_mb']:.0f} MB (target < 2048 MB)",
    ])


def report(results: dict, lines: list[str]) -> None:
    """Print every figure and write them all to benchmarks/results.json."""
    from area_batch import lines as area_lines

    lines = lines + (area_lines(results["areas"]) if "areas" in results else ["area batch: skipped (--skip-areas)"])
    print("\n".join(lines))
    earlier = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    if "catalogue" in earlier:  # benchmarks/catalogue.py's figures, kept until it is run again
        results["catalogue"] = earlier["catalogue"]
    RESULTS.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()
