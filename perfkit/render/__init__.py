"""Rendering: executed report notebooks to HTML, PDF, Word and open data (see :mod:`perfkit.render.formats`)."""
