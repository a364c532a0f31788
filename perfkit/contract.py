"""What crosses perfkit's layers, written once: the vocabularies stored rows and assessments
use, the MIME types display blocks carry to the renderers, and the notebook metadata key.

Everything here is data, importing nothing of perfkit, so any layer may depend on it.
"""

from __future__ import annotations

__all__ = [
    "BLOCK_MIME", "COUNTS_DISAGREE", "ENGLAND", "DIRECTION_LABELS", "LIVE", "METADATA_KEY", "META_MIME", "PROVENANCE_MIME", "RAG_LABELS",
    "STATUSES", "SUPPRESSION_CODES", "TYPST_MIME",
]

#: A stored row's status; the first two have a value that counts ("live").
STATUSES = ("ok", "provisional", "suppressed", "missing")
LIVE = ("ok", "provisional")
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
#: RAG ratings, in the order papers count them.
RAG_LABELS = ("green", "amber", "red", "no target", "withheld", "no data")
#: Direction of travel.
DIRECTION_LABELS = ("improved", "no change", "worsened", "up", "down", "withheld", "not comparable")

#: Display blocks' typst rendering, the hidden metadata of a notebook output, and the
#: provenance record a report writes (the build copies it into the notebook's metadata).
TYPST_MIME = "text/x-typst"
#: A display block as data (its type and fields), which renderers without their own markup
#: (DOCX) walk: the one shape every block shares.
BLOCK_MIME = "application/vnd.perfkit.block+json"
META_MIME = "application/vnd.perfkit.meta+json"
PROVENANCE_MIME = "application/vnd.perfkit.provenance+json"
#: The key of perfkit's record in an executed notebook's metadata.
METADATA_KEY = "perfkit"
