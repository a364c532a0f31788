"""Another program's database given as the store is refused untouched by every command
(issue 26, findings 1 and 2): byte-identical after `show`, `publications`, `ingest`, `build`;
a SQLite file makes DuckDB fetch nothing (no ~/.duckdb folder) and is called what it is."""

from __future__ import annotations

import hashlib
import sqlite3

import duckdb
import pytest

from ..helpers import make_project, run_cli

pytestmark = pytest.mark.slow


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def foreign(tmp_path):
    db = tmp_path / "other.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE observations (id INTEGER, sensor VARCHAR, reading DOUBLE)")
    con.execute("INSERT INTO observations VALUES (1, 'north', 2.5)")
    con.close()
    lite = tmp_path / "other.sqlite"
    s = sqlite3.connect(lite)
    s.execute("CREATE TABLE readings (x)")
    s.commit()
    s.close()
    return db, lite


def test_every_command_refuses_another_programs_database_untouched(tmp_path, foreign, demo_store):
    proj = make_project(tmp_path / "p", demo_store)
    home = tmp_path / "home"
    home.mkdir()
    data = tmp_path / "one.csv"
    data.write_text("indicator,area_code,period,value\nHSG_TA,ZZ0000001,2025/26 Q4,100\n", encoding="utf-8")
    for db, what in [(foreign[0], "a DuckDB database that perfkit did not make"), (foreign[1], "a SQLite database")]:
        before = _sha(db)
        for args in (["show", "HSG_TA"], ["publications"], ["ingest", data], ["check", "--period", "2025/26 Q4"],
                     ["build", "--period", "2025/26 Q4", "--directorate", "housing"], ["backup"]):
            proc = run_cli(proj, *args, "--store", db, check=False, env={"HOME": str(home)})
            said = " ".join((proc.stdout + proc.stderr).split())
            assert proc.returncode == 1, (args, said)
            assert what in said and "not a perfkit store" in said and "leaves it untouched" in said, (args, said)
            assert "the store is as it was" not in said and "Error:" not in said, said
            assert _sha(db) == before, f"perfkit {args[0]} changed {db.name}"
        assert not (home / ".duckdb").exists(), "DuckDB fetched an extension"
    con = duckdb.connect(str(foreign[0]))  # the other program still works
    con.execute("INSERT INTO observations VALUES (2, 'south', 3.5)")
    assert con.execute("SELECT count(*) FROM observations").fetchall() == [(2,)]
    assert [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()] == ["observations"]


def test_the_build_names_a_notebook_of_the_projects_own_that_it_ran(tmp_path, demo_store):
    """Finding 4: a project's notebooks/directorate_report.ipynb replaces perfkit's (README says
    so) and is code: the build names it (path and SHA-256) in its summary, the manifest and the
    executed notebook's metadata; perfkit's own notebook is named as perfkit's."""
    import json

    import nbformat

    from perfkit.config.project import PACKAGED_NOTEBOOKS

    from ..helpers import PERIOD, SLUG

    proj = make_project(tmp_path / "p", demo_store)
    mine = proj / "notebooks" / "directorate_report.ipynb"
    mine.unlink()
    nb = nbformat.read(PACKAGED_NOTEBOOKS / "directorate_report.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import pathlib; pathlib.Path('ran.txt').write_text('the council notebook ran')"))
    nbformat.write(nb, mine)
    sha = hashlib.sha256(mine.read_bytes()).hexdigest()
    proc = run_cli(proj, "build", "--period", PERIOD, "--directorate", "housing", "--report", "directorate_report", "--format", "html")
    said = " ".join(proc.stdout.split())
    assert f"runs the project's own notebook notebooks/directorate_report.ipynb (SHA-256 {sha[:16]}..." in said
    assert f"ran the project's own notebook notebooks/directorate_report.ipynb (SHA-256 {sha}) in place of perfkit's" in said
    manifest = json.loads((proj / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["reports"][f"{SLUG}/housing/directorate_report"]
    assert entry["notebook"] == {"path": "notebooks/directorate_report.ipynb", "sha256": sha}
    executed = json.loads((proj / "outputs" / SLUG / "housing" / "directorate_report.ipynb").read_text(encoding="utf-8"))
    assert executed["metadata"]["perfkit"]["notebook"] == {"path": "notebooks/directorate_report.ipynb", "sha256": sha}
    # perfkit's own notebook (the project's copy, byte for byte) is not called the project's
    mine.write_bytes((PACKAGED_NOTEBOOKS / "directorate_report.ipynb").read_bytes())
    proc = run_cli(proj, "build", "--period", PERIOD, "--directorate", "housing", "--report", "directorate_report", "--format", "html")
    assert "own notebook" not in proc.stdout
    executed = json.loads((proj / "outputs" / SLUG / "housing" / "directorate_report.ipynb").read_text(encoding="utf-8"))
    assert executed["metadata"]["perfkit"]["notebook"] == {"path": "perfkit:directorate_report.ipynb"}


def test_messages_in_plain_words(tmp_path, demo_store):
    """Finding 8: each message names what is wrong and the fix, with no raw library text."""
    import subprocess

    from ..helpers import PERIOD

    proj = make_project(tmp_path / "p", demo_store)
    # a group code that is not a code: no pydantic ValidationError, no web link
    group = tmp_path / "g.csv"
    group.write_text("area_code,area_name\nZZ0000002,Two\nZZ0000003,Three\n", encoding="utf-8")
    said = " ".join(run_cli(proj, "groups", "add", group, "--code", "../../x", check=False).stderr.split())
    assert "--code '../../x': a group's code is lower-case letters, digits and '_' only" in said
    assert "pydantic" not in said and "errors.pydantic.dev" not in said and "ValidationError" not in said
    assert not (proj / "x.yaml").exists() and not list((proj / "params" / "comparators").glob("*x*"))
    # an area the store has no figures for: an error, not "Area nan" and exit 0
    proc = run_cli(proj, "show", "HSG_TA", "--area", "UNKNOWN", "--period", PERIOD, check=False)
    assert proc.returncode == 1 and "nan" not in proc.stdout
    assert "no figures are stored for area 'UNKNOWN' for HSG_TA: give an area code the store holds (e.g. " in " ".join(proc.stderr.split())
    # a folder the operating system will not let anyone change (immutable): what, where and the fix, not "[Errno 1]"
    run_cli(proj, "check", "--period", PERIOD)
    folder = proj / "outputs" / PERIOD.replace("/", "-").replace(" ", "-").lower()
    subprocess.run(["chattr", "+i", str(folder)], check=True)
    try:
        proc = run_cli(proj, "check", "--period", PERIOD, check=False)
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    said = " ".join(proc.stderr.split())
    assert proc.returncode == 1 and "Errno" not in said and "Operation not permitted" not in said, said
    assert f"could not write in the folder {folder}: the operating system refused the change" in said and "lsattr" in said, said


def test_a_3000_character_word_wraps_in_word_as_libreoffice_lays_it_out(tmp_path):
    """Finding 7 in Word: the same 3,000-character word in a heading, a paragraph and a table
    cell stays inside the page and above the footer in LibreOffice's PDF of the DOCX."""
    import nbformat
    import pdfplumber

    from perfkit.blocks.model import Cell, Heading, Paragraph, Table, block_data
    from perfkit.contract import BLOCK_MIME, META_MIME
    from perfkit.render.docx import to_docx

    from ..word_checks import converted_pdf

    word = "".join(chr(ord("a") + i % 26) for i in range(3000))
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    blocks = [Heading(word, 2), Paragraph(word), Table("Table 1: a long word", ("Indicator", "Value"), ((Cell(word), Cell("5")),))]
    cell.outputs = [nbformat.v4.new_output("display_data", data={META_MIME: {"title": "Long words", "lang": "en-GB", "committee": "FOOTER"},
                                                                  "text/plain": ""})]
    cell.outputs += [nbformat.v4.new_output("display_data", data={BLOCK_MIME: block_data(b), "text/plain": ""}) for b in blocks]
    nb.cells = [cell]
    docx = tmp_path / "long.docx"
    docx.write_bytes(to_docx(nb))
    letters = 0
    with pdfplumber.open(converted_pdf(docx, tmp_path / "pdf")) as pdf:
        for page in pdf.pages:
            footer_top = min(w["top"] for w in page.extract_words() if "FOOTER" in w["text"])
            body = [c for c in page.chars if c["top"] < footer_top - 2]
            assert all(30 <= c["x0"] and c["x1"] <= page.width - 30 for c in page.chars), f"text off page {page.page_number}"
            assert all(c["bottom"] <= footer_top for c in body)
            letters += sum(1 for c in body if c["text"].isalpha() and c["text"].islower())
    assert letters >= 3 * 3000


WORD = "".join(chr(ord("a") + i % 26) for i in range(3000))


def test_a_3000_character_word_wraps_inside_the_margins_and_above_the_footer():
    """Finding 7 in the PDF: a 3,000-character unbroken word in a heading, a paragraph and a table
    cell wraps inside the margins and never reaches the footer (typst never breaks a word itself)."""
    import io

    import nbformat
    import pdfplumber

    from perfkit.blocks.model import Cell, Heading, Paragraph, Table, block_data
    from perfkit.blocks.typst import render
    from perfkit.contract import META_MIME, TYPST_MIME
    from perfkit.render.exporters import to_pdf

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    blocks = [Heading(WORD, 2), Paragraph(WORD), Table("Table 1: " + WORD[:500], ("Indicator", "Value"), ((Cell(WORD), Cell("5")),))]
    cell.outputs = [nbformat.v4.new_output("display_data", data={META_MIME: {"title": "Long words", "lang": "en-GB", "committee": "FOOTER"},
                                                                  "text/plain": ""})]
    cell.outputs += [nbformat.v4.new_output("display_data", data={TYPST_MIME: render(block_data(b)), "text/plain": ""}) for b in blocks]
    nb.cells = [cell]
    with pdfplumber.open(io.BytesIO(to_pdf(nb))) as pdf:
        letters = 0
        for page in pdf.pages:
            footer_top = min(w["top"] for w in page.extract_words() if w["text"] == "FOOTER")
            body = [c for c in page.chars if c["top"] < footer_top - 2]
            assert all(c["x1"] <= page.width - 30 and c["x0"] >= 30 for c in page.chars), f"text off page {page.page_number}"
            assert all(c["bottom"] <= footer_top for c in body)
            letters += sum(1 for c in body if c["text"].isalpha() and c["text"].islower())
    assert letters >= 3 * 3000  # every letter of the three copies shown, none lost off the page
