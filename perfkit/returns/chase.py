"""The check before the build: what is owed, what is late, and what looks wrong.

``perfkit check --period P`` lists, per directorate and owner, every figure due for the
quarter (see :func:`perfkit.returns.due.due_rows`) that is not returned or overdue (past the
due date in ``params/calendar.yaml``), provisional, suppressed or returned as missing;
a red or amber figure without the commentary the commentary rule asks for; a value outside
the indicator's plausible range or an unusual jump (outside the SPC process limits, judged as
the papers judge them, or a relative change beyond the catalogue's ``max_change``); and a year
with no target.

A paper uses the same :func:`check`, so its "Data quality and completeness" paragraph and
scorecard marks say exactly what the check says.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit.assess.rag import rag
from perfkit.atomic import write_text
from perfkit.config.catalogue import Aggregation, Indicator
from perfkit.config.papers import ReportParams
from perfkit.contract import OFF_TARGET
from perfkit.periods import Freq, Period
from perfkit.returns.due import due_rows, owner_due
from perfkit.spreadsheet import write_csv

__all__ = ["CheckResult", "ISSUES", "MISSING", "check", "commentary_required", "run_check", "run_checks", "write_check"]

#: Every kind of finding, in the order a chasing list shows them, with what to do about it.
ISSUES = {
    "overdue": "chase the owner: the figure is past its due date",
    "not returned": "the figure is not in yet (not yet due)",
    "returned as missing": "the owner says it cannot be supplied: check the reason",
    "provisional": "confirm or revise the figure before publication",
    "suppressed": "withheld as a small number: check the reason",
    "no commentary": "ask the owner for commentary",
    "no counts": "ask the owner for the numerator and denominator: the quarter's rate is worked out from them",
    "implausible": "query the figure with the owner",
    "unusual": "query the figure with the owner",
    "no target": "set a target in the catalogue (params/indicators/)",
}
#: The findings that mean a figure the paper needs is missing (``--strict`` fails on them).
MISSING = ("overdue", "not returned", "no commentary", "no counts")
COLUMNS = ["directorate", "owner", "name", "email", "deputy_email", "indicator", "title", "period", "issue", "detail", "due", "action"]


def commentary_required(ind: Indicator, default: str, rag_: str | None) -> bool:
    """Whether the commentary rule (the indicator's, else the council's) asks for words on a figure of ``rag_``."""
    rule = ind.commentary or default
    return rule == "all" or (rule == "red_amber" and rag_ in OFF_TARGET)


@dataclass(frozen=True)
class CheckResult:
    """What is owed (``due``: one row per figure, with ``returned`` and ``status``) and the findings."""

    period: Period
    due: pd.DataFrame
    findings: pd.DataFrame
    today: dt.date
    due_date: dt.date | None

    @property
    def missing(self) -> pd.DataFrame:
        return self.findings[self.findings["issue"].isin(MISSING)]

    @property
    def received(self) -> pd.Series:
        """Each figure due that came in as a figure (withheld or provisional ones too); one
        returned as missing, or a rate's month without the counts its quarter is worked out
        from, was returned, but not received."""
        uncounted = self.due["uncounted"] if "uncounted" in self.due else False
        return self.due["returned"] & self.due["status"].ne("missing") & ~pd.Series(uncounted, index=self.due.index, dtype=bool)

    def summary(self) -> pd.DataFrame:
        """Per directorate: figures due, returned, received as figures, and the count of each finding."""
        due = self.due.assign(received=self.received).groupby("directorate_name", sort=False).agg(
            due=("indicator", "size"), returned=("returned", "sum"), received=("received", "sum"))
        counts = self.findings.pivot_table(index="directorate", columns="issue", values="indicator", aggfunc="size", fill_value=0)
        counts = counts.reindex(columns=[k for k in ISSUES if k in counts.columns])
        return due.join(counts).fillna(0).astype(int).reset_index(names="directorate")

    def for_directorate(self, name: str) -> CheckResult:
        return CheckResult(self.period, self.due[self.due["directorate_name"] == name], self.findings[self.findings["directorate"] == name],
                           self.today, self.due_date)

    def sentence(self) -> str:
        """'13 of 16 figures due received; 2 overdue, 1 returned as missing.' A figure returned as
        missing was returned but is not received."""
        received, total = int(self.received.sum()), len(self.due)
        counts = self.findings["issue"].value_counts()
        parts = [f"{int(counts[k])} {k}" for k in ISSUES if counts.get(k, 0)]
        return f"{received} of {total} figure{'s' * (total != 1)} due for {self.period.label} received" + (f"; {', '.join(parts)}" if parts else "") + "."


def _due_words(due: dt.date, today: dt.date) -> str:
    """'due 20 July 2026, 3 days ago' (or just the date, when it has not passed)."""
    days = (today - due).days
    return f"due {due:%-d %B %Y}" + (f", {days} day{'s' * (days != 1)} ago" if days > 0 else "")


def _spc_note(rows: pd.DataFrame, ind: Indicator, area: str, period: Period) -> str:
    """'x is outside the SPC process limits (y to z)' for the figure of ``period``, or ''.

    The same SPC, on the same series and with the same judgement as the papers
    (:mod:`perfkit.assess.spc_judgement`): none where the indicator does not suit SPC (a
    cumulative year to date is judged on each period's own figure), and no query for a figure
    exactly on its target or that prints the same as the limit it crossed."""
    from perfkit.assess.spc_judgement import process_series, spc_of
    from perfkit.formatting import format_value

    series = process_series(rows, ind, area, period.end)
    if not len(series) or series["period"].iloc[-1] != period:
        return ""
    result = spc_of(series, ind)
    if result is None or result.points["rule"].iloc[-1] != "outside limits":
        return ""
    last = result.points.iloc[-1]
    fmt = lambda v: format_value(v, ind.unit.value, ind.decimals)  # noqa: E731
    own = " (its own figure, not the year to date)" if ind.cumulative else ""
    return f"{fmt(last['value'])}{own} is outside the SPC process limits ({fmt(last['lpl'])} to {fmt(last['upl'])})"


def _figure_rags(params, owed: pd.DataFrame, stored: dict) -> dict:  # noqa: ANN001 - ReportParams
    """The RAG of each returned figure that has a target, assessed in one pass: (indicator, period) -> rag."""
    keys, values, targets, tolerances, polarities = [], [], [], [], []
    for r in owed.itertuples():
        got, ind = stored.get((r.indicator, r.period)), params.catalogue[r.indicator]
        target = ind.target_for(r.period)
        if got is not None and target is not None and got.status in ("ok", "provisional"):
            keys.append((r.indicator, r.period))
            values.append(got.value), targets.append(target.value), tolerances.append(target.tolerance), polarities.append(ind.polarity.value)
    if not keys:
        return {}
    found = rag(pd.Series(values, dtype=float), pd.Series(targets, dtype=float), pd.Series(tolerances, dtype=float), pd.Series(polarities))
    return dict(zip(keys, found))


def _words_for_quarter(ind: Indicator, quarter: Period) -> bool:
    """Whether the owner's words for ``ind`` are given once, on the quarter's row (a monthly
    indicator: the paper prints the quarter's figure), not on each month's."""
    return ind.freq is Freq.MONTH and quarter.freq is Freq.QUARTER


def _quarter_rags(params, mine: pd.DataFrame, owed: pd.DataFrame, quarter: Period) -> dict:  # noqa: ANN001 - ReportParams
    """The RAG of the quarter's figure of each monthly indicator owed, as the paper assesses it: code -> rag."""
    from perfkit.assess.aggregate import aggregate_periods

    codes = [c for c in owed["indicator"].unique() if _words_for_quarter(params.catalogue[c], quarter)]
    if not codes:
        return {}
    found = aggregate_periods(mine[mine["indicator"].isin(codes)], params.catalogue, codes, [quarter]).set_index("indicator")
    found = found[found["status"].isin(["ok", "provisional"])]
    targets = {c: params.catalogue[c].target_for(quarter) for c in found.index}
    kept = [c for c in found.index if targets[c] is not None]
    if not kept:
        return {}
    result = rag(found.loc[kept, "value"].astype(float).reset_index(drop=True), pd.Series([targets[c].value for c in kept], dtype=float),
                 pd.Series([targets[c].tolerance for c in kept], dtype=float), pd.Series([params.catalogue[c].polarity.value for c in kept]))
    return dict(zip(kept, result))


def check(params, council, rows: pd.DataFrame, period: Period, slugs: Iterable[str] | None = None, today: dt.date | None = None,  # noqa: ANN001
          owners: dict | None = None) -> CheckResult:
    """Check the figures due for ``period`` (a quarter) against the stored ``rows`` of the council.

    ``owners`` maps an owner (as the catalogue names them) to their name and email
    (``params/owners.yaml``); ``today`` decides what is overdue.
    """
    from perfkit.formatting import format_value

    today = today or dt.date.today()
    owners = owners or {}
    calendar = params.catalogue.calendar
    due_date = calendar.due_for(period) if calendar else None
    owed = due_rows(params, period, slugs)
    period_ = period
    mine = rows[rows["area_code"].eq(council.area_code)]
    stored = {(r.indicator, r.period): r for r in mine.itertuples()}
    by_indicator = dict(tuple(mine.groupby("indicator", sort=False))) if len(mine) else {}  # each indicator's rows, for SPC
    rags = _figure_rags(params, owed, stored)
    findings = []

    def add(r, issue: str, detail: str, period: Period | None = None) -> None:  # noqa: ANN001
        contact = owners.get(r.owner, {})
        due = owner_due(contact, period_, due_date)
        findings.append({"directorate": r.directorate_name, "owner": r.owner, "name": contact.get("name", ""), "email": contact.get("email", ""),
                         "deputy_email": (contact.get("deputy") or {}).get("email", ""),
                         "indicator": r.indicator, "title": params.catalogue[r.indicator].title, "period": (period or r.period).label, "issue": issue,
                         "detail": detail, "due": due.isoformat() if due else "", "action": ISSUES[issue]})

    returned, statuses, uncounted = [], [], []
    for r in owed.itertuples():
        ind = params.catalogue[r.indicator]
        got = stored.get((r.indicator, r.period))
        returned.append(got is not None)
        statuses.append(got.status if got is not None else None)
        # a rate's month without its counts: the quarter the paper shows cannot be worked out (README, "Running a quarter")
        uncounted.append(got is not None and got.status in ("ok", "provisional") and ind.aggregation is Aggregation.RATE
                         and ind.freq is Freq.MONTH and (got.numerator != got.numerator or got.denominator != got.denominator))
        if uncounted[-1]:
            add(r, "no counts", "a rate returned without its numerator and denominator, so the quarter cannot be shown")
        fmt = lambda v: format_value(v, ind.unit.value, ind.decimals)  # noqa: E731
        if got is None:
            due = owner_due(owners.get(r.owner, {}), period, due_date)  # an owner may have an extension
            late = due is not None and today > due
            add(r, "overdue" if late else "not returned",
                _due_words(due, today) if due else "no due date set")
            continue
        if got.status == "missing":
            add(r, "returned as missing", got.status_reason or "no reason given")
        elif got.status in ("provisional", "suppressed"):
            add(r, got.status, got.status_reason or "no reason given")
        figure_rag = rags.get((r.indicator, r.period))
        words = got.commentary if isinstance(got.commentary, str) and got.commentary.strip() else None
        if words is None and got.status != "missing" and not _words_for_quarter(ind, period) and commentary_required(ind, council.commentary, figure_rag):
            add(r, "no commentary", f"the figure is {figure_rag}" if figure_rag in OFF_TARGET else "commentary is required for every figure")
        if got.status not in ("ok", "provisional") or got.value != got.value:
            continue
        low, high = ind.plausible or (None, None)
        if (low is not None and got.value < low) or (high is not None and got.value > high):
            add(r, "implausible", f"{fmt(got.value)} is outside the plausible range {fmt(low)} to {fmt(high)} (catalogue)")
        before = stored.get((r.indicator, r.period.prev()))
        if ind.max_change is not None and before is not None and before.status in ("ok", "provisional") and before.value:
            change = (got.value - before.value) / abs(before.value)
            if abs(change) > ind.max_change:
                add(r, "unusual", f"{'up' if change > 0 else 'down'} {abs(change):.0%} on {r.period.prev().label} "
                                  f"({fmt(before.value)}), more than the {ind.max_change:.0%} the catalogue allows")
        spc_note = _spc_note(by_indicator[r.indicator], ind, council.area_code, r.period)
        if spc_note:
            add(r, "unusual", spc_note)
    owed = owed.assign(returned=returned, status=statuses, uncounted=uncounted)
    quarter_rags = _quarter_rags(params, mine, owed, period)
    for (slug, code), group in owed.groupby(["directorate", "indicator"], sort=False):
        ind = params.catalogue[code]
        if _words_for_quarter(ind, period) and commentary_required(ind, council.commentary, quarter_rags.get(code)):
            words = stored.get((code, period))
            if words is None or not (isinstance(words.commentary, str) and words.commentary.strip()):
                why = f"the quarter's figure is {quarter_rags[code]}" if quarter_rags.get(code) in OFF_TARGET else "commentary is required for every figure"
                add(next(group.itertuples()), "no commentary", f"{why}: give the commentary on the quarter's row", period)
        if ind.polarity.value != "neutral" and ind.target_for(group["period"].iloc[-1]) is None:
            r = next(group.itertuples())
            add(r, "no target", f"no target for {r.period.financial_year.label}", r.period.financial_year)
    frame = pd.DataFrame(findings, columns=COLUMNS)
    order = {k: i for i, k in enumerate(ISSUES)}
    frame = frame.sort_values(["directorate", "owner", "issue"], key=lambda s: s.map(order) if s.name == "issue" else s, kind="stable")
    return CheckResult(period, owed, frame.reset_index(drop=True), today, due_date)


def _html(result: CheckResult, council_name: str) -> str:
    e = html.escape
    summary = result.summary()
    head = "".join(f"<th scope='col'>{e(str(c).capitalize())}</th>" for c in summary.columns)
    body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in summary.itertuples(index=False))
    items = []
    for directorate, group in result.findings.groupby("directorate", sort=False):
        mail = lambda address: f' <a href="mailto:{e(address)}">{e(address)}</a>' if address else ""  # noqa: E731
        rows = "".join(
            f"<tr><td>{e(r.owner)}</td><td>{e(r.name)}{mail(r.email)}</td><td>{e(r.title)} [{e(r.indicator)}]</td>"
            f"<td>{e(r.period)}</td><td class='{e(r.issue.replace(' ', '-'))}'>{e(r.issue)}</td><td>{e(r.detail)}</td><td>{e(r.action)}</td></tr>"
            for r in group.itertuples()
        )
        items.append(f"<h2>{e(directorate)}</h2><div class='scroll' role='region' tabindex='0' aria-label='Findings for {e(directorate)}'>"
                     f"<table><caption>Findings for {e(directorate)}</caption><thead><tr><th scope='col'>Owner</th>"
                     "<th scope='col'>Contact</th><th scope='col'>Indicator</th><th scope='col'>Period</th><th scope='col'>Finding</th>"
                     f"<th scope='col'>Detail</th><th scope='col'>What to do</th></tr></thead><tbody>{rows}</tbody></table></div>")
    due = f"Returns were due on {result.due_date:%-d %B %Y}. " if result.due_date else "No due date is set in params/calendar.yaml. "
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data check: {e(council_name)}, {e(result.period.label)}</title>
<style>body{{font-family:"Liberation Sans",Arial,sans-serif;max-width:75rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.4}}
table{{border-collapse:collapse;width:100%;margin:0 0 1.5rem}}th,td{{border:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left;vertical-align:top}}
th{{background:#f3f2f1}}caption{{text-align:left;font-weight:bold;padding:.3rem 0}}.overdue{{color:#942514;font-weight:bold}}
.scroll{{overflow-x:auto;max-width:100%}}.scroll:focus{{outline:3px solid #ffbf47;outline-offset:2px}}
@media (max-width:40rem){{table{{width:auto}}}}</style></head>
<body><main><h1>Data check: {e(council_name)}, {e(result.period.label)} ({e(result.period.span)})</h1>
<p>{e(due)}Checked on {result.today:%-d %B %Y}: {e(result.sentence())}</p>
<div class='scroll' role='region' tabindex='0' aria-label='Summary by directorate'><table><caption>Summary by directorate</caption>
<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>
{''.join(items) if items else '<p>Nothing to chase: every figure due is in, with commentary where required.</p>'}
<p>The chasing list is also in data-check.csv beside this page.</p></main></body></html>
"""


def write_check(result: CheckResult, out: str | Path, council_name: str, held: bool = False) -> tuple[Path, Path]:
    """Write ``<out>/<period>/data-check.html`` and ``data-check.csv`` (the chasing list).

    ``out`` is an output folder as ``perfkit build`` uses it: refused if it holds others'
    files, and locked while writing unless the caller (a build) ``held`` it already."""
    from contextlib import nullcontext

    from perfkit.outputs import OutputFolder

    folder = OutputFolder(Path(out))
    with nullcontext() if held else folder.building():
        page = folder.path / result.period.slug / "data-check.html"
        write_text(page, _html(result, council_name))
        return page, write_csv(result.findings, page.with_suffix(".csv"))


def run_check(period: str | Period, directorates: Iterable[str] | None = None, store: str | Path | None = None,
              root: str | Path | None = None, today: dt.date | None = None) -> tuple[CheckResult, object]:
    """:func:`check` on the project's params, owners and store; returns the result and the council."""
    results, council = run_checks([period], directorates, store, root, today)
    return results[0], council


def run_checks(periods: Iterable[str | Period], directorates: Iterable[str] | None = None, store: str | Path | None = None,
               root: str | Path | None = None, today: dt.date | None = None, params: ReportParams | None = None) -> tuple[list[CheckResult], object]:
    """:func:`check` for each of ``periods`` (quarters), reading params (unless given: a
    build has read them already) and the store once."""
    from perfkit.config.council import load_council
    from perfkit.config.papers import load_owners, project_params
    from perfkit.config.project import project
    from perfkit.returns.due import reporting_quarter
    from perfkit.store.store import Store

    proj = project(root=root, store=store)
    params = params or project_params(proj)
    council = load_council(proj.params)
    owners = load_owners(proj.params, params.catalogue)
    quarters = [reporting_quarter(p) for p in periods]
    slugs = [params.directorate(d).slug for d in directorates] if directorates else None
    codes = sorted({c for q in quarters for c in due_rows(params, q, slugs)["indicator"]})
    if proj.store.exists():
        with Store(proj.store, read_only=True) as db:
            rows = db.observations(codes, [council.area_code])
    else:
        rows = pd.DataFrame(columns=["indicator", "area_code", "period", "status", "value"])
    return [check(params, council, rows, q, slugs, today, owners) for q in quarters], council
