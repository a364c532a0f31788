"""perfkit's exceptions: one base class, a few specific subclasses.

Every message says what is wrong, where (file, row, column, key) and how to fix it.
"""

from __future__ import annotations


class PerfkitError(Exception):
    """Base class of every error perfkit raises on purpose."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)


class PeriodError(PerfkitError, ValueError):
    """A period label that cannot be read, or period arithmetic that makes no sense."""


class ConfigError(PerfkitError):
    """A params file (catalogue, comparator group, calendar) is invalid."""


class IngestError(PerfkitError):
    """A data file was rejected; nothing from it was written.

    ``problems`` holds one :class:`perfkit.ingest.Problem` per bad cell or row.
    """

    def __init__(self, msg: str, problems: list | None = None) -> None:
        super().__init__(msg)
        self.problems = list(problems or [])


class StoreError(PerfkitError):
    """The store cannot be opened or queried."""
