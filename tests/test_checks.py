"""The identifier scan of etl/checks.py: every identifier shape is caught in every text column.

The scan reads each column's distinct values once and matches all patterns in one pass; these tests
pin that it finds exactly what one full scan per pattern (the earlier implementation) found.
"""

from __future__ import annotations

import random
import re

import duckdb
import pandas as pd
import pytest

from etl.checks import SHOWN_PER_PATTERN, identifier_problems
from etl.sources.base import IDENTIFIER_PATTERNS

# One example per pattern, in IDENTIFIER_PATTERNS order (the shapes the adapters redact).
EXAMPLES = ("MC-51-CR-0015890-2021", "2010 CF 000015 C", "462017MM000707XXXAXX", "0x1a2b3c4d5e",
            "123456789", "6123456789abcdef")
CLEAN = ("felony", "Cook County", "2021-01-01", "12345678", "0x1234567", "6123456789abcde", "MC-51-CR", "",
         "Zoë Smith-Jones", "ab'cd", "office 17001")


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB (the real engine, as in the build), closed after the test."""
    connection = duckdb.connect()
    yield connection
    connection.close()


def per_pattern_scan(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, int]]:
    """The earlier implementation: one full scan of each text column per pattern, as (table, column, pattern)."""
    flagged = set()
    columns = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                          "WHERE table_schema = 'main' AND data_type = 'VARCHAR'").fetchall()
    for table, column in columns:
        for index, pattern in enumerate(IDENTIFIER_PATTERNS):
            quoted = column.replace('"', '""')
            if con.execute(f'SELECT 1 FROM "{table}" WHERE regexp_matches("{quoted}", ?) LIMIT 1',
                           [pattern.pattern]).fetchall():
                flagged.add((table, column, index))
    return flagged


def reported_values(problems: list[tuple[str]]) -> dict[str, list[str]]:
    """'table.column' -> the identifier-shaped values reported for it."""
    found: dict[str, list[str]] = {}
    for (text,) in problems:
        match = re.fullmatch(r"(\w+\.\w+): identifier-shaped text '(.*)'", text)
        if match:
            found.setdefault(match.group(1), []).append(match.group(2))
    return found


def test_every_identifier_shape_is_found_in_any_text_column(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE case_counts (fips VARCHAR, offense_detail VARCHAR, n INTEGER)")
    rows = [("17031", value, 1) for value in CLEAN * 50]
    rows += [("17031", f"charged in {example} today", 2) for example in EXAMPLES]
    con.executemany("INSERT INTO case_counts VALUES (?, ?, ?)", rows)
    found = reported_values(identifier_problems(con))
    assert set(found) == {"case_counts.offense_detail"}
    for example in EXAMPLES:
        assert f"charged in {example} today" in found["case_counts.offense_detail"], example


def test_clean_text_numbers_and_project_checksums_pass(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE case_counts (fips VARCHAR, offense_detail VARCHAR, n BIGINT)")
    con.executemany("INSERT INTO case_counts VALUES (?, ?, ?)", [("17031", v, 123456789012) for v in CLEAN])
    con.execute("CREATE TABLE build_info (key VARCHAR, value VARCHAR)")
    con.execute("INSERT INTO build_info VALUES ('content_sha256', '6123456789abcdef0123456789abcdef')")
    assert identifier_problems(con) == []


def test_column_names_like_identifiers_are_reported(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE case_counts (fips VARCHAR, defendant_dob DATE)")
    assert identifier_problems(con) == [("case_counts.defendant_dob: column name suggests a personal identifier",)]


def test_a_few_distinct_examples_per_pattern_and_column(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE rejected_row (raw VARCHAR)")
    ids = [f"{100000000 + i}" for i in range(SHOWN_PER_PATTERN + 4)]
    con.executemany("INSERT INTO rejected_row VALUES (?)", [(v,) for v in ids * 20])
    found = reported_values(identifier_problems(con))
    assert found == {"rejected_row.raw": sorted(ids)[:SHOWN_PER_PATTERN]}


def test_same_findings_as_one_scan_per_pattern(con: duckdb.DuckDBPyConnection) -> None:
    """Random text with identifiers hidden in some columns: the same columns and patterns are flagged."""
    rng = random.Random(5)
    alphabet = "abcdefABCDEFXYZ0123456789 -éß'\"\n"
    con.execute('CREATE TABLE t1 (a VARCHAR, b VARCHAR, "odd ""name""" VARCHAR, n BIGINT)')
    con.execute("CREATE TABLE t2 (c VARCHAR, d VARCHAR)")
    for table, width in (("t1", 3), ("t2", 2)):
        rows = []
        for _ in range(3000):
            row = []
            for _ in range(width):
                value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
                if rng.random() < 0.002:
                    value += " " + rng.choice(EXAMPLES)
                row.append(None if rng.random() < 0.05 else value)
            rows.append(row + ([rng.randint(0, 10**10)] if table == "t1" else []))
        con.register("incoming", pd.DataFrame(rows))
        con.execute(f"INSERT INTO {table} SELECT * FROM incoming")
        con.unregister("incoming")
    expected = per_pattern_scan(con)
    assert expected, "the random corpus hides at least one identifier"
    problems = identifier_problems(con)
    flagged = set()
    for (text,) in problems:
        where, _, value = text.partition(": identifier-shaped text ")
        table, column = where.split(".", 1)
        value = eval(value)  # noqa: S307 - the check's own repr() of a value from this test
        hits = [i for i, p in enumerate(IDENTIFIER_PATTERNS)
                if con.execute("SELECT regexp_matches(?, ?)", [value, p.pattern]).fetchone()[0]]
        assert hits, text  # every reported value really has an identifier shape
        flagged.update((table, column, i) for i in hits)
    assert flagged == expected
