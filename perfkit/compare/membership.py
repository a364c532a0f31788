"""Which groups an area is ranked in, for one indicator: its own neighbours in the indicator's
group, its region, and every authority of its tier that reported the indicator. The one home
of those rules and of the groups' names, for ``perfkit benchmark`` and ``show``
(:mod:`perfkit.api`) and the area profiles' batch (:mod:`perfkit.compare.batch`).

**Each indicator's own group** (:meth:`Groups.sources`): the area profile report's
``neighbours:`` (params/reports.yaml: the indicator's own entry, else its publisher's, else
``default``; or the single form, one group for every indicator) where it names one; else the
catalogue's ``comparator_group`` (or a group whose ``indicators:`` name it), then the neighbour
lists (params/neighbours/) whose ``indicators:`` name it.

**Every group is someone's** (:meth:`Groups.for_area`): an area is ranked among its own
neighbours in the first of those groups that has them. Neighbour lists give each area its own
list; a comparator group ranks only the area it belongs to (``of``, default the council's) or,
for a group of peers (``of: members``), its members. Another area, a region or a country is
never ranked in a council's list: it has its own, or none, said in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfkit.config.catalogue import Catalogue
from perfkit.config.groups import (
    ComparatorGroup,
    NeighbourLists,
    load_all_neighbour_lists,
    ranks,
    region_members,
    region_of,
    same_tier,
)
from perfkit.config.papers import ReportDef
from perfkit.errors import ConfigError

__all__ = ["NO_GROUP", "Groups", "Neighbours", "region_name", "standard_groups"]

#: Why an indicator is not benchmarked when nothing names its group.
NO_GROUP = "no comparator group in the catalogue"


def region_name(region: str, names: dict[str, str]) -> str:
    """A region group's name: 'Region: North West'."""
    return f"Region: {names.get(region, region)}"


def standard_groups(area: str, reported: set[str], attributes: pd.DataFrame, names: dict[str, str]) -> dict[str, set[str]]:
    """The groups every area is ranked in, by name: its region's authorities of its tier that
    reported, then every authority of its tier that reported (so a file of another indicator
    imported later never changes either)."""
    every, members = same_tier(area, reported)
    region = region_of(area, attributes)
    groups = {region_name(region, names): region_members(region, attributes) & members} if region else {}
    return {**groups, every: members}


@dataclass(frozen=True)
class Neighbours:
    """The neighbours one area is ranked among for one indicator, or why it has none."""

    name: str | None  # the group as papers name it; None: no group
    members: tuple[str, ...] = ()  # the area's neighbours, without the area
    why: str = ""  # where there is no group: why, in words

    def text(self) -> str:
        """'Statistical neighbours (DfE)', or 'not benchmarked: <why>'."""
        return self.name if self.name is not None else f"not benchmarked: {self.why}"


class Groups:
    """Each indicator's own group and each area's neighbours in it (see the module)."""

    def __init__(self, catalogue: Catalogue, council: str, lists: dict[str, NeighbourLists] | None = None,
                 report: ReportDef | None = None, where: str = "params/reports.yaml", council_name: str | None = None) -> None:
        self.catalogue, self.council, self.lists, self.report = catalogue, council.upper(), dict(lists or {}), report
        self.council_name = council_name or council
        self._check(where)

    @classmethod
    def load(cls, params: str | Path, catalogue: Catalogue, report: ReportDef | None = None) -> Groups:
        """The project's groups: its neighbour lists, its council and (for an area profile) its report's ``neighbours``."""
        from perfkit.config.council import load_council

        params = Path(params)
        where = f"{params / 'reports.yaml'}: report {report.name}" if report is not None else str(params / "reports.yaml")
        council = load_council(params)
        return cls(catalogue, council.area_code, load_all_neighbour_lists(params), report, where, council.area_name)

    def _check(self, where: str) -> None:
        """Every name the report and the lists use is known: an error names the file and key."""
        for lists in self.lists.values():
            for code in lists.indicators:
                if code not in self.catalogue:
                    raise ConfigError(f"params/neighbours/{lists.code}.yaml: key 'indicators': no indicator {code!r} in the catalogue (`perfkit indicators`)")
        chosen = self.report.neighbours if self.report is not None else None
        if chosen is None:
            return
        known = set(self.lists) | set(self.catalogue.groups)
        publishers = {str(p).casefold() for p in (self._publisher(c) for c in self.catalogue) if p}
        entries = chosen.items() if isinstance(chosen, dict) else [(None, chosen)]
        for key, code in entries:
            if key is not None and key.upper() not in self.catalogue and key.casefold() not in publishers | {"default"}:
                raise ConfigError(f"{where}: key 'neighbours': {key!r} is not an indicator, a publisher ({', '.join(sorted(publishers)) or 'none in the catalogue'}) "
                                  "or default; write `neighbours: {DFE_REREF: statistical_neighbours, default: ...}`")
            if code not in known:
                raise ConfigError(f"{where}: key 'neighbours': no neighbour lists or comparator group {code!r}; known: {', '.join(sorted(known)) or 'none'} "
                                  f"(make them with `perfkit groups add FILE --every-area --code {code}`)")

    def _publisher(self, code: str) -> str | None:
        return self.catalogue[code].publisher  # the catalogue's publisher: (DfE), for a published indicator

    def sources(self, code: str) -> list[NeighbourLists | ComparatorGroup]:
        """The groups indicator ``code`` may be benchmarked in, in order (see the module)."""
        named = self.report.neighbours_for(code, self._publisher(code)) if self.report is not None else None
        if named:
            return [self.lists.get(named) or self.catalogue.groups[named]]
        group = self.catalogue.groups.get(self.catalogue[code].comparator_group or "")
        return [*([group] if group is not None else []), *(lists for lists in self.lists.values() if code in lists.indicators)]

    def for_area(self, code: str, area: str, names: dict[str, str], authority: bool = True) -> Neighbours:
        """The neighbours ``area`` is ranked among for indicator ``code``: its own in the first of
        the indicator's groups that has them, or none, and why (``authority``: whether the area is
        a local authority)."""
        who = names.get(area, area)
        if not authority:
            return Neighbours(None, why=f"{who} ({area}) is not a local authority (a region or country): only authorities are ranked")
        whys = []
        for source in self.sources(code):
            mine = self._in(source, area, who, names)
            if mine.name is not None:
                return mine
            whys.append(mine.why)
        return Neighbours(None, why="; ".join(whys) or NO_GROUP)

    def _in(self, source: NeighbourLists | ComparatorGroup, area: str, who: str, names: dict[str, str]) -> Neighbours:
        """``area``'s own neighbours in one group, or why it has none there."""
        if isinstance(source, NeighbourLists):
            if area in source.lists:
                return Neighbours(source.name, tuple(c for c in dict.fromkeys(source.lists[area]) if c != area))
            return Neighbours(None, why=f"{who} has no list in {source.name} (params/neighbours/{source.code}.yaml)")
        if ranks(source, area, self.council):
            return Neighbours(source.name, tuple(c for c in source.codes if c != area))
        owner = source.owner(self.council)
        if owner == "members":
            return Neighbours(None, why=f"{who} is not a member of {source.name}")
        whose = names.get(owner) or (self.council_name if owner == self.council else None) or owner
        return Neighbours(None, why=f"{source.name} are {whose}'s neighbours, not {who}'s, and {who} has no list of its own "
                                    "(add every area's with `perfkit groups add FILE --every-area --for CODE`)")
