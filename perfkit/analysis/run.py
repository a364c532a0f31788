"""``perfkit render``: analysts' notebooks rendered as papers into ``outputs/analysis/<slug>/``.

For each notebook (and, with ``each``, each value: ``<slug>-<value>``): the front matter is
checked and every parameter matched against the notebook's ``parameters`` cell before any
kernel starts; with ``execute`` the notebook runs with papermill on the build's warm-kernel
workers (:mod:`perfkit.build.executors`), else it is rendered as it is; then every chosen
format is rendered and written atomically, with ``<slug>.ipynb`` (the notebook as rendered,
its ``metadata.perfkit`` the shared contract: kind, slug, title, author, date, summary,
committee, status, parameters) and an entry in ``outputs/analysis/manifest.json`` (what it
was made from, each file's SHA-256). A notebook that fails is reported, and the others go on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfkit.analysis.convert import SETUP_TAG, convert
from perfkit.analysis.front import FrontMatter, front_matter
from perfkit.atomic import atomic_path
from perfkit.contract import METADATA_KEY
from perfkit.errors import ConfigError

__all__ = ["AnalysisJob", "Rendered", "render_notebooks", "slug_of"]


def slug_of(text: str) -> str:
    """'temporary-accommodation' from 'Temporary_accommodation.ipynb' or 'Temporary accommodation'."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:60].strip("-") or "analysis"


@dataclass(frozen=True)
class AnalysisJob:
    """One paper: a notebook with its parameters, rendered into ``folder``."""

    notebook: str
    slug: str
    parameters: tuple[tuple[str, str], ...]
    folder: str
    formats: tuple[str, ...]
    execute: bool
    council: str = ""
    today: str = ""
    value: str = ""  # the value of --each this paper is for


@dataclass
class Rendered:
    job: AnalysisJob
    status: str  # "rendered", "failed" or "skipped" (up to date)
    files: dict[str, str] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    error: str = ""


def _setup_cell(folder: Path) -> Any:
    """Run before the notebook: its figures as SVG with alt text, and its own folder as the
    working folder (a warm kernel started elsewhere), so files beside it are found."""
    import nbformat

    source = f"%load_ext perfkit.analysis.figures\nimport os as _os\n_os.chdir({str(folder)!r})\ndel _os"
    return nbformat.v4.new_code_cell(source, metadata={"tags": [SETUP_TAG]})


def _execute(job: AnalysisJob, nb: Any) -> Any:
    """``nb`` run with papermill in this worker's warm kernel (or a new one), its setup cell removed after."""
    import nbformat
    import papermill

    from perfkit.build.executors import warm_kernel
    from perfkit.build.kernels import IPCKernelManager

    path = Path(job.notebook)
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.cells.insert(0, _setup_cell(path.parent.resolve()))
    kernel = warm_kernel()
    args = kernel.papermill_args if kernel is not None else {"kernel_manager_class": IPCKernelManager}
    try:
        done = papermill.execute_notebook(nb, None, parameters=dict(job.parameters), kernel_name="python3", progress_bar=False,
                                          log_output=False, cwd=str(path.parent), **args)
    finally:
        if kernel is not None:
            kernel.reset()
    done.cells = [c for c in done.cells if SETUP_TAG not in c.get("metadata", {}).get("tags", [])]
    return done


def render_job(job: AnalysisJob) -> Rendered:
    """Execute (if asked) and render one paper; never raises for a notebook's own failure."""
    import nbformat

    from perfkit.render.formats import FORMATS, Rendering

    path, folder = Path(job.notebook), Path(job.folder)
    result = Rendered(job, "rendered")
    try:
        nb = nbformat.read(path, as_version=4)
        front, _ = front_matter(nb, path)
        if job.execute:
            nb = _execute(job, nb)
        params = _defaults(nb) | dict(job.parameters)
        named = "{" in front.title  # a title naming the parameter, e.g. "Temporary accommodation in {area}"
        front = front.filled(params, dt.date.fromisoformat(job.today) if job.today else dt.date.today())
        if job.value and not named:
            front = front.model_copy(update={"title": f"{front.title} ({job.value})"})  # one paper per value, each named
        converted = convert(nb, front, path.name, path.parent, job.council)
        result.checks = converted.checks
        paper = converted.notebook()
        links = tuple((text, f"{job.slug}{suffix}") for fmt in job.formats for text, suffix in FORMATS[fmt].links)
        rendering = Rendering(paper, job.slug, lambda: links, lambda: None)
        made = {fmt: FORMATS[fmt].renderers["nbconvert"](rendering) for fmt in job.formats}
        if rendering.replaced:
            result.checks.append(f"{path.name}: no installed font has {' '.join(rendering.replaced[:12])} (shown as \ufffd in the PDF)")
    except Exception as exc:  # noqa: BLE001 - this paper's failure, not the batch's
        result.status, result.error = "failed", _failure(exc)
        return result
    own = nb.metadata.get(METADATA_KEY, {})
    nb.metadata[METADATA_KEY] = contract(job, front) | {"checks": result.checks}
    if isinstance(own, dict) and "paper" in own:
        nb.metadata[METADATA_KEY]["paper"] = own["paper"]  # front matter kept in the metadata stays there
    folder.mkdir(parents=True, exist_ok=True)
    for files in made.values():
        for suffix, data in (files or {}).items():
            with atomic_path(folder / f"{job.slug}{suffix}") as tmp:
                Path(tmp).write_bytes(data)
            result.files[suffix.lstrip(".")] = str(folder / f"{job.slug}{suffix}")
    with atomic_path(folder / f"{job.slug}.ipynb") as tmp:
        nbformat.write(nb, str(tmp))
    result.files["ipynb"] = str(folder / f"{job.slug}.ipynb")
    return result


def _defaults(nb: Any) -> dict[str, Any]:
    """The parameters cell's plain values (``area = "E08000007"``), for the front matter's ``{area}``."""
    import ast

    found: dict[str, Any] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or not {"parameters", "injected-parameters"} & set(cell.get("metadata", {}).get("tags", [])):
            continue
        try:
            tree = ast.parse("".join(cell.source))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    found[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return found


def contract(job: AnalysisJob, front: FrontMatter) -> dict:
    """The rendered notebook's ``metadata.perfkit``: what the site reads (README "Sharing your own analysis")."""
    return {"kind": "analysis", "slug": job.slug, "title": front.title, "author": front.author,
            "date": (front.date or dt.date.today()).isoformat(), "summary": front.summary, "committee": front.committee,
            "status": front.status, "parameters": dict(job.parameters), "notebook": Path(job.notebook).name}


def _failure(exc: BaseException) -> str:
    name = getattr(exc, "ename", type(exc).__name__)
    value = getattr(exc, "evalue", str(exc))
    where = f"cell {exc.cell_index}: " if hasattr(exc, "cell_index") else ""
    return str(exc) if isinstance(exc, ConfigError) else f"{where}{name}: {value}"


def plan(notebooks: list[Path], parameters: dict[str, str], each: tuple[str, list[str]] | None, out: Path,
         formats: tuple[str, ...], execute: bool, council: str = "", today: dt.date | None = None) -> list[AnalysisJob]:
    """One job per notebook (per value of ``each``), every notebook's front matter and parameters
    checked first: a missing notebook, bad front matter or a parameter its ``parameters`` cell
    does not declare stops the render before anything runs."""
    import nbformat
    import papermill

    if (parameters or each) and not execute:
        raise ConfigError("-p and --each set a notebook's parameters, so they need --execute (without it the notebook is rendered as it was run)")
    jobs = []
    for path in notebooks:
        if not path.is_file():
            raise ConfigError(f"{path}: no such notebook")
        try:
            front_matter(nbformat.read(path, as_version=4), path)
        except (ValueError, OSError) as exc:
            raise ConfigError(f"{path}: cannot read it as a notebook ({str(exc).splitlines()[0][:200]})") from None
        given = set(parameters) | ({each[0]} if each else set())
        if execute and given:
            declared = set(papermill.inspect_notebook(str(path)))
            unknown = sorted(given - declared)
            if unknown:
                raise ConfigError(f"{path}: its parameters cell declares {sorted(declared) or 'nothing'}, not {', '.join(unknown)}; "
                                  "add it to the cell tagged 'parameters' or check the name")
        base = slug_of(path.stem)
        for value in (each[1] if each else [None]):
            slug = base if value is None else f"{base}-{re.sub(r'[^A-Za-z0-9]+', '-', value).strip('-')}"
            params = {**parameters, **({each[0]: value} if each else {})}
            jobs.append(AnalysisJob(str(path.resolve()), slug, tuple(params.items()), str(out / "analysis" / slug), formats, execute,
                                    council, (today or dt.date.today()).isoformat(), value or ""))
    slugs = [j.slug for j in jobs]
    if len(set(slugs)) < len(slugs):
        twice = sorted({s for s in slugs if slugs.count(s) > 1})
        raise ConfigError(f"two notebooks would be rendered into outputs/analysis/{twice[0]}/; rename one of them")
    return jobs


def inputs_of(job: AnalysisJob) -> dict[str, str]:
    """What the paper is made from, for the manifest: the notebook, its parameters, the formats and perfkit's code."""
    from perfkit.build.manifest import code_hash, file_hash

    return {"notebook": file_hash([Path(job.notebook)]), "formats": ",".join(job.formats), "code": code_hash(),
            "parameters": hashlib.sha256(json.dumps(dict(job.parameters), sort_keys=True).encode()).hexdigest()[:20]}


def render_notebooks(jobs: list[AnalysisJob], out: Path, env: dict[str, str], workers: int = 1, on_done: Any = None) -> list[Rendered]:
    """Render ``jobs``: executed ones on warm-kernel workers (the build's executors), each
    recorded in ``out/analysis/manifest.json``; the others here, one after another."""
    from perfkit.build.executors import Processes
    from perfkit.build.manifest import Manifest

    manifest = Manifest(out / "analysis")
    done: list[Rendered] = []

    def record(result: Rendered) -> None:
        manifest.record(result.job.slug, {"status": "built" if result.status == "rendered" else result.status, "inputs": inputs_of(result.job),
                                          "files": result.files, "checks": result.checks, "error": result.error})
        if on_done:
            on_done(result)

    running = [j for j in jobs if j.execute]
    if running:
        done += Processes(max(1, min(workers, len(running))), env, warm=True).run(render_job, running, record)
    for job in (j for j in jobs if not j.execute):
        result = render_job(job)
        record(result)
        done.append(result)
    order = {j.slug: i for i, j in enumerate(jobs)}
    return sorted(done, key=lambda r: order[r.job.slug])
