"""The ``perfkit`` command: each command parses its options and calls the library."""

from perfkit.cli.app import app

__all__ = ["app"]
