"""perfkit's library of published indicators: what ``perfkit init --library`` copies.

The library is package data in ``perfkit/library/``, one folder per pack (``dfe-children``,
``planning``), each laid out as a project's ``params/``: ``indicators/<pack>.yaml`` (catalogue
entries with their units, polarities and decimals, so a new council need not guess them),
``sources/*.yaml`` (the mappings that read the publishers' files as published) and
``pack.yaml`` (its title and the releases it reads, in the order to import them). Each
mapping is tested against its real file (tests/unit/test_library.py). The demo council's
params are not the library: a new council's project gets the library, the demo keeps its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from perfkit.config.yaml import read_yaml
from perfkit.errors import ConfigError

__all__ = ["LIBRARY", "Pack", "Release", "choose_packs", "packs"]

#: The library's folder, shipped inside the package.
LIBRARY = Path(__file__).resolve().parents[1] / "library"


@dataclass(frozen=True)
class Release:
    """One published file a pack reads: its mapping (``perfkit ingest --source``) and file."""

    source: str
    file: str
    what: str


@dataclass(frozen=True)
class Pack:
    """One pack of the library: catalogue entries and the mappings that read their releases."""

    name: str
    title: str
    releases: tuple[Release, ...]
    folder: Path

    def files(self) -> dict[str, str]:
        """Its files by their path inside a project's ``params/`` (``indicators/...``, ``sources/...``)."""
        return {p.relative_to(self.folder).as_posix(): p.read_text(encoding="utf-8")
                for p in sorted(self.folder.rglob("*.yaml")) if p.name != "pack.yaml"}

    def codes(self) -> list[str]:
        """The indicator codes its catalogue defines."""
        return [i["code"] for f in sorted((self.folder / "indicators").glob("*.yaml")) for i in read_yaml(f).get("indicators", [])]


def packs() -> dict[str, Pack]:
    """Every pack of the library, by name."""
    found = {}
    for about in sorted(LIBRARY.glob("*/pack.yaml")):
        data = read_yaml(about)
        releases = tuple(Release(r["source"], r["file"], r["what"]) for r in data["releases"])
        found[about.parent.name] = Pack(about.parent.name, data["title"], releases, about.parent)
    return found


def choose_packs(names: str | list[str] | None) -> list[Pack]:
    """The packs a ``--library`` option names: comma-separated names, ``all`` (the default, also
    for None) or ``none``. An unknown name is refused with the packs there are."""
    every = packs()
    if names is None:
        names = ["all"]
    elif isinstance(names, str):
        names = [names]
    wanted = [n.strip().lower() for text in names for n in text.split(",") if n.strip()]
    if wanted in (["all"], []):
        return list(every.values())
    if wanted == ["none"]:
        return []
    unknown = [n for n in wanted if n not in every]
    if unknown:
        raise ConfigError(f"--library {','.join(names)}: no pack named {', '.join(unknown)} in perfkit's library; choose from "
                          f"{', '.join(every)} (comma-separated), all (the default) or none")
    return [every[n] for n in dict.fromkeys(wanted)]
