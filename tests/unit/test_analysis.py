"""perfkit.analysis: an analyst's notebook as blocks (front matter, markdown, tables, figures),
and those blocks in HTML, typst and Word. Fast: no kernel; outputs are made here as a kernel makes them."""

from __future__ import annotations

import datetime as dt
import io
import json

import nbformat as nbf
import numpy as np
import pandas as pd
import papermill
import pytest

from perfkit.analysis.convert import convert
from perfkit.analysis.figures import TABLE_MIME, _svg
from perfkit.analysis.front import front_matter
from perfkit.analysis.new import new_analysis
from perfkit.analysis.outputs import NO_ALT, read_tables
from perfkit.blocks import html as block_html
from perfkit.blocks import typst as block_typst
from perfkit.errors import ConfigError

FRONT = "title: Temporary accommodation\nauthor: A. Analyst\ncommittee: Housing Scrutiny\ndate: 2026-03-31\nstatus: draft\nsummary: It rose."


def notebook(*cells, front: str = FRONT) -> nbf.NotebookNode:
    return nbf.v4.new_notebook(cells=[nbf.v4.new_raw_cell(front, metadata={"tags": ["paper"]}), *cells])


def shown(cell_source: str, *outputs, tags=()) -> nbf.NotebookNode:
    cell = nbf.v4.new_code_cell(cell_source, metadata={"tags": list(tags)})
    cell.outputs = [nbf.v4.new_output(o.pop("output_type", "display_data"), **o) for o in outputs]
    return cell


def figure(title: str = "") -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([1, 2, 3], [2, 1, 3])
    if title:
        ax.set_title(title)
        ax.set(xlabel="Quarter", ylabel="Households")
    svg, meta = _svg(fig)
    plt.close(fig)
    return {"data": {"image/svg+xml": svg, "text/plain": "<Figure>"}, "metadata": {"image/svg+xml": meta} if meta else {}}


def paper(nb, tmp_path):
    front, _ = front_matter(nb, tmp_path / "ta.ipynb")
    return convert(nb, front, "ta.ipynb", tmp_path)


def flat(blocks):
    for b in blocks:
        yield b
        for p in b.get("paragraphs", []) if isinstance(b, dict) else []:
            if isinstance(p, dict):
                yield p


def test_front_matter_becomes_the_header_and_a_summary_section(tmp_path):
    conv = paper(notebook(nbf.v4.new_markdown_cell("# Temporary accommodation\n\n## Background\n\nWords.")), tmp_path)
    header = conv.blocks[1]
    html = block_html.render(header)
    assert header["type"] == "PaperHeader" and "Housing Scrutiny" in html and "31 March 2026" in html and "A. Analyst" in html
    assert "Date of meeting" not in html and "Wards affected" not in html  # an analysis has neither
    sections = [(b["number"], b["heading"]) for b in conv.blocks if b["type"] == "Section"]
    assert sections == [(1, "Summary"), (2, "Background")]  # the notebook's own title is the header's


@pytest.mark.parametrize(("front", "said"), [
    ("title: T\ndate: 2026-13-40", "field 'date'"),
    ("title: T\nauthour: me", "field 'authour'"),
    ("author: me", "field 'title'"),
    ("title: [unclosed", "is not YAML"),
])
def test_bad_front_matter_is_named_with_the_notebook_and_field(tmp_path, front, said):
    with pytest.raises(ConfigError) as err:
        front_matter(notebook(front=front), tmp_path / "ta.ipynb")
    assert "ta.ipynb" in str(err.value) and said in str(err.value) and "cell 1, tagged 'paper'" in str(err.value)


def test_no_front_matter_says_how_to_add_one(tmp_path):
    with pytest.raises(ConfigError, match="no front matter.*tagged 'paper'"):
        front_matter(nbf.v4.new_notebook(cells=[nbf.v4.new_markdown_cell("# x")]), tmp_path / "ta.ipynb")
    nb = nbf.v4.new_notebook(metadata={"perfkit": {"paper": {"title": "From metadata"}}})
    assert front_matter(nb, tmp_path / "ta.ipynb")[0].title == "From metadata"


def test_markdown_lists_links_emphasis_maths_image_and_table(tmp_path):
    (tmp_path / "pic.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>")
    md = ("## Method\n\nThe *rate* is **high**: see [DfE](https://www.gov.uk/dfe) and $r = \\frac{n}{d}$.\n\n- one\n- two\n  1. inner\n\n"
          "$$\n\\sqrt{x^2+1}\n$$\n\n![A black square](pic.svg)\n\n![](pic.svg)\n\n| Year | Value |\n|---|--:|\n| 2025 | 3.5 |\n")
    conv = paper(notebook(nbf.v4.new_markdown_cell(md)), tmp_path)
    kinds = [b["type"] for b in flat(conv.blocks)]
    assert kinds.count("Prose") == 1 and "ListBlock" in kinds and "Math" in kinds and kinds.count("Image") == 2 and "Table" in kinds
    html = "".join(block_html.render(b) for b in conv.blocks)
    assert "<em>rate</em>" in html and "<strong>high</strong>" in html and "<a href='https://www.gov.uk/dfe'>DfE</a>" in html
    assert "<ol class='prose'><li><p>inner</p></li></ol>" in html and "alt='r = \\frac{n}{d}'" in html and "alt='A black square'" in html
    typst = "".join(block_typst.render(b) for b in conv.blocks)
    assert 'alt: "\\\\sqrt{x^2+1}"' in typst and 'alt: "A black square"' in typst and '#link("https://www.gov.uk/dfe")' in typst
    assert conv.checks == ["ta.ipynb cell 2: the image pic.svg has no alt text; write ![what it shows](pic.svg)"]
    table = next(b for b in flat(conv.blocks) if b["type"] == "Table")
    assert table["caption"] == "Method" and table["rows"][0][1] == {"type": "Cell", "text": "3.5", "align": "right", "parts": []}


def test_a_long_dataframe_is_a_captioned_table_of_every_row(tmp_path):
    df = pd.DataFrame({"Council": [f"Council {i}" for i in range(200)], "Referrals": np.arange(200) * 7}).set_index("Council")
    cell = shown("df", {"output_type": "execute_result", "data": {"text/html": df.to_html(max_rows=20), TABLE_MIME: df.to_html(max_rows=5000),
                                                                     "text/plain": "df"}, "metadata": {}, "execution_count": 1})
    conv = paper(notebook(nbf.v4.new_markdown_cell("## Referrals by council"), cell), tmp_path)
    table = next(b for b in flat(conv.blocks) if b["type"] == "Table")
    assert table["caption"] == "Referrals by council" and table["columns"] == ["Council", "Referrals"] and table["row_headers"]
    assert len(table["rows"]) == 200 and table["rows"][199][1]["text"] == "1393" and not conv.checks
    html = block_html.render(table)
    assert "<caption>Referrals by council</caption>" in html and "<th scope='row' role='rowheader'>Council 199</th>" in html


def test_a_table_without_a_caption_and_a_cut_table_are_named(tmp_path):
    df = pd.DataFrame({"a": range(100)})
    cell = shown("df", {"output_type": "execute_result", "data": {"text/html": df.to_html(max_rows=10, show_dimensions=True)}, "metadata": {}, "execution_count": 1})
    conv = paper(notebook(cell), tmp_path)
    assert any("cell 2: a table without a caption" in c for c in conv.checks)
    assert any("cell 2: pandas shows only some rows" in c for c in conv.checks)


def test_great_tables_title_is_the_caption():
    html = ("<div id='x'><style>.gt_table {color: red}</style><table class='gt_table'><thead><tr class='gt_heading'>"
            "<td colspan='2' class='gt_heading gt_title'>Referrals, 2025</td></tr><tr class='gt_col_headings'><th class='gt_col_heading'>Council</th>"
            "<th class='gt_col_heading'>Referrals</th></tr></thead><tbody class='gt_table_body'><tr><td class='gt_row'>Leeds</td><td class='gt_row'>9,120</td></tr>"
            "</tbody></table></div>")
    assert read_tables(html) == [{"title": "Referrals, 2025", "columns": ["Council", "Referrals"], "rows": [["Leeds", "9,120"]], "row_headers": False}]


def test_figures_take_their_title_as_alt_text_and_one_without_is_named(tmp_path):
    conv = paper(notebook(shown("plot", figure("Households in temporary accommodation")), shown("plot", figure())), tmp_path)
    charts = [b for b in flat(conv.blocks) if b["type"] == "Chart"]
    assert [c["alt"] for c in charts] == ["Households in temporary accommodation: Households by Quarter", NO_ALT]
    assert conv.checks == ["ta.ipynb cell 3: a figure without alt text; give it a title (ax.set_title), or the cell metadata perfkit.alt"]
    own = shown("plot", figure())
    own.metadata["perfkit"] = {"alt": "A line falling then rising"}
    assert [b["alt"] for b in flat(paper(notebook(own), tmp_path).blocks) if b["type"] == "Chart"] == ["A line falling then rising"]


def test_code_streams_and_errors_are_hidden_unless_a_cell_shows_its_code(tmp_path):
    hidden = shown("print('secret')", {"output_type": "stream", "name": "stdout", "text": "secret"},
                   {"output_type": "stream", "name": "stderr", "text": "warning"}, {"output_type": "execute_result", "data": {"text/plain": "42"},
                                                                                      "metadata": {}, "execution_count": 1})
    show = shown("x = 1 + 1\nx", {"output_type": "execute_result", "data": {"text/plain": "2"}, "metadata": {}, "execution_count": 2}, tags=["show-code"])
    conv = paper(notebook(hidden, show), tmp_path)
    html = "".join(block_html.render(b) for b in conv.blocks)
    assert "secret" not in html and "warning" not in html and "42" not in html and "print(" not in html
    assert "x = 1 + 1" in html and "<code>2</code>" in html


def test_the_paper_renders_to_word_with_alt_text_links_and_header_rows(tmp_path):
    from docx import Document

    from perfkit.render.docx import to_docx

    df = pd.DataFrame({"Year": ["2024", "2025"], "Value": [1.5, 2.5]})
    md = nbf.v4.new_markdown_cell("## Figures\n\nSee [DfE](https://www.gov.uk/dfe) and $a^2$.\n\n- a point")
    cell = shown("df", {"output_type": "execute_result", "data": {"text/html": df.to_html()}, "metadata": {}, "execution_count": 1})
    conv = paper(notebook(md, cell, shown("plot", figure("A title"))), tmp_path)
    doc = Document(io.BytesIO(to_docx(conv.notebook())))
    alts = [el.get("descr") for el in doc.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert alts == ["a^2", "A title: Households by Quarter"]
    assert any(r.reltype.endswith("/hyperlink") and r.target_ref == "https://www.gov.uk/dfe" for r in doc.part.rels.values())
    data = doc.tables[-1]
    assert [c.text for c in data.rows[0].cells] == ["Year", "Value"] and data.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    assert any(p.style.name == "List Bullet" and p.text == "a point" for p in doc.paragraphs)


def test_lab_new_writes_a_notebook_with_its_front_matter(tmp_path):
    path = new_analysis(tmp_path, "Temporary accommodation", author="A. Analyst", today=dt.date(2026, 4, 2))
    assert path.name == "temporary-accommodation.ipynb"
    front, index = front_matter(nbf.read(path, as_version=4), path)
    assert (front.title, front.author, front.date, front.status, index) == ("Temporary accommodation", "A. Analyst", dt.date(2026, 4, 2), "draft", 0)
    assert "%load_ext perfkit.analysis.figures" in json.dumps(json.loads(path.read_text()))
    assert set(papermill.inspect_notebook(str(path))) == {"period", "area"}  # what --each and -p may set
    with pytest.raises(ConfigError, match="already exists"):
        new_analysis(tmp_path, "Temporary accommodation")


def test_the_starter_notebook_has_front_matter():
    from perfkit.config.project import PACKAGED_NOTEBOOKS

    path = PACKAGED_NOTEBOOKS / "analyst_starter.ipynb"
    front, index = front_matter(nbf.read(path, as_version=4), path)
    assert index == 0 and front.title and front.status == "draft"
