"""``python -m perfkit``: the same as the ``perfkit`` command."""

from perfkit.cli import run

run()
