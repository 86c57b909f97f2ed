"""The suppression step's cell keys: measure * CELLS_PER_MEASURE + place, as the SQL macro packs them."""

from __future__ import annotations

import duckdb

from etl.suppression import CELLS_PER_MEASURE, SUPPRESSION_SQL


def test_cells_per_measure_is_the_stride_of_the_measure_in_cell_key() -> None:
    macro = next(s.query for s in duckdb.extract_statements((SUPPRESSION_SQL / "10_cells.sql").read_text())
                 if "MACRO cell_key" in s.query)
    with duckdb.connect() as con:
        con.execute(macro)
        one, place, last = con.execute("SELECT cell_key(1, 0, 0, 0, 0, 0), cell_key(5, 3, 1048575, 255, 7, 63),"
                                       " cell_key(0, 3, 1048575, 255, 7, 63)").fetchone()
    assert one == CELLS_PER_MEASURE
    assert place // CELLS_PER_MEASURE == 5 and place % CELLS_PER_MEASURE == last == CELLS_PER_MEASURE - 1
