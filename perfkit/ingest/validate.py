"""Check and normalise the text cells of a canonical table, all rows at once.

Every check is a vectorised mask over the frame. A row that fails any check becomes one or
more :class:`Problem` rows naming the file, row, column, value, what is wrong and the fix;
the rows that pass become a clean frame ready for :meth:`perfkit.store.Store.write_batches`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfkit.catalogue import Catalogue, Unit
from perfkit.errors import PeriodError
from perfkit.periods import parse_period
from perfkit.store import OBSERVATION_COLUMNS

__all__ = ["Problem", "SUPPRESSION_CODES", "validate"]

#: Cell codes used in published statistics (DfE / Explore Education Statistics), and the
#: status a cell holding one is stored with.
SUPPRESSION_CODES = {
    "c": ("suppressed", "c: confidential, small count"),
    "low": ("suppressed", "low: rounds to zero but is not zero"),
    "u": ("suppressed", "u: low reliability"),
    "x": ("missing", "x: not available"),
    "z": ("missing", "z: not applicable"),
}
STATUSES = ("ok", "provisional", "suppressed", "missing")
NUMBER_COLUMNS = ("value", "numerator", "denominator")
_NUMBER = (
    r"^(?P<neg>-)?(?P<gbp>£)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.(?P<d1>\d+))?|\d+(?:\.(?P<d2>\d+))?|\.(?P<d3>\d+))"
    r"(?P<pct>%)?$"
)
PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem", "fix"]


@dataclass(frozen=True)
class Problem:
    """One reason a row was rejected."""

    file: str
    row: int
    column: str
    value: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, column {self.column}, value {self.value!r}: {self.problem}; {self.fix}"


class _Checks:
    """Collects problems as masks over the frame."""

    def __init__(self, frame: pd.DataFrame, file_name: str) -> None:
        self.frame = frame
        self.file = file_name
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, column: str, problem: str | pd.Series, fix: str | pd.Series) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        part = pd.DataFrame(
            {
                "file": self.file,
                "row": self.frame.loc[mask, "row"].astype(int),
                "column": column,
                "value": self.frame.loc[mask, column].astype(str) if column in self.frame else "",
                "problem": problem[mask] if isinstance(problem, pd.Series) else problem,
                "fix": fix[mask] if isinstance(fix, pd.Series) else fix,
            }
        )
        self.parts.append(part)

    def result(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=PROBLEM_COLUMNS)
        return pd.concat(self.parts, ignore_index=True).sort_values(["row", "column"], kind="stable")


def _parse_numbers(text: pd.Series) -> pd.DataFrame:
    """Split number cells into value, decimals shown, and whether £ or % was written.

    Plain numbers ("123", "-4.5") take a vectorised path; only the other cells go through
    the full pattern (thousands separators, £, %).
    """
    text = text.astype(str)
    plain = text.str.fullmatch(r"-?\d+(?:\.\d+)?").fillna(False).astype(bool)
    number = pd.to_numeric(text.where(plain), errors="coerce").astype(float)
    dot = text.where(plain).str.find(".")
    decimals = (text.str.len() - dot - 1).where(dot.fillna(-1) >= 0, 0).fillna(0).astype(int)
    gbp = pd.Series(False, index=text.index)
    pct = pd.Series(False, index=text.index)
    rest = text.ne("") & ~plain
    if rest.any():
        parts = text[rest].str.extract(_NUMBER)
        value = pd.to_numeric(parts["num"].str.replace(",", "", regex=False), errors="coerce").astype(float)
        number[rest] = value.where(parts["neg"].isna(), -value)
        shown = parts["d1"].fillna(parts["d2"]).fillna(parts["d3"]).str.len().fillna(0).astype(int)
        decimals[rest] = shown
        gbp[rest] = parts["gbp"].notna()
        pct[rest] = parts["pct"].notna()
    return pd.DataFrame({"number": number, "decimals": decimals, "gbp": gbp, "pct": pct})


def _periods(frame: pd.DataFrame, checks: _Checks, today: dt.date) -> pd.Series:
    """Parse each distinct period label once; add period_type, period_start, period_label."""
    codes, labels = pd.factorize(frame["period"])  # parse each distinct label once, then index
    parsed, errors = {}, {}
    for label in labels:
        try:
            parsed[label] = parse_period(label)
        except PeriodError as exc:
            errors[label] = str(exc)

    def spread(values: list) -> np.ndarray:
        return np.asarray(values, dtype=object)[codes]

    found = [parsed.get(label) for label in labels]
    bad = pd.Series(spread([label in errors for label in labels]).astype(bool), index=frame.index)
    frame["period_type"] = spread([p.freq.value if p else None for p in found])
    frame["period_start"] = spread([p.start if p else None for p in found])
    frame["period_label"] = spread([p.label if p else None for p in found])
    checks.add(bad, "period", frame["period"].map(errors), "write the period as '2025/26', '2025/26 Q3' or '2025-11'")
    is_future = pd.Series(spread([bool(p and p.start > today) for p in found]).astype(bool), index=frame.index)
    checks.add(
        is_future,
        "period",
        f"the period starts after today ({today:%Y-%m-%d})",
        "check the year; perfkit stores only periods that have started",
    )
    return frame["period_type"].notna()


def _cell_numbers(frame: pd.DataFrame, ind: pd.DataFrame, checks: _Checks) -> dict[str, pd.DataFrame]:
    numbers = {}
    for column in NUMBER_COLUMNS:
        text = frame[column]
        parsed = _parse_numbers(text)
        is_code = text.str.lower().isin(list(SUPPRESSION_CODES))
        bad = text.ne("") & parsed["number"].isna() & ~is_code
        checks.add(
            bad,
            column,
            "not a number",
            "write a number such as 1234 or 45.6, a suppression code (c, x, u, z, low), or leave it blank",
        )
        is_value = column == "value"
        checks.add(
            parsed["pct"] & ~(is_value & ind["unit"].eq("%")),
            column,
            "has a % sign but " + ("the indicator is not a percentage" if is_value else "counts carry no % sign"),
            "remove the % sign, or check the indicator code",
        )
        checks.add(
            parsed["gbp"] & ~(is_value & ind["unit"].eq("GBP")),
            column,
            "has a £ sign but " + ("the indicator is not measured in GBP" if is_value else "counts carry no £ sign"),
            "remove the £ sign, or check the indicator code",
        )
        parsed["code"] = text.str.lower().where(is_code)
        numbers[column] = parsed
    return numbers


def _status(frame: pd.DataFrame, nums: dict[str, pd.DataFrame], checks: _Checks) -> tuple[pd.Series, pd.Series]:
    given = frame["status"].str.lower()
    checks.add(
        given.ne("") & ~given.isin(STATUSES),
        "status",
        "unknown status",
        f"use one of {', '.join(STATUSES)}, or leave it blank for ok",
    )
    code = nums["value"]["code"].fillna(nums["numerator"]["code"]).fillna(nums["denominator"]["code"])
    has_code = code.notna()
    has_number = pd.concat([nums[c]["number"].notna() for c in NUMBER_COLUMNS], axis=1).any(axis=1)
    code_status = code.map({k: v[0] for k, v in SUPPRESSION_CODES.items()})
    status = given.where(given.ne(""), code_status.fillna("ok"))
    checks.add(
        has_code & has_number,
        "value",
        "mixes a suppression code with numbers in the same row",
        "a suppressed row carries no numbers (they could reveal the suppressed count): blank them",
    )
    checks.add(
        has_code & given.isin(["ok", "provisional"]),
        "status",
        "status says there is a value but a cell holds a suppression code",
        "set status to suppressed or missing, or give the numbers",
    )
    checks.add(
        given.isin(["suppressed", "missing"]) & has_number,
        "status",
        "status says there is no value but numbers are given",
        "blank the numbers, or change the status",
    )
    note = frame["note"]
    reason = note.where(note.ne(""), code.map({k: v[1] for k, v in SUPPRESSION_CODES.items()}))
    reason = reason.where(~status.isin(["suppressed", "missing"]) | reason.notna(), "no reason given")
    reason = reason.where(status.ne("ok") | note.ne(""), None)
    return status, reason


def validate(
    frame: pd.DataFrame,
    catalogue: Catalogue,
    file_name: str,
    today: dt.date | None = None,
    value_tolerance: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check a frame from :func:`perfkit.ingest.read.read_table`.

    Returns
    -------
    clean, problems
        ``clean`` holds the rows with no problem, in :data:`OBSERVATION_COLUMNS` plus
        ``row``; ``problems`` one row per problem (file, row, column, value, problem, fix).

    ``value_tolerance`` widens how far a given value may be from numerator / denominator
    (default: half a unit of the last decimal written), for publishers that round counts.
    """
    today = today or dt.date.today()
    text = [c for c in frame.columns if c != "row"]
    frame = frame.copy()
    frame[text] = frame[text].apply(lambda s: s.astype(str).str.replace("\u00a0", " ", regex=False).str.strip())
    frame["row"] = frame["row"].astype(int)
    frame["indicator"] = frame["indicator"].str.upper()
    checks = _Checks(frame, file_name)

    cat = catalogue.to_frame().set_index("indicator")
    known = frame["indicator"].isin(cat.index)
    checks.add(~known, "indicator", "unknown indicator", "use a code from `perfkit indicators`, or add it to params/indicators/")
    ind = cat[["unit", "frequency", "multiplier"]].reindex(frame["indicator"]).reset_index(drop=True)
    ind.index = frame.index

    for column, fix in (("area_code", "give the area's code, e.g. E08000009"), ("area_name", "give the area's name")):
        checks.add(frame[column].eq(""), column, "is blank", fix)
    checks.add(
        frame["area_code"].ne("") & ~frame["area_code"].str.fullmatch(r"[A-Za-z0-9_\-]{1,24}"),
        "area_code",
        "has characters an area code does not",
        "use letters, digits, '-' or '_' only",
    )
    names = frame.loc[frame["area_code"].ne(""), ["area_code", "area_name"]].drop_duplicates()
    clash = frame["area_code"].isin(names.loc[names["area_code"].duplicated(), "area_code"])
    checks.add(clash, "area_name", "the same area code has different names in this file", "use one name per area code")

    has_period = _periods(frame, checks, today)
    freq = ind["frequency"].map({"monthly": "month", "quarterly": "quarter", "annual": "year"})
    period_type = frame["period_type"]
    checks.add(
        known & has_period & period_type.ne(freq),
        "period",
        "is a " + period_type.astype(object).fillna("?").astype(str) + " but " + frame["indicator"] + " is " + ind["frequency"].fillna("?").astype(str),
        "give a period of the indicator's frequency",
    )

    nums = _cell_numbers(frame, ind, checks)
    status, reason = _status(frame, nums, checks)
    value, num, den = (nums[c]["number"] for c in NUMBER_COLUMNS)
    multiplier = ind["multiplier"].astype(float)
    live = status.isin(["ok", "provisional"])
    checks.add(
        live & frame["value"].eq("") & (num.isna() | den.isna()),
        "value",
        "no value, and no numerator and denominator to compute one",
        "give a value (or both numerator and denominator), or set status to missing with a note",
    )
    checks.add(num.notna() & den.isna(), "denominator", "a numerator without a denominator", "give both, or neither")
    checks.add(den.notna() & num.isna() & value.isna(), "numerator", "a denominator without a numerator", "give both, or neither")
    for column, series in (("numerator", num), ("denominator", den)):
        checks.add(series < 0, column, "is negative", "counts cannot be below zero")
    checks.add(
        ind["unit"].eq("%") & (num > den),
        "numerator",
        "is larger than the denominator, which a percentage cannot be",
        "check the two counts have not been swapped",
    )
    computed = (num / den.where(den != 0)) * multiplier
    shown = nums["value"]["decimals"]
    tolerance = 0.5 * np.power(10.0, -shown) + 1e-9
    if value_tolerance is not None:  # a publisher that rounds its counts (DfE: to the nearest 10)
        tolerance = np.maximum(tolerance, value_tolerance + 1e-9)
    checks.add(
        value.notna() & computed.notna() & ((value - computed).abs() > tolerance),
        "value",
        "does not match numerator / denominator (" + computed.round(3).astype(str) + ")",
        "correct the value or the counts, or leave the value blank to have it computed",
    )
    checks.add(
        value.notna() & den.eq(0),
        "value",
        "a value is given but the denominator is zero",
        "leave the value blank: there is no rate when nothing was counted",
    )
    bounds = {u.value: u.bounds for u in Unit}
    low = ind["unit"].map({u: np.nan if b[0] is None else b[0] for u, b in bounds.items()}).astype(float)
    high = ind["unit"].map({u: np.nan if b[1] is None else b[1] for u, b in bounds.items()}).astype(float)
    checks.add(value < low, "value", "is below zero, which this unit cannot be", "check the sign")
    checks.add(value > high, "value", "is above 100, which a percentage cannot be", "check the value")

    key = ["indicator", "area_code", "period_label"]
    first_row = frame.groupby(key, sort=False)["row"].transform("first")
    checks.add(
        frame.duplicated(key, keep="first"),
        "period",
        "the same indicator, area and period appear more than once; first on row " + first_row.astype(str),
        "keep one row for each indicator, area and period",
    )

    zero_den = den.eq(0) & live
    final_value = value.where(value.notna(), computed)
    status = status.where(~zero_den, "missing")
    reason = reason.where(~zero_den, "denominator is zero: nothing was counted")
    problems = checks.result()
    clean = pd.DataFrame(
        {
            "row": frame["row"],
            "indicator": frame["indicator"],
            "area_code": frame["area_code"],
            "period_type": period_type,
            "period_start": frame["period_start"],
            "period": frame["period_label"],
            "area_name": frame["area_name"],
            "value": final_value,
            "numerator": num,
            "denominator": den,
            "status": status,
            "status_reason": reason,
            "commentary": frame["commentary"].replace("", None),
            "actions": frame["actions"].replace("", None),
        }
    )
    clean = clean[~clean["row"].isin(problems["row"])].reset_index(drop=True)
    return clean[["row", *OBSERVATION_COLUMNS]], problems.reset_index(drop=True)

