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
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from etl.demo import CASE_COLUMNS
from etl.sources.base import TABLE_COLUMNS, Adapter, FileResult, SourceError

SQL_FILE = Path(__file__).resolve().parents[1] / "sql" / "demo_case_counts.sql"
PEOPLE_TABLES = ("office", "office_county", "prosecutor", "term", "election", "county_population", "detention")
DATE_COLUMNS = {"term": ("start_date", "end_date"), "election": ("election_date",), "detention": ("period_start",)}
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
            metadata = pq.ParquetFile(path).metadata
        except (OSError, ValueError) as error:  # pyarrow raises ArrowInvalid (a ValueError) for non-parquet
            raise SourceError(self.source_id, result.file, f"not a readable parquet file: {error}") from error
        names = set(metadata.schema.names)
        missing = [c for c in CASE_COLUMNS if c not in names]
        if missing:
            raise SourceError(self.source_id, result.file, "missing column (regenerate with `python -m etl demo`)",
                              column=missing[0])
        result.rows_read += metadata.num_rows
        result.accept(metadata.num_rows)
        if metadata.num_rows:
            result.emit_sql("case_counts", case_counts_query(path))

    def _read_people(self, path: Path, result: FileResult) -> None:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            tables = document["tables"]
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
            raise SourceError(self.source_id, result.file, f"not a demo people file: {error}") from error
        unknown = [t for t in tables if t not in PEOPLE_TABLES]
        if unknown:
            raise SourceError(self.source_id, result.file, f"unknown table {unknown[0]!r}")
        for table in PEOPLE_TABLES:
            if table in tables:
                self._read_table(table, tables[table], result)
        result.notes.append(POPULATION_NOTE)

    def _read_table(self, table: str, spec: dict[str, Any], result: FileResult) -> None:
        columns = list(spec.get("columns", []))
        constant = dict(spec.get("constant") or {})
        expected = TABLE_COLUMNS[table]
        if sorted(columns + list(constant)) != sorted(expected):
            raise SourceError(self.source_id, result.file,
                              f"table {table!r} has columns {columns + list(constant)}, expected {list(expected)}")
        good: list[list[Any]] = []
        dates = [columns.index(c) for c in DATE_COLUMNS.get(table, ()) if c in columns]
        cache: dict[str, date] = {}
        for number, row in enumerate(spec.get("rows", []), start=1):
            result.rows_read += 1
            raw = json.dumps(row, ensure_ascii=False)
            if not isinstance(row, list) or len(row) != len(columns):
                result.reject(None, f"{table} row {number}: expected {len(columns)} values", raw=raw)
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
    """An ISO date string -> date (None stays None: an open term)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"date {value!r} is not text")
    if value not in cache:
        try:
            cache[value] = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"invalid date {value!r}") from None
    return cache[value]
