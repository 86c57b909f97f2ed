"""Run the named .sql files: statements bound one by one, so each gets only the parameters it uses."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb


def run_file(con: duckdb.DuckDBPyConnection, path: Path, threshold: int,
             params: dict[str, object] | None = None) -> None:
    """Every statement of the file, with `$threshold` and any of `params` it names (`$name`)."""
    values = {"threshold": threshold, **(params or {})}
    for statement in statements(path.read_text(encoding="utf-8")):
        used = {k: v for k, v in values.items() if re.search(rf"\${k}\b", statement)}
        con.execute(statement, used or None)


def run_folder(con: duckdb.DuckDBPyConnection, folder: Path, threshold: int, pattern: str = "*.sql") -> None:
    """Every file of the folder in file-name order (the numbers in the names say the order)."""
    for path in sorted(folder.glob(pattern)):
        run_file(con, path, threshold)


def statements(text: str) -> list[str]:
    """Split a file into statements; the files put no ';' inside strings or comments after code."""
    lines = [line for line in text.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
