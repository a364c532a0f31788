"""How ingest reads staged text cells in SQL (DuckDB): trimmed text without control
characters, numbers with their decimals, pound sign and percent sign, suppression codes,
period labels parsed once by :mod:`perfkit.periods`, and the catalogue as a table. Validation
(:mod:`perfkit.ingest.validate`) states its rules over the view this builds."""

from __future__ import annotations

import duckdb
import pandas as pd

from perfkit.config.catalogue import FREQUENCIES, Catalogue, Unit
from perfkit.contract import SUPPRESSION_CODES
from perfkit.errors import PeriodError
from perfkit.ingest.read import KNOWN
from perfkit.periods import parse_period
from perfkit.text import CONTROLS

NUMBER_COLUMNS = ("value", "numerator", "denominator", "ci_lower", "ci_upper")
#: Number columns holding counts (no % or £ sign); the others are figures in the indicator's unit.
COUNT_COLUMNS = ("numerator", "denominator")
PLAIN = r"-?\d+(?:\.\d+)?"
NUMBER = (
    r"^(?P<neg>-)?(?P<gbp>£)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.(?P<d1>\d+))?|\d+(?:\.(?P<d2>\d+))?|\.(?P<d3>\d+))"
    r"(?P<pct>%)?$"
)
#: White space as Python's str.strip() knows it (tab, line breaks, no-break and other spaces).
SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
SPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in SPACE) + "]"
NEEDS_TRIM = f"^{SPACE_CLASS}|{SPACE_CLASS}$|\\x{{a0}}"  # RE2: white space at either end, or a no-break space

def sql_text(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_case(column: str, mapping: dict[str, str | None], default: str = "NULL") -> str:
    whens = " ".join(f"WHEN {sql_text(k)} THEN {sql_text(v) if v is not None else 'NULL'}" for k, v in mapping.items())
    return f"CASE {column} {whens} ELSE {default} END"


def trimmed(column: str) -> str:
    """SQL for a cell's text without surrounding white space, a no-break space read as a space
    (as Python's ``text.replace("\\xa0", " ").strip()``).

    Most cells need neither; one regular expression finds those that do (3x faster than
    trimming every cell)."""
    c = f"coalesce(CAST({column} AS VARCHAR), '')"
    return f"CASE WHEN NOT regexp_matches({c}, {sql_text(NEEDS_TRIM)}) THEN {c} ELSE trim(replace({c}, chr(160), ' '), {sql_text(SPACE)}) END"


def number_parts(column: str) -> str:
    """SQL select items for the first pass over one number column: is it plain, and the
    pattern's parts when it is not (thousands separators, £, %)."""
    t = f"{column}_text"
    return (
        f"regexp_full_match({t}, {sql_text(PLAIN)}) AS {column}_plain, "
        f"CASE WHEN {t} <> '' AND NOT regexp_full_match({t}, {sql_text(PLAIN)}) "
        f"THEN regexp_extract({t}, {sql_text(NUMBER)}, ['neg', 'gbp', 'num', 'd1', 'd2', 'd3', 'pct']) END AS {column}_parts"
    )


def numbers(column: str) -> str:
    """SQL select items reading one number column: value, decimals shown, £, %, code."""
    t, p, c = f"{column}_text", f"{column}_parts", column
    return f"""
        CASE WHEN {c}_plain THEN TRY_CAST({t} AS DOUBLE)
             WHEN {p}.num <> '' THEN TRY_CAST(replace({p}.num, ',', '') AS DOUBLE) * CASE WHEN {p}.neg = '-' THEN -1 ELSE 1 END
        END + 0.0 AS {c},
        CASE WHEN {c}_plain THEN CASE WHEN strpos({t}, '.') > 0 THEN length({t}) - strpos({t}, '.') ELSE 0 END
             ELSE length(coalesce(nullif({p}.d1, ''), nullif({p}.d2, ''), nullif({p}.d3, ''), '')) END AS {c}_decimals,
        coalesce({p}.gbp <> '', false) AS {c}_gbp,
        coalesce({p}.pct <> '', false) AS {c}_pct,
        CASE WHEN lower({t}) IN ({", ".join(sql_text(k) for k in SUPPRESSION_CODES)}) THEN lower({t}) END AS {c}_code"""


def period_table(con: duckdb.DuckDBPyConnection, source: str, name: str) -> None:
    """Parse each distinct period label once (perfkit.periods is the one parser). A published
    kind's label is stored as published ('2015', from '2015 calendar year'; 'as at 30 September 2025')."""
    labels = [r[0] for r in con.execute(f"SELECT DISTINCT period_text FROM {source}").fetchall()]
    rows = []
    for label in labels:
        try:
            p = parse_period(label)
            rows.append((label, p.freq.value, p.start, p.label, None))
        except PeriodError as exc:
            rows.append((label, None, None, None, str(exc)))
    frame = pd.DataFrame(rows, columns=["period_text", "period_type", "period_start", "period_label", "period_error"])
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    con.register(f"{name}_df", frame)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT period_text::VARCHAR AS period_text, period_type::VARCHAR AS period_type, "
        f"period_start::DATE AS period_start, period_label::VARCHAR AS period_label, period_error::VARCHAR AS period_error FROM {name}_df"
    )
    con.unregister(f"{name}_df")


def catalogue_table(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, name: str) -> None:
    cat = catalogue.to_frame()[["indicator", "unit", "frequency", "multiplier", "decimals"]].copy()
    bounds = {u.value: u.bounds for u in Unit}
    cat["low"] = cat["unit"].map(lambda u: bounds[u][0]).astype(float)
    cat["high"] = cat["unit"].map(lambda u: bounds[u][1]).astype(float)
    cat["freq"] = cat["frequency"].map({k: f.value for k, f in FREQUENCIES.items()})
    con.register(f"{name}_df", cat)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT indicator::VARCHAR AS indicator, unit::VARCHAR AS unit, "
        f"frequency::VARCHAR AS frequency, freq::VARCHAR AS freq, multiplier::DOUBLE AS multiplier, decimals::INTEGER AS decimals, "
        f"low::DOUBLE AS low, high::DOUBLE AS high FROM {name}_df"
    )
    con.unregister(f"{name}_df")


#: The longest each cell may be, in characters, and what to do instead. Commentary and
#: actions are at most about a page of the paper each; codes and numbers are short.
CELL_LIMITS = {
    "commentary": (5_000, "shorten it to about a page; put the detail in an appendix or a linked document"),
    "actions": (5_000, "shorten it to about a page; put the detail in an appendix or a linked document"),
    "headline": (150, "shorten it to one sentence of at most 150 characters: page 1 prints it as it is"),
    "note": (1_000, "shorten the note; it explains the figure's status in a sentence or two"),
    "area_name": (200, "give the area's name as it is published"),
    "compared": (100, "give the publisher's short judgement against England, e.g. Better, Similar or Worse"),
    **{c: (100, "check the cell: it should hold a short code, period or number") for c in
       ("indicator", "area_code", "period", "value", "numerator", "denominator", "ci_lower", "ci_upper", "status")},
}
#: Columns of people's free text: control characters are removed from them (with a note).
TEXT_COLUMNS = ("area_name", "note", "headline", "commentary", "actions", "compared")


def printable_sql(column: str) -> str:
    """SQL for the cell without control characters (:data:`perfkit.text.CONTROLS`)."""
    c = f"CAST({column} AS VARCHAR)"
    return f"CASE WHEN regexp_matches({c}, {sql_text(CONTROLS)}) THEN regexp_replace({c}, {sql_text(CONTROLS)}, '', 'g') ELSE {c} END"


def text_view(con: duckdb.DuckDBPyConnection, view: str, source: str) -> None:
    """``source``'s cells as trimmed text, as ``view`` (row, <column>_text..., controls: whether
    control characters were removed from a free-text cell)."""
    cells = ", ".join(f"{trimmed(printable_sql(c) if c in TEXT_COLUMNS else c)} AS {c}_text" for c in KNOWN)
    controls = " OR ".join(f"coalesce(regexp_matches(CAST({c} AS VARCHAR), {sql_text(CONTROLS)}), false)" for c in TEXT_COLUMNS)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT CAST(row AS BIGINT) AS row, {cells}, {controls} AS controls FROM {source}")


def parsed_view(con: duckdb.DuckDBPyConnection, view: str, text: str, name: str, tolerance: str, series: str | None = None) -> None:
    """The cells of ``text`` (a :func:`text_view`) parsed and looked up in ``name``'s small
    tables (catalogue, periods, repeated keys, clashing names), as ``view``.

    ``series_decimals`` is the most decimals any value of the indicator is written with in
    the file: computed here, or taken from the table ``series`` (when only some rows are parsed again)."""
    series_sql = (f"SELECT t1.*, coalesce(x.series_decimals, 0) AS series_decimals FROM t1 LEFT JOIN {series} x USING (indicator)"
                  if series else "SELECT t1.*, max(value_decimals) OVER (PARTITION BY indicator) AS series_decimals FROM t1")
    codes = {k: v[0] for k, v in SUPPRESSION_CODES.items()}
    reasons = {k: v[1] for k, v in SUPPRESSION_CODES.items()}
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW {view} AS
        WITH t0 AS (
            SELECT r.row, upper(r.indicator_text) AS indicator, upper(r.area_code_text) AS area_code,
                   r.area_name_text AS area_name, r.period_text, r.value_text, r.numerator_text,
                   r.denominator_text, r.status_text, lower(r.status_text) AS given, r.note_text,
                   r.headline_text, r.commentary_text, r.actions_text, r.ci_lower_text, r.ci_upper_text, r.compared_text, r.controls,
                   {", ".join(number_parts(c) for c in NUMBER_COLUMNS)}
            FROM {text} r
        ), t1 AS (
            SELECT t0.*, {", ".join(numbers(c) for c in NUMBER_COLUMNS)} FROM t0
        ), t AS (
            {series_sql}
        ), s AS (
            SELECT t.*, c.indicator IS NOT NULL AS known, c.unit, c.frequency, c.freq, c.multiplier, c.low, c.high, c.decimals,
                   p.period_type, p.period_start, p.period_label, p.period_error,
                   coalesce(value_code, numerator_code, denominator_code) AS code,
                   (value IS NOT NULL OR numerator IS NOT NULL OR denominator IS NOT NULL OR ci_lower IS NOT NULL OR ci_upper IS NOT NULL) AS has_number,
                   numerator / nullif(denominator, 0) * c.multiplier AS computed,
                   {tolerance} AS tolerance,
                   t.area_code IN (SELECT area_code FROM {name}_clash) AS name_clash,
                   d.first_row
            FROM t LEFT JOIN {name}_cat c USING (indicator) LEFT JOIN {name}_periods p USING (period_text)
                 LEFT JOIN {name}_dups d ON t.indicator = d.indicator AND t.area_code = d.area_code
                      AND p.period_label IS NOT DISTINCT FROM d.period_label
        ), u AS (
            SELECT s.*, CASE WHEN given <> '' THEN given ELSE coalesce({sql_case("code", codes)}, 'ok') END AS status FROM s
        )
        SELECT u.*, status IN ('ok', 'provisional') AND NOT words_only AS live,
               coalesce(nullif(note_text, ''), {sql_case("code", reasons)}) AS reason0
        FROM (SELECT u.*, coalesce(freq = 'month' AND period_type = 'quarter' AND NOT has_number AND code IS NULL AND given = ''
                                   AND (headline_text <> '' OR commentary_text <> '' OR actions_text <> ''), false) AS words_only FROM u) u
        """
    )
