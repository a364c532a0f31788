"""Source mappings: read a published statistics file into perfkit's canonical layout.

A mapping (YAML under ``params/sources/``) says which layout the file has, which columns
hold the area, the period (and how to read it) and, for each indicator, its value,
numerator and denominator columns. Alternatives are tried in order, so a mapping survives
a release that renames a column. The result goes through the same validation, revision and
atomicity rules as any other import. See README, "Adding a published dataset".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from perfkit.config.yaml import read_model
from perfkit.errors import IngestError, PeriodError
from perfkit.ingest.read import KNOWN, read_raw, read_table
from perfkit.periods import parse_period

__all__ = ["IndicatorMap", "SourceMapping", "apply_mapping", "load_mapping"]

Columns = list[str]


class IndicatorMap(BaseModel):
    """Where one indicator's figures are in the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    value: Columns = Field(default_factory=list)
    numerator: Columns = Field(default_factory=list)
    denominator: Columns = Field(default_factory=list)
    where: dict[str, str] = Field(default_factory=dict)  # keep rows whose column equals the text


class AreaColumns(BaseModel):
    """The columns naming an area (alternatives in order)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: Columns
    name: Columns


class SourceMapping(BaseModel):
    """How to read one family of published files."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    layout: Literal["ees", "lginform", "canonical"]
    description: str = ""
    period: Columns = Field(default_factory=lambda: ["period"])
    period_rule: Literal["label", "year_ending_march", "year_starting_april"] = "label"
    level_column: str | None = None  # EES: geographic_level
    levels: dict[str, AreaColumns] = Field(default_factory=dict)  # level value -> its area columns
    area: AreaColumns | None = None  # layouts without levels
    stable_code: str | None = None  # EES: old_la_code, the DfE number that survives reorganisations
    attributes: dict[str, Columns] = Field(default_factory=dict)  # area facts to keep, e.g. region
    value_tolerance: float | None = Field(default=None, ge=0)  # when the publisher rounds its counts
    #: true: a value that disagrees with its own counts refuses the row (as for an owner's
    #: file); false (the default): it is stored as published, flagged counts_disagree
    strict: bool = False
    #: what a blank value cell (with no counts) means: refuse the row (the default), or
    #: "missing": store it as missing, noted "blank in the published file"
    blank: Literal["refuse", "missing"] = "refuse"
    #: the publisher's release date of the file this mapping reads (a mapping kept for one release);
    #: `perfkit ingest --released` gives it per import (README, "Latest available")
    released: dt.date | None = None
    indicators: list[IndicatorMap] = Field(default_factory=list)


def load_mapping(path: str | Path) -> SourceMapping:
    """Read and check a mapping file."""
    return read_model(Path(path), SourceMapping, "source mapping", "describes how to read a published file")


def _pick(frame: pd.DataFrame, options: Columns, path: Path, what: str) -> pd.Series:
    for name in options:
        if name in frame.columns:
            return frame[name]
    raise IngestError(
        f"{path.name}: row 1: none of the columns {options} for {what} is in the file "
        f"(it has {', '.join(frame.columns[1:12])}...); add this release's column name to the mapping's list"
    )


def _period_labels(raw: pd.Series, rule: str) -> pd.Series:
    labels = {}
    for text in raw.unique():
        try:
            labels[text] = parse_period(text, year_rule=None if rule == "label" else rule).label
        except PeriodError:
            labels[text] = text  # left as it is: validation reports it with its row
    return raw.map(labels)


def _areas(frame: pd.DataFrame, mapping: SourceMapping, path: Path) -> pd.DataFrame:
    """Area code and name of each row; rows of other geographic levels are dropped."""
    if mapping.levels:
        level = _pick(frame, [mapping.level_column or "geographic_level"], path, "the geographic level")
        parts = []
        for value, cols in mapping.levels.items():
            rows = frame[level == value]
            parts.append(pd.DataFrame({"area_code": _pick(rows, cols.code, path, f"{value} codes"), "area_name": _pick(rows, cols.name, path, f"{value} names"), "level": value}))
        return pd.concat(parts)
    if mapping.area is None:
        raise IngestError(f"{path.name}: the mapping {mapping.name!r} names no area columns (area: or levels:)")
    return pd.DataFrame({"area_code": _pick(frame, mapping.area.code, path, "area codes"), "area_name": _pick(frame, mapping.area.name, path, "area names"), "level": ""})


def _one_series(frame: pd.DataFrame, areas: pd.DataFrame, periods: pd.Series, mapping: SourceMapping, path: Path) -> pd.DataFrame:
    """Give every row of one stable code (DfE number) the area code of its latest period."""
    if not mapping.stable_code:
        return areas
    stable = _pick(frame, [mapping.stable_code], path, "the stable area code").reindex(areas.index)
    has = stable.fillna("").ne("")
    order = periods.reindex(areas.index).map(lambda p: parse_period(p).start if _parses(p) else pd.NaT)
    latest = areas[has].assign(stable=stable[has], when=order[has]).sort_values("when").groupby("stable").last()
    areas = areas.copy()
    areas.loc[has, "area_code"] = stable[has].map(latest["area_code"])
    areas.loc[has, "area_name"] = stable[has].map(latest["area_name"])
    return areas


def _parses(text: str) -> bool:
    try:
        parse_period(text)
        return True
    except PeriodError:
        return False


def _attributes(frame: pd.DataFrame, areas: pd.DataFrame, original: pd.Series, mapping: SourceMapping, path: Path) -> pd.DataFrame:
    """Area facts to keep: every code an area had (ONS, DfE number) and the mapped attributes."""
    parts = [pd.DataFrame({"area_code": areas["area_code"], "key": "code", "value": original})]
    if mapping.stable_code:
        parts.append(pd.DataFrame({"area_code": areas["area_code"], "key": "dfe_number", "value": frame[mapping.stable_code].reindex(areas.index)}))
    parts.append(pd.DataFrame({"area_code": areas["area_code"], "key": "level", "value": areas["level"]}))
    for key, options in mapping.attributes.items():
        parts.append(pd.DataFrame({"area_code": areas["area_code"], "key": key, "value": _pick(frame, options, path, key).reindex(areas.index)}))
    out = pd.concat(parts, ignore_index=True)
    return out[out["value"].fillna("").ne("") & out["area_code"].fillna("").ne("")].drop_duplicates().reset_index(drop=True)


def _cells(frame: pd.DataFrame, options: Columns, path: Path, what: str) -> pd.Series:
    return _pick(frame, options, path, what) if options else pd.Series("", index=frame.index)


def apply_mapping(path: str | Path, mapping: SourceMapping, codes: set[str] = frozenset()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read ``path`` with ``mapping``.

    Returns the canonical text frame (one row per source row and indicator, with the source
    row numbers) and the area attributes (area_code, key, value). Published cell codes
    (c, x, u, z, low) are kept: when any of an indicator's cells holds one, the row is
    stored with that code's status and no numbers.
    """
    path = Path(path)
    frame = read_raw(path) if mapping.layout != "canonical" else None
    if mapping.layout == "canonical":
        return read_table(path), pd.DataFrame(columns=["area_code", "key", "value"])
    periods = _period_labels(_pick(frame, mapping.period, path, "the period"), mapping.period_rule)
    areas = _areas(frame, mapping, path)
    original = areas["area_code"].copy()
    areas = _one_series(frame, areas, periods, mapping, path)
    parts = []
    for ind in mapping.indicators:
        rows = frame.loc[areas.index]
        keep = pd.Series(True, index=rows.index)
        for column, text in ind.where.items():
            keep &= _pick(rows, [column], path, column).str.strip().eq(text)
        rows = rows[keep]
        cells = {k: _cells(rows, getattr(ind, k), path, f"{ind.code} {k}").str.strip() for k in ("value", "numerator", "denominator")}
        codes = {k: cells[k].str.lower().where(cells[k].str.lower().isin(["c", "x", "u", "z", "low"]), "") for k in cells}
        count_code = codes["numerator"].where(codes["numerator"].ne(""), codes["denominator"])
        # a coded value: the row is suppressed or missing; a coded count beside a published
        # value: keep the value, drop both counts (one alone cannot be used), say why
        coded = codes["value"].ne("") | (count_code.ne("") & cells["value"].eq(""))
        counts_hidden = ~coded & count_code.ne("")
        part = pd.DataFrame(
            {
                "row": rows["row"],
                "indicator": ind.code,
                "area_code": areas.loc[rows.index, "area_code"],
                "area_name": areas.loc[rows.index, "area_name"],
                "period": periods.loc[rows.index],
                "value": cells["value"].where(~coded, codes["value"].where(codes["value"].ne(""), count_code)),
                "numerator": cells["numerator"].where(~(coded | counts_hidden), ""),
                "denominator": cells["denominator"].where(~(coded | counts_hidden), ""),
                "note": ("counts not published (" + count_code + ")").where(counts_hidden, ""),
            }
        )
        if mapping.blank == "missing":  # the publisher's "no data": stored as missing, saying so
            blank = cells["value"].eq("") & cells["numerator"].eq("") & cells["denominator"].eq("")
            part.loc[blank, ["status", "note"]] = ["missing", "blank in the published file"]
        parts.append(part)
    if not parts:
        raise IngestError(f"{path.name}: the mapping {mapping.name!r} lists no indicators")
    out = pd.concat(parts, ignore_index=True)
    for column in KNOWN:
        if column not in out:
            out[column] = ""
    out = out.fillna("")
    return out[["row", *KNOWN]], _attributes(frame, areas, original, mapping, path)
