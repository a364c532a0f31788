"""What crosses perfkit's layers, written once: the vocabularies stored rows and assessments
use, the MIME types display blocks carry to the renderers, and the notebook metadata key.

Everything here is data (and two sentences made from it), importing nothing of perfkit, so any layer may depend on it.
"""

from __future__ import annotations

__all__ = [
    "ACTION_STATUSES", "BLOCK_MIME", "COUNTS_DISAGREE", "OPEN_ACTIONS", "ENGLAND", "DIRECTION_LABELS", "LIVE", "METADATA_KEY", "META_MIME", "OFF_TARGET", "OPEN_DATA_MIME", "RED_LIST", "PROVENANCE_MIME", "RAG_LABELS",
    "RAG_RULES", "RAG_WORDS", "rag_key", "rag_phrase",
    "STATUSES", "SUPPRESSION_CODES", "TYPST_MIME",
]

#: A stored row's status; the first two have a value that counts ("live").
STATUSES = ("ok", "provisional", "suppressed", "missing")
LIVE = ("ok", "provisional")
#: An action's status, as its owner reports it each period (an action past its due date and
#: still open is also called overdue by the paper), and those that carry it to the next return.
ACTION_STATUSES = ("not started", "on track", "at risk", "complete", "dropped")
OPEN_ACTIONS = ("not started", "on track", "at risk")
#: Cell codes used in published statistics (DfE / Explore Education Statistics), and the
#: status a cell holding one is stored with.
SUPPRESSION_CODES = {
    "c": ("suppressed", "c: confidential, small count"),
    "low": ("suppressed", "low: rounds to zero but is not zero"),
    "u": ("suppressed", "u: low reliability"),
    "x": ("missing", "x: not available"),
    "z": ("missing", "z: not applicable"),
}
#: The ONS code of England, which published national rows carry.
ENGLAND = "E92000001"
#: A published row kept as published although its value disagrees with its own counts.
COUNTS_DISAGREE = "counts_disagree"
#: RAG ratings, in the order papers count them. "off target" is a withheld figure that is
#: amber or red whichever value it hides: the widest true statement that reveals nothing.
RAG_LABELS = ("green", "amber", "red", "off target", "no target", "withheld", "no data")
#: The ratings that miss their target: each gets an exception, commentary and actions.
OFF_TARGET = ("red", "amber", "off target")
#: The ratings page 1 and the corporate list of Reds name: Red, and a withheld figure off
#: target (which may be Red: never counted as Amber, nor narrowed to Red).
RED_LIST = ("red", "off target")
#: Each RAG rating as a paper writes it: its icon, its word, and what it says of one figure.
RAG_WORDS = {
    "green": ("✓", "Green", "target met"),
    "amber": ("▲", "Amber", "just off target"),
    "red": ("✕", "Red", "off target"),
    "off target": ("◆", "Off target (withheld)", "amber or red whatever the hidden figure is"),
    "no target": ("–", "No target", ""),
    "withheld": ("◌", "Withheld", "the RAG would reveal a small number"),
    "no data": ("?", "No data", ""),
}
#: How each rating is decided, as the scorecard's key states it.
RAG_RULES = {
    "green": "target met",
    "amber": "missed by no more than the tolerance",
    "red": "missed by more",
    "off target": "a withheld figure that misses its target whatever its value",
    "withheld": "where the RAG would reveal a withheld small number",
}


def rag_phrase(rag: str) -> str:
    """A rating in words, as a caption gives it: 'Green, target met', 'No data'.

    >>> rag_phrase("amber"), rag_phrase("withheld"), rag_phrase("no target")
    ('Amber, just off target', 'Withheld: the RAG would reveal a small number', 'No target')
    >>> rag_phrase("off target")
    'Off target (withheld): amber or red whatever the hidden figure is'
    """
    _, word, meaning = RAG_WORDS[rag]
    return f"{word}{':' if rag in ('withheld', 'off target') else ','} {meaning}" if meaning else word


def rag_key() -> str:
    """The scorecard key's sentence on RAG: each rating's icon, word and rule.

    >>> rag_key()
    'RAG: ✓ Green, target met; ▲ Amber, missed by no more than the tolerance; ✕ Red, missed by more; ◆ Off target (withheld), a withheld figure that misses its target whatever its value; ◌ Withheld, where the RAG would reveal a withheld small number.'
    """
    return "RAG: " + "; ".join(f"{RAG_WORDS[r][0]} {RAG_WORDS[r][1]}, {rule}" for r, rule in RAG_RULES.items()) + "."


#: Direction of travel.
DIRECTION_LABELS = ("improved", "no significant change", "worsened", "up", "down", "withheld", "not comparable")

#: Display blocks' typst rendering, the hidden metadata of a notebook output, and the
#: provenance record a report writes (the build copies it into the notebook's metadata).
TYPST_MIME = "text/x-typst"
#: A display block as data (its type and fields), which renderers without their own markup
#: (DOCX) walk: the one shape every block shares.
BLOCK_MIME = "application/vnd.perfkit.block+json"
META_MIME = "application/vnd.perfkit.meta+json"
PROVENANCE_MIME = "application/vnd.perfkit.provenance+json"
#: A public paper's figures as its scorecard shows them (records), which ``--format csv`` writes as open data.
OPEN_DATA_MIME = "application/vnd.perfkit.open-data+json"
#: The key of perfkit's record in an executed notebook's metadata.
METADATA_KEY = "perfkit"
