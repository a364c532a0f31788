"""People's text made safe to store, typeset, escape for HTML and typst, and print in a terminal: the one place.

Commentary, notes and names come from spreadsheets people typed in. Control characters
(NUL, bell, escape sequences that retitle or clear a terminal, C1 controls) and the
byte-order mark U+FEFF show as nothing in a browser, cannot be typeset in a tagged PDF,
and can drive a terminal. They are removed; line breaks and tabs are kept.

In HTML every text goes through :func:`html_text`; in typst every text becomes a string
literal (``#"..."``), which typst shows as it is, so ``#``, ``$``, ``*``, ``@``, ``_`` and
``//`` never act as markup.

>>> printable("On\\x00 track\\x1b]0;owned\\x07 \\ufeffnow\\r\\nnext")
'On track]0;owned now\\nnext'
>>> html_text('<script>alert("x")</script>')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
>>> typst_text('Cost #1 is $5 *now* @ref "quoted" \\\\ end')
'#"Cost #1 is $5 *now* @ref \\\\"quoted\\\\" \\\\\\\\ end";'
"""

from __future__ import annotations

import html
import re

__all__ = ["CONTROLS", "html_text", "printable", "shortened", "typst_string", "typst_text"]

#: C0 controls except tab and line feed, DEL, C1 controls, the byte-order mark, the two
#: non-characters U+FFFE/U+FFFF and lone surrogates; as an RE2 class (DuckDB) and a Python one.
CONTROLS = r"[\x{0}-\x{8}\x{b}-\x{1f}\x{7f}-\x{9f}\x{feff}\x{fffe}\x{ffff}]"
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff\ud800-\udfff]")


def printable(text: object) -> str:
    """``text`` without control characters; a carriage return before a line feed is dropped,
    one on its own becomes a line feed."""
    raw = "" if text is None else str(text)
    if not _CONTROLS.search(raw):
        return raw
    return _CONTROLS.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))


def shortened(text: str, limit: int = 80) -> str:
    """``text`` as a message shows it: whole up to ``limit`` characters, else its start and its length.

    >>> shortened("x" * 100)
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... (100 characters)'
    """
    return text if len(text) <= limit else f"{text[: limit - 20]}... ({len(text):,} characters)"


def html_text(text: object) -> str:
    """``text`` safe to place in HTML content or a quoted attribute."""
    return html.escape(printable(text), quote=True)


def typst_string(text: object) -> str:
    """``text`` as a typst string literal, e.g. for a function argument."""
    escaped = printable(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'


def typst_text(text: object) -> str:
    """``text`` as typst markup that shows it literally."""
    return "#" + typst_string(text) + ";"  # the semicolon ends the expression: "#"x".y" would call .y
