"""perfkit's version, in a module of its own: the layers that record it (ingest batches, the
build manifest, provenance, rendered files) import it without loading the package's API."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("perfkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
