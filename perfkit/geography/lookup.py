"""perfkit's lookup of English authorities (``authorities.csv``, derived from DfE's register
by :mod:`perfkit.geography.derive`; ``source.json`` says from which file and when).

The one home of: which region an authority is in (Inner and Outer London, E13, are London,
E12000007), its tier, the code a recoded authority has now, what followed one that was split
or merged, and what a joint return ("E06000061 / E06000062") is. Codes the lookup does not
hold (district councils, E07; the demo's ZZ codes) are answered from what files recorded.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = [
    "INNER_OUTER_LONDON", "LONDON", "Authority", "authorities", "authority", "current_code", "dfe_code", "is_joint", "joint_members",
    "joint_message", "region_codes", "region_name", "resolve_region", "source",
]

HERE = Path(__file__).resolve().parent
LONDON = "E12000007"
#: DfE's files give London boroughs Inner or Outer London as their region; perfkit groups them under London.
INNER_OUTER_LONDON = {"E13000001": "Inner London", "E13000002": "Outer London"}


@dataclass(frozen=True)
class Authority:
    """One code of an English upper-tier authority, as the lookup holds it."""

    code: str
    name: str
    kind: str  # unitary authority, metropolitan district, London borough, county
    tier: str  # upper
    region_code: str
    region_name: str
    dfe_number: str
    start: str  # ISO dates; "" for an authority still in being
    end: str
    current_code: str  # the code the same authority has now ("" once split or merged)
    successors: tuple[str, ...]  # for a split or merger: the authorities that followed it
    note: str


@cache
def authorities() -> dict[str, Authority]:
    """Every code in the lookup, by code."""
    with (HERE / "authorities.csv").open(encoding="utf-8", newline="") as handle:
        return {r["code"]: Authority(r["code"], r["name"], r["kind"], r["tier"], r["region_code"], r["region_name"], r["dfe_number"],
                                     r["from"], r["to"], r["current_code"], tuple(r["successors"].split()), r["note"])
                for r in csv.DictReader(handle)}


@cache
def source() -> dict[str, object]:
    """Where the lookup came from and when it was derived (``source.json``)."""
    return json.loads((HERE / "source.json").read_text(encoding="utf-8"))


def authority(code: str) -> Authority | None:
    """The lookup's row for ``code`` (any case), if it holds it."""
    return authorities().get(str(code).strip().upper())


def current_code(code: str) -> str | None:
    """The code the same authority has now, when ``code`` was recoded (Sheffield E08000019 ->
    E08000039); None when it was not (a live code, a split or merger, or a code not in the lookup).

    >>> current_code("E08000019"), current_code("E10000023"), current_code("E08000039"), current_code("E10000021")
    ('E08000039', 'E06000065', None, None)
    """
    found = authority(code)
    return found.current_code if found and found.current_code and found.current_code != found.code else None


def dfe_code(number: str) -> str | None:
    """The code an authority has now, from its 3-digit DfE number (the number DfE's files, such
    as its statistical neighbour model, name authorities by); None for a number the lookup does
    not hold or whose authority was split or merged.

    >>> dfe_code("373"), dfe_code("358"), dfe_code("815"), dfe_code("999")
    ('E08000039', 'E08000009', 'E06000065', None)
    """
    return _by_dfe_number().get(str(number).strip())


@cache
def _by_dfe_number() -> dict[str, str]:
    return {a.dfe_number: a.current_code for a in authorities().values() if a.dfe_number and a.current_code}


def region_codes() -> dict[str, str]:
    """The nine English regions, code -> name."""
    return dict(_regions())


@cache
def _regions() -> dict[str, str]:
    return {a.region_code: a.region_name for a in sorted(authorities().values(), key=lambda a: a.region_code)}


def region_name(code: str) -> str | None:
    """The name of an English region (E12) or of Inner/Outer London (E13)."""
    return _regions().get(code) or INNER_OUTER_LONDON.get(code)


def resolve_region(value: str | None) -> str | None:
    """The region (E12) a file's region or parent code means: a region itself; London for
    Inner or Outer London; a county's or other authority's region from the lookup; else None.

    >>> resolve_region("E13000001"), resolve_region("E12000002"), resolve_region("E10000023"), resolve_region("Z")
    ('E12000007', 'E12000002', 'E12000003', None)
    """
    code = str(value or "").strip().upper()
    if code in INNER_OUTER_LONDON:
        return LONDON
    if code in _regions():
        return code
    found = authority(code)
    return found.region_code if found else None


def is_joint(code: str) -> bool:
    """Whether ``code`` names more than one authority, as a joint return does ("E06000061 / E06000062")."""
    return "/" in str(code)


def joint_members(code: str) -> list[str]:
    """The codes a joint return names."""
    return [part.strip().upper() for part in str(code).split("/") if part.strip()]


def joint_message(code: str) -> str:
    """What a joint return is, naming its authorities."""
    names = [f"{authority(c).name} ({c})" if authority(c) else c for c in joint_members(code)]
    times = {2: "twice", 3: "three times"}.get(len(names), f"{len(names)} times")
    return (f"is a joint return of {' and '.join(names)}: one figure for {len(names)} authorities, which stored against "
            f"each would count {times} in ranks and medians")
