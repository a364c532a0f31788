"""Area profiles for many authorities: which areas, their comparator groups, and the
figures every profile of a build shares.

An area profile (``per: area`` in params/reports.yaml) compares one authority with its
own neighbours in each indicator's own group (:mod:`perfkit.compare.membership`), its region and every authority of its tier that reported, on every indicator the
store holds for more than one authority at the period (rates and percentages: counts are
not compared, as authorities differ in size). Ranking every area in every group is done
once for a build by :func:`area_benchmarks`; each profile is handed its share
(:func:`paper_benchmarks`: its neighbours' rows, and its own place in its region and among
all authorities) as its notebook's ``benchmarks`` parameter, so the manifest rebuilds a
profile exactly when a figure it shows changes. A notebook run on its own computes the same
share itself.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from perfkit.config.catalogue import Unit
from perfkit.config.papers import ReportDef, ReportParams
from perfkit.contract import ENGLAND, LIVE
from perfkit.errors import ConfigError
from perfkit.periods import Period

__all__ = [
    "COLUMNS", "GROUPS", "LOCAL_AUTHORITIES", "area_benchmarks", "area_report", "benchmarks_frame", "chosen_areas", "paper_benchmarks",
    "profile_areas", "profile_indicators",
]

LOCAL_AUTHORITIES = "local_authorities"
#: The columns of the benchmarks frame, one row per indicator, group and member.
COLUMNS = [
    "indicator", "period", "group", "group_of", "group_name", "area_code", "area_name", "value", "numerator", "denominator",
    "status", "status_reason", "quality", "rank", "rank_of", "quartile", "group_median", "tied",
]
_NUMBERS = ["value", "numerator", "denominator", "rank", "rank_of", "quartile", "group_median", "tied"]
#: The kinds of group a profile ranks its area in, in the order papers show them.
GROUPS = ("neighbours", "region", "england")


def area_report(params: ReportParams) -> ReportDef | None:
    """The project's first area profile report (what a notebook run on its own follows)."""
    return next((r for r in params.reports.values() if r.per == "area"), None)


def _figures(params: ReportParams, store: Path, period: Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every indicator's figure for every area at its reporting period (a public profile's
    after disclosure control), and the store's area attributes."""
    from perfkit.assess import aggregate, reporting_period
    from perfkit.assess.disclosure import suppress_small_numbers
    from perfkit.assess.latest import shown_periods
    from perfkit.config.council import load_council
    from perfkit.store.store import Store

    cat = params.catalogue
    shown = {code: reporting_period(ind.freq, period) for code, ind in cat.items() if ind.unit is not Unit.COUNT}
    if not shown:
        return pd.DataFrame(columns=["indicator", "area_code", "value", "status"]), pd.DataFrame(columns=["area_code", "key", "value"])
    first, last = min(shown.values(), key=lambda p: p.start), max(shown.values(), key=lambda p: p.end)
    published = [c for c in shown if cat[c].publisher]
    with Store(store, read_only=True) as db:
        rows = db.observations(list(shown), None, None if published else first, last)  # a published one's latest may be earlier
        attributes = db.area_attributes()
    shown = shown_periods(rows, cat, list(shown), period)  # README "Latest available": a published indicator's latest stored
    settings = params.area_paper
    if settings.status == "public":
        council = load_council(params.root)
        rows = suppress_small_numbers(rows, cat, council.disclosure_threshold, publish_words=settings.withheld_commentary == "publish")
    parts = [aggregate(rows[rows["indicator"].isin([c for c, p in shown.items() if p == when])], cat, when) for when in set(shown.values())]
    values = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    return values, attributes


def _comparable(values: pd.DataFrame, attributes: pd.DataFrame) -> pd.DataFrame:
    """The figures of indicators that at least two authorities have a value for."""
    from perfkit.config.groups import authorities

    las = authorities(set(values["area_code"]), attributes)
    live = values[values["status"].isin(LIVE) & values["value"].notna() & values["area_code"].isin(las)]
    counted = live.groupby("indicator")["area_code"].nunique()
    return values[values["indicator"].isin(counted[counted >= 2].index)]


def chosen_areas(params: ReportParams, report: ReportDef, asked: list[str] | None, values: pd.DataFrame, attributes: pd.DataFrame) -> list[str]:
    """The areas to profile: those asked for (``--area``), else the report's ``areas``.

    Each item of ``areas`` is an area code, a comparator group's code (its members),
    ``region:<code>`` (the authorities recorded in that region that reported) or
    ``local_authorities`` (every authority that reported for the period).
    """
    from perfkit.config.groups import authorities, region_members

    known = set(values["area_code"])
    reported = authorities(known, attributes)
    found: list[str] = []
    items = [a.strip().upper() for a in asked] if asked else report.areas
    where = "--area" if asked else f"{params.root / 'reports.yaml'}: report {report.name}: key 'areas'"
    for item in items:
        if item == LOCAL_AUTHORITIES:
            found += sorted(reported)
        elif item.startswith("region:"):
            found += sorted(region_members(item.split(":", 1)[1].strip().upper(), attributes) & reported)
        elif item in params.catalogue.groups:
            found += params.catalogue.groups[item].codes
        elif item in known:
            found.append(item)
        else:
            raise ConfigError(
                f"{where}: {item!r} is not an area with figures for the period, a comparator group ({', '.join(params.catalogue.groups) or 'none'}), "
                f"region:<code> or {LOCAL_AUTHORITIES}; check the code (`perfkit benchmark` lists areas) or import its data"
            )
    return list(dict.fromkeys(found))


def _memberships(params: ReportParams, report: ReportDef | None, areas: list[str], values: pd.DataFrame, attributes: pd.DataFrame) -> pd.DataFrame:
    """Each group every chosen area is ranked in, per indicator: indicator, group, group_of,
    group_name and area_code (one row per member). Each indicator's neighbours are the area's
    own in that indicator's group (:class:`perfkit.compare.membership.Groups`), named per row."""
    from perfkit.compare.membership import Groups, region_name
    from perfkit.config.groups import authorities, region_members, same_tier

    names = dict(zip(values["area_code"], values["area_name"]))
    groups = Groups.load(params.root, params.catalogue, report)
    recorded = attributes[attributes["key"] == "region"]
    regions = {a: r for a, r in zip(recorded["area_code"], recorded["value"]) if a in set(areas)}
    in_region = {r: region_members(r, attributes) for r in set(regions.values())}
    rows: list[tuple[str, str, str, str, str]] = []
    for code, reported in values.groupby("indicator", sort=False)["area_code"]:
        reported = authorities(set(reported), attributes)
        tiers: dict[str, set[str]] = {}
        for area in areas:
            mine = groups.for_area(code, area, names)
            if mine.name is not None:
                rows += [(code, "neighbours", area, mine.name, m) for m in (area, *mine.members)]
            tier, members = same_tier(area, reported)
            tiers.setdefault(tier, members)
        for region in dict.fromkeys(r for r in regions.values() if r):
            rows += [(code, "region", region, region_name(region, names), m) for m in sorted(in_region[region] & reported)]
        rows += [(code, "england", tier, tier, m) for tier, members in tiers.items() for m in sorted(members)]
    return pd.DataFrame(rows, columns=["indicator", "group", "group_of", "group_name", "area_code"])


def area_benchmarks(params: ReportParams, report: ReportDef | None, asked: list[str] | None, store: Path, period: Period) -> tuple[list[str], pd.DataFrame]:
    """The areas to profile and every area's rank in every group they are compared in (see the module)."""
    from perfkit.assess.benchmark import rank_in_group

    values, attributes = _figures(params, store, period)
    values = _comparable(values, attributes)
    areas = chosen_areas(params, report, asked, values, attributes) if report is not None else [a.upper() for a in asked or []]
    members = _memberships(params, report, areas, values, attributes)
    figures = values[["indicator", "area_code", "area_name", "period", "value", "numerator", "denominator", "status", "status_reason", "quality"]]
    joined = members.merge(figures, on=["indicator", "area_code"], how="inner")
    cat = params.catalogue
    parts = [rank_in_group(part, cat[code].polarity.value, cat[code].decimals, by=["group", "group_of"]) for code, part in joined.groupby("indicator", sort=False)]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    frame["period"] = frame["period"].map(lambda p: p.label if isinstance(p, Period) else p)
    return areas, frame[COLUMNS]


def paper_benchmarks(frame: pd.DataFrame, areas: list[str]) -> dict[str, list[dict]]:
    """What each area's profile shows of the benchmarks: its neighbours' rows, and its own
    row in its region and among all authorities; JSON-ready (no NaN). One pass for all areas."""
    wanted = set(areas)
    shares: dict[str, list[dict]] = {a: [] for a in areas}
    for r in frame.astype(object).to_dict("records"):
        owner = r["group_of"] if r["group"] == "neighbours" else r["area_code"]
        if owner in wanted:
            shares[owner].append({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()})
    return shares


def benchmarks_frame(records: list[dict] | None) -> pd.DataFrame:
    """The benchmarks a profile was handed, as a frame of :data:`COLUMNS`."""
    frame = pd.DataFrame.from_records(records or [], columns=COLUMNS)
    for column in _NUMBERS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def profile_indicators(catalogue, benchmarks: list[dict] | None) -> list[str]:  # noqa: ANN001 - a Catalogue
    """The indicators a profile shows: those of its benchmarks, in catalogue order."""
    present = {r["indicator"] for r in benchmarks or []}
    return [c for c in catalogue if c in present]


def profile_areas(area: str, benchmarks: list[dict] | None) -> list[str]:
    """The areas whose stored rows a profile reads: its own, its region's and England's."""
    regions = {r["group_of"] for r in benchmarks or [] if r["group"] == "region"}
    return sorted({area.upper(), ENGLAND, *regions})
