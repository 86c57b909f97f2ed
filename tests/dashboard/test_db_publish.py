"""A publish (a new warehouse file swapped in over the served path) reaches the app's next query."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from dashboard import db


def test_the_next_query_after_a_publish_sees_the_new_warehouse(demo_warehouse: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    served, new = tmp_path / "served.duckdb", tmp_path / "new.duckdb"
    shutil.copy(demo_warehouse, served)
    shutil.copy(demo_warehouse, new)
    with duckdb.connect(str(new)) as con:
        con.execute("UPDATE build_info SET value = 'published-later' WHERE key = 'built_at'")
    monkeypatch.setenv("PAD_WAREHOUSE", str(served))
    before = db.build_info()["built_at"]
    os.replace(new, served)
    assert before != "published-later"
    assert db.build_info()["built_at"] == "published-later"
