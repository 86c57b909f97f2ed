"""Materialize metric_definition (from etl/metrics.toml) and metric_value, disparity and coverage.

The SQL lives in `etl/sql/metrics/`, run in file-name order; every file is parameterised only by the
suppression threshold, so the same code serves every source and the demo alike.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb

from etl.config import SQL_DIR

METRICS_TOML = Path(__file__).parent / "metrics.toml"
METRICS_SQL = SQL_DIR / "metrics"


def load_definitions(path: Path = METRICS_TOML) -> list[dict]:
    with path.open("rb") as handle:
        catalogue = tomllib.load(handle)
    return [{"metric_id": metric_id, "sort_order": order, **entry}
            for order, (metric_id, entry) in enumerate(catalogue.items(), start=1)]


def materialize(con: duckdb.DuckDBPyConnection, *, threshold: int, priorities: dict[str, int]) -> None:
    for d in load_definitions():
        con.execute(
            "INSERT INTO metric_definition VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [d["metric_id"], d["label"], d["question"], d["description"], d["stage"], d["numerator"],
             d["denominator"], d["unit"], d["caveat"], d["sort_order"], d["direction"], d.get("unavailable_if", [])],
        )
    con.execute("CREATE OR REPLACE TEMP TABLE source_priority (source_id VARCHAR, priority INTEGER)")
    if priorities:
        con.executemany("INSERT INTO source_priority VALUES (?, ?)", sorted(priorities.items()))
    for path in sorted(METRICS_SQL.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        if "$threshold" in text:
            for statement in _statements(text):
                con.execute(statement, {"threshold": threshold} if "$threshold" in statement else None)
        else:
            con.execute(text)


def _statements(text: str) -> list[str]:
    """Split a file into statements (parameters bind per statement); the files use no ';' in strings."""
    lines = [line for line in text.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
