"""The reporting calendar (``params/calendar.yaml``): the financial years reported on,
committee meeting dates, and when owners' returns are due."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from perfkit.config.yaml import read_model
from perfkit.errors import PeriodError
from perfkit.periods import Freq, Period, parse_period

__all__ = ["Calendar", "load_calendar"]


class Calendar(BaseModel):
    """The financial years perfkit reports on."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    first_year: str
    last_year: str
    meetings: dict[str, dt.date] = Field(default_factory=dict)  # period label -> committee date
    returns_due: dict[str, dt.date] = Field(default_factory=dict)  # quarter label -> the date owners' returns are due
    returns_due_days: int = Field(default=20, ge=0, le=120)  # otherwise: this many days after the quarter ends

    @field_validator("meetings", "returns_due")
    @classmethod
    def _meetings(cls, value: dict[str, dt.date]) -> dict[str, dt.date]:
        for label in value:
            try:
                parse_period(str(label))
            except PeriodError as exc:
                raise ValueError(str(exc)) from None
        return value

    def meeting_for(self, period: Period) -> dt.date | None:
        """The committee meeting date set for ``period``, if any."""
        return {parse_period(str(k)): v for k, v in self.meetings.items()}.get(period)

    def due_for(self, period: Period) -> dt.date:
        """The date returns for ``period`` are due: set in ``returns_due``, else ``returns_due_days`` after it ends."""
        set_ = {parse_period(str(k)): v for k, v in self.returns_due.items()}.get(period)
        return set_ or period.end + dt.timedelta(days=self.returns_due_days)

    @field_validator("first_year", "last_year")
    @classmethod
    def _year(cls, value: str) -> str:
        period = parse_period(str(value))
        if period.freq is not Freq.YEAR:
            raise ValueError(f"{value!r} is not a financial year such as '2025/26'")
        return period.label

    @property
    def years(self) -> list[Period]:
        return parse_period(self.first_year).range_to(parse_period(self.last_year))

    def covers(self, period: Period) -> bool:
        return parse_period(self.first_year).start <= period.start <= parse_period(self.last_year).end


def load_calendar(path: Path) -> Calendar | None:
    """``params/calendar.yaml`` checked, or None where a project has none."""
    if not path.is_file():
        return None
    return read_model(path, Calendar, "calendar", "sets the reporting years and meeting dates")
