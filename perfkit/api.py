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
    area = area or get_council(params).area_code
    with Store(project(store=store).store, read_only=True) as db:
        obs = db.observations(codes, released=True)
    return _scorecard(obs, cat, _period(period), area, codes, as_at=as_at)


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

    Groups: ``group`` (a comparator group's code, ``perfkit groups``) or else the indicator's
    comparator group; the DfE statistical neighbours when ``neighbours`` names the DfE file
    and the area has a DfE number; the area's region; and the built-in group of every
    authority of the area's tier that reported the indicator for the period
    (:func:`perfkit.config.groups.same_tier`).
    """
    from perfkit.assess import aggregate
    from perfkit.assess.benchmark import benchmark as run
    from perfkit.compare.membership import standard_groups
    from perfkit.config.catalogue import lookup
    from perfkit.config.groups import (
        authorities,
        load_statistical_neighbours,
        neighbour_group,
    )
    from perfkit.contract import COUNTS_DISAGREE

    cat = get_catalogue(params)
    ind = cat[indicator.upper()]
    when = _period(period)
    with Store(project(store=store).store, read_only=True) as db:
        rows = db.observations([ind.code])
        attributes = db.area_attributes()
    values = aggregate(rows, cat, when)
    values = values[values["indicator"] == ind.code]
    if area not in set(values["area_code"]):
        raise StoreError(f"no {ind.code} value for area {area} in {when.label}; check the area code and period")
    groups: dict[str, set[str]] = {}
    chosen = group or ind.comparator_group
    if chosen:
        found = lookup(cat.groups, chosen, f"no comparator group {chosen!r}; known: {', '.join(cat.groups) or 'none'} (`perfkit groups`)")
        groups[found.name] = set(found.codes)
    if neighbours is not None:
        group = neighbour_group(load_statistical_neighbours(neighbours), attributes[attributes["key"] == "dfe_number"], area)
        groups[group.name] = set(group.codes)
    groups |= standard_groups(area, authorities(set(values["area_code"]), attributes), attributes, dict(zip(values["area_code"], values["area_name"])))
    table = run(values, area, ind.polarity.value, groups, ind.decimals)
    compared = values[values["area_code"].isin(set().union(*groups.values()) | {area})]
    # published figures kept as published though they disagree with their own counts
    table.attrs["flagged"] = sorted(compared.loc[compared["quality"].eq(COUNTS_DISAGREE), "area_name"])
    return table
