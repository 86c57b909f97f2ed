"""etl/sqlfiles.py: a file's statements run one by one, each bound to only the parameters it names."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl import sqlfiles


def test_statements_split_by_duckdb_and_bound_to_their_own_parameters(tmp_path: Path) -> None:
    path = tmp_path / "10_example.sql"
    path.write_text("-- a comment naming $metric; and a semicolon\n"
                    "CREATE TABLE t AS SELECT $threshold AS threshold, 'a;b' AS text;\n"
                    "INSERT INTO t VALUES ($threshold + 1, $metric); -- $unused; here\n", encoding="utf-8")
    with duckdb.connect() as con:
        sqlfiles.run_file(con, path, 10, {"metric": "x;y", "unused": 0})
        assert con.execute("SELECT * FROM t ORDER BY 1").fetchall() == [(10, "a;b"), (11, "x;y")]
