"""The map's election measures: definitions from etl/election_measures.toml, values from etl/sql/election_measures.sql.

Kept beside metric_definition and metric_value rather than inside them: they are facts about elections, with
no case counts, intervals or suppression, so the case metrics' machinery has nothing to do with them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb

from etl.config import SQL_DIR
from etl.metrics import insert_translations

DEFINITIONS = Path(__file__).parent / "election_measures.toml"
FIRST_SORT_ORDER = 1000  # after every case metric in display order


def materialize(con: duckdb.DuckDBPyConnection, path: Path = DEFINITIONS) -> None:
    with path.open("rb") as handle:
        catalogue = tomllib.load(handle)
    for order, (metric_id, d) in enumerate(catalogue.items(), start=FIRST_SORT_ORDER):
        con.execute("INSERT INTO election_measure_definition VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [metric_id, d["label"], d["question"], d["description"], d["unit"], d["caveat"], d["direction"],
                     order])
    insert_translations(con, [{"metric_id": metric_id, **d} for metric_id, d in catalogue.items()])
    con.execute((SQL_DIR / "election_measures.sql").read_text(encoding="utf-8"))
