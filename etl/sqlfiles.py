"""Run the named .sql files: statements bound one by one, so each gets only the parameters it uses."""

from __future__ import annotations

from pathlib import Path

import duckdb


def run_file(con: duckdb.DuckDBPyConnection, path: Path, threshold: int,
             params: dict[str, object] | None = None) -> None:
    """Every statement of the file, with `$threshold` and any of `params` it names (`$name`).

    DuckDB's own parser splits the file and names each statement's parameters, so a `;` or a `$name` inside a
    string or a comment is never taken for one.
    """
    values = {"threshold": threshold, **(params or {})}
    for statement in con.extract_statements(path.read_text(encoding="utf-8")):
        used = {k: v for k, v in values.items() if k in statement.named_parameters}
        con.execute(statement.query, used or None)


def run_folder(con: duckdb.DuckDBPyConnection, folder: Path, threshold: int, pattern: str = "*.sql") -> None:
    """Every file of the folder in file-name order (the numbers in the names say the order)."""
    for path in sorted(folder.glob(pattern)):
        run_file(con, path, threshold)
