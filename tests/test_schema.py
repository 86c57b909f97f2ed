"""etl/sql/schema.sql is the one list of columns: adapters' row shapes and defaults are read from it."""

from __future__ import annotations

from datetime import date

import duckdb

from etl import schema
from etl.sources.base import ADAPTER_TABLES, TABLE_COLUMNS, FileResult


def test_columns_nullability_and_defaults_are_read_from_the_ddl() -> None:
    ddl = ("CREATE TABLE t (source_id VARCHAR NOT NULL, a VARCHAR NOT NULL DEFAULT 'unknown', b INTEGER,"
           " c DATE NOT NULL);")
    [a, b, c] = schema.tables(ddl)["t"][1:]
    assert (a.name, a.nullable, a.default) == ("a", False, "unknown")
    assert (b.name, b.nullable, b.default) == ("b", True, None)
    assert (c.name, c.nullable, c.default) == ("c", False, None)
    assert schema.column_names(ddl) == {"t": ["source_id", "a", "b", "c"]}


def test_every_adapter_table_is_in_the_schema_and_carries_its_source() -> None:
    tables = schema.column_names()
    for table in ADAPTER_TABLES:
        assert table in tables, f"{table} is filled by adapters but is not in etl/sql/schema.sql"
        assert schema.has_source(table) == (table != "county"), "every adapter table but the county list"


def test_a_case_row_that_leaves_out_what_the_schema_defaults_loads(tmp_path) -> None:
    """A case_counts row naming only the NOT NULL columns without a DEFAULT loads into the real schema."""
    result = FileResult(source_id="s", file="f.csv")
    required = {"fips": "17031", "period_start": date(2020, 1, 1), "period_grain": "year", "stage": "referral",
                "outcome": "charged", "n": 12}
    assert set(required) == {c.name for c in schema.tables()["case_counts"]
                             if not c.nullable and c.default is None and c.name != "source_id"}
    result.emit("case_counts", required)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute(schema.schema_text())
        frame = result.frame("case_counts").assign(source_id="s")  # noqa: F841 (read by DuckDB by name)
        columns = ", ".join(("source_id", *TABLE_COLUMNS["case_counts"]))
        con.execute(f"INSERT INTO case_counts ({columns}) SELECT {columns} FROM frame")
        assert con.execute("SELECT race, age_band, office_id, n FROM case_counts").fetchall() == [
            ("unknown", "unknown", None, 12)]
