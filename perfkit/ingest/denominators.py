"""A rate's denominator when it is not in the indicator's own row of a published file.

Publishers put a rate's two counts in different places. DfE's looked-after tables give the
count of children with three or more placements in one row and the "Total children" in
another row of the same file; DfE's children in need tables give counts per authority while
the child population they are rates of is ONS's, in a file of its own. A source mapping says
so with ``denominator_from`` on an indicator (README, "Adding a published dataset"):

- ``denominator_from: {where: {placement_stability: Total children}}``: the denominator is the
  indicator's ``denominator:`` column in the row of the same area and period whose columns
  match the indicator's own ``where:`` with these columns replaced;
- ``denominator_from: {indicator: ONS_POP_0_17}``: the denominator is that indicator's
  figure already in the store for the same area and period (import its file first; until
  then the indicator is left out of the import, which says so). A row with no such figure is
  stored as missing, saying why; re-import the file after the denominator's file is revised,
  as the rates are computed when they are imported.

Either way the rate is then checked and stored like any other (its value computed from the
counts, or a published value checked against them).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from perfkit.errors import IngestError

__all__ = ["DenominatorFrom", "from_other_rows", "from_store"]


class DenominatorFrom(BaseModel):
    """Where an indicator's denominator is: another row of the file, or a stored indicator."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    where: dict[str, str] = Field(default_factory=dict)  # the denominator row's columns that differ from the indicator's where
    indicator: str | None = None  # a stored indicator's figure, same area and period

    @model_validator(mode="after")
    def _one(self) -> DenominatorFrom:
        if bool(self.where) == bool(self.indicator):
            raise ValueError("give either where: (the denominator's row in the same file) or indicator: (a stored indicator), not both or neither")
        return self


def _column(frame: pd.DataFrame, name: str, path: Path, code: str) -> pd.Series:
    if name not in frame.columns:
        raise IngestError(f"{path.name}: row 1: the mapping's denominator_from for {code} names the column {name!r}, which is not in the file "
                          f"(it has {', '.join(frame.columns[1:12])}...); correct denominator_from.where in the mapping")
    return frame[name].fillna("").str.strip()


def from_other_rows(frame: pd.DataFrame, keys: pd.DataFrame, code: str, where: dict[str, str], columns: list[str],
                    rows: pd.Index, path: Path) -> pd.Series:
    """The denominator cells for ``rows`` (index labels of ``frame``) from the rows matching
    ``where`` (the indicator's own filter with ``denominator_from.where`` applied), paired on
    ``keys`` (area_code and period, indexed like ``frame``). A row with no partner gets a
    blank; two partners for one area and period are refused (the filter is too loose)."""
    keep = pd.Series(True, index=frame.index)
    for column, text in where.items():
        keep &= _column(frame, column, path, code).eq(text)
    present = [c for c in columns if c in frame.columns]
    if not present:
        raise IngestError(f"{path.name}: row 1: none of the columns {columns} for {code} denominator is in the file "
                          f"(it has {', '.join(frame.columns[1:12])}...); add this release's column name to the mapping's list")
    partners = pd.DataFrame({"area_code": keys.loc[keep[keep].index, "area_code"], "period": keys.loc[keep[keep].index, "period"],
                             "cell": frame.loc[keep[keep].index, present[0]].fillna(""), "row": frame.loc[keep[keep].index, "row"]})
    twice = partners[partners.duplicated(["area_code", "period"], keep=False)]
    if len(twice):
        first = twice.iloc[0]
        rows_named = ", ".join(str(r) for r in twice[(twice["area_code"] == first["area_code"]) & (twice["period"] == first["period"])]["row"])
        raise IngestError(f"{path.name}: rows {rows_named}: {code}'s denominator_from.where {where} matches more than one row for "
                          f"{first['area_code']} {first['period']}; add the column that tells them apart to denominator_from.where in the mapping")
    found = partners.set_index(["area_code", "period"])["cell"]
    wanted = pd.MultiIndex.from_frame(keys.loc[rows, ["area_code", "period"]])
    return pd.Series(found.reindex(wanted).fillna("").to_numpy(), index=rows)


def from_store(con: duckdb.DuckDBPyConnection, raw: pd.DataFrame, code: str, source: str, path: Path) -> tuple[pd.DataFrame, str]:
    """``raw`` (canonical text cells) with ``code``'s rows given the stored figure of ``source``
    for the same area and period as their denominator, and a note for the import's summary.

    Rows with a numerator but no such figure become missing, saying which figure is absent.
    When the store holds no ``source`` figure at all, ``code``'s rows are left out (the other
    indicators of the file are imported) and the note says what to import first; a file
    left with no rows at all is refused."""
    mine = raw["indicator"].eq(code)
    stored = con.execute(
        "SELECT area_code, period, value FROM observations WHERE indicator = ? AND status IN ('ok', 'provisional') AND value > 0", [source]
    ).df()
    if stored.empty:
        first = (f"{code} is a rate of {source} (the mapping's denominator_from), but the store holds no {source} figures: "
                 f"import the file that holds {source} first (its source mapping lists {source} under indicators:), then this file again")
        if mine.all():
            raise IngestError(f"{path.name}: {first}")
        return raw[~mine], f"{path.name}: {code} was not imported: {first}"
    mine &= raw["numerator"].ne("") & raw["value"].eq("")
    figures = stored.assign(text=stored["value"].map(lambda v: f"{v:.15g}")).set_index(["area_code", "period"])["text"]
    wanted = pd.MultiIndex.from_frame(raw.loc[mine, ["area_code", "period"]])
    found = pd.Series(figures.reindex(wanted).to_numpy(), index=raw.index[mine])
    raw = raw.copy()
    have = found.notna()
    raw.loc[have[have].index, "denominator"] = found[have]
    absent = have[~have].index
    raw.loc[absent, ["numerator", "denominator", "status"]] = ["", "", "missing"]
    raw.loc[absent, "note"] = f"no {source} figure stored for this area and period, the denominator of this rate"
    note = f"{path.name}: {len(absent)} {code} row(s) stored as missing: no {source} figure stored for their area and period" if len(absent) else ""
    return raw, note
