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

from perfkit import geography
from perfkit.config.yaml import read_model
from perfkit.errors import IngestError, PeriodError
from perfkit.ingest.denominators import DenominatorFrom, from_other_rows
from perfkit.ingest.read import KNOWN, read_raw, read_table
from perfkit.periods import parse_period

__all__ = ["REFUSED_COLUMNS", "IndicatorMap", "SourceMapping", "apply_mapping", "load_mapping"]

#: A source row refused as a whole (a joint return), once, whatever the indicators mapped from it.
REFUSED_COLUMNS = ["row", "column", "value", "problem", "fix"]

Columns = list[str]


class IndicatorMap(BaseModel):
    """Where one indicator's figures are in the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    value: Columns = Field(default_factory=list)
    numerator: Columns = Field(default_factory=list)
    denominator: Columns = Field(default_factory=list)
    lower: Columns = Field(default_factory=list)  # the 95% confidence interval's lower limit (Fingertips: lower_ci_95.0_limit)
    upper: Columns = Field(default_factory=list)  # and its upper limit
    compared: Columns = Field(default_factory=list)  # the publisher's judgement against England, by the interval
    note: Columns = Field(default_factory=list)  # the publisher's note on the row, kept as the row's note
    where: dict[str, str] = Field(default_factory=dict)  # keep rows whose column equals the text
    denominator_from: DenominatorFrom | None = None  # another row's, or a stored indicator's (perfkit.ingest.denominators)


class AreaColumns(BaseModel):
    """The columns naming an area (alternatives in order)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: Columns
    name: Columns


class SourceMapping(BaseModel):
    """How to read one family of published files."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    layout: Literal["ees", "lginform", "fingertips", "oflog", "canonical"]  # the publisher's layout (all but canonical are mapped)
    description: str = ""
    period: Columns = Field(default_factory=lambda: ["period"])
    #: how the period column is read: "label" (perfkit's labels), a bare year as a financial year
    #: ("year_ending_march": DfE's 2025 is 2024/25; "year_starting_april"), or every period as a
    #: published kind of its own (README, "Period kinds"): "calendar_year" (Fingertips' 2015),
    #: "academic_year" (2024/25, EES's 202425) or "as_at" (a day: 2025-09-30, 30/09/2025)
    period_rule: Literal["label", "year_ending_march", "year_starting_april", "calendar_year", "academic_year", "as_at"] = "label"
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
            labels[text] = parse_period(text, year_rule=None if rule == "label" else rule).text  # read back by validation
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
            code = _pick(rows, cols.code, path, f"{value} codes")
            parts.append(pd.DataFrame({"area_code": code, "area_name": _pick(rows, cols.name, path, f"{value} names"), "level": value, "code_column": code.name}))
        return pd.concat(parts)
    if mapping.area is None:
        raise IngestError(f"{path.name}: the mapping {mapping.name!r} names no area columns (area: or levels:)")
    code = _pick(frame, mapping.area.code, path, "area codes")
    return pd.DataFrame({"area_code": code, "area_name": _pick(frame, mapping.area.name, path, "area names"), "level": "", "code_column": code.name})


def _current_codes(areas: pd.DataFrame, periods: pd.Series) -> pd.DataFrame:
    """A recoded authority's rows under the code it has now (perfkit's lookup: Sheffield's
    E08000019 is E08000039 from 1 May 2025), named as the file names that code in its latest
    period, so the authority is one series whichever code a release uses."""
    now = areas["area_code"].map(lambda c: geography.current_code(c) if isinstance(c, str) else None)
    moved = now.notna()
    if not moved.any():
        return areas
    areas = areas.copy()
    areas.loc[moved, "area_code"] = now[moved]
    touched = areas["area_code"].isin(set(now[moved]))
    order = periods.reindex(areas.index).map(lambda p: parse_period(p).start if _parses(p) else pd.NaT)
    latest = areas[touched].assign(when=order[touched]).sort_values("when", na_position="first").groupby("area_code")["area_name"].last()
    areas.loc[touched, "area_name"] = areas.loc[touched, "area_code"].map(latest)
    return areas


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
    """Area facts to keep: every code an area had (ONS, DfE number), the codes its rows were
    published under when stored under another (``original_code``), what followed an authority
    that was split or merged (``successor``), its region with where that came from, and the
    mapped attributes."""
    codes = areas["area_code"]
    parts = [pd.DataFrame({"area_code": codes, "key": "code", "value": original})]
    moved = original.ne(codes)
    parts.append(pd.DataFrame({"area_code": codes[moved], "key": "original_code", "value": original[moved]}))
    found = codes.map(geography.authority)
    ended = found.map(lambda a: bool(a and a.successors))
    parts.append(pd.DataFrame({"area_code": codes[ended], "key": "successor", "value": found[ended].map(lambda a: a.note)}))
    if mapping.stable_code:
        parts.append(pd.DataFrame({"area_code": codes, "key": "dfe_number", "value": frame[mapping.stable_code].reindex(areas.index)}))
    parts.append(pd.DataFrame({"area_code": codes, "key": "level", "value": areas["level"]}))
    parts += _regions(frame, areas, found, mapping, path)
    for key, options in mapping.attributes.items():
        if key != "region":
            parts.append(pd.DataFrame({"area_code": codes, "key": key, "value": _pick(frame, options, path, key).reindex(areas.index)}))
    out = pd.concat(parts, ignore_index=True)
    return out[out["value"].fillna("").ne("") & out["area_code"].fillna("").ne("")].drop_duplicates().reset_index(drop=True)


def _regions(frame: pd.DataFrame, areas: pd.DataFrame, found: pd.Series, mapping: SourceMapping, path: Path) -> list[pd.DataFrame]:
    """Each authority's region: the lookup's for an authority it holds, whatever the file says;
    else the file's ``region`` attribute read as the lookup reads it (Inner or Outer London is
    London, a county's code its region). ``region_source`` records which ("lookup", or
    "file <name>, column <column>"); a file's region that differs is kept as ``region_as_published``."""
    codes = areas["area_code"]
    options = mapping.attributes.get("region")
    published = _pick(frame, options, path, "region").reindex(areas.index).fillna("").str.strip() if options else pd.Series("", index=areas.index)
    column = _pick(frame, options, path, "region").name if options else ""
    from_file = published.map(geography.resolve_region)
    region = found.map(lambda a: a.region_code if a else None).where(found.notna(), from_file)
    # a region's or England's own rows are no authority's
    is_area = ~codes.map(lambda c: geography.resolve_region(c) is not None and not geography.authority(c)) & codes.ne("E92000001")
    has = region.notna() & is_area
    where = found.notna().map({True: "lookup", False: f"file {path.name}, column {column}"})
    differs = has & published.ne("") & published.ne(region)
    return [pd.DataFrame({"area_code": codes[has], "key": "region", "value": region[has]}),
            pd.DataFrame({"area_code": codes[has], "key": "region_source", "value": where[has]}),
            pd.DataFrame({"area_code": codes[differs], "key": "region_as_published", "value": published[differs]})]


def _cells(frame: pd.DataFrame, options: Columns, path: Path, what: str) -> pd.Series:
    return _pick(frame, options, path, what) if options else pd.Series("", index=frame.index)


def _joined(ours: pd.Series, theirs: pd.Series) -> pd.Series:
    """perfkit's note and the publisher's, '; ' between them where both are given."""
    return ours + ("; " + theirs).where(ours.ne("") & theirs.ne(""), theirs)


def apply_mapping(path: str | Path, mapping: SourceMapping, codes: set[str] = frozenset()) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read ``path`` with ``mapping``.

    Returns the canonical text frame (one row per source row and indicator, with the source
    row numbers), the area attributes (area_code, key, value) and the source rows refused as
    a whole (:data:`REFUSED_COLUMNS`). Published cell codes (c, x, u, z, low) are kept: when
    any of an indicator's cells holds one, the row is stored with that code's status and no
    numbers. A recoded authority's rows take its current code (one series); a joint return
    ("E06000061 / E06000062") is one canonical row (its first mapped indicator's), so it is
    refused once, and listed among the refused rows with why.
    """
    path = Path(path)
    frame = read_raw(path) if mapping.layout != "canonical" else None
    if mapping.layout == "canonical":
        return read_table(path), pd.DataFrame(columns=["area_code", "key", "value"]), pd.DataFrame(columns=REFUSED_COLUMNS)
    periods = _period_labels(_pick(frame, mapping.period, path, "the period"), mapping.period_rule)
    areas = _areas(frame, mapping, path)
    original = areas["area_code"].copy()
    areas = _one_series(frame, _current_codes(areas, periods), periods, mapping, path)
    joint = areas["area_code"].fillna("").map(geography.is_joint)
    parts, joints = [], []
    for ind in mapping.indicators:
        rows = frame.loc[areas.index]
        keep = pd.Series(True, index=rows.index)
        for column, text in ind.where.items():
            keep &= _pick(rows, [column], path, column).str.strip().eq(text)
        rows = rows[keep]
        cells = {k: _cells(rows, getattr(ind, k), path, f"{ind.code} {k}").str.strip()
                 for k in ("value", "numerator", "denominator", "lower", "upper", "compared", "note")}
        if ind.denominator_from and ind.denominator_from.where:  # the denominator is another row's
            keys = pd.DataFrame({"area_code": areas["area_code"], "period": periods.loc[areas.index]})
            cells["denominator"] = from_other_rows(frame.loc[areas.index], keys, ind.code, ind.where | ind.denominator_from.where,
                                                   ind.denominator, rows.index, path)
        codes = {k: cells[k].str.lower().where(cells[k].str.lower().isin(["c", "x", "u", "z", "low"]), "") for k in ("value", "numerator", "denominator")}
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
                "ci_lower": cells["lower"].where(~coded, ""),
                "ci_upper": cells["upper"].where(~coded, ""),
                "compared": cells["compared"].where(~coded, ""),
                "note": _joined(("counts not published (" + count_code + ")").where(counts_hidden, ""), cells["note"]),
            }
        )
        if mapping.blank == "missing":  # the publisher's "no data": stored as missing, saying so (and why, if it says)
            blank = cells["value"].eq("") & cells["numerator"].eq("") & cells["denominator"].eq("")
            part.loc[blank, "status"] = "missing"
            part.loc[blank, "note"] = _joined(pd.Series("blank in the published file", index=part.index), cells["note"])[blank]
        mixed = joint.loc[rows.index].to_numpy()
        parts.append(part[~mixed])
        joints.append(part[mixed])
    if not parts:
        raise IngestError(f"{path.name}: the mapping {mapping.name!r} lists no indicators")
    refused = pd.concat(joints, ignore_index=True).drop_duplicates("row")  # one per source row
    out = pd.concat([*parts, refused], ignore_index=True)
    for column in KNOWN:
        if column not in out:
            out[column] = ""
    out = out.fillna("")
    column_of = pd.Series(areas.loc[joint, "code_column"].to_numpy(), index=frame.loc[areas.index[joint], "row"].to_numpy())
    why = pd.DataFrame({
        "row": refused["row"], "column": refused["row"].map(column_of), "value": refused["area_code"],
        "problem": refused["area_code"].map(geography.joint_message),
        "fix": "nothing to correct: perfkit stores each authority's own figures, so this row is refused; "
               "--skip-invalid imports the rest and keeps it in the rejects file",
    }, columns=REFUSED_COLUMNS)
    return out[["row", *KNOWN]], _attributes(frame, areas[~joint], original[~joint], mapping, path), why
