"""``perfkit init``: a new project folder for a council, ready for its own data.

A project is a folder: ``params/`` (what to report and for whom), ``data/`` (the store and
files the team saves), ``outputs/`` (built papers) and, optionally, ``notebooks/`` (a report
notebook there overrides perfkit's own of the same name). :func:`init_project` writes the
council's params from the council's name and ONS area code, a starter directorate reporting
a published indicator, the packs of perfkit's library of published indicators it is asked
for (catalogue entries and the source mappings that read their files:
:mod:`perfkit.scaffold.library`; all of them by default), and a README for the folder. It
never overwrites a file.

The fictional demo council's params ship with perfkit too (:data:`DEMO_PARAMS`);
:func:`write_demo_project` copies them into a folder of their own, so the demo never mixes
with a real council's store.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from perfkit.atomic import write_text
from perfkit.errors import ConfigError
from perfkit.periods import Freq, Period
from perfkit.scaffold.library import Pack, choose_packs

__all__ = ["DEMO_PARAMS", "ONS_CODE", "analysis_folder", "init_project", "write_demo_project"]

#: The demo council's params, shipped inside the package (a link to the repository's ``params/``).
DEMO_PARAMS = Path(__file__).resolve().parents[1] / "demo_params"
#: A GSS (ONS) area code: a country letter and eight digits, e.g. E08000009.
ONS_CODE = re.compile(r"[EWSN]\d{8}")
#: What init copies from the shipped params unchanged, whichever packs of the library it copies.
_COPIED = ("sources/canonical.yaml",)
#: The starter directorate's indicator, when the library's DfE pack is there to define it.
_STARTER = "DFE_REREF"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-") or "council"


def _area_name(council: str) -> str:
    """'Trafford' from 'Trafford Council', 'Kent' from 'Kent County Council'."""
    name = re.sub(r"\s+(Metropolitan\s+)?(Borough|County|City|District)?\s*Council$", "", council.strip(), flags=re.IGNORECASE)
    return re.sub(r"^(London Borough of|Royal Borough of|City of)\s+", "", name, flags=re.IGNORECASE) or council


def _yaml_text(value: str) -> str:
    """A YAML scalar that reads back as ``value``, quoted only when it must be."""
    import yaml

    return yaml.safe_dump(value, default_flow_style=True, width=10_000).removesuffix("\n...\n").strip()


def _imports(chosen: list[Pack]) -> str:
    """The project README's lines on importing each release of the chosen packs."""
    if not chosen:
        return ("   No published indicators were added (`perfkit init . --force --library all` adds perfkit's library:\n"
                "   DfE children's social care and planning).\n")
    lines = []
    for pack in chosen:
        order = ", in this order" if len(pack.releases) > 1 else ""
        lines.append(f"   - {pack.title} (`params/indicators/{pack.name.replace('-', '_')}.yaml`){order}:")
        lines += [f"     `perfkit ingest --source {r.source} {r.file}`" for r in pack.releases]
    return "\n".join(lines) + "\n"


def _files(council: str, area_code: str, area_name: str, today: dt.date, chosen: list[Pack]) -> dict[str, str]:
    """The generated files, by path inside the project."""
    year = Period.containing(today, Freq.YEAR)
    starter = _STARTER in {c for pack in chosen for c in pack.codes()}
    imports = _imports(chosen)
    domain = _slug(area_name) + ".gov.uk"
    q = _yaml_text
    contact = f"""contact:
  name: Performance Team
  role: Performance and Intelligence
  email: performance@{domain}"""
    common_narrative = """  financial:
    - There are no direct financial implications arising from this report.
  legal:
    - There are no direct legal implications arising from this report.
  background_papers:
    - None."""
    return {
        "params/council.yaml": f"""# The council these reports are for (written by `perfkit init`; edit freely).
name: {q(council)}
area_code: {area_code}          # the ONS (GSS) code published files use for the council
area_name: {q(area_name)}
colour: "#0b5394"               # links and rules in reports; must reach 4.5:1 contrast on white
""",
        "params/calendar.yaml": f"""# The reporting calendar: the financial years perfkit reports on (targets must fall inside
# them) and the date of the committee meeting that receives each period's papers. A paper
# for a period with no date here says "to be confirmed", and the build says so.
first_year: {year.shift(-12).label}
last_year: {year.shift(1).label}
# Add each meeting as a line under meetings, e.g. "  {year.label} Q1: {year.start.year}-09-17",
# and remove the {{}}.
meetings: {{}}
# Owners' returns (perfkit returns) are due this many days after a quarter ends, unless
# returns_due gives the date, e.g. "  {year.label} Q1: {year.start.year}-07-18".
returns_due_days: 20
returns_due: {{}}
""",
        "params/owners.yaml": """# Indicator owners' contact details, for the chasing list `perfkit check` writes. Give each
# owner as the catalogue names them (the `owner` key of an indicator), e.g.
#   - {owner: Head of Safeguarding, name: A Person, email: a.person@example.gov.uk}
owners: []
""",
        "params/reports.yaml": (DEMO_PARAMS / "reports.yaml").read_text(encoding="utf-8"),
        "params/corporate.yaml": f"""# The corporate overview: all directorates on a page. Edit the committee, officer and text.
committee: Overview and Scrutiny Committee
officer: Chief Executive
paper: A
status: public
{contact}
signed_by:
  name: Chief Executive
  role: Chief Executive
narrative:
  summary:
    - This report gives the Committee an overview of the Council's performance for the period across every directorate.
{common_narrative}
  recommendations:
    - That the Committee notes the Council's performance set out in this report.
""",
        "params/areas.yaml": f"""# Area profiles (`perfkit build --report area_profile`): the paper one area's benchmarking
# profile is set in. Edit the committee, officer and text.
committee: Overview and Scrutiny Committee
officer: Head of Performance
paper: AP
status: public
{contact}
signed_by:
  name: Head of Performance
  role: Head of Performance
narrative:
  summary:
    - The profile sets out how the area compares with its neighbours, its region and every authority of its tier on published indicators.
{common_narrative}
  recommendations:
    - That the Committee notes the profile.
""",
        "params/directorates/childrens-services.yaml": f"""# A starter directorate: its paper reports the indicators listed under `indicators`, with
# benchmarks, once their files are imported (see README.md). Add the directorate's own
# indicators in params/indicators/ and list them here (or drop `indicators` to report every
# indicator whose directorate is this one's name). Copy this file for each directorate.
name: Children's Services
slug: childrens-services
committee: Children and Young People Scrutiny Committee
officer: Director of Children's Services
paper: C
status: public
indicators: [{_STARTER if starter else ''}]
{contact}
signed_by:
  name: Director of Children's Services
  role: Director of Children's Services
narrative:
  summary:
    - This report sets out the performance of children's services for the period, with how {area_name} compares with similar authorities and England.
{common_narrative}
  recommendations:
    - That the Committee notes the performance set out in this report.
""".replace("{area_name}", area_name),
        "README.md": f"""# {council}: performance reports with perfkit

Made by `perfkit init`. Every command below runs in this folder.

1. Import data: published files through the mappings of perfkit's library in `params/sources/`
   (the file names are the publishers'; give each file's path),
{imports}   or the council's own returns in the canonical layout: `perfkit ingest data/returns/*.csv`.
2. See what is there: `perfkit indicators`, `perfkit show CODE --area {area_code}` (e.g. `DFE_REREF`).
3. Build the papers: `perfkit build --period 2024/25` (HTML and PDF in `outputs/`, with `outputs/index.html`).

Each quarter, for the council's own indicators: `perfkit returns --period "2026/27 Q1"` writes a
workbook per owner in `returns/`; import what comes back with `perfkit ingest returns/2026-27-q1/*/*.xlsx`;
`perfkit check --period "2026/27 Q1"` lists what is missing, overdue or unusual (and writes the
chasing list `outputs/2026-27-q1/data-check.csv`); then build.

Area profiles, one per authority against its neighbours, its region and England:
`perfkit groups add New_Statistical_Neighbour_Groupings_April_2021.csv --every-area`, then
`neighbours: statistical_neighbours` under the `area_profile` report in `params/reports.yaml`,
then `perfkit build --report area_profile --period 2024/25` (`--area CODE` for chosen ones).

| folder | what |
|---|---|
| `params/council.yaml` | the council's name, ONS code and colour |
| `params/calendar.yaml` | reporting years, the committee meeting date of each period, when returns are due |
| `params/owners.yaml` | indicator owners' names and emails, for chasing returns |
| `params/directorates/` | one file per directorate's paper: committee, officers, narrative, indicators |
| `params/indicators/` | the indicator catalogue (the library's files: indicators read from national statistics, with their units and polarities) |
| `params/sources/` | mappings that read publishers' files as they are published |
| `params/comparators/` | comparator groups (`perfkit groups`) |
| `params/neighbours/` | each area's own neighbours, for area profiles (`perfkit groups add FILE --every-area`) |
| `params/areas.yaml` | the paper area profiles are set in: committee, officer, narrative |
| `notebooks/` | optional: a report notebook here replaces perfkit's own of the same name |
| `data/` | the store (`data/perfkit.duckdb`) and rejected rows (`data/rejected/`) |
| `outputs/` | built papers |

To try perfkit on the fictional demo council first: `perfkit demo` (it builds in `demo/`, apart from this council's store).
""",
        "data/.gitkeep": "",
        "outputs/.gitkeep": "",
    }


def _defined_elsewhere(folder: Path, files: dict[str, str]) -> None:
    """Refuse library catalogue files that would define a code a project's own catalogue file
    already defines (an earlier ``init``'s ``published.yaml``): the catalogue refuses duplicates."""
    import yaml

    from perfkit.config.yaml import read_yaml

    adding = {name: {i["code"] for i in yaml.safe_load(text).get("indicators", [])} for name, text in files.items()
              if name.startswith("params/indicators/") and not (folder / name).exists()}
    for existing in sorted((folder / "params" / "indicators").glob("*.yaml")):
        codes = {i.get("code") for i in (read_yaml(existing) or {}).get("indicators", []) if isinstance(i, dict)}
        for name, new in adding.items():
            if both := sorted(codes & new):
                raise ConfigError(
                    f"{existing} already defines {', '.join(both)}, which the library's {Path(name).name} defines too: remove "
                    f"{'that entry' if len(both) == 1 else 'those entries'} from {existing.name} (the library's file carries "
                    f"{'it' if len(both) == 1 else 'them'}), or leave that pack out of --library; nothing was written"
                )


def init_project(folder: str | Path, council: str, area_code: str, area_name: str | None = None, force: bool = False,
                 today: dt.date | None = None, library: str | list[str] | None = None) -> tuple[list[Path], list[Path]]:
    """Write a new project for ``council`` into ``folder``; return the files written and those kept.

    ``library`` names the packs of perfkit's library of published indicators to copy into
    ``params/`` (comma-separated names, ``all``, the default, or ``none``; see
    :func:`perfkit.scaffold.library.choose_packs`). Refuses a malformed ONS code, an unknown
    pack, and a folder that is not empty unless ``force`` (which adds only the files that are
    missing: an existing file is never overwritten, and a library file that would define an
    indicator the project already defines is refused)."""
    folder = Path(folder)
    code = area_code.strip().upper()
    if not ONS_CODE.fullmatch(code):
        raise ConfigError(
            f"--area-code {area_code!r} is not an ONS area code: expected a country letter (E, W, S or N) and 8 digits, "
            "e.g. E08000009 for Trafford; published files (DfE, LG Inform, ONS) give each council's code"
        )
    if len(council.strip()) < 3:
        raise ConfigError(f"--council {council!r}: give the council's full name, e.g. \"Trafford Council\"")
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} is a file; choose a new or empty folder for the project")
    present = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    if present and not force:
        shown = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
        raise ConfigError(
            f"{folder} is not empty (it holds {shown}): choose a new or empty folder, or add --force to write only the "
            "files that are missing (no existing file is overwritten)"
        )
    chosen = choose_packs(library)
    files = _files(council.strip(), code, (area_name or _area_name(council)).strip(), today or dt.date.today(), chosen)
    files |= {f"params/{name}": (DEMO_PARAMS / name).read_text(encoding="utf-8") for name in _COPIED}
    files |= {f"params/{name}": text for pack in chosen for name, text in pack.files().items()}
    _defined_elsewhere(folder, files)
    written, kept = [], []
    for name, text in files.items():
        path = folder / name
        if path.exists():
            kept.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text)
        written.append(path)
    (folder / "params" / "comparators").mkdir(exist_ok=True)
    return written, kept


def write_demo_project(folder: str | Path) -> Path:
    """The fictional demo council's params in ``folder`` (made if needed); its params folder."""
    target = Path(folder) / "params"
    if not (target / "council.yaml").is_file():
        shutil.copytree(DEMO_PARAMS, target, dirs_exist_ok=True)
    return target


def analysis_folder(proj) -> Path:  # noqa: ANN001 - a perfkit.config.project.Project
    """The project's ``analysis/`` folder for an analyst's own notebooks, made on first use with
    a copy of the analyst starter notebook (never the production report notebooks)."""
    import shutil

    folder = proj.root / "analysis"
    starter = proj.notebook("analyst_starter.ipynb")
    if not folder.exists():
        folder.mkdir()
        if starter.is_file():
            shutil.copy(starter, folder / starter.name)
    return folder
