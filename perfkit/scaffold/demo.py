"""A fictional council's data, generated deterministically from a seed.

Kestrel Vale Borough Council (``params/council.yaml``) and its 15 comparator authorities
(``params/comparators/demo_neighbours.yaml``) are invented; their codes start with ZZ, which
no ONS code does. :func:`write_demo_files` writes five financial years of observations for
every indicator in the catalogue as canonical CSV files, one per directorate; ``perfkit
demo`` then imports them through the same ingest path as real data. Values stay within each
unit's range; the home council's latest period is partly provisional, a few returns are
missing, small published counts are suppressed ("c"), and the last two years carry the
owner's commentary written for each figure (with actions where it missed its target).
Year-to-date indicators accumulate through the year; England has its own series for every
benchmarked rate. :data:`DEFAULT_SEED` gives this council; any other seed gives it another
shape (:mod:`perfkit.scaffold.shapes`: an annual-only directorate, ties, small bases, ...).
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from perfkit.atomic import write_text
from perfkit.config.catalogue import Catalogue, Indicator, Unit
from perfkit.config.council import Council, load_council
from perfkit.config.project import Project, project
from perfkit.contract import ENGLAND
from perfkit.formatting import format_value, separating_decimals
from perfkit.ingest.actions import ACTION_FILE_COLUMNS
from perfkit.ingest.read import OPTIONAL, REQUIRED
from perfkit.periods import Freq, Period, parse_period
from perfkit.scaffold.demo_actions import demo_actions
from perfkit.scaffold.shapes import DEFAULT_SEED, Shape, shape_for, write_shape_params
from perfkit.scaffold.variations import vary

__all__ = ["DEFAULT_SEED", "DEMO_YEARS", "SIMULATION", "Sim", "demo_project", "is_demo_project", "is_fictional", "write_demo_files",
           "write_demo_params"]

DEMO_YEARS = ("2021/22", "2025/26")


def is_fictional(council: Council) -> bool:
    """Whether ``council`` is the invented demo council (its code starts with ZZ, as no ONS code does)."""
    return council.area_code.upper().startswith("ZZ")


def is_demo_project(proj: Project) -> bool:
    """Whether ``proj`` is the fictional demo council's project: the only kind whose store
    perfkit fills with generated data (``perfkit demo``, or a build on an empty store), never a
    real council's."""
    return (proj.params / "council.yaml").is_file() and is_fictional(load_council(proj.params))


def demo_project(proj: Project) -> Project:
    """The project ``perfkit demo`` fills, asked for in ``proj``: ``proj`` itself when it is the
    demo council's (:func:`is_demo_project`); else a folder of its own, ``demo/`` inside a real
    council's project, or ``proj``'s folder when it has no council yet, given the demo
    council's params (:func:`perfkit.scaffold.init.write_demo_project`) when it has none.
    ``proj``'s --store, if any, stays."""
    if is_demo_project(proj):
        return proj
    from perfkit.scaffold.init import write_demo_project

    demo = project(root=proj.root / "demo" if (proj.params / "council.yaml").is_file() else proj.root, store=proj.store_override)
    write_demo_project(demo.root)
    return demo


class Sim(NamedTuple):
    """How to simulate one indicator: level at the start, change a year, noise, base size."""

    base: float
    drift: float
    noise: float
    size: int | None  # denominator (cases, population) or None for a plain value


SIMULATION = {
    "CS_REREF": Sim(22, -0.6, 2.0, 360),
    "CS_REPEAT_CP": Sim(23, -0.3, 3.0, 45),
    "CS_CLA_RATE": Sim(70, 1.0, 1.5, 45000),
    "CS_CP_RATE": Sim(42, 0.5, 2.0, 45000),
    "CS_ASSESS_45": Sim(82, 0.8, 3.0, 140),
    "CS_PLACEMENT_3": Sim(10.5, -0.1, 0.8, 320),
    "CS_CARE_LEAVERS_EET": Sim(52, 1.0, 3.0, 150),
    "CS_CP_VISITS": Sim(93, 0.3, 1.5, 300),
    "CS_SW_VACANCY": Sim(18, -0.4, 1.5, 180),
    "CS_CASELOAD": Sim(17.5, -0.2, 0.8, None),
    "CS_EHCP_20WK": Sim(55, 2.0, 5.0, 110),
    "CS_REFERRALS": Sim(120, 1.0, 12, None),
    "ASC_REABLE_91": Sim(80, 0.5, 2.5, 95),
    "ASC_ADMIT_65": Sim(600, -10, 20, 52000),
    "ASC_ADMIT_18_64": Sim(15, -0.3, 1.5, 160000),
    "ASC_LD_EMPLOY": Sim(5.2, 0.2, 0.3, 820),
    "ASC_LD_HOME": Sim(78, 0.4, 1.0, 820),
    "ASC_SG_RISK": Sim(89, 0.3, 2.5, 60),
    "ASC_REVIEWS": Sim(62, 1.5, 2.0, 3100),
    "ASC_DIRECT_PAY": Sim(26, 0.3, 0.7, 3100),
    "ASC_DOLS_21": Sim(20, 1.0, 4.0, 150),
    "ASC_CARER_ASSESS": Sim(95, 2.0, 10, None),
    "ASC_WAITING": Sim(360, -8, 20, None),
    "ASC_HOMECARE_COST": Sim(22.5, 1.1, 0.4, None),
    "HSG_TA": Sim(420, 15, 15, None),
    "HSG_BB_FAMILIES": Sim(2, 0.3, 1.5, None),
    "HSG_RELET_DAYS": Sim(34, -1.0, 4.0, 40),
    "HSG_RENT": Sim(97.0, 0.1, 0.4, None),
    "HSG_PREVENT": Sim(52, 0.8, 3.0, 210),
    "HSG_RFT": Sim(88, 0.4, 1.5, 1500),
    "HSG_EMERG": Sim(97.5, 0.1, 0.8, 420),
    "HSG_DECENT": Sim(96, 0.6, 0.5, 12000),
    "HSG_TSM_SAT": Sim(69, 1.0, 2.0, 1100),
    "HSG_MAJOR_PLAN": Sim(87, 0.5, 6.0, 16),
    "HSG_MINOR_PLAN": Sim(84, 0.3, 3.0, 120),
    "HSG_NEW_AFFORD": Sim(220, 10, 30, None),
    "RES_HB_NEW_DAYS": Sim(20, -0.5, 1.5, 900),
    "RES_HB_CHANGE_DAYS": Sim(8, -0.2, 0.8, 15000),
    "RES_CTAX": Sim(96.2, 0.05, 0.3, None),
    "RES_NNDR": Sim(97.8, 0.05, 0.3, None),
    "RES_INVOICES": Sim(92, 0.5, 1.5, 4000),
    "RES_SICKNESS": Sim(9.6, -0.2, 0.3, None),
    "RES_FOI": Sim(86, 0.8, 3.0, 90),
    "RES_COMPLAINTS": Sim(80, 1.0, 3.5, 120),
    "RES_CALLS": Sim(88, 0.3, 2.0, 25000),
    "RES_TURNOVER": Sim(12, 0.2, 0.6, 4200),
    "RES_CTR_CLAIMANTS": Sim(14000, -100, 80, None),
    "RES_BEN_COST": Sim(63, -0.8, 2.0, None),
}

# Owners' commentary: each row's words are written for its own figure and target, so a
# paper never shows "below target" beside a Green. {v} is the figure, {t} the target.
_MISSED = (
    ("Below target at {v} (target {t}). Demand rose over the period while two posts were vacant; "
     "the service expects to recover as new staff complete induction.",
     "Recovery plan agreed with the service director; progress reported monthly to the directorate leadership team."),
    ("Missed the target of {t} with {v}. A backlog built up after a system change and is being cleared; "
     "weekly monitoring is in place.",
     "Temporary staff brought in for three months; process review to report next quarter."),
    ("{v} against a target of {t}. The service has reviewed the cases behind the figure and found recording "
     "delays as well as real slippage.",
     "Case audit of all late cases and a refreshed practice standard issued to teams."),
    ("Short of target at {v} against {t}; the shortfall is concentrated in one team, which has a new manager from next month.",
     "Team manager to report weekly to the head of service until the figure is back on target."),
)
#: The missed-target sentences that say "below" or "short of", as they read for an indicator
#: where lower is better (315 against a target of 300 is over it, not below it).
_FOR_LOWER = {
    _MISSED[0][0]: "Off target at {v} (target: no more than {t}). Demand rose over the period while two posts were vacant; "
                   "the service expects to recover as new staff complete induction.",
    _MISSED[3][0]: "Behind target at {v} against {t}; the slippage is concentrated in one team, which has a new manager from next month.",
}
_MET = (
    "On target at {v} (target {t}). The improvement reflects the new triage process introduced last year.",
    "{v}, meeting the target of {t}; the service is keeping the current staffing in place to hold this level.",
    "Met the target ({v} against {t}). Performance has been steady over recent periods.",
)


def _rng(seed: int, *keys: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])


def _periods(ind: Indicator) -> list[Period]:
    first, last = (parse_period(y) for y in DEMO_YEARS)
    return first.subperiods(ind.freq)[0].range_to(last.subperiods(ind.freq)[-1])


def _areas(ind: Indicator, catalogue: Catalogue, council: Council) -> dict[str, str]:
    """The council, its comparators, and England where a national figure makes sense (not for counts)."""
    areas = {council.area_code: council.area_name}
    if ind.comparator_group:
        areas.update(catalogue.groups[ind.comparator_group].members)
        if ind.unit is not Unit.COUNT:
            areas[ENGLAND] = "England"
    return areas


def _fmt(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}"


def _commentary(ind: Indicator, period: Period, value: float, rng: np.random.Generator) -> dict[str, str]:
    """The owner's words for one figure: why it missed its target and what is being done,
    or (for some periods) why it met it; nothing where there is no target."""
    target = ind.target_for(period)
    if target is None or value != value or ind.polarity.value == "neutral":
        return {}
    missed = value < target.value if ind.polarity.value == "higher" else value > target.value
    shown = separating_decimals(value, [target.value], ind.decimals)
    words = {"v": format_value(value, ind.unit.value, shown), "t": format_value(target.value, ind.unit.value, ind.decimals)}
    if missed:
        text, actions = _MISSED[int(rng.integers(len(_MISSED)))]
        text = _FOR_LOWER.get(text, text) if ind.polarity.value == "lower" else text
        return {"commentary": text.format(**words), "actions": actions}
    if rng.random() < 0.5:
        return {"commentary": _MET[int(rng.integers(len(_MET)))].format(**words)}
    return {}


def _quarter_words(ind: Indicator, catalogue: Catalogue, months: list[dict], seed: int) -> Iterator[dict[str, str]]:
    """The owner's words for each quarter of a monthly indicator, written about the quarter's figure
    (the one a quarterly paper prints), on the quarter's words row: no figures, no status. A
    quarter with a month missing has no figure to write about, so no words."""
    by_quarter: dict[Period, list[dict]] = {}
    for row in months:
        by_quarter.setdefault(parse_period(row["period"]).within(Freq.QUARTER), []).append(row)
    live = lambda rows: [r for r in rows if r.get("value") not in (None, "", "c", "x") and r.get("status", "") in ("", "provisional")]  # noqa: E731
    full = {q: live(rows) for q, rows in by_quarter.items() if len(live(rows)) == len(q.subperiods(Freq.MONTH))}
    figures = _quarter_figures(ind, catalogue, full)
    for period in sorted(full, key=lambda p: p.start):
        row = full[period][0]
        words = _commentary(ind, period, figures[period], _rng(seed, ind.code, row["area_code"], period.label, "quarter words"))
        if words:
            yield {"indicator": ind.code, "area_code": row["area_code"], "area_name": row["area_name"], "period": period.label, **words}


def _quarter_figures(ind: Indicator, catalogue: Catalogue, quarters: dict[Period, list[dict]]) -> dict[Period, float]:
    """Each quarter's figure from its months' rows, as the papers will aggregate it
    (:func:`perfkit.assess.aggregate.aggregate_periods`, all quarters in one pass)."""
    from perfkit.assess.aggregate import aggregate_periods

    if not quarters:
        return {}
    months = [r for rows in quarters.values() for r in rows]
    number = lambda r, k: float(r[k]) if r.get(k) not in (None, "") else float("nan")  # noqa: E731
    parts = [parse_period(r["period"]) for r in months]
    frame = pd.DataFrame({
        "indicator": ind.code, "area_code": months[0]["area_code"], "area_name": months[0]["area_name"], "period": parts,
        "period_type": ind.freq.value, "period_start": [p.start for p in parts], "status": "ok", "status_reason": None,
        **{k: [number(r, k) for r in months] for k in ("value", "numerator", "denominator")},
    })
    found = aggregate_periods(frame, catalogue, ind.code, list(quarters))
    return {p: float(v) for p, v in zip(found["period"], found["value"])}


def _rows(ind: Indicator, catalogue: Catalogue, council: Council, seed: int, shape: Shape) -> Iterator[dict[str, str]]:
    sim = shape.simulate(ind.code, SIMULATION[ind.code])
    periods = _periods(ind)
    low, high = ind.unit.bounds
    last_years = {periods[-1].financial_year, periods[-1].financial_year.shift(-1)}
    for code, name in _areas(ind, catalogue, council).items():
        home, england = code == council.area_code, code == ENGLAND
        rng = _rng(seed, ind.code, code)
        scale = 1.0 if home else 20.0 if england else float(rng.uniform(0.6, 1.6))
        offset = 0.0 if home or england else float(rng.normal(0, 1.5 * sim.noise))
        ytd = _YearToDate()
        months: list[dict] = []  # the home council's month rows of the last two years (monthly indicators)
        for i, period in enumerate(periods):
            years = (period.start.year - periods[0].start.year) + (period.start.month - 4) / 12
            level = sim.base + offset + sim.drift * years + float(rng.normal(0, sim.noise / (3 if england else 1)))
            row = {"indicator": ind.code, "area_code": code, "area_name": name, "period": period.label}
            if home and rng.random() < shape.missing_rate:
                row.update(status="missing", note="Not available: the service's case system was offline at the month end")
                yield row
                continue
            if not home and not england and rng.random() < shape.hidden_rate:
                row.update(value="x")
                yield row
                continue
            level *= scale if ind.unit is Unit.COUNT else 1.0
            level = float(np.clip(level, -np.inf if low is None else low, np.inf if high is None else high))
            if ind.cumulative:  # year to date: the ratio of the year's sums so far, so it settles as the year goes on
                level = ytd.add(period, level, rng)
            level = shape.level(ind.code, period, level, periods[-1]) if home else level
            value = _fill_numbers(row, ind, sim, level, scale, rng)
            if not home and _small_count(ind, row):
                yield {**{k: row[k] for k in ("indicator", "area_code", "area_name", "period")}, "value": "c"}
                continue
            if home and i == len(periods) - 1 and rng.random() < 0.4:
                row.update(status="provisional", note="Provisional until the annual return is signed off")
            if home and period.financial_year in last_years:
                row.update(_commentary(ind, period, shape.judged(value, row), rng))
            yield row
            if home and period.financial_year in last_years and ind.freq is Freq.MONTH:
                months.append(row)
        yield from _quarter_words(ind, catalogue, months, seed)


class _YearToDate:
    """Running sums of one financial year: amount due each month and the share of it collected."""

    def __init__(self) -> None:
        self.year, self.due, self.done = None, 0.0, 0.0

    def add(self, period: Period, level: float, rng: np.random.Generator) -> float:
        if period.financial_year != self.year:
            self.year, self.due, self.done = period.financial_year, 0.0, 0.0
        due = float(rng.uniform(0.9, 1.1))
        self.due += due
        self.done += due * level
        return self.done / self.due


def _fill_numbers(row: dict, ind: Indicator, sim: Sim, level: float, scale: float, rng: np.random.Generator) -> float:
    """Put value (and numerator/denominator where the indicator has them) into ``row``."""
    if sim.size is None:
        value = round(level, ind.decimals)
        row["value"] = _fmt(value, ind.decimals)
        return value
    size = max(1, int(rng.poisson(sim.size * scale)))
    mult = ind.unit.multiplier
    if ind.unit is Unit.PERCENT:
        num = int(rng.binomial(size, min(max(level / 100.0, 0.0), 1.0)))
    else:  # rates per N, or an average such as days per case
        num = int(round(level * size / mult)) if ind.unit.multiplier == 1 else int(rng.poisson(level * size / mult))
    value = num / size * mult  # exact: RAG and the commentary judge this, not the rounded figure
    row.update(numerator=str(num), denominator=str(size), value=_fmt(value, ind.decimals))
    return value


def _small_count(ind: Indicator, row: dict) -> bool:
    """Published figures hide counts of 1 to 4 (and rates built from them)."""
    count = row.get("numerator") or (row.get("value") if ind.unit is Unit.COUNT else None)
    return count is not None and 1 <= float(count) <= 4


def write_demo_files(catalogue: Catalogue, council: Council, folder: str | Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the demo observations as canonical CSV files, one per directorate, and the owners'
    actions as an actions file (:mod:`perfkit.scaffold.demo_actions`).

    The same seed always gives byte-identical files. A seed other than :data:`DEFAULT_SEED`
    gives a council of another shape (:mod:`perfkit.scaffold.shapes`); pass the catalogue
    :func:`write_demo_params` wrote for it to have the whole shape.
    """
    folder = Path(folder)
    shape = shape_for(seed, SIMULATION)
    by_directorate: dict[str, list[dict[str, str]]] = {}
    actions: list[dict] = []
    for ind in catalogue.values():
        if ind.code in SIMULATION:  # published-data indicators come from real files, not the demo
            rows = list(_rows(ind, catalogue, council, seed, shape))
            rows = rows if shape.plain else vary(shape, ind, rows, council.area_code, _periods(ind)[-1])
            actions += demo_actions(ind, rows, council.area_code)
            by_directorate.setdefault(ind.directorate, []).extend(rows)
    written = []
    for directorate, rows in sorted(by_directorate.items()):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=REQUIRED + OPTIONAL, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        slug = re.sub(r"[^a-z0-9]+", "_", directorate.lower()).strip("_")
        path = folder / f"demo_{slug}.csv"
        write_text(path, out.getvalue())
        written.append(path)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACTION_FILE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(actions)
    write_text(folder / "demo_actions.csv", out.getvalue())
    return [*written, folder / "demo_actions.csv"]


def write_demo_params(params: str | Path, seed: int = DEFAULT_SEED) -> Shape:
    """Write into the project's ``params`` the catalogue ``seed``'s council needs (an
    annual-only directorate, neutral indicators: :func:`perfkit.scaffold.shapes.write_shape_params`);
    return its shape. The default seed's council is the shipped one."""
    shape = shape_for(seed, SIMULATION)
    write_shape_params(params, shape)
    return shape
