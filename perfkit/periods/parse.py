"""Reading period labels: :func:`parse_period`, the one parser (see :mod:`perfkit.periods`)."""

from __future__ import annotations

import datetime as dt
import re

from perfkit.errors import PeriodError
from perfkit.periods.period import KIND_RULES, YEAR_RULES, Freq, Period, YearRule

__all__ = ["parse_period"]

_ACCEPTED = (
    "accepted forms: financial year '2025/26' (also '2025-26', 'FY2025/26'), "
    "quarter '2025/26 Q3' (also 'Q3 2025/26'), month '2025-11'; for published indicators "
    "'2015 calendar year', '2024/25 academic year', 'as at 30 September 2025'"
)
_FY = r"(?:FY\s*)?(?P<y1>\d{4})\s*(?P<sep>[/-])\s*(?P<y2>\d{2}|\d{4})"
_RE_YEAR = re.compile(rf"^{_FY}$", re.I)
_RE_QUARTER_AFTER = re.compile(rf"^{_FY}\s*Q(?P<q>\d+)$", re.I)
_RE_QUARTER_BEFORE = re.compile(rf"^Q(?P<q>\d+)\s+{_FY}$", re.I)
_RE_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$")
_RE_BARE_YEAR = re.compile(r"^(?P<y>\d{4})$")
_RE_CALENDAR = re.compile(r"^(?:(?P<y>\d{4}) calendar year|calendar year (?P<y2>\d{4}))$", re.I)
_RE_ACADEMIC = (re.compile(rf"^{_FY} academic year$", re.I), re.compile(rf"^academic year {_FY}$", re.I))
_RE_EES_YEAR = re.compile(r"^(?P<y1>\d{4})(?P<sep>)(?P<y2>\d{2})$")  # Explore Education Statistics' '202425'
_RE_AS_AT = re.compile(r"^as at (?P<day>.+)$", re.I)
_DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y")


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
        a rule a bare year is refused as ambiguous. Or a published kind that every period
        of a file is (:data:`KIND_RULES`): ``"calendar_year"`` ('2015'), ``"academic_year"``
        ('2024/25', EES's '202425') or ``"as_at"`` (a day: '2025-09-30', '30/09/2025',
        '30 September 2025').

    >>> parse_period("2015", year_rule="calendar_year"), parse_period("202425", year_rule="academic_year")
    (Period('2015'), Period('2024/25 academic year'))
    >>> parse_period("30/09/2025", year_rule="as_at")
    Period('as at 30 September 2025')

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
    if year_rule in KIND_RULES:
        return _as_kind(cleaned, text, KIND_RULES[year_rule])
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
    if m := _RE_CALENDAR.match(cleaned):
        return Period.calendar_year(int(m["y"] or m["y2"]))
    if m := _RE_ACADEMIC[0].match(cleaned) or _RE_ACADEMIC[1].match(cleaned):
        return _academic(m, text)
    if m := _RE_AS_AT.match(cleaned):
        return Period.as_at(_day(m["day"], text))
    if m := _RE_BARE_YEAR.match(cleaned):
        year = int(m["y"])
        if year_rule == "year_ending_march":
            return Period.year(year - 1)
        if year_rule == "year_starting_april":
            return Period.year(year)
        raise PeriodError(
            f"{text!r} is a bare year, which could mean the financial year starting or "
            f"ending in {year}, or the calendar year: give year_rule={(*YEAR_RULES, 'calendar_year')}; {_ACCEPTED}"
        )
    raise PeriodError(f"{text!r} is not a period perfkit can read; {_ACCEPTED}")


def _academic(match: re.Match[str], text: str) -> Period:
    y1, y2 = int(match["y1"]), match["y2"]
    if int(y2) != ((y1 + 1) % 100 if len(y2) == 2 else y1 + 1):
        raise PeriodError(f"{text!r} is not an academic year: the second year must follow the first "
                          f"(did you mean '{y1}/{(y1 + 1) % 100:02d} academic year'?); {_ACCEPTED}")
    return Period.academic_year(y1)


def _day(text: str, whole: str) -> dt.date:
    for form in _DAY_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), form).date()
        except ValueError:
            pass
    raise PeriodError(f"{whole!r} is not a day perfkit can read: write it as '30 September 2025', '30/09/2025' or '2025-09-30'")


def _as_kind(cleaned: str, text: str, kind: Freq) -> Period:
    """``cleaned`` read as a period of ``kind``, as a source mapping's rule says the file's periods all are."""
    if kind is Freq.CALENDAR and (m := _RE_BARE_YEAR.match(cleaned)):
        return Period.calendar_year(int(m["y"]))
    if kind is Freq.ACADEMIC and (m := _RE_YEAR.match(cleaned) or _RE_EES_YEAR.match(cleaned)):
        return _academic(m, text)
    if kind is Freq.AS_AT and not _RE_AS_AT.match(cleaned):
        return Period.as_at(_day(cleaned, text))
    found = parse_period(cleaned)
    if found.freq is not kind:
        rule = next(k for k, v in KIND_RULES.items() if v is kind)
        raise PeriodError(f"{text!r} is a {found.freq.noun} ({found.label}), not a {kind.noun} as period_rule "
                          f"{rule} says: check the period column, or the mapping's period_rule")
    return found
