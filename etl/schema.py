"""The warehouse's tables and columns as `etl/sql/schema.sql` declares them, read by DuckDB itself.

The schema is the one list of columns: the adapters' row shapes, the defaults of columns an adapter may leave
out, the tables that carry a `source_id` and the public/private declarations are all read from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

SCHEMA_SQL = Path(__file__).parent / "sql" / "schema.sql"


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, whether it may be NULL and its DEFAULT (None: none declared)."""

    name: str
    nullable: bool
    default: Any = None


def schema_text() -> str:
    return SCHEMA_SQL.read_text(encoding="utf-8")


def tables(schema: str | None = None) -> dict[str, tuple[Column, ...]]:
    """Every table of schema.sql (or of `schema`, DDL text) with its columns in declared order."""
    return _tables(schema if schema is not None else schema_text())


@cache
def _tables(schema: str) -> dict[str, tuple[Column, ...]]:
    with duckdb.connect() as con:
        con.execute(schema)
        rows = con.execute("SELECT table_name, column_name, is_nullable, column_default FROM duckdb_columns() "
                           "WHERE schema_name = 'main' AND NOT internal ORDER BY table_name, column_index").fetchall()
        found: dict[str, list[Column]] = {}
        for table, name, nullable, default in rows:
            value = con.execute(f"SELECT {default}").fetchone()[0] if default is not None else None
            found.setdefault(table, []).append(Column(name, bool(nullable), value))
    return {table: tuple(columns) for table, columns in found.items()}


def column_names(schema: str | None = None) -> dict[str, list[str]]:
    """Every table with its column names."""
    return {table: [c.name for c in columns] for table, columns in tables(schema).items()}


def row_columns(table: str) -> tuple[str, ...]:
    """The columns an adapter fills for `table`: every column but the `source_id` the build adds."""
    return tuple(c.name for c in tables()[table] if c.name != "source_id")


def row_defaults(table: str) -> dict[str, Any]:
    """What an adapter may leave out of a row of `table`: columns that may be NULL (None) or have a DEFAULT."""
    return {c.name: c.default for c in tables()[table]
            if c.name != "source_id" and (c.nullable or c.default is not None)}


def has_source(table: str) -> bool:
    """Whether the build stamps `table`'s rows with the source they came from."""
    return any(c.name == "source_id" for c in tables()[table])
