"""The indicator catalogue: what each indicator means and how it is judged.

Defined in YAML under ``params/indicators/`` (one or more files, each with a list under
``indicators:``) and checked on load. Comparator groups live in ``params/comparators/``
and the reporting calendar in ``params/calendar.yaml``; see README for the layout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from enum import Enum
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from perfkit.config.calendar import Calendar, load_calendar
from perfkit.config.checked import KEEP_FROM, Checked, keep, kept, key_of
from perfkit.config.council import load_council
from perfkit.config.groups import ComparatorGroup, load_all_neighbour_lists, load_groups
from perfkit.config.yaml import explain, read_yaml
from perfkit.errors import ConfigError, PeriodError
from perfkit.periods import Freq, Period, parse_period

__all__ = [
    "Aggregation",
    "Calendar",
    "Catalogue",
    "ComparatorGroup",
    "Indicator",
    "Polarity",
    "Target",
    "Unit",
    "load_catalogue",
]


class Polarity(str, Enum):
    """Which way is better."""

    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


class Unit(str, Enum):
    """What a value measures; rates say their base."""

    PERCENT = "%"
    COUNT = "count"
    DAYS = "days"
    WEEKS = "weeks"
    GBP = "GBP"
    RATE_1K = "rate per 1,000"
    RATE_10K = "rate per 10,000"
    RATE_100K = "rate per 100,000"
    SCORE = "score"

    @property
    def multiplier(self) -> float:
        """Factor that turns numerator / denominator into a value of this unit."""
        return {"%": 100.0, "rate per 1,000": 1e3, "rate per 10,000": 1e4, "rate per 100,000": 1e5}.get(
            self.value, 1.0
        )

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """Smallest and largest value that can be real (None: unbounded)."""
        if self is Unit.PERCENT:
            return (0.0, 100.0)
        return (None, None) if self in (Unit.GBP, Unit.SCORE) else (0.0, None)


class Aggregation(str, Enum):
    """How values of shorter periods make a longer one."""

    RATE = "rate"  # sum numerators and denominators, then recompute
    SUM = "sum"  # add the values (counts)
    LATEST = "latest"  # a snapshot: the value of the last period
    MEAN = "mean"  # the mean of the values


#: A published indicator may instead be for a calendar year, an academic year or a day ("as at"):
#: period kinds of their own, never split into quarters or counted to a year to date (README, "Period kinds").
FREQUENCIES = {"monthly": Freq.MONTH, "quarterly": Freq.QUARTER, "annual": Freq.YEAR,
               "calendar": Freq.CALENDAR, "academic": Freq.ACADEMIC, "as_at": Freq.AS_AT}



class Target(BaseModel):
    """A target and its amber tolerance, in the indicator's unit."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    value: float
    tolerance: float | None = Field(default=None, ge=0)


#: The longest indicator title perfkit takes (README, 'The catalogue'): a scorecard row and a page heading hold it.
TITLE_MAX = 200


class Indicator(BaseModel):
    """One indicator's definition."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]{1,31}$")
    title: str = Field(min_length=3, max_length=TITLE_MAX)  # a longer one would not fit a scorecard row or a heading
    definition: str = Field(min_length=3)
    unit: Unit
    polarity: Polarity
    frequency: str
    aggregation: Aggregation
    cumulative: bool = False
    decimals: int = Field(default=1, ge=0, le=4)
    tolerance: float = Field(default=0.0, ge=0)
    #: direction of travel, where SPC does not decide: a move no larger than this is "no significant change"
    no_change_threshold: float = Field(default=0.0, ge=0)
    #: whether statistical process control suits the series (default: true, but false for a
    #: cumulative year-to-date indicator); see :mod:`perfkit.assess.spc_judgement`
    spc: bool | None = None  # None on input only: set from cumulative when not given
    targets: dict[str, float | Target] = Field(default_factory=dict)
    owner: str
    directorate: str
    service: str
    source: str
    framework: str = "local"
    comparator_group: str | None = None
    outcome: str | None = None  # for a unit cost: the outcome indicator it buys (value for money)
    #: commentary the owner must give: for red and amber figures, for all, or none (default: council.yaml's rule)
    commentary: Literal["red_amber", "all", "none"] | None = None
    #: the range a real value falls in (``perfkit check`` queries one outside it), e.g. [0, 60]
    plausible: tuple[float, float] | None = None
    #: the largest believable change on the period before, as a fraction (0.5: 50%); beyond it ``perfkit check`` queries it
    max_change: float | None = Field(default=None, gt=0)
    #: money rides on it (a cost, income, a budget pressure): off target, the paper names it under financial implications
    financial: bool = False
    #: it measures a statutory duty: off target, the paper names it under legal implications
    statutory: bool = False
    #: who publishes it (DfE, "MHCLG via LG Inform"): a published indicator shows its latest figure
    #: released by the paper's meeting date (:mod:`perfkit.assess.latest`); None for the council's own
    publisher: str | None = Field(default=None, min_length=2)
    #: its typical release lag: months after its period ends (DfE children in need: about 8)
    lag_months: int | None = Field(default=None, ge=0, le=60)

    @property
    def framework_group(self) -> str:
        """Where a paper lists it: national indicators (a statutory return or national
        framework: ASCOF, DfE, TSM ...) or local ones (a framework named "local", "Local", "Housing management (local)")."""
        return LOCAL if re.search(r"\blocal\b", self.framework, re.IGNORECASE) else NATIONAL

    @field_validator("frequency")
    @classmethod
    def _frequency(cls, value: str) -> str:
        if value not in FREQUENCIES:
            raise ValueError(f"must be one of {', '.join(FREQUENCIES)}")
        return value

    @model_validator(mode="after")
    def _targets(self) -> Indicator:
        if self.freq.own_kind and self.publisher is None:
            raise ValueError(f"frequency: '{self.frequency}' is a period kind of published indicators only; "
                             "give the publisher (publisher: DfE), or annual, quarterly or monthly for the council's own")
        for label in self.targets:
            try:
                period = parse_period(str(label), year_rule=self.freq.rule)
            except PeriodError as exc:
                raise ValueError(f"targets: {exc}") from None
            if period.freq not in ((self.freq,) if self.freq.own_kind else (Freq.YEAR, self.freq)):
                raise ValueError(
                    f"targets: '{label}' is a {period.freq.value} but this indicator is "
                    f"{self.frequency}: give a target per financial year or per {self.freq.value}"
                )
        if self.targets and self.polarity is Polarity.NEUTRAL:
            raise ValueError("targets: an indicator with no polarity cannot have a target (nothing is better)")
        if self.cumulative and self.aggregation is not Aggregation.LATEST:
            raise ValueError("aggregation: a cumulative (year-to-date) indicator aggregates by 'latest'")
        if self.spc is None:  # frozen: the default is set once, here, from the keys it depends on
            object.__setattr__(self, "spc", not self.cumulative)
        if self.plausible is not None and not self.plausible[0] < self.plausible[1]:
            raise ValueError(f"plausible: give [lowest, highest] with lowest below highest, not {list(self.plausible)}")
        if self.lag_months is not None and self.publisher is None:
            raise ValueError("lag_months: only a published indicator has a release lag; give its publisher too (publisher: DfE)")
        if self.aggregation is Aggregation.RATE and self.unit in (Unit.GBP, Unit.SCORE):
            raise ValueError(f"aggregation: 'rate' needs a unit with a base, not {self.unit.value!r}")
        return self

    @property
    def freq(self) -> Freq:
        """The length of the periods this indicator is reported for."""
        return FREQUENCIES[self.frequency]

    def target_for(self, period: Period) -> Target | None:
        """The target of ``period``, else of its financial year (not for a published kind of its own), else None."""
        by_period = {parse_period(str(k), year_rule=self.freq.rule): v for k, v in self.targets.items()}
        found = by_period.get(period, None if period.freq.own_kind else by_period.get(period.financial_year))
        if found is None:
            return None
        target = found if isinstance(found, Target) else Target(value=found)
        if target.tolerance is None:
            target = Target(value=target.value, tolerance=self.tolerance)
        return target


NATIONAL, LOCAL = "National indicators", "Local indicators"


class Catalogue(Mapping[str, Indicator]):
    """Indicators by code, with the comparator groups and calendar they refer to."""

    def __init__(
        self,
        indicators: Mapping[str, Indicator],
        groups: Mapping[str, ComparatorGroup] | None = None,
        calendar: Calendar | None = None,
    ) -> None:
        self._indicators = indicators if isinstance(indicators, Checked) else dict(indicators)
        self.groups = dict(groups or {})
        self.calendar = calendar

    def __getitem__(self, code: str) -> Indicator:
        return lookup(self._indicators, code, f"no indicator {code!r} in the catalogue; see `perfkit indicators`")

    def __contains__(self, code: object) -> bool:
        return code in self._indicators

    def __iter__(self) -> Iterator[str]:
        return iter(self._indicators)

    def __len__(self) -> int:
        return len(self._indicators)

    def only(self, codes: list[str]) -> Catalogue:
        """These indicators alone, with every group and the calendar: work on a few indicators
        of a large catalogue then costs a few, not the catalogue."""
        return Catalogue({c: self[c] for c in codes}, self.groups, self.calendar)

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator, with the columns assessments need."""
        rows = [
            {
                **ind.model_dump(exclude={"targets"}),
                "unit": ind.unit.value,
                "polarity": ind.polarity.value,
                "aggregation": ind.aggregation.value,
                "multiplier": ind.unit.multiplier,
            }
            for ind in self._indicators.values()
        ]
        return pd.DataFrame(rows).rename(columns={"code": "indicator"})

    def targets_frame(self, periods: list[Period]) -> pd.DataFrame:
        """Target and tolerance of every indicator for each of ``periods`` (where set)."""
        rows = []
        for ind in self._indicators.values():
            for period in periods:
                target = ind.target_for(period)
                if target is not None:
                    rows.append((ind.code, period, target.value, target.tolerance))
        return pd.DataFrame(rows, columns=["indicator", "period", "target", "tolerance"])


def lookup(mapping: Mapping[str, Any], key: str, message: str) -> Any:
    """``mapping[key]``, or a :class:`ConfigError` with ``message``."""
    try:
        return mapping[key]
    except KeyError:
        raise ConfigError(message) from None


def _check_references(path: Path, ind: Indicator, groups: Mapping[str, ComparatorGroup], calendar: Calendar | None) -> None:
    where = f"{path}: indicator {ind.code}"
    if ind.outcome and ind.unit is not Unit.GBP:
        raise ConfigError(f"{where}: key 'outcome': only a cost (unit GBP) is paired with an outcome for value for money")
    if ind.comparator_group and ind.comparator_group not in groups:
        known = ", ".join(sorted(groups)) or "none defined"
        raise ConfigError(
            f"{where}: key 'comparator_group': unknown group {ind.comparator_group!r} "
            f"(known: {known}); add it under params/comparators/ or fix the name"
        )
    for label in ind.targets:
        if calendar and not calendar.covers(parse_period(str(label))):
            raise ConfigError(
                f"{where}: key 'targets.{label}': period outside the calendar "
                f"{calendar.first_year} to {calendar.last_year} (params/calendar.yaml)"
            )


def _council_lists(params: Path, indicators: dict[str, Indicator], groups: dict[str, ComparatorGroup]) -> None:
    """Neighbour lists (``params/neighbours/``) whose ``indicators`` name an indicator with no
    comparator group give it one: the council's own list in them, a group ``of`` the council,
    so the council's papers rank it among its own neighbours as the lists rank every other area
    (:mod:`perfkit.compare.membership`; DfE's 2025 model shipped with the dfe-children pack).
    Where the council has no list in them the indicator keeps none."""
    every = [lists for lists in load_all_neighbour_lists(params).values() if lists.indicators]
    if not every or not (params / "council.yaml").is_file():
        return
    council = load_council(params).area_code.upper()
    for lists in every:
        where = f"{params / 'neighbours' / lists.code}.yaml: key 'indicators'"
        unknown = [c for c in lists.indicators if c not in indicators]
        if unknown:
            raise ConfigError(f"{where}: unknown indicator(s) {', '.join(unknown)}; see `perfkit indicators`")
        takers = [c for c in lists.indicators if indicators[c].comparator_group is None]
        if council not in lists.lists or not takers:
            continue
        if lists.code in groups:
            raise ConfigError(f"{where}: params/comparators/ has a group {lists.code!r} too: rename one (its file and its key 'code')")
        groups[lists.code] = ComparatorGroup(code=lists.code, name=lists.name, of=council,
                                             members={c: c for c in lists.lists[council] if c != council})
        for code in takers:
            indicators[code] = indicators[code].model_copy(update={"comparator_group": lists.code})


#: The params files a catalogue is read from (:func:`load_catalogue`).
_READS = ("council.yaml", "calendar.yaml", "comparators/*.yaml", "indicators/*.yaml", "neighbours/*.yaml")


def load_catalogue(params: str | Path) -> Catalogue:
    """Read and check every indicator under ``params/indicators/`` (see :func:`_read`); a
    catalogue of many indicators is kept once checked (:mod:`perfkit.config.checked`)."""
    params = Path(params)
    key = key_of(params, _READS)
    found = kept(params, "catalogue", key)
    if found is not None:
        head, items = found
        return Catalogue(Checked(Indicator, items, lambda: _read(params)._indicators), {c: ComparatorGroup.model_validate(g) for c, g in head["groups"].items()},
                         None if head["calendar"] is None else Calendar.model_validate(head["calendar"]))
    catalogue = _read(params)
    if len(catalogue) >= KEEP_FROM:
        keep(params, "catalogue", key, {"groups": {c: g.model_dump(mode="json") for c, g in catalogue.groups.items()},
                                        "calendar": catalogue.calendar and catalogue.calendar.model_dump(mode="json")}, catalogue)
    return catalogue


def _read(params: Path) -> Catalogue:
    """Read and check every indicator under ``params/indicators/``.

    Raises
    ------
    ConfigError
        Naming the file, the indicator and the key, for an unknown polarity or unit, a
        missing field, a duplicate code, an unknown comparator group or a target for a
        period that does not exist or lies outside the calendar.
    """
    groups = load_groups(params / "comparators")
    calendar = load_calendar(params / "calendar.yaml")
    folder = params / "indicators"
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        raise ConfigError(f"{folder}: no indicator files (*.yaml) found; see README, 'Indicator catalogue'")
    indicators: dict[str, Indicator] = {}
    seen_in: dict[str, Path] = {}
    for path in files:
        data = read_yaml(path)
        entries = data.get("indicators") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ConfigError(f"{path}: expected a list under the key 'indicators'")
        for number, entry in enumerate(entries, start=1):
            code = entry.get("code", f"#{number}") if isinstance(entry, dict) else f"#{number}"
            try:
                ind = Indicator.model_validate(entry)
            except ValidationError as exc:
                raise explain(path, f"indicator {code}", exc) from None
            if ind.code in indicators:
                raise ConfigError(
                    f"{path}: indicator {ind.code}: key 'code': duplicate code, already defined in {seen_in[ind.code]}"
                )
            _check_references(path, ind, groups, calendar)
            indicators[ind.code] = ind
            seen_in[ind.code] = path
    for group in groups.values():
        for code in group.indicators:
            where = f"{params / 'comparators'}: group {group.code}: key 'indicators'"
            if code not in indicators:
                raise ConfigError(f"{where}: unknown indicator {code!r}; see `perfkit indicators`")
            if indicators[code].comparator_group not in (None, group.code):
                raise ConfigError(f"{where}: {code} already has comparator_group {indicators[code].comparator_group!r} in {seen_in[code]}; keep one")
            indicators[code] = indicators[code].model_copy(update={"comparator_group": group.code})
    _council_lists(params, indicators, groups)
    for ind in indicators.values():
        if ind.outcome and ind.outcome not in indicators:
            raise ConfigError(f"{seen_in[ind.code]}: indicator {ind.code}: key 'outcome': unknown indicator {ind.outcome!r}")
    return Catalogue(indicators, groups, calendar)
