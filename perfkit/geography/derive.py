"""Derive perfkit's lookup of English authorities from DfE's register of local authority codes.

    python -m perfkit.geography.derive PATH/las.csv [--out perfkit/geography]

``las.csv`` (dfe-analytical-services/dfe-published-data-qa, ``data/las.csv``) lists every
upper-tier code since 2009 with its dates, region and DfE number, but says nothing of what
followed an authority. This script writes ``authorities.csv`` (one row per code, never a
copy of the register) and ``source.json`` (which file, its SHA-256, when), working out:

- a **recoding**: codes sharing one DfE number (``old_la_code``) are one authority; the older
  codes get ``current_code``, the newest code (Sheffield E08000019 -> E08000039);
- a **split or merger**: a code that ended with no later code of its DfE number is succeeded
  by the codes that began the next day in the same region, narrowed to those sharing a word of
  its name where any do (Northamptonshire -> North and West Northamptonshire; Poole ->
  Bournemouth, Christchurch and Poole); ``successors`` lists them and ``note`` says so.

The register's quirks are handled: joint rows ("E06000061 / E06000062", DfE number
"940 / 941") and the BFPO row (code ``z``) are left out; ``x`` is no DfE number; names such
as "Bristol, City of" are quoted; Windows line ends. A maintainer reruns this on a new copy
of the register and commits both files (see README, "Geography").
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = "DfE register of English local authority codes (dfe-analytical-services/dfe-published-data-qa, data/las.csv)"
#: The register gives region codes only; these are ONS's names, as DfE's files write them.
REGION_NAMES = {
    "E12000001": "North East", "E12000002": "North West", "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands", "E12000005": "West Midlands", "E12000006": "East of England",
    "E12000007": "London", "E12000008": "South East", "E12000009": "South West",
}
KINDS = {"E06": "unitary authority", "E08": "metropolitan district", "E09": "London borough", "E10": "county"}
COLUMNS = ["code", "name", "kind", "tier", "region_code", "region_name", "dfe_number", "from", "to", "current_code", "successors", "note"]
_HEADER = ["new_la_code", "la_name", "date_of_operation", "date_of_termination", "parent_geography_code",
           "entity_code", "entity_description", "status", "old_la_code"]
_COMMON = {"and", "of", "the", "upon", "county", "city", "on"}


def _date(text: str, path: Path, row: int, column: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise SystemExit(f"{path}: row {row}, column {column}: {text!r} is not a date DD/MM/YYYY; check the register's layout") from None


def read_register(path: Path) -> list[dict]:
    """The register's rows for single authorities, checked, with dates as dates."""
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n"))))
    if [h.strip() for h in rows[0]] != _HEADER:
        raise SystemExit(f"{path}: row 1: expected the register's columns {_HEADER}, found {rows[0]}")
    found = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        r = dict(zip(_HEADER, (c.strip() for c in cells)))
        if "/" in r["new_la_code"] or not re.fullmatch(r"E(06|07|08|09|10)\d{6}", r["new_la_code"]):
            continue  # a joint row ("E06000061 / E06000062") or the BFPO row ("z")
        if r["parent_geography_code"] not in REGION_NAMES:
            raise SystemExit(f"{path}: row {number}, column parent_geography_code: {r['parent_geography_code']!r} is not an English region (E12)")
        found.append({**r, "row": number, "start": _date(r["date_of_operation"], path, number, "date_of_operation"),
                      "end": _date(r["date_of_termination"], path, number, "date_of_termination"),
                      "dfe": r["old_la_code"] if r["old_la_code"].isdigit() else ""})
    return found


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", name.lower()) if w not in _COMMON}


def _shares_word(a: str, b: str) -> bool:
    """Whether two names share a word (or one word begins the other: Bedford, Bedfordshire)."""
    return any(x == y or (min(len(x), len(y)) >= 5 and (x.startswith(y) or y.startswith(x))) for x in _words(a) for y in _words(b))


def _label(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def derive(rows: list[dict]) -> list[dict]:
    """One lookup row per code (see the module for the rules)."""
    by_code = {r["new_la_code"]: r for r in rows}
    newest: dict[str, dict] = {}
    for r in rows:  # the newest code of each DfE number
        if r["dfe"] and (r["dfe"] not in newest or (r["start"], r["end"] is None) > (newest[r["dfe"]]["start"], newest[r["dfe"]]["end"] is None)):
            newest[r["dfe"]] = r
    out = []
    for r in rows:
        code, latest = r["new_la_code"], newest.get(r["dfe"])
        current, successors, note = (code if r["end"] is None else ""), [], ""
        if r["end"] is not None and latest is not None and latest["new_la_code"] != code:
            current = latest["new_la_code"]
            note = f"recoded: the same authority (DfE number {r['dfe']}) is {current} from {_label(latest['start'])}"
        elif r["end"] is not None:
            began = [o for o in rows if o["start"] == r["end"] + dt.timedelta(days=1) and o["parent_geography_code"] == r["parent_geography_code"]]
            named = [o for o in began if _shares_word(o["la_name"], r["la_name"])]
            successors = [o["new_la_code"] for o in (named or began)]
            listed = " and ".join(f"{by_code[s]['la_name']} ({s})" for s in successors)
            note = f"ended {_label(r['end'])}; succeeded by {listed}" if successors else f"ended {_label(r['end'])}"
        out.append({
            "code": code, "name": r["la_name"], "kind": KINDS[code[:3]], "tier": "upper",
            "region_code": r["parent_geography_code"], "region_name": REGION_NAMES[r["parent_geography_code"]],
            "dfe_number": r["dfe"], "from": r["start"].isoformat() if r["start"] else "", "to": r["end"].isoformat() if r["end"] else "",
            "current_code": current, "successors": " ".join(successors), "note": note,
        })
    return sorted(out, key=lambda o: o["code"])


def write(path: Path, out: Path, source: str = SOURCE, today: dt.date | None = None) -> list[dict]:
    """Read the register at ``path``; write ``authorities.csv`` and ``source.json`` in ``out``."""
    rows = derive(read_register(path))
    out.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / "authorities.csv").write_text(buffer.getvalue(), encoding="utf-8")
    register = read_register(path)
    facts = {
        "source": source,
        "file": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "derived_on": (today or dt.date.today()).isoformat(),
        "latest_change_in_register": max(d for r in register for d in (r["start"], r["end"]) if d).isoformat(),
        "codes": len(rows),
        "live": sum(1 for r in rows if not r["to"]),
    }
    (out / "source.json").write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m perfkit.geography.derive", description=__doc__.split("\n\n")[0])
    parser.add_argument("register", type=Path, help="DfE's las.csv")
    parser.add_argument("--out", type=Path, default=HERE, help="where to write authorities.csv and source.json (default: the package)")
    parser.add_argument("--source", default=SOURCE, help="where the register came from, as source.json should say")
    args = parser.parse_args(argv)
    rows = write(args.register, args.out, args.source)
    print(f"{args.out / 'authorities.csv'}: {len(rows)} codes, {sum(1 for r in rows if not r['to'])} live")


if __name__ == "__main__":
    main()
