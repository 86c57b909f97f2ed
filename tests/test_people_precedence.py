"""Whose offices, people and terms are kept when two sources describe one office: the higher `priority`, then
the source id; never the order in which the catalogue lists (and the build loads) the sources."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl import build, metrics, schema

SOURCES = {"directory": ("Dana Directory", date(2017, 1, 1)), "returns": ("Riley Returns", date(2019, 1, 1))}


def resolved(tmp_path: Path, order: tuple[str, ...], priorities: dict[str, int]) -> tuple[str, str, str]:
    """Load both sources' rows for office `oc` in `order`, run the build's people step; who holds the office?"""
    with duckdb.connect(str(tmp_path / f"{'-'.join(order)}.duckdb")) as con:
        con.execute(schema.schema_text())
        for source_id in order:
            name, start = SOURCES[source_id]
            con.execute("INSERT INTO source (source_id, title, publisher, license, rows_read, rows_loaded, "
                        "rows_rejected, kind) VALUES (?, ?, 'p', 'l', 0, 0, 0, 'people')", [source_id, source_id])
            con.execute("INSERT INTO office VALUES ('oc', ?, 'XX', 'district_attorney', 'elected', ?)",
                        [f"Office per {source_id}", source_id])
            con.execute("INSERT INTO office_county VALUES ('oc', '99001', ?)", [source_id])
            con.execute("INSERT INTO prosecutor VALUES (?, ?, NULL, ?)", [f"p-{source_id}", name, source_id])
            con.execute("INSERT INTO term VALUES (?, ?, 'oc', ?, NULL, 'elected', 'c', ?)",
                        [f"t-{source_id}", f"p-{source_id}", start, source_id])
        metrics.register_priorities(con, priorities)
        build._resolve_people(con)
        office = con.execute("SELECT name FROM office").fetchall()
        terms = con.execute("SELECT p.name, t.source_id FROM term t JOIN prosecutor p USING (prosecutor_id)"
                            ).fetchall()
    assert len(office) == 1 and len(terms) == 1, "one office, and its terms from one source"
    return office[0][0], *terms[0]


@pytest.mark.parametrize("priorities", [{"returns": 10, "directory": 20}, {"returns": 20, "directory": 10}, {}])
def test_priority_decides_and_the_catalogues_order_never_does(tmp_path: Path, priorities: dict[str, int]) -> None:
    first = resolved(tmp_path, ("directory", "returns"), priorities)
    second = resolved(tmp_path, ("returns", "directory"), priorities)
    assert first == second
    winner = max(SOURCES, key=lambda s: priorities[s]) if priorities else min(SOURCES)  # equal: by source id
    assert first == (f"Office per {winner}", SOURCES[winner][0], winner)
