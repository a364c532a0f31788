"""``perfkit build --as-of ID`` reproduces every published format, and says so file by file.

Real parts: the demo store, a real build in HTML, PDF, Word and open data, a real publication,
real as-of rebuilds through the CLI, one with a copy of perfkit whose wording was changed
("later code"); the rebuilt files compared byte for byte with the published ones.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from perfkit.publish.reproduce import compare_publication
from perfkit.render.formats import FORMATS, Rendering
from perfkit.store.store import Store

from ..helpers import run_cli

pytestmark = pytest.mark.slow

P, SLUG, FOLDER = "2025/26 Q2", "housing", "2025-26-q2"
STAMP = re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4}(?= with perfkit )")


def nav(html: str) -> str:
    """The page with its links to the index, the previous paper and its own files in other formats
    blanked (publishing rewrites them: the files are published under a clerk's names)."""
    return re.sub(r"href='[^'#]*'>(All reports|Previous paper|This paper|Its figures|What each column)", r"href=''>\1", html)


@pytest.fixture()
def published(project_dir, demo_store):
    store = project_dir / "data" / "perfkit.duckdb"
    store.parent.mkdir()
    shutil.copy(demo_store, store)
    run_cli(project_dir, "build", "--period", P, "--directorate", SLUG, "--format", "html,pdf,docx,csv")
    run_cli(project_dir, "publish", "--period", P, "--directorate", SLUG, "--uncleared")
    with Store(store, read_only=True) as db:
        files = db.con.execute("SELECT format, path, sha256 FROM publication_files WHERE publication_id = 1 ORDER BY path").fetchall()
    assert {f for f, _, _ in files} == {"html", "pdf", "docx", "csv", "ipynb"}
    return project_dir, store, files


def rebuilt(root: Path, path: str) -> Path:
    """The as-of rebuild's copy of a published file (published/<period>/<paper>/publication-1/<file>),
    which the build named as its publication.json records (published under a clerk's name)."""
    parts = Path(path).parts
    built = json.loads((root / "outputs" / path).with_name("publication.json").read_text())["files"][parts[-1]]
    return root / "outputs" / "as-of" / "publication-1" / FOLDER / parts[2] / built


def shas(root: Path, files) -> dict[str, str]:
    return {p: hashlib.sha256((root / "outputs" / p).read_bytes()).hexdigest() for _, p, _ in files}


def test_as_of_reproduces_every_published_format_byte_for_byte(published):
    root, store, files = published
    proc = run_cli(root, "build", "--as-of", "1")
    compared = [(fmt, path) for fmt, path, _ in files if fmt != "ipynb"]
    for fmt, path in compared:
        assert f"same as published: {path}" in proc.stdout
        theirs, ours = (root / "outputs" / path).read_bytes(), rebuilt(root, path).read_bytes()
        if fmt == "html":  # publishing rewrote its two links; the stamp is today's either way
            assert nav(ours.decode()) == nav(theirs.decode()) and ours != theirs
        else:  # PDF and Word carry the paper's date, not the time they were made
            assert ours == theirs, path
    assert f"{len(compared)} of {len(compared)} published file(s) reproduced byte for byte" in proc.stdout
    assert "differs" not in proc.stdout and "would now read differently" not in proc.stdout

    # made on another day, the stamp is the one difference allowed
    for fmt, path in compared:
        again = rebuilt(root, path)
        if fmt == "html":
            again.write_text(STAMP.sub("29 February 2028", again.read_text()))
        elif fmt in ("pdf", "docx"):
            again.write_bytes(render(again, fmt, lambda text: STAMP.sub("29 February 2028", text)))
    assert rebuilt(root, compared[0][1]).read_bytes() != (root / "outputs" / compared[0][1]).read_bytes()
    found = compare_publication(root / "outputs", store, 1, root / "outputs" / "as-of" / "publication-1")
    assert [f.verdict for f in found.files] == ["same"] * len(compared)

    # but not one word more: a PDF that reads differently is found
    pdf = next(rebuilt(root, p) for f, p in compared if f == "pdf" and SLUG in p)
    pdf.write_bytes(render(pdf, "pdf", lambda text: text.replace("Tracing a figure", "Tracing any figure")))
    found = compare_publication(root / "outputs", store, 1, root / "outputs" / "as-of" / "publication-1")
    assert {f.rebuilt for f in found.files if f.verdict != "same"} == {pdf}
    assert ("differs from what was published: published/2025-26-q2/housing/publication-1/Paper E - Housing performance 2025-26 Q2.pdf "
            "(with the code that built it") in \
        "\n".join(found.lines(root / "outputs"))


def test_later_code_says_which_files_would_now_read_differently(published, tmp_path_factory):
    root, _store, files = published
    before = shas(root, files)
    later = tmp_path_factory.mktemp("later")
    shutil.copytree(Path(__import__("perfkit").__file__).parent, later / "perfkit", ignore=shutil.ignore_patterns("__pycache__"))
    shell = later / "perfkit" / "report" / "shell.py"
    shell.write_text(shell.read_text().replace('("Tracing a figure"', '("Tracing any figure"'))
    proc = run_cli(root, "build", "--as-of", "1", env={"PYTHONPATH": str(later)})
    assert "may now read differently" in proc.stdout
    for fmt, path, _ in files:
        if fmt in ("html", "pdf", "docx"):  # each shows the changed word
            assert re.search(rf"differs from what was published: {re.escape(path)} \(the code is not the publication's: it was built by "
                             r"perfkit \S+ \(code [0-9a-f]{12}\), this is perfkit \S+ \(code [0-9a-f]{12}\)\)", proc.stdout), path
        elif fmt == "csv":  # the open data does not carry the wording
            assert f"same as published: {path}" in proc.stdout
    assert "the paper would now read differently, and the published copy stays the record" in proc.stdout
    assert "Tracing any figure" in rebuilt(root, next(p for f, p, _ in files if f == "html" and SLUG in p)).read_text()
    assert shas(root, files) == before  # the frozen copy stays the record
    assert run_cli(root, "verify").returncode == 0


def render(again: Path, fmt: str, edit) -> bytes:  # noqa: ANN001
    """``fmt`` rendered from the rebuilt paper's executed notebook, its text edited by ``edit``."""
    nb = nbformat.reads(edit(again.with_suffix(".ipynb").read_text()), as_version=4)
    return FORMATS[fmt].renderers["nbconvert"](Rendering(nb, again.stem, lambda: (), lambda: None))[FORMATS[fmt].suffixes[0]]
