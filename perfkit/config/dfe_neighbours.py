"""DfE's children's services statistical neighbour files, read into one shape.

Two layouts: the 2021 groupings (``New_Statistical_Neighbour_Groupings_April_2021.csv``: a
byte-order mark, ten ``SNn``/``SNP`` column pairs where the repeated ``SNP`` header is each
neighbour's closeness, a trailing comma, and "Old SNs"/"(Pre LG)" rows for authorities before
reorganisation) and the 2025 model (``sn_model_2025_wide.csv``: ``old_la_code, la_name,
region_ind, region_name, SN_1, SN_1P .. SN_10, SN_10P``, a byte-order mark, the band "Close "
with a trailing space). Both are keyed by the 3-digit DfE number, which the store links to
area codes through the ``dfe_number`` attribute kept when DfE data is ingested
(:mod:`perfkit.config.groups`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from perfkit.errors import ConfigError

__all__ = ["is_dfe_file", "load_statistical_neighbours"]

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
    if header[:4] == _WIDE_2025:
        return _wide_2025(path, header, rows)
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


#: The DfE 2025 model's file (``sn_model_2025_wide.csv``): ``SN_k`` the k-th neighbour's DfE number, ``SN_kP`` its band.
_WIDE_2025 = ["old_la_code", "la_name", "region_ind", "region_name"]


def _wide_2025(path: Path, header: list[str], rows: list[list[str]]) -> pd.DataFrame:
    """The 2025 model's rows in :func:`load_statistical_neighbours`'s shape (no pre-reorganisation groups)."""
    where = {h: i for i, h in enumerate(header)}
    if "SN_1" not in where:
        raise ConfigError(f"{path}: row 1: expected the DfE 2025 layout {_WIDE_2025 + ['SN_1', 'SN_1P', '...']}, found {header[:6]}")
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        la = row[0].strip()
        if not la.isdigit():
            raise ConfigError(f"{path}: row {number}, column 'old_la_code': {la!r} is not a DfE number")
        for rank in range(1, 11):
            column = where.get(f"SN_{rank}")
            neighbour = row[column].strip() if column is not None and column < len(row) else ""
            if neighbour:
                band = where.get(f"SN_{rank}P")
                closeness = row[band].strip() if band is not None and band < len(row) else ""
                records.append((la, row[1].strip(), row[3].strip(), rank, neighbour, closeness, False))
    return pd.DataFrame(records, columns=["la_number", "la_name", "region", "rank", "neighbour", "closeness", "pre_lg"])


def is_dfe_file(path: Path) -> bool:
    """Whether ``path`` is a DfE statistical neighbour file (a CSV headed "LA num", or the 2025 model's "old_la_code,la_name,region_ind")."""
    head = path.read_text(encoding="utf-8-sig")[:200] if path.suffix.lower() == ".csv" else ""
    return head.startswith(("LA num,", ",".join(_WIDE_2025[:3]) + ","))


