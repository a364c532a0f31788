"""Open data beside a public paper: its scorecard's figures as CSV, with a data dictionary.

``perfkit build --format csv`` writes ``<report>.csv`` and ``<report>-dictionary.csv`` for a
directorate paper whose params say ``status: public``, from the records its scorecard output
carries (the same assessment the paper shows, read from the executed notebook, never
computed again), after disclosure control: a withheld figure is blank with the status "suppressed",
so no small number can be recovered. An internal paper's figures are never written.

Each figure is written as the paper shows it, so the CSV reads figure for figure as its
scorecard: the value rounded half-up at the decimals the paper shows it with (the indicator's,
or more beside a target where rounding would hide a miss: 94.98), the target at the
indicator's decimals, counts as stored, never a float's noise (26.8, not 26.753731343283583).
Every cell is spreadsheet-safe (:mod:`perfkit.spreadsheet`): text that could run as a formula
is neutralised, and a figure is a plain number a spreadsheet reads as one.
"""

from __future__ import annotations

import pandas as pd

from perfkit.contract import OPEN_DATA_MIME
from perfkit.formatting import plain_number, shown_number
from perfkit.spreadsheet import csv_bytes

__all__ = ["DICTIONARY", "open_data", "open_data_files", "open_data_records"]

#: The open-data columns and what each means (the data dictionary).
DICTIONARY = [
    ("indicator", "The indicator's code in the council's catalogue."),
    ("title", "What the indicator measures."),
    ("period", "The period the figure is for: a financial year (2025/26), a quarter (2025/26 Q2) or a month (2025-11)."),
    ("value", "The figure as the paper shows it, in the unit shown: rounded half-up at the indicator's decimals, or with the "
              "extra decimals the paper shows where rounding would hide a miss of the target (94.98 beside 95.0); blank where "
              "it is withheld or missing."),
    ("unit", "The unit: %, count, days, weeks, GBP, score, or a rate per 1,000 / 10,000 / 100,000."),
    ("numerator", "For a percentage, rate or average: the count it is worked out from, as returned (blank where withheld)."),
    ("denominator", "For a percentage, rate or average: the count it is out of, as returned (blank where withheld)."),
    ("status", "ok; provisional (may be revised); suppressed (withheld: a small number that could identify people); missing."),
    ("status_reason", "Why a figure is provisional, suppressed or missing."),
    ("polarity", "Which way is better: higher, lower, or neutral (neither)."),
    ("target", "The target for the period, in the same unit, at the indicator's decimals as the paper shows it (blank where none is set)."),
    ("rag", "The exact figure against its target: green (met), amber (missed by no more than the tolerance), red, "
            "off target (a withheld figure that misses its target whatever its value), no target, "
            "withheld (the rating would reveal a withheld figure), no data."),
    ("direction", "Direction of travel on the previous period: improved, no significant change, worsened (up or down for neutral "
                  "indicators), withheld, not comparable."),
    ("previous_period", "The period the direction of travel compares with."),
    ("rank", "The council's rank in its comparator group (1 is best), where the group can be compared, on the figures as "
             "published (rounded half-up at the decimals shown). Blank for a neutral indicator (polarity neutral): "
             "neither end is better, so it has a position (e.g. 3rd highest), not a rank."),
    ("rank_tied", "How many authorities share the rank, their figures reading the same (1 where the rank is not shared; "
                  "a shared rank is written 'joint'). Blank where there is no rank."),
    ("rank_of", "How many authorities were compared."),
    ("rank_period", "The period the rank is for: the latest the whole group can be compared for (a withheld figure is never ranked)."),
    ("comparator_group", "The comparator group's code (see the council's params/comparators/)."),
]


def open_data_records(card: pd.DataFrame) -> list[dict]:
    """A public paper's scorecard as open-data records (JSON-ready), after disclosure control:
    what the paper's notebook carries in its scorecard's output for :func:`open_data`. Figures
    are the text of the numbers the paper shows (:func:`perfkit.formatting.shown_number`)."""
    card = card.copy()
    card["period"] = card["period"].map(lambda p: p.label)
    card["direction"] = card["direction_previous"]
    card["previous_period"] = card["previous_period"].map(lambda p: p.label)
    card["rank_period"] = card["rank_period"].map(lambda p: getattr(p, "label", p))
    held = card["status"].eq("suppressed")
    card.loc[held, ["value", "numerator", "denominator"]] = None  # withheld: never a figure beside the word
    shown = card["value_decimals"].fillna(card["decimals"]) if "value_decimals" in card else card["decimals"]
    number = lambda v: None if pd.isna(v) else float(v)  # noqa: E731
    card["value"] = [shown_number(number(v), int(d)) for v, d in zip(card["value"], shown, strict=True)]
    card["target"] = [shown_number(number(v), int(d)) for v, d in zip(card["target"], card["decimals"], strict=True)]
    for column in ("numerator", "denominator"):
        card[column] = card[column].map(lambda v: plain_number(number(v)))
    frame = card[[name for name, _ in DICTIONARY]].astype(object)
    unranked = pd.to_numeric(frame["rank_of"]).fillna(0).eq(0)
    frame.loc[unranked, ["rank", "rank_tied", "rank_of", "rank_period"]] = None
    frame.loc[frame["polarity"].eq("neutral"), ["rank", "rank_tied"]] = None  # a position, not a rank where 1 is best
    for column in ("rank", "rank_tied", "rank_of"):
        frame[column] = frame[column].map(lambda v: None if v is None or pd.isna(v) else int(v))
    return [{k: (None if v is None or (isinstance(v, float) and v != v) else v) for k, v in r.items()} for r in frame.to_dict("records")]


def open_data(nb) -> tuple[bytes, bytes] | None:  # noqa: ANN001 - an executed notebook
    """The open-data CSV and its dictionary from an executed paper (the records its scorecard
    output carries), or None for a paper that has none (an internal paper, another report)."""
    records = next((out["data"][OPEN_DATA_MIME] for cell in nb.cells for out in cell.get("outputs", [])
                    if OPEN_DATA_MIME in out.get("data", {})), None)
    return None if records is None else open_data_files(records)


def open_data_files(records: list[dict]) -> tuple[bytes, bytes]:
    """Open-data records as the CSV and its data dictionary, spreadsheet-safe: each figure as
    its record writes it ('68.0', '94.98', '511'), a number recorded as a number without noise."""
    frame = pd.DataFrame.from_records(records, columns=[name for name, _ in DICTIONARY]).astype(object)
    frame = frame.where(frame.notna(), None)
    for column in ("value", "numerator", "denominator", "target", "rank", "rank_tied", "rank_of"):
        frame[column] = frame[column].map(lambda v: v if v is None or isinstance(v, str) else plain_number(v))
    return csv_bytes(frame), csv_bytes(pd.DataFrame(DICTIONARY, columns=["column", "meaning"]))
