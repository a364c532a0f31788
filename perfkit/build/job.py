"""``perfkit build``: execute report notebooks with papermill, render them, write the index.

Each job is one (report, directorate or indicator, period). Params are checked and every
job's parameters are matched against its notebook's ``parameters`` cell before any kernel
starts. A failing notebook is saved with papermill's error banner and the batch carries on.
Every output file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from perfkit.atomic import atomic_path
from perfkit.config.papers import ReportDef, ReportParams
from perfkit.config.project import Project
from perfkit.contract import META_MIME, METADATA_KEY, PROVENANCE_MIME
from perfkit.errors import ConfigError, PerfkitError
from perfkit.periods import Freq, Period
from perfkit.report.kinds import KINDS, ReportKind, Selection

if TYPE_CHECKING:
    import nbformat

    from perfkit.build.executors import Executor

__all__ = ["Job", "JobResult", "executor_for", "latest_complete_period", "plan", "run_jobs"]



@dataclass(frozen=True)
class Job:
    """One report to build."""

    report: ReportDef
    period: Period
    subject: str  # directorate slug, indicator code, area code, or "corporate"
    folder: str  # the folder its outputs go under, inside the period's
    given: str = ""  # JSON of parameters the build computed for it (an area profile's benchmarks)

    @property
    def kind(self) -> ReportKind:
        return KINDS[self.report.per]

    @property
    def name(self) -> str:
        return self.kind.file_name(self.report.name, self.subject)

    def handed(self) -> dict:
        """The parameters the build computed for this report (an area profile's benchmarks: :mod:`perfkit.report.kinds`)."""
        return json.loads(self.given) if self.given else {}

    def parameters(self, store: Path) -> dict:
        return {"period": self.period.label, "store": str(store), **self.kind.parameters(self.subject), **self.handed()}

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
    from perfkit.store.queries import latest_starts
    from perfkit.store.store import Store

    today = today or dt.date.today()
    with Store(store, read_only=True) as db:
        found, year = latest_starts(db.con, area, today)
    if found is None and year is None:
        raise PerfkitError(
            f"the store {store} holds no figures for the council ({area}) for a period that has ended: import its data "
            "(`perfkit ingest`, see README 'Set up your own council') or name a period with --period"
        )
    if found is None:  # annual figures only, e.g. a council starting from published statistics
        return Period.containing(year, Freq.YEAR)
    quarter = Period.containing(found, Freq.QUARTER)
    return quarter if quarter.end < today else quarter.prev()


def plan(params: ReportParams, period: Period, directorates: list[str] | None, reports: list[str] | None,
         areas: list[str] | None = None, store: Path | None = None) -> list[Job]:
    """The jobs for a build: default reports, or those named, for the directorates (and
    areas, for an area profile) named; each kind says whom (:mod:`perfkit.report.kinds`). An area
    profile is planned from the ``store`` (its areas, and the benchmarks handed to each)."""
    chosen = [params.report(r) for r in reports] if reports else [r for r in params.reports.values() if r.default]
    selection = Selection(list(directorates) if directorates else None, list(areas) if areas else None, store)
    return [Job(report, period, subject, folder, given)
            for report in chosen for subject, folder, given in KINDS[report.per].subjects(params, report, selection, period)]


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


def _record(nb: nbformat.NotebookNode, job: Job, store: Path, own: dict[str, str] | None) -> None:
    """Copy the provenance output into the notebook's metadata (for the index and audits), with
    the notebook that ran: perfkit's own, or the project's (``own``: its path and SHA-256)."""
    record = {"report": job.report.name, "subject": job.subject, "period": job.period.label, "parameters": job.parameters(store),
              "notebook": own or {"path": f"perfkit:{job.report.notebook}"}}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if PROVENANCE_MIME in output.get("data", {}):
                record.update(output["data"][PROVENANCE_MIME])
            if "title" in output.get("data", {}).get(META_MIME, {}):
                record["title"] = output["data"][META_MIME]["title"]  # what the index calls it
    nb.metadata[METADATA_KEY] = record


def _kernel_args() -> dict:
    """papermill arguments: the worker's warm kernel, else a fresh kernel on IPC transport."""
    from perfkit.build.executors import warm_kernel
    from perfkit.build.kernels import IPCKernelManager

    kernel = warm_kernel()
    return kernel.papermill_args if kernel is not None else {"kernel_manager_class": IPCKernelManager}


def job_key(job: Job) -> str:
    """The report's place in the manifest: '<period-slug>/<folder>/<name>'."""
    return f"{job.period.slug}/{job.folder}/{job.name}"


def jobs_inputs(jobs: list[Job], params: ReportParams, project: Project, code: str, area: str) -> dict[str, dict[str, str]]:
    """Hashes of everything each report depends on (see :mod:`perfkit.build.manifest`), by
    :func:`job_key`: its notebook, parameters, exactly the stored rows it reads (the store
    is read once for all of them), its params files and perfkit's code."""
    from perfkit.build.manifest import RowHashes, file_hash

    reads = {}
    for job in jobs:
        given = job.handed()
        indicators = job.kind.reads(params, job.subject, given)
        reads[job_key(job)] = (indicators, job.kind.areas(params, indicators, job.subject, given, area))
    rows = RowHashes(project.store, [i for r, _ in reads.values() for i in r], [a for _, r in reads.values() for a in r])
    files: dict[tuple[Path, ...], str] = {}  # the same params files serve many reports

    def hashed(paths: list[Path]) -> str:
        key = tuple(paths)
        if key not in files:
            files[key] = file_hash(paths)
        return files[key]

    return {
        job_key(job): {
            "notebook": hashed([project.notebook(job.report.notebook)]),
            # a digest: an area profile's parameters hold its benchmarks, and the manifest is rewritten after every report
            "parameters": hashlib.sha256(json.dumps(job.parameters(project.store), sort_keys=True).encode()).hexdigest()[:20],
            "data": rows.of(*reads[job_key(job)]),
            "params": hashed(job.kind.files(params, job.subject)),
            "code": code,
        }
        for job in jobs
    }


def run_job(job: Job, project: Project, out: Path, formats: tuple[str, ...], engine: str = "nbconvert") -> JobResult:
    """Execute one notebook into ``out`` and render it; never raises for a notebook error."""
    import nbformat
    import papermill

    from perfkit.build.executors import warm_kernel
    from perfkit.render.formats import FORMATS, Rendering, made

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
                if warm_kernel() is not None:
                    warm_kernel().reset()  # the next report starts clean
            text = _public_paths(Path(tmp).read_text(encoding="utf-8"), {Path(tmp): target}, project, out)
            nb = nbformat.reads(text, as_version=4)  # a notebook not written whole (a full disk) never gets the final name
            if result.status == "failed":
                Path(tmp).write_text(text, encoding="utf-8")  # papermill's, with its error banner
    except Exception as exc:  # noqa: BLE001 - this job's failure, not the batch's
        reason = unsaved or exc
        return _lost(result, [target, *finals], f"the executed notebook could not be saved ({getattr(reason, 'strerror', None) or reason}); "
                     "nothing of this report was kept")
    result.seconds["execute"] = time.perf_counter() - started
    result.files["ipynb"] = str(target)
    if result.status == "failed":
        _remove(finals)  # no HTML or PDF of an earlier build is left beside a failed notebook
        return result
    _record(nb, job, Path(_public(project.store, project)), project.own_notebook(job.report.notebook))
    result.checks = list(nb.metadata[METADATA_KEY].get("checks", []))
    opened: dict[str, tuple[bytes, bytes] | None] = {}

    def open_data() -> tuple[bytes, bytes] | None:  # a public paper's figures, from its notebook; None for any other report
        if "csv" not in opened:
            from perfkit.render.open_data import open_data as figures

            opened["csv"] = figures(nb)
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


def _public(path: Path, project: Project) -> str:
    """``path`` relative to the project, or only its name when it lies outside."""
    root, path = project.root.resolve(), path.resolve()
    return path.relative_to(root).as_posix() if root in path.parents else path.name


def _public_paths(text: str, renamed: dict[Path, Path], project: Project, out: Path) -> str:
    """``text`` (a notebook's JSON) with the server's absolute paths (store, notebook, the
    temporary file it was written to) made relative to the project, or cut to the file name
    when outside it: published notebooks say nothing of the machine that built them."""
    swaps = {str(old): _public(new, project) for old, new in renamed.items()}
    swaps |= {str(p): _public(p, project) for p in (project.store, *project.notebook_folders, out)}
    for old, new in sorted(swaps.items(), key=lambda kv: -len(kv[0])):  # the longest first: a file before its folder
        text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
    return text


def _write_notebook(path: Path, nb: nbformat.NotebookNode) -> None:
    import nbformat

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
    from perfkit.render.formats import FORMATS

    links += [(text, f"{job.name}{suffix}") for fmt in formats for text, suffix in FORMATS[fmt].links]
    before = job.period.prev()
    previous = out / before.slug / job.folder / f"{job.name}.html"
    if previous.is_file():
        links.append((f"Previous paper ({before.label})", href(previous)))
    return tuple(links)


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
    environment: dict[str, str] | None = None,
    executor: Executor | None = None,
) -> list[JobResult]:
    """Run every job: on a Dask cluster at ``scheduler``, in ``workers`` processes (each with a
    warm kernel), or here one by one with a new kernel each (one worker, cold kernels); or
    with ``executor`` (:func:`executor_for`, perhaps started already).

    The batch never stops early; results come back in the order of ``jobs``. The reports'
    kernels find the project and store through their environment, with ``environment``
    added: the executor sets it where they start (and restores this process's afterwards).
    """
    task = functools.partial(run_job, project=project, out=out, formats=formats, engine=engine)
    executor = executor or executor_for(project, workers, scheduler, warm_kernels, environment)
    return executor.run(task, jobs, on_done)


def executor_for(project: Project, workers: int = 1, scheduler: str | None = None, warm_kernels: bool = True,
                 environment: dict[str, str] | None = None) -> Executor:
    """Where :func:`run_jobs` runs reports (see there)."""
    from perfkit.build.executors import Dask, Processes, Serial

    env = {"PERFKIT_HOME": str(project.root), "PERFKIT_STORE": str(project.store), **(environment or {})}
    if scheduler:
        return Dask(scheduler, env, warm_kernels)
    if workers <= 1 and not warm_kernels:
        return Serial(env)
    return Processes(workers, env, warm_kernels)
