"""The one reader of params files: YAML's safe loader, aliases bounded, and a bad key said
as the file, the entry and the key.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
>>> _ = path.write_text("a: &x [1, 2]\\nb: *x\\n")
>>> read_yaml(path)
{'a': [1, 2], 'b': [1, 2]}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from perfkit.errors import ConfigError
from perfkit.text import shortened

__all__ = ["YAML_MAX_VALUES", "explain", "read_model", "read_yaml"]

#: libyaml's safe loader where PyYAML was built with it (10x faster), else the Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: The most values a params file may hold once its aliases (``*name``) are expanded: a
#: few aliases that refer to each other ("billion laughs") would otherwise expand to
#: gigabytes when a message shows the value.
YAML_MAX_VALUES = 100_000


def _expanded_size(node: yaml.Node, seen: dict[int, int]) -> int:
    """How many values ``node`` stands for with every alias expanded (each shared node counted once per use)."""
    if id(node) in seen:
        return seen[id(node)]
    seen[id(node)] = 1  # a node that refers to itself counts once
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, seen) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, seen) + _expanded_size(v, seen) for k, v in node.value)
    else:
        size = 1
    seen[id(node)] = size
    return size


def read_yaml(path: Path) -> Any:
    """The YAML document in ``path``, read with the safe loader; aliases expanding beyond
    :data:`YAML_MAX_VALUES` values, bad UTF-8 or bad YAML are refused naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
        loader = _LOADER(text)  # parsed once: the nodes checked are the nodes built
        try:
            node = loader.get_single_node()
            if node is not None and "*" in text and _expanded_size(node, {}) > YAML_MAX_VALUES:
                raise ConfigError(
                    f"{path}: its aliases (*name) expand to more than {YAML_MAX_VALUES:,} values, far more than params need; "
                    "write the values out instead of nesting aliases"
                )
            return None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read it as UTF-8 YAML: {str(exc)[:500]}") from None


def read_model(path: Path, model: type[BaseModel], what: str, purpose: str) -> Any:
    """Read ``path`` as one ``model``; a missing file or bad key names the file and key."""
    if not path.is_file():
        raise ConfigError(f"{path}: missing; it {purpose}")
    try:
        return model.model_validate(read_yaml(path))
    except ValidationError as exc:
        raise explain(path, what, exc) from None


def explain(path: Path, what: str, exc: ValidationError) -> ConfigError:
    """A pydantic error as perfkit says it: the file, what was read, the key, the problem and the bad value."""
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(whole entry)"
        bad = err.get("input")
        shown = "" if isinstance(bad, dict) else f" (got {shortened(repr(bad))})"
        lines.append(f"{path}: {what}: key '{key}': {err['msg']}{shown}")
    return ConfigError("\n".join(lines))
