"""Checks on a Word file as a clerk's software sees it: LibreOffice converts the DOCX to PDF and
the checks that hold for perfkit's own PDF are made on that PDF (type size, footer, near-blank
pages, rows split across pages). Shared by the period papers' Word test and the analyses'."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

#: The bottom margin of a Word page (perfkit.render.word.document.MARGIN_CM, 1.8 cm) in points: the footer is below it.
MARGIN_PT = 1.8 / 2.54 * 72
#: A page filled less than this (its body's text, rules and pictures, top to bottom) is near-blank.
NEAR_BLANK = 0.15


def converted_pdf(docx: Path, target: Path) -> Path:
    """LibreOffice's PDF of ``docx``, in ``target`` (with a profile of its own beside it)."""
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert soffice, "LibreOffice is needed (.ci/run installs Debian's libreoffice)"
    proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{target.parent}/lo", "--convert-to", "pdf", "--outdir",
                           str(target), str(docx)], capture_output=True, text=True, timeout=300)
    pdf = target / docx.with_suffix(".pdf").name
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    return pdf


def table_rows(docx: Path) -> list[list[str]]:
    """Each table row's words, as Word holds them (a cell merged down from the row above counted there)."""
    import docx as python_docx
    from docx.oxml.ns import qn

    breaks = (qn("w:br"), qn("w:tab"), qn("w:p"))
    rows = []
    for tr in python_docx.Document(str(docx)).element.body.iter(qn("w:tr")):
        words: list[str] = []
        for tc in tr.iter(qn("w:tc")):
            merged = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if merged is not None and merged.get(qn("w:val")) in (None, "continue"):
                continue
            words += "".join(" " if e.tag in breaks else e.text or "" for e in tc.iter(qn("w:t"), *breaks)).split()
        if words:
            rows.append(words)
    return rows


def pieced(word: str, words: Counter, depth: int = 0) -> bool:
    """``word`` made of words on the page: LibreOffice breaks a word too long for its cell's line
    ("[RES_HB_CHANGE_" and "DAYS]"), which pdfplumber then reads as two."""
    return depth < 5 and any(word.startswith(p) and (words[word[len(p):]] > 0 or pieced(word[len(p):], words, depth + 1))
                             for p in words if 2 <= len(p) < len(word))


def whole_on_a_page(row: list[str], pages: list[Counter]) -> bool:
    """Every word of ``row`` (as often as it has it) on one page: a row split across two pages
    has some of its words on each, and a page that is not its own would have to hold them all."""
    need = Counter(row)
    return any(all(page[w] >= n or pieced(w, page) for w, n in need.items()) for page in pages)


def pdf_pages(pdf: Path) -> list[dict]:
    """Each page's type sizes, footer, words and how much of its body is filled (0 to 1)."""
    import pdfplumber

    pages = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            bottom = page.height - MARGIN_PT
            words = page.extract_words()
            body = [w["bottom"] for w in words if w["top"] <= bottom]
            body += [o["bottom"] for o in (*page.images, *page.rects, *page.lines) if o["bottom"] <= bottom + 1]
            pages.append({
                "sizes": [c["size"] for c in page.chars],
                "footer": " ".join(w["text"] for w in words if w["top"] > bottom),
                "words": Counter(w["text"] for w in words if w["top"] <= bottom),
                "filled": (max(body) - MARGIN_PT) / (bottom - MARGIN_PT) if body else 0.0,
                "landscape": page.width > page.height,
            })
    return pages


def numbers(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.findall(r"(?:Table|Figure) \d+: \S+", text)
