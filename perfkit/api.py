"""The analyst's entry points: the store and catalogue of the current project, in a line.

The CLI uses the same functions, so ``perfkit show`` and a notebook agree::

    import perfkit
    perfkit.scorecard("2025/26 Q2", directorate="Housing")
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from perfkit.assess import scorecard as _scorecard
from perfkit.catalogue import Catalogue, Council, load_council
from perfkit.catalogue import load_catalogue as _load_catalogue
from perfkit.errors import ConfigError, StoreError
from perfkit.paths import project
from perfkit.periods import Period, parse_period
from perfkit.store import Store

__all__ = ["get_catalogue", "get_council", "latest_period", "observations", "scorecard"]


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
    """Stored observations as a tidy frame (``period`` holds :class:`Period` values)."""
    with Store(project(store=store).store, read_only=True) as db:
        return db.observations(
            indicators, areas, _period(start) if start else None, _period(end) if end else None
        )


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
) -> pd.DataFrame:
    """Value, target, RAG, direction of travel and rank of each indicator for ``period``.

    ``area`` defaults to the council's own; ``directorate`` keeps that directorate's
    indicators. See :func:`perfkit.assess.scorecard` for the columns.
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
    obs = observations(codes, store=store)
    return _scorecard(obs, cat, _period(period), area, codes)
