"""Publication as a transaction you can verify: cleared, whole or absent, copied only as built,
checked file by file, links that work from where the copy sits.

Real parts: the demo store, real builds and publishes through the CLI, real signals sent to a
real publish (paused at a chosen moment by a small script that wraps one call), a real ingest
landing between publish's check and its record, Chromium following the published links.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import pytest

from perfkit.publish import publications
from perfkit.store.store import Store

from ..helpers import CHROMIUM, chromium, cli_env, run_cli, write_csv

pytestmark = pytest.mark.slow

P, SLUG, FOLDER = "2025/26 Q2", "housing", "2025-26-q2"
PAPER = "directorate_report"
PUB = "Paper E - Housing performance 2025-26 Q2"  # the published copies' name (perfkit.render.names)

#: A publish that stops at a chosen moment: it writes the flag file and waits for the go file.
PAUSED = """
import os, sys, time
flag, go, where = sys.argv[1], sys.argv[2], sys.argv[3]
def wait():
    open(flag, "w").close()
    while not os.path.exists(go):
        time.sleep(0.05)
if where == "copy":  # mid-copy: after the first file is staged
    real = os.chmod
    def chmod(path, mode, *a, **k):
        real(path, mode, *a, **k)
        if ".publishing-" in str(path) and not os.path.exists(flag):
            wait()
    os.chmod = chmod
else:  # between the papers' check and the record
    import perfkit.publish.papers as papers
    real = papers.papers_to_publish
    def checked(*a, **k):
        found = real(*a, **k)
        if not os.path.exists(flag):
            wait()
        return found
    papers.papers_to_publish = checked
sys.argv = ["perfkit", "publish", "--period", "2025/26 Q2", "--directorate", "housing", "--uncleared"]
from perfkit.cli.app import run
run()
"""


@pytest.fixture()
def built(project_dir, demo_store):
    store = project_dir / "data" / "perfkit.duckdb"
    store.parent.mkdir()
    shutil.copy(demo_store, store)
    run_cli(project_dir, "build", "--period", P, "--directorate", SLUG, "--format", "html,pdf,csv")
    return project_dir, store


def paused_publish(root: Path, where: str) -> tuple[subprocess.Popen, Path]:
    script = root / "paused.py"
    script.write_text(PAUSED)
    flag, go = root / "paused.flag", root / "paused.go"
    proc = subprocess.Popen([sys.executable, str(script), str(flag), str(go), where], cwd=root, env=cli_env(root),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while not flag.exists():
        assert proc.poll() is None and time.time() < deadline, proc.communicate()
        time.sleep(0.05)
    return proc, go


def on_disk(root: Path) -> list[str]:
    published = root / "outputs" / "published"
    return sorted(str(p.relative_to(published)) for p in published.rglob("*") if "publication-" in str(p) or ".publishing" in str(p))


def test_clearance_is_asked_for_and_recorded(built):
    root, store = built
    refused = run_cli(root, "publish", "--period", P, "--directorate", SLUG, check=False)
    assert refused.returncode == 1 and "not cleared for publication: 2025-26-q2/housing/directorate_report" in refused.stderr
    assert "perfkit clear --period '2025/26 Q2' --by NAME" in refused.stderr and publications(store).empty
    run_cli(root, "clear", "--period", P, "--directorate", SLUG, "--by", "Jo Smith, Director of Housing")
    done = run_cli(root, "publish", "--period", P, "--directorate", SLUG)
    assert "(housing, corporate; CSV, HTML, IPYNB, PDF)" in " ".join(done.stdout.split())
    assert "The corporate overview is published with any directorate's paper" in " ".join(done.stdout.split())
    with Store(store, read_only=True) as db:
        cleared = db.con.execute("SELECT DISTINCT report, cleared_by FROM publication_files ORDER BY 1").fetchall()
        paths = [r[0] for r in db.con.execute("SELECT path FROM publication_files").fetchall()]
    assert cleared == [("2025-26-q2/corporate/corporate_overview", "Jo Smith, Director of Housing"),
                       ("2025-26-q2/housing/directorate_report", "Jo Smith, Director of Housing")]
    assert all(not Path(p).is_absolute() and p.startswith("published/2025-26-q2/") for p in paths)  # recorded relative
    listed = publications(store).iloc[0]
    assert (listed["folders"], listed["formats"], listed["cleared"], listed["papers"]) == ("corporate, housing", "csv, html, ipynb, pdf", 2, 2)
    table = " ".join(run_cli(root, "publications").stdout.split())
    assert "corporate, housing" in table and "2 of 2" in table


def test_sigterm_mid_copy_leaves_nothing_and_the_next_publish_works(built):
    root, store = built
    proc, go = paused_publish(root, "copy")
    assert on_disk(root)  # the first file is staged
    proc.send_signal(signal.SIGTERM)
    go.touch()
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143 and "stopped by SIGTERM: nothing was published or recorded" in err
    assert on_disk(root) == [] and publications(store).empty
    index = (root / "outputs" / "index.html").read_text()
    assert "(publication 1)" not in index
    again = run_cli(root, "publish", "--period", P, "--directorate", SLUG, "--uncleared")
    assert "publication 1:" in again.stdout
    run_cli(root, "verify")


def test_sigint_says_what_happened(built):
    root, store = built
    proc, go = paused_publish(root, "copy")
    proc.send_signal(signal.SIGINT)
    go.touch()
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and err.strip() == "stopped by Ctrl-C: nothing was published or recorded; run it again"
    assert on_disk(root) == [] and publications(store).empty


def test_a_publish_killed_outright_is_cleaned_up_by_the_next(built):
    root, store = built
    proc, _go = paused_publish(root, "copy")
    proc.kill()  # as a power cut: no undo runs
    proc.communicate(timeout=60)
    assert any(".publishing-1" in p for p in on_disk(root))
    again = run_cli(root, "publish", "--period", P, "--directorate", SLUG, "--uncleared")
    assert "removed .publishing-1, left by an interrupted publish" in again.stdout and "publication 1:" in again.stdout
    assert not any(".publishing" in p for p in on_disk(root))
    run_cli(root, "verify")


def test_an_ingest_between_check_and_record_cannot_change_the_recorded_batch(built):
    root, store = built
    with Store(store, read_only=True) as db:
        before = db.con.execute("SELECT max(batch_id) FROM batches").fetchall()[0][0]
        old = db.observations(["HSG_TA"], ["ZZ0000001"]).query("period_type == 'quarter'")
    value = old[old["period"].astype(str) == P].iloc[0]["value"]
    proc, go = paused_publish(root, "check")
    revised = write_csv(root / "revised.csv", f"indicator,area_code,area_name,period,value\nHSG_TA,ZZ0000001,Kestrel Vale,{P},{value + 37:.0f}\n")
    run_cli(root, "ingest", str(revised))  # lands after the papers were checked against batch `before`
    go.touch()
    _out, err = proc.communicate(timeout=300)
    # the check is made again under the store's write lock: the paper no longer matches the store
    assert proc.returncode == 1 and "built from other data" in err, err
    assert publications(store).empty and on_disk(root) == []
    with Store(store, read_only=True) as db:
        assert db.con.execute("SELECT max(batch_id) FROM batches").fetchall()[0][0] == before + 1


def test_a_deleted_pdf_and_an_edited_manifest_path_are_refused(built, tmp_path):
    root, store = built
    folder = root / "outputs" / FOLDER / SLUG
    pdf = folder / f"{PAPER}.pdf"
    kept = pdf.read_bytes()
    pdf.unlink()
    proc = run_cli(root, "publish", "--period", P, "--directorate", SLUG, "--uncleared", check=False)
    assert proc.returncode == 1 and f"was built as PDF too, but {pdf} is missing" in " ".join(proc.stderr.split())
    assert "--format html,pdf,csv" in proc.stderr  # the rebuild keeps the formats
    pdf.write_bytes(kept)
    outside = tmp_path / "secret.html"
    outside.write_text("<p>not a paper</p>")
    manifest = root / "outputs" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["reports"][f"{FOLDER}/{SLUG}/{PAPER}"]["files"]["html"] = str(outside)
    manifest.write_text(json.dumps(data))
    proc = run_cli(root, "publish", "--period", P, "--directorate", SLUG, "--uncleared", check=False)
    assert proc.returncode == 1 and f"names {outside} as {FOLDER}/{SLUG}/{PAPER}'s html, not the file the build writes" in " ".join(proc.stderr.split())
    assert publications(store).empty and on_disk(root) == []


def test_a_symlinked_published_folder_is_refused(built, tmp_path):
    root, store = built
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "outputs" / "published").symlink_to(elsewhere)
    proc = run_cli(root, "publish", "--period", P, "--directorate", SLUG, "--uncleared", check=False)
    assert proc.returncode == 1 and "is a link" in proc.stderr and list(elsewhere.iterdir()) == [] and publications(store).empty


def test_verify_finds_edited_deleted_and_added_files_and_writers_refuse_published(built):
    root, store = built
    run_cli(root, "publish", "--period", P, "--directorate", SLUG, "--uncleared")
    assert "8 published file(s) checked: each is as published" in run_cli(root, "verify", "--period", P).stdout
    folder = root / "outputs" / "published" / FOLDER / SLUG / "publication-1"
    assert not folder.stat().st_mode & 0o222 and not (folder / f"{PUB}.html").stat().st_mode & 0o222
    from perfkit.atomic import write_text
    from perfkit.errors import ConfigError
    from perfkit.publish import verify

    with pytest.raises(ConfigError, match="holds publications"):
        write_text(folder / f"{PUB}.html", "replaced")
    folder.chmod(0o755)
    (folder / f"{PUB}.html").chmod(0o644)
    with open(folder / f"{PUB}.html", "a") as f:
        f.write("<!-- edited -->")
    (folder / f"{PUB}.pdf").unlink()
    (folder / "extra.html").write_text("added")
    proc = run_cli(root, "verify", check=False)
    assert proc.returncode == 1 and "finding(s) in 8 published file(s) checked" in " ".join(proc.stderr.split())
    found = {(f.what, f.path.name) for f in verify(root / "outputs", store)[1] if f.publication_id == 1}
    assert {("changed", f"{PUB}.html"), ("missing", f"{PUB}.pdf"), ("added", "extra.html")} <= found


def test_published_links_work_from_where_the_copy_sits_in_chromium(built):
    root, _store = built
    run_cli(root, "publish", "--period", P, "--directorate", SLUG, "--uncleared")
    paper = root / "outputs" / "published" / FOLDER / SLUG / "publication-1" / f"{PUB}.html"
    with chromium() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(paper.as_uri())
            for link in page.locator("a[href]").all():
                href = link.get_attribute("href")
                if href.startswith("#"):
                    continue
                target = (paper.parent / unquote(href.split("#")[0])).resolve()
                assert target.is_file(), href
                assert "published" in target.parts or target.parent == paper.parent, href  # never the build's working files
            page.get_by_text("All reports").click()
            assert page.url == (root / "outputs" / "published" / "index.html").as_uri()
            assert "Housing performance report: 2025/26 Q2" in page.content()
            for link in page.locator("a[href]").all():  # the publications' index links every published file
                href = link.get_attribute("href")
                assert href.startswith("#") or (root / "outputs" / "published" / unquote(href)).resolve().is_file()
        finally:
            browser.close()


def test_as_of_rebuilds_every_published_format(built):
    root, _store = built
    run_cli(root, "publish", "--period", P, "--directorate", SLUG, "--uncleared")
    proc = run_cli(root, "build", "--as-of", "1")  # no --format: the publication's own
    assert "may now read differently" not in proc.stdout  # the same perfkit built it
    again = root / "outputs" / "as-of" / "publication-1" / FOLDER / SLUG
    published = root / "outputs" / "published" / FOLDER / SLUG / "publication-1"
    record = json.loads((published / "publication.json").read_text())["files"]  # published name -> the build's
    assert sorted(p.name for p in again.glob(f"{PAPER}*")) == sorted(record.values())
    assert sorted(record) == sorted(p.name for p in published.glob(f"{PUB}*"))
    for name in (f"{PUB} - open data.csv", f"{PUB} - data dictionary.csv"):
        assert (again / record[name]).read_bytes() == (published / name).read_bytes()
    stamp = lambda text: re.sub(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}", "<time>", text)  # noqa: E731
    links = lambda text: re.sub(r"href='[^']*'>(All reports|Previous paper|[^<]*(PDF|Word|CSV|data dictionary)[^<]*)", r"href=''>\1", text)  # noqa: E731
    assert links(stamp((again / f"{PAPER}.html").read_text())) == links(stamp((published / f"{PUB}.html").read_text()))
    # the PDF: its text, as committee read it
    text = lambda pdf: stamp(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)  # noqa: E731
    assert text(again / f"{PAPER}.pdf") == text(published / f"{PUB}.pdf")
