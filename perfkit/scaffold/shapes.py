"""Many demo councils, not one: the shape a seed gives the fictional council.

The default seed (:data:`DEFAULT_SEED`) gives the shipped council, unchanged: the same seed
always gives byte-identical files, so the shipped demo and the tests written against it stay
as they are. Any other seed draws a :class:`Shape` from the seed alone (:func:`shape_for`)
and the demo generator (:mod:`perfkit.scaffold.demo`) writes a council of that shape, so
the papers can be built and checked on many councils:

- an annual-only directorate: every indicator of one directorate reported once a year;
- neutral indicators: no polarity, so no target, no RAG and no "best" or "worst";
- small bases: percentages on denominators under 100 (a quarter's, for a monthly one) and
  rates per 10,000 or 100,000 on about 25 people;
- withheld off-target figures: a count against a target of 0 whose figures in the last
  year are mostly 1-4 (withheld from public papers; off target whatever the hidden value),
  always so in the year's last period;
- ties: one or two neighbours whose figure equals the council's at the shown decimals, on
  other exact counts where the counts allow it;
- missing months: the council's figures returned as missing ("Not available") in
  the last year;
- gaps: periods with no row at all, for the council or for every area;
- each indicator's level (so which figures are on target), and how often figures are
  missing or not published.

What a shape needs of the catalogue (annual frequency, no polarity) is written into the
project's params by :func:`write_shape_params`, through the same writer ``perfkit init``
uses; everything else is in the generated rows (:meth:`Shape.simulate`, :meth:`Shape.level`,
:func:`perfkit.scaffold.variations.vary`). Every value stays valid for ingest.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from perfkit.atomic import write_text
from perfkit.config.catalogue import (
    Aggregation,
    Indicator,
    Polarity,
    Unit,
    load_catalogue,
)
from perfkit.errors import ConfigError
from perfkit.periods import Freq, Period
from perfkit.scaffold.init import DEMO_PARAMS

__all__ = ["DEFAULT_SEED", "MARK", "Shape", "shape_for", "write_shape_params"]

#: The seed of the shipped demo council.
DEFAULT_SEED = 20250401
#: The first line of a catalogue file written for a seed's council (and so rewritten freely).
MARK = "# Written by `perfkit demo --seed"
_PER_YEAR = {Freq.MONTH: 12, Freq.QUARTER: 4, Freq.YEAR: 1}
_RATES = (Unit.RATE_1K, Unit.RATE_10K, Unit.RATE_100K)


def _rng(seed: int, *keys: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(b"shape"), *(zlib.crc32(k.encode()) for k in keys)])


@dataclass(frozen=True)
class Shape:
    """What a seed varies about the demo council (see the module). The default is the shipped council."""

    seed: int = DEFAULT_SEED
    annual: str | None = None  # a directorate whose indicators are all reported once a year
    neutral: tuple[str, ...] = ()  # indicators with no polarity (and so no target)
    small: dict[str, int] = field(default_factory=dict)  # a small base (denominator per period) by indicator
    withheld: tuple[str, ...] = ()  # counts against a target of 0 whose last year's figures are mostly 1-4
    ties: dict[str, int] = field(default_factory=dict)  # how many neighbours tie with the council, by indicator
    missing: tuple[str, ...] = ()  # indicators with figures returned as missing in the last year
    gaps: tuple[str, ...] = ()  # indicators with periods that have no row
    missing_rate: float = 0.015  # how often any other figure of the council is returned as missing
    hidden_rate: float = 0.02  # how often a neighbour's figure is not published ("x")
    shift: dict[str, float] = field(default_factory=dict)  # each indicator's level moved, in units of its noise
    per_year: dict[str, int] = field(default_factory=dict)  # periods a year each annualised indicator had
    sums: tuple[str, ...] = ()  # annualised indicators that add up their periods (counts)

    @property
    def plain(self) -> bool:
        """Whether this is the shipped council's shape (nothing varied)."""
        return self == Shape(self.seed)

    def describe(self) -> str:
        """The shape in a line, e.g. for ``perfkit demo --seed 7``."""
        if self.plain:
            return "the shipped demo council"
        parts = [
            f"annual-only directorate: {self.annual}" if self.annual else "",
            f"neutral: {', '.join(self.neutral)}" if self.neutral else "",
            f"small bases: {', '.join(self.small)}" if self.small else "",
            f"withheld off target: {', '.join(self.withheld)}" if self.withheld else "",
            f"ties: {', '.join(f'{c} ({n + 1}-way)' for c, n in self.ties.items())}" if self.ties else "",
            f"missing figures: {', '.join(self.missing)}" if self.missing else "",
            f"gaps: {', '.join(self.gaps)}" if self.gaps else "",
            f"{self.missing_rate:.1%} of other figures missing",
        ]
        return "; ".join(p for p in parts if p)

    def simulate(self, code: str, sim: Any) -> Any:
        """The demo's simulation of ``code`` (a :class:`perfkit.scaffold.demo.Sim`) for this shape."""
        if self.plain:
            return sim
        base, drift, noise, size = sim.base + self.shift.get(code, 0.0) * sim.noise, sim.drift, sim.noise, sim.size
        n = self.per_year.get(code, 1)
        if n > 1 and code in self.sums:  # a count of a year is the sum of its months or quarters
            base, drift, noise = base * n, drift * n, noise * n ** 0.5
        elif n > 1 and size is not None:
            size *= n
        return sim._replace(base=base, drift=drift, noise=noise, size=self.small.get(code, size))

    def judged(self, exact: float, row: dict[str, str]) -> float:
        """The figure an owner's words for ``row`` are written about: the value as written in
        the row (at the indicator's decimals), which is what perfkit stores and judges
        (27.95% written as 28.0% meets a target of 28.0%). The shipped council's words judge
        the ``exact`` value, as they always have, so its files stay byte-identical."""
        return exact if self.plain else float(row["value"])

    def level(self, code: str, period: Period, level: float, last: Period) -> float:
        """The council's level for ``period``: a withheld count's figure in the last year
        (``last`` is the demo's last period) is drawn here, else ``level`` as simulated."""
        if code not in self.withheld or period.financial_year != last.financial_year:
            return level
        rng = _rng(self.seed, code, period.label)
        if period == last:
            return float(rng.integers(1, 5))  # withheld, and off target whatever it is
        return float(rng.choice([0, int(rng.integers(1, 5)), int(rng.integers(5, 9))], p=[0.2, 0.55, 0.25]))


def shape_for(seed: int, simulation: Mapping[str, Any]) -> Shape:
    """The shape of ``seed``'s council: drawn from the seed alone, over the shipped demo
    catalogue's indicators that ``simulation`` (the demo's :data:`~perfkit.scaffold.demo.SIMULATION`) generates."""
    if seed == DEFAULT_SEED:
        return Shape()
    shipped = load_catalogue(DEMO_PARAMS)
    inds = [shipped[c] for c in simulation if c in shipped]
    rng = _rng(seed)
    pick = lambda pool, n: [str(c) for c in rng.choice(sorted(pool), size=min(n, len(pool)), replace=False)]  # noqa: E731
    last = Period.year(max(int(str(k)[:4]) for i in inds for k in i.targets))
    directorates = sorted({i.directorate for i in inds})
    annual = str(rng.choice(directorates)) if rng.random() < 0.6 else None
    freq = {i.code: Freq.YEAR if i.directorate == annual else i.freq for i in inds}
    zero = [i.code for i in inds if i.unit is Unit.COUNT and (t := i.target_for(last)) is not None and t.value == 0]
    withheld = zero if rng.random() < 0.75 else []
    targeted = [i.code for i in inds if i.targets and not i.cumulative and i.code not in zero]
    benchmarked = [c for c in targeted if shipped[c].comparator_group]
    first = pick(benchmarked, 1)
    neutral = first + pick(set(targeted) - set(first), int(rng.integers(0, 3)))
    based = [i for i in inds if simulation[i.code].size and i.unit in (Unit.PERCENT, *_RATES)]
    rates = pick([i.code for i in based if i.unit in _RATES], 1)
    small_codes = rates + pick({i.code for i in based if i.unit is Unit.PERCENT}, int(rng.integers(1, 4)))
    small = {c: _small_base(shipped[c], simulation[c], freq[c], rng) for c in sorted(small_codes)}
    ties = {c: int(rng.integers(1, 3)) for c in sorted(pick([i.code for i in inds if i.comparator_group], int(rng.integers(1, 4))))}
    reported = [i.code for i in inds if freq[i.code] is not Freq.YEAR]
    return Shape(
        seed=seed,
        annual=annual,
        neutral=tuple(sorted(neutral)),
        small=small,
        withheld=tuple(withheld),
        ties=ties,
        missing=tuple(sorted(pick(reported, int(rng.integers(0, 4))))),
        gaps=tuple(sorted(pick([i.code for i in inds], int(rng.integers(1, 4))))),
        missing_rate=round(float(rng.uniform(0.005, 0.04)), 4),
        hidden_rate=round(float(rng.uniform(0.0, 0.05)), 4),
        shift={i.code: round(float(rng.normal(0, 0.8)), 3) for i in inds},
        per_year={i.code: _PER_YEAR[i.freq] for i in inds if freq[i.code] is not i.freq},
        sums=tuple(i.code for i in inds if freq[i.code] is not i.freq and i.aggregation is Aggregation.SUM),
    )


def _small_base(ind: Indicator, sim: Any, freq: Freq, rng: np.random.Generator) -> int:
    """A small denominator a period: a percentage's under 100 over a quarter (or a year, for
    an annual one); about 25 people behind a rate per 1,000, 10,000 or 100,000."""
    if ind.unit is Unit.PERCENT:
        return int(rng.integers(10, 25)) if freq is Freq.MONTH else int(rng.integers(25, 76))
    return max(1, round(25 * ind.unit.multiplier / sim.base))


def write_shape_params(params: str | Path, shape: Shape) -> list[Path]:
    """Write the catalogue ``shape``'s council needs into the project's ``params`` (its
    ``indicators/`` files, from the shipped demo catalogue); return the files written.

    A file the shape leaves as shipped is written as shipped (so the default seed restores a
    catalogue an earlier seed rewrote). A file edited by hand is left alone by the default
    seed and refused by another, as are the shipped params themselves (the repository's
    ``params/``): make a seed's council in a folder of its own."""
    params = Path(params)
    written = []
    for source in sorted((DEMO_PARAMS / "indicators").glob("*.yaml")):
        shipped = source.read_text(encoding="utf-8")
        text = _varied(shipped, shape)
        target = params / "indicators" / source.name
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        if target.resolve() == source.resolve() or (current not in (None, shipped) and not current.startswith(MARK)):
            if shape.plain:
                continue
            raise ConfigError(
                f"perfkit demo --seed {shape.seed} rewrites the demo catalogue, and {target} is "
                + ("perfkit's own demo catalogue" if target.resolve() == source.resolve() else "edited by hand")
                + f": make this council in an empty folder of its own (mkdir seed-{shape.seed} && cd seed-{shape.seed} && perfkit demo --seed {shape.seed})"
            )
        write_text(target, text)
        written.append(target)
    return written


def _varied(text: str, shape: Shape) -> str:
    """A shipped catalogue file's text as ``shape``'s council has it (``text`` itself when unchanged)."""
    data = yaml.safe_load(text)
    changed = False
    for entry in data.get("indicators", []):
        if entry["code"] in shape.neutral:
            entry["polarity"] = Polarity.NEUTRAL.value
            for key in ("targets", "tolerance"):
                entry.pop(key, None)
            changed = True
        if entry["directorate"] == shape.annual and entry["frequency"] != "annual":
            entry["frequency"] = "annual"
            entry.pop("cumulative", None)  # a year's figure is the year's, not a year to date
            changed = True
    if not changed:
        return text
    changes = [f"{shape.annual} reports once a year" if shape.annual else "", f"no polarity: {', '.join(shape.neutral)}" if shape.neutral else ""]
    header = (f"{MARK} {shape.seed}`: perfkit's demo catalogue as this seed's council has it\n# ({'; '.join(c for c in changes if c)}). "
              "`perfkit demo` (the default seed) here restores the shipped file.\n")
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
