"""An analysis's front matter: a cell tagged ``paper`` holding YAML, or ``metadata.perfkit.paper``.

It becomes the paper's header block (title, author, committee, date, status) and its summary.
Checked with pydantic; an error names the notebook, where the front matter is, the field and
the fix.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from perfkit.errors import ConfigError
from perfkit.text import shortened

__all__ = ["FrontMatter", "PAPER_TAG", "front_matter", "front_text"]

PAPER_TAG = "paper"


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, dates left as text for pydantic to check (YAML's own date reading
    fails on 2026-13-40 with no word of where)."""


_Loader.yaml_implicit_resolvers = {first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
                                   for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
FIELDS = "title, author, committee, date, status, summary"


class FrontMatter(BaseModel):
    """What the header block says (see the module)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    author: str = ""
    committee: str = ""
    date: dt.date | None = None  # the render's day when not given
    status: str = "draft"
    summary: str = ""

    @field_validator("author", "committee", "status", "summary", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return "" if value is None else value

    def filled(self, parameters: dict[str, Any], today: dt.date) -> FrontMatter:
        """The front matter with ``{name}`` replaced by the notebook's parameters (a title per
        area with ``--each area=...``) and the date set."""

        class Keep(dict):
            def __missing__(self, key: str) -> str:
                return "{" + key + "}"

        def fill(text: str) -> str:
            try:
                return text.format_map(Keep({k: str(v) for k, v in parameters.items()}))
            except (ValueError, IndexError):  # braces that are not a placeholder: left as written
                return text

        return self.model_copy(update={"title": fill(self.title), "summary": fill(self.summary), "date": self.date or today})


def front_text(front: dict[str, Any]) -> str:
    """Front matter as the YAML a ``paper`` cell holds."""
    return yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)


def front_matter(nb: Any, path: Path) -> tuple[FrontMatter, int | None]:
    """The notebook's front matter and the index of the cell holding it (None: from its metadata)."""
    found = [(i, c) for i, c in enumerate(nb.cells) if PAPER_TAG in c.get("metadata", {}).get("tags", [])]
    if len(found) > 1:
        raise ConfigError(f"{path}: cells {', '.join(str(i + 1) for i, _ in found)} are all tagged '{PAPER_TAG}'; "
                          "keep one front-matter cell and remove the tag from the others")
    where, index = "", None
    if found:
        index, cell = found[0]
        where = f"the front matter (cell {index + 1}, tagged '{PAPER_TAG}')"
        text = "".join(cell.source).strip()
        text = text.removeprefix("---").removesuffix("---") if text.startswith("---") else text
        try:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f" at its line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"{path}: {where} is not YAML{line} ({shortened(str(exc).splitlines()[0])}); "
                              f"write one 'field: value' a line ({FIELDS}), and put a value that holds ': ' in quotes "
                              "(title: \"Temporary accommodation: who stays longest\")") from None
    else:
        data = nb.metadata.get("perfkit", {}).get("paper")
        where = "the front matter (metadata.perfkit.paper)"
        if data is None:
            raise ConfigError(
                f"{path}: no front matter: add a raw cell tagged '{PAPER_TAG}' holding YAML with at least a title "
                f"({FIELDS}), e.g. 'title: Temporary accommodation', or start from `perfkit lab --new TITLE`")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: {where} holds {shortened(repr(data))}, not fields; write one 'field: value' a line ({FIELDS})")
    try:
        return FrontMatter.model_validate(data), index
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "(all)"
            fix = {"date": "write it as YYYY-MM-DD, e.g. 2026-03-31", "title": "give the paper a title"}.get(field, "")
            fix = fix or (f"the fields are {FIELDS}" if err["type"] == "extra_forbidden" else "")
            lines.append(f"{path}: {where}: field '{field}': {err['msg']} (got {shortened(repr(err.get('input')))})"
                         + (f"; {fix}" if fix else ""))
        raise ConfigError("\n".join(lines)) from None
