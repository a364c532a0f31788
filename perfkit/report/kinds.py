"""Report kinds: whom a report is built for (``per`` in ``params/reports.yaml``), in one table.

A kind says which reports a build plans (one per directorate, one for the council, one per
indicator of a directorate, one per area), the name of each one's files, the parameters its
notebook takes, the indicators and areas it reads from the store (what the build manifest
hashes), and the params files it depends on. Everything that
differs between kinds is here; the build, the manifest and the papers ask the kind.

>>> sorted(KINDS)
['area', 'council', 'directorate', 'indicator']
>>> KINDS["indicator"].file_name("indicator_profile", "HSG_RENT")
'indicator_profile_hsg_rent'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfkit.config.papers import AREAS_FOLDER, ReportDef, ReportParams
from perfkit.contract import ENGLAND

if TYPE_CHECKING:
    from perfkit.periods import Period

__all__ = ["KINDS", "ReportKind", "Selection"]

#: The output folder of every area profile of a period (one file per area inside it).


@dataclass(frozen=True)
class Selection:
    """What a build was asked for: directorate slugs and area codes (None: all of them), and
    the store it builds from (an area profile's areas and benchmarks come from it)."""

    directorates: list[str] | None = None
    areas: list[str] | None = None
    store: Path | None = None


#: One report a build plans: its subject, its output folder, and the parameters the build
#: computed for it (JSON; "" for none).
Subject = tuple[str, str, str]


class ReportKind:
    """One ``per:`` of params/reports.yaml. Subclasses say what differs."""

    per: str = ""

    def subjects(self, params: ReportParams, report: ReportDef, chosen: Selection, period: Period) -> list[Subject]:
        """The reports a build plans for ``period``: (subject, output folder, parameters computed for it)."""
        raise NotImplementedError

    def file_name(self, report: str, subject: str) -> str:
        """The report's file name (without suffix) inside its output folder."""
        return report

    def parameters(self, subject: str) -> dict[str, Any]:
        """The notebook's own parameters (besides ``period`` and ``store``)."""
        return {}

    def reads(self, params: ReportParams, subject: str, given: dict[str, Any]) -> list[str]:
        """The indicators the report reads; ``given`` holds the parameters the build handed it."""
        raise NotImplementedError

    def areas(self, params: ReportParams, indicators: list[str], subject: str, given: dict[str, Any], council: str) -> list[str]:
        """The areas the report reads: the council (or its subject area), its indicators'
        comparator groups and England."""
        groups = {params.catalogue[c].comparator_group for c in indicators} - {None}
        return sorted({council, ENGLAND, *[m for g in groups for m in params.catalogue.groups[g].codes]})

    def files(self, params: ReportParams, subject: str) -> list[Path]:
        """The params files the report depends on."""
        common = [params.root / n for n in ("council.yaml", "calendar.yaml", "reports.yaml", "corporate.yaml")]
        return common + sorted((params.root / "indicators").glob("*.yaml")) + sorted((params.root / "comparators").glob("*.yaml"))


class DirectorateKind(ReportKind):
    per = "directorate"

    def subjects(self, params: ReportParams, report: ReportDef, chosen: Selection, period: Period) -> list[Subject]:
        return [(slug, slug, "") for slug in _slugs(params, chosen)]

    def parameters(self, subject: str) -> dict[str, Any]:
        return {"directorate": subject}

    def reads(self, params: ReportParams, subject: str, given: dict[str, Any]) -> list[str]:
        return params.indicators_of(subject)

    def files(self, params: ReportParams, subject: str) -> list[Path]:
        return [*super().files(params, subject), params.directorate_files[subject]]


class CouncilKind(ReportKind):
    per = "council"

    def subjects(self, params: ReportParams, report: ReportDef, chosen: Selection, period: Period) -> list[Subject]:
        return [("corporate", "corporate", "")]

    def reads(self, params: ReportParams, subject: str, given: dict[str, Any]) -> list[str]:
        return [c for slug in params.directorates for c in params.indicators_of(slug)]

    def files(self, params: ReportParams, subject: str) -> list[Path]:
        # the overview lists every directorate: one added or removed changes it
        return [*super().files(params, subject), *params.directorate_files.values()]


class IndicatorKind(ReportKind):
    per = "indicator"

    def subjects(self, params: ReportParams, report: ReportDef, chosen: Selection, period: Period) -> list[Subject]:
        return [(code, slug, "") for slug in _slugs(params, chosen) for code in params.indicators_of(slug)]

    def file_name(self, report: str, subject: str) -> str:
        return f"{report}_{subject.lower()}"

    def parameters(self, subject: str) -> dict[str, Any]:
        return {"indicator": subject, "area": None}  # area None: the council's own

    def reads(self, params: ReportParams, subject: str, given: dict[str, Any]) -> list[str]:
        """The indicator, and its value-for-money partner."""
        ind = params.catalogue[subject]
        return [ind.code, *[c for c, i in params.catalogue.items() if c == ind.outcome or i.outcome == ind.code]]

    def files(self, params: ReportParams, subject: str) -> list[Path]:
        name = params.catalogue[subject].directorate
        return [*super().files(params, subject), *[params.directorate_files[s] for s, d in params.directorates.items() if d.name == name]]


class AreaKind(ReportKind):
    """One profile per authority, from published data (:mod:`perfkit.compare.batch`). What every
    profile of a build shares (each area's place in each of its groups) is computed once and
    handed to each notebook as its ``benchmarks`` parameter: the manifest hashes it, so a
    profile is rebuilt exactly when a figure it shows changes."""

    per = "area"

    def subjects(self, params: ReportParams, report: ReportDef, chosen: Selection, period: Period) -> list[Subject]:
        """One per area chosen, each with its benchmarks: computed here, once for them all."""
        import json

        from perfkit.compare.batch import area_benchmarks, paper_benchmarks

        if chosen.store is None:
            raise ValueError("an area profile is planned from the store: give the Selection its store")
        areas, shared = area_benchmarks(params, report, chosen.areas, chosen.store, period)
        shares = paper_benchmarks(shared, areas)
        return [(code, AREAS_FOLDER, json.dumps({"benchmarks": shares[code]})) for code in areas]

    def file_name(self, report: str, subject: str) -> str:
        return f"{report}_{subject.lower()}"

    def parameters(self, subject: str) -> dict[str, Any]:
        return {"area": subject, "benchmarks": None}  # None: the notebook computes them itself

    def reads(self, params: ReportParams, subject: str, given: dict[str, Any]) -> list[str]:
        from perfkit.compare.batch import profile_indicators

        return profile_indicators(params.catalogue, given.get("benchmarks"))

    def areas(self, params: ReportParams, indicators: list[str], subject: str, given: dict[str, Any], council: str) -> list[str]:
        from perfkit.compare.batch import profile_areas

        return profile_areas(subject, given.get("benchmarks"))

    def files(self, params: ReportParams, subject: str) -> list[Path]:
        extra = [params.root / "areas.yaml"] if (params.root / "areas.yaml").is_file() else []
        return [*super().files(params, subject), *extra, *sorted((params.root / "neighbours").glob("*.yaml"))]


def _slugs(params: ReportParams, chosen: Selection) -> list[str]:
    return [params.directorate(d).slug for d in chosen.directorates] if chosen.directorates else list(params.directorates)


KINDS: dict[str, ReportKind] = {k.per: k for k in (DirectorateKind(), CouncilKind(), IndicatorKind(), AreaKind())}
