"""Report params: directorates, report definitions and committee meeting dates.

``params/directorates/*.yaml`` holds one directorate each (its committee, officer, paper
letter, contact, indicators and the narrative of the fixed sections);
``params/reports.yaml`` which notebooks are built, and for whom; ``params/calendar.yaml``
the meeting date for each period. Everything is checked before any kernel starts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from perfkit.config.catalogue import Catalogue, load_catalogue, lookup
from perfkit.config.project import PACKAGED_NOTEBOOKS, Project
from perfkit.config.yaml import explain, read_model, read_yaml
from perfkit.errors import ConfigError, PeriodError
from perfkit.periods import Period, parse_period

__all__ = ["Contact", "Corporate", "Directorate", "Narrative", "Owner", "Paper", "ReportDef", "ReportParams", "area_report_def", "load_directorates", "load_owners", "load_params", "project_params"]

SLUG = r"^[a-z0-9](?:[a-z0-9_-]{0,40}[a-z0-9])?$"
#: The output folders the build uses beside the directorates' (``outputs/<period>/<folder>/``): the
#: corporate overview's and the area profiles'. No directorate may take one.
CORPORATE_FOLDER, AREAS_FOLDER = "corporate", "areas"
RESERVED_SLUGS = (CORPORATE_FOLDER, AREAS_FOLDER)


class Contact(BaseModel):
    """A person named in a paper."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=2)
    role: str = Field(min_length=2)
    phone: str | None = None
    email: str | None = None


class Deputy(BaseModel):
    """Who may return a workbook for an owner (named in the workbook, copied in the chasing list)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=2)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Owner(BaseModel):
    """An indicator owner's contact details (``params/owners.yaml``), for chasing returns: an
    optional ``deputy`` (name, email) who may return for them, and ``extended`` due dates by
    quarter (``{"2026/27 Q1": 2026-07-31}``), which the workbook and the check use for this owner."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    owner: str = Field(min_length=2)  # as the catalogue's ``owner`` names them
    name: str = Field(min_length=2)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = None
    deputy: Deputy | None = None
    extended: dict[str, dt.date] = Field(default_factory=dict)

    @field_validator("extended")
    @classmethod
    def _quarters(cls, value: dict[str, dt.date]) -> dict[str, dt.date]:
        for label in value:
            try:
                period = parse_period(label)
            except PeriodError as exc:
                raise ValueError(f"{label!r} is not a quarter ({exc}); write it like '2026/27 Q1'") from None
            if period.freq.value != "quarter" or period.label != label:
                raise ValueError(f"{label!r} is not a quarter; write it like '2026/27 Q1'")
        return value


def load_owners(root: str | Path, catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """Owners' contact details by owner (``params/owners.yaml``; none if the file is absent).

    Raises
    ------
    ConfigError
        For a bad entry, or an owner no indicator in the catalogue has (naming the file and entry).
    """
    path = Path(root) / "owners.yaml"
    if not path.is_file():
        return {}
    known = {i.owner for i in catalogue.values()}
    found = {}
    for number, o in _entries(path, "owners", Owner, "owner", "(owner, name, email)"):
        if o.owner not in known:
            raise ConfigError(f"{path}: owner #{number}: key 'owner': no indicator has the owner {o.owner!r}; use the name as the catalogue gives it")
        found[o.owner] = o.model_dump()
    return found


EQUALITIES = "There are no direct equalities implications arising from this report. Services assess the equalities impact of the actions they take to improve performance."
RISK = "Indicators that miss their target are reflected in the service risk registers where they put the Council's objectives at risk."
CLIMATE = "There are no direct climate or environmental implications arising from this report."


class Narrative(BaseModel):
    """Text of the fixed sections; paragraphs are separate list items.

    Equalities, risk and climate implications (the "other implications" councils' templates
    carry) default to a sentence saying there are none directly; a paper that has some says so.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    summary: list[str] = Field(min_length=1)
    financial: list[str] = Field(min_length=1)
    legal: list[str] = Field(min_length=1)
    equalities: list[str] = Field(default=[EQUALITIES], min_length=1)
    risk: list[str] = Field(default=[RISK], min_length=1)
    climate: list[str] = Field(default=[CLIMATE], min_length=1)
    recommendations: list[str] = Field(min_length=1)
    background_papers: list[str] = Field(min_length=1)


class Paper(BaseModel):
    """What every committee paper's params say: committee, officer, letter, contact, narrative.

    ``meetings`` gives this committee's own meeting date for a period where it differs from
    ``params/calendar.yaml`` (keys are period labels such as "2025/26 Q2").
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    committee: str = Field(min_length=3, max_length=200)
    officer: str = Field(min_length=3, max_length=200)  # "Report of the <officer>"
    paper: str = Field(pattern=r"^[A-Z0-9]{1,3}$")
    status: Literal["public", "internal"] = "public"
    #: Owners' commentary and actions beside a figure withheld from a public paper: withheld
    #: with it (the default), or published (the build then flags words holding digits or names).
    withheld_commentary: Literal["withhold", "publish"] = "withhold"
    draft: bool = False
    wards: str = Field(default="All wards", min_length=3)
    key_decision: bool = False
    meetings: dict[str, dt.date] = Field(default_factory=dict)
    contact: Contact
    signed_by: Contact
    narrative: Narrative

    @field_validator("meetings")
    @classmethod
    def _periods(cls, value: dict[str, dt.date]) -> dict[str, dt.date]:
        from perfkit.periods import parse_period

        return {parse_period(k).label: v for k, v in value.items()}


class Directorate(Paper):
    """One directorate's paper settings (``params/directorates/<slug>.yaml``)."""

    name: str = Field(min_length=2, max_length=100)
    slug: str
    indicators: list[str] | None = None  # default: every indicator of this directorate

    def codes(self, catalogue: Catalogue) -> list[str]:
        """The indicator codes of this directorate's paper, in catalogue order."""
        if self.indicators is not None:
            return list(self.indicators)
        return [c for c, i in catalogue.items() if i.directorate == self.name]

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        import re

        if not re.fullmatch(SLUG, value):
            raise ValueError(
                f"{value!r} is not a path-safe slug: use lower-case letters, digits, '-' and '_' "
                "(no '/', '..' or spaces)"
            )
        if value in RESERVED_SLUGS:
            raise ValueError(f"{value!r} is the output folder of the {'corporate overview' if value == CORPORATE_FOLDER else 'area profiles'}; "
                             "give this directorate another slug (e.g. its name, such as 'corporate-services')")
        return value


class Corporate(Paper):
    """The corporate overview's paper settings (``params/corporate.yaml``)."""


class ReportDef(BaseModel):
    """A notebook and whom it is built for (:mod:`perfkit.report.kinds`).

    An area profile (``per: area``) also says which areas (``areas``: each item an area
    code, a comparator group's code, ``region:<code>`` or ``local_authorities``; default
    every local authority in the store) and which neighbours compare them (``neighbours``: a
    code of params/neighbours/ (each area's own list) or params/comparators/, for every
    indicator; or one per indicator or publisher, ``{DFE_REREF: statistical_neighbours,
    DfE: statistical_neighbours, default: ...}``; default each indicator's own group:
    :mod:`perfkit.compare.membership`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=SLUG)
    notebook: str = Field(pattern=r"^[A-Za-z0-9_\-]+\.ipynb$")
    title: str
    per: Literal["directorate", "council", "indicator", "area"]
    default: bool = True
    areas: list[str] = Field(default_factory=lambda: ["local_authorities"], min_length=1)
    neighbours: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")] | dict[str, Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]] | None = None

    def neighbours_for(self, code: str, publisher: str | None = None) -> str | None:
        """The neighbours ``neighbours`` names for an indicator: its own entry, else its
        publisher's (case as written or not), else ``default``; the single form serves all."""
        if not isinstance(self.neighbours, dict):
            return self.neighbours
        keys = {k.casefold(): v for k, v in self.neighbours.items()}
        return next((keys[k.casefold()] for k in (code, publisher, "default") if k and k.casefold() in keys), None)

    @model_validator(mode="after")
    def _area_keys(self) -> ReportDef:
        if self.per != "area" and ("areas" in self.model_fields_set or self.neighbours):
            raise ValueError(f"areas and neighbours are for an area profile (per: area), not per: {self.per}")
        return self


class ReportParams:
    """Everything a build needs from ``params/``, checked."""

    def __init__(
        self,
        root: Path,
        catalogue: Catalogue,
        directorates: dict[str, Directorate],
        reports: dict[str, ReportDef],
        corporate: Corporate,
        directorate_files: dict[str, Path] | None = None,
        area_paper: Corporate | None = None,
    ) -> None:
        self.root = root
        self.corporate = corporate
        #: the paper settings of area profiles: params/areas.yaml, else the corporate overview's
        self.area_paper = area_paper or corporate
        self.directorate_files = directorate_files or {}
        self.catalogue = catalogue
        self.directorates = directorates
        self.reports = reports

    def meeting(self, period: Period, paper: Paper | None = None) -> dt.date | None:
        """The meeting that receives ``period``'s paper: the committee's own date where its
        params give one (``meetings``), else params/calendar.yaml's."""
        if paper is not None and period.label in paper.meetings:
            return paper.meetings[period.label]
        return self.catalogue.calendar.meeting_for(period) if self.catalogue.calendar else None

    def paper_for(self, folder: str) -> Paper:
        """The paper settings of a report's output folder: a directorate's slug, "corporate" or "areas"."""
        if folder == "areas":
            return self.area_paper
        return self.corporate if folder == CORPORATE_FOLDER else self.directorate(folder)

    def indicators_of(self, slug: str) -> list[str]:
        """The indicator codes of a directorate's paper, in catalogue order."""
        return self.directorates[slug].codes(self.catalogue)

    def directorate(self, slug: str) -> Directorate:
        known = ", ".join(self.directorates)
        return lookup(self.directorates, slug, f"no directorate {slug!r}; known: {known} (params/directorates/)")

    def report(self, name: str) -> ReportDef:
        return lookup(self.reports, name, f"no report {name!r}; known: {', '.join(self.reports)} (params/reports.yaml)")


def load_directorates(folder: Path, catalogue: Catalogue) -> tuple[dict[str, Directorate], dict[str, Path]]:
    """Directorates by slug, and the file each came from."""
    found: dict[str, Directorate] = {}
    files: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        d = read_model(path, Directorate, "directorate", "describes a directorate's paper")
        if d.slug in found:
            raise ConfigError(f"{path}: key 'slug': {d.slug!r} is already used by another directorate")
        for code in d.indicators or []:
            if code not in catalogue:
                raise ConfigError(f"{path}: key 'indicators': unknown indicator {code!r}; see `perfkit indicators`")
        if d.indicators is None and not any(i.directorate == d.name for i in catalogue.values()):
            raise ConfigError(f"{path}: key 'name': no indicator in the catalogue has directorate {d.name!r}")
        found[d.slug] = d
        files[d.slug] = path
    if not found:
        raise ConfigError(f"{folder}: no directorate files (*.yaml); see README, 'Report params'")
    return found, files


def _entries(path: Path, key: str, model: type[BaseModel], what: str, hint: str = "") -> list[tuple[int, Any]]:
    """The numbered entries of the list under ``key`` in ``path``, each checked as ``model``;
    a bad one names the file, the entry and the key."""
    data = read_yaml(path) if path.is_file() else None
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise ConfigError(f"{path}: expected a list under the key '{key}'" + (f" {hint}" if hint else ""))
    found = []
    for number, entry in enumerate(data[key], start=1):
        try:
            found.append((number, model.model_validate(entry)))
        except ValidationError as exc:
            raise explain(path, f"{what} #{number}", exc) from None
    return found


def _load_reports(path: Path, notebooks: tuple[Path, ...]) -> dict[str, ReportDef]:
    reports = {}
    for number, r in _entries(path, "reports", ReportDef, "report"):
        if not any((folder / r.notebook).is_file() for folder in notebooks):
            shipped = ", ".join(sorted(p.name for p in PACKAGED_NOTEBOOKS.glob("*.ipynb")))
            raise ConfigError(
                f"{path}: report {r.name}: key 'notebook': there is no {r.notebook} in {notebooks[0]}, nor among perfkit's "
                f"own notebooks ({shipped}); name one of those, or put your notebook in {notebooks[0]}"
            )
        reports[r.name] = r
    return reports


def area_report_def(root: str | Path) -> ReportDef | None:
    """The first area profile report of ``params/reports.yaml`` (its ``neighbours`` choose each
    indicator's group for ``perfkit benchmark`` and ``show`` too), without reading the rest of params."""
    path = Path(root) / "reports.yaml"
    if not path.is_file():
        return None
    return next((r for _, r in _entries(path, "reports", ReportDef, "report") if r.per == "area"), None)


def load_params(root: str | Path, notebooks: str | Path | None = None) -> ReportParams:
    """Read and check the catalogue, directorates, reports and meeting dates under ``root``.

    A report's notebook is looked up in ``notebooks`` (default: the project's ``notebooks/``
    beside ``root``), then among the notebooks shipped with perfkit."""
    root = Path(root)
    notebooks = (Path(notebooks) if notebooks else root.parent / "notebooks", PACKAGED_NOTEBOOKS)
    catalogue = load_catalogue(root)
    directorates, files = load_directorates(root / "directorates", catalogue)
    return ReportParams(
        root,
        catalogue,
        directorates,
        _load_reports(root / "reports.yaml", notebooks),
        read_model(root / "corporate.yaml", Corporate, "corporate overview", "sets the corporate overview's committee and paper"),
        files,
        read_model(root / "areas.yaml", Corporate, "area profiles", "sets the area profiles' committee and paper") if (root / "areas.yaml").is_file() else None,
    )


def project_params(proj: Project) -> ReportParams:
    """The params of project ``proj``, its own notebooks first: the one way perfkit opens them."""
    return load_params(proj.params, proj.notebook_folders[0])
