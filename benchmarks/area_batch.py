"""The area batch: one profile for every authority in DfE's C1 file (run by benchmarks/build.py).

A project made by ``perfkit init`` with DfE's C1 file and every authority's statistical
neighbours (read from ../shared/data/public), and the ``area_profile`` report comparing each
authority with its own. Measured in one run, HTML + PDF:

- the whole batch, ``--jobs 2``, against the limit (the same notebooks' cells and rendering in
  one warm process per core, no kernels) and against the plain papermill + nbconvert loop on
  a sample of 20 areas (scaled per report);
- its no-change rebuild (command start-up included), in this environment and in one that
  also has every extra installed (``lab``: JupyterLab, whose jsonschema format checkers cost
  a second to import, which a no-change build must never pay);
- one authority's revised figure: which profiles rebuild, and the time;
- peak RSS of the batch against a 20-report build;
- the batch on a Dask LocalCluster of 2 worker processes against the local build;
- ``--jobs 1`` against ``--jobs 2``: the per-report cost and the fixed cost.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

PERIOD = "2024/25"
C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
SN = "New_Statistical_Neighbour_Groupings_April_2021.csv"
SAMPLE = 20


def make_area_project(folder: Path, shared: Path, perfkit) -> Path:  # noqa: ANN001 - build.py's runner
    folder.parent.mkdir(parents=True, exist_ok=True)
    perfkit(folder.parent, "init", folder.name, "--council", "Trafford Council", "--area-code", "E08000009")
    perfkit(folder, "ingest", "--source", "dfe_c1_referrals", str(shared / C1))
    perfkit(folder, "groups", "add", str(shared / SN), "--every-area")
    path = folder / "params" / "reports.yaml"
    data = yaml.safe_load(path.read_text())
    next(r for r in data["reports"] if r["name"] == "area_profile")["neighbours"] = "statistical_neighbours"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


def area_jobs(project: Path, areas: list[str] | None = None) -> list:
    from perfkit.build.job import plan
    from perfkit.config.papers import load_params
    from perfkit.periods import parse_period

    params = load_params(project / "params", project / "notebooks")
    return plan(params, parse_period(PERIOD), None, ["area_profile"], areas, project / "data" / "perfkit.duckdb")


def plain_sample(project: Path, run, bin_dir: Path, jobs: list) -> float:  # noqa: ANN001
    """The plain way for ``jobs``: papermill CLI (parameters as YAML), nbconvert CLI, PDF step."""
    from perfkit.config.project import Project

    out, store = project / "plain", project / "data" / "perfkit.duckdb"
    notebook = Project(project).notebook("area_profile.ipynb")  # the project's own, else perfkit's
    started = time.perf_counter()
    for job in jobs:
        folder = job.outputs(out)
        folder.mkdir(parents=True, exist_ok=True)
        executed = folder / f"{job.name}.ipynb"
        params = folder / f"{job.name}.yaml"
        params.write_text(yaml.safe_dump(job.parameters(store)))
        run([str(bin_dir / "papermill"), str(notebook), str(executed), "--no-progress-bar", "-f", str(params)], project)
        run([str(bin_dir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], project)
        pdf_step = (f"import nbformat; from perfkit.render.exporters import to_pdf; open({str(folder / (job.name + '.pdf'))!r}, 'wb')"
                    f".write(to_pdf(nbformat.read({str(executed)!r}, as_version=4)))")
        run([sys.executable, "-c", pdf_step], project)
    return time.perf_counter() - started


def extras_python(root: Path) -> Path | None:
    """A virtualenv that sees this environment and adds perfkit's ``lab`` extra (JupyterLab):
    perfkit with every extra, as an analyst's machine has it. None when it cannot be made."""
    import sysconfig

    venv = root / "benchmarks" / ".extras-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True)
        Path(site.stdout.strip(), "perfkit-env.pth").write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "jupyterlab>=4.2"], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"the lab extra could not be installed: {done.stderr[-400:]}", file=sys.stderr)
        return None
    return python


def built(proc) -> tuple[int, int, list[str]]:  # noqa: ANN001
    found = re.search(r"(\d+) built, (\d+) up to date", proc.stdout)
    names = sorted(set(re.findall(r"built areas/area_profile_(\w+)", proc.stdout)))
    return (int(found[1]), int(found[2]), names) if found else (0, 0, names)


def measure(tmp: Path, shared: Path, root: Path, bin_dir: Path, perfkit, run, peak, limit, skip_plain: bool) -> dict:  # noqa: ANN001, PLR0913
    """Every area-batch figure; see the module."""
    project = make_area_project(tmp / "areas" / "national", shared, perfkit)
    jobs = area_jobs(project)
    n = len(jobs)
    build = ("build", "--report", "area_profile", "--period", PERIOD)
    results: dict = {"reports": n}
    cold, _ = perfkit(project, *build, "--jobs", "2")
    results["cold_seconds"], results["peak_rss_mb"] = cold, peak()
    results["limit_seconds"] = limit(project, jobs)
    results["ratio_to_limit"] = cold / results["limit_seconds"]
    sample = jobs[:: max(1, n // SAMPLE)][:SAMPLE]
    if not skip_plain:
        plain = plain_sample(project, run, bin_dir, sample)
        results["plain_sample"] = {"reports": len(sample), "seconds": plain, "per_report": plain / len(sample)}
        results["speedup_vs_plain_per_report"] = (plain / len(sample)) / (cold / n)
    results["no_change_seconds"] = perfkit(project, *build)[0]
    extras = extras_python(root)
    if extras is not None:
        started = time.perf_counter()
        run([str(extras), "-m", "perfkit", *build], project)
        results["no_change_seconds_every_extra"] = time.perf_counter() - started
    # one authority's figure revised: Stockport's re-referrals up by two, as a corrected return says
    revised = tmp / "revised.csv"
    revised.write_text("indicator,area_code,area_name,period,value,numerator,denominator\nDFE_REREF,E08000007,Stockport,2024/25,21.6,794,3676\n")
    perfkit(project, "ingest", str(revised))
    seconds, proc = perfkit(project, *build, "--jobs", "2")
    count, _, names = built(proc)
    results["one_revised_figure"] = {"seconds": seconds, "rebuilt": count, "profiles": names}
    twenty = [j.subject for j in sample]
    area_args = [a for code in twenty for a in ("--area", code)]
    perfkit(project, *build, *area_args, "--jobs", "2", "--out", str(tmp / "twenty"))
    results["peak_rss_mb_20_reports"] = peak()
    results["rss_ratio_batch_to_20"] = results["peak_rss_mb"] / results["peak_rss_mb_20_reports"]
    one, _ = perfkit(project, *build, "--jobs", "1", "--out", str(tmp / "jobs1"))
    two = cold
    per_report = 2 * (one - two) / n  # T(j) = fixed + n * per_report / j, from j = 1 and 2
    results["scaling"] = {"jobs_1_seconds": one, "jobs_2_seconds": two, "per_report_seconds": per_report, "fixed_seconds": one - n * per_report}
    results["dask"] = dask_batch(project, build, perfkit, tmp)
    if results["dask"]:
        results["dask"]["ratio_to_local"] = results["dask"]["seconds"] / cold
    shutil.rmtree(tmp / "areas", ignore_errors=True)
    return results


def dask_batch(project: Path, build: tuple, perfkit, tmp: Path) -> dict | None:  # noqa: ANN001
    """The batch on a Dask LocalCluster of 2 worker processes (one thread each)."""
    try:
        from dask.distributed import LocalCluster
    except ImportError:
        return None
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        seconds, _ = perfkit(project, *build, "--scheduler", cluster.scheduler_address, "--out", str(tmp / "dask"))
    return {"workers": 2, "seconds": seconds}


def lines(r: dict) -> list[str]:
    if not r:
        return ["area batch: skipped (no ../shared/data/public beside this checkout)"]
    out = [
        f"area batch: {r['reports']} profiles, html+pdf, --jobs 2: {r['cold_seconds']:.1f} s",
        f"area batch / the limit: {r['ratio_to_limit']:.2f} (target <= 1.25; the limit {r['limit_seconds']:.1f} s)",
    ]
    if "plain_sample" in r:
        out.append(f"area batch per report against the plain way: {r['speedup_vs_plain_per_report']:.1f}x (target >= 8x; plain "
                   f"{r['plain_sample']['per_report']:.2f} s a report over {r['plain_sample']['reports']})")
    out.append(f"area batch no-change rebuild: {r['no_change_seconds']:.2f} s (target <= 1.5 s)")
    if "no_change_seconds_every_extra" in r:
        out.append(f"  with every extra installed (lab, dask, test): {r['no_change_seconds_every_extra']:.2f} s")
    rev = r["one_revised_figure"]
    out.append(f"one authority's revised figure: {rev['seconds']:.1f} s, rebuilt {rev['rebuilt']}: {', '.join(rev['profiles'])}")
    out.append(f"peak RSS: batch {r['peak_rss_mb']:.0f} MB, 20 profiles {r['peak_rss_mb_20_reports']:.0f} MB: "
               f"{r['rss_ratio_batch_to_20']:.2f} (target <= 1.2)")
    s = r["scaling"]
    out.append(f"scaling: --jobs 1 {s['jobs_1_seconds']:.1f} s, --jobs 2 {s['jobs_2_seconds']:.1f} s: {s['per_report_seconds']:.3f} s a report "
               f"on one core, {s['fixed_seconds']:.1f} s fixed")
    if r.get("dask"):
        out.append(f"Dask LocalCluster, 2 workers: {r['dask']['seconds']:.1f} s, {r['dask']['ratio_to_local']:.2f} of the local build (target <= 1.3)")
    return out
