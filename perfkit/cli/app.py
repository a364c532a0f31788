"""The ``perfkit`` command (also ``python -m perfkit``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from perfkit import __version__, api
from perfkit.errors import IngestError, PerfkitError
from perfkit.config.project import Project, project
from perfkit.render.formats import formats_help
from perfkit.text import printable

app = typer.Typer(
    help="perfkit: committee-ready performance reports from indicator data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
_state = {"debug": False}

StoreOpt = Annotated[
    Optional[Path],
    typer.Option("--store", help="DuckDB store file (default: $PERFKIT_STORE or data/perfkit.duckdb).", show_default=False),
]


DirectoratesOpt = Annotated[
    Optional[list[str]], typer.Option("--directorate", help="Directorate slug (repeat for more; default: all).")
]


OutOpt = Annotated[Optional[Path], typer.Option("--out", help="Output folder (default: outputs/).")]


def _store(store: Path | None) -> Path:
    return project(store=store).store


def _run(action):  # noqa: ANN001, ANN202 - wraps every command's body
    try:
        return action()
    except typer.Exit:
        raise
    except PerfkitError as exc:
        if _state["debug"]:
            raise
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    except duckdb.Error as exc:  # raised by a store's queries, after it opened
        if _state["debug"]:
            raise
        err.print(
            f"[bold red]error:[/] the store could not be read ({escape(str(exc).splitlines()[0])}): the file is damaged, e.g. "
            "cut short by a full disk or an unfinished copy. Restore it from a backup, or make it again by importing the data "
            "files (`perfkit ingest`)", soft_wrap=True,
        )
        raise typer.Exit(1) from None
    except (OSError, KeyboardInterrupt) as exc:
        if _state["debug"]:
            raise
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    except Exception as exc:  # noqa: BLE001 - never a traceback without --debug
        if _state["debug"]:
            raise
        err.print(f"[bold red]unexpected error:[/] {type(exc).__name__}: {escape(str(exc))} (run again with --debug for details)")
        raise typer.Exit(1) from None


def _version(value: bool) -> None:
    if value:
        out.print(f"perfkit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """perfkit: committee-ready performance reports from indicator data."""
    _state["debug"] = debug or bool(os.environ.get("PERFKIT_DEBUG"))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="CSV or XLSX files in the canonical layout (see README).")],
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Import the valid rows; save the rejected ones to data/rejected/<file>.rejected.csv."),
    ] = False,
    rejects: Annotated[
        Optional[Path], typer.Option("--rejects", help="Folder for rejected rows (default: rejected/ beside the store, i.e. data/rejected/).")
    ] = None,
    source: Annotated[
        Optional[str],
        typer.Option("--source", help="Source mapping for a published file: a name in params/sources/ or a YAML path."),
    ] = None,
    period: Annotated[
        Optional[str], typer.Option("--period", help="Refuse a return workbook (perfkit returns) issued for another period, e.g. '2026/27 Q1'.")
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Validate data files and import them into the store, all or nothing.

    Return workbooks from `perfkit returns` are read as issued: rows left blank are 'not
    returned'; a changed workbook is refused. Files are checked by DuckDB beside the store,
    within $PERFKIT_MEMORY_LIMIT (default 1GB)."""

    def action() -> None:
        from perfkit.ingest import ingest as run_ingest

        mapping = None
        if source:
            from perfkit.ingest.sources import load_mapping

            named = project().params / "sources" / f"{source}.yaml"
            mapping = load_mapping(named if named.is_file() else Path(source))
        try:
            from perfkit.periods import parse_period

            expect = parse_period(period) if period else None
            reports = run_ingest(paths, _store(store), api.get_catalogue(), skip_invalid=skip_invalid, mapping=mapping, rejects=rejects, period=expect)
        except IngestError as exc:
            err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(1) from None
        table = Table("file", "batch", "added", "revised", "unchanged", "rejected", "flagged", title="Import")
        for rep in reports:
            r = rep.result
            table.add_row(r.file_name, str(r.batch_id), str(r.added), str(r.revised), str(r.unchanged), str(r.rejected), str(rep.flagged))
        out.print(table)
        for rep in reports:
            if rep.flagged:
                out.print(
                    f"note: {rep.flagged} row(s) of {escape(rep.path.name)}: the published value disagrees with its own published "
                    "counts beyond the mapping's value_tolerance; stored as published with the flag counts_disagree "
                    "(shown by `perfkit show` and in reports; `strict: true` in the mapping refuses them instead)", soft_wrap=True,
                )
            for note in rep.notes:
                out.print(f"note: {escape(note)}", soft_wrap=True)
            if rep.rejects_path:
                out.print(f"rejected rows of {rep.path.name} saved to {rep.rejects_path}")
        out.print(f"store: {_store(store)}")

    _run(action)


@app.command()
def indicators(
    directorate: Annotated[
        Optional[str], typer.Option("--directorate", help="Only this directorate's indicators: its slug (as `build` takes) or its name.")
    ] = None,
) -> None:
    """List the indicator catalogue (params/indicators/)."""

    def action() -> None:
        cat = api.get_catalogue()
        if directorate:
            from perfkit.config.papers import load_directorates

            found, _ = load_directorates(project().params / "directorates", cat)
            d = found.get(directorate) or next((d for d in found.values() if d.name.lower() == directorate.lower()), None)
            if d is None:
                raise PerfkitError(f"no directorate {directorate!r}; known: {', '.join(found)} (params/directorates/)")
            codes = set(d.codes(cat))
        table = Table("code", "title", "unit", "polarity", "frequency", "directorate", "comparators", title="Indicators")
        count = 0
        for ind in cat.values():
            if directorate and ind.code not in codes:
                continue
            count += 1
            table.add_row(
                ind.code, ind.title, ind.unit.value, ind.polarity.value, ind.frequency, ind.directorate, ind.comparator_group or ""
            )
        out.print(table)
        out.print(f"{count} indicator(s)")

    _run(action)


@app.command()
def show(
    code: Annotated[str, typer.Argument(help="Indicator code, e.g. HSG_RENT (see `perfkit indicators`).")],
    period: Annotated[Optional[str], typer.Option("--period", help="Period, e.g. '2025/26 Q2' (default: latest).")] = None,
    area: Annotated[Optional[str], typer.Option("--area", help="Area code (default: the council's own).")] = None,
    store: StoreOpt = None,
) -> None:
    """Show one indicator: value, target, RAG, direction of travel and rank."""

    def action() -> None:
        code_ = code.upper()
        api.get_catalogue()[code_]  # an unknown code is a clear error
        when = period or api.latest_period(code_, area, store=store)
        card = api.scorecard(when, area=area, indicators=[code_], store=store)
        out.print(_describe(card.iloc[0]))

    _run(action)


@app.command()
def build(
    period: Annotated[Optional[list[str]], typer.Option("--period", help="Reporting period, e.g. '2025/26 Q2' (repeat for more; default: the latest complete quarter).")] = None,
    directorate: DirectoratesOpt = None,
    report: Annotated[Optional[list[str]], typer.Option("--report", help="Report name from params/reports.yaml (repeat for more; default: the default reports).")] = None,
    area: Annotated[Optional[list[str]], typer.Option("--area", help="An area code for an area profile (--report area_profile; repeat for more; default: the report's areas).")] = None,
    formats: Annotated[str, typer.Option("--format", help="Comma-separated output formats: " + formats_help() + ".")] = "html,pdf",
    jobs: Annotated[Optional[int], typer.Option("--jobs", min=1, help="Reports built at once, each in its own worker process (default: the number of cores; never more than the reports to build or than free memory holds).")] = None,
    out: OutOpt = None,
    engine: Annotated[str, typer.Option("--engine", help="Renderer: nbconvert (built in) or quarto (needs quarto on PATH).")] = "nbconvert",
    force: Annotated[bool, typer.Option("--force", help="Rebuild every report, even those up to date.")] = False,
    cold_kernels: Annotated[bool, typer.Option("--cold-kernels", help="A new kernel for every report instead of one warm, reset kernel per worker.")] = False,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (needs perfkit[dask]).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Stop before building when `perfkit check` finds a figure not returned or commentary missing.")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Rebuild from the store as it stood at a publication (its id: the papers it published) or a date and time (2026-07-01T09:30), into outputs/as-of/.")] = None,
    store: StoreOpt = None,
) -> None:
    """Execute the report notebooks for a period and render them to HTML and PDF, with an index.

    Runs `perfkit check` first and prints its summary (writing data-check.html and .csv)."""

    def action() -> None:
        from perfkit.cli.build import run_build

        nonlocal period, directorate, out, store
        if as_of:
            from perfkit.publish import resolve_as_of, snapshot_store

            proj = project(store=store)
            batch, published, folders = resolve_as_of(proj.store, as_of)
            period = period or ([published] if published else None)
            directorate = directorate or folders
            name = f"publication-{as_of.strip()}" if published else f"batch-{batch}"
            out = out or proj.outputs / "as-of" / name
            store = snapshot_store(proj.store, batch, proj.store.parent / "as-of" / f"batch-{batch}.duckdb")
            out_console().print(f"as of {escape(as_of)}: the store as it stood after batch {batch}, into {out}")
        code = run_build(period, directorate, report, formats, jobs, out, store, out_console=out_console(), err_console=err, engine=engine, force=force,
                         scheduler=scheduler, warm_kernels=not cold_kernels, strict=strict, areas=area)
        if code:
            raise typer.Exit(code)

    _run(action)


@app.command()
def returns(
    period: Annotated[str, typer.Option("--period", help="The quarter, e.g. '2026/27 Q1'.")],
    directorate: DirectoratesOpt = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder for the workbooks (default: returns/<period>/).")] = None,
    store: StoreOpt = None,
) -> None:
    """Write one XLSX return workbook per indicator owner for a quarter, to send out.

    Each lists the owner's indicators and periods due, pre-filled and locked (definition,
    target, last figures), with validated cells for the figures, commentary and actions.
    Import the returned workbooks with `perfkit ingest`."""

    def action() -> None:
        from perfkit.returns.workbook import write_returns

        paths = write_returns(None, period, directorate, out, store)
        table = Table("directorate", "owner's workbook", title=f"Returns for {period}")
        for path in paths:
            table.add_row(path.parent.name, path.name)
        out_console().print(table)
        if paths:
            out_console().print(f"{len(paths)} workbook(s) in {paths[0].parent.parent}")

    _run(action)


@app.command("check")
def check_cmd(
    period: Annotated[str, typer.Option("--period", help="The quarter, e.g. '2026/27 Q1'.")],
    directorate: DirectoratesOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when a figure is not returned or commentary is missing.")] = False,
    today: Annotated[Optional[str], typer.Option("--today", help="Check as on this date, YYYY-MM-DD (default: today): what is overdue by then.")] = None,
    out: OutOpt = None,
    store: StoreOpt = None,
) -> None:
    """Completeness and quality before the build: not returned, overdue, provisional, commentary, unusual values.

    Prints a table per directorate and owner and writes outputs/<period>/data-check.html and
    data-check.csv (the chasing list: owner, email, indicator, what is missing)."""

    def action() -> None:
        import datetime as dt

        from perfkit.returns.chase import MISSING, run_check, write_check

        try:
            when = dt.date.fromisoformat(today) if today else None
        except ValueError:
            raise typer.BadParameter(f"{today!r} is not a date; write it as YYYY-MM-DD", param_hint="--today") from None
        result, council = run_check(period, directorate, store, today=when)
        console = out_console()
        summary = result.summary()
        table = Table(*[str(c) for c in summary.columns], title=f"Data check, {result.period.label}")
        for row in summary.itertuples(index=False):
            table.add_row(*[str(v) for v in row])
        console.print(table)
        if len(result.findings):
            detail = Table("directorate", "owner", "indicator", "period", "finding", "detail", title="To chase or query")
            for r in result.findings.itertuples():
                detail.add_row(r.directorate, r.owner, r.indicator, r.period, r.issue, r.detail)
            console.print(detail)
        page, csv = write_check(result, out or project(store=store).outputs, council.name)
        console.print(escape(result.sentence()), soft_wrap=True)
        console.print(f"written: {page} and {csv.name}")
        if strict and len(result.missing):
            err.print(f"[bold red]--strict:[/] {len(result.missing)} figure(s) not returned or without the commentary required ({', '.join(MISSING)})")
            raise typer.Exit(1)

    _run(action)


@app.command("publish")
def publish_cmd(
    period: Annotated[str, typer.Option("--period", help="The period whose built papers to publish, e.g. '2026/27 Q1'.")],
    directorate: DirectoratesOpt = None,
    out: OutOpt = None,
    store: StoreOpt = None,
) -> None:
    """Freeze a period's built papers as published: read-only copies in outputs/published/,
    recorded in the store with their SHA-256 and data snapshot. Never replaces a publication."""

    def action() -> None:
        from perfkit.publish import publish

        pub = publish(period, directorate, store=store, out=out)
        out_console().print(
            f"publication {pub.publication_id}: {len(pub.files)} file(s) of {pub.period} in {pub.folder}, data as of batch "
            f"{pub.max_batch_id}, by {escape(pub.published_by)} at {pub.published_at:%Y-%m-%d %H:%M}", soft_wrap=True)

    _run(action)


@app.command("publications")
def publications_cmd(store: StoreOpt = None) -> None:
    """List the publications, newest first: id, period, when, by whom, data snapshot, files."""

    def action() -> None:
        from perfkit.publish import publications

        table = Table("id", "period", "published at", "by", "data (batch)", "files", title="Publications")
        for r in publications(_store(store)).itertuples():
            table.add_row(str(r.publication_id), r.period, f"{r.published_at:%Y-%m-%d %H:%M}", r.published_by, str(r.max_batch_id), str(r.files))
        out_console().print(table)

    _run(action)


def lab_command(proj: Project, extra: list[str]) -> list[str]:
    """The JupyterLab command ``perfkit lab`` runs: in the project's ``analysis/`` folder,
    which starts with a copy of the analyst starter notebook, never on the production
    report notebooks; ``extra`` (``--port 8899 --ip 0.0.0.0 --no-browser`` ...) go to JupyterLab."""
    import shutil

    folder = proj.root / "analysis"
    starter = proj.notebook("analyst_starter.ipynb")
    if not folder.exists():
        folder.mkdir()
        if starter.is_file():
            shutil.copy(starter, folder / starter.name)
    return [sys.executable, "-m", "jupyterlab", "--notebook-dir", str(folder), *extra]


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def lab(ctx: typer.Context, store: StoreOpt = None) -> None:
    r"""Open JupyterLab in analysis/ with the project's store configured (needs perfkit\[lab]).

    Other options go to JupyterLab: perfkit lab --port 8899 --ip 0.0.0.0 --no-browser
    """

    def action() -> None:
        import importlib.util
        import subprocess

        if importlib.util.find_spec("jupyterlab") is None:
            raise PerfkitError("JupyterLab is not installed: pip install 'perfkit[lab]' (or pip install jupyterlab)")
        proj = project(store=store)
        env = {**os.environ, "PERFKIT_HOME": str(proj.root), "PERFKIT_STORE": str(proj.store)}
        command = lab_command(proj, list(ctx.args))
        out.print(f"JupyterLab on {command[4]} with the store {proj.store}")
        raise typer.Exit(subprocess.call(command, env=env))

    _run(action)


def out_console() -> Console:
    return out


_POLARITY = {"higher": "higher is better", "lower": "lower is better", "neutral": "no polarity"}


def _plain(value: object) -> Text:
    """Text from the store or params for the terminal: shown as it is (no rich markup, no
    links) and without control characters, which could retitle, clear or drive the terminal."""
    return Text(printable(value))


def _describe(row) -> Table:  # noqa: ANN001 - a scorecard row
    """The terminal view of one scorecard row."""
    from perfkit.formatting import format_value
    from perfkit.report.wording import compared_with, comparator_text, figure_text, period_name, previous_text, quality_text, ytd_text

    fmt = lambda v: format_value(v, row["unit"], row["decimals"])  # noqa: E731
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    add = lambda label, value: grid.add_row(label, _plain(value))  # noqa: E731 - stored text, never markup or control codes
    add("Indicator", f"{row['indicator']}: {row['title']}")
    add("About", f"{_POLARITY[row['polarity']]}; {row['frequency']}; {row['directorate']}, {row['service']}")
    add("Owner", row["owner"])
    add("Area", f"{row['area_name'] or ''}".strip() or "(no data)")
    add("Period", row["period"].label)
    add("Value", figure_text(row))
    if quality_text(row):
        add("Data quality", f"counts_disagree: {quality_text(row)}")
    if row["target"] == row["target"]:
        points = " percentage points" if row["unit"] == "%" else ""
        tolerance = f"{row['tolerance']:.{row['decimals']}f}{points}"
        add("Target", f"{fmt(row['target'])} (amber within {tolerance})")
    else:
        add("Target", "no target")
    add("RAG", row["rag"].upper() if row["rag"] in ("green", "amber", "red") else row["rag"])
    if ytd_text(row):
        add(row["ytd_kind"].capitalize(), f"{ytd_text(row)}: {row['ytd_rag'].upper()}")
    for name in compared_with(row):
        add(f"vs {row[f'{name}_period'].label}", f"{previous_text(row, prefix=name + '_')}: {row[f'direction_{name}']}")
    add("Comparators", comparator_text(row))
    when = period_name(row["commentary_period"])
    for key in ("commentary", "actions"):
        if isinstance(row[key], str):
            add(f"{key.capitalize()} ({when})", row[key])
    return grid


@app.command("benchmark")
def benchmark_cmd(
    code: Annotated[str, typer.Argument(help="Indicator code, e.g. DFE_REREF.")],
    area: Annotated[str, typer.Option("--area", help="Area code, e.g. E08000009.")],
    period: Annotated[str, typer.Option("--period", help="Period, e.g. '2024/25'.")],
    neighbours: Annotated[Optional[Path], typer.Option("--neighbours", help="DfE statistical neighbour file (CSV).")] = None,
    group: Annotated[Optional[str], typer.Option("--group", help="A comparator group of the project (see `perfkit groups`) instead of the indicator's own.")] = None,
    store: StoreOpt = None,
) -> None:
    """Rank, quartile, median and gaps of an area within its comparator groups, region and England."""

    def action() -> None:
        from perfkit.formatting import format_value

        ind = api.get_catalogue()[code.upper()]
        table = api.benchmark(code, area, period, neighbours=neighbours, store=store, group=group)
        fmt = lambda v: format_value(v, ind.unit.value, ind.decimals)  # noqa: E731
        grid = Table("group", "value", "position", "quartile", "median", "gap to median", "best quartile from", "gap to best quartile", title=f"{ind.code}: {ind.title}, {area}, {period}")
        for _, r in table.iterrows():
            quartile = "–" if r["quartile"] != r["quartile"] else str(int(r["quartile"]))
            grid.add_row(_plain(r["group"]), fmt(r["value"]), r["position"], quartile, fmt(r["median"]), fmt(r["gap_to_median"]), fmt(r["best_quartile_threshold"]), fmt(r["gap_to_best_quartile"]))
        out.print(grid)
        if table.attrs.get("flagged"):
            out.print(_plain(
                f"data quality: {len(table.attrs['flagged'])} compared figure(s) disagree with their own published counts and are "
                f"used as published (counts_disagree): {', '.join(table.attrs['flagged'])}"
            ), soft_wrap=True)

    _run(action)


@app.command()
def demo(
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated data.")] = 20250401,
    store: StoreOpt = None,
) -> None:
    """Generate the fictional demo council's data and import it into the store.

    Inside a real council's project (or an empty folder) the demo is made in its own folder,
    demo/ (or here), with the demo council's params: never in a real council's store."""

    def action() -> None:
        from perfkit.config.catalogue import load_catalogue
        from perfkit.config.council import load_council
        from perfkit.scaffold.demo import is_fictional, write_demo_files
        from perfkit.ingest import ingest as run_ingest
        from perfkit.scaffold.init import write_demo_project

        proj = project(store=store)
        if not (proj.params / "council.yaml").is_file() or not is_fictional(load_council(proj.params)):
            # a real council's project (or none): the demo gets a folder of its own, never this store
            proj = project(root=proj.root / "demo" if (proj.params / "council.yaml").is_file() else proj.root, store=store)
            write_demo_project(proj.root)
        catalogue, council = load_catalogue(proj.params), load_council(proj.params)
        files = write_demo_files(catalogue, council, proj.demo_data, seed=seed)
        reports = run_ingest(files, proj.store, catalogue)
        added = sum(r.result.added for r in reports)
        revised = sum(r.result.revised for r in reports)
        unchanged = sum(r.result.unchanged for r in reports)
        out.print(
            f"demo data for {council.name} (fictional): {len(files)} files, "
            f"{added} added, {revised} revised, {unchanged} unchanged; store: {proj.store}"
        )
        if proj.root != project().root:
            out.print(f"the demo project is {proj.root}: build its papers with `cd {proj.root} && perfkit build`")

    _run(action)


groups_app = typer.Typer(help="The project's comparator groups (params/comparators/): list them, or add one from a publisher's file.", no_args_is_help=False)
app.add_typer(groups_app, name="groups")


@groups_app.callback(invoke_without_command=True)
def groups(ctx: typer.Context) -> None:
    """List the project's comparator groups with their sizes (`perfkit groups add --help` to add one)."""
    if ctx.invoked_subcommand is not None:
        return

    def action() -> None:
        cat = api.get_catalogue()
        table = Table("code", "name", "areas", "used by", title=f"Comparator groups ({project().params / 'comparators'})")
        for code, g in cat.groups.items():
            users = [c for c, i in cat.items() if i.comparator_group == code]
            table.add_row(_plain(code), _plain(g.name), str(len(g.members)), _plain(", ".join(users) or "–"))
        out.print(table)
        out.print("built in: the region of an area, and every authority of its tier that reported the indicator (`perfkit benchmark`)")
        for path in sorted((project().params / "neighbours").glob("*.yaml")):
            from perfkit.config.groups import load_neighbour_lists

            lists = load_neighbour_lists(project().params, path.stem)
            out.print(f"neighbour lists {lists.code}: {_plain(lists.name)}, for {len(lists.lists)} areas (area profiles' `neighbours:`)")

    _run(action)


@groups_app.command("add")
def groups_add(
    file: Annotated[Path, typer.Argument(help="YAML group, JSON {area: [codes]} neighbour lists, CSV list (area_code, area_name) or the DfE statistical neighbour CSV.")],
    area: Annotated[Optional[str], typer.Option("--area", help="Whose neighbours, for a file of lists (default: the council).")] = None,
    code: Annotated[Optional[str], typer.Option("--code", help="The group's code (default: from the file).")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="The group's name in papers (default: from the file).")] = None,
    for_: Annotated[Optional[list[str]], typer.Option("--for", help="An indicator this group is the comparator group of (repeat for more).")] = None,
    every_area: Annotated[bool, typer.Option("--every-area", help="Keep every area's own list (JSON lists or the DfE file), for area profiles: params/neighbours/<code>.yaml.")] = False,
    store: StoreOpt = None,
) -> None:
    """Read a comparator group from a publisher's file and save it as params/comparators/<code>.yaml (never overwrites).

    With --every-area, keep every area's own list instead, as params/neighbours/<code>.yaml:
    the neighbours an area profile compares each area with (`neighbours:` in params/reports.yaml)."""

    def action() -> None:
        from perfkit.atomic import write_text
        from perfkit.config.groups import read_group
        from perfkit.store.store import Store

        proj = project(store=store)
        names, numbers = {}, None
        if proj.store.exists():
            with Store(proj.store, read_only=True) as db:
                names = dict(db.areas().itertuples(index=False))
                numbers = db.area_attributes("dfe_number")
        if every_area:
            _save_neighbour_lists(file, proj, code, name, numbers)
            return
        whose = (area or api.get_council().area_code).strip().upper()
        group = read_group(file, whose, names, numbers)
        given = (("code", code), ("name", name), ("indicators", [c.upper() for c in for_ or []]))
        group = group.model_validate(group.model_dump() | {k: v for k, v in given if v})
        for indicator in group.indicators:
            api.get_catalogue()[indicator]  # noqa: B018 - an unknown code is a clear error before anything is written
        target = proj.params / "comparators" / f"{group.code}.yaml"
        if target.exists():
            raise PerfkitError(f"{target} already exists: choose another --code, or remove that file first")
        import yaml

        header = f"# Comparator group read by `perfkit groups add` from {file.name}.\n"
        write_text(target, header + yaml.safe_dump(group.model_dump(), sort_keys=False, allow_unicode=True))
        use = (f"it is the comparator group of {', '.join(group.indicators)}" if group.indicators else
               f"make it an indicator's comparator group with --for CODE (or comparator_group: {group.code} in the catalogue)")
        out.print(f"saved {group.name} ({len(group.members)} areas) as {target}: {use}; `perfkit benchmark --group {group.code}` uses it too")

    _run(action)


def _save_neighbour_lists(file: Path, proj: Project, code: str | None, name: str | None, numbers) -> None:  # noqa: ANN001 - a frame
    """``perfkit groups add FILE --every-area``: every area's list, as params/neighbours/<code>.yaml."""
    import yaml

    from perfkit.atomic import write_text
    from perfkit.config.groups import read_neighbour_lists

    dfe = file.suffix.lower() == ".csv"
    code = (code or ("statistical_neighbours" if dfe else file.stem)).lower().replace("-", "_")
    lists, unknown = read_neighbour_lists(file, code, name or ("Statistical neighbours (DfE)" if dfe else f"Nearest neighbours ({file.stem})"), numbers)
    target = proj.params / "neighbours" / f"{code}.yaml"
    if target.exists():
        raise PerfkitError(f"{target} already exists: choose another --code, or remove that file first")
    header = f"# Each area's neighbours, read by `perfkit groups add --every-area` from {file.name}.\n"
    write_text(target, header + yaml.safe_dump(lists.model_dump(), sort_keys=False, allow_unicode=True))
    out.print(f"saved {lists.name}: lists for {len(lists.lists)} areas as {target}; an area profile compares each area with its own "
              f"list when its report in params/reports.yaml says `neighbours: {code}`")
    if unknown:
        gone = sorted({n for ns in unknown.values() for n in ns})
        out.print(f"{len(unknown)} list(s) name DfE number(s) the store has no area for, left out: {', '.join(gone[:12])}"
                  f"{' ...' if len(gone) > 12 else ''} (authorities since reorganised, or a DfE file not imported)")


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="The project folder to make (new or empty).")],
    council: Annotated[str, typer.Option("--council", help='The council\'s name, e.g. "Trafford Council".')],
    area_code: Annotated[str, typer.Option("--area-code", help="The council's ONS area code, e.g. E08000009.")],
    area_name: Annotated[Optional[str], typer.Option("--area-name", help="Short name in papers (default: from --council).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Write the missing files into a folder that is not empty (never overwrites one).")] = False,
) -> None:
    """Make a project folder for a council: params/, data/, outputs/ and a README, ready for its data."""

    def action() -> None:
        from perfkit.scaffold.init import init_project

        written, kept = init_project(folder, council, area_code, area_name=area_name, force=force)
        out.print(f"made the perfkit project {folder.resolve()} for {council}: {len(written)} file(s) written")
        if kept:
            out.print(f"kept {len(kept)} existing file(s) unchanged: " + ", ".join(str(p.relative_to(folder)) for p in kept))
        out.print(f"next: cd {folder} and follow README.md there (import data, then `perfkit build`)")

    _run(action)


def run() -> None:
    """Entry point for ``python -m perfkit``."""
    app(prog_name="perfkit")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
