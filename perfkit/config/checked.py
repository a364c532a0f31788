"""Params already checked, kept between commands: a large catalogue is read and checked once.

Reading and checking 10,000 indicators from YAML takes seconds (the YAML parser builds every
value in Python, and each indicator's targets are checked against the calendar); a command
that shows one indicator should not pay that. So once a catalogue of :data:`KEEP_FROM` or
more indicators has been checked, what was checked is kept as JSON lines in the project's
``.perfkit-cache/`` folder (beside ``params/``), under a key made of the contents of every
file it was read from and of the perfkit code that checks them: change any of them and the
key changes, so a kept catalogue is never out of date. Plain JSON, never pickle: a file
planted there can give only values, which are validated again when used (:class:`Checked`);
a kept file that cannot be read, or a folder that cannot be written, is passed over in silence
(the catalogue is then read from params as always).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from perfkit._version import __version__
from perfkit.atomic import write_text

__all__ = ["FOLDER", "KEEP_FROM", "Checked", "keep", "key_of", "kept"]

#: The project's folder of kept params (beside ``params/``): safe to delete at any time.
FOLDER = ".perfkit-cache"
#: The fewest indicators worth keeping (a smaller catalogue is read from YAML in well under 0.2 s).
KEEP_FROM = 500
_CODE = [Path(__file__).with_name(n) for n in ("catalogue.py", "groups.py", "calendar.py", "council.py", "yaml.py", "checked.py")]


def key_of(params: Path, patterns: Iterable[str]) -> str:
    """The key of what ``params`` holds in the files matching ``patterns`` (each file's name and
    bytes), and of the perfkit code that reads and checks them."""
    digest = hashlib.sha256(__version__.encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    for pattern in patterns:
        for path in sorted(params.glob(pattern)):
            if path.is_file():
                data = path.read_bytes()
                digest.update(f"\0{path.relative_to(params).as_posix()}\0{len(data)}\0".encode())
                digest.update(data)
    return digest.hexdigest()


def _path(params: Path, what: str, key: str) -> Path:
    return params.parent / FOLDER / f"{what}-{key[:32]}.jsonl"


#: What was read from a kept file in this process (a command may load its catalogue twice).
_READ: dict[Path, tuple[tuple[int, int], tuple[dict, dict[str, str]]]] = {}


def kept(params: Path, what: str, key: str) -> tuple[dict, dict[str, str]] | None:
    """The ``what`` kept under ``key`` for ``params``: its head (JSON values) and its items, each
    as the JSON text :class:`Checked` validates when it is first asked for; or None."""
    path = _path(params, what, key)
    try:
        stat = path.stat()
        seen = (stat.st_mtime_ns, stat.st_size)
        if path in _READ and _READ[path][0] == seen:
            return _READ[path][1]
        head, *lines = path.read_text(encoding="utf-8").splitlines()
        found = json.loads(head)
        items = dict(line.split("\t", 1) for line in lines)
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or found.get("key") != key:
        return None
    _READ[path] = seen, (found, items)
    return found, items


def keep(params: Path, what: str, key: str, head: dict, items: Mapping[str, BaseModel]) -> None:
    """Keep ``head`` (JSON values) and ``items`` (models by a key without tabs or newlines) as
    ``what`` under ``key``, one item a line, replacing any older ``what``; a folder that cannot
    be written is passed over."""
    path = _path(params, what, key)
    try:
        for old in path.parent.glob(f"{what}-*.jsonl"):
            if old != path:
                old.unlink(missing_ok=True)
        lines = [json.dumps({**head, "key": key}), *(f"{k}\t{m.model_dump_json()}" for k, m in items.items())]
        write_text(path, "\n".join(lines) + "\n", record=False)  # a saving, not something a command made
    except Exception:  # noqa: BLE001 - keeping is only a saving: a read-only project, a full disk or a publication folder loses nothing
        return


class Checked(Mapping[str, Any]):
    """Models by key, validated from kept JSON text when first asked for (one indicator shown
    costs one validation, not ten thousand). Text that no longer validates (a kept file damaged
    or planted) is never used: the models come from ``fresh()`` (read from params) instead."""

    def __init__(self, model: type[BaseModel], values: Mapping[str, str], fresh: Callable[[], Mapping[str, Any]]) -> None:
        self._model, self._values, self._fresh = model, values, fresh
        self._made: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._made:
            text = self._values[key]
            try:
                self._made[key] = self._model.model_validate_json(text)
            except ValidationError:
                self._made = dict(self._fresh())
                self._values = dict.fromkeys(self._made, "")
        return self._made[key]

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)
