"""Which groups an area is ranked in, for one indicator: its comparator group (or its own
neighbours), its region, and every authority of its tier that reported the indicator. The one
home of those rules and of the groups' names, for ``perfkit benchmark`` (:func:`perfkit.api.benchmark`)
and the area profiles' batch (:mod:`perfkit.compare.batch`).
"""

from __future__ import annotations

import pandas as pd

from perfkit.config.groups import region_members, region_of, same_tier

__all__ = ["region_name", "standard_groups"]


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
