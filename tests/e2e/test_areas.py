"""Area profiles (per: area) on DfE's published C1 file and its statistical neighbours.

Every figure and rank a profile shows is recomputed here with pandas from the published
files themselves; a batch equals the same profiles built one by one; a revised figure
rebuilds exactly the profiles whose shown figures change.
"""

from __future__ import annotations

import json
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from ..helpers import C1, SN, pages_at, require_shared_data, run_cli

pytestmark = pytest.mark.slow

PERIOD = "2024/25"  # DfE's reporting year 2025
TRAFFORD, STOCKPORT, CAMDEN = "E08000009", "E08000007", "E09000007"


def area_project(folder: Path, areas: list[str] | None = None) -> Path:
    """A project made by `perfkit init`, with DfE C1, every authority's statistical neighbours
    and an area profile report that compares each area with its own."""
    shared = require_shared_data()
    run_cli(folder.parent, "init", folder.name, "--council", "Trafford Council", "--area-code", TRAFFORD, home=False)
    run_cli(folder, "ingest", "--source", "dfe_c1_referrals", str(shared / C1), home=False)
    run_cli(folder, "groups", "add", str(shared / SN), "--every-area", home=False)
    path = folder / "params" / "reports.yaml"
    data = yaml.safe_load(path.read_text())
    entry = next(r for r in data["reports"] if r["name"] == "area_profile")
    entry["neighbours"] = "statistical_neighbours"
    if areas:
        entry["areas"] = areas
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


def published() -> dict:
    """Independently of perfkit: each authority's 2025 rate from its published counts and as
    published (``shown``: DfE's 1 d.p. figure, which perfkit ranks on), its region, and its
    statistical neighbours as ONS codes (through DfE's numbers)."""
    shared = require_shared_data()
    raw = pd.read_csv(shared / C1, dtype=str, keep_default_na=False)
    las = raw[(raw["geographic_level"] == "Local authority") & (raw["time_period"] == "2025")].copy()
    counts = las[["rereferral_count", "referral_count"]].apply(pd.to_numeric, errors="coerce")
    las["rate"] = counts["rereferral_count"] / counts["referral_count"] * 100
    las["shown"] = pd.to_numeric(las["rereferral_percent"], errors="coerce")
    # DfE gives London boroughs Inner or Outer London as their region; perfkit's region is London
    las["region_code"] = las["region_code"].replace({"E13000001": "E12000007", "E13000002": "E12000007"})
    ordered = raw[raw["geographic_level"] == "Local authority"].sort_values("time_period")
    code_of = dict(zip(ordered["old_la_code"], ordered["new_la_code"]))  # each DfE number's latest ONS code
    sn = pd.read_csv(shared / SN, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    sn.columns = [c.strip() for c in sn.columns]
    neighbours = {}
    for _, row in sn.iterrows():
        if row["LA num"].strip() in code_of:
            numbers = [row.iloc[5 + 2 * k].strip() for k in range(10)]
            neighbours[code_of[row["LA num"].strip()]] = [code_of[n] for n in numbers if n in code_of]
    return {"las": las.set_index("new_la_code"), "neighbours": neighbours, "raw": raw}


def half_up(value: float | Decimal) -> Decimal:
    """A figure rounded at 1 d.p. as a person rounds it (73.95 is 74.0)."""
    return (value if isinstance(value, Decimal) else Decimal(repr(float(value)))).quantize(Decimal("0.1"), ROUND_HALF_UP)


def median(values: pd.Series) -> Decimal:
    """The median of figures as shown, in decimal arithmetic, rounded half-up."""
    known = sorted(half_up(v) for v in values.dropna())
    mid = len(known) // 2
    return half_up(known[mid] if len(known) % 2 else (known[mid - 1] + known[mid]) / 2)


def place(shown: pd.Series, area: str) -> tuple[str, Decimal]:
    """'4th of 11, quartile 2' ('joint 4th' where the figure as published is shared) and the
    median of the published figures rounded half-up, lower being better, as the brief defines them."""
    known = shown.dropna()
    rank = int(known.rank(method="min")[area])
    n = len(known)
    joint = "joint " if (known == known[area]).sum() > 1 else ""
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{joint}{rank}{suffix} of {n}, quartile {math.ceil(4 * rank / n)}", median(known)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    project = area_project(tmp_path_factory.mktemp("areas") / "profiles", [TRAFFORD, STOCKPORT, CAMDEN])
    run_cli(project, "build", "--report", "area_profile", "--period", PERIOD, "--format", "html,pdf", home=False)
    return project


def profile_row(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    table = soup.find("caption", string=re.compile("area profile")).find_parent("table")
    heads = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    cells = table.find("tbody").find("tr").find_all(["th", "td"])
    return {h: " ".join(c.get_text(" ", strip=True).split()) for h, c in zip(heads, cells)}


def test_an_areas_figures_and_ranks_equal_the_published_files(batch):
    data = published()
    las, neighbours = data["las"], data["neighbours"]
    for area in (TRAFFORD, STOCKPORT, CAMDEN):
        folder = batch / "outputs" / "2024-25" / "areas"
        html = (folder / f"area_profile_{area.lower()}.html").read_text()
        row = profile_row(html)
        me = las.loc[area]
        assert row["Value"] == f"{float(me['rereferral_percent']):.1f}%"  # DfE's own published percentage
        group = las.loc[[area, *neighbours[area]], "shown"]
        text, mid = place(group, area)
        assert row["Among neighbours"] == f"{text} median {mid}% Statistical neighbours (DfE)", (area, row)  # its group named on its row
        gap = half_up(me["shown"]) - mid  # in percentage points, between the figures as shown
        assert row["Gap to neighbour median"].startswith(f"{'+' if gap > 0 else ''}{gap} pts"), (area, row)
        region = las.loc[las["region_code"] == me["region_code"], "shown"]
        text, mid = place(region, area)
        assert row["In its region"] == f"{text} median {mid}%", (area, row)
        text, mid = place(las["shown"], area)
        england = float(data["raw"].query("geographic_level == 'National' and time_period == '2025'")["rereferral_percent"].iloc[0])
        assert row["Among all authorities"] == f"{text} median {mid}% England {england:.1f}%", (area, row)
        group = las.loc[[area, *neighbours[area]], "rate"]
        # the dot chart names every neighbour with a published figure
        soup = BeautifulSoup(html, "html.parser")
        alt = soup.find("img", alt=re.compile("Re-referrals.*areas with values"))["alt"]
        assert f"{group.notna().sum()} areas with values" in alt and f"{me['la_name']} {float(me['rereferral_percent']):.1f}%" in alt


def test_the_index_lists_the_periods_area_profiles_by_name(batch):
    soup = BeautifulSoup((batch / "outputs" / "index.html").read_text(), "html.parser")
    table = soup.find("caption", string=re.compile("Area profiles for 2024/25")).find_parent("table")
    rows = [tr.find("th").get_text(" ", strip=True) for tr in table.find("tbody").find_all("tr")]
    assert rows == ["Area profile: Camden, 2024/25", "Area profile: Stockport, 2024/25", "Area profile: Trafford, 2024/25"]
    links = [a["href"] for a in table.find_all("a")]
    assert "2024-25/areas/area_profile_e08000009.html" in links and "2024-25/areas/area_profile_e08000009.pdf" in links


def test_the_pdf_says_what_the_html_says_tagged_and_set_no_smaller_than_9pt(batch):
    import subprocess

    import pdfplumber
    from pypdf import PdfReader

    folder = batch / "outputs" / "2024-25" / "areas"
    row = profile_row((folder / "area_profile_e08000009.html").read_text())
    path = folder / "area_profile_e08000009.pdf"
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Area profile: Trafford, 2024/25" in text and "Appendix 1: Area profile" in text
    for column in ("Value", "Among neighbours", "In its region", "Among all authorities"):
        for part in row[column].split(" median "):
            assert part in text, (column, part)
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] and str(root["/Lang"]).lower().startswith("en")
    assert reader.metadata.title == "Area profile: Trafford, 2024/25"
    with pdfplumber.open(path) as pdf:
        sizes = [round(c["size"], 2) for page in pdf.pages for c in page.chars]
    assert sizes and min(sizes) >= 9.0, min(sizes)


def test_area_profile_html_passes_axe_at_phone_and_desktop_widths(batch):
    from axe_playwright_python.sync_playwright import Axe

    path = batch / "outputs" / "2024-25" / "areas" / "area_profile_e09000007.html"
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    for width, page in pages_at(path.as_uri()):
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
        assert results.violations_count == 0, (width, results.generate_report())
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (width, widths)


def _without_stamp(html: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "TIME", html)


def test_a_batch_equals_the_same_profiles_built_one_by_one_and_on_their_own(batch, tmp_path):
    from perfkit.blocks.html import render
    from perfkit.report import AreaProfile
    from perfkit.blocks.model import block_data

    one = {}
    for area in (TRAFFORD, CAMDEN):
        out = tmp_path / f"one-{area}"
        run_cli(batch, "build", "--report", "area_profile", "--area", area, "--period", PERIOD, "--format", "html", "--out", str(out), home=False)
        one[area] = (out / "2024-25" / "areas" / f"area_profile_{area.lower()}.html").read_text()
    for area, html in one.items():
        batch_html = (batch / "outputs" / "2024-25" / "areas" / f"area_profile_{area.lower()}.html").read_text()
        assert _body(html) == _body(batch_html), area
    handed = json.loads((batch / "outputs" / "2024-25" / "areas" / "area_profile_e08000009.ipynb").read_text())["metadata"]["papermill"]["parameters"]["benchmarks"]
    alone = AreaProfile.load(TRAFFORD, PERIOD, root=batch)  # the notebook on its own: benchmarks computed, not handed
    given = AreaProfile.load(TRAFFORD, PERIOD, root=batch, benchmarks=handed)
    assert not alone.handed and given.handed
    for part in ("summary", "background", "profile", "charts"):
        assert render(block_data(getattr(alone, part)())) == render(block_data(getattr(given, part)())), part


def _body(html: str) -> str:
    """The paper without its links bar and the generated-at stamp (an --out folder's links differ)."""
    soup = BeautifulSoup(html, "html.parser")
    for nav in soup.select("nav.paper-links"):
        nav.decompose()
    return _without_stamp(str(soup.find("main") or soup))


def _shown(las: pd.DataFrame, neighbours: dict, areas: list[str]) -> dict[str, tuple]:
    """Independently of perfkit: what each area's profile shows of others, per area: its
    neighbours' rates, its rank, group size, median and how many share its rank among neighbours,
    in its region and among all (of the figures as shown, rounded half-up at 1 d.p.)."""
    def among(group: pd.Series, area: str) -> tuple:
        known = group.dropna().map(lambda v: float(half_up(v)))
        tied = int((known == known[area]).sum()) if area in known else 0  # "joint" is shown
        return (int(known.rank(method="min")[area]), len(known), median(known), tied) if area in known else ()

    shown = {}
    for area in areas:
        mine = las.loc[[area, *neighbours.get(area, [])], "rate"]
        region = las.loc[las["region_code"] == las.loc[area, "region_code"], "rate"]
        shown[area] = (tuple(mine.round(9)), among(mine, area), among(region, area), among(las["rate"], area), las.loc[area, "rate"])
    return shown


def test_a_revised_figure_rebuilds_exactly_the_profiles_that_show_it(tmp_path):
    data = published()
    las, neighbours = data["las"], data["neighbours"]
    north_west = "E12000002"
    project = area_project(tmp_path / "nw", [f"region:{north_west}"])
    first = run_cli(project, "build", "--report", "area_profile", "--period", PERIOD, "--format", "html", home=False)
    region = sorted(las.index[las["region_code"] == north_west])
    assert f"{len(region)} built, 0 up to date" in first.stdout
    again = run_cli(project, "build", "--report", "area_profile", "--period", PERIOD, "--format", "html", home=False)
    assert f"0 built, {len(region)} up to date" in again.stdout

    # Stockport's figure revised: 2 more re-referrals, as a corrected return would say
    row = las.loc[STOCKPORT]
    num, den = int(row["rereferral_count"]) + 2, int(row["referral_count"])
    revised = tmp_path / "revised.csv"
    revised.write_text(f"indicator,area_code,area_name,period,value,numerator,denominator\nDFE_REREF,{STOCKPORT},Stockport,{PERIOD},"
                       f"{num / den * 100:.1f},{num},{den}\n")
    run_cli(project, "ingest", str(revised), home=False)
    after = las.copy()
    after.loc[STOCKPORT, "rate"] = num / den * 100
    before_shown, after_shown = _shown(las, neighbours, region), _shown(after, neighbours, region)
    expected = {a for a in region if before_shown[a] != after_shown[a]}
    assert STOCKPORT in expected and len(expected) < len(region)  # not every profile shows Stockport
    proc = run_cli(project, "build", "--report", "area_profile", "--period", PERIOD, "--format", "html", home=False)
    rebuilt = set(re.findall(r"built areas/area_profile_(\w+)", proc.stdout))
    assert {a.lower() for a in expected} == rebuilt, (sorted(expected), sorted(rebuilt))


def test_area_choices_are_checked(tmp_path):
    from perfkit.config.papers import ReportDef

    with pytest.raises(ValueError, match="areas and neighbours are for an area profile"):
        ReportDef(name="x", notebook="x.ipynb", title="x", per="directorate", areas=["E08000009"])
    project = area_project(tmp_path / "p")
    bad = run_cli(project, "build", "--report", "area_profile", "--area", "E99999999", "--period", PERIOD, check=False, home=False)
    assert bad.returncode == 1 and "--area: 'E99999999' is not an area with figures for the period" in bad.stderr
    wrong = run_cli(project, "build", "--area", TRAFFORD, "--period", PERIOD, check=False, home=False)
    assert wrong.returncode == 1 and "--area chooses the areas of an area profile" in wrong.stderr
