"""Naming characters that look like Latin ones but are not (a Cyrillic А in a code).

A code pasted from a document typed on another keyboard layout can hold a letter that looks
the same as a Latin one and is another character: ``HSG_TА`` with the Cyrillic capital А is
not the indicator ``HSG_TA``. :func:`not_latin` says which character it is, what it looks
like, and where, so the message can point at it.
"""

from __future__ import annotations

import unicodedata

__all__ = ["not_latin"]

#: Letters of other scripts drawn as a Latin letter (Cyrillic, then Greek): (theirs, the Latin look-alike).
_LOOKS_LIKE = dict(zip("АВЕКМНОРСТХУЅІЈаеорсухіјѕԁӏΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοικνρτυχ",
                       "ABEKMHOPCTXYSIJaeopcyxijsdlABEZHIKMNOPTYXaoikvptux"))


def not_latin(text: str) -> str | None:
    """What in ``text`` is not plain ASCII, in words (its first such character: which it is,
    what it looks like, its place), or None when every character is ASCII."""
    for place, char in enumerate(text, start=1):
        if ord(char) < 128:
            continue
        name = unicodedata.name(char, "an unnamed character")
        plain = _LOOKS_LIKE.get(char) or unicodedata.normalize("NFKC", char)
        looks = f", which looks like the Latin '{plain}'" if plain.isascii() and plain.isprintable() and plain != char else ""
        return f"its character {place} ({char!r}) is not a Latin letter or digit but U+{ord(char):04X} {name}{looks}"
    return None
