"""Period values: :class:`Freq` and :class:`Period` (see :mod:`perfkit.periods`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from perfkit.errors import PeriodError

__all__ = ["Freq", "Period", "YEAR_RULES", "KIND_RULES", "YearRule"]


class Freq(str, Enum):
    """How long a period is."""

    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    CALENDAR = "calendar"  # a calendar year, January to December: '2015'
    ACADEMIC = "academic"  # an academic year, September to August: '2024/25 academic year'
    AS_AT = "as_at"  # one day, a count as at it: 'as at 30 September 2025'

    @property
    def own_kind(self) -> bool:
        """A published period kind of its own: never split into quarters, aggregated or counted to a year to date."""
        return self in (Freq.CALENDAR, Freq.ACADEMIC, Freq.AS_AT)

    @property
    def rule(self) -> str | None:
        """How a bare label of this kind is read (:data:`KIND_RULES`): 'calendar_year' for a calendar year's '2015'; None for others."""
        return next((rule for rule, kind in KIND_RULES.items() if kind is self), None)

    @property
    def noun(self) -> str:
        """What one period of it is called: 'financial year', 'calendar year', 'day (as at)'."""
        return {"year": "financial year", "as_at": "day (as at)"}.get(self.value, f"{self.value} year" if self.own_kind else self.value)


#: How a bare calendar year such as DfE's ``time_period`` 2025 maps to a financial year.
YEAR_RULES = ("year_ending_march", "year_starting_april")
#: A source mapping's rule for a file whose periods are all of one published kind (:class:`Freq`).
KIND_RULES = {"calendar_year": Freq.CALENDAR, "academic_year": Freq.ACADEMIC, "as_at": Freq.AS_AT}
YearRule = Literal["year_ending_march", "year_starting_april", "calendar_year", "academic_year", "as_at"]

_PER_YEAR = {Freq.YEAR: 1, Freq.QUARTER: 4, Freq.MONTH: 12, Freq.CALENDAR: 1, Freq.ACADEMIC: 1, Freq.AS_AT: 1}
_FREQ_RANK = {Freq.YEAR: 0, Freq.QUARTER: 1, Freq.MONTH: 2, Freq.CALENDAR: 3, Freq.ACADEMIC: 4, Freq.AS_AT: 5}
_MIN_YEAR, _MAX_YEAR = 1900, 2199


@dataclass(frozen=True, eq=True)
class Period:
    """A financial year, quarter or month; or a published calendar year, academic year or day.

    Build one with :func:`parse_period`, :meth:`Period.year`, :meth:`Period.quarter` or
    :meth:`Period.month` (:meth:`Period.calendar_year`, :meth:`Period.academic_year`,
    :meth:`Period.as_at`). ``index`` counts periods of ``freq``: for a year it is the year
    the financial year starts in; for a quarter ``4 * start_year + (q - 1)``; for a month
    ``12 * calendar_year + (month - 1)``; for a calendar or academic year the year it
    starts in; for a day its ordinal (``date.toordinal()``).
    """

    freq: Freq
    index: int

    # ----- constructors -------------------------------------------------------------
    @classmethod
    def year(cls, start_year: int) -> Period:
        """The financial year starting 1 April ``start_year``."""
        _check_year(start_year)
        return cls(Freq.YEAR, start_year)

    @classmethod
    def quarter(cls, start_year: int, q: int) -> Period:
        """Quarter ``q`` (1-4) of the financial year starting in ``start_year``."""
        _check_year(start_year)
        if not 1 <= q <= 4:
            raise PeriodError(f"quarter Q{q} does not exist: quarters are Q1 to Q4")
        return cls(Freq.QUARTER, 4 * start_year + q - 1)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """Calendar month ``month`` (1-12) of ``year``."""
        _check_year(year)
        if not 1 <= month <= 12:
            raise PeriodError(f"month {month:02d} does not exist: months are 01 to 12")
        return cls(Freq.MONTH, 12 * year + month - 1)

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        """The calendar year ``year``, January to December (a published indicator's)."""
        _check_year(year)
        return cls(Freq.CALENDAR, year)

    @classmethod
    def academic_year(cls, start_year: int) -> Period:
        """The academic year starting 1 September ``start_year`` (a published indicator's)."""
        _check_year(start_year)
        return cls(Freq.ACADEMIC, start_year)

    @classmethod
    def as_at(cls, day: dt.date) -> Period:
        """The day ``day``, for a count as at it (a published indicator's)."""
        _check_year(day.year)
        return cls(Freq.AS_AT, day.toordinal())

    @classmethod
    def containing(cls, day: dt.date, freq: Freq | str) -> Period:
        """The period of ``freq`` that contains ``day``."""
        freq = Freq(freq)
        _check_year(day.year)
        if freq.own_kind:
            return cls(freq, {Freq.CALENDAR: day.year, Freq.ACADEMIC: day.year - (day.month < 9)}.get(freq, day.toordinal()))
        month = cls.month(day.year, day.month)
        return month if Freq(freq) is Freq.MONTH else month.within(freq)

    # ----- parts --------------------------------------------------------------------
    @property
    def fy_start_year(self) -> int:
        """The calendar year in which this period's financial year starts (for a published
        kind of its own, the financial year its last day falls in)."""
        if self.freq.own_kind:
            return self.end.year - (self.end.month < 4)
        if self.freq is Freq.YEAR:
            return self.index
        if self.freq is Freq.QUARTER:
            return self.index // 4
        year, month = divmod(self.index, 12)
        return year if month + 1 >= 4 else year - 1

    @property
    def start(self) -> dt.date:
        """First day of the period."""
        if self.freq is Freq.CALENDAR or self.freq is Freq.ACADEMIC:
            return dt.date(self.index, 1 if self.freq is Freq.CALENDAR else 9, 1)
        if self.freq is Freq.AS_AT:
            return dt.date.fromordinal(self.index)
        if self.freq is Freq.YEAR:
            return dt.date(self.index, 4, 1)
        if self.freq is Freq.QUARTER:
            fy, q0 = divmod(self.index, 4)
            month0 = 3 + 3 * q0  # 0-based month counted from January of the FY start year
            return dt.date(fy + month0 // 12, month0 % 12 + 1, 1)
        year, month0 = divmod(self.index, 12)
        return dt.date(year, month0 + 1, 1)

    @property
    def end(self) -> dt.date:
        """Last day of the period."""
        if self.freq is Freq.AS_AT:
            return self.start
        return self.next().start - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """The house label: '2025/26', '2025/26 Q3' or '2025-11'; a published kind's as published:
        '2015', '2024/25 academic year', 'as at 30 September 2025'."""
        if self.freq is Freq.CALENDAR:
            return str(self.index)
        if self.freq is Freq.ACADEMIC:
            return f"{self.index}/{(self.index + 1) % 100:02d} academic year"
        if self.freq is Freq.AS_AT:
            return f"as at {self.start.day} {self.start:%B %Y}"
        if self.freq is Freq.MONTH:
            year, month0 = divmod(self.index, 12)
            return f"{year}-{month0 + 1:02d}"
        fy = self.fy_start_year
        year = f"{fy}/{(fy + 1) % 100:02d}"
        return year if self.freq is Freq.YEAR else f"{year} Q{self.index % 4 + 1}"

    @property
    def text(self) -> str:
        """The label as :func:`parse_period` reads it back without a rule: a calendar year's
        is '2015 calendar year' (a bare '2015' could be a financial year), others' the label."""
        return f"{self.index} calendar year" if self.freq is Freq.CALENDAR else self.label

    @property
    def span(self) -> str:
        """The months covered, for readers: 'July to September 2025', 'April 2025 to March 2026'.

        >>> Period.quarter(2025, 2).span, Period.month(2025, 11).span
        ('July to September 2025', 'November 2025')
        """
        first, last = self.start, self.end
        if self.freq is Freq.AS_AT:
            return f"{first.day} {first:%B %Y}"
        if self.freq is Freq.MONTH:
            return f"{first:%B %Y}"
        if first.year == last.year:
            return f"{first:%B} to {last:%B %Y}"
        return f"{first:%B %Y} to {last:%B %Y}"

    @property
    def slug(self) -> str:
        """A path-safe form: '2025-26', '2025-26-q3' or '2025-11'."""
        return self.label.replace("/", "-").replace(" ", "-").lower()

    @property
    def financial_year(self) -> Period:
        """The financial year this period belongs to."""
        return Period(Freq.YEAR, self.fy_start_year)

    # ----- arithmetic ---------------------------------------------------------------
    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (earlier when ``n`` is negative); for a day ("as at"),
        the same day ``n`` years later (a 29 February's is 28 February)."""
        if self.freq is Freq.AS_AT:
            day = self.start
            try:
                return Period(Freq.AS_AT, day.replace(year=day.year + n).toordinal())
            except ValueError:
                return Period(Freq.AS_AT, dt.date(day.year + n, 2, 28).toordinal())
        return Period(self.freq, self.index + n)

    def next(self) -> Period:
        """The following period of the same length."""
        return self.shift(1)

    def prev(self) -> Period:
        """The preceding period of the same length."""
        return self.shift(-1)

    def same_period_last_year(self) -> Period:
        """The same quarter, month or year one year earlier."""
        return self.shift(-_PER_YEAR[self.freq])

    def within(self, freq: Freq | str) -> Period:
        """The period of the longer ``freq`` that contains this one."""
        freq = Freq(freq)
        if freq is self.freq:
            return self
        _own_alone(self.freq, freq)
        if _FREQ_RANK[freq] > _FREQ_RANK[self.freq]:
            raise PeriodError(f"a {self.freq.value} is not inside a single {freq.value}")
        if freq is Freq.YEAR:
            return self.financial_year
        if freq is self.freq:
            return self
        return Period(Freq.QUARTER, 4 * self.fy_start_year + (self.start.month - 4) % 12 // 3)

    def subperiods(self, freq: Freq | str) -> list[Period]:
        """The periods of the shorter ``freq`` that make up this one, in order."""
        freq = Freq(freq)
        if freq is not self.freq:
            _own_alone(self.freq, freq)
        if _FREQ_RANK[freq] < _FREQ_RANK[self.freq]:
            raise PeriodError(f"a {self.freq.value} cannot be split into {freq.value}s")
        first = Period.containing(self.start, freq)
        count = _PER_YEAR[freq] // _PER_YEAR[self.freq]
        return [first.shift(i) for i in range(count)]

    def quarters(self) -> list[Period]:
        """The four quarters of a financial year."""
        return self.subperiods(Freq.QUARTER)

    def months(self) -> list[Period]:
        """The months of a year or quarter."""
        return self.subperiods(Freq.MONTH)

    def contains(self, other: Period) -> bool:
        """Whether ``other`` lies wholly inside this period."""
        return self.start <= other.start and other.end <= self.end

    def range_to(self, last: Period) -> list[Period]:
        """Every period of this length from this one to ``last``, both included."""
        if last.freq is not self.freq:
            raise PeriodError(f"cannot count from a {self.freq.value} to a {last.freq.value}")
        if self.freq is Freq.AS_AT:  # the same day each year
            return [self.shift(i) for i in range(last.start.year - self.start.year + 1) if self.shift(i) <= last]
        return [Period(self.freq, i) for i in range(self.index, last.index + 1)]

    # ----- ordering and display -----------------------------------------------------
    def _key(self) -> tuple[dt.date, int]:
        return (self.start, _FREQ_RANK[self.freq])

    def __lt__(self, other: Period) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Period) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Period) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Period) -> bool:
        return self._key() >= other._key()

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"Period({self.label!r})"


def _own_alone(freq: Freq, other: Freq) -> None:
    if freq.own_kind or other.own_kind:
        raise PeriodError(f"a {freq.noun} and a {other.noun} are periods of different kinds: "
                          "a published calendar year, academic year or day is never split, aggregated or counted to a year to date")


def _check_year(year: int) -> None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise PeriodError(f"year {year} is outside {_MIN_YEAR}-{_MAX_YEAR}")
