"""The typefaces a PDF is set in, and what they can show.

A tagged PDF (PDF/UA) refuses a character that no font it uses has a glyph for: one
Chinese name or an unusual symbol in commentary would otherwise stop the PDF being made.
Papers are set in the first of :data:`FAMILIES` the machine has; matplotlib's own copy of
DejaVu Sans is always given to typst as well, so a machine with no fonts installed still
typesets. A character none of the families has is shown as U+FFFD (a visible
replacement mark) and named in the build's checks, with the font to install.
"""

from __future__ import annotations

import functools
from pathlib import Path

from perfkit.text import printable

__all__ = ["FAMILIES", "font_paths", "typesettable"]

#: In order of preference. Noto Sans CJK covers Chinese, Japanese and Korean where it is
#: installed (Debian: fonts-noto-cjk); DejaVu Sans covers most other scripts and symbols.
FAMILIES = ("Liberation Sans", "Arial", "DejaVu Sans", "Noto Sans CJK SC")
REPLACEMENT = "\ufffd"


def font_paths() -> list[str]:
    """Folders of fonts typst is given besides the system's: matplotlib's bundled ones."""
    import matplotlib

    return [str(Path(matplotlib.get_data_path()) / "fonts" / "ttf")]


@functools.cache
def _faces() -> tuple[tuple[object, ...], ...]:
    """For each of :data:`FAMILIES` the machine has, its regular and bold faces (opened once)."""
    from matplotlib import font_manager, ft2font

    families = []
    for family in FAMILIES:
        files = {Path(f.fname).name: f.fname for f in font_manager.fontManager.ttflist
                 if f.name == family and f.stretch == "normal" and f.weight in (400, 700, "normal", "bold")}
        faces = []
        for fname in files.values():
            try:
                faces.append(ft2font.FT2Font(fname))
            except (OSError, RuntimeError):  # an unreadable font file is not used
                continue
        if faces:
            families.append(tuple(faces))
    return tuple(families)


@functools.cache
def _covered(char: str) -> bool:
    """Whether every regular and bold face of one of the families has a glyph for ``char``."""
    return any(all(face.get_char_index(ord(char)) for face in faces) for faces in _faces())


def typesettable(text: str) -> tuple[str, list[str]]:
    """``text`` without control characters, each character no family has replaced by
    U+FFFD; and the characters replaced (each once, in order)."""
    text = printable(text)
    if text.isascii():
        return text, []
    missing = [c for c in dict.fromkeys(text) if not c.isascii() and not _invisible(c) and not _covered(c)]
    for char in missing:
        text = text.replace(char, REPLACEMENT)
    return text, missing


def _invisible(char: str) -> bool:
    """Format characters (zero-width joiners, direction marks): typeset without a glyph."""
    import unicodedata

    return unicodedata.category(char) == "Cf"
