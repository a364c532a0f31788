"""Where things live: the project folder, params, the store, outputs.

The one place that decides paths. A project folder is the nearest folder at or above the
working directory that holds ``params/council.yaml``; ``PERFKIT_HOME`` overrides it, and
``PERFKIT_STORE`` (or ``--store``) overrides the store file. A report notebook is the
project's own ``notebooks/<name>`` when there is one, else the default shipped with perfkit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PACKAGED_NOTEBOOKS", "Project", "project"]

#: The default report notebooks, shipped inside the package (in the source tree a link to
#: the repository's top-level ``notebooks/``, so each notebook has one source).
PACKAGED_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@dataclass(frozen=True)
class Project:
    """The folders of one perfkit project."""

    root: Path
    store_override: Path | None = None

    @property
    def params(self) -> Path:
        return self.root / "params"

    @property
    def store(self) -> Path:
        """The DuckDB file: ``--store``, else ``PERFKIT_STORE``, else ``data/perfkit.duckdb``."""
        if self.store_override is not None:
            return self.store_override
        env = os.environ.get("PERFKIT_STORE")
        return Path(env) if env else self.root / "data" / "perfkit.duckdb"

    @property
    def demo_data(self) -> Path:
        """Where ``perfkit demo`` writes the generated CSV files it then ingests."""
        return self.root / "data" / "demo"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    @property
    def notebook_folders(self) -> tuple[Path, ...]:
        """Where report notebooks are looked up, first match wins: the project's own, then perfkit's."""
        return (self.root / "notebooks", PACKAGED_NOTEBOOKS)

    def notebook(self, name: str) -> Path:
        """The notebook ``name`` this project builds with (see :attr:`notebook_folders`)."""
        return next((f / name for f in self.notebook_folders if (f / name).is_file()), self.root / "notebooks" / name)

    def own_notebook(self, name: str) -> dict[str, str] | None:
        """Where the project runs a notebook of its own for ``name`` (one that is not byte for byte
        perfkit's shipped notebook): its path, relative to the project, and SHA-256; else None.
        The build names each in its summary, the manifest and the executed notebook's metadata:
        a notebook is code, and what runs is said."""
        import hashlib

        path, shipped = self.notebook(name), PACKAGED_NOTEBOOKS / name
        if not path.is_file() or path.resolve() == shipped.resolve():
            return None
        data = path.read_bytes()
        if shipped.is_file() and shipped.read_bytes() == data:
            return None
        shown = path.resolve().relative_to(self.root.resolve()).as_posix() if self.root.resolve() in path.resolve().parents else str(path)
        return {"path": shown, "sha256": hashlib.sha256(data).hexdigest()}


def _find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "params" / "council.yaml").is_file():
            return folder
    return start


def project(root: str | Path | None = None, store: str | Path | None = None) -> Project:
    """The project at ``root``, else ``PERFKIT_HOME``, else found from the working folder."""
    if root is None:
        env = os.environ.get("PERFKIT_HOME")
        root = Path(env) if env else _find_root(Path.cwd().resolve())
    return Project(Path(root).resolve(), Path(store) if store is not None else None)
