"""The commands that bring data and settings in: ``perfkit ingest``, ``demo``, ``indicators``,
``groups`` (list and ``add``) and ``init``.

Each parses its options, calls the library and prints what it did; :mod:`perfkit.cli.app`
registers them and turns errors into one line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from perfkit import api
from perfkit.cli.look import StoreOpt, err, out, plain, store_path
from perfkit.config.project import project
from perfkit.errors import IngestError, PerfkitError

__all__ = ["demo", "groups", "groups_add", "indicators", "ingest", "init"]


def _date_option(option: str, value: str | None) -> dt.date | None:
    """A YYYY-MM-DD option's date, or an error naming the option, the value and the form."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise IngestError(f"{option} {value!r}: not a date; write it as YYYY-MM-DD, e.g. {option} 2025-11-20") from None


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="CSV or XLSX files in the canonical layout (see README).")],
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Import the valid rows; save the rejected ones to data/rejected/<file>.rejected.csv."),
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Folder for rejected rows (default: rejected/ beside the store, i.e. data/rejected/).")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Source mapping for a published file: a name in params/sources/ or a YAML path."),
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="Refuse a return workbook (perfkit returns) issued for another period, e.g. '2026/27 Q1'.")
    ] = None,
    released: Annotated[
        str | None,
        typer.Option("--released", help="The publisher's release date of a published file, YYYY-MM-DD (default: the mapping's "
                     "'released:', else estimated from the indicator's lag_months)."),
    ] = None,
    revise_published: Annotated[
        bool, typer.Option("--revise-published", help="Let a return workbook change figures of a period already published.")
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Validate data files and import them into the store, all or nothing.

    Return workbooks from `perfkit returns` are read as issued, by each row's key: rows left
    blank are 'not returned', a blank cell keeps what is stored, a changed workbook is refused;
    each gets a receipt beside it (<name>.receipt.txt). Files are checked by DuckDB beside the store,
    within $PERFKIT_MEMORY_LIMIT (default 1GB)."""
    from perfkit.ingest import ingest as run_ingest

    mapping = None
    if source:
        from perfkit.ingest.sources import load_mapping

        named = project().params / "sources" / f"{source}.yaml"
        mapping = load_mapping(named if named.is_file() else Path(source))
    try:
        from perfkit.periods import parse_period

        expect = parse_period(period) if period else None
        reports = run_ingest(paths, store_path(store), api.get_catalogue(), skip_invalid=skip_invalid, mapping=mapping, rejects=rejects, period=expect,
                             released=_date_option("--released", released), revise_published=revise_published)
    except IngestError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    table = Table("file", "batch", "added", "revised", "unchanged", "rejected", "flagged", "actions", title="Import")
    for rep in reports:
        r = rep.result
        table.add_row(r.file_name, str(r.batch_id), str(r.added), str(r.revised), str(r.unchanged), str(r.rejected), str(rep.flagged),
                      str(r.actions))
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
    out.print(f"store: {store_path(store)}")


def indicators(
    directorate: Annotated[
        str | None, typer.Option("--directorate", help="Only this directorate's indicators: its slug (as `build` takes) or its name.")
    ] = None,
) -> None:
    """List the indicator catalogue (params/indicators/)."""
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


def demo(
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated data; another than the default gives a council of another shape.")] = 20250401,
    store: StoreOpt = None,
) -> None:
    """Generate the fictional demo council's data and import it into the store.

    Inside a real council's project (or an empty folder) the demo is made in its own folder,
    demo/ (or here), with the demo council's params: never in a real council's store. A seed
    other than the default varies the council's shape (and rewrites its catalogue to match)."""
    from perfkit.config.catalogue import load_catalogue
    from perfkit.config.council import load_council
    from perfkit.ingest import ingest as run_ingest
    from perfkit.scaffold.demo import demo_project, write_demo_files, write_demo_params

    here = project(store=store)
    proj = demo_project(here)
    shape = write_demo_params(proj.params, seed)
    catalogue, council = load_catalogue(proj.params), load_council(proj.params)
    files = write_demo_files(catalogue, council, proj.demo_data, seed=seed)
    reports = run_ingest(files, proj.store, catalogue)
    added = sum(r.result.added for r in reports)
    revised = sum(r.result.revised for r in reports)
    unchanged = sum(r.result.unchanged for r in reports)
    actions = sum(r.result.actions for r in reports)
    out.print(
        f"demo data for {council.name} (fictional): {len(files)} files, "
        f"{added} added, {revised} revised, {unchanged} unchanged, {actions} action rows added or changed; store: {proj.store}"
    )
    if not shape.plain:
        out.print(f"seed {seed}'s council: {shape.describe()}", soft_wrap=True)
    if proj.root != here.root:
        out.print(f"the demo project is {proj.root}: build its papers with `cd {proj.root} && perfkit build`")


def groups(ctx: typer.Context) -> None:
    """List the project's comparator groups with their sizes (`perfkit groups add --help` to add one)."""
    if ctx.invoked_subcommand is not None:
        return
    from perfkit.config.groups import load_neighbour_lists

    cat = api.get_catalogue()
    params = project().params
    table = Table("code", "name", "areas", "whose", "used by", title=f"Comparator groups ({params / 'comparators'})")
    council = api.get_council().area_code
    lists_codes = {p.stem for p in (params / "neighbours").glob("*.yaml")}
    for code, g in cat.groups.items():
        if code in lists_codes:  # the council's own list in neighbour lists, shown with them below
            continue
        users = [c for c, i in cat.items() if i.comparator_group == code]
        whose = "each member's (peers)" if g.owner(council) == "members" else g.owner(council)
        table.add_row(plain(code), plain(g.name), str(len(g.members)), plain(whose), plain(", ".join(users) or "–"))
    out.print(table)
    out.print("built in: the region of an area, and every authority of its tier that reported the indicator (`perfkit benchmark`)")
    for path in sorted((params / "neighbours").glob("*.yaml")):
        lists = load_neighbour_lists(params, path.stem)
        used = f"the default group of {', '.join(lists.indicators)}" if lists.indicators else "area profiles' `neighbours:`"
        origin = f"; source: {lists.source}{f', read {lists.date}' if lists.date else ''}" if lists.source else ""
        out.print(plain(f"neighbour lists {lists.code}: {lists.name}, each area's own, for {len(lists.lists)} areas ({used}){origin}"))


def groups_add(
    file: Annotated[Path, typer.Argument(help="YAML group, JSON {area: [codes]} neighbour lists, CSV list (area_code, area_name) or the DfE statistical neighbour CSV.")],
    area: Annotated[str | None, typer.Option("--area", help="Whose neighbours, for a file of lists (default: the council).")] = None,
    code: Annotated[str | None, typer.Option("--code", help="The group's code (default: from the file).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The group's name in papers (default: from the file).")] = None,
    for_: Annotated[list[str] | None, typer.Option("--for", help="An indicator this group (or these lists) is the comparator group of (repeat for more).")] = None,
    every_area: Annotated[bool, typer.Option("--every-area", help="Keep every area's own list (JSON lists or the DfE file), for area profiles: params/neighbours/<code>.yaml.")] = False,
    store: StoreOpt = None,
) -> None:
    """Read a comparator group from a publisher's file and save it as params/comparators/<code>.yaml (never overwrites).

    With --every-area, keep every area's own list instead, as params/neighbours/<code>.yaml:
    each area is ranked among its own list, for the indicators --for names (or where
    params/reports.yaml's area profile says `neighbours:`). A group read for one area is that
    area's (--area, default the council): it never ranks another area."""
    import re

    from perfkit.config.groups import read_group, save_group, save_neighbour_lists
    from perfkit.store.store import Store

    if code is not None and not re.fullmatch(r"[a-z0-9_]+", code):
        raise PerfkitError(f"--code {code!r}: a group's code is lower-case letters, digits and '_' only (it names the file "
                           "params/comparators/<code>.yaml), e.g. --code my_neighbours")
    proj = project(store=store)
    names, numbers = {}, None
    if proj.store.exists():
        with Store(proj.store, read_only=True) as db:
            names = dict(db.areas().itertuples(index=False))
            numbers = db.area_attributes("dfe_number")
    if every_area:
        lists, target, unknown = save_neighbour_lists(proj.params, file, code, name, numbers, for_ or (), api.get_catalogue() if for_ else None)
        use = f"the default group of {', '.join(lists.indicators)}" if lists.indicators else f"used where params/reports.yaml says `neighbours: {lists.code}` (or add --for CODE)"
        out.print(f"saved {lists.name}: lists for {len(lists.lists)} areas as {target}; each area is ranked among its own list, {use}")
        if unknown:
            gone = sorted({n for ns in unknown.values() for n in ns})
            out.print(f"{len(unknown)} list(s) name DfE number(s) the store has no area for, left out: {', '.join(gone[:12])}"
                      f"{' ...' if len(gone) > 12 else ''} (authorities since reorganised, or a DfE file not imported)")
        return
    whose = (area or api.get_council().area_code).strip().upper()
    group = read_group(file, whose, names, numbers)
    # the catalogue checks the indicators the group is for, when it names any (only then is it read)
    group, target = save_group(proj.params, group, file, code=code, name=name, indicators=for_ or (),
                               catalogue=api.get_catalogue() if for_ or group.indicators else None)
    use = (f"it is the comparator group of {', '.join(group.indicators)}" if group.indicators else
           f"make it an indicator's comparator group with --for CODE (or comparator_group: {group.code} in the catalogue)")
    out.print(f"saved {group.name} ({len(group.members)} areas) as {target}: {use}; `perfkit benchmark --group {group.code}` uses it too")


def init(
    folder: Annotated[Path, typer.Argument(help="The project folder to make (new or empty).")],
    council: Annotated[str, typer.Option("--council", help='The council\'s name, e.g. "Trafford Council".')],
    area_code: Annotated[str, typer.Option("--area-code", help="The council's ONS area code, e.g. E08000009.")],
    area_name: Annotated[str | None, typer.Option("--area-name", help="Short name in papers (default: from --council).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Write the missing files into a folder that is not empty (never overwrites one).")] = False,
    library: Annotated[str, typer.Option("--library", help="Packs of perfkit's library of published indicators to copy into params/ "
                                         "(catalogue entries and their source mappings), comma-separated: dfe-children, planning; all or none.")] = "all",
) -> None:
    """Make a project folder for a council: params/, data/, outputs/ and a README, ready for its data."""
    from perfkit.scaffold.init import init_project

    written, kept = init_project(folder, council, area_code, area_name=area_name, force=force, library=library)
    out.print(f"made the perfkit project {folder.resolve()} for {council}: {len(written)} file(s) written")
    if kept:
        out.print(f"kept {len(kept)} existing file(s) unchanged: " + ", ".join(str(p.relative_to(folder)) for p in kept))
    out.print(f"next: cd {folder} and follow README.md there (import data, then `perfkit build`)")
