"""The scorecard: one row per indicator, everything a paper says about it, for one area and period.

Value, target and RAG for the reporting period; the year to date (the outturn in the
year's last period) against the annual target; direction of travel against the period
before and the same period last year; rank among the indicator's comparator group at the
latest period the group can be compared for; the commentary of the reported period. A
withheld figure keeps a RAG and direction only where they cannot reveal it.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from perfkit.assess.aggregate import aggregate_periods, reporting_period, year_to_date
from perfkit.assess.benchmark import rank_in_group
from perfkit.assess.commentary import commentary_for
from perfkit.assess.direction import direction_of_range
from perfkit.assess.latest import (
    Latest,
    as_at_date,
    latest_available,
    not_released_reason,
)
from perfkit.assess.rag import rag, rag_of_range
from perfkit.assess.spc import SPCResult
from perfkit.assess.spc_judgement import latest_spc, signal
from perfkit.config.catalogue import Catalogue, Unit
from perfkit.contract import ENGLAND
from perfkit.contract import LIVE as _LIVE
from perfkit.formatting import separating_decimals
from perfkit.periods import Freq, Period

__all__ = ["RANK_COLUMNS", "scorecard"]

RANK_COLUMNS = ["rank", "rank_of", "quartile", "group_median", "rank_period", "rank_group", "rank_note", "england_value", "rank_tied"]
_FIGURES = ("area_name", "value", "numerator", "denominator", "status", "status_reason", "withheld_low", "withheld_high", "quality",
            "ci_lower", "ci_upper", "compared")
#: How far back a comparison looks for a period its group can be compared in (periods of its length).
LOOK_BACK = 8


def _values(obs: pd.DataFrame, catalogue: Catalogue, roles: dict[str, dict[str, Period]]) -> dict[str, pd.DataFrame]:
    """Each indicator's aggregated value at its own period in each role (now, the period
    before, a year ago): one aggregation per period length, not per role."""
    codes = list(next(iter(roles.values())))
    lengths: dict = {}
    for code in codes:
        lengths.setdefault(roles["now"][code].freq, []).append(code)
    found = []
    for group in lengths.values():
        periods = sorted({role[c] for role in roles.values() for c in group})
        found.append(aggregate_periods(obs[obs["indicator"].isin(group)], catalogue, group, periods))
    every = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=["indicator", "area_code", "period"])
    return {name: every[every["period"].eq(every["indicator"].map(role))].set_index("indicator") for name, role in roles.items()}


def _targets(catalogue: Catalogue, periods: dict[str, Period]) -> tuple[pd.Series, pd.Series]:
    """(target, tolerance) of each indicator at its period; NaN where none is set."""
    found = {c: catalogue[c].target_for(p) for c, p in periods.items()}
    value = pd.Series({c: t.value if t else None for c, t in found.items()}, dtype=float)
    return value, pd.Series({c: t.tolerance if t else None for c, t in found.items()}, dtype=float)


def _range(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(low, high) of each value: the value itself, or the range a withheld value lies in."""
    withheld = frame["status"].eq("suppressed")
    return frame["withheld_low"].where(withheld, frame["value"]), frame["withheld_high"].where(withheld, frame["value"])


def _spc(mine: pd.DataFrame, catalogue: Catalogue, area: str, period: Period, codes: list[str]) -> dict[str, SPCResult | None]:
    """The judged SPC of each indicator at the paper's latest point (:func:`latest_spc`), None where it has none."""
    parts = dict(tuple(mine.groupby("indicator", sort=False))) if len(mine) else {}
    return {c: latest_spc(parts[c], catalogue[c], area, period) if c in parts else None for c in codes}


def _assess(card: pd.DataFrame, prefix: str = "") -> pd.Series:
    """RAG of ``card``'s value columns (``prefix`` "ytd_" for the year to date)."""
    value, status = card[prefix + "value"], card[prefix + "status"]
    target, tolerance = card[prefix + "target"], card[prefix + "tolerance"]
    exact = rag(value, target, tolerance, card["polarity"])
    low = card.get(prefix + "withheld_low", pd.Series(float("nan"), index=card.index))
    high = card.get(prefix + "withheld_high", pd.Series(float("nan"), index=card.index))
    ranged = rag_of_range(low, high, target, tolerance, card["polarity"])
    return exact.where(~status.eq("suppressed"), ranged)


def _decimals(card: pd.DataFrame, prefix: str = "") -> pd.Series:
    """Decimals each value is shown with: enough to see it apart from its target and amber line."""
    out = {}
    for code, r in card.iterrows():
        target, tolerance = r[prefix + "target"], r[prefix + "tolerance"]
        edge = None
        if target == target and tolerance == tolerance:
            edge = target + tolerance if r["polarity"] == "lower" else target - tolerance
        out[code] = separating_decimals(r[prefix + "value"], [target, edge], int(r["decimals"]))
    return pd.Series(out, dtype=int)


def _year_to_date(obs: pd.DataFrame, catalogue: Catalogue, period: Period, area: str, codes: list[str], earlier: set[str]) -> pd.DataFrame:
    """The year to date of each of ``codes`` finer than a year, where it is longer than ``period``;
    none for a published indicator shown at an ``earlier`` period (its latest released)."""
    columns = ["ytd_" + c for c in (*_FIGURES, "target", "tolerance")] + ["ytd_period", "ytd_kind"]
    first = period.financial_year.subperiods(period.freq)[0] if period.freq is not Freq.YEAR else period
    if period.freq is Freq.YEAR or period == first:
        return pd.DataFrame(columns=columns, index=pd.Index(codes, name="indicator"))
    found = year_to_date(obs[obs["area_code"].eq(area) & obs["indicator"].isin(codes)], catalogue, period).set_index("indicator")
    out = pd.DataFrame(index=pd.Index(codes, name="indicator"))
    for column in _FIGURES:
        out["ytd_" + column] = found[column] if column in found else None
    kept = [c for c in codes if catalogue[c].freq in (Freq.QUARTER, Freq.MONTH) and c not in earlier]  # never a published kind of its own
    out.loc[[c for c in codes if c not in kept], :] = None
    out["ytd_status"] = out["ytd_status"].where(out.index.isin(found.index) | ~out.index.isin(kept), "missing")
    out["ytd_target"], out["ytd_tolerance"] = _targets(catalogue, {c: period.financial_year for c in kept})
    out["ytd_period"] = pd.Series({c: period.financial_year for c in kept}, dtype=object)
    last = period.financial_year.subperiods(period.freq)[-1]
    out["ytd_kind"] = pd.Series({c: "outturn" if period == last else "year to date" for c in kept}, dtype=object)
    return out[columns]


def _parts(mine: pd.DataFrame, catalogue: Catalogue, now: dict[str, Period]) -> pd.Series:
    """For an indicator reported for a longer period than its own (months in a quarter), its own
    figures within that period, in order: [{period, value, status, numerator, denominator}], so a
    paper can show March's figure beside the quarter's; else an empty list."""
    out = {}
    for code, period in now.items():
        freq = catalogue[code].freq
        rows = mine[mine["indicator"].eq(code) & mine["period_type"].eq(freq.value)] if period.freq is not freq else mine.iloc[0:0]
        rows = rows[pd.Series([p.start >= period.start and p.end <= period.end for p in rows["period"]], index=rows.index, dtype=bool)]
        out[code] = rows[["period", "value", "status", "numerator", "denominator"]].to_dict("records")
    return pd.Series(out, dtype=object)


def _annual_outturns(card: pd.DataFrame, period: Period) -> pd.DataFrame:
    """In a year's last period the figure of an annual indicator for that year is its outturn,
    so the year-end outturn columns hold it too and every year-end tally counts it."""
    if period.freq is Freq.YEAR or period != period.financial_year.subperiods(period.freq)[-1]:
        return card
    annual = card["frequency"].eq("annual") & card["period"].map(lambda p: p == period.financial_year)
    for column in (*_FIGURES, "target", "tolerance"):
        card["ytd_" + column] = card["ytd_" + column].astype(object).where(~annual, card[column])
    card["ytd_period"] = card["ytd_period"].astype(object).where(~annual, period.financial_year)
    card["ytd_kind"] = card["ytd_kind"].astype(object).where(~annual, "outturn")
    return card


def _comparison(values: pd.DataFrame, catalogue: Catalogue, area: str, code: str, now: Period) -> dict:
    """Rank of ``area`` in the indicator's group at the latest period the group can be compared,
    on the figures as shown (:func:`rank_in_group`): ``rank_tied`` areas share the rank (1 when
    none); a neutral indicator's rank is its position from the highest value. ``values``: the
    indicator's figures aggregated to its periods (:func:`_group_values`)."""
    ind = catalogue[code]
    group = catalogue.groups[ind.comparator_group]
    base = {"rank_group": group.name, "rank_of": 0}
    if ind.unit is Unit.COUNT:
        return {**base, "rank_note": "a count, and councils differ in size"}
    members = set(group.codes) - {area}
    periods = [now.shift(-k) for k in range(LOOK_BACK)]
    values = values[values["area_code"].isin(members | {area, ENGLAND}) & values["status"].isin(_LIVE) & values["value"].notna()]
    enough = max(2, math.ceil(len(members) / 2))
    for period in periods:
        at = values[values["period"].eq(period)]
        if area in set(at["area_code"]) and at["area_code"].isin(members).sum() >= enough:
            ranked = rank_in_group(at[at["area_code"].isin(members | {area})], ind.polarity.value, ind.decimals)
            mine = ranked[ranked["area_code"].eq(area)].iloc[0]
            england = at.loc[at["area_code"].eq(ENGLAND), "value"]
            return {
                **base,
                "rank": mine["rank"],
                "rank_of": int(mine["rank_of"]),
                "quartile": mine["quartile"],
                "group_median": mine["group_median"],
                "rank_period": period,
                "england_value": england.iloc[0] if len(england) else float("nan"),
                "rank_tied": int(mine["tied"]),
            }
    return {**base, "rank_note": f"no period in the last {LOOK_BACK} with values for the council and at least {enough} of the group"}


def _group_values(obs: pd.DataFrame, catalogue: Catalogue, area: str, now: dict[str, Period]) -> dict[str, pd.DataFrame]:
    """Each indicator's figures for its group's areas, the council and England, aggregated to the
    last :data:`LOOK_BACK` periods before ``now``: one aggregation per period length for every
    indicator at once (a directorate of 1,000 indicators is not 1,000 aggregations)."""
    areas = {area, ENGLAND}.union(*(catalogue.groups[catalogue[c].comparator_group].codes for c in now))
    rows = obs[obs["indicator"].isin(list(now)) & obs["area_code"].isin(areas)]
    lengths: dict = {}
    for code, period in now.items():
        lengths.setdefault(period.freq, []).append(code)
    found = []
    for codes in lengths.values():
        periods = sorted({now[c].shift(-k) for c in codes for k in range(LOOK_BACK)})
        found.append(aggregate_periods(rows[rows["indicator"].isin(codes)], catalogue, codes, periods))
    every = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=["indicator", "area_code", "period", "value", "status"])
    return dict(tuple(every.groupby("indicator", sort=False))) if len(every) else {}


def _ranks(obs: pd.DataFrame, catalogue: Catalogue, area: str, now: dict[str, Period]) -> pd.DataFrame:
    ranked = {c: p for c, p in now.items() if catalogue[c].comparator_group and catalogue[c].unit is not Unit.COUNT}
    values = _group_values(obs, catalogue, area, ranked)
    none = pd.DataFrame(columns=["indicator", "area_code", "period", "value", "status"])
    rows = {c: _comparison(values.get(c, none), catalogue, area, c, p) for c, p in now.items() if catalogue[c].comparator_group}
    return pd.DataFrame.from_dict(rows, orient="index").reindex(columns=RANK_COLUMNS) if rows else pd.DataFrame(columns=RANK_COLUMNS)


def _published(mine: pd.DataFrame, catalogue: Catalogue, codes: list[str], period: Period, as_at: dt.date | None) -> dict[str, Latest]:
    """Each published indicator's latest figure released by ``as_at`` (:mod:`perfkit.assess.latest`),
    where it is not finer than the paper's period (finer ones are added up to it, as the council's own)."""
    finer = {c for c in codes if reporting_period(catalogue[c].freq, period) == period and catalogue[c].freq is not period.freq}
    return {c: latest_available(mine, catalogue[c], period, as_at) for c in codes if catalogue[c].publisher and c not in finer}


def _release_columns(card: pd.DataFrame, latest: dict[str, Latest]) -> pd.DataFrame:
    """publisher, released, released_estimated, latest_published (shown at an earlier period
    than the paper's own), next_period, next_release; a published figure not yet released says why."""
    def column(get, dtype=object) -> pd.Series:
        return pd.Series({c: get(r) for c, r in latest.items()}, index=card.index, dtype=dtype)

    card["released"] = column(lambda r: r.released)
    card["released_estimated"] = column(lambda r: r.estimated).fillna(False).astype(bool)
    card["latest_published"] = column(lambda r: r.earlier).fillna(False).astype(bool)
    card["next_period"] = column(lambda r: r.next_period)
    card["next_release"] = column(lambda r: r.next_due)
    for code, r in latest.items():
        if r.released is None:  # nothing released by the paper's date (a figure stored early is not shown before it)
            for column in ("value", "numerator", "denominator", "withheld_low", "withheld_high", "quality"):
                card.at[code, column] = None
            card.at[code, "status"], card.at[code, "status_reason"] = "missing", not_released_reason(r)
    return card


def scorecard(obs: pd.DataFrame, catalogue: Catalogue, period: Period, area: str, indicators: list[str] | None = None,
              actions: pd.DataFrame | None = None, as_at: dt.date | None = None) -> pd.DataFrame:
    """One row per indicator: the assessment of ``area`` for a report for ``period``.

    Columns: the catalogue's (title, unit, polarity, decimals, framework ...); period (the
    indicator's own reporting period), value, numerator, denominator, status,
    status_reason, withheld (a figure withheld from a public report), value_decimals (the
    decimals that show it apart from its target), target, tolerance, rag; for
    ``previous`` and ``last_year``: _period, _value, _numerator, _denominator, change_,
    direction_; the year to date (``ytd_``: value, status, target, rag, kind "year to
    date" or "outturn"); spc_variation and spc_assurance (the judged SPC at the latest
    point where the series suits SPC and has 12 points: it decides direction); rank,
    rank_of, quartile, group_median, rank_period, rank_group, rank_note, england_value;
    headline, commentary, actions, commentary_period, commentary_rag, previous_actions,
    action_list (the stored action rows of the reporting period, from ``actions``:
    :func:`perfkit.assess.commentary.commentary_for`); parts (the indicator's own figures
    within a longer reported period); publisher, released, released_estimated, latest_published,
    next_period, next_release (a published indicator's latest figure released by ``as_at``: the
    paper's meeting date; None: the latest stored; :mod:`perfkit.assess.latest`).
    """
    codes = list(indicators) if indicators is not None else list(catalogue)
    catalogue = catalogue.only(codes)  # the rest of a large catalogue costs nothing here
    obs = obs[obs["indicator"].isin(codes)]
    mine = obs[obs["area_code"].eq(area)]
    now = {c: reporting_period(catalogue[c].freq, period) for c in codes}
    latest = _published(mine, catalogue, codes, period, as_at_date(as_at, period))
    now |= {c: r.period for c, r in latest.items()}
    earlier = {c for c, r in latest.items() if r.earlier}
    roles = {"now": now, "previous": {c: p.prev() for c, p in now.items()}, "last_year": {c: p.same_period_last_year() for c, p in now.items()}}
    values = _values(mine, catalogue, roles)
    current = values["now"]
    cat = catalogue.to_frame().set_index("indicator").loc[codes]
    card = pd.DataFrame(index=pd.Index(codes, name="indicator"))
    for column in ("title", "directorate", "service", "unit", "polarity", "decimals", "frequency", "owner", "source", "framework", "comparator_group", "publisher"):
        card[column] = cat[column]
    card["period"] = pd.Series(now)
    for column in _FIGURES:
        card[column] = current[column] if column in current else None
    card["status"] = card["status"].fillna("missing")
    card["status_reason"] = card["status_reason"].where(card.index.isin(current.index), "no data for this period")
    card = _release_columns(card, latest)
    card["withheld"] = card["status"].eq("suppressed")
    card["target"], card["tolerance"] = _targets(catalogue, now)
    card["rag"] = _assess(card)
    card["value_decimals"] = _decimals(card)
    threshold, here = cat["no_change_threshold"], _range(card)
    spc_now = _spc(mine, catalogue, area, period, codes)
    card["spc_variation"] = pd.Series({c: r.variation if r else None for c, r in spc_now.items()}, dtype=object)
    card["spc_assurance"] = pd.Series({c: r.assurance if r else None for c, r in spc_now.items()}, dtype=object)
    moved = pd.Series({c: signal(r, catalogue[c].polarity.value) for c, r in spc_now.items()}, dtype=object)
    for name in ("previous", "last_year"):
        frame = values[name].reindex(codes)
        card[f"{name}_period"] = pd.Series(roles[name])
        for column in ("value", "numerator", "denominator", "status"):
            card[f"{name}_{column}"] = frame[column]
        card[f"change_{name}"] = card["value"] - card[f"{name}_value"]
        then = _range(frame.assign(status=frame["status"].fillna("missing")))
        card[f"direction_{name}"] = direction_of_range(here, then, card["polarity"], threshold, card["decimals"], moved)
    ytd = _year_to_date(obs, catalogue, period, area, codes, earlier)
    card = _annual_outturns(card.join(ytd), period)
    card["ytd_rag"] = _assess(card, "ytd_").where(card["ytd_period"].notna())
    card["ytd_decimals"] = _decimals(card, "ytd_")
    card = card.join(_ranks(obs, catalogue, area, now).reindex(codes)[RANK_COLUMNS] if codes else pd.DataFrame(columns=RANK_COLUMNS))
    notes = commentary_for(obs, catalogue, area, now, actions)
    card = card.join(notes)
    card["parts"] = _parts(mine, catalogue, now)
    own = rag(card["commentary_value"], *_targets(catalogue, card["commentary_period"].to_dict()), card["polarity"])
    card["commentary_rag"] = card["rag"].where(card["commentary_period"].eq(card["period"]), own)  # words about the figure shown
    return card.reset_index()
