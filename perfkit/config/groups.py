"""Comparator groups from the files publishers give them in, and the built-in groups.

:func:`read_group` reads any of: a YAML group (perfkit's own form, as in
``params/comparators/``), a JSON object of nearest-neighbour lists ``{area code: [codes]}``
(the area itself is dropped from its list), a CSV list (area_code, area_name), and DfE's
statistical neighbour files (the 2021 groupings and the 2025 model, read by
:mod:`perfkit.config.dfe_neighbours`, keyed by the DfE number, which the store links to area
codes through the ``dfe_number`` attribute kept when DfE data is ingested). ``perfkit groups
add`` writes what it read as a YAML group.

Every group is someone's (:func:`ranks`): a group read for one area records whose it is
(``of``), so a council's neighbours never rank another area; neighbour lists
(:class:`NeighbourLists`) hold every area's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from perfkit import geography
from perfkit.config.dfe_neighbours import is_dfe_file, load_statistical_neighbours
from perfkit.config.yaml import read_model
from perfkit.contract import ENGLAND
from perfkit.errors import ConfigError

__all__ = [
    "TIERS", "ComparatorGroup", "NeighbourLists", "authorities", "group_from_list", "load_all_neighbour_lists", "load_groups", "load_neighbour_lists", "load_statistical_neighbours", "neighbour_group",
    "neighbour_lists", "ranks", "read_group", "read_neighbour_lists", "region_members", "region_of", "same_tier", "save_group",
    "save_neighbour_lists", "tier_of",
]


class ComparatorGroup(BaseModel):
    """A named set of areas to benchmark against."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    members: dict[str, str]  # area code -> area name
    #: the indicators this group is the comparator group of (as their own comparator_group
    #: key would say), so a project can benchmark a shipped indicator without editing it
    indicators: list[str] = Field(default_factory=list)
    #: whose group it is: an area code (its neighbours: only that area is ranked in it),
    #: ``members`` (peers such as the Core Cities: each member is ranked among the others), or
    #: unset: the council's own (``area_code`` in params/council.yaml). See :func:`ranks`.
    of: str | None = Field(default=None, pattern=r"^(members|[A-Z0-9]+)$")

    @property
    def codes(self) -> list[str]:
        return list(self.members)

    def owner(self, council: str) -> str:
        """Whose neighbours these are: ``of``, else the council's; 'members' for a peer group."""
        return self.of or council


def ranks(group: ComparatorGroup, area: str, council: str) -> bool:
    """Whether ``group`` may rank ``area``: every group is someone's, so a council's (or another
    area's) neighbours never rank another area; a peer group (``of: members``) ranks its members.

    >>> g = ComparatorGroup(code="sn", name="Neighbours of A", members={"B": "B", "C": "C"})
    >>> ranks(g, "A", "A"), ranks(g, "B", "A"), ranks(g.model_copy(update={"of": "members"}), "B", "A")
    (True, False, True)
    """
    owner = group.owner(council)
    return area in group.members if owner == "members" else area == owner


def load_groups(folder: Path) -> dict[str, ComparatorGroup]:
    """Every comparator group under ``params/comparators/``, checked; a code defined twice is refused."""
    groups: dict[str, ComparatorGroup] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        group = read_model(path, ComparatorGroup, "comparator group", "defines a comparator group")
        if group.code in groups:
            raise ConfigError(f"{path}: comparator group '{group.code}' is defined twice")
        groups[group.code] = group
    return groups


class NeighbourLists(BaseModel):
    """Every area's own comparator group, e.g. DfE's statistical neighbours of each authority
    (``params/neighbours/<code>.yaml``, written by ``perfkit groups add FILE --every-area``),
    for area profiles of many authorities. Each list leaves out the area itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str  # what a paper calls the group, e.g. "Statistical neighbours (DfE)"
    lists: dict[str, list[str]]  # area code -> its neighbours' codes
    #: the indicators these lists are the default group of (e.g. DfE's measures for DfE's
    #: statistical neighbours), as an indicator's comparator_group would say
    indicators: list[str] = Field(default_factory=list)
    #: where the lists came from (the publisher's file, its licence) and the day they were read
    #: from it, as ``perfkit groups`` shows them: DfE's 2025 model shipped with the library says so
    source: str | None = None
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")


def load_all_neighbour_lists(params: str | Path) -> dict[str, NeighbourLists]:
    """Every ``params/neighbours/*.yaml``, by code."""
    folder = Path(params) / "neighbours"
    return {p.stem: load_neighbour_lists(params, p.stem) for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def load_neighbour_lists(params: str | Path, code: str) -> NeighbourLists:
    """``params/neighbours/<code>.yaml``, checked."""
    path = Path(params) / "neighbours" / f"{code}.yaml"
    if not path.is_file():
        raise ConfigError(f"{path}: no such neighbour lists; make them with `perfkit groups add FILE --every-area --code {code}`")
    return read_model(path, NeighbourLists, "neighbour lists", "gives every area its comparator group")


def read_neighbour_lists(path: str | Path, code: str, name: str, dfe_numbers: pd.DataFrame | None = None) -> tuple[NeighbourLists, dict[str, list[str]]]:
    """Every area's list from a publisher's file of lists (a JSON object of lists, or the DfE
    statistical neighbour file), and what in them the store does not know (DfE numbers)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return NeighbourLists(code=code, name=name, lists=_json_lists(path)), {}
    if is_dfe_file(path):
        lists, unknown = neighbour_lists(load_statistical_neighbours(path), _numbers(path, dfe_numbers))
        return NeighbourLists(code=code, name=name, lists=lists), unknown
    raise ConfigError(f"{path}: lists for every area come from a JSON object of lists or the DfE statistical neighbour CSV; "
                      "a CSV list or a YAML group is one group (leave out --every-area)")


def authorities(reported: set[str], attributes: pd.DataFrame) -> set[str]:
    """The local authorities among ``reported`` areas: not England, nor a region or country
    where the store records levels (``Store.area_attributes()``)."""
    level = attributes[attributes["key"] == "level"]
    others = set(level["area_code"]) - set(level[level["value"] == "Local authority"]["area_code"])
    return set(reported) - {ENGLAND} - others


def region_of(area: str, attributes: pd.DataFrame) -> str | None:
    """The region (E12) of ``area``: perfkit's lookup for an authority it holds (any code the
    authority has had), whatever files were imported and in whatever order; else the region a
    file recorded (``attributes``, ``Store.area_attributes()``), read as the lookup reads it
    (Inner or Outer London is London, a county's code its region); else None.

    >>> empty = pd.DataFrame(columns=["area_code", "key", "value"])
    >>> region_of("E09000001", empty), region_of("E06000065", empty), region_of("E07000240", empty)
    ('E12000007', 'E12000003', None)
    """
    found = geography.authority(area)
    if found is not None:
        return found.region_code
    recorded = attributes[(attributes["key"] == "region") & (attributes["area_code"] == area)]["value"]
    regions = sorted({r for r in map(geography.resolve_region, recorded) if r})
    return regions[0] if regions else None


def region_members(region: str, attributes: pd.DataFrame) -> set[str]:
    """The authorities in ``region`` (an E12 code; Inner or Outer London means London): every
    code the lookup places there, and the areas not in the lookup whose file recorded it
    (:func:`region_of`). Callers keep those that reported."""
    region = geography.resolve_region(region) or region
    members = {a.code for a in geography.authorities().values() if a.region_code == region}
    recorded = attributes[(attributes["key"] == "region") & ~attributes["area_code"].isin(list(geography.authorities()))]
    resolved = recorded.assign(region=recorded["value"].map(geography.resolve_region)).dropna(subset=["region"])
    first = resolved.groupby("area_code")["region"].min()  # as region_of reads an area that files disagree on
    return members | set(first[first == region].index)


def neighbour_lists(neighbours: pd.DataFrame, dfe_numbers: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Every authority's statistical neighbours as area codes, in DfE's order, and the DfE
    numbers each one lists that the store has no area for (an authority that no longer
    exists, or a file not imported).

    ``dfe_numbers`` maps area_code to DfE number (``Store.area_attributes("dfe_number")``
    gives it as area_code, key, value). Groups of authorities before reorganisation ("Old
    SNs", "(Pre LG)") are left out.
    """
    code_of = {v: k for k, v in zip(dfe_numbers["area_code"], dfe_numbers["value"])}
    current = neighbours[~neighbours["pre_lg"]].sort_values(["la_number", "rank"])
    lists: dict[str, list[str]] = {}
    unknown: dict[str, list[str]] = {}
    for number, mine in current.groupby("la_number", sort=False):
        if number not in code_of:
            continue
        area = code_of[number]
        lists[area] = [code_of[n] for n in mine["neighbour"] if n in code_of]
        missing = [n for n in mine["neighbour"] if n not in code_of]
        if missing:
            unknown[area] = missing
    return lists, unknown


def neighbour_group(neighbours: pd.DataFrame, dfe_numbers: pd.DataFrame, area_code: str) -> ComparatorGroup:
    """The statistical neighbours of ``area_code`` as area codes (see :func:`neighbour_lists`)."""
    number_of = dict(zip(dfe_numbers["area_code"], dfe_numbers["value"]))
    if area_code not in number_of:
        raise ConfigError(f"area {area_code} has no DfE number in the store; ingest a DfE file with its mapping first")
    mine = neighbours[neighbours["la_number"] == number_of[area_code]]
    if mine.empty:
        raise ConfigError(f"DfE number {number_of[area_code]} ({area_code}) is not in the statistical neighbour file")
    lists, unknown = neighbour_lists(mine.assign(pre_lg=False), dfe_numbers)
    if unknown.get(area_code):
        raise ConfigError(
            f"statistical neighbours of {area_code}: the store has no area with DfE number(s) {', '.join(unknown[area_code])}; "
            "import the DfE file that names them (with its mapping's stable_code) first"
        )
    names = dict(zip(neighbours["la_number"], neighbours["la_name"]))
    members = {c: names.get(number_of[c], c) for c in lists[area_code]}
    return ComparatorGroup(code=f"dfe_sn_{number_of[area_code]}", name=f"Statistical neighbours of {mine['la_name'].iloc[0]} (DfE)", members=members,
                           of=area_code)


def group_from_list(path: str | Path) -> ComparatorGroup:
    """A group from a CSV with area_code and area_name columns (e.g. CIPFA nearest neighbours)."""
    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip().lower().replace(" ", "_") for c in frame.columns]
    if not {"area_code", "area_name"} <= set(frame.columns):
        raise ConfigError(f"{path}: row 1: a group list needs area_code and area_name columns, found {list(frame.columns)}")
    code = path.stem.lower().replace("-", "_")
    return ComparatorGroup(code=code, name=path.stem.replace("_", " "), members=dict(zip(frame["area_code"].str.strip(), frame["area_name"].str.strip())))


def _json_lists(path: Path) -> dict[str, list[str]]:
    """A JSON object of nearest-neighbour lists ``{area: [codes]}``, codes in upper case and
    each list without its own area."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the JSON file of neighbour lists: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ConfigError(f"{path}: expected a JSON object of lists, {{\"E08000009\": [\"E08000007\", ...]}}")
    lists = {}
    for area, codes in data.items():
        own = str(area).strip().upper()
        lists[own] = [c for c in (str(x).strip().upper() for x in codes) if c != own]
    return lists


def _numbers(path: Path, dfe_numbers: pd.DataFrame | None) -> pd.DataFrame:
    """The store's DfE numbers, which the DfE file names authorities by."""
    if dfe_numbers is None or dfe_numbers.empty:
        raise ConfigError(f"{path}: the DfE file names authorities by DfE number: import a DfE file (e.g. with the dfe_c1_referrals mapping) first")
    return dfe_numbers


def _json_group(path: Path, area: str | None, names: dict[str, str]) -> ComparatorGroup:
    lists = _json_lists(path)
    if area is None:
        raise ConfigError(f"{path}: a file of neighbour lists holds one group per area: say whose with --area CODE")
    if area not in lists:
        raise ConfigError(f"{path}: no list for {area}; the file has {len(lists)} areas, e.g. {', '.join(list(lists)[:3])}")
    codes = lists[area]
    return ComparatorGroup(code=f"{path.stem.lower()}_{area.lower()}", name=f"Nearest neighbours of {names.get(area, area)}", members={c: names.get(c, c) for c in codes},
                           of=area)


def read_group(path: str | Path, area: str | None = None, names: dict[str, str] | None = None, dfe_numbers: pd.DataFrame | None = None) -> ComparatorGroup:
    """A comparator group from a file in any of the shapes publishers use (see the module).

    ``area`` picks one area's list from a file of lists (JSON, DfE); ``names`` gives area
    names where the file has none (from the store); ``dfe_numbers`` links DfE numbers to area
    codes (``Store.area_attributes("dfe_number")``)."""
    path, names = Path(path), names or {}
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_model(path, ComparatorGroup, "comparator group", "defines a comparator group")
    if suffix == ".json":
        return _json_group(path, area, names)
    if suffix != ".csv":
        raise ConfigError(f"{path}: a group file is YAML, JSON (neighbour lists) or CSV (a list, or the DfE statistical neighbour file)")
    if is_dfe_file(path):
        if area is None:
            raise ConfigError(f"{path}: the DfE statistical neighbour file holds one group per authority: say whose with --area CODE")
        return neighbour_group(load_statistical_neighbours(path), _numbers(path, dfe_numbers), area)
    group = group_from_list(path)
    return group.model_copy(update={"members": {c: n or names.get(c, c) for c, n in group.members.items()}, "of": area.upper() if area else None})


#: Tiers of English local government by the ONS code's entity prefix: a built-in group is
#: every authority of the area's tier that the publisher reported.
TIERS = {
    "E06": "upper", "E08": "upper", "E09": "upper", "E10": "upper",  # unitary, metropolitan, London, county
    "E07": "district",
}
_TIER_NAMES = {"upper": "England: all upper-tier authorities reported", "district": "England: all district councils reported"}


def tier_of(area: str) -> str | None:
    """'upper', 'district' or None (not an English council code): the lookup's tier for an
    authority it holds, else by the code's entity prefix (a district council, E07).

    >>> tier_of("E08000009"), tier_of("E07000240"), tier_of("E12000002"), tier_of("ZZ0000001")
    ('upper', 'district', None, None)
    """
    found = geography.authority(area)
    return found.tier if found is not None else TIERS.get(area[:3].upper())


def same_tier(area: str, reported: set[str]) -> tuple[str, set[str]]:
    """The built-in all-authority group of ``area``: among the areas a publisher ``reported``
    (for one indicator and period), those of its tier; its name says which.

    An area without a known tier (e.g. the fictional demo's ZZ codes) is compared with every
    reported area that is not a region or country."""
    tier = tier_of(area)
    if tier is None:
        return f"All {len(reported)} areas reported", set(reported)
    return _TIER_NAMES[tier], {a for a in reported if tier_of(a) == tier}


def save_group(params: str | Path, group: ComparatorGroup, source: str | Path, code: str | None = None, name: str | None = None,
               indicators: Iterable[str] = (), catalogue: Mapping[str, object] | None = None) -> tuple[ComparatorGroup, Path]:
    """Save ``group`` (read from the file ``source`` by :func:`read_group`) as
    ``params/comparators/<code>.yaml``, never over an existing file; return the group as saved
    and its file.

    ``code``, ``name`` and ``indicators`` (those it is the comparator group of) replace the
    file's own when given; with ``catalogue``, an indicator not in it is refused before
    anything is written."""
    import yaml

    from perfkit.atomic import write_text

    given = (("code", code), ("name", name), ("indicators", [c.upper() for c in indicators]))
    group = group.model_validate(group.model_dump() | {k: v for k, v in given if v})
    if catalogue is not None:
        for indicator in group.indicators:
            catalogue[indicator]  # an unknown code is a clear error before anything is written
    target = Path(params) / "comparators" / f"{group.code}.yaml"
    _refuse_existing(target)
    header = f"# Comparator group read by `perfkit groups add` from {Path(source).name}.\n"
    write_text(target, header + yaml.safe_dump(group.model_dump(), sort_keys=False, allow_unicode=True))
    return group, target


def save_neighbour_lists(params: str | Path, source: str | Path, code: str | None = None, name: str | None = None,
                         dfe_numbers: pd.DataFrame | None = None, indicators: Iterable[str] = (),
                         catalogue: Mapping[str, object] | None = None) -> tuple[NeighbourLists, Path, dict[str, list[str]]]:
    """Every area's own list in ``source`` (:func:`read_neighbour_lists`) saved as
    ``params/neighbours/<code>.yaml``, never over an existing file; return the lists, their file
    and the DfE numbers the store has no area for, by area (those are left out).

    ``code`` is by default statistical_neighbours for the DfE file (a CSV), else the file's
    name; ``name`` "Statistical neighbours (DfE)", else "Nearest neighbours (<file name>)";
    ``indicators``: those the lists are the default group of (checked against ``catalogue``)."""
    import yaml

    from perfkit.atomic import write_text

    source = Path(source)
    dfe = source.suffix.lower() == ".csv"
    code = (code or ("statistical_neighbours" if dfe else source.stem)).lower().replace("-", "_")
    name = name or ("Statistical neighbours (DfE)" if dfe else f"Nearest neighbours ({source.stem})")
    lists, unknown = read_neighbour_lists(source, code, name, dfe_numbers)
    if indicators:  # the indicators these lists are the default group of; an unknown code is an error before anything is written
        lists = lists.model_copy(update={"indicators": [c.upper() for c in indicators]})
        for indicator in lists.indicators if catalogue is not None else ():
            catalogue[indicator]  # noqa: B018
    target = Path(params) / "neighbours" / f"{code}.yaml"
    _refuse_existing(target)
    header = f"# Each area's neighbours, read by `perfkit groups add --every-area` from {source.name}.\n"
    write_text(target, header + yaml.safe_dump(lists.model_dump(), sort_keys=False, allow_unicode=True))
    return lists, target, unknown


def _refuse_existing(target: Path) -> None:
    if target.exists():
        raise ConfigError(f"{target} already exists: choose another --code, or remove that file first")
