"""perfkit: committee-ready performance reports from indicator data.

>>> import perfkit
>>> perfkit.parse_period("Q3 2025/26").same_period_last_year()
Period('2024/25 Q3')
"""

from __future__ import annotations

import os as _os
import signal as _signal
import sys as _sys


def _stop_while_starting(_number: int, _frame: object) -> None:
    _sys.stderr.write("stopped by Ctrl-C: nothing was written\n")
    _os._exit(130)


# The `perfkit` command stopped by Ctrl-C while it is still importing (about a second): one line
# and exit 130, not a traceback; the command puts Python's own handler back as it starts
# (perfkit.cli.app), and then says what was kept. Imported by anything else, nothing changes.
if ((_sys.argv and _os.path.basename(_sys.argv[0]) == "perfkit") or getattr(_sys, "orig_argv", [])[1:3] == ["-m", "perfkit"]) \
        and _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
    _signal.signal(_signal.SIGINT, _stop_while_starting)

from perfkit import _moved  # noqa: E402
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
