"""demo: the synthetic demo data set written by `python -m etl demo` (etl/demo.py). NOT REAL.

Two kinds of file in data/raw/demo/:
- `cases-NNNN.parquet`: one row per fictional case. Millions of rows never pass through Python: the file
  becomes one DuckDB query (etl/sql/demo_case_counts.sql) that the build runs inside the warehouse,
  aggregating to month grain per stage, dated by that stage's own decision date. Every case row is loaded
  (rows_read = the parquet row count from the file's metadata, all accepted): the generator writes only
  canonical values, and the build's accepted-values checks would catch anything else.
- `people.json`: fictional offices, prosecutors, terms, elections, county population and jail population,
  already in warehouse shape (`{"tables": {name: {"columns", "constant", "rows"}}}`); each table row is
  one input row, loaded unless it is malformed (wrong width, bad date), which is rejected with its reason.

Every row is demo: the build stamps source_id 'demo' and marks the source is_demo; shown names carry "(demo)".
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from etl.demo import CASE_COLUMNS
from etl.demo import DATE_COLUMNS as CASE_DATE_COLUMNS
from etl.sources.base import TABLE_COLUMNS, Adapter, FileResult, SourceError
from etl.vocab import check_date

SQL_FILE = Path(__file__).resolve().parents[1] / "sql" / "demo_case_counts.sql"
PEOPLE_TABLES = ("office", "office_county", "prosecutor", "term", "election", "county_population", "detention")
DATE_COLUMNS = {"term": ("start_date", "end_date"), "election": ("election_date",), "detention": ("period_start",)}
MAX_PEOPLE_BYTES = 64 * 1024 * 1024  # parsed whole: the generated file is ~10 MB, so this bounds a hostile one
NOTE = "Synthetic demo data: fictional prosecutors, offices and generated counts, NOT REAL"
POPULATION_NOTE = ("county_population: synthetic demo values (lognormal county sizes, race shares by region), "
                   "not census figures")


def sql_literal(path: Path) -> str:
    """A path as a single-quoted SQL string literal (quotes doubled)."""
    return "'" + str(path).replace("'", "''") + "'"


def case_counts_query(path: Path) -> str:
    """The aggregation query for one parquet part (comments dropped: the build nests it in a subquery)."""
    lines = [line for line in SQL_FILE.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("--")]
    return "\n".join(lines).replace("{parquet}", sql_literal(path.resolve()))


class DemoCases(Adapter):
    source_id = "demo"

    def read_file(self, path: Path, result: FileResult) -> None:
        if path.suffix == ".parquet":
            self._read_cases(path, result)
        elif path.name == "people.json":
            self._read_people(path, result)
        else:
            raise SourceError(self.source_id, result.file, "not a demo file (expected cases-*.parquet or people.json)")
        if NOTE not in result.notes:
            result.notes.insert(0, NOTE)

    def _read_cases(self, path: Path, result: FileResult) -> None:
        try:
            parquet = pq.ParquetFile(path)
            metadata, schema = parquet.metadata, parquet.schema_arrow
        except (OSError, ValueError) as error:  # pyarrow raises ArrowInvalid (a ValueError) for non-parquet
            raise SourceError(self.source_id, result.file, f"not a readable parquet file: {error}") from error
        missing = [c for c in CASE_COLUMNS if c not in schema.names]
        if missing:
            raise SourceError(self.source_id, result.file, "missing column (regenerate with `python -m etl demo`)",
                              column=missing[0])
        # The rows never pass through Python (the build aggregates them in DuckDB), so their types are checked
        # here: a date column holding text would otherwise stop the build deep inside a query.
        for name in CASE_COLUMNS:
            kind = schema.field(name).type
            if pa.types.is_dictionary(kind):
                kind = kind.value_type
            wanted = _is_date if name in CASE_DATE_COLUMNS else _is_text
            if not wanted(kind):
                raise SourceError(self.source_id, result.file, f"column has type {kind}, expected "
                                  f"{'a date' if name in CASE_DATE_COLUMNS else 'text'} (regenerate with "
                                  "`python -m etl demo`)", column=name)
        result.rows_read += metadata.num_rows
        result.accept(metadata.num_rows)
        if metadata.num_rows:
            result.emit_sql("case_counts", case_counts_query(path))

    def _read_people(self, path: Path, result: FileResult) -> None:
        try:
            if path.stat().st_size > MAX_PEOPLE_BYTES:
                raise SourceError(self.source_id, result.file, f"file is larger than {MAX_PEOPLE_BYTES:,} bytes: "
                                  "not a demo people file (regenerate with `python -m etl demo`)")
            document = json.loads(path.read_text(encoding="utf-8"))
            tables = document["tables"]
        except json.JSONDecodeError as error:
            raise SourceError(self.source_id, result.file, f"not a demo people file: malformed JSON: {error.msg} "
                              f"(character {error.colno})", line=error.lineno) from error
        except (OSError, UnicodeDecodeError, KeyError, TypeError) as error:
            raise SourceError(self.source_id, result.file, f"not a demo people file: {error}") from error
        if not isinstance(tables, dict) or not all(isinstance(spec, dict) for spec in tables.values()):
            raise SourceError(self.source_id, result.file,
                              "not a demo people file: 'tables' must map each table name to an object")
        unknown = [t for t in tables if t not in PEOPLE_TABLES]
        if unknown:
            raise SourceError(self.source_id, result.file, f"unknown table {unknown[0]!r}")
        for table in PEOPLE_TABLES:
            if table in tables:
                self._read_table(table, tables[table], result)
        result.notes.append(POPULATION_NOTE)

    def _read_table(self, table: str, spec: dict[str, Any], result: FileResult) -> None:
        columns, constant, rows = spec.get("columns", []), spec.get("constant") or {}, spec.get("rows", [])
        if not isinstance(columns, list) or not isinstance(constant, dict) or not isinstance(rows, list) \
                or not all(isinstance(c, str) for c in columns):
            raise SourceError(self.source_id, result.file,
                              f"table {table!r}: 'columns' must be a list of names, 'constant' an object and 'rows' a"
                              " list", column=table)
        columns, constant = list(columns), dict(constant)
        expected = TABLE_COLUMNS[table]
        if sorted(columns + list(constant)) != sorted(expected):
            raise SourceError(self.source_id, result.file,
                              f"table {table!r} has columns {columns + list(constant)}, expected {list(expected)}")
        good: list[list[Any]] = []
        dates = [columns.index(c) for c in DATE_COLUMNS.get(table, ()) if c in columns]
        kinds = [(i, c, VALUE_KINDS.get(c, "text")) for i, c in enumerate(columns) if i not in dates]
        cache: dict[str, date] = {}
        for number, row in enumerate(rows, start=1):
            result.rows_read += 1
            raw = json.dumps(row, ensure_ascii=False)
            if not isinstance(row, list) or len(row) != len(columns):
                result.reject(None, f"{table} row {number}: expected {len(columns)} values", raw=raw)
                continue
            bad = next(((c, kind) for i, c, kind in kinds if not _KIND_CHECKS[kind](row[i])), None)
            if bad is not None:
                result.reject(None, f"{table} row {number}: {json.dumps(row[columns.index(bad[0])])[:60]} is not"
                              f" {bad[1]}", raw=raw, column=bad[0])
                continue
            try:
                for i in dates:
                    row[i] = _iso_date(row[i], cache)
            except ValueError as error:
                result.reject(None, f"{table} row {number}: {error}", raw=raw, column=columns[i])
                continue
            good.append(row)
        frame = pd.DataFrame(good, columns=columns)
        for column, value in constant.items():
            frame[column] = _iso_date(value, cache) if column in DATE_COLUMNS.get(table, ()) else value
        if len(frame):
            result.emit_frame(table, frame[list(expected)])
        result.accept(len(good))


def _iso_date(value: Any, cache: dict[str, date]) -> date | None:
    """An ISO date string between 1900 and today -> date (None stays None: an open term)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"date {json.dumps(value)[:60]} is not text")
    if value not in cache:
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"invalid date {value[:60]!r}") from None
        cache[value] = check_date(parsed)  # ValueError: before 1900 or in the future
    return cache[value]


def _is_date(kind: pa.DataType) -> bool:
    return pa.types.is_date(kind) or pa.types.is_timestamp(kind)


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# What each people-table value must be (columns not listed are text); the warehouse's typed columns would
# otherwise refuse the row deep inside the build.
VALUE_KINDS = {"party": "text or null", "incumbent": "true, false or null", "winner": "true, false or null",
               "contested": "true, false or null", "vote_share": "a number or null", "population": "a whole number",
               "year": "a whole number", "value": "a number"}
_KIND_CHECKS: dict[str, Any] = {
    "text": lambda v: isinstance(v, str),
    "text or null": lambda v: v is None or isinstance(v, str),
    "true, false or null": lambda v: v is None or isinstance(v, bool),
    "a number or null": lambda v: v is None or _is_number(v),
    "a whole number": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "a number": _is_number,
}
