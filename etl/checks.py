"""Data tests run inside the new warehouse before it is published (dbt-style: SQL returning offending rows).

Each `.sql` file in `etl/sql/checks/` returns one `problem` row per offence; any row fails the build with
the first offences listed. Accepted values and the identifier scan are generated here from the vocabulary
and the schema, with identifiers taken only from those allow-lists, never from input data.
"""

from __future__ import annotations

import csv

import duckdb

from etl import vocab
from etl.config import DATA_DIR, SQL_DIR
from etl.errors import CheckFailed
from etl.sources.base import IDENTIFIER_PATTERNS

CHECKS_DIR = SQL_DIR / "checks"
# Documented FIPS that have no polygon yet but are current counties (data/geo/fips_changes.csv).
CURRENT_FIPS_KINDS = ("ct_planning_region", "new_county")
SHOWN_PER_CHECK = 10
BUILD_CHECKS = ("unique_keys", "fips_valid", "terms", "reconcile", "counts", "stage_outcomes", "stage_definitions")

# Column names that would mean a person's identity reached the warehouse.
FORBIDDEN_COLUMN_WORDS = ("defendant", "docket", "case_number", "case_id", "birth", "dob", "address", "street",
                          "person_key", "participant")
# Tables whose text is the project's own (checksums, build facts), not data from a source.
UNSCANNED = {("build_info", "value"), ("source", "sha256"), ("source_file", "sha256")}


def run_all(con: duckdb.DuckDBPyConnection) -> None:
    _prepare(con)
    problems: dict[str, list[str]] = {}
    for name in BUILD_CHECKS:
        _collect(problems, name, con.execute((CHECKS_DIR / f"{name}.sql").read_text()).fetchall())
    template = (CHECKS_DIR / "accepted_values.sql").read_text()
    for (table, column), allowed in vocab.ACCEPTED_VALUES.items():
        if table in ("metric_value",):
            continue  # checked after the metrics exist
        query = template.format(table=table, column=column)
        rows = con.execute(query, {"allowed": list(allowed)}).fetchall()
        _collect(problems, f"accepted_values {table}.{column}", rows)
    _collect(problems, "no_identifiers", identifier_problems(con))
    _raise(problems)


def run_metric_checks(con: duckdb.DuckDBPyConnection) -> None:
    problems: dict[str, list[str]] = {}
    _collect(problems, "metric_values", con.execute((CHECKS_DIR / "metric_values.sql").read_text()).fetchall())
    template = (CHECKS_DIR / "accepted_values.sql").read_text()
    for (table, column), allowed in vocab.ACCEPTED_VALUES.items():
        if table == "metric_value":
            query = template.format(table=table, column=column)
            _collect(problems, f"accepted_values {table}.{column}",
                     con.execute(query, {"allowed": list(allowed)}).fetchall())
    _raise(problems)


def identifier_problems(con: duckdb.DuckDBPyConnection) -> list[tuple[str]]:
    """Every text column of every table, scanned for identifier shapes; and no column named like one.

    One query per column: its distinct values (codes and names: a few hundred, however many rows) are
    matched against every pattern at once, and only the matches are attributed to a pattern, so a table is
    read once per column rather than once per column and pattern. The distinct values are collected as a
    list and unnested, which keeps the optimiser from pushing the regexp filter below the DISTINCT (back
    onto every row). Up to SHOWN_PER_PATTERN distinct examples are reported per column and pattern.
    """
    found: list[tuple[str]] = []
    columns = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall()
    tables = {t for (t, _, _) in columns}
    for table, column, data_type in columns:
        if any(word in column.lower() for word in FORBIDDEN_COLUMN_WORDS):
            found.append((f"{table}.{column}: column name suggests a personal identifier",))
        if data_type != "VARCHAR" or (table, column) in UNSCANNED or table not in tables:
            continue
        rows = con.execute(_identifier_scan(table, column)).fetchall()
        found.extend((f"{table}.{column}: identifier-shaped text {value[:80]!r}",) for _, value in rows)
    return found


SHOWN_PER_PATTERN = 3


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# The patterns are inlined as constants (DuckDB compiles each once), and matched by DuckDB's RE2 as
# before: Python's `re` reads \b and \d differently for non-ASCII text.
_ANY_PATTERN = _sql_literal("|".join(f"(?:{p.pattern})" for p in IDENTIFIER_PATTERNS))
_WHICH_PATTERNS = ", ".join(f"CASE WHEN regexp_matches(v, {_sql_literal(p.pattern)}) THEN {i} END"
                            for i, p in enumerate(IDENTIFIER_PATTERNS))


def _identifier_scan(table: str, column: str) -> str:
    """(pattern index, value) for up to SHOWN_PER_PATTERN distinct matching values of each pattern."""
    table, column = table.replace('"', '""'), column.replace('"', '""')
    return (f'SELECT pattern, v FROM ('
            f'SELECT v, unnest([{_WHICH_PATTERNS}]) AS pattern '
            f'FROM (SELECT unnest(list(DISTINCT "{column}")) AS v FROM "{table}") '
            f'WHERE regexp_matches(v, {_ANY_PATTERN})'
            f') WHERE pattern IS NOT NULL '
            f'QUALIFY row_number() OVER (PARTITION BY pattern ORDER BY v) <= {SHOWN_PER_PATTERN} '
            f'ORDER BY pattern, v')


def content_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """An order-independent checksum of every table's content (build facts and fetch times left out).

    DuckDB's row hash is fast but only stable within one DuckDB version, which requirements.txt pins;
    build_info records the version beside the checksum.
    """
    sums = {}
    tables = [t for (t,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE' "
        "AND table_catalog = current_database() ORDER BY table_name").fetchall() if t != "build_info"]
    for table in tables:
        exclude = " EXCLUDE (retrieved_at)" if table == "source" else ""
        count, xor, total = con.execute(
            f'SELECT count(*), coalesce(bit_xor(h), 0), coalesce(sum(h >> 40), 0)::HUGEINT FROM ('
            f'SELECT hash(t) AS h FROM (SELECT *{exclude} FROM "{table}") t)'
        ).fetchone()
        sums[table] = f"{count}:{xor:x}:{total:x}"
    return sums


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    pairs = [(stage, outcome) for stage, outcomes in vocab.STAGE_OUTCOMES.items() for outcome in outcomes]
    con.execute("CREATE OR REPLACE TEMP TABLE stage_outcome (stage VARCHAR, outcome VARCHAR)")
    con.executemany("INSERT INTO stage_outcome VALUES (?, ?)", pairs)
    con.execute("CREATE OR REPLACE TEMP TABLE fips_alias (fips VARCHAR, kind VARCHAR)")
    changes = DATA_DIR / "geo" / "fips_changes.csv"
    if changes.exists():
        with changes.open(encoding="utf-8", newline="") as handle:
            rows = [(r["fips"], r.get("kind", "")) for r in csv.DictReader(handle)
                    if r.get("kind") in CURRENT_FIPS_KINDS]
        if rows:
            con.executemany("INSERT INTO fips_alias VALUES (?, ?)", rows)


def _collect(problems: dict[str, list[str]], name: str, rows: list[tuple]) -> None:
    if rows:
        problems[name] = [str(r[0]) for r in rows]


def _raise(problems: dict[str, list[str]]) -> None:
    if not problems:
        return
    lines = []
    for name, found in problems.items():
        lines.append(f"check {name} failed ({len(found)} problem{'s' if len(found) != 1 else ''}):")
        lines.extend(f"  - {p}" for p in found[:SHOWN_PER_CHECK])
        if len(found) > SHOWN_PER_CHECK:
            lines.append(f"  ... and {len(found) - SHOWN_PER_CHECK} more")
    raise CheckFailed("data checks failed; nothing was published:\n" + "\n".join(lines))


