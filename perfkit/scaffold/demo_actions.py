"""The demo council's actions, as rows (an actions file): what each owner did about each figure
that missed its target, followed from period to period as a real return would carry them.

A reporting period whose figure missed gets an action (the owner's words for it), owned by the
indicator's owner and due at the end of the next period; while the figure stays off target the
action is carried forward "on track", or "at risk" once past its due date; a period later, still
off target, it is "dropped" and replaced by a new action; when the figure meets its target again
the action is "complete". Complete and dropped actions are carried no further. The owners' free-text actions
are taken off the figures' rows: the actions live in the actions file only.
"""

from __future__ import annotations

from perfkit.config.catalogue import Indicator
from perfkit.contract import OPEN_ACTIONS
from perfkit.periods import Freq, Period, parse_period

__all__ = ["demo_actions"]


def _reported(ind: Indicator, period: Period) -> Period:
    """The period a row's words are reported for: a monthly indicator's quarter, else its own."""
    return period.within(Freq.QUARTER) if period.freq is Freq.MONTH else period


def demo_actions(ind: Indicator, rows: list[dict], area: str) -> list[dict]:
    """The action rows of ``ind`` for ``area`` over its reporting periods; removes the free-text
    ``actions`` from ``rows`` (in place)."""
    missed: dict[Period, str] = {}
    periods: set[Period] = set()
    for row in rows:
        if row["area_code"] != area:
            continue
        period = parse_period(row["period"])
        periods.add(_reported(ind, period))
        text = row.pop("actions", None)
        if text and (period.freq is not Freq.MONTH or ind.freq is not Freq.MONTH):  # the reporting period's words, not a month's
            missed[period] = text
    out: list[dict] = []
    carried: list[dict] = []
    number = 0
    for period in sorted(periods, key=lambda p: p.start):
        now = []
        for action in carried:
            if period not in missed:
                status, progress = "complete", f"Complete: the figure met its target in {period.label}."
            elif action["status"] == "at risk":
                status, progress = "dropped", "Replaced by a new action agreed with the service director: this one did not bring the figure back on target."
            elif period.end > action["_due"]:
                status, progress = "at risk", "Past its due date with the figure still off target; the plan is being reviewed with the service director."
            else:
                status, progress = "on track", "Under way as planned; the figure is still off target."
            now.append({**action, "period": period.label, "status": status, "progress": progress})
        if period in missed and not any(a["status"] in OPEN_ACTIONS for a in now):
            number += 1
            due = period.next().end
            now.append({"indicator": ind.code, "area_code": area, "ref": f"A{number}", "action": missed[period], "owner": ind.owner,
                        "due": due.isoformat(), "_due": due, "status": "on track", "progress": "", "period": period.label})
        out += now
        carried = [a for a in now if a["status"] in OPEN_ACTIONS]
    return [{k: v for k, v in a.items() if not k.startswith("_")} for a in out]
