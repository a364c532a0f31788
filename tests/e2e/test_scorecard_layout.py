"""The scorecard's pages (issue 22, finding 12), read in the built Housing paper for 2025/26 Q4
as a member turning the pages would: the PDF's lines where they landed (``pdftotext``), the
Word file's rows (python-docx). Every Q4 paper is built once to check that no page of any
ends with a table's caption or a group's title (before the fix: Adult Social Care's "Local
indicators" at a page's foot, the corporate overview's Table 2 caption on page 1 with its table
on page 2).

The key comes before the scorecard and is never split; the scorecard's pages are full, each
indicator whole on one page unless it is taller than a page; one that is taller (commentary
and actions at their 5,000-character limits) loses no word and is named "(continued)" on the
pages it runs on to; no page ends with a group's title or a caption; the column headings
repeat. In Word the rows never break (the header row repeats) and the titles and captions
stay with what follows them.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import duckdb
import pytest

from ..helpers import HOME, make_project, pdf_lines, run_cli, write_csv

pytestmark = pytest.mark.slow

Q4 = "2025/26 Q4"
FOOTER = re.compile(r"Page \d+ of \d+")
CODE = re.compile(r"\[[A-Z][A-Z0-9_]{2,}\]")
GROUPS = ("National indicators", "Local indicators")
WORDS = "the service reviewed every late case and found recording delays as well as real slippage".split()


def numbered(first: str, last: str) -> str:
    """Words at the 5,000-character limit of commentary and actions (perfkit.ingest.parse.CELL_LIMITS),
    each numbered so that a missing one cannot be made up by a later one."""
    words = [first]
    while len(" ".join(words)) < 4_980:
        words.append(f"{WORDS[len(words) % len(WORDS)]}{len(words)}")
    return " ".join([*words, last])


COMMENTARY, ACTIONS = numbered("LONGSTART", "LONGEND"), numbered("ACTSTART", "ACTEND")


def build(project: Path, *only: str) -> Path:
    """The project's Q4 papers as PDF and Word (``only``: more options, e.g. one directorate): Housing's folder."""
    run_cli(project, "build", "--period", Q4, "--format", "pdf,docx", "--jobs", "2", *only)
    return project / "outputs" / "2025-26-q4" / "housing"


@pytest.fixture(scope="module")
def normal(tmp_path_factory, demo_store_master) -> Path:
    """Every Q4 paper of the demo, as they are."""
    return build(make_project(tmp_path_factory.mktemp("normal"), demo_store_master))


@pytest.fixture(scope="module")
def long_words(tmp_path_factory, demo_store_master) -> Path:
    """The first indicator of the scorecard (temporary accommodation) with commentary and actions
    each at the length limit, its figure as it was."""
    project = make_project(tmp_path_factory.mktemp("long"), demo_store_master)
    con = duckdb.connect(str(project / "data" / "perfkit.duckdb"), read_only=True)
    value, status, note = con.execute("SELECT value, status, status_reason FROM observations WHERE indicator = 'HSG_TA' "
                                      "AND area_code = ? AND period = ?", [HOME, Q4]).fetchone()
    con.close()
    write_csv(project / "long.csv", "indicator,area_code,area_name,period,value,status,note,commentary,actions\n"
              f'HSG_TA,{HOME},Kestrel Vale,{Q4},{value:g},{status},"{note or ""}","{COMMENTARY}","{ACTIONS}"\n')
    run_cli(project, "ingest", str(project / "long.csv"))
    return build(project, "--directorate", "housing", "--report", "directorate_report")


def pages(folder: Path, name: str = "directorate_report") -> list[tuple[list[tuple[float, str]], float]]:
    """Each page of the PDF: its lines above the footer, (bottom, text) top to bottom, and where the footer starts."""
    out = []
    for page in pdf_lines(folder / f"{name}.pdf"):
        footer = min(top for top, _, text in page if FOOTER.search(text))
        out.append(([(bottom, text) for top, bottom, text in page if top < footer - 1], footer))
    return out


def scorecard(folder: Path) -> list[tuple[list[tuple[float, str]], float]]:
    """The pages from Appendix 1's heading to the one before Appendix 2's."""
    every = pages(folder)
    texts = [[text for _, text in lines] for lines, _ in every]
    first = next(n for n, t in enumerate(texts) if "Appendix 1: Performance scorecard" in t)
    last = next(n for n, t in enumerate(texts) if "Appendix 2: Exceptions" in t)
    return every[first:last]


def entries(lines: list[tuple[float, str]]) -> int:
    """How many indicators start on the page (their row header's code; a 'continued' name is not one)."""
    return sum(len(CODE.findall(text)) for _, text in lines if "(continued)" not in text)


@pytest.mark.parametrize("paper", ["normal", "long_words"])
def test_the_key_comes_first_whole_and_the_pages_are_full(paper, request):
    folder = request.getfixturevalue(paper)
    card = scorecard(folder)
    first = [text for _, text in card[0][0]]
    key = next((n for n, text in enumerate(first) if text.startswith("RAG:")), len(first))
    caption = next((n for n, text in enumerate(first) if re.match(r"Table \d+: Appendix 1", text)), -1)
    assert first.index("Appendix 1: Performance scorecard") < key < caption, "the key is not between the heading and the scorecard"
    assert not any(CODE.search(text) for text in first[:caption]), "an indicator comes before the key"
    total = sum(entries(lines) for lines, _ in card)
    assert total == 12, f"{total} indicators on the scorecard's pages"
    assert len(card) <= math.ceil(total / 3) + (paper == "long_words") * 2, f"{len(card)} pages for {total} indicators"
    for n, (lines, footer) in enumerate(card):
        assert lines[-1][1] not in GROUPS and not re.match(r"Table \d+:", lines[-1][1]), f"page {n + 1} ends with {lines[-1][1]!r}"
        if n:
            assert "Direction of travel" in [text for _, text in lines[:10]], f"scorecard page {n + 1} does not repeat the headings"
        if n < len(card) - 1:
            assert lines[-1][0] / footer > 0.75, f"scorecard page {n + 1} of {len(card)} is a quarter empty or more"
            broken = any("(continued)" in text for page, _ in card[n:n + 2] for _, text in page)  # an indicator breaks here
            assert entries(lines) >= 2 or broken, f"scorecard page {n + 1} holds {entries(lines)} indicators"


def test_no_page_of_any_paper_ends_with_a_table_caption_or_a_group_title(normal):
    ended = []
    for path in sorted(normal.parent.glob("*/*.pdf")):
        for n, (lines, _) in enumerate(pages(path.parent, path.stem), start=1):
            last = lines[-1][1] if lines else ""
            if last in GROUPS or re.match(r"Table \d+:", last):
                ended.append(f"{path.parent.name}/{path.name} page {n}: {last}")
    assert len(list(normal.parent.glob("*/*.pdf"))) == 5
    assert not ended, ended


def test_an_indicator_taller_than_a_page_loses_no_word_and_says_continued(long_words):
    card = scorecard(long_words)
    texts = [" ".join(text for _, text in lines) for lines, _ in card]
    words = iter(" ".join(texts).split())  # the columns' lines interleave; the notes' words stay in order
    assert all(word in words for word in (COMMENTARY + " " + ACTIONS).split()), "words of the long commentary or actions are missing"
    start = next(n for n, t in enumerate(texts) if "LONGSTART" in t)
    end = next(n for n, t in enumerate(texts) if "ACTEND" in t)
    assert start == 0 and end > start, "the long indicator does not start under the key or does not break"
    for n in range(start + 1, end + 1):
        assert "Households in temporary accommodation [HSG_TA] (continued)" in texts[n], f"scorecard page {n + 1} does not say what it continues"
    assert sum("(continued)" in t for t in texts) == end - start


def test_word_rows_never_break_and_titles_keep_with_what_follows(normal, long_words):
    import docx
    from docx.oxml.ns import qn

    def row_has(row, name: str) -> bool:
        pr = row._tr.trPr
        return pr is not None and pr.find(qn(name)) is not None

    def keeps(row) -> bool:
        return all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)

    for folder in (normal, long_words):
        document = docx.Document(str(folder / "directorate_report.docx"))
        table = next(t for t in document.tables if t.rows[0].cells[0].text == "Indicator")
        rows = list(table.rows)
        assert row_has(rows[0], "w:tblHeader"), "the scorecard's header row does not repeat"
        long = [r for r in rows if any("LONGSTART" in c.text or "ACTSTART" in c.text for c in r.cells[1:])]  # the notes, beside the row header
        assert all(row_has(r, "w:cantSplit") for r in rows if r not in long), "a scorecard row may break across pages"
        assert long == [] if folder == normal else long and not any(row_has(r, "w:cantSplit") for r in long)
        for n, row in enumerate(rows[1:-1], start=1):
            text = row.cells[0].text
            notes = text == rows[n - 1].cells[0].text  # an indicator's notes under its figures (its row header merged down)
            if text in GROUPS or CODE.search(text) and not notes:  # a group's title, an indicator's figures: kept with the row after
                assert keeps(row), f"{folder.name}: row {n} ({text[:40]!r}) does not keep with the row after it"
        body = list(document.element.body.iterchildren())
        paragraphs = {p._p: p for p in document.paragraphs}
        key = next(p for p in document.paragraphs if p.text.startswith("RAG:"))
        caption = next(p for p in document.paragraphs if "Appendix 1: Housing performance scorecard" in p.text)  # after its number, "Table 3: "
        assert body.index(key._p) < body.index(caption._p) < body.index(table._tbl), "the key is not before the scorecard"
        assert key.paragraph_format.keep_together and caption.paragraph_format.keep_with_next
        assert all(paragraphs[e].paragraph_format.keep_with_next for e in body if e in paragraphs and paragraphs[e].style.name == "Caption"
                   and body.index(e) + 1 < len(body) and body[body.index(e) + 1].tag == qn("w:tbl"))
