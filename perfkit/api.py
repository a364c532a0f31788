"""The analyst's entry points: the store and catalogue of the current project, in a line.

The CLI uses the same functions, so ``perfkit show`` and a notebook agree::

    import perfkit
    perfkit.scorecard("2025/26 Q2", directorate="Housing")
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from perfkit.assess import scorecard as _scorecard
from perfkit.config.catalogue import Catalogue
from perfkit.config.catalogue import load_catalogue as _load_catalogue
from perfkit.config.council import Council, load_council
from perfkit.config.project import project
from perfkit.errors import ConfigError, StoreError
from perfkit.periods import Period, parse_period
from perfkit.store.store import Store

__all__ = ["benchmark", "get_catalogue", "get_council", "latest_period", "observations", "scorecard"]


def _period(value: str | Period) -> Period:
    return value if isinstance(value, Period) else parse_period(value)


def get_catalogue(params: str | Path | None = None) -> Catalogue:
    """The indicator catalogue of the project (``params/indicators/``)."""
    return _load_catalogue(params or project().params)


def get_council(params: str | Path | None = None) -> Council:
    """The council the project reports on (``params/council.yaml``)."""
    return load_council(params or project().params)


def observations(
    indicators: list[str] | None = None,
    areas: list[str] | None = None,
    start: str | Period | None = None,
    end: str | Period | None = None,
    store: str | Path | None = None,
) -> pd.DataFrame:
    """Stored observations as a tidy frame.

    ``period`` holds :class:`Period` values (compare, sort, ``.label``, ``.financial_year``);
    ``period_end`` is the last day of the period as a plain date, for plotting:
    ``sns.lineplot(data=obs, x="period_end", y="value", hue="area_name")``.
    """
    with Store(project(store=store).store, read_only=True) as db:
        frame = db.observations(indicators, areas, _period(start) if start else None, _period(end) if end else None)
    frame.insert(frame.columns.get_loc("period") + 1, "period_end", pd.to_datetime([p.end for p in frame["period"]]))
    return frame


def latest_period(indicator: str, area: str | None = None, store: str | Path | None = None) -> Period:
    """The most recent period with a stored value of ``indicator`` for ``area``."""
    area = area or get_council().area_code
    obs = observations([indicator], [area], store=store)
    if obs.empty:
        raise StoreError(f"no stored values of {indicator} for area {area}; check the code or import data")
    return max(obs["period"])


def scorecard(
    period: str | Period,
    area: str | None = None,
    indicators: list[str] | None = None,
    directorate: str | None = None,
    store: str | Path | None = None,
    params: str | Path | None = None,
    as_at: dt.date | None = None,
) -> pd.DataFrame:
    """Value, target, RAG, direction of travel and rank of each indicator for ``period``.

    ``area`` defaults to the council's own; ``directorate`` keeps that directorate's
    indicators; ``as_at`` (default: none, the latest stored) is the date a published indicator's
    latest released figure is taken at (a paper's meeting date; README, "Latest available").
    See :func:`perfkit.assess.scorecard` for the columns.
    """
    cat = get_catalogue(params)
    codes = list(indicators) if indicators else list(cat)
    for code in codes:
        cat[code]  # noqa: B018 - raises a clear error for an unknown code
    if directorate:
        codes = [c for c in codes if cat[c].directorate.lower() == directorate.lower()]
        if not codes:
            names = sorted({i.directorate for i in cat.values()})
            raise ConfigError(f"no indicators for directorate {directorate!r}; known: {', '.join(names)}")
    council = get_council(params).area_code
    area = (area or council).strip().upper()
    with Store(project(store=store).store, read_only=True) as db:
        obs = db.observations(codes, released=True)
    if area != council.upper() and not obs["area_code"].eq(area).any():
        held = sorted(set(obs["area_code"]))
        which = f" for {codes[0]}" if len(codes) == 1 else ""
        raise ConfigError(f"no figures are stored for area {area!r}{which}: give an area code the store holds"
                          + (f" (e.g. {', '.join(held[:5])}; {len(held)} in all)" if held else " (it holds none for it yet)"))
    if area == council.upper():
        return _scorecard(obs, cat, _period(period), area, codes, as_at=as_at)
    own, why = _own_groups(cat, codes, area, obs, store, params)
    card = _scorecard(obs, own, _period(period), area, codes, as_at=as_at)
    said = card["indicator"].map(why)
    card["rank_note"] = card["rank_note"].astype(object).where(said.isna(), said)
    return card


def _own_groups(cat: Catalogue, codes: list[str], area: str, obs: pd.DataFrame, store: str | Path | None,
                params: str | Path | None) -> tuple[Catalogue, dict[str, str]]:
    """The catalogue as ``area`` is ranked in it: each indicator's group replaced by the area's
    own neighbours in it, or by none (a council's list never ranks another area), and why none."""
    from perfkit.config.groups import ComparatorGroup, authorities

    with Store(project(store=store).store, read_only=True) as db:
        attributes = db.area_attributes()
    names = dict(zip(obs["area_code"], obs["area_name"]))
    resolver, authority = _groups(cat, params), area in authorities({area}, attributes)
    indicators, groups, why = {}, {}, {}
    for code in cat:
        ind = cat[code]
        mine = resolver.for_area(code, area, names, authority) if code in codes else None
        if mine is not None and mine.name is not None:
            group = ComparatorGroup(code=f"own_{code.lower()}", name=mine.name, members={m: names.get(m, m) for m in mine.members}, of=area)
            groups[group.code] = group
            ind = ind.model_copy(update={"comparator_group": group.code})
        else:
            ind = ind.model_copy(update={"comparator_group": None})
            if mine is not None:
                why[code] = mine.why
        indicators[code] = ind
    return Catalogue(indicators, groups, cat.calendar), why


def _groups(cat: Catalogue, params: str | Path | None):  # noqa: ANN202 - perfkit.compare.membership.Groups
    """Each indicator's own group, as the area profiles choose it (one rule: :mod:`perfkit.compare.membership`)."""
    from perfkit.compare.membership import Groups
    from perfkit.config.papers import area_report_def

    root = Path(params) if params else project().params
    return Groups.load(root, cat, area_report_def(root))


def benchmark(
    indicator: str,
    area: str,
    period: str | Period,
    neighbours: str | Path | None = None,
    store: str | Path | None = None,
    params: str | Path | None = None,
    group: str | None = None,
) -> pd.DataFrame:
    """Rank, quartile, median and gaps of ``area`` within its comparator groups, on the figures
    as shown (rounded half-up at the indicator's decimals; :func:`perfkit.assess.benchmark.benchmark`).

    Groups: the area's own neighbours in ``group`` (a comparator group's code, ``perfkit
    groups``) or else in the indicator's own group (:mod:`perfkit.compare.membership`: every
    group is someone's, so a council's list never ranks another area); the DfE statistical
    neighbours when ``neighbours`` names a DfE file and the area has a DfE number; the area's
    region; and the built-in group of every authority of the area's tier that reported the
    indicator for the period (:func:`perfkit.config.groups.same_tier`). A region or country is
    refused: only authorities are ranked. ``table.attrs["notes"]`` says why a group was not
    used ("... are Stockport's, not Leeds's").
    """
    from perfkit.assess import aggregate
    from perfkit.assess.benchmark import benchmark as run
    from perfkit.compare.membership import standard_groups
    from perfkit.config.catalogue import lookup
    from perfkit.config.groups import (
        authorities,
        load_statistical_neighbours,
        neighbour_group,
        ranks,
    )
    from perfkit.contract import COUNTS_DISAGREE

    cat = get_catalogue(params)
    ind = cat[indicator.upper()]
    area = area.strip().upper()
    when = _period(period)
    with Store(project(store=store).store, read_only=True) as db:
        rows = db.observations([ind.code])
        attributes = db.area_attributes()
    values = aggregate(rows, cat, when)
    values = values[values["indicator"] == ind.code]
    if area not in set(values["area_code"]):
        raise StoreError(f"no {ind.code} value for area {area} in {when.label}; check the area code and period")
    names = dict(zip(values["area_code"], values["area_name"]))
    if area not in authorities({area}, attributes):
        raise ConfigError(f"{names.get(area, area)} ({area}) is a region or country, not a local authority: perfkit ranks authorities only, "
                          f"never a region as if it were one; its own figure: `perfkit show {ind.code} --area {area} --period '{when.label}'`")
    groups: dict[str, set[str]] = {}
    notes: list[str] = []
    resolver = _groups(cat, params)
    if group:
        found = lookup(cat.groups, group, f"no comparator group {group!r}; known: {', '.join(cat.groups) or 'none'} (`perfkit groups`)")
        if not ranks(found, area, resolver.council):
            owner = found.owner(resolver.council)
            whose = f"is not a group {names.get(area, area)} belongs to" if owner == "members" else f"holds the neighbours of {names.get(owner, owner)}"
            raise ConfigError(f"--group {group}: {found.name} {whose}, and every group is someone's: another area is never ranked in it; "
                              f"give {area} its own (`perfkit groups add FILE --area {area}`) or mark a group of peers `of: members`")
        groups[found.name] = set(found.codes)
    else:
        mine = resolver.for_area(ind.code, area, names)
        if mine.name is not None:
            groups[mine.name] = set(mine.members)
        else:
            notes.append(f"{ind.code} is not benchmarked among neighbours for {names.get(area, area)}: {mine.why}")
    if neighbours is not None:
        dfe = neighbour_group(load_statistical_neighbours(neighbours), attributes[attributes["key"] == "dfe_number"], area)
        groups[dfe.name] = set(dfe.codes)
    groups |= standard_groups(area, authorities(set(values["area_code"]), attributes), attributes, names)
    table = run(values, area, ind.polarity.value, groups, ind.decimals)
    compared = values[values["area_code"].isin(set().union(*groups.values()) | {area})]
    # published figures kept as published though they disagree with their own counts
    table.attrs["flagged"] = sorted(compared.loc[compared["quality"].eq(COUNTS_DISAGREE), "area_name"])
    table.attrs["notes"] = notes
    return table
