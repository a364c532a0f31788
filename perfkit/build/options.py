"""What a build is asked to do, as one frozen object (:class:`BuildOptions`): the CLI fills it
from its options, a notebook or another tool writes it by hand, and
:func:`perfkit.build.builder.build` takes it.

>>> BuildOptions(periods=("2025/26 Q2",), formats="html").formats
('html',)
>>> BuildOptions(formats="html, PDF").formats
('html', 'pdf')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path

__all__ = ["BuildOptions"]


def _strings(value: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class BuildOptions:
    """A build's settings. Every field has the default ``perfkit build`` uses.

    ``periods`` (default: the latest complete quarter), ``directorates``, ``reports`` and
    ``areas`` (default: all) choose what is built; ``formats`` ("html,pdf" or a sequence);
    ``jobs`` worker processes (default: one per core); ``out`` the output folder (default:
    the project's outputs/); ``store`` another store file; ``engine`` nbconvert or quarto;
    ``force`` rebuilds what is up to date; ``scheduler`` a Dask scheduler's address;
    ``warm_kernels`` one reset kernel per worker; ``strict`` stops when the data check finds
    a figure missing (and ``perfkit build --strict`` exits 1 when the paper audit finds a
    failure in the papers built); ``as_of`` rebuilds from the store as it stood at a publication (its
    id) or a date and time.
    """

    periods: tuple[str, ...] | None = None
    directorates: tuple[str, ...] | None = None
    reports: tuple[str, ...] | None = None
    areas: tuple[str, ...] | None = None
    formats: tuple[str, ...] = ("html", "pdf")
    jobs: int | None = None
    out: Path | None = None
    store: Path | None = None
    engine: str = "nbconvert"
    force: bool = False
    scheduler: str | None = None
    warm_kernels: bool = True
    strict: bool = False
    as_of: str | None = None

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 - frozen: normalised once, here
        for name in ("periods", "directorates", "reports", "areas"):
            set_(name, _strings(getattr(self, name)) or None)
        chosen = self.formats.split(",") if isinstance(self.formats, str) else self.formats
        set_("formats", tuple(f.strip().lower() for f in chosen if f.strip()))
        for name in ("out", "store"):
            if getattr(self, name) is not None:
                set_(name, Path(getattr(self, name)))

    @classmethod
    def names(cls) -> list[str]:
        """The settings' names, in order."""
        return [f.name for f in fields(cls)]

    def but(self, **changes: object) -> BuildOptions:
        """These options with ``changes``."""
        return replace(self, **changes)
