"""Publication: papers kept as committee saw them, and rebuilt as the data stood then.

Real parts: the demo store, real builds through the CLI, revised figures imported after
publication, the rebuilt HTML compared with the published file.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import stat
from urllib.parse import unquote

import pytest

from perfkit.publish import publications
from perfkit.store.store import Store

from ..helpers import run_cli, write_csv

pytestmark = pytest.mark.slow

P, SLUG = "2025/26 Q2", "housing"
PAPER = "directorate_report.html"
PUBLISHED = "Paper E - Housing performance 2025-26 Q2.html"  # published under the name a clerk reads (perfkit.render.names)


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def without_stamp(html: str) -> str:
    """The page without its generated-at time (the one thing a rebuild may change)."""
    return re.sub(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}", "<time>", html)


def nav(html: str) -> str:
    """The page with its links to the index and the previous paper blanked (a published copy's point within published/)."""
    return re.sub(r"href='[^']*'>(All reports|Previous paper)", r"href=''>\1", html)


@pytest.fixture()
def built(project_dir, demo_store):
    store = project_dir / "data" / "perfkit.duckdb"
    store.parent.mkdir()
    shutil.copy(demo_store, store)
    run_cli(project_dir, "build", "--period", P, "--directorate", SLUG, "--format", "html")
    return project_dir, store


def test_publish_revise_and_rebuild_as_of_the_publication(built):
    root, store = built
    run_cli(root, "clear", "--period", P, "--directorate", SLUG, "--by", "Jo Smith, Director of Housing")
    proc = run_cli(root, "publish", "--period", P, "--directorate", SLUG)
    assert "publication 1:" in proc.stdout
    published = root / "outputs" / "published" / "2025-26-q2" / SLUG / "publication-1" / PUBLISHED
    assert published.is_file() and not published.stat().st_mode & stat.S_IWUSR  # read-only
    built_html = (root / "outputs" / "2025-26-q2" / SLUG / PAPER).read_text()
    assert nav(published.read_text()) == nav(built_html)  # the same paper; its links point within published/
    listed = publications(store)
    assert listed["publication_id"].tolist() == [1] and listed["period"].tolist() == [P]
    with Store(store, read_only=True) as db:
        files = db.con.execute("SELECT report, format, path, sha256 FROM publication_files ORDER BY path").df()
        batch = db.con.execute("SELECT max(batch_id) FROM batches").fetchall()[0][0]
    assert listed["max_batch_id"].tolist() == [batch]
    assert {r.format for r in files.itertuples()} >= {"html", "ipynb"}
    assert all(sha(root / "outputs" / r.path) == r.sha256 for r in files.itertuples())
    first = {r.path: r.sha256 for r in files.itertuples()}

    # the figures are revised after the meeting, and new rows arrive
    with Store(store, read_only=True) as db:
        rent = db.observations(["HSG_TA"], ["ZZ0000001"]).query("period_type == 'quarter'")
    old = rent[rent["period"].astype(str) == P].iloc[0]["value"]
    revised = write_csv(root / "revised.csv", "indicator,area_code,area_name,period,value\n"
                        f"HSG_TA,ZZ0000001,Kestrel Vale,{P},{old + 37:.0f}\nHSG_TA,ZZ0000001,Kestrel Vale,2026/27 Q1,512\n")
    run_cli(root, "ingest", str(revised))
    stale = run_cli(root, "publish", "--period", P, "--directorate", SLUG, check=False)
    assert stale.returncode == 1 and "built from other data" in stale.stderr and "perfkit build --period" in stale.stderr

    # a forced rebuild shows the revision, and leaves the publication alone
    run_cli(root, "build", "--period", P, "--directorate", SLUG, "--format", "html", "--force")
    rebuilt = (root / "outputs" / "2025-26-q2" / SLUG / PAPER).read_text()
    assert without_stamp(rebuilt) != without_stamp(built_html)
    assert {p: sha(root / "outputs" / p) for p in first} == first

    # as of the publication: the paper committee saw, figure for figure
    proc = run_cli(root, "build", "--as-of", "1", "--format", "html")
    assert f"the store as it stood after batch {batch}" in proc.stdout
    again = (root / "outputs" / "as-of" / "publication-1" / "2025-26-q2" / SLUG / PAPER).read_text()
    assert nav(without_stamp(again)) == nav(without_stamp(published.read_text()))

    # publishing again is a new publication; the first is untouched
    second = run_cli(root, "publish", "--period", P, "--directorate", SLUG, "--uncleared")  # rebuilt: a draft again
    assert "publication 2:" in second.stdout
    assert {p: sha(root / "outputs" / p) for p in first} == first
    assert nav((published.parent.parent / "publication-2" / PUBLISHED).read_text()) == nav(rebuilt)
    table = run_cli(root, "publications").stdout
    assert re.search(r"│ 2\s+│ 2025/26 Q2", table) and re.search(r"│ 1\s+│ 2025/26 Q2", table)


def test_unbuilt_papers_are_not_published(project_dir, demo_store):
    store = project_dir / "data" / "perfkit.duckdb"
    store.parent.mkdir()
    shutil.copy(demo_store, store)
    proc = run_cli(project_dir, "publish", "--period", P, "--directorate", SLUG, check=False)
    assert proc.returncode == 1 and "is not built" in proc.stderr
    assert publications(store).empty


def test_as_of_a_date_before_any_import_is_refused(built):
    root, _store = built
    proc = run_cli(root, "build", "--as-of", "2000-01-01", check=False)
    assert proc.returncode == 1 and "nothing had been imported by then" in proc.stderr
    proc = run_cli(root, "build", "--as-of", "yesterday", check=False)
    assert proc.returncode == 1 and "give a publication id" in proc.stderr


def test_open_data_beside_a_public_paper_and_never_an_internal_one(project_dir, demo_store):
    """Housing's public paper withholds two small numbers imported here; Children's Services is made internal."""
    import pandas as pd

    from ..helpers import edit_yaml

    store = project_dir / "data" / "perfkit.duckdb"
    store.parent.mkdir()
    shutil.copy(demo_store, store)
    edit_yaml(project_dir / "params" / "directorates" / "childrens_services.yaml", status="internal")
    small = write_csv(project_dir / "small.csv", "indicator,area_code,area_name,period,value,numerator,denominator\n"
                      f"HSG_BB_FAMILIES,ZZ0000001,Kestrel Vale,{P},4,,\nHSG_PREVENT,ZZ0000001,Kestrel Vale,{P},6.0,3,50\n")
    run_cli(project_dir, "ingest", str(small))
    run_cli(project_dir, "build", "--period", P, "--directorate", "childrens-services", "--directorate", SLUG, "--format", "html,csv")
    public = project_dir / "outputs" / "2025-26-q2" / SLUG
    figures = pd.read_csv(public / "directorate_report.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    dictionary = pd.read_csv(public / "directorate_report-dictionary.csv", encoding="utf-8-sig")
    assert list(figures.columns) == dictionary["column"].tolist() and dictionary["meaning"].str.len().gt(10).all()
    held = figures[figures["status"] == "suppressed"].set_index("indicator")
    assert {"HSG_BB_FAMILIES", "HSG_PREVENT"} <= set(held.index)
    assert (held[["value", "numerator", "denominator"]] == "").all().all()  # no withheld figure can be recovered
    text = (public / "directorate_report.csv").read_text(encoding="utf-8-sig")
    assert not any(line.startswith("HSG_BB_FAMILIES") and ",4," in line for line in text.splitlines())
    shown = figures.set_index("indicator")
    assert shown.loc["HSG_TA", "value"] != "" and shown.loc["HSG_TA", "status"] in ("ok", "provisional")  # the rest are figures
    html = (public / PAPER).read_text()
    assert 'href="directorate_report.csv"' in html or "href='directorate_report.csv'" in html
    internal = project_dir / "outputs" / "2025-26-q2" / "childrens-services"
    assert (internal / PAPER).is_file() and not list(internal.glob("*.csv"))
    assert "directorate_report.csv" not in (internal / PAPER).read_text()
    index = (project_dir / "outputs" / "index.html").read_text()
    assert "housing/directorate_report.csv" in index and "childrens-services/directorate_report.csv" not in index
    again = run_cli(project_dir, "build", "--period", P, "--directorate", "childrens-services", "--directorate", SLUG, "--format", "html,csv")
    assert "0 built" in again.stdout  # an internal paper without open data is up to date, not rebuilt every time


def test_the_index_is_an_archive_of_built_and_published_papers_that_passes_axe(built):
    from axe_playwright_python.sync_playwright import Axe
    from bs4 import BeautifulSoup

    from ..helpers import pages_at

    root, _store = built
    run_cli(root, "publish", "--period", P, "--directorate", SLUG, "--uncleared")
    run_cli(root, "build", "--period", "2025/26 Q1", "--directorate", SLUG, "--format", "html")
    index = root / "outputs" / "index.html"
    soup = BeautifulSoup(index.read_text(), "html.parser")
    periods = [h.get_text() for h in soup.select("main > section > h2") if h.get("id", "").startswith("p-")]
    assert periods == ["2025/26 Q2", "2025/26 Q1"]  # newest first
    q2 = soup.find(id="p-2025-26-Q2").parent
    published = q2.select("ul.published li")
    assert len(published) == 2 and all("(publication 1)" in li.get_text() for li in published)
    for a in q2.select("ul.published a"):  # the links open the frozen copies
        assert (index.parent / unquote(a["href"])).is_file() and "published/2025-26-q2/" in a["href"]
    assert q2.find("a", string=re.compile("Data check for 2025/26 Q2"))
    housing = soup.find("h3", string="Housing").find_next("ul").get_text(" ")
    assert "2025/26 Q2" in housing and "2025/26 Q1" in housing and "published" in housing
    assert not soup.find("script")
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    for width, page in pages_at(index.as_uri()):
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
        assert results.violations_count == 0, (width, results.generate_report())
        sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert sizes[0] <= sizes[1], (width, sizes)  # no sideways scrolling on a phone


def test_word_paper_has_the_pdfs_structure_and_opens_in_libreoffice(built, tmp_path):
    """DOCX for committee systems: opened as a clerk's software would (LibreOffice, headless)."""
    import subprocess

    import docx
    from bs4 import BeautifulSoup

    root, _store = built
    run_cli(root, "build", "--period", P, "--directorate", SLUG, "--report", "directorate_report", "--format", "html,docx")
    folder = root / "outputs" / "2025-26-q2" / SLUG
    document = docx.Document(str(folder / "directorate_report.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["1. Summary and purpose", "2. Recommendations", "3. Background: the headline picture"]
    assert "Appendix 1: Performance scorecard" in headings and "Appendix 2: Exceptions" in headings
    shapes = document.inline_shapes
    assert len(shapes) and all(s._inline.docPr.get("descr") for s in shapes)  # every chart has its alt text
    orientations = [s.orientation for s in document.sections]
    assert 1 in orientations and orientations[0] == 0  # portrait, with the scorecard on landscape pages
    assert "Housing and Communities Scrutiny Committee" in document.sections[0].footer.paragraphs[0].text
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    proc = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf", "--outdir",
                           str(tmp_path), str(folder / "directorate_report.docx")], capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "directorate_report.pdf"
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "Housing performance report: 2025/26 Q2" in text and "1.1" in text and "Page 2" in text
    # every figure of the HTML scorecard is in the Word paper, with its RAG in words
    soup = BeautifulSoup((folder / PAPER).read_text(), "html.parser")
    for tr in soup.select("table.scorecard tr.figures"):
        value = " ".join(tr.select("td")[0].get_text(" ").split())
        rag = " ".join(tr.select("td")[2].get_text(" ").split())
        assert value in text, value
        assert any(word in text for word in rag.split() if word.isalpha()), rag


def test_a_new_format_is_one_registry_entry_that_reads_the_blocks_data(built, monkeypatch):
    """Formats as a registry: a format added in one place (here Markdown, walking the display blocks'
    data as the Word renderer does) is rendered, written, linked from the paper and listed in the
    index, with no change to the build. And the HTML and typst a notebook shows are what their
    renderers make of that same data."""
    import json

    from perfkit.build.job import Job, run_job
    from perfkit.contract import BLOCK_MIME, TYPST_MIME
    from perfkit.config.papers import load_params
    from perfkit.config.project import Project
    from perfkit.periods import parse_period
    from perfkit.blocks import html as block_html, typst as block_typst
    from perfkit.render import formats
    from perfkit.render.site import write_index

    def markdown(paper):
        lines: list[str] = []

        def walk(block):
            if isinstance(block, str):
                lines.append(block)
            elif block["type"] == "PaperHeader":
                lines.append(f"# {block['title']}")
            elif block["type"] == "Section":
                lines.append(f"## {block['number']}. {block['heading']}")
                for para in block["paragraphs"]:
                    walk(para)
            elif block["type"] in ("Blocks", "Keep"):
                for item in block["items"]:
                    walk(item)

        for cell in paper.nb.cells:
            for out in cell.get("outputs", []):
                if BLOCK_MIME in out.get("data", {}):
                    walk(out["data"][BLOCK_MIME])
        return {".md": "\n\n".join(lines).encode("utf-8")}

    monkeypatch.setitem(formats.FORMATS, "md", formats.Format("md", "md (Markdown)", (".md",), (("This paper as Markdown", ".md"),),
                                                              {"nbconvert": markdown}))
    for name in ("PERFKIT_HOME", "PERFKIT_STORE"):  # run_job sets them for its kernel: undo that after the test
        monkeypatch.setenv(name, "")
    root, store = built
    job = Job(load_params(root / "params").report("directorate_report"), parse_period(P), SLUG, SLUG)
    result = run_job(job, Project(root, store), root / "outputs", ("html", "md"))
    assert result.status == "built", result.error
    folder = root / "outputs" / "2025-26-q2" / SLUG
    text = (folder / "directorate_report.md").read_text()
    assert text.startswith("# Housing performance report: 2025/26 Q2") and "## 1. Summary and purpose" in text
    assert "directorate_report.md'>This paper as Markdown</a>" in (folder / PAPER).read_text()
    assert "2025-26-q2/housing/directorate_report.md'>MD<" in write_index(root / "outputs", "Kestrel Vale").read_text()

    outputs = [o["data"] for c in json.loads((folder / "directorate_report.ipynb").read_text())["cells"]
               for o in c.get("outputs", []) if BLOCK_MIME in o.get("data", {})]
    assert len(outputs) >= 8
    joined = lambda text: "".join(text) if isinstance(text, list) else text  # noqa: E731 - nbformat may split long strings
    for data in outputs:
        assert block_html.render(data[BLOCK_MIME]) == joined(data["text/html"])
        assert block_typst.render(data[BLOCK_MIME]) == joined(data[TYPST_MIME])
