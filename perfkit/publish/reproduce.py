"""Does a rebuild as of a publication (``perfkit build --as-of ID``) reproduce what was published?

Each file the publication recorded is compared, byte for byte, with the file the rebuild
made, after normalising only what README documents to differ:

- the time stamp: the date a paper says it was "Produced" on. The rebuilt HTML takes the
  published one's date; a rebuilt PDF or Word file made on another day is rendered again from
  the rebuilt notebook with the published date (the stamp is inside their compressed pages),
  once that notebook is shown to render to exactly the rebuilt file;
- the links publishing rewrites ("All reports", "Previous paper"): the same rewrite
  (:func:`perfkit.render.site.published_links`) is applied to the rebuilt HTML, as publishing
  applied it, counting only the publications made before this one.

Everything else must be equal: PDF and Word files carry the paper's own date in their
properties and zip entries, never the time they were made. The executed notebook is not
compared: it records when and for how long it ran. Nothing published is read other than to
compare, and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Compared", "compare_publication"]

#: The stamp: "Produced 5 December 2026 with perfkit 0.1.0" (perfkit.report.shell.about)
_STAMP = re.compile(r"(\d{1,2} [A-Z][a-z]+ \d{4}) with perfkit ")
_HTML_STAMP = re.compile(r"Produced</th><td>" + _STAMP.pattern)


@dataclass(frozen=True)
class Compared:
    """One published file against its rebuilt copy."""

    published: Path
    rebuilt: Path
    verdict: str  # same, differs, missing (the rebuild made no such file)


@dataclass(frozen=True)
class Reproduction:
    number: int
    files: list[Compared]
    code: str | None  # the code that built the publication (version:hash)
    ours: str  # the code running now

    @property
    def same_code(self) -> bool:
        return self.code is None or self.code == self.ours

    def lines(self, out: Path) -> list[str]:
        """What to tell the user: one line per file, then a summary."""
        why = ("" if self.same_code else
               f" (the code is not the publication's: it was built by perfkit {_short(self.code)}, this is perfkit {_short(self.ours)})")
        said = []
        for f in self.files:
            name = _shown(f.published, out)
            if f.verdict == "same":
                said.append(f"same as published: {name}")
            elif f.verdict == "missing":
                said.append(f"not rebuilt: {name} (the rebuild made no {f.rebuilt.name})")
            else:
                said.append(f"differs from what was published: {name}{why or ' (with the code that built it: the params or another input differ from then)'}")
        same = sum(f.verdict == "same" for f in self.files)
        summary = f"as of publication {self.number}: {same} of {len(self.files)} published file(s) reproduced byte for byte (apart from the date stamp)"
        if same < len(self.files):
            summary += "; the paper would now read differently, and the published copy stays the record"
        return [*said, summary + "; the executed notebook (.ipynb) is not compared: it records when and for how long it ran"]


def compare_publication(out: Path, store: str | Path, number: int, rebuilt: Path) -> Reproduction:
    """Publication ``number`` (its files under ``out``) against the rebuild in ``rebuilt``
    (``outputs/as-of/publication-<number>/``), file by file (see the module)."""
    from perfkit.build.manifest import code_hash
    from perfkit.periods import parse_period
    from perfkit.store.queries import publication_tables
    from perfkit.store.store import Store

    out, rebuilt = Path(out).resolve(), Path(rebuilt).resolve()
    with Store(store) as db:  # read-write only so a store made before publications' newer columns gains them
        publication_tables(db.con)
        period, folder, code = db.con.execute("SELECT period, folder, code FROM publications WHERE publication_id = ?", [number]).fetchone()
        rows = db.con.execute("SELECT format, path, built FROM publication_files WHERE publication_id = ? AND format <> 'ipynb' ORDER BY path",
                              [number]).fetchall()
    when = parse_period(period)
    renamed = {}  # per published folder: the build's file name -> the published one (perfkit.render.names)
    for _fmt, path, built in rows:
        renamed.setdefault((out / path).parent, {})[built or Path(path).name] = Path(path).name
    files = []
    for fmt, path, built in rows:
        published = out / path
        paper = Path(path).relative_to(folder).parts[0]  # published/<period>/<paper's folder>/publication-<id>/<file>
        again = rebuilt / when.slug / paper / (built or published.name)
        files.append(Compared(published, again, _verdict(fmt, published, again, out, when, number, renamed[published.parent])))
    return Reproduction(number, files, code, code_hash())


def _verdict(fmt: str, published: Path, again: Path, out: Path, when, number: int, renamed: dict) -> str:  # noqa: ANN001 - Period
    if not again.is_file():
        return "missing"
    theirs, ours = published.read_bytes(), again.read_bytes()
    if theirs == ours:
        return "same"
    stamp = _stamp_of(published.parent / renamed.get(again.with_suffix(".html").name, "")) if fmt in ("pdf", "docx") else None
    if fmt == "html" and again.suffix == ".html":
        from perfkit.render.site import published_links

        text = ours.decode("utf-8")
        found = _HTML_STAMP.search(theirs.decode("utf-8", "replace"))
        if found:
            text = _HTML_STAMP.sub(lambda m: m.group(0).replace(m.group(1), found.group(1)), text, count=1)
        ours = published_links(text, out, published.parent, when, again.name, before=number, renamed=renamed).encode("utf-8")
    elif stamp and (own := _stamp_of(again.with_suffix(".html"))) and stamp != own:
        # only if the rebuilt notebook renders to exactly the rebuilt file is it rendered again with the published stamp
        ours = _rendered(fmt, again, stamp) if _rendered(fmt, again, own) == ours else None
    return "same" if ours == theirs else "differs"


def _stamp_of(html: Path) -> str | None:
    """The date a paper's HTML says it was produced on (None: no HTML, or no stamp)."""
    found = _HTML_STAMP.search(html.read_text(encoding="utf-8")) if html.is_file() else None
    return found.group(1) if found else None


def _rendered(fmt: str, again: Path, stamp: str) -> bytes | None:
    """The rebuilt paper's ``fmt`` rendered again from its executed notebook, stamped ``stamp``."""
    import nbformat

    from perfkit.render.formats import FORMATS, Rendering

    notebook = again.with_suffix(".ipynb")
    if not notebook.is_file():
        return None
    text = notebook.read_text(encoding="utf-8")
    text = _STAMP.sub(lambda m: m.group(0).replace(m.group(1), stamp), text)
    nb = nbformat.reads(text, as_version=4)
    made = FORMATS[fmt].renderers["nbconvert"](Rendering(nb, again.stem, lambda: (), lambda: None))
    return (made or {}).get(FORMATS[fmt].suffixes[0])


def _short(code: str | None) -> str:
    """'0.1.0 (code 3f2a9c81d0e4)' from '0.1.0:3f2a9c81d0e4...'."""
    if not code:
        return "unknown"
    version, _, digest = code.partition(":")
    return f"{version} (code {digest[:12]})" if digest else version


def _shown(path: Path, out: Path) -> str:
    try:
        return path.relative_to(out).as_posix()
    except ValueError:
        return str(path)
