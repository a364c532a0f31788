"""The one rule that names a paper's files for a clerk: "Paper E - Housing performance 2025-26 Q4.pdf".

A build writes every paper as ``<report>.<suffix>`` in its own folder (five papers, one name).
Downloaded or published, a file is named for what it is: the paper's letter in the agenda (where
it has one), what it is about, its period (or date), and, for a file beside the paper, what that
file is ("open data", "data dictionary"). Only characters every file system and committee system
takes: ASCII letters and digits, spaces, hyphens and brackets ("&" becomes "and", "/" a hyphen, ":" a dash,
accents are dropped, anything else goes).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

__all__ = ["download_name", "href_of", "paper_download_name", "safe_name"]

#: A file beside a paper, by what follows the report's name in the build's file name.
_BESIDE = {".csv": (" - open data", ".csv"), "-dictionary.csv": (" - data dictionary", ".csv")}
_LONGEST = 150  # characters before the suffix: well inside every file system's limit, with room for a folder


def safe_name(text: str) -> str:
    """``text`` in the characters a file name may hold here (see the module)."""
    text = unicodedata.normalize("NFKD", text.replace("&", " and ").replace("/", "-").replace(":", " - "))
    text = "".join(c for c in text if c.isascii() and (c.isalnum() or c.isspace() or c in "-()"))
    return re.sub(r"\s+", " ", text).strip(" -")[:_LONGEST].strip(" -")


def download_name(built: str, report: str, what: str, when: str, letter: str | None = None) -> str:
    """The name a clerk sees for the build's file ``built`` of report ``report`` (its file stem):
    ``what`` the paper is ("Housing performance"), ``when`` its period label or date ("2025/26 Q4"),
    ``letter`` its letter in the agenda ("E"), if it has one.

    >>> download_name("directorate_report.pdf", "directorate_report", "Housing performance", "2025/26 Q4", "E")
    'Paper E - Housing performance 2025-26 Q4.pdf'
    >>> download_name("directorate_report-dictionary.csv", "directorate_report", "Housing performance", "2025/26 Q4", "E")
    'Paper E - Housing performance 2025-26 Q4 - data dictionary.csv'
    """
    tail = built[len(report):] if built.startswith(report) else "." + built.rpartition(".")[2]
    extra, suffix = _BESIDE.get(tail, ("", tail))
    if extra == "" and tail.startswith("-"):  # another file beside the paper: its own words
        extra, suffix = " - " + tail[1:].rpartition(".")[0].replace("-", " "), "." + tail.rpartition(".")[2]
    stem = f"Paper {letter} - {what} {when}" if letter else f"{what} {when}"
    return safe_name(stem + extra) + re.sub(r"[^a-z0-9.]", "", suffix.lower())


def href_of(name: str) -> str:
    """A relative link to a file named ``name`` (spaces and brackets escaped)."""
    return quote(name)


def paper_download_name(params, folder: str, period: str, built: str, report: str, title: str = "") -> str:  # noqa: ANN001 - ReportParams
    """:func:`download_name` for a period paper of the project's ``params`` (None: named from its
    folder): a directorate's ("Paper E - Housing performance 2025-26 Q4.pdf"), the corporate
    overview's ("Paper B - Corporate performance overview 2025-26 Q4.pdf"); a paper of one
    indicator or area (``report`` is then its file stem, not a report's name) is named by its
    ``title`` and has no letter: one letter cannot name each of them."""
    defined = params.reports.get(report) if params is not None else None
    if folder == "areas" or (params is not None and defined is None):
        what = title or report.replace("_", " ")
        return download_name(built, report, what, "" if period in what else period)
    if folder == "corporate" or (defined is not None and defined.per == "council"):
        return download_name(built, report, "Corporate performance overview", period, params.corporate.paper if params else None)
    directorate = params.directorates.get(folder) if params is not None else None
    what = f"{directorate.name if directorate else folder.replace('-', ' ').capitalize()} performance"
    return download_name(built, report, what, period, directorate.paper if directorate else None)
