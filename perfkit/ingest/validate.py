"""Check and normalise the text cells of a canonical table, all rows at once, in DuckDB.

The rows to check are a table (or registered frame) of text cells in the store's own
connection, so a file of millions of rows is parsed, checked and written without passing
through Python objects, on every core, within DuckDB's memory limit. Each check is one SQL
condition; a row that fails any becomes one or more :class:`Problem` rows naming the file,
row, column, value, what is wrong and the fix. The rows that pass become a temporary view
ready for :meth:`perfkit.store.store.Store.write_batches`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from perfkit.config.catalogue import Catalogue
from perfkit.contract import COUNTS_DISAGREE, STATUSES, SUPPRESSION_CODES
from perfkit.ingest.lookalike import not_latin
from perfkit.ingest.parse import (
    CELL_LIMITS,
    COUNT_COLUMNS,
    NUMBER_COLUMNS,
    catalogue_table,
    parsed_view,
    period_table,
    sql_text,
    text_view,
)
from perfkit.spreadsheet import FORMULA_START, NUMBER_TEXT
from perfkit.store.identity import CONFIG
from perfkit.store.store import OBSERVATION_COLUMNS
from perfkit.text import shortened

__all__ = ["Checked", "Problem", "SUPPRESSION_CODES", "check", "drop", "validate"]

PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem", "fix"]
#: What a problem shows as the cell's value: the normalised text, the code upper-cased.
_SHOWN = {"indicator": "indicator", "area_code": "area_code", "area_name": "area_name"}


@dataclass(frozen=True)
class Problem:
    """One reason a row was rejected."""

    file: str
    row: int
    column: str
    value: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, column {self.column}, value {shortened(self.value or '')!r}: {self.problem}; {self.fix}"


# (column, condition, problem, fix): each a SQL expression over the parsed table ``v``.
# Conditions and messages may use any parsed column; problem and fix are SQL expressions.
#: How far a value may be from its counts, judged cell by cell: half a unit of the last decimal
#: it is written with ("22.2" is 61/275 = 22.18 to one decimal, though another row of the file
#: says "20.69"), or of the series' decimals when it is written as a whole number among values
#: with decimals ("21" among "20.7" is 21.0 with its trailing zero dropped, by Excel: 21.4 is
#: an error, not rounding). A value that equals its counts rounded to the decimals it is written
#: with, or to the series' decimals, is accepted; the series' decimals are the most any value
#: of the indicator is written with in the file.
VALUE_DECIMALS_TOLERANCE = "0.5 * pow(10.0, -CASE WHEN value_decimals > 0 THEN value_decimals ELSE series_decimals END)"
#: A published value further from its own published counts than the tolerance (kept as published).
DISAGREES = "value IS NOT NULL AND computed IS NOT NULL AND abs(value - computed) > tolerance"


def _publisher_fixes(mapping: str | None) -> tuple[str, str]:
    """The fixes for a blank value and for a value that disagrees with its counts: an owner's
    (correct the row) or, for a publisher's file read through a mapping, the mapping key that
    says how to read it (the publisher's record is not corrected)."""
    if mapping is None:
        return ("give a value (or both numerator and denominator), or set status to missing with a note",
                "correct the value or the counts, or leave the value blank to have it computed")
    where = f"in the source mapping {mapping!r} (params/sources/)"
    return (f"the publisher left it blank: set `blank: missing` {where} to store such rows as missing, "
            "noted 'blank in the published file'",
            f"the publisher's value and counts disagree: set `value_tolerance` {where} to how far the publisher's rounding "
            "may take them apart (DfE: 0.1), or remove `strict: true` to store such rows as published, flagged counts_disagree")


def _checks(today: dt.date, flag_disagreement: bool = False, mapping: str | None = None) -> list[tuple[str, str, str, str]]:
    blank_fix, disagree_fix = _publisher_fixes(mapping)
    number_fix = sql_text("write a number such as 1234 or 45.6, a suppression code (c, x, u, z, low), or leave it blank")
    checks = [
        ("indicator", "NOT known", sql_text("unknown indicator"), sql_text("use a code from `perfkit indicators`, or add it to params/indicators/")),
        ("area_code", "area_code = ''", sql_text("is blank"), sql_text("give the area's code, e.g. E08000009")),
        ("area_name", "area_name = ''", sql_text("is blank"), sql_text("give the area's name")),
        ("area_code", "area_code <> '' AND NOT regexp_full_match(area_code, '[A-Za-z0-9_\\-]{1,24}')",
         sql_text("has characters an area code does not"), sql_text("use letters, digits, '-' or '_' only")),
        ("area_name", "name_clash", sql_text("the same area code has different names in this file"), sql_text("use one name per area code")),
        ("period", "period_error IS NOT NULL", "period_error", sql_text("write the period as '2025/26', '2025/26 Q3' or '2025-11'")),
        ("period", f"period_start > DATE '{today:%Y-%m-%d}'", sql_text(f"the period starts after today ({today:%Y-%m-%d})"),
         sql_text("check the year; perfkit stores only periods that have started")),
        ("period", "known AND period_type IS NOT NULL AND period_type <> freq AND NOT words_only",
         "'is a ' || period_type || ' but ' || indicator || ' is ' || frequency",
         sql_text("give a period of the indicator's frequency (a monthly indicator may also have a row for its quarter "
                  "holding only the commentary and actions, with no figures and no status)")),
    ]
    for column in NUMBER_COLUMNS:
        is_value = column not in COUNT_COLUMNS  # the value and its confidence limits are in the indicator's unit
        checks += [
            (column, f"{column}_text <> '' AND {column} IS NULL AND {column}_code IS NULL", sql_text("not a number"), number_fix)
            if not column.startswith("ci_") else
            (column, f"{column}_text <> '' AND {column} IS NULL", sql_text("not a number"),
             sql_text("a confidence limit is a number, or blank (a suppressed figure's code goes in value, its limits blank)")),
            (column, f"{column}_pct AND NOT {'coalesce(unit = ' + sql_text('%') + ', false)' if is_value else 'false'}",
             sql_text("has a % sign but " + ("the indicator is not a percentage" if is_value else "counts carry no % sign")),
             sql_text("remove the % sign, or check the indicator code")),
            (column, f"{column}_gbp AND NOT {'coalesce(unit = ' + sql_text('GBP') + ', false)' if is_value else 'false'}",
             sql_text("has a £ sign but " + ("the indicator is not measured in GBP" if is_value else "counts carry no £ sign")),
             sql_text("remove the £ sign, or check the indicator code")),
        ]
        checks.append((column, f"{column} IS NOT NULL AND NOT isfinite({column})",
                       sql_text("is too large to be a figure (it has more digits than any count or rate)"),
                       sql_text("check the cell: it should hold the figure itself")))
    checks += [
        ("value", "unit = 'count' AND decimals = 0 AND value <> round(value)",
         "'is not a whole number, but ' || indicator || ' is a count'",
         sql_text("give the whole count (was a percentage or an average entered?)")),
        ("status", f"given <> '' AND given NOT IN ({', '.join(sql_text(s) for s in STATUSES)})", sql_text("unknown status"),
         sql_text(f"use one of {', '.join(STATUSES)}, or leave it blank for ok")),
        ("value", "code IS NOT NULL AND has_number", sql_text("mixes a suppression code with numbers in the same row"),
         sql_text("a suppressed row carries no numbers (they could reveal the suppressed count): blank them")),
        ("status", "code IS NOT NULL AND given IN ('ok', 'provisional')",
         sql_text("status says there is a value but a cell holds a suppression code"), sql_text("set status to suppressed or missing, or give the numbers")),
        ("status", "given IN ('suppressed', 'missing') AND has_number", sql_text("status says there is no value but numbers are given"),
         sql_text("blank the numbers, or change the status")),
        ("value", "live AND value_text = '' AND (numerator IS NULL OR denominator IS NULL)",
         sql_text("no value, and no numerator and denominator to compute one"),
         sql_text(blank_fix)),
        ("denominator", "numerator IS NOT NULL AND denominator IS NULL", sql_text("a numerator without a denominator"), sql_text("give both, or neither")),
        ("numerator", "denominator IS NOT NULL AND numerator IS NULL AND value IS NULL", sql_text("a denominator without a numerator"), sql_text("give both, or neither")),
        ("numerator", "numerator < 0", sql_text("is negative"), sql_text("counts cannot be below zero")),
        ("denominator", "denominator < 0", sql_text("is negative"), sql_text("counts cannot be below zero")),
        ("numerator", "unit = '%' AND numerator > denominator", sql_text("is larger than the denominator, which a percentage cannot be"),
         sql_text("check the two counts have not been swapped")),
        ("value", "false" if flag_disagreement else DISAGREES,
         "'does not match numerator / denominator (' || CAST(round(computed, 3) AS VARCHAR) || ')'",
         sql_text(disagree_fix)),
        ("ci_upper", "(ci_lower IS NULL) <> (ci_upper IS NULL)", sql_text("a confidence interval needs both limits"),
         sql_text("give both ci_lower and ci_upper (a mapping: both lower: and upper:), or neither")),
        ("ci_upper", "ci_lower > ci_upper", "'is below the lower limit ' || ci_lower_text",
         sql_text("check the two limits have not been swapped")),
        ("value", "coalesce(value, computed) < ci_lower - tolerance OR coalesce(value, computed) > ci_upper + tolerance",
         "'is outside its confidence interval (' || ci_lower_text || ' to ' || ci_upper_text || ')'",
         sql_text("check the limits belong to this figure (a mapping's lower: and upper: columns, and its where:)")),
        ("value", "value IS NOT NULL AND denominator = 0", sql_text("a value is given but the denominator is zero"),
         sql_text("leave the value blank: there is no rate when nothing was counted")),
        ("value", "value < low", sql_text("is below zero, which this unit cannot be"), sql_text("check the sign")),
        ("value", "value > high", sql_text("is above 100, which a percentage cannot be"), sql_text("check the value")),
        *[(column, f"length({_SHOWN.get(column, column + '_text')}) > {limit}",
           f"'is ' || format('{{:,}}', length({_SHOWN.get(column, column + '_text')})) || ' characters long; at most {limit:,} are read'",
           sql_text(fix)) for column, (limit, fix) in CELL_LIMITS.items()],
        ("period", "first_row < row", "'the same indicator, area and period appear more than once; first on row ' || first_row",
         sql_text("keep one row for each indicator, area and period")),
    ]
    return checks


def check(
    con: duckdb.DuckDBPyConnection,
    source: str,
    catalogue: Catalogue,
    file_name: str,
    today: dt.date | None = None,
    value_tolerance: float | None = None,
    name: str = "checked",
    flag_disagreement: bool = False,
    mapping: str | None = None,
) -> Checked:
    """Check the text table ``source`` (``row`` and the canonical columns) in ``con``.

    Creates the temporary view ``<name>_clean``: the rows with no problem, in
    :data:`OBSERVATION_COLUMNS` plus ``row`` (drop it with :func:`drop`), and the table
    ``<name>_problems``, one row per problem (file, row, column, value, problem, fix).
    Returns their counts (:class:`Checked`).

    ``value_tolerance`` widens how far a given value may be from numerator / denominator
    (default: half a unit of the last decimal written), for publishers that round counts.
    ``flag_disagreement`` keeps a value further than that from its counts, as published,
    with ``quality`` 'counts_disagree' (a published file), instead of refusing the row.
    ``mapping`` names the source mapping a publisher's file was read through: its problems'
    fixes then name the mapping key that fixes them (``blank: missing``, ``value_tolerance``).

    The cells are parsed once, by a view, into a table of the rows as they will be stored
    with a flag for any problem; only the flagged rows are parsed again to say what is
    wrong. DuckDB keeps the tables within its memory limit (spilling to disk beyond it);
    the other tables are small (periods, catalogue, repeated keys, clashing names).
    """
    today = today or dt.date.today()
    text_view(con, f"{name}_text", source)
    period_table(con, f"{name}_text", f"{name}_periods")
    catalogue_table(con, catalogue, f"{name}_cat")
    # Repeated keys: group 8-byte hashes first (cheap for millions of rows), then compare
    # the real keys of the few rows whose hash repeats (a hash collision is not a repeat).
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW {name}_keys AS
            SELECT r.row, upper(r.indicator_text) AS indicator, upper(r.area_code_text) AS area_code, r.area_name_text AS area_name,
                   p.period_label
            FROM {name}_text r LEFT JOIN {name}_periods p ON r.period_text = p.period_text"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {name}_dups AS
            WITH k AS (SELECT *, hash(indicator, area_code, period_label) AS h FROM {name}_keys),
                 repeated AS (SELECT h FROM k GROUP BY h HAVING count(*) > 1)
            SELECT indicator, area_code, period_label, min(row) AS first_row
            FROM k SEMI JOIN repeated USING (h) GROUP BY ALL HAVING count(*) > 1"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {name}_clash AS
            SELECT area_code FROM (SELECT DISTINCT area_code, area_name FROM {name}_keys WHERE area_code <> '')
            GROUP BY 1 HAVING count(*) > 1"""
    )
    tolerance = f"{VALUE_DECIMALS_TOLERANCE} + 1e-9"
    if value_tolerance is not None:  # a publisher that rounds its counts (DfE: to the nearest 10)
        tolerance = f"greatest({tolerance}, {float(value_tolerance)} + 1e-9)"
    parsed_view(con, name, f"{name}_text", name, tolerance)
    checks = _checks(today, flag_disagreement, mapping)
    conditions = [f"coalesce({cond}, false)" for _column, cond, _problem, _fix in checks]
    found = ", ".join(
        f"CASE WHEN {when} THEN {{'seq': {seq}, 'column': {sql_text(column)}, 'value': {_SHOWN.get(column, column + '_text')}, "
        f"'problem': {problem}, 'fix': {fix}}} END"
        for seq, (when, (column, _cond, problem, fix)) in enumerate(zip(conditions, checks))
    )
    any_problem = " OR ".join(conditions)
    # One parsing pass: every row's stored form and whether anything is wrong with it.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {name}_rows AS
        SELECT row, indicator, area_code, period_type, period_start, period_label AS period, area_name,
               coalesce(value, computed) AS value, numerator, denominator,
               CASE WHEN live AND denominator = 0 THEN 'missing' ELSE status END AS status,
               CASE WHEN live AND denominator = 0 THEN 'denominator is zero: nothing was counted'
                    WHEN status = 'ok' AND note_text = '' THEN NULL
                    WHEN status IN ('suppressed', 'missing') AND reason0 IS NULL THEN 'no reason given'
                    ELSE reason0 END AS status_reason,
               nullif(headline_text, '') AS headline, nullif(commentary_text, '') AS commentary, nullif(actions_text, '') AS actions,
               ci_lower, ci_upper, nullif(compared_text, '') AS compared,
               CASE WHEN {flag_disagreement} AND coalesce({DISAGREES}, false) THEN '{COUNTS_DISAGREE}' END AS quality,
               controls, series_decimals, {any_problem} AS bad
        FROM {name}
        """
    )
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name}_clean AS SELECT * EXCLUDE (bad, controls, series_decimals) FROM {name}_rows WHERE NOT bad")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_series AS SELECT DISTINCT indicator, series_decimals FROM {name}_rows")
    # What is wrong with the bad rows: only those are parsed again (none, for a good file).
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_badsource AS SELECT * FROM {source} WHERE row IN (SELECT row FROM {name}_rows WHERE bad)")
    text_view(con, f"{name}_badtext", f"{name}_badsource")
    parsed_view(con, f"{name}_bad", f"{name}_badtext", name, tolerance, series=f"{name}_series")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {name}_problems AS
            SELECT {sql_text(file_name)} AS file, row, p.column AS "column", p.value, p.problem, p.fix, p.seq FROM (
                SELECT row, unnest([{found}]) AS p FROM {name}_bad)
            WHERE p IS NOT NULL"""
    )
    _name_lookalikes(con, name)
    total, rows = con.execute(f"SELECT count(*), count(DISTINCT row) FROM {name}_problems").fetchall()[0]
    cleaned = [r[0] for r in con.execute(f"SELECT row FROM {name}_rows WHERE controls AND NOT bad ORDER BY row").fetchall()]
    notes = []
    if cleaned:
        shown = ", ".join(map(str, cleaned[:10])) + (f" and {len(cleaned) - 10} more" if len(cleaned) > 10 else "")
        notes.append(f"{file_name}: control characters (invisible, unprintable) removed from the text of {len(cleaned)} row(s): row {shown}")
    lower, example = con.execute(
        f"SELECT count(*), min(area_code_text) FROM {name}_rows JOIN {name}_text USING (row) "
        f"WHERE NOT bad AND area_code_text <> upper(area_code_text)"
    ).fetchall()[0]
    if lower:
        notes.append(f"{file_name}: area codes are upper case: {lower} row(s) written in lower case were read so "
                     f"(e.g. {example} as {example.upper()})")
    flagged = con.execute(f"SELECT count(*) FROM {name}_rows WHERE NOT bad AND quality IS NOT NULL").fetchall()[0][0]
    return Checked(name, total, rows, tuple(notes), flagged)


def _name_lookalikes(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """A code refused for a character that is not Latin (a Cyrillic А) says which one it is."""
    found = con.execute(f"""SELECT DISTINCT "column", value FROM {name}_problems
                            WHERE "column" IN ('indicator', 'area_code') AND NOT regexp_full_match(value, '[\\x00-\\x7f]*')""").fetchall()
    for column, value in found:
        con.execute(f"""UPDATE {name}_problems SET problem = problem || ': ' || ?, fix = ? WHERE "column" = ? AND value = ?""",
                    [not_latin(value), "type the code again with Latin letters (on an English keyboard layout), not pasted", column, value])


@dataclass(frozen=True)
class Checked:
    """What :func:`check` found: the problems stay in DuckDB (``<name>_problems``), so a
    file where every one of millions of rows is wrong still fits in memory."""

    name: str
    problems: int  # how many problems
    rows: int  # how many rows have one
    notes: tuple[str, ...] = ()  # what was changed in rows that were kept, to tell the user
    flagged: int = 0  # rows kept as published with a quality flag (counts_disagree)

    def first(self, con: duckdb.DuckDBPyConnection, limit: int | None = None) -> pd.DataFrame:
        """The problems in row order (file, row, column, value, problem, fix), the first ``limit``."""
        frame = con.execute(
            f'SELECT file, row, "column", value, problem, fix FROM {self.name}_problems ORDER BY row, "column", seq'
            + (f" LIMIT {int(limit)}" if limit is not None else "")
        ).df()
        frame["row"] = frame["row"].astype(int)
        return frame

    def write_rejects(self, con: duckdb.DuckDBPyConnection, raw: str, target: str) -> None:
        """The rows with problems, as read, with a ``problem`` column saying why, to CSV ``target``.

        A text cell that would run as a formula in a spreadsheet gains a leading apostrophe,
        as :func:`perfkit.spreadsheet.safe_cell` does; numbers (-5, +3.2) stay numbers."""
        names = [d[0] for d in con.execute(f"SELECT * FROM {raw} LIMIT 0").description]
        risky, number = FORMULA_START, NUMBER_TEXT
        cells = ", ".join(
            f'r."{n}"' if n == "row" else
            f"""CASE WHEN regexp_matches(r."{n}", '{risky}') AND NOT regexp_full_match(trim(r."{n}"), '{number}')
                THEN '''' || r."{n}" ELSE r."{n}" END AS "{n}\""""
            for n in names
        )
        con.execute(
            f"""COPY (
                SELECT {cells}, p.problem FROM {raw} r JOIN (
                    SELECT row, string_agg("column" || ': ' || problem || ' (' || fix || ')', '; ' ORDER BY "column", seq) AS problem
                    FROM {self.name}_problems GROUP BY row) p USING (row)
                ORDER BY row) TO '{target.replace("'", "''")}' (HEADER, DELIMITER ',')"""
        )


def drop(con: duckdb.DuckDBPyConnection, name: str = "checked") -> None:
    """Drop what :func:`check` made."""
    for view in ("_clean", "_bad", "_badtext", "", "_keys", "_text"):
        con.execute(f"DROP VIEW IF EXISTS {name}{view}")
    for table in ("_rows", "_badsource", "_periods", "_cat", "_dups", "_clash", "_problems", "_series"):
        con.execute(f"DROP TABLE IF EXISTS {name}{table}")


def validate(
    frame: pd.DataFrame,
    catalogue: Catalogue,
    file_name: str,
    today: dt.date | None = None,
    value_tolerance: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check a frame from :func:`perfkit.ingest.read.read_table` (in a scratch DuckDB).

    Returns
    -------
    clean, problems
        ``clean`` holds the rows with no problem, in :data:`OBSERVATION_COLUMNS` plus
        ``row``; ``problems`` one row per problem (file, row, column, value, problem, fix).
    """
    con = duckdb.connect(config=dict(CONFIG))
    try:
        con.register("source_df", frame)
        problems = check(con, "source_df", catalogue, file_name, today, value_tolerance).first(con)
        clean = con.execute(f"SELECT row, {', '.join(OBSERVATION_COLUMNS)} FROM checked_clean ORDER BY row").df()
        drop(con)
    finally:
        con.close()
    return clean, problems
