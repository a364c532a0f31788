"""Comparator groups from files: DfE statistical neighbours and simple lists.

The DfE file (``New_Statistical_Neighbour_Groupings_April_2021.csv``) has a byte-order
mark, ten ``SNn``/``SNP`` column pairs (the repeated ``SNP`` header is each neighbour's
closeness), a trailing comma, and rows for authorities that no longer exist ("Poole (Pre
LG)"). It is keyed by the 3-digit DfE number, which the store links to area codes through
the ``dfe_number`` attribute kept when DfE data is ingested.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from perfkit.catalogue import ComparatorGroup
from perfkit.errors import ConfigError

__all__ = ["group_from_list", "load_statistical_neighbours", "neighbour_group"]


def load_statistical_neighbours(path: str | Path) -> pd.DataFrame:
    """One row per authority and neighbour: la_number, la_name, region, rank, neighbour, closeness, pre_lg.

    ``pre_lg`` marks the groups listed under "Old SNs:" (authorities before reorganisation).
    """
    path = Path(path)
    try:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the statistical neighbour file: {exc}") from None
    header = [h.strip() for h in rows[0]]
    expected = ["LA num", "LA Name", "LA number", "GOInd", "GOReg"]
    if header[:5] != expected or header[5:7] != ["SN1", "SNP"]:
        raise ConfigError(f"{path}: row 1: expected the DfE layout {expected + ['SN1', 'SNP', '...']}, found {header[:7]}")
    records, old = [], False
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        la, name, region = row[0].strip(), row[1].strip(), row[4].strip()
        if not la and name.lower().startswith("old sn"):
            old = True  # "Old SNs:": the groups of authorities before reorganisation follow
            continue
        if not la.isdigit():
            raise ConfigError(f"{path}: row {number}, column 'LA num': {la!r} is not a DfE number")
        for rank in range(1, 11):
            neighbour, closeness = row[3 + 2 * rank].strip(), row[4 + 2 * rank].strip()
            if neighbour:
                records.append((la, name, region, rank, neighbour, closeness, old or "(Pre LG)" in name))
    return pd.DataFrame(records, columns=["la_number", "la_name", "region", "rank", "neighbour", "closeness", "pre_lg"])


def neighbour_group(neighbours: pd.DataFrame, dfe_numbers: pd.DataFrame, area_code: str) -> ComparatorGroup:
    """The statistical neighbours of ``area_code`` as area codes.

    ``dfe_numbers`` maps area_code to DfE number (``Store.area_attributes("dfe_number")``
    gives it as area_code, key, value).
    """
    number_of = dict(zip(dfe_numbers["area_code"], dfe_numbers["value"]))
    code_of = {v: k for k, v in number_of.items()}
    if area_code not in number_of:
        raise ConfigError(f"area {area_code} has no DfE number in the store; ingest a DfE file with its mapping first")
    mine = neighbours[neighbours["la_number"] == number_of[area_code]].sort_values("rank")
    if mine.empty:
        raise ConfigError(f"DfE number {number_of[area_code]} ({area_code}) is not in the statistical neighbour file")
    members = {code_of[n]: n for n in mine["neighbour"] if n in code_of}
    return ComparatorGroup(code=f"dfe_sn_{number_of[area_code]}", name=f"Statistical neighbours of {mine['la_name'].iloc[0]}", members=members)


def group_from_list(path: str | Path) -> ComparatorGroup:
    """A group from a CSV with area_code and area_name columns (e.g. CIPFA nearest neighbours)."""
    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip().lower().replace(" ", "_") for c in frame.columns]
    if not {"area_code", "area_name"} <= set(frame.columns):
        raise ConfigError(f"{path}: row 1: a group list needs area_code and area_name columns, found {list(frame.columns)}")
    code = path.stem.lower().replace("-", "_")
    return ComparatorGroup(code=code, name=path.stem.replace("_", " "), members=dict(zip(frame["area_code"].str.strip(), frame["area_name"].str.strip())))
