"""perfkit: committee-ready performance reports from indicator data.

>>> import perfkit
>>> perfkit.parse_period("Q3 2025/26").same_period_last_year()
Period('2024/25 Q3')
"""

from __future__ import annotations

from perfkit import _moved
from perfkit._version import __version__

_moved.install()

from perfkit.api import (  # noqa: E402
    benchmark,
    get_catalogue,
    get_council,
    latest_period,
    observations,
    scorecard,
)
from perfkit.errors import (  # noqa: E402
    ConfigError,
    IngestError,
    PerfkitError,
    PeriodError,
    StoreError,
)
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
    "benchmark",
    "get_catalogue",
    "get_council",
    "latest_period",
    "observations",
    "parse_period",
    "scorecard",
]
