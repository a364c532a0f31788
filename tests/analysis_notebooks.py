"""Three analysts' notebooks of different shapes, written for ``perfkit render`` tests: each
reads DfE's real C1 file (referrals and re-referrals, ../shared/data/public) for its area."""

from __future__ import annotations

import io
from pathlib import Path

import nbformat as nbf

KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "language_info": {"name": "python"}}
READ = """import pandas as pd
c1 = pd.read_csv(data, dtype=str)
las = c1[c1["geographic_level"] == "Local authority"].copy()
for col in ("referral_count", "rereferral_count", "rereferral_percent"):
    las[col] = pd.to_numeric(las[col], errors="coerce")
mine = las[las["new_la_code"] == area].sort_values("time_period")
name = mine["la_name"].iloc[-1]"""


def _front(title: str, summary: str) -> nbf.NotebookNode:
    text = f"title: {title}\nauthor: A. Analyst\ncommittee: Children's Scrutiny\ndate: 2026-03-31\nstatus: draft\nsummary: {summary}\n"
    return nbf.v4.new_raw_cell(text, metadata={"tags": ["paper"]})


def _params(data: Path, area: str) -> nbf.NotebookNode:
    return nbf.v4.new_code_cell(f"data = {str(data)!r}\narea = {area!r}", metadata={"tags": ["parameters"]})


def seaborn_heavy(data: Path, area: str = "E08000007") -> nbf.NotebookNode:
    """Four seaborn charts, each with a title (its alt text), and a stdout print that must not show."""
    return nbf.v4.new_notebook(metadata=KERNEL, cells=[
        _front("Re-referrals in {area}", "Re-referrals within 12 months, year by year, against every council in England."),
        _params(data, area),
        nbf.v4.new_code_cell("%load_ext perfkit.analysis.figures\nimport matplotlib.pyplot as plt\nimport seaborn as sns\n" + READ
                             + "\nprint('rows read:', len(las))"),
        nbf.v4.new_markdown_cell("# Re-referrals\n\n## The council's own series"),
        nbf.v4.new_code_cell("ax = sns.lineplot(data=mine, x='time_period', y='rereferral_percent', marker='o')\n"
                             "ax.set_title(f'Re-referral rate in {name}, 2013 to 2025')\nax.set(xlabel='Year', ylabel='Re-referrals (%)')\nplt.show()"),
        nbf.v4.new_markdown_cell("## Against every council"),
        nbf.v4.new_code_cell("latest = las[las['time_period'] == las['time_period'].max()]\n"
                             "ax = sns.histplot(latest['rereferral_percent'].dropna(), bins=20)\n"
                             "ax.axvline(mine['rereferral_percent'].iloc[-1], color='black')\n"
                             "ax.set_title('Re-referral rates of councils in England, 2025')\nax.set(xlabel='Re-referrals (%)', ylabel='Councils')\nplt.show()"),
        nbf.v4.new_code_cell("ax = sns.boxplot(data=las[las['time_period'] >= '2021'], x='time_period', y='rereferral_percent')\n"
                             "ax.set_title('Spread of re-referral rates by year')\nax.set(xlabel='Year', ylabel='Re-referrals (%)')\nplt.show()"),
        nbf.v4.new_code_cell("g = sns.relplot(data=mine, x='referral_count', y='rereferral_count', hue='time_period', height=4)\n"
                             "g.figure.suptitle(f'Referrals and re-referrals in {name}')\nplt.show()"),
    ])


def long_table(data: Path, area: str = "E08000007") -> nbf.NotebookNode:
    """A 200-row table that spans pages (its caption the heading above it)."""
    return nbf.v4.new_notebook(metadata=KERNEL, cells=[
        _front("Referrals by council", "Referrals and re-referrals of 200 council-years."),
        _params(data, area),
        nbf.v4.new_code_cell("%load_ext perfkit.analysis.figures\n" + READ),
        nbf.v4.new_markdown_cell("## Referrals and re-referrals by council and year"),
        nbf.v4.new_code_cell("table = las.sort_values(['la_name', 'time_period']).head(200)[['la_name', 'time_period', 'referral_count', 'rereferral_count', 'rereferral_percent']]\n"
                             "table.columns = ['Council', 'Year', 'Referrals', 'Re-referrals', 'Re-referrals (%)']\ntable.set_index('Council')"),
    ])


def markdown_rich(folder: Path, data: Path, area: str = "E08000007") -> nbf.NotebookNode:
    """Lists, links, emphasis, an image, a markdown table and maths (inline and displayed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.bar(["A", "B"], [3, 5])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    plt.close(fig)
    (folder / "bars.png").write_bytes(buffer.getvalue())
    return nbf.v4.new_notebook(metadata=KERNEL, cells=[
        _front("How the re-referral rate is worked out", "The rate, its *definition* and where it comes from."),
        _params(data, area),
        nbf.v4.new_code_cell("%load_ext perfkit.analysis.figures\n" + READ),
        nbf.v4.new_markdown_cell(
            "## Definition\n\nThe **re-referral rate** is the share of referrals within 12 months of a previous one, "
            "published by the [Department for Education](https://explore-education-statistics.service.gov.uk/). "
            "In symbols, $r = 100 \\times \\frac{n}{d}$ where:\n\n- $n$ is the number of re-referrals;\n- $d$ is the number of referrals;\n"
            "  1. counted in the year to 31 March;\n  2. per council.\n\n$$\nr = 100 \\times \\frac{\\sum_i n_i}{\\sum_i d_i}\n$$\n\n"
            "![Two bars: A at 3 and B at 5](bars.png)\n\n## Sources\n\n| Table | Publisher | Rows |\n|---|---|--:|\n| C1 | DfE | 2,132 |\n"),
    ])
