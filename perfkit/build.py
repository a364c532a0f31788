"""``perfkit build``: execute report notebooks with papermill, render them, write the index.

Each job is one (report, directorate or indicator, period). Params are checked and every
job's parameters are matched against its notebook's ``parameters`` cell before any kernel
starts. A failing notebook is saved with papermill's error banner and the batch carries on.
Every output file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from perfkit.atomic import atomic_path
from perfkit.contract import METADATA_KEY, PROVENANCE_MIME
from perfkit.errors import ConfigError, PerfkitError
from perfkit.params import ReportDef, ReportParams, load_params
from perfkit.paths import Project
from perfkit.periods import Freq, Period
from perfkit.render.formats import FORMATS, Rendering, made

__all__ = ["Job", "JobResult", "latest_complete_period", "plan", "run_jobs"]



@dataclass(frozen=True)
class Job:
    """One report to build."""

    report: ReportDef
    period: Period
    subject: str  # directorate slug, indicator code, or "corporate"
    folder: str  # the directorate slug the outputs go under

    @property
    def name(self) -> str:
        return self.report.name if self.report.per != "indicator" else f"{self.report.name}_{self.subject.lower()}"

    def parameters(self, store: Path) -> dict:
        params: dict = {"period": self.period.label, "store": str(store)}
        if self.report.per == "directorate":
            params["directorate"] = self.subject
        elif self.report.per == "indicator":
            params["indicator"] = self.subject
            params["area"] = None  # the council's own
        return params

    def outputs(self, out: Path) -> Path:
        """The folder of this job's files, checked to lie inside ``out``."""
        folder = (out / self.period.slug / self.folder).resolve()
        if out.resolve() not in folder.parents:
            raise ConfigError(f"output folder {folder} would lie outside {out}; check the directorate slug")
        return folder


@dataclass
class JobResult:
    """What happened to one job."""

    job: Job
    status: str  # "built", "failed" or "skipped" (up to date)
    files: dict[str, str] = field(default_factory=dict)
    error: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)  # commentary that contradicts its figure, to query


def latest_complete_period(store: Path, area: str, today: dt.date | None = None) -> Period:
    """The latest quarter that has ended and for which the store holds the council's data
    (the latest financial year that has ended, where the store holds only annual figures)."""
    from perfkit.store import Store

    today = today or dt.date.today()
    with Store(store, read_only=True) as db:
        found = db.con.execute(
            "SELECT max(period_start) FROM observations WHERE area_code = ? AND period_type IN ('month', 'quarter') "
            "AND period_start <= ?",
            [area, today],
        ).fetchall()[0][0]
        year = db.con.execute(
            "SELECT max(period_start) FROM observations WHERE area_code = ? AND period_type = 'year' "
            "AND period_start + INTERVAL 1 YEAR <= ?", [area, today],
        ).fetchall()[0][0]
    if found is None and year is None:
        raise PerfkitError(
            f"the store {store} holds no figures for the council ({area}) for a period that has ended: import its data "
            "(`perfkit ingest`, see README 'Set up your own council') or name a period with --period"
        )
    if found is None:  # annual figures only, e.g. a council starting from published statistics
        return Period.containing(year, Freq.YEAR)
    quarter = Period.containing(found, Freq.QUARTER)
    return quarter if quarter.end < today else quarter.prev()


def plan(params: ReportParams, period: Period, directorates: list[str] | None, reports: list[str] | None) -> list[Job]:
    """The jobs for a build: default reports, or those named, for the directorates named."""
    chosen = [params.report(r) for r in reports] if reports else [r for r in params.reports.values() if r.default]
    slugs = [params.directorate(d).slug for d in directorates] if directorates else list(params.directorates)
    jobs = []
    for report in chosen:
        if report.per == "council":
            jobs.append(Job(report, period, "corporate", "corporate"))
        for slug in slugs:
            if report.per == "directorate":
                jobs.append(Job(report, period, slug, slug))
            elif report.per == "indicator":
                jobs += [Job(report, period, code, slug) for code in params.indicators_of(slug)]
    return jobs


def check_parameters(jobs: list[Job], project: Project, store: Path) -> None:
    """Each job's parameters must be exactly those its notebook's parameters cell declares."""
    import papermill

    declared: dict[str, set[str]] = {}
    for job in jobs:
        nb_path = project.notebook(job.report.notebook)
        if job.report.notebook not in declared:
            declared[job.report.notebook] = set(papermill.inspect_notebook(str(nb_path)))
        given = set(job.parameters(store))
        unknown, missing = given - declared[job.report.notebook], declared[job.report.notebook] - given
        if unknown or missing:
            raise ConfigError(
                f"{nb_path}: the parameters cell declares {sorted(declared[job.report.notebook])} but the build "
                f"passes {sorted(given)} (unknown: {sorted(unknown)}, missing: {sorted(missing)}); "
                "make the notebook's parameters cell and params/reports.yaml agree"
            )


def _failure_text(exc: BaseException) -> str:
    """'cell 5 (`paper.scorecard()`): ValueError: ...' from papermill's execution error."""
    name = getattr(exc, "ename", type(exc).__name__)
    value = getattr(exc, "evalue", str(exc))
    source = str(getattr(exc, "source", "")).strip().splitlines()
    where = ""
    if hasattr(exc, "cell_index"):
        where = f"cell {exc.cell_index}" + (f" (`{source[0][:60]}`)" if source else "") + ": "
    return f"{where}{name}: {value}"


def _record(nb: nbformat.NotebookNode, job: Job, store: Path) -> None:
    """Copy the provenance output into the notebook's metadata (for the index and audits)."""
    record = {"report": job.report.name, "subject": job.subject, "period": job.period.label, "parameters": job.parameters(store)}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if PROVENANCE_MIME in output.get("data", {}):
                record.update(output["data"][PROVENANCE_MIME])
    nb.metadata[METADATA_KEY] = record


def _kernel_args() -> dict:
    """papermill arguments: the worker's warm kernel, else a fresh kernel on IPC transport."""
    from perfkit.kernels import IPCKernelManager

    if "kernel" in _WARM:
        return _WARM["kernel"].papermill_args
    return {"kernel_manager_class": IPCKernelManager}


def job_key(job: Job) -> str:
    """The report's place in the manifest: '<period-slug>/<folder>/<name>'."""
    return f"{job.period.slug}/{job.folder}/{job.name}"


def job_inputs(job: Job, params: ReportParams, project: Project, code: str, area: str, seen: dict | None = None) -> dict[str, str]:
    """Hashes of everything the report depends on (see :mod:`perfkit.manifest`).

    ``seen`` (one dict for one build) keeps the rows' hash of each set of indicators and
    areas, which every period of the same report reads."""
    from perfkit.manifest import file_hash, rows_hash

    indicators = params.reads(job.report.per, job.subject)
    areas = params.areas_read(indicators, area)
    seen = {} if seen is None else seen
    key = (tuple(indicators), tuple(areas))
    if key not in seen:
        seen[key] = rows_hash(project.store, indicators, areas)
    return {
        "notebook": file_hash([project.notebook(job.report.notebook)]),
        "parameters": json.dumps(job.parameters(project.store), sort_keys=True),
        "data": seen[key],
        "params": file_hash(params.files(job.report.per, job.subject)),
        "code": code,
    }


_WARM: dict[str, object] = {}  # this worker process's warm kernel, when warm kernels are on


def _start_worker(root: str, store: str, warm: bool) -> None:
    """Worker initializer: die with the build, set the project for kernels, and start this
    worker's warm kernel (when warm kernels are on)."""
    from multiprocessing.util import Finalize

    from perfkit.kernels import WarmKernel

    _die_with_parent(os.getppid())
    os.environ["PERFKIT_HOME"], os.environ["PERFKIT_STORE"] = root, store
    if warm:
        _WARM["kernel"] = kernel = WarmKernel()
        Finalize(kernel, kernel.shutdown, exitpriority=10)  # shut the kernel down when the worker exits


def _die_with_parent(parent: int) -> None:
    """End this worker as soon as the build that started it is gone (even killed with
    SIGKILL, when nothing can tell it). Its kernels, which poll their own parent (the
    worker) the same way, follow within a second."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="perfkit-parent-watch", daemon=True).start()


def run_job(job: Job, project: Project, out: Path, formats: tuple[str, ...], engine: str = "nbconvert") -> JobResult:
    """Execute one notebook into ``out`` and render it; never raises for a notebook error."""
    import papermill

    os.environ["PERFKIT_HOME"] = str(project.root)  # the kernel finds the project and store
    os.environ["PERFKIT_STORE"] = str(project.store)
    folder = job.outputs(out)
    folder.mkdir(parents=True, exist_ok=True)
    result = JobResult(job, "built")
    target = folder / f"{job.name}.ipynb"
    finals = [path for f in FORMATS.values() for path in f.paths(folder, job.name)]  # this report's rendered files, in any format
    started = time.perf_counter()
    unsaved: OSError | None = None  # papermill's own failure to write the notebook
    try:
        with atomic_path(target) as tmp:
            try:
                papermill.execute_notebook(
                    str(project.notebook(job.report.notebook)),
                    str(tmp),
                    parameters=job.parameters(project.store),
                    kernel_name="python3",
                    progress_bar=False,
                    log_output=False,
                    request_save_on_cell_execute=False,
                    **_kernel_args(),
                )
            except Exception as exc:  # noqa: BLE001 - papermill saved the notebook with its error banner, if it could
                result.status, result.error = "failed", _failure_text(exc)
                unsaved = exc if isinstance(exc, OSError) else None
            finally:
                if "kernel" in _WARM:
                    _WARM["kernel"].reset()  # the next report starts clean
            nb = nbformat.read(tmp, as_version=4)  # a notebook not written whole (a full disk) never gets the final name
    except Exception as exc:  # noqa: BLE001 - this job's failure, not the batch's
        reason = unsaved or exc
        return _lost(result, [target, *finals], f"the executed notebook could not be saved ({getattr(reason, 'strerror', None) or reason}); "
                     "nothing of this report was kept")
    result.seconds["execute"] = time.perf_counter() - started
    result.files["ipynb"] = str(target)
    if result.status == "failed":
        _remove(finals)  # no HTML or PDF of an earlier build is left beside a failed notebook
        return result
    _record(nb, job, project.store)
    written = Path(str(nb.metadata.get("papermill", {}).get("output_path", target)))  # the temporary file papermill wrote
    nb = _without_server_paths(nb, {written: target}, project, out)
    result.checks = list(nb.metadata[METADATA_KEY].get("checks", []))
    opened: dict[str, tuple[bytes, bytes] | None] = {}

    def open_data() -> tuple[bytes, bytes] | None:  # a public directorate paper's figures; None for any other report
        if "csv" not in opened:
            from perfkit.render.open_data import open_data as figures

            opened["csv"] = figures(job.subject, job.period, project.store, project.root) if job.report.per == "directorate" else None
        return opened["csv"]

    paper = Rendering(nb, job.name, lambda: paper_links(job, out, made(formats, paper)), open_data)
    rendered: dict[str, dict[str, bytes] | None] = {}
    for fmt in formats:  # every format in memory first: a report is built only when all are
        started = time.perf_counter()
        try:
            rendered[fmt] = FORMATS[fmt].renderers[engine](paper)
        except Exception as exc:  # noqa: BLE001 - a render failure is this job's failure, not the batch's
            result.status, result.error = "failed", f"rendering {fmt}: {type(exc).__name__}: {exc}"
            nb.metadata[METADATA_KEY]["failed"] = result.error
            break
        finally:
            result.seconds[fmt] = time.perf_counter() - started
    replaced = paper.replaced
    if replaced:
        result.checks.append(
            f"PDF: no installed font has {' '.join(replaced[:12])}{' ...' if len(replaced) > 12 else ''} "
            f"(shown as \ufffd); install one that does (e.g. Debian's fonts-noto-cjk for Chinese, Japanese, Korean)"
        )
    try:
        if result.status == "failed":
            _remove(finals)  # the index then says the report failed, and links no stale file
            _write_notebook(target, nb)
            return result
        kept: set[str] = set()
        for fmt, files in rendered.items():
            result.files[fmt] = None if files is None else str(folder / f"{job.name}{FORMATS[fmt].suffixes[0]}")  # None: not for this paper
            for suffix, data in (files or {}).items():
                with atomic_path(folder / f"{job.name}{suffix}") as tmp:
                    tmp.write_bytes(data)
                kept.add(f"{job.name}{suffix}")
        _remove([f for f in finals if f.name not in kept])  # an earlier build's other formats
        _write_notebook(target, nb)
    except OSError as exc:
        return _lost(result, [target, *finals], f"writing the report failed ({exc}); nothing of it was kept")
    return result


def _without_server_paths(nb: nbformat.NotebookNode, renamed: dict[Path, Path], project: Project, out: Path) -> nbformat.NotebookNode:
    """The notebook with the server's absolute paths (store, notebook, the temporary file
    it was written to) made relative to the project, or cut to the file name when outside
    it: published notebooks say nothing of the machine that built them."""
    root = project.root.resolve()

    def public(path: Path) -> str:
        path = path.resolve()
        return path.relative_to(root).as_posix() if root in path.parents else path.name

    swaps = {str(old): public(new) for old, new in renamed.items()}
    swaps |= {str(p): public(p) for p in (project.store, *project.notebook_folders, out)}
    text = nbformat.writes(nb)
    for old, new in sorted(swaps.items(), key=lambda kv: -len(kv[0])):  # the longest first: a file before its folder
        text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
    return nbformat.reads(text, as_version=4)


def _write_notebook(path: Path, nb: nbformat.NotebookNode) -> None:
    with atomic_path(path) as tmp:
        nbformat.write(nb, tmp)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _lost(result: JobResult, paths: list[Path], error: str) -> JobResult:
    """A job none of whose files could be written: remove what an earlier build left, so
    nothing stale stands under the report's names."""
    _remove(paths)
    result.status, result.error, result.files = "failed", error, {}
    return result


def paper_links(job: Job, out: Path, formats: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """A paper's links: the index of every report, its files in the other formats it has
    (PDF, Word, open data of a public paper), and the previous period's paper where that
    was built into the same folder."""
    folder = job.outputs(out)
    href = lambda path: Path(os.path.relpath(path.resolve(), folder)).as_posix()  # noqa: E731
    links = [("All reports", href(out / "index.html"))]
    links += [(text, f"{job.name}{suffix}") for fmt in formats for text, suffix in FORMATS[fmt].links]
    before = job.period.prev()
    previous = out / before.slug / job.folder / f"{job.name}.html"
    if previous.is_file():
        links.append((f"Previous paper ({before.label})", href(previous)))
    return tuple(links)


#: What one build worker and its warm kernel hold (about 470 MB each on the demo's reports).
WORKER_MEMORY = 500 * 2**20


def worker_count(requested: int | None, reports: int) -> tuple[int, str]:
    """Worker processes for a build: as many as asked (default: one per core), but no more
    than there are reports, nor than the memory now free holds; and a note saying why
    when fewer than asked are used."""
    import psutil

    available = psutil.virtual_memory().available
    fits = max(1, available // WORKER_MEMORY)
    wanted = requested or os.cpu_count() or 1
    count = max(1, min(wanted, reports, fits))
    if requested is None or count == requested:
        return count, ""
    why = (f"there are {reports} report(s) to build" if count == reports
           else f"the {available / 2**30:.1f} GB of memory free holds {fits} at about {WORKER_MEMORY / 2**30:.1f} GB each")
    return count, f"--jobs {requested}: {count} worker(s), as {why}"


def run_jobs(
    jobs: list[Job],
    project: Project,
    out: Path,
    formats: tuple[str, ...],
    workers: int = 1,
    on_done: Callable[[JobResult], None] | None = None,
    engine: str = "nbconvert",
    scheduler: str | None = None,
    warm_kernels: bool = True,
) -> list[JobResult]:
    """Run every job: here, in ``workers`` processes, or on a Dask cluster at ``scheduler``.

    The batch never stops early; results come back in the order of ``jobs``.
    """
    if scheduler:
        return _run_on_dask(jobs, project, out, formats, engine, scheduler, on_done)
    results: list[JobResult] = []
    if workers <= 1 and not warm_kernels:
        for job in jobs:
            results.append(run_job(job, project, out, formats, engine))
            if on_done:
                on_done(results[-1])
        return results
    done: dict[int, JobResult] = {}
    start = (str(project.root), str(project.store), warm_kernels)
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=start) as pool:
        futures = {pool.submit(run_job, job, project, out, formats, engine): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            done[futures[future]] = future.result()
            if on_done:
                on_done(done[futures[future]])
    return [done[i] for i in sorted(done)]


def _run_on_dask(jobs, project, out, formats, engine, scheduler, on_done) -> list[JobResult]:  # noqa: ANN001
    """One Dask task per report; each returns its result (and so its manifest entry)."""
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise PerfkitError("--scheduler needs dask.distributed: pip install 'perfkit[dask]'") from None
    done: dict[int, JobResult] = {}
    with Client(scheduler) as client:
        futures = {client.submit(run_job, job, project, out, formats, engine, pure=False): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            done[futures[future]] = future.result()
            if on_done:
                on_done(done[futures[future]])
    return [done[i] for i in sorted(done)]


def load_checked(project: Project) -> ReportParams:
    """Params, checked before anything runs."""
    return load_params(project.params, project.notebook_folders[0])
