"""perfkit: committee-ready performance reports from indicator data."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("perfkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

from perfkit.errors import ConfigError, IngestError, PerfkitError, PeriodError, StoreError  # noqa: E402
from perfkit.periods import Freq, Period, parse_period  # noqa: E402

__all__ = [
    "ConfigError",
    "Freq",
    "IngestError",
    "Period",
    "PerfkitError",
    "PeriodError",
    "StoreError",
    "__version__",
    "parse_period",
]
