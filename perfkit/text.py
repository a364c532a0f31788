"""People's text made safe to store, typeset, escape for HTML and typst, and print in a terminal: the one place.

Commentary, notes and names come from spreadsheets people typed in. Control characters
(NUL, bell, escape sequences that retitle or clear a terminal, C1 controls) and the
byte-order mark U+FEFF show as nothing in a browser, cannot be typeset in a tagged PDF,
and can drive a terminal; the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
U+2066-U+2069) make text show in another order than it was typed (a right-to-left override
shows "on track" as "kcart no"). They are removed; line breaks and tabs are kept.

In HTML every text goes through :func:`html_text`; in typst every text becomes a string
literal (``#"..."``), which typst shows as it is, so ``#``, ``$``, ``*``, ``@``, ``_`` and
``//`` never act as markup.

>>> printable("On\\x00 track\\x1b]0;owned\\x07 \\ufeffnow\\r\\nnext")
'On track]0;owned now\\nnext'
>>> printable("Status: \\u202eon track\\u202c.")
'Status: on track.'
>>> html_text('<script>alert("x")</script>')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
>>> typst_text('Cost #1 is $5 *now* @ref "quoted" \\\\ end')
'#"Cost #1 is $5 *now* @ref \\\\"quoted\\\\" \\\\\\\\ end";'
"""

from __future__ import annotations

import html
import re

__all__ = ["CONTROLS", "html_text", "printable", "shortened", "typst_string", "typst_text"]

#: C0 controls except tab and line feed, DEL, C1 controls, the bidirectional controls, the
#: byte-order mark, the two non-characters U+FFFE/U+FFFF and lone surrogates; as an RE2 class
#: (DuckDB) and a Python one.
CONTROLS = r"[\x{0}-\x{8}\x{b}-\x{1f}\x{7f}-\x{9f}\x{202a}-\x{202e}\x{2066}-\x{2069}\x{feff}\x{fffe}\x{ffff}]"
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]")


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


#: A run of this many characters without a space (a pasted link, a code, a 3,000-character title)
#: gets a break opportunity every :data:`_BREAK_EVERY` characters: typst never breaks a word by
#: itself, so one would run off the page and over the footer.
_LONG_WORD, _BREAK_EVERY = 30, 20
_WORD = re.compile(r"\S{%d,}" % _LONG_WORD)


def _breakable(text: str) -> str:
    return _WORD.sub(lambda m: "\u200b".join(m[0][i : i + _BREAK_EVERY] for i in range(0, len(m[0]), _BREAK_EVERY)), text)


def typst_text(text: object) -> str:
    """``text`` as typst markup that shows it literally, long unbroken words breakable (a zero-width space).

    >>> typst_text("see " + "x" * 45)
    '#"see xxxxxxxxxxxxxxxxxxxx\u200bxxxxxxxxxxxxxxxxxxxx\u200bxxxxx";'
    """
    return "#" + typst_string(_breakable(printable(text))) + ";"  # the semicolon ends the expression: "#"x".y" would call .y
