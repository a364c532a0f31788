"""UK financial periods as values: financial years, quarters and months.

The financial year runs from 1 April to 31 March and is written "2025/26". Quarters
follow it (Q1 April-June ... Q4 January-March) and are written "2025/26 Q3"; months are
written "2025-11". This module is the one place that reads and writes period labels;
everything else works with :class:`Period` values.

>>> p = parse_period("Q3 2025/26")
>>> p
Period('2025/26 Q3')
>>> p.start, p.end
(datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
>>> p.next(), p.prev(), p.same_period_last_year()
(Period('2025/26 Q4'), Period('2025/26 Q2'), Period('2024/25 Q3'))
>>> parse_period("2026-02").financial_year
Period('2025/26')
>>> parse_period("FY2025-26").slug
'2025-26'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from perfkit.errors import PeriodError

__all__ = ["Freq", "Period", "parse_period", "YEAR_RULES"]


class Freq(str, Enum):
    """How long a period is."""

    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


#: How a bare calendar year such as DfE's ``time_period`` 2025 maps to a financial year.
YEAR_RULES = ("year_ending_march", "year_starting_april")
YearRule = Literal["year_ending_march", "year_starting_april"]

_PER_YEAR = {Freq.YEAR: 1, Freq.QUARTER: 4, Freq.MONTH: 12}
_FREQ_RANK = {Freq.YEAR: 0, Freq.QUARTER: 1, Freq.MONTH: 2}
_ACCEPTED = (
    "accepted forms: financial year '2025/26' (also '2025-26', 'FY2025/26'), "
    "quarter '2025/26 Q3' (also 'Q3 2025/26'), month '2025-11'"
)
_FY = r"(?:FY\s*)?(?P<y1>\d{4})\s*(?P<sep>[/-])\s*(?P<y2>\d{2}|\d{4})"
_RE_YEAR = re.compile(rf"^{_FY}$", re.I)
_RE_QUARTER_AFTER = re.compile(rf"^{_FY}\s*Q(?P<q>\d+)$", re.I)
_RE_QUARTER_BEFORE = re.compile(rf"^Q(?P<q>\d+)\s+{_FY}$", re.I)
_RE_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$")
_RE_BARE_YEAR = re.compile(r"^(?P<y>\d{4})$")
_MIN_YEAR, _MAX_YEAR = 1900, 2199


@dataclass(frozen=True, eq=True)
class Period:
    """A financial year, quarter or month.

    Build one with :func:`parse_period`, :meth:`Period.year`, :meth:`Period.quarter` or
    :meth:`Period.month`. ``index`` counts periods of ``freq``: for a year it is the year
    the financial year starts in; for a quarter ``4 * start_year + (q - 1)``; for a month
    ``12 * calendar_year + (month - 1)``.
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
    def containing(cls, day: dt.date, freq: Freq | str) -> Period:
        """The period of ``freq`` that contains ``day``."""
        month = cls.month(day.year, day.month)
        return month if Freq(freq) is Freq.MONTH else month.within(freq)

    @classmethod
    def parse(cls, text: str, year_rule: YearRule | None = None) -> Period:
        """Same as :func:`parse_period`."""
        return parse_period(text, year_rule=year_rule)

    # ----- parts --------------------------------------------------------------------
    @property
    def fy_start_year(self) -> int:
        """The calendar year in which this period's financial year starts."""
        if self.freq is Freq.YEAR:
            return self.index
        if self.freq is Freq.QUARTER:
            return self.index // 4
        year, month = divmod(self.index, 12)
        return year if month + 1 >= 4 else year - 1

    @property
    def start(self) -> dt.date:
        """First day of the period."""
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
        return self.next().start - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """The house label: '2025/26', '2025/26 Q3' or '2025-11'."""
        if self.freq is Freq.MONTH:
            year, month0 = divmod(self.index, 12)
            return f"{year}-{month0 + 1:02d}"
        fy = self.fy_start_year
        year = f"{fy}/{(fy + 1) % 100:02d}"
        return year if self.freq is Freq.YEAR else f"{year} Q{self.index % 4 + 1}"

    @property
    def span(self) -> str:
        """The months covered, for readers: 'July to September 2025', 'April 2025 to March 2026'.

        >>> parse_period("2025/26 Q2").span, parse_period("2025-11").span
        ('July to September 2025', 'November 2025')
        """
        first, last = self.start, self.end
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
        """The period ``n`` steps later (earlier when ``n`` is negative)."""
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


def _check_year(year: int) -> None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise PeriodError(f"year {year} is outside {_MIN_YEAR}-{_MAX_YEAR}")


def _fy_start(match: re.Match[str], text: str) -> int:
    y1, y2 = int(match["y1"]), match["y2"]
    expected = (y1 + 1) % 100 if len(y2) == 2 else y1 + 1
    if int(y2) != expected:
        raise PeriodError(
            f"{text!r} is not a financial year: the second year must follow the first "
            f"(did you mean '{y1}/{(y1 + 1) % 100:02d}'?); {_ACCEPTED}"
        )
    return y1


def parse_period(text: str, year_rule: YearRule | None = None) -> Period:
    """Read a period label.

    Parameters
    ----------
    text
        '2025/26', '2025-26', 'FY2025/26', '2025/26 Q3', 'Q3 2025/26' or '2025-11'.
    year_rule
        How to read a bare year such as DfE's '2025': ``"year_ending_march"`` (the year
        to 31 March 2025, i.e. 2024/25) or ``"year_starting_april"`` (2025/26). Without
        a rule a bare year is refused as ambiguous.

    >>> parse_period("2025", year_rule="year_ending_march")
    Period('2024/25')
    >>> parse_period("2025/27")
    Traceback (most recent call last):
    perfkit.errors.PeriodError: '2025/27' is not a financial year: ...
    """
    if not isinstance(text, str):
        raise PeriodError(f"period must be text, got {text!r}; {_ACCEPTED}")
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise PeriodError(f"period is empty; {_ACCEPTED}")
    for pattern in (_RE_QUARTER_AFTER, _RE_QUARTER_BEFORE):
        if m := pattern.match(cleaned):
            q = int(m["q"])
            if not 1 <= q <= 4:
                raise PeriodError(f"{text!r}: there is no Q{q}, quarters are Q1 to Q4; {_ACCEPTED}")
            return Period.quarter(_fy_start(m, text), q)
    if m := _RE_MONTH.match(cleaned):
        year, second = int(m["y"]), int(m["m"])
        if 1 <= second <= 12:  # '2011-12' is December 2011; that financial year is '2011/12'
            return Period.month(year, second)
        if len(m["m"]) == 2 and second == (year + 1) % 100:
            return Period.year(year)
        raise PeriodError(
            f"{text!r} is neither a month (01 to 12) nor a financial year "
            f"('{year}-{(year + 1) % 100:02d}'); {_ACCEPTED}"
        )
    if m := _RE_YEAR.match(cleaned):
        return Period.year(_fy_start(m, text))
    if m := _RE_BARE_YEAR.match(cleaned):
        year = int(m["y"])
        if year_rule == "year_ending_march":
            return Period.year(year - 1)
        if year_rule == "year_starting_april":
            return Period.year(year)
        raise PeriodError(
            f"{text!r} is a bare year, which could mean the financial year starting or "
            f"ending in {year}: give year_rule={YEAR_RULES}; {_ACCEPTED}"
        )
    raise PeriodError(f"{text!r} is not a period perfkit can read; {_ACCEPTED}")
