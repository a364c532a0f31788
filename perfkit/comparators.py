"""Comparator groups from the files publishers give them in, and the built-in groups.

:func:`read_group` reads any of: a YAML group (perfkit's own form, as in
``params/comparators/``), a JSON object of nearest-neighbour lists ``{area code: [codes]}``
(the area itself is dropped from its list), a CSV list (area_code, area_name), and the DfE
statistical neighbour file. ``perfkit groups add`` writes what it read as a YAML group.

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

__all__ = ["TIERS", "group_from_list", "load_statistical_neighbours", "neighbour_group", "read_group", "same_tier", "tier_of"]


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
    names = dict(zip(neighbours["la_number"], neighbours["la_name"]))
    members = {code_of[n]: names.get(n, n) for n in mine["neighbour"] if n in code_of}
    missing = [n for n in mine["neighbour"] if n not in code_of]
    if missing:
        raise ConfigError(
            f"statistical neighbours of {area_code}: the store has no area with DfE number(s) {', '.join(missing)}; "
            "import the DfE file that names them (with its mapping's stable_code) first"
        )
    return ComparatorGroup(code=f"dfe_sn_{number_of[area_code]}", name=f"Statistical neighbours of {mine['la_name'].iloc[0]} (DfE)", members=members)


def group_from_list(path: str | Path) -> ComparatorGroup:
    """A group from a CSV with area_code and area_name columns (e.g. CIPFA nearest neighbours)."""
    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip().lower().replace(" ", "_") for c in frame.columns]
    if not {"area_code", "area_name"} <= set(frame.columns):
        raise ConfigError(f"{path}: row 1: a group list needs area_code and area_name columns, found {list(frame.columns)}")
    code = path.stem.lower().replace("-", "_")
    return ComparatorGroup(code=code, name=path.stem.replace("_", " "), members=dict(zip(frame["area_code"].str.strip(), frame["area_name"].str.strip())))


def _json_group(path: Path, area: str | None, names: dict[str, str]) -> ComparatorGroup:
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the JSON group file: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ConfigError(f"{path}: expected a JSON object of lists, {{\"E08000009\": [\"E08000007\", ...]}}")
    if area is None:
        raise ConfigError(f"{path}: a file of neighbour lists holds one group per area: say whose with --area CODE")
    if area not in data:
        raise ConfigError(f"{path}: no list for {area}; the file has {len(data)} areas, e.g. {', '.join(list(data)[:3])}")
    codes = [str(c).strip().upper() for c in data[area] if str(c).strip().upper() != area]
    return ComparatorGroup(code=f"{path.stem.lower()}_{area.lower()}", name=f"Nearest neighbours of {names.get(area, area)}", members={c: names.get(c, c) for c in codes})


def read_group(path: str | Path, area: str | None = None, names: dict[str, str] | None = None, dfe_numbers: pd.DataFrame | None = None) -> ComparatorGroup:
    """A comparator group from a file in any of the shapes publishers use (see the module).

    ``area`` picks one area's list from a file of lists (JSON, DfE); ``names`` gives area
    names where the file has none (from the store); ``dfe_numbers`` links DfE numbers to area
    codes (``Store.area_attributes("dfe_number")``)."""
    from perfkit.catalogue import read_model

    path, names = Path(path), names or {}
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_model(path, ComparatorGroup, "comparator group", "defines a comparator group")
    if suffix == ".json":
        return _json_group(path, area, names)
    if suffix != ".csv":
        raise ConfigError(f"{path}: a group file is YAML, JSON (neighbour lists) or CSV (a list, or the DfE statistical neighbour file)")
    head = path.read_text(encoding="utf-8-sig")[:200]
    if head.startswith("LA num,"):
        if area is None:
            raise ConfigError(f"{path}: the DfE statistical neighbour file holds one group per authority: say whose with --area CODE")
        if dfe_numbers is None or dfe_numbers.empty:
            raise ConfigError(f"{path}: the DfE file names authorities by DfE number: import a DfE file (e.g. with the dfe_c1_referrals mapping) first")
        return neighbour_group(load_statistical_neighbours(path), dfe_numbers, area)
    group = group_from_list(path)
    return group.model_copy(update={"members": {c: n or names.get(c, c) for c, n in group.members.items()}})


#: Tiers of English local government by the ONS code's entity prefix: a built-in group is
#: every authority of the area's tier that the publisher reported.
TIERS = {
    "E06": "upper", "E08": "upper", "E09": "upper", "E10": "upper",  # unitary, metropolitan, London, county
    "E07": "district",
}
_TIER_NAMES = {"upper": "England: all upper-tier authorities reported", "district": "England: all district councils reported"}


def tier_of(area: str) -> str | None:
    """'upper', 'district' or None (not an English council code).

    >>> tier_of("E08000009"), tier_of("E07000240"), tier_of("E12000002"), tier_of("ZZ0000001")
    ('upper', 'district', None, None)
    """
    return TIERS.get(area[:3].upper())


def same_tier(area: str, reported: set[str]) -> tuple[str, set[str]]:
    """The built-in all-authority group of ``area``: among the areas a publisher ``reported``
    (for one indicator and period), those of its tier; its name says which.

    An area without a known tier (e.g. the fictional demo's ZZ codes) is compared with every
    reported area that is not a region or country."""
    tier = tier_of(area)
    if tier is None:
        return f"All {len(reported)} areas reported", set(reported)
    return _TIER_NAMES[tier], {a for a in reported if tier_of(a) == tier}
