"""How one scorecard row is written for members: figures with their status, counts, ranks.

One place for the words every paper uses about a figure, so the scorecard, the exceptions,
the overview and ``perfkit show`` say the same thing: a withheld figure is "Withheld: fewer
than 5", never "No data"; a provisional one says so with its reason; a percentage on a
small base shows its counts ("25.6% (10 of 39)", "16.3 per 100,000 (26 of 159,752)"); a rank
names its group and period.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from perfkit.assess.benchmark import position
from perfkit.assess.disclosure import WITHHELD_WORDS
from perfkit.assess.small_base import on_small_base
from perfkit.compare.membership import NO_GROUP
from perfkit.contract import (
    COUNTS_DISAGREE,
    OFF_TARGET,
    OPEN_ACTIONS,
    RAG_WORDS,
    RED_LIST,
    rag_phrase,
)
from perfkit.formatting import (
    STATUS_WORDS,
    format_counts,
    format_value,
    round_half_up,
    status_note,
)
from perfkit.periods import Freq, Period

__all__ = ["action_lines", "action_summary", "band_lines", "band_text", "compared_with", "comparator_text", "counts_text", "england_judgement", "figure_text", "first_sentence", "flagged_figure", "interval_text", "next_release_text", "off_track_sentence", "parts_text", "period_name", "previous_text", "quality_text", "rag_caption", "rag_facts", "shown_period", "status_footnote", "target_text", "year_name", "ytd_text"]


def _known(value: object) -> bool:
    return value is not None and value == value


def counts_text(row: pd.Series, small: int, prefix: str = "") -> str:
    """The counts behind a figure on a small base (fewer than ``small`` cases,
    :mod:`perfkit.assess.small_base`), else '': '10 of 39' beside a percentage, '26 of 159,752'
    beside a rate per 100,000, '3,585 days over 34' beside an average.

    >>> row = pd.Series({"unit": "rate per 100,000", "status": "ok", "numerator": 26.0, "denominator": 159752.0})
    >>> counts_text(row, 100), counts_text(row.replace(26.0, 260.0), 100)
    ('26 of 159,752', '')
    """
    if row[prefix + "status"] == "suppressed":
        return ""
    num, den = row.get(prefix + "numerator"), row.get(prefix + "denominator")
    if not on_small_base(row["unit"], num, den, small):
        return ""
    if row["unit"] == "%" or str(row["unit"]).startswith("rate per "):
        return format_counts(num, den)
    return f"{format_value(num, row['unit'], 0)} over {format_value(den, 'count', 0)}"


def figure_text(row: pd.Series, small: int = 100, prefix: str = "", note: bool = True) -> str:
    """The figure as members read it: '94.98%', '25.6% (10 of 39)', 'Withheld: fewer than 5',
    '97.1% (provisional: awaiting sign-off)', '– (missing: no return received)'.

    ``prefix`` "ytd_" writes the year to date; ``note`` False gives the status word alone
    ('97.1% (provisional)'), where the reason is written elsewhere in the same row.
    """
    status = row[prefix + "status"]
    reason = row.get(prefix + "status_reason")
    if status == "missing" and not prefix and _published(row) and not isinstance(row.get("released"), dt.date):
        return f"– ({reason})"  # a publisher's figure not yet released is not missing: it says when it is due
    if status == "suppressed":
        return "Withheld: " + str(reason or "small number").split(":")[0]
    decimals = row.get(prefix + "decimals" if prefix else "value_decimals", row["decimals"])
    decimals = row["decimals"] if not _known(decimals) else decimals
    text = format_value(row[prefix + "value"], row["unit"], int(decimals))
    said = status_note(status, reason) if note else STATUS_WORDS.get(status, "")
    extra = [e for e in (counts_text(row, small, prefix), interval_text(row, prefix), said) if e]
    return text + (f" ({'; '.join(extra)})" if extra else "")


def interval_text(row: pd.Series, prefix: str = "") -> str:
    """A published figure's 95% confidence interval, to the figure's decimals, or ''.

    >>> interval_text(pd.Series({"status": "ok", "ci_lower": 20.98, "ci_upper": 27.46, "decimals": 1}))
    '95% CI 21.0-27.5'
    """
    low, high = row.get(prefix + "ci_lower"), row.get(prefix + "ci_upper")
    if not (_known(low) and _known(high)) or row[prefix + "status"] == "suppressed":
        return ""
    decimals = int(row["decimals"])
    return "95% CI " + "-".join(f"{round_half_up(v, decimals):,.{decimals}f}" for v in (low, high))


#: How a publisher's judgement against England reads ("Better" is "Better than England").
_AGAINST = {"better": "than", "worse": "than", "higher": "than", "lower": "than", "similar": "to", "same": "as"}


def england_judgement(row: pd.Series) -> str:
    """The publisher's own comparison with England by confidence interval (Fingertips), shown
    instead of a rank, or '': 'Similar to England (as published, by 95% confidence interval) · 2023/24'."""
    said = row.get("compared")
    if not isinstance(said, str) or not said.strip():
        return ""
    word = said.strip().split()[0].lower()
    text = f"{said.strip()} {_AGAINST[word]} England" if word in _AGAINST else f"{said.strip()} (against England)"
    period = row.get("period")
    return f"{text} (as published, by 95% confidence interval)" + (f" · {period.label}" if isinstance(period, Period) else "")


def previous_text(row: pd.Series, small: int = 100, prefix: str = "previous_") -> str:
    """The figure of an earlier period (``previous_`` or ``last_year_``), with its counts on a small base."""
    if row[prefix + "status"] == "suppressed":
        return "a withheld figure"
    text = format_value(row[prefix + "value"], row["unit"], int(row.get("value_decimals", row["decimals"])))
    counts = counts_text(row, small, prefix)
    return text + (f" ({counts})" if counts else "")


def parts_text(row: pd.Series, small: int = 100) -> str:
    """The indicator's own figures within the period shown, for a monthly indicator in a
    quarterly paper: 'January 2026 97.7%; February 2026 98.6%; March 2026 97.6% (provisional)'; or ''."""
    parts = row.get("parts")
    if not isinstance(parts, list) or not parts:
        return ""
    shown = []
    for part in parts:
        one = pd.Series({**row.to_dict(), **{k: part.get(k) for k in ("value", "status", "numerator", "denominator")},
                         "status_reason": None, "value_decimals": row["decimals"]})
        shown.append(f"{period_name(part['period'])} {figure_text(one, small, note=False)}")
    return "; ".join(shown)


def _rag_word(rag: str) -> str:
    """A rating as a sentence names it: 'Red', 'Amber', 'off target' (a withheld figure)."""
    return "off target" if rag == "off target" else RAG_WORDS[rag][1]


def flagged_figure(row: pd.Series, small: int = 100) -> str:
    """'Red for the period: 511 against a target of 400, 2025/26 Q4', or for a withheld figure
    'off target for the period: the figure is withheld', naming the year's RAG too where it is off target."""
    parts = [f"{_rag_word(rag)} {label.removeprefix('RAG ')}" for label, rag in rag_facts(row) if rag in OFF_TARGET]
    figure = "the figure is withheld" if row["status"] == "suppressed" else f"{figure_text(row, small, note=False)} against a target of {target_text(row)}"
    return f"{' and '.join(parts)}: {figure}, {shown_period(row)}"


def first_sentence(text: object) -> str:
    """The first sentence of an owner's words, with its full stop: 'Demand rose.' of 'Demand rose. Two posts ...'."""
    if not isinstance(text, str) or not text.strip():
        return ""
    words = text.strip()
    for end in (". ", "; "):
        if end in words:
            words = words.split(end, 1)[0]
    return words.rstrip(".;") + "."


def off_track_sentence(row: pd.Series, small: int = 100) -> str:
    """One sentence on an off-track indicator for page 1: what, why and what is being done, from
    the row's own figure, RAG, commentary and actions.

    'Households in temporary accommodation is Red at 511 against a target of 400 (2025/26 Q4). Why: Demand rose.
    Action: Team manager to report weekly.'"""
    rag, year = row["rag"], year_name(row)
    said = [f"{_rag_word(rag)} for the period" if rag in OFF_TARGET else ""]
    if year and row["ytd_rag"] in RED_LIST and row["ytd_rag"] != rag:
        said.append(f"{_rag_word(row['ytd_rag'])} for the {year}")
    said = " and ".join(s for s in said if s)
    if row["status"] == "suppressed":
        figure = f"the figure is withheld ({row['status_reason']}); the target is {target_text(row)}"
    else:
        figure = f"{figure_text(row, small, note=False)} against a target of {target_text(row)}"
    text = f"{row['title']} is {said}: {figure} ({shown_period(row)})."
    if row.get("commentary") == WITHHELD_WORDS:
        return text + " The owner's words are withheld with the figure."
    headline = row.get("headline") if isinstance(row.get("headline"), str) else ""
    why = first_sentence(row.get("commentary"))
    text += f" In brief: {headline.rstrip('.')}." if headline else f" Why: {why}" if why else " No commentary was supplied."
    listed = [a for a in (row.get("action_list") or ()) if a["status"] in OPEN_ACTIONS]
    if listed:
        return text + f" Action: {action_summary(listed[0])}" + (f" (and {len(listed) - 1} more open action{'s' if len(listed) > 2 else ''})" if len(listed) > 1 else "")
    if row.get("action_list"):
        return text + " Every action set for it is complete or dropped; no open action."
    action = first_sentence(row.get("actions"))
    return text + (f" Action: {action}" if action else " No action was supplied.")


def action_summary(action: dict) -> str:
    """An action in one sentence: 'Case audit of all late cases (Head of Reablement; due 31 March 2026; at risk, overdue).'"""
    state = action["status"] + (", overdue" if action.get("overdue") else "")
    return f"{first_sentence(action['action']).rstrip('.')} ({action['owner']}; due {action['due']:%-d %B %Y}; {state})."


def action_lines(row: pd.Series) -> list[tuple[str, str]]:
    """The stored actions reported for a row's period, one labelled line each, with this period's progress:
    ('Action A2', 'Temporary staff brought in. Owner: Head of Reablement. Due: 31 December 2025. Status: at risk, overdue. Progress: ...')."""
    lines = []
    for a in row.get("action_list") or ():
        state = a["status"] + (" (overdue)" if a.get("overdue") else "")
        progress = f" Progress: {a['progress']}" if isinstance(a.get("progress"), str) and a["progress"] else ""
        lines.append((f"Action {a['ref']}", f"{a['action'].rstrip('.')}. Owner: {a['owner']}. Due: {a['due']:%-d %B %Y}. Status: {state}.{progress}"))
    return lines


def _published(row: pd.Series) -> bool:
    return isinstance(row.get("publisher"), str) and bool(row.get("publisher"))


def shown_period(row: pd.Series) -> str:
    """The period a row's figure is for, as a paper names it: '2025/26 Q2'; for a published
    indicator with its publisher and release (:mod:`perfkit.assess.latest`), '2024/25 (DfE,
    released Nov 2025)', 'about' where the date is estimated from the catalogue's lag."""
    label = row["period"].label
    if not _published(row):
        return label
    released = row.get("released")
    if not isinstance(released, dt.date):
        return f"{label} ({row['publisher']})"
    return f"{label} ({row['publisher']}, released {'about ' if row.get('released_estimated') else ''}{released:%b %Y})"


def next_release_text(row: pd.Series) -> str:
    """'Next release: 2025/26, expected Nov 2026' for a published indicator whose next figure is
    not yet released by the paper's date, where its lag or a stored release gives the date; else ''."""
    due = row.get("next_release")
    if not _published(row) or not isinstance(due, dt.date) or not isinstance(row.get("released"), dt.date):
        return ""
    return f"Next release: {row['next_period'].label}, expected {due:%b %Y}"


def period_name(period: Period) -> str:
    """'March 2026' for a month, '2025/26 Q4' for a quarter: how a paper names a period's commentary."""
    return period.span if period.freq is Freq.MONTH else period.label


def target_text(row: pd.Series, prefix: str = "") -> str:
    target = row[prefix + "target"]
    return format_value(target, row["unit"], int(row["decimals"])) if _known(target) else "No target"


def year_name(row: pd.Series) -> str:
    """'outturn 2025/26' or 'year to date 2025/26': the one name of a row's year column, or ''."""
    return f"{row['ytd_kind']} {row['ytd_period'].label}" if isinstance(row.get("ytd_kind"), str) else ""


def band_lines(row: pd.Series, prefix: str = "") -> list[str]:
    """The RAG bands of a row's target, short enough to sit under it, so a member can check its
    RAG: ['Green ≥ 95.0%', 'Amber ≥ 93.0%']; [] where there is no target. The unit's words
    ('per 100,000', 'days') are left to the target above.

    >>> band_lines(pd.Series({"target": 400.0, "tolerance": 40.0, "polarity": "lower", "unit": "count", "decimals": 0}))
    ['Green ≤ 400', 'Amber ≤ 440']
    >>> band_lines(pd.Series({"target": 90.0, "tolerance": 0.0, "polarity": "higher", "unit": "%", "decimals": 1}))
    ['Green ≥ 90.0%', 'no Amber band']
    >>> band_lines(pd.Series({"target": 14.0, "tolerance": 2.0, "polarity": "lower", "unit": "per 100,000", "decimals": 1}))
    ['Green ≤ 14.0', 'Amber ≤ 16.0']
    """
    target, tolerance = row[prefix + "target"], row[prefix + "tolerance"]
    if not _known(target) or row["polarity"] == "neutral":
        return []
    fmt = lambda v: re.sub(r" (per [\d,]+|days?|weeks?)$", "", format_value(v, row["unit"], int(row["decimals"])))  # noqa: E731
    lower = row["polarity"] == "lower"
    sign = "≤" if lower else "≥"
    at_end = target == 0 if lower else (row["unit"] == "%" and target == 100)  # nothing better than the target exists
    green = f"Green {fmt(target)}" if at_end else f"Green {sign} {fmt(target)}"
    if not _known(tolerance) or tolerance <= 0:
        return [green, "no Amber band"]
    return [green, f"Amber {sign} {fmt(target + tolerance if lower else target - tolerance)}"]


def band_text(row: pd.Series, prefix: str = "") -> str:
    """:func:`band_lines` in one line: 'Green ≤ 400; Amber ≤ 440', or ''."""
    return "; ".join(band_lines(row, prefix))


def ytd_text(row: pd.Series, small: int = 100, note: bool = True, head: bool = True) -> str:
    """'Outturn 2025/26: 85.9% (target 90.0%)', or '' where the paper's period starts the year.
    ``head`` False leaves out the name ('85.9% (target 90.0%)'), where a label gives it."""
    name = year_name(row)
    if not name:
        return ""
    text = f"{figure_text(row, small, 'ytd_', note)} (target {target_text(row, 'ytd_')})"
    return f"{name[0].upper()}{name[1:]}: {text}" if head else text


def rag_facts(row: pd.Series) -> list[tuple[str, str]]:
    """Each RAG a row has, with the column it belongs to: [('RAG for the period', 'amber'),
    ('RAG for the outturn 2025/26', 'red')]. Captions and facts are both written from this."""
    facts = [("RAG for the period", row["rag"])]
    if year_name(row):
        facts.append((f"RAG for the {year_name(row)}", row["ytd_rag"]))
    return facts


def rag_caption(title: str, row: pd.Series) -> str:
    """A caption naming each RAG it reports: 'Re-let days: RAG for the period Green, target met; RAG for the outturn 2025/26 Amber, just off target'."""
    return f"{title}: " + "; ".join(f"{label} {rag_phrase(rag)}" for label, rag in rag_facts(row))


def comparator_text(row: pd.Series) -> str:
    """'joint 6th of 15, quartile 2 (median 12.3%; England 11.0%) · Demo neighbours, 2024/25';
    for a neutral indicator its position, 'highest of 16 (median ...)'; or why not ranked, or
    why not benchmarked ('Not benchmarked: no comparator group in the catalogue').
    Rank, median and England's figure are as shown, rounded half-up (:mod:`perfkit.assess.benchmark`)."""
    if england_judgement(row):  # the publisher compared it with England by its interval: no rank of ours
        return england_judgement(row)
    group = row.get("rank_group")
    if not isinstance(group, str):  # say why: no group in the catalogue, or none of the area's own (perfkit.compare.membership)
        why = row.get("rank_note")
        return f"Not benchmarked: {why if isinstance(why, str) else NO_GROUP}"
    if not (_known(row.get("rank_of")) and row["rank_of"]):
        return f"Not ranked: {row['rank_note']} ({group})"
    fmt = lambda c: format_value(row[c], row["unit"], int(row["decimals"]))  # noqa: E731
    quartile = f", quartile {int(row['quartile'])}" if _known(row["quartile"]) and row["polarity"] != "neutral" else ""
    england = f"; England {fmt('england_value')}" if _known(row.get("england_value")) else ""
    place = position(row["rank"], int(row["rank_of"]), row["polarity"], row.get("rank_tied", 1))
    return f"{place}{quartile} (median {fmt('group_median')}{england}) · {group}, {row['rank_period'].label}"


def status_footnote(rows: pd.DataFrame) -> str:
    """One sentence giving the reason for every non-final figure in a table that shows only
    the status word: 'Provisional: awaiting sign-off (3 indicators).'"""
    notes = pd.Series([status_note(r["status"], r["status_reason"]) for _, r in rows.iterrows()], dtype=object)
    counts = notes[notes.ne("")].value_counts(sort=False)
    if counts.empty:
        return ""
    parts = [f"{n[0].upper()}{n[1:]} ({c} indicator{'s' if c > 1 else ''})" for n, c in counts.items()]
    return "Figures not final: " + "; ".join(parts) + "."


def quality_text(row: pd.Series, prefix: str = "") -> str:
    """What looks inconsistent in a published figure kept as published, or ''.

    >>> row = pd.Series({"quality": "counts_disagree", "value": 22.6, "numerator": 1430.0, "denominator": 6410.0, "unit": "%", "decimals": 1})
    >>> quality_text(row)
    'the published figure 22.6% differs from its own published counts (1,430 of 6,410 = 22.31%); shown as published'
    """
    if row.get(prefix + "quality") != COUNTS_DISAGREE:
        return ""
    value, num, den = (row.get(prefix + k) for k in ("value", "numerator", "denominator"))
    ratio = num / den * (100 if row["unit"] == "%" else 1) if _known(num) and _known(den) and den else float("nan")
    shown = format_value(ratio, row["unit"], int(row["decimals"]) + 1)
    return (
        f"the published figure {format_value(value, row['unit'], int(row['decimals']))} differs from its own published counts "
        f"({format_counts(num, den)} = {shown}); shown as published"
    )


def compared_with(row: pd.Series) -> tuple[str, ...]:
    """The earlier periods a figure is compared with: the period before and the same period
    a year ago, or just the one for an annual indicator (whose period before is a year ago)."""
    return ("previous",) if row["last_year_period"] == row["previous_period"] else ("previous", "last_year")


#: How a paper's scorecard marks an indicator the data check found something about.
CHECK_MARKS = {
    "overdue": "not returned", "not returned": "not returned", "returned as missing": "returned as missing",
    "provisional": "provisional", "implausible": "unusual value", "unusual": "unusual value", "no commentary": "no commentary",
    "no counts": "returned without counts"}


def check_marks(findings: pd.DataFrame, code: str) -> str:
    """'Data check: not returned, provisional' for one indicator, or ''."""
    found = [CHECK_MARKS[i] for i in findings.loc[findings["indicator"] == code, "issue"] if i in CHECK_MARKS]
    return "Data check: " + ", ".join(dict.fromkeys(found)) if found else ""


def completeness_text(result) -> str:  # noqa: ANN001 - a perfkit.returns.chase.CheckResult
    """The paper's 'Data quality and completeness' paragraph: what was returned, and what it could not show.

    Names indicators and periods, never values (a public paper's withheld figures stay withheld)."""
    f, received, total = result.findings, int(result.received.sum()), len(result.due)
    if not total:  # every figure a publisher's: nothing was owed by the owners
        return f"Data quality and completeness: no figures were due from the indicator owners for {result.period.label}."
    given_up = int((result.due["returned"] & ~result.received).sum())
    text = [f"Data quality and completeness: {received} of {total} figure{'s' * (total != 1)} due for {result.period.label} "
            f"{'was' if received == 1 else 'were'} received from the indicator owners"
            + (f"; {given_up} {'was' if given_up == 1 else 'were'} returned as not available." if given_up else ".")]
    groups = [
        (("overdue", "not returned"), "Not returned, so not shown", True),
        (("returned as missing",), "Returned as not available", False),
        (("no counts",), "Returned without the counts the quarter's rate is worked out from, so not shown", True),
        (("provisional",), "Provisional, and may be revised", False),
        (("implausible", "unusual"), "Unusual, and being checked with the owner", False),
        (("no commentary",), "Red or amber without the owner's commentary", False),
    ]
    for issues, heading, with_owner in groups:
        rows = f[f["issue"].isin(issues)].drop_duplicates(["indicator", "period"])
        named = []
        for _code, one in rows.groupby("indicator", sort=False):  # an indicator once, with its periods
            first = one.iloc[0]
            named.append(f"{first['title']} ({', '.join(one['period'])}" + (f"; {first['owner']})" if with_owner else ")"))
        if named:
            text.append(f"{heading}: {'; '.join(named)}.")
    if len(text) == 1:
        text.append("Every figure due is in, with commentary where required.")
    return " ".join(text)
