"""An IPython extension: matplotlib and seaborn figures shown as SVG, their title as alt text,
and a DataFrame's whole table (up to :data:`MAX_ROWS` rows) beside the view JupyterLab shows.

``%load_ext perfkit.analysis.figures`` (the analyst starter and every new analysis notebook
load it; ``perfkit render --execute`` loads it before the notebook runs). A figure's alt text
is its title (``fig.suptitle``, else its first axes' title) with what its axes show; a figure
without a title has none, and ``perfkit render`` names it in its checks. SVG draws text as
shapes, so the PDF holds no type smaller than the chart was drawn with, and the same figure
makes the same SVG (no date, fixed ids). pandas shows a long DataFrame cut to its first and
last rows; the paper needs every row, so a DataFrame also carries :data:`TABLE_MIME` (its
whole HTML table), which JupyterLab ignores and ``perfkit render`` reads.
"""

from __future__ import annotations

import io
import re
from typing import Any

__all__ = ["MAX_ROWS", "TABLE_MIME", "figure_alt", "load_ipython_extension"]

TABLE_MIME = "application/vnd.perfkit.table+html"
MAX_ROWS = 5000


def figure_alt(fig: Any) -> str:
    """'Households in temporary accommodation: households by quarter', or "" without a title."""
    title = fig._suptitle.get_text().strip() if getattr(fig, "_suptitle", None) is not None else ""
    axes = [ax for ax in fig.get_axes() if ax.get_visible()]
    if not title:
        title = next((t for ax in axes for t in (ax.get_title("center"), ax.get_title("left")) if t.strip()), "").strip()
    if not title:
        return ""
    labels = next(((ax.get_ylabel().strip(), ax.get_xlabel().strip()) for ax in axes if ax.get_ylabel().strip() and ax.get_xlabel().strip()), None)
    return f"{title}: {labels[0]} by {labels[1]}" if labels else title


def _svg(fig: Any) -> tuple[str, dict]:
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "perfkit", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = re.sub(r"<metadata>.*?</metadata>", "", buffer.getvalue().decode("utf-8"), flags=re.DOTALL)
    alt = figure_alt(fig)
    return svg, ({"alt": alt} if alt else {})


def load_ipython_extension(ip: Any) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    plt.close(plt.figure())  # settles the inline backend first, which would otherwise replace these formatters
    formatters = ip.display_formatter.formatters
    for mime in ("image/png", "image/jpeg", "application/pdf"):
        formatters[mime].pop(Figure, None)
    formatters["image/svg+xml"].for_type(Figure, _svg)
    _tables(ip)


def _tables(ip: Any) -> None:
    import pandas as pd
    from IPython.core.formatters import BaseFormatter

    class TableFormatter(BaseFormatter):
        format_type = TABLE_MIME
        print_method = "_perfkit_table_"

    display = ip.display_formatter
    if TABLE_MIME not in display.formatters:
        display.formatters[TABLE_MIME] = TableFormatter(parent=display)
    if TABLE_MIME not in display.active_types:
        display.active_types = [*display.active_types, TABLE_MIME]
    display.formatters[TABLE_MIME].for_type(pd.DataFrame, lambda df: df.to_html(max_rows=MAX_ROWS, max_cols=60))
