"""``perfkit.build.builder.build(options, on_event=...)``: a whole build as a library call, for a notebook or another tool.

It checks the params and options, chooses the periods, plans the jobs, hashes each job's
inputs against the manifest, builds what is out of date (:func:`perfkit.build.job.run_jobs`),
records every result in the manifest and writes the index. It draws nothing: what a person
should be told arrives through ``on_event`` as ("note", text), ("start", number of reports to
build) and ("done", :class:`~perfkit.build.job.JobResult`); the ``perfkit build`` command
(:mod:`perfkit.cli.build`) draws them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from perfkit.build.auditing import BuildAudit
from perfkit.build.executors import worker_count
from perfkit.build.job import (
    Job,
    JobResult,
    check_parameters,
    executor_for,
    job_key,
    jobs_inputs,
    latest_complete_period,
    plan,
    run_jobs,
)
from perfkit.build.manifest import Manifest, code_hash
from perfkit.build.options import BuildOptions
from perfkit.config.council import Council, load_council
from perfkit.config.papers import ReportParams, project_params
from perfkit.config.project import Project, project
from perfkit.errors import ConfigError, PerfkitError, Stopped
from perfkit.outputs import OutputFolder
from perfkit.periods import Freq, Period, parse_period
from perfkit.provenance import BUILD_COMMIT, git_commit
from perfkit.render.formats import ENGINES, FORMATS
from perfkit.render.site import index_names, write_index
from perfkit.store.queries import has_figures
from perfkit.store.store import Store

__all__ = ["BuildOptions", "BuildReport", "build"]

Event = Callable[[str, object], None]


@dataclass(frozen=True)
class BuildReport:
    """What a build did: every planned report's result (built, skipped or failed), in plan order."""

    results: list[JobResult]
    periods: list[Period]
    out: Path
    index: Path
    seconds: float
    #: what the paper audit (:mod:`perfkit.audit`) found in the built papers, listed with the build's checks
    audit: list = field(default_factory=list)
    #: the project's own notebooks that ran in place of perfkit's (:meth:`Project.own_notebook`): path and SHA-256
    own_notebooks: list[dict[str, str]] = field(default_factory=list)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status == "failed"]


def build(options: BuildOptions | None = None, *, on_event: Event | None = None, **settings: object) -> BuildReport:
    """Build the reports ``options`` ask for (see the module); ``settings`` are
    :class:`BuildOptions` fields, for a call such as ``build(periods=["2025/26 Q2"])``."""
    options = (options or BuildOptions()).but(**settings)
    emit: Event = on_event or (lambda kind, payload: None)
    if options.as_of:
        options = _as_of(options, emit)
    found = project(store=options.store)
    # the store is chosen here, once: workers (other processes, Dask machines) must not
    # choose again from their own $PERFKIT_STORE
    proj = Project(found.root, found.store.resolve())
    chosen, engine = options.formats, options.engine
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise ConfigError(f"--format: unknown format(s) {', '.join(unknown)}; use {', '.join(FORMATS)}")
    if engine not in ENGINES:
        raise ConfigError(f"--engine: unknown engine {engine!r}; use nbconvert (the default) or quarto")
    cannot = [f for f in chosen if engine not in FORMATS[f].renderers]
    if cannot:
        raise ConfigError(f"--engine {engine} cannot render {', '.join(cannot)}; build those with the default engine")
    missing = ENGINES[engine]()
    if missing:
        raise ConfigError(f"--engine {engine}: {missing}")
    folder = OutputFolder(options.out or proj.outputs)  # refused before anything is made
    params = project_params(proj)
    _ensure_data(proj, emit)
    council = load_council(proj.params)
    periods = [parse_period(p) for p in options.periods or []]
    periods = periods or [latest_complete_period(proj.store, council.area_code)]
    _check_periods_have_data(proj.store, council.area_code, periods, [c for c, i in params.catalogue.items() if i.publisher])
    directorates, reports, areas = (list(x) if x else None for x in (options.directorates, options.reports, options.areas))
    planned = [job for when in periods for job in plan(params, when, directorates, reports, areas, proj.store)]
    if areas and not any(j.report.per == "area" for j in planned):
        raise ConfigError("--area chooses the areas of an area profile: name one with --report (e.g. --report area_profile)")
    with folder.building():
        try:
            return _build(proj, params, council, periods, planned, folder, options, emit)
        except OSError as exc:  # a full disk, a folder made read-only: what was written is whole, the rest is not there
            raise PerfkitError(
                f"writing the build's files failed ({exc.strerror or exc}: {exc.filename or folder.path}); no file was left "
                "half-written under its name. Free some space (or make the folder writable) and run the build again"
            ) from None


def _build(proj: Project, params: ReportParams, council: Council, periods: list[Period], planned: list[Job], folder: OutputFolder,
           options: BuildOptions, emit: Event) -> BuildReport:
    """The build itself, holding the output folder's lock: what is out of date, then the data
    check while the workers start (:meth:`perfkit.build.executors.Executor.started`), then the reports."""
    out, chosen = folder.path, options.formats
    removed = folder.remove_stale_temporaries()
    manifest = Manifest(out)
    code = code_hash()
    inputs = jobs_inputs(planned, params, proj, code, council.area_code)
    todo = [j for j in planned if options.force or not manifest.up_to_date(job_key(j), inputs[job_key(j)], chosen)]
    skipped = [JobResult(j, "skipped", dict(manifest.entries[job_key(j)].get("files", {}))) for j in planned if j not in todo]
    if todo:
        check_parameters(todo, proj, proj.store)  # before any kernel starts
    workers, why = worker_count(options.jobs, len(todo))
    environment = {BUILD_COMMIT: git_commit(proj.root)} if todo else {}  # read once for every report's kernel
    executor = executor_for(proj, workers, options.scheduler, options.warm_kernels, environment) if todo else None
    finished: list[JobResult] = []
    with _stopping(folder, finished, len(todo)), executor.started() if executor else contextlib.nullcontext():
        _check_data(proj, params, periods, list(options.directorates or ()) or None, options.strict, out, council.name, emit)
        if manifest.problem:
            emit("note", manifest.problem)
        note = f"; removed {removed} half-written file(s) from an interrupted build" if removed else ""
        named = ", ".join(f"{w.label} ({w.span})" for w in periods)
        emit("note", f"{len(planned)} report(s) for {named} in {out}: {len(todo)} to build, {len(skipped)} up to date{note}")
        for when in periods:
            undated = sorted({j.folder for j in planned if j.period == when and params.meeting(when, params.paper_for(j.folder)) is None})
            if undated:
                emit("note", f"no committee meeting date for {when.label} ({', '.join(undated)}): those papers say \"to be confirmed\"; "
                             f"add the date under meetings in {proj.params / 'calendar.yaml'} (or a directorate's own meetings)")
        if why and todo:
            emit("note", why)
        own = {j.report.notebook: proj.own_notebook(j.report.notebook) for j in todo}
        for nb in filter(None, own.values()):
            emit("note", f"runs the project's own notebook {nb['path']} (SHA-256 {nb['sha256'][:16]}...), not perfkit's: it is code "
                         "the council wrote or changed, run with your permissions")
        started = time.perf_counter()
        emit("start", len(todo))
        audit = BuildAudit(proj)

        def done(result: JobResult) -> None:
            key = job_key(result.job)
            manifest.record(
                key,
                {
                    "inputs": inputs[key],
                    "status": result.status,
                    "error": result.error,
                    "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
                    "files": result.files,
                    "checks": result.checks,
                    "notebook": own[result.job.report.notebook] or {"path": f"perfkit:{result.job.report.notebook}"},
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                },
            )
            audit.add(result)
            finished.append(result)
            emit("done", result)

        try:
            results = run_jobs(todo, proj, out, chosen, on_done=done, engine=options.engine, executor=executor) if todo else []
        finally:
            audit.stop()
    results = sorted(results + skipped, key=lambda r: planned.index(r.job))
    index = write_index(out, council.name, index_names(params), params)
    findings = audit.findings(results, lambda text: emit("note", text))
    return BuildReport(results, periods, out, index, time.perf_counter() - started, findings, list(filter(None, own.values())))


@contextlib.contextmanager
def _stopping(folder: OutputFolder, finished: list[JobResult], todo: int) -> Iterator[None]:
    """Ctrl-C during a build: its workers and kernels are ended (by the executor), the temporary
    files of the reports they were writing removed, and :class:`Stopped` says what was kept:
    each report finished before it, whole and in the manifest (the next build skips them)."""
    try:
        yield
    except KeyboardInterrupt:
        folder.remove_stale_temporaries()
        built = [r for r in finished if r.status == "built"]
        if not built:
            raise Stopped("stopped by Ctrl-C: no report was finished, and nothing is half-written; build again to make them") from None
        names = ", ".join(f"{r.job.folder}/{r.job.name}" for r in built[:3]) + (f" and {len(built) - 3} more" if len(built) > 3 else "")
        raise Stopped(f"stopped by Ctrl-C: {len(built)} of {todo} report(s) were built before it and are kept whole ({names}); "
                      f"the rest were not finished, and nothing is half-written: build again to make them") from None


def _audit(proj: Project, results: list[JobResult], emit: Event) -> list:
    """The paper audit (:mod:`perfkit.audit`) of the papers among ``results`` that were built, at
    once (a build audits each as it is made: :class:`~perfkit.build.auditing.BuildAudit`)."""
    audit = BuildAudit(proj)
    for result in results:
        audit.add(result)
    return audit.findings(results, lambda text: emit("note", text))


def _as_of(options: BuildOptions, emit: Event) -> BuildOptions:
    """The options of a build from the store as it stood at ``options.as_of`` (a publication
    id, or a date and time): that publication's period and directorates unless others are
    named, a snapshot of the store, and outputs/as-of/<publication-N or batch-N>/."""
    from perfkit.build.manifest import code_hash
    from perfkit.store.history import published_build, resolve_as_of, snapshot_store

    proj = project(store=options.store)
    batch, published, folders = resolve_as_of(proj.store, options.as_of)
    formats = options.formats
    if published:  # every format the publication has; with other code than built it, the paper may read differently
        had, code = published_build(proj.store, int(options.as_of))
        formats = tuple(f for f in FORMATS if f in had) or formats  # in the registry's order, as a build orders its links
        if code and code != code_hash():
            emit("note", f"publication {options.as_of.strip()} was built by perfkit {code}; this is perfkit {code_hash()}: the paper "
                         "rebuilt here may now read differently, and the published copy stays the record")
    name = f"publication-{options.as_of.strip()}" if published else f"batch-{batch}"
    out = options.out or proj.outputs / "as-of" / name
    store = snapshot_store(proj.store, batch, proj.store.parent / "as-of" / f"batch-{batch}.duckdb")
    emit("note", f"as of {options.as_of}: the store as it stood after batch {batch}, into {out}")
    return options.but(periods=options.periods or ((published,) if published else None), directorates=options.directorates or folders,
                       out=out, store=store, as_of=None, formats=formats)


def _check_data(proj: Project, params: ReportParams, periods: list[Period], directorates: Sequence[str] | None, strict: bool, out: Path, council: str,
                emit: Event) -> None:
    """``perfkit check`` for each quarter built, written beside its papers (data-check.html and
    .csv) and emitted ("check"); with ``strict``, a figure not returned or commentary missing
    stops the build before it starts."""
    from perfkit.returns.chase import MISSING, run_checks, write_check

    quarters = [when for when in periods if when.freq is Freq.QUARTER]
    for result in (run_checks(quarters, directorates, proj.store, proj.root, params=params)[0] if quarters else []):
        write_check(result, out, council, held=True)
        emit("check", result)
        if strict and len(result.missing):
            raise ConfigError(
                f"--strict: {len(result.missing)} figure(s) for {result.period.label} not returned or without the commentary required "
                f"({', '.join(MISSING)}); nothing was built. Chase them (perfkit check --period '{result.period.label}' lists them, "
                f"with {out / result.period.slug / 'data-check.csv'}) or build without --strict"
            )


def _ensure_data(proj: Project, emit: Event) -> None:
    """An empty store: the fictional demo council's data, for the demo council only."""
    empty = not proj.store.exists()
    if not empty:
        with Store(proj.store, read_only=True) as db:
            empty = db.is_empty()
    if not empty:
        return
    from perfkit.config.catalogue import load_catalogue
    from perfkit.ingest import ingest
    from perfkit.scaffold.demo import is_demo_project, write_demo_files

    council = load_council(proj.params)
    if not is_demo_project(proj):
        raise ConfigError(
            f"the store {proj.store} holds no data yet: import {council.name}'s files first, e.g. `perfkit ingest "
            "--source dfe_c1_referrals FILE.csv` or `perfkit ingest data/returns/*.csv` (README, 'Set up your own council')"
        )
    emit("note", f"The store {proj.store} is empty: generating the fictional demo council's data first (as `perfkit demo`).")
    catalogue = load_catalogue(proj.params)
    ingest(write_demo_files(catalogue, council, proj.demo_data), proj.store, catalogue)


def _check_periods_have_data(store: Path, area: str, periods: list[Period], published: list[str]) -> None:
    """Refuse a period for which the store holds none of the council's figures (the papers
    would have nothing to say), naming the latest period that has some. A published
    indicator's figure of a period starting in the three years before counts: papers show its latest release."""
    with Store(store, read_only=True) as db:
        for when in periods:
            if not has_figures(db.con, area, when.start, when.end, published):
                latest = latest_complete_period(store, area, today=dt.date.max)
                raise ConfigError(
                    f"--period {when.label}: the store holds none of the council's ({area}) figures for {when.span}, nor a published "
                    f"indicator's figure of a period starting in the three years before; "
                    f"the latest quarter with figures is {latest.label}. Import that period's data first, or choose another period"
                )
