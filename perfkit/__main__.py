"""``python -m perfkit``: the same as the ``perfkit`` command."""

from perfkit.cli.app import run

run()
