"""Escaping people's text for HTML and typst: the one place it is done.

Commentary and narrative come from people. In HTML every text goes through
:func:`html_text`; in typst every text becomes a string literal (``#"..."``), which typst
shows as it is, so ``#``, ``$``, ``*``, ``@``, ``_`` and ``//`` never act as markup.
Control characters are dropped in both (:func:`perfkit.text.printable`).

>>> html_text('<script>alert("x")</script>')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
>>> typst_text('Cost #1 is $5 *now* @ref "quoted" \\\\ end')
'#"Cost #1 is $5 *now* @ref \\\\"quoted\\\\" \\\\\\\\ end";'
"""

from __future__ import annotations

import html

from perfkit.text import printable

__all__ = ["html_text", "typst_string", "typst_text"]


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
