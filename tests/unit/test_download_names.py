"""File names a clerk can use (perfkit.render.names): one rule, for every kind of paper, safe everywhere."""

from __future__ import annotations

import re

import pytest

from perfkit.config.papers import load_params
from perfkit.render.names import download_name, paper_download_name, safe_name

from ..helpers import PARAMS

SAFE = re.compile(r"^[A-Za-z0-9 ()-]+\.[a-z0-9]+$")


@pytest.fixture(scope="module")
def params():
    return load_params(PARAMS)


def test_each_paper_of_a_period_is_named_for_what_it_is(params):
    name = lambda folder, built, report="directorate_report": paper_download_name(params, folder, "2025/26 Q4", built, report)  # noqa: E731
    assert name("housing", "directorate_report.docx") == "Paper E - Housing performance 2025-26 Q4.docx"
    assert name("housing", "directorate_report.csv") == "Paper E - Housing performance 2025-26 Q4 - open data.csv"
    assert name("housing", "directorate_report-dictionary.csv") == "Paper E - Housing performance 2025-26 Q4 - data dictionary.csv"
    assert name("corporate", "corporate_overview.pdf", "corporate_overview") == "Paper B - Corporate performance overview 2025-26 Q4.pdf"
    assert name("childrens-services", "directorate_report.pdf") == "Paper C - Childrens Services performance 2025-26 Q4.pdf"
    every = {name(slug, "directorate_report.pdf") for slug in params.directorates} | {name("corporate", "corporate_overview.pdf", "corporate_overview")}
    assert len(every) == len(params.directorates) + 1 and all(SAFE.match(n) for n in every)  # five papers, five names
    # a paper of one area or indicator has no letter: its title names it, without the period twice
    area = paper_download_name(params, "areas", "2025/26 Q4", "area_profile_e08000007.pdf", "area_profile_e08000007",
                               "Area profile: Stockport, 2025/26 Q4")
    assert area == "Area profile - Stockport 2025-26 Q4.pdf"


def test_names_hold_only_safe_characters():
    assert safe_name("Café & Bar / <script>: 'quoted' \"x\"\n\tend") == "Cafe and Bar - script - quoted x end"
    made = download_name("ta.html", "ta", "Temporary accommodation: who stays longest?", "2026-05-12")
    assert made == "Temporary accommodation - who stays longest 2026-05-12.html" and SAFE.match(made)
    assert len(download_name("x.pdf", "x", "word " * 100, "2026-05-12")) <= 155
    assert SAFE.match(download_name("x.PDF", "x", "../../etc/passwd", "2025/26 Q1", "E"))
