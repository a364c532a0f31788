"""Build benchmark: perfkit against the plain papermill + nbconvert way, in the same run.

Run after README's set-up (from the repository root, with the virtualenv active):

    python benchmarks/build.py [--quarters 4] [--scale-rows 2000000] [--skip-plain]

It copies params/ and notebooks/ into a temporary project, generates the demo store, and
measures on this machine:

1. cold build of every default report for the last ``--quarters`` quarters (HTML + PDF):
   perfkit ``--jobs 2`` against the plain way (per report: the ``papermill`` CLI, then
   ``jupyter nbconvert --to html --no-input``, then perfkit's PDF step as its own command);
2. a no-change rebuild (command start-up included) against the cold build;
3. one directorate's data changed: which reports rebuild, and the time;
4. scale: ingest throughput of a ``--scale-rows`` canonical file, and one report's build
   time on a store that large against the demo store;
5. peak memory (RSS) of the build processes, and of the scale ingest.

Each figure prints as ``name: measured (target)`` and all go to benchmarks/results.json.
Not yet measured here (see the closing notes): ploomber's executor and the no-kernel limit.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results.json"


def run(cmd: list[str], project: Path, check: bool = True) -> tuple[float, subprocess.CompletedProcess]:
    env = {**os.environ, "PERFKIT_HOME": str(project)}
    env.pop("PERFKIT_STORE", None)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - started, proc


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


def plain_way(project: Path, periods: list[str]) -> float:
    """papermill CLI, then jupyter nbconvert CLI, then perfkit's PDF step, one report at a time."""
    sys.path.insert(0, str(ROOT))
    from perfkit.params import load_params

    params = load_params(project / "params", project / "notebooks")
    out = project / "plain"
    store = project / "data" / "perfkit.duckdb"
    jobs = []
    for period in periods:
        for report in (r for r in params.reports.values() if r.default):
            subjects = list(params.directorates) if report.per == "directorate" else ["corporate"]
            for subject in subjects:
                jobs.append((report, period, subject))
    started = time.perf_counter()
    for report, period, subject in jobs:
        folder = out / period.replace("/", "-").replace(" ", "-").lower() / subject
        folder.mkdir(parents=True, exist_ok=True)
        executed = folder / f"{report.name}.ipynb"
        cmd = [str(BIN / "papermill"), str(project / "notebooks" / report.notebook), str(executed), "-p", "period", period, "-p", "store", str(store), "--no-progress-bar"]
        if report.per == "directorate":
            cmd += ["-p", "directorate", subject]
        run(cmd, project)
        run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], project)
        pdf_step = f"import nbformat; from perfkit.render.exporters import to_pdf; open({str(folder / (report.name + '.pdf'))!r}, 'wb').write(to_pdf(nbformat.read({str(executed)!r}, as_version=4)))"
        run([sys.executable, "-c", pdf_step], project)
    return time.perf_counter() - started


def count_built(proc: subprocess.CompletedProcess) -> tuple[int, int]:
    found = re.search(r"(\d+) built, (\d+) up to date", proc.stdout)
    return (int(found[1]), int(found[2])) if found else (0, 0)


def scale(folder: Path, rows: int) -> dict:
    """Ingest ``rows`` canonical rows into a copy of the demo store; time one report on it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from ingest import make_file  # the same generator as benchmarks/ingest.py

    sys.path.insert(0, str(ROOT))
    from perfkit.catalogue import load_catalogue

    big = folder / "big.csv"
    make_file(big, rows, load_catalogue(folder / "params"))
    seconds, _ = perfkit(folder, "ingest", str(big))
    big.unlink()
    one, _ = perfkit(folder, "build", "--period", "2025/26 Q2", "--directorate", "housing", "--report", "directorate_report", "--force", "--out", str(folder / "scale_out"))
    return {"rows": rows, "ingest_seconds": seconds, "rows_per_second": rows / seconds, "one_report_seconds": one}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quarters", type=int, default=4)
    parser.add_argument("--scale-rows", type=int, default=2_000_000)
    parser.add_argument("--skip-plain", action="store_true", help="skip the (slow) plain-way baseline")
    args = parser.parse_args()
    periods = quarters(args.quarters)
    results: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}", "date": time.strftime("%Y-%m-%d")}
    with tempfile.TemporaryDirectory(prefix="perfkit-bench-") as tmp:
        project = make_project(Path(tmp) / "project")
        period_args = [a for p in periods for a in ("--period", p)]
        cold, _ = perfkit(project, "build", *period_args, "--jobs", "2")
        results["cold_build_seconds"] = cold
        if not args.skip_plain:
            results["plain_way_seconds"] = plain_way(project, periods)
            results["speedup_vs_plain"] = results["plain_way_seconds"] / cold
        nochange, _ = perfkit(project, "build", *period_args)
        results["no_change_rebuild_seconds"] = nochange
        change = Path(tmp) / "change.csv"
        change.write_text(f"indicator,area_code,area_name,period,value\nHSG_TA,ZZ0000001,Kestrel Vale,{periods[-1]},999\n")
        perfkit(project, "ingest", str(change))
        changed, proc = perfkit(project, "build", "--period", periods[-1], "--jobs", "2")
        results["one_directorate_change"] = {"seconds": changed, "built_and_skipped": count_built(proc), "rebuilt": sorted(set(re.findall(r"(\S+/\S+) *│ built", proc.stdout)))}
        demo_one, _ = perfkit(project, "build", "--period", "2025/26 Q2", "--directorate", "housing", "--report", "directorate_report", "--force", "--out", str(project / "demo_out"))
        results["one_report_demo_seconds"] = demo_one
        results["peak_rss_mb_build"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        results["scale"] = scale(project, args.scale_rows)
        results["scale"]["one_report_ratio_to_demo"] = results["scale"]["one_report_seconds"] / demo_one
    results["peak_rss_mb_with_ingest"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines = [
        f"cold build, {args.quarters} quarters x 5 reports, html+pdf, --jobs 2: {results['cold_build_seconds']:.1f} s",
        *([f"speed-up against the plain way: {results['speedup_vs_plain']:.1f}x (target >= 6x; plain way {results['plain_way_seconds']:.1f} s)"] if "speedup_vs_plain" in results else []),
        f"no-change rebuild: {results['no_change_rebuild_seconds']:.2f} s (target <= 1.5 s)",
        f"one directorate's data changed: {results['one_directorate_change']['seconds']:.1f} s, rebuilt {results['one_directorate_change']['rebuilt']} (target: that directorate and the overview)",
        f"ingest: {results['scale']['rows_per_second']:,.0f} rows/s on {results['scale']['rows']:,} rows (target >= 250,000)",
        f"one report at scale / at demo size: {results['scale']['one_report_ratio_to_demo']:.2f} (target <= 1.5)",
        f"peak RSS of any build process: {results['peak_rss_mb_build']:.0f} MB (target < 2048 MB)",
        f"peak RSS including the scale ingest: {results['peak_rss_mb_with_ingest']:.0f} MB",
    ]
    print("\n".join(lines))
    RESULTS.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()
