"""DfE's statistical neighbours shipped with perfkit's library: every authority's ten neighbours
in DfE's 2025 children's services model, by ONS code, derived from DfE's file (never a copy).

    python -m perfkit.scaffold.dfe_neighbours PATH/sn_model_2025_wide.csv [--out FOLDER]

DfE publishes the model under the Open Government Licence (unlike CIPFA's nearest neighbours,
which perfkit never ships). The script reads DfE's file as :mod:`perfkit.config.dfe_neighbours`
reads it (its byte-order mark, the band "Close " with a trailing space), turns each 3-digit
DfE number into the authority's code now through perfkit's lookup (:func:`perfkit.geography.dfe_code`:
Barnsley 370 is E08000038, Sheffield 373 E08000039, North Yorkshire 815 E06000065), and writes
``perfkit/library/dfe-children/neighbours/dfe_statistical_neighbours_2025.yaml``: neighbour lists
(:class:`perfkit.config.groups.NeighbourLists`) with their source and date, the default group of
every indicator of the ``dfe-children`` pack that DfE publishes. ``perfkit init`` copies it into
a project's ``params/neighbours/`` with the pack. Names are not taken from the file (it writes
"St Helens", DfE's other files "St. Helens"): papers name areas as the store does.

A maintainer reruns it when DfE publishes a new model, reviews the diff and commits it;
tests/unit/test_dfe_neighbours.py checks the shipped file is what it derives from the copy
in ``../shared/data/public`` (README, "The shipped library").
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
from pathlib import Path

import yaml

from perfkit import geography
from perfkit.config.dfe_neighbours import load_statistical_neighbours
from perfkit.config.groups import NeighbourLists
from perfkit.config.yaml import read_yaml
from perfkit.errors import ConfigError
from perfkit.scaffold.library import LIBRARY

__all__ = ["CODE", "FOLDER", "derive", "write"]

PACK = "dfe-children"
#: Where the shipped lists live: the pack's ``neighbours/``, copied to a project's ``params/neighbours/``.
FOLDER = LIBRARY / PACK / "neighbours"
CODE = "dfe_statistical_neighbours_2025"
NAME = "Statistical neighbours (DfE, 2025 model)"
SOURCE = ("DfE children's services statistical neighbours, 2025 model: sn_model_2025_wide.csv "
          "(dfe-analytical-services/CSC_outcomes_and_enablers), Open Government Licence")
PUBLISHER = "DfE"


def pack_indicators() -> list[str]:
    """The ``dfe-children`` pack's indicators DfE publishes (its catalogue's ``publisher: DfE``)."""
    return [i["code"] for f in sorted((LIBRARY / PACK / "indicators").glob("*.yaml"))
            for i in read_yaml(f).get("indicators", []) if str(i.get("publisher", "")) == PUBLISHER]


def derive(path: str | Path, today: dt.date | None = None) -> NeighbourLists:
    """Every authority's DfE neighbours in the file at ``path``, by current ONS code, in DfE's
    order. A DfE number the lookup does not hold is an error naming the file, row, column and
    number (update perfkit's lookup first)."""
    path = Path(path)
    whole = load_statistical_neighbours(path)
    row_of = {n: i for i, n in enumerate(dict.fromkeys(whole["la_number"]), start=2)}  # one row per authority
    frame = whole[~whole["pre_lg"]].sort_values(["la_number", "rank"], kind="stable")

    def code(number: str, column: str, la: str) -> str:
        found = geography.dfe_code(number)
        if found is None:
            raise ConfigError(f"{path}: row {row_of.get(la, '?')}, column {column}: DfE number {number!r} is not a live authority in perfkit's lookup "
                              "(perfkit/geography/authorities.csv); update it from DfE's newer register first "
                              "(`python -m perfkit.geography.derive PATH/las.csv`)")
        return found

    lists: dict[str, list[str]] = {}
    for number, mine in frame.groupby("la_number", sort=False):
        area = code(number, "old_la_code", number)
        if area in lists:
            raise ConfigError(f"{path}: row {row_of[number]}, column old_la_code: DfE number {number} ({area}) has a second row; keep one row per authority")
        lists[area] = [c for c in dict.fromkeys(code(n, f"SN_{r}", number) for n, r in zip(mine["neighbour"], mine["rank"])) if c != area]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return NeighbourLists(code=CODE, name=NAME, lists=dict(sorted(lists.items())), indicators=pack_indicators(),
                          source=f"{SOURCE}; sha256 {digest}", date=(today or dt.date.today()).isoformat())


def text(lists: NeighbourLists) -> str:
    """The shipped file's text: a header saying what it is, then the lists."""
    header = (f"# {lists.name}: every authority's own list, by ONS code, derived from DfE's file by\n"
              "# `python -m perfkit.scaffold.dfe_neighbours PATH/sn_model_2025_wide.csv` (README, \"The shipped library\").\n"
              "# Do not edit: rerun the script. Each area is ranked among its own list for the indicators below.\n")
    return header + yaml.safe_dump(lists.model_dump(), sort_keys=False, allow_unicode=True, default_flow_style=None, width=200)


def write(path: str | Path, out: str | Path = FOLDER, today: dt.date | None = None) -> Path:
    """Derive the lists from DfE's file at ``path`` and write ``<out>/<CODE>.yaml``; return it."""
    from perfkit.atomic import write_text

    target = Path(out) / f"{CODE}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, text(derive(path, today)))
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m perfkit.scaffold.dfe_neighbours", description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path, help="DfE's sn_model_2025_wide.csv")
    parser.add_argument("--out", type=Path, default=FOLDER, help="where to write the lists (default: the dfe-children pack's neighbours/)")
    args = parser.parse_args(argv)
    try:
        target = write(args.model, args.out)
    except ConfigError as exc:
        raise SystemExit(str(exc)) from None
    lists = NeighbourLists.model_validate(read_yaml(target))
    print(f"{target}: lists for {len(lists.lists)} authorities, the default group of {', '.join(lists.indicators)}")


if __name__ == "__main__":
    main()
