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

from perfkit.config.catalogue import Catalogue, Unit
from perfkit.contract import COUNTS_DISAGREE, STATUSES, SUPPRESSION_CODES
from perfkit.errors import PeriodError
from perfkit.ingest.read import KNOWN
from perfkit.periods import parse_period
from perfkit.store.store import OBSERVATION_COLUMNS
from perfkit.text import CONTROLS, shortened

__all__ = ["Checked", "Problem", "SUPPRESSION_CODES", "check", "drop", "validate"]

NUMBER_COLUMNS = ("value", "numerator", "denominator")
_PLAIN = r"-?\d+(?:\.\d+)?"
_NUMBER = (
    r"^(?P<neg>-)?(?P<gbp>£)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.(?P<d1>\d+))?|\d+(?:\.(?P<d2>\d+))?|\.(?P<d3>\d+))"
    r"(?P<pct>%)?$"
)
PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem", "fix"]
#: White space as Python's str.strip() knows it (tab, line breaks, no-break and other spaces).
_SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_SPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACE) + "]"
_NEEDS_TRIM = f"^{_SPACE_CLASS}|{_SPACE_CLASS}$|\\x{{a0}}"  # RE2: white space at either end, or a no-break space
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


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _case(column: str, mapping: dict[str, str | None], default: str = "NULL") -> str:
    whens = " ".join(f"WHEN {_q(k)} THEN {_q(v) if v is not None else 'NULL'}" for k, v in mapping.items())
    return f"CASE {column} {whens} ELSE {default} END"


def _trimmed(column: str) -> str:
    """SQL for a cell's text without surrounding white space, a no-break space read as a space
    (as Python's ``text.replace("\\xa0", " ").strip()``).

    Most cells need neither; one regular expression finds those that do (3x faster than
    trimming every cell)."""
    c = f"coalesce(CAST({column} AS VARCHAR), '')"
    return f"CASE WHEN NOT regexp_matches({c}, {_q(_NEEDS_TRIM)}) THEN {c} ELSE trim(replace({c}, chr(160), ' '), {_q(_SPACE)}) END"


def _number_parts(column: str) -> str:
    """SQL select items for the first pass over one number column: is it plain, and the
    pattern's parts when it is not (thousands separators, £, %)."""
    t = f"{column}_text"
    return (
        f"regexp_full_match({t}, {_q(_PLAIN)}) AS {column}_plain, "
        f"CASE WHEN {t} <> '' AND NOT regexp_full_match({t}, {_q(_PLAIN)}) "
        f"THEN regexp_extract({t}, {_q(_NUMBER)}, ['neg', 'gbp', 'num', 'd1', 'd2', 'd3', 'pct']) END AS {column}_parts"
    )


def _numbers(column: str) -> str:
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
        CASE WHEN lower({t}) IN ({", ".join(_q(k) for k in SUPPRESSION_CODES)}) THEN lower({t}) END AS {c}_code"""


def _period_table(con: duckdb.DuckDBPyConnection, source: str, name: str) -> None:
    """Parse each distinct period label once (perfkit.periods is the one parser)."""
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


def _catalogue_table(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, name: str) -> None:
    cat = catalogue.to_frame()[["indicator", "unit", "frequency", "multiplier", "decimals"]].copy()
    bounds = {u.value: u.bounds for u in Unit}
    cat["low"] = cat["unit"].map(lambda u: bounds[u][0]).astype(float)
    cat["high"] = cat["unit"].map(lambda u: bounds[u][1]).astype(float)
    cat["freq"] = cat["frequency"].map({"monthly": "month", "quarterly": "quarter", "annual": "year"})
    con.register(f"{name}_df", cat)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT indicator::VARCHAR AS indicator, unit::VARCHAR AS unit, "
        f"frequency::VARCHAR AS frequency, freq::VARCHAR AS freq, multiplier::DOUBLE AS multiplier, decimals::INTEGER AS decimals, "
        f"low::DOUBLE AS low, high::DOUBLE AS high FROM {name}_df"
    )
    con.unregister(f"{name}_df")


# (column, condition, problem, fix): each a SQL expression over the parsed table ``v``.
# Conditions and messages may use any parsed column; problem and fix are SQL expressions.
#: A published value further from its own published counts than the tolerance (kept as published).
DISAGREES = "value IS NOT NULL AND computed IS NOT NULL AND abs(value - computed) > tolerance"


def _checks(today: dt.date, flag_disagreement: bool = False) -> list[tuple[str, str, str, str]]:
    number_fix = _q("write a number such as 1234 or 45.6, a suppression code (c, x, u, z, low), or leave it blank")
    checks = [
        ("indicator", "NOT known", _q("unknown indicator"), _q("use a code from `perfkit indicators`, or add it to params/indicators/")),
        ("area_code", "area_code = ''", _q("is blank"), _q("give the area's code, e.g. E08000009")),
        ("area_name", "area_name = ''", _q("is blank"), _q("give the area's name")),
        ("area_code", "area_code <> '' AND NOT regexp_full_match(area_code, '[A-Za-z0-9_\\-]{1,24}')",
         _q("has characters an area code does not"), _q("use letters, digits, '-' or '_' only")),
        ("area_name", "name_clash", _q("the same area code has different names in this file"), _q("use one name per area code")),
        ("period", "period_error IS NOT NULL", "period_error", _q("write the period as '2025/26', '2025/26 Q3' or '2025-11'")),
        ("period", f"period_start > DATE '{today:%Y-%m-%d}'", _q(f"the period starts after today ({today:%Y-%m-%d})"),
         _q("check the year; perfkit stores only periods that have started")),
        ("period", "known AND period_type IS NOT NULL AND period_type <> freq",
         "'is a ' || period_type || ' but ' || indicator || ' is ' || frequency", _q("give a period of the indicator's frequency")),
    ]
    for column in NUMBER_COLUMNS:
        is_value = column == "value"
        checks += [
            (column, f"{column}_text <> '' AND {column} IS NULL AND {column}_code IS NULL", _q("not a number"), number_fix),
            (column, f"{column}_pct AND NOT {'coalesce(unit = ' + _q('%') + ', false)' if is_value else 'false'}",
             _q("has a % sign but " + ("the indicator is not a percentage" if is_value else "counts carry no % sign")),
             _q("remove the % sign, or check the indicator code")),
            (column, f"{column}_gbp AND NOT {'coalesce(unit = ' + _q('GBP') + ', false)' if is_value else 'false'}",
             _q("has a £ sign but " + ("the indicator is not measured in GBP" if is_value else "counts carry no £ sign")),
             _q("remove the £ sign, or check the indicator code")),
        ]
        checks.append((column, f"{column} IS NOT NULL AND NOT isfinite({column})",
                       _q("is too large to be a figure (it has more digits than any count or rate)"),
                       _q("check the cell: it should hold the figure itself")))
    checks += [
        ("value", "unit = 'count' AND decimals = 0 AND value <> round(value)",
         "'is not a whole number, but ' || indicator || ' is a count'",
         _q("give the whole count (was a percentage or an average entered?)")),
        ("status", f"given <> '' AND given NOT IN ({', '.join(_q(s) for s in STATUSES)})", _q("unknown status"),
         _q(f"use one of {', '.join(STATUSES)}, or leave it blank for ok")),
        ("value", "code IS NOT NULL AND has_number", _q("mixes a suppression code with numbers in the same row"),
         _q("a suppressed row carries no numbers (they could reveal the suppressed count): blank them")),
        ("status", "code IS NOT NULL AND given IN ('ok', 'provisional')",
         _q("status says there is a value but a cell holds a suppression code"), _q("set status to suppressed or missing, or give the numbers")),
        ("status", "given IN ('suppressed', 'missing') AND has_number", _q("status says there is no value but numbers are given"),
         _q("blank the numbers, or change the status")),
        ("value", "live AND value_text = '' AND (numerator IS NULL OR denominator IS NULL)",
         _q("no value, and no numerator and denominator to compute one"),
         _q("give a value (or both numerator and denominator), or set status to missing with a note")),
        ("denominator", "numerator IS NOT NULL AND denominator IS NULL", _q("a numerator without a denominator"), _q("give both, or neither")),
        ("numerator", "denominator IS NOT NULL AND numerator IS NULL AND value IS NULL", _q("a denominator without a numerator"), _q("give both, or neither")),
        ("numerator", "numerator < 0", _q("is negative"), _q("counts cannot be below zero")),
        ("denominator", "denominator < 0", _q("is negative"), _q("counts cannot be below zero")),
        ("numerator", "unit = '%' AND numerator > denominator", _q("is larger than the denominator, which a percentage cannot be"),
         _q("check the two counts have not been swapped")),
        ("value", "false" if flag_disagreement else DISAGREES,
         "'does not match numerator / denominator (' || CAST(round(computed, 3) AS VARCHAR) || ')'",
         _q("correct the value or the counts, or leave the value blank to have it computed")),
        ("value", "value IS NOT NULL AND denominator = 0", _q("a value is given but the denominator is zero"),
         _q("leave the value blank: there is no rate when nothing was counted")),
        ("value", "value < low", _q("is below zero, which this unit cannot be"), _q("check the sign")),
        ("value", "value > high", _q("is above 100, which a percentage cannot be"), _q("check the value")),
        *[(column, f"length({_SHOWN.get(column, column + '_text')}) > {limit}",
           f"'is ' || format('{{:,}}', length({_SHOWN.get(column, column + '_text')})) || ' characters long; at most {limit:,} are read'",
           _q(fix)) for column, (limit, fix) in CELL_LIMITS.items()],
        ("period", "first_row < row", "'the same indicator, area and period appear more than once; first on row ' || first_row",
         _q("keep one row for each indicator, area and period")),
    ]
    return checks


#: The longest each cell may be, in characters, and what to do instead. Commentary and
#: actions are at most about a page of the paper each; codes and numbers are short.
CELL_LIMITS = {
    "commentary": (5_000, "shorten it to about a page; put the detail in an appendix or a linked document"),
    "actions": (5_000, "shorten it to about a page; put the detail in an appendix or a linked document"),
    "note": (1_000, "shorten the note; it explains the figure's status in a sentence or two"),
    "area_name": (200, "give the area's name as it is published"),
    **{c: (100, "check the cell: it should hold a short code, period or number") for c in
       ("indicator", "area_code", "period", "value", "numerator", "denominator", "status")},
}
#: Columns of people's free text: control characters are removed from them (with a note).
TEXT_COLUMNS = ("area_name", "note", "commentary", "actions")


def _printable(column: str) -> str:
    """SQL for the cell without control characters (:data:`perfkit.text.CONTROLS`)."""
    c = f"CAST({column} AS VARCHAR)"
    return f"CASE WHEN regexp_matches({c}, {_q(CONTROLS)}) THEN regexp_replace({c}, {_q(CONTROLS)}, '', 'g') ELSE {c} END"


def _text_view(con: duckdb.DuckDBPyConnection, view: str, source: str) -> None:
    """``source``'s cells as trimmed text, as ``view`` (row, <column>_text..., controls: whether
    control characters were removed from a free-text cell)."""
    cells = ", ".join(f"{_trimmed(_printable(c) if c in TEXT_COLUMNS else c)} AS {c}_text" for c in KNOWN)
    controls = " OR ".join(f"coalesce(regexp_matches(CAST({c} AS VARCHAR), {_q(CONTROLS)}), false)" for c in TEXT_COLUMNS)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT CAST(row AS BIGINT) AS row, {cells}, {controls} AS controls FROM {source}")


def _parsed_view(con: duckdb.DuckDBPyConnection, view: str, text: str, name: str, tolerance: str, series: str | None = None) -> None:
    """The cells of ``text`` (a :func:`_text_view`) parsed and looked up in ``name``'s small
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
                   r.commentary_text, r.actions_text, r.controls,
                   {", ".join(_number_parts(c) for c in NUMBER_COLUMNS)}
            FROM {text} r
        ), t1 AS (
            SELECT t0.*, {", ".join(_numbers(c) for c in NUMBER_COLUMNS)} FROM t0
        ), t AS (
            {series_sql}
        ), s AS (
            SELECT t.*, c.indicator IS NOT NULL AS known, c.unit, c.frequency, c.freq, c.multiplier, c.low, c.high, c.decimals,
                   p.period_type, p.period_start, p.period_label, p.period_error,
                   coalesce(value_code, numerator_code, denominator_code) AS code,
                   (value IS NOT NULL OR numerator IS NOT NULL OR denominator IS NOT NULL) AS has_number,
                   numerator / nullif(denominator, 0) * c.multiplier AS computed,
                   {tolerance} AS tolerance,
                   t.area_code IN (SELECT area_code FROM {name}_clash) AS name_clash,
                   d.first_row
            FROM t LEFT JOIN {name}_cat c USING (indicator) LEFT JOIN {name}_periods p USING (period_text)
                 LEFT JOIN {name}_dups d ON t.indicator = d.indicator AND t.area_code = d.area_code
                      AND p.period_label IS NOT DISTINCT FROM d.period_label
        ), u AS (
            SELECT s.*, CASE WHEN given <> '' THEN given ELSE coalesce({_case("code", codes)}, 'ok') END AS status FROM s
        )
        SELECT u.*, status IN ('ok', 'provisional') AS live,
               coalesce(nullif(note_text, ''), {_case("code", reasons)}) AS reason0
        FROM u
        """
    )


def check(
    con: duckdb.DuckDBPyConnection,
    source: str,
    catalogue: Catalogue,
    file_name: str,
    today: dt.date | None = None,
    value_tolerance: float | None = None,
    name: str = "checked",
    flag_disagreement: bool = False,
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

    The cells are parsed once, by a view, into a table of the rows as they will be stored
    with a flag for any problem; only the flagged rows are parsed again to say what is
    wrong. DuckDB keeps the tables within its memory limit (spilling to disk beyond it);
    the other tables are small (periods, catalogue, repeated keys, clashing names).
    """
    today = today or dt.date.today()
    _text_view(con, f"{name}_text", source)
    _period_table(con, f"{name}_text", f"{name}_periods")
    _catalogue_table(con, catalogue, f"{name}_cat")
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
    # half a unit of the last decimal the series is written with: "21" among "20.7", "19.4"
    # is 21.0 with its trailing zero dropped (by Excel), not a figure rounded to whole units
    tolerance = "0.5 * pow(10.0, -greatest(value_decimals, series_decimals)) + 1e-9"
    if value_tolerance is not None:  # a publisher that rounds its counts (DfE: to the nearest 10)
        tolerance = f"greatest({tolerance}, {float(value_tolerance)} + 1e-9)"
    _parsed_view(con, name, f"{name}_text", name, tolerance)
    checks = _checks(today, flag_disagreement)
    conditions = [f"coalesce({cond}, false)" for _column, cond, _problem, _fix in checks]
    found = ", ".join(
        f"CASE WHEN {when} THEN {{'seq': {seq}, 'column': {_q(column)}, 'value': {_SHOWN.get(column, column + '_text')}, "
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
               nullif(commentary_text, '') AS commentary, nullif(actions_text, '') AS actions,
               CASE WHEN {flag_disagreement} AND coalesce({DISAGREES}, false) THEN '{COUNTS_DISAGREE}' END AS quality,
               controls, series_decimals, {any_problem} AS bad
        FROM {name}
        """
    )
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name}_clean AS SELECT * EXCLUDE (bad, controls, series_decimals) FROM {name}_rows WHERE NOT bad")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_series AS SELECT DISTINCT indicator, series_decimals FROM {name}_rows")
    # What is wrong with the bad rows: only those are parsed again (none, for a good file).
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_badsource AS SELECT * FROM {source} WHERE row IN (SELECT row FROM {name}_rows WHERE bad)")
    _text_view(con, f"{name}_badtext", f"{name}_badsource")
    _parsed_view(con, f"{name}_bad", f"{name}_badtext", name, tolerance, series=f"{name}_series")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {name}_problems AS
            SELECT {_q(file_name)} AS file, row, p.column AS "column", p.value, p.problem, p.fix, p.seq FROM (
                SELECT row, unnest([{found}]) AS p FROM {name}_bad)
            WHERE p IS NOT NULL"""
    )
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
        risky, number = r"^[=+\-@\t\r]", r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
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
    con = duckdb.connect()
    try:
        con.register("source_df", frame)
        problems = check(con, "source_df", catalogue, file_name, today, value_tolerance).first(con)
        clean = con.execute(f"SELECT row, {', '.join(OBSERVATION_COLUMNS)} FROM checked_clean ORDER BY row").df()
        drop(con)
    finally:
        con.close()
    return clean, problems
