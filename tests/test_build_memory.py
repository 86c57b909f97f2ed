"""The build's DuckDB connection is memory-bounded for every stage and spills beside the new warehouse.

Why: unbounded, DuckDB takes up to 80% of the machine's memory and keeps every intermediate in it. The spill
directory of a killed build must not outlive it, as its file and write-ahead log do not.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl import build
from etl.errors import BuildError


def _dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


def test_the_connection_has_the_limit_and_spills_beside_the_new_file(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(build.MEMORY_LIMIT_ENV, raising=False)
    tmp = tmp_path / "warehouse.duckdb.building-1"
    con = build._connect(tmp)
    try:
        limit, spill = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchone()
    finally:
        con.close()
    assert limit == "1.1 GiB"  # DuckDB's own spelling of build.MEMORY_LIMIT, 1200MB
    assert Path(spill) == tmp_path / "warehouse.duckdb.building-1.tmp"


def test_the_limit_can_be_raised_and_a_bad_one_is_a_clear_error(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(build.MEMORY_LIMIT_ENV, "4GB")
    con = build._connect(tmp_path / "a.duckdb")
    try:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "3.7 GiB"
    finally:
        con.close()
    monkeypatch.setenv(build.MEMORY_LIMIT_ENV, "lots")
    with pytest.raises(BuildError, match="PAD_ETL_MEMORY_LIMIT='lots' is not a memory size"):
        build._connect(tmp_path / "b.duckdb")


def test_a_dead_builds_file_log_and_spill_directory_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "warehouse.duckdb"
    dead = tmp_path / f"warehouse.duckdb.building-{_dead_pid()}"
    dead.write_bytes(b"partial")
    dead.with_name(dead.name + ".wal").write_bytes(b"log")
    spill = dead.with_name(dead.name + ".tmp")
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"spilled")
    alive = tmp_path / "warehouse.duckdb.building-1"  # pid 1 is alive: a build still running is left alone
    alive.with_name(alive.name + ".tmp").mkdir()
    build._remove_stale(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse.duckdb.building-1.tmp"]


def test_running_out_of_the_limit_is_a_clear_error_and_publishes_nothing(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(build.MEMORY_LIMIT_ENV, "8MB")
    out = tmp_path / "warehouse.duckdb"
    with pytest.raises(BuildError, match=r"more memory than its limit of 8MB: set PAD_ETL_MEMORY_LIMIT higher"):
        build.build(out, raw_dir=tmp_path / "raw", demo=True, progress=False)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("warehouse.duckdb")]


def test_stage_suppression_read_in_small_batches_publishes_the_same_warehouse(
        demo_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stage check reads its cells in batches of whole places to bound memory: batches change nothing."""
    from etl import suppression

    batch_sizes: list[int] = []
    check_batch = suppression._violations_in

    def recording(stage: suppression.Stage, arrays: dict, threshold: int, **options: bool):
        if options.get("reveal", True):  # a cell's measures (batched), not a group's remainders (few)
            batch_sizes.append(len(arrays["cell_id"]))
        return check_batch(stage, arrays, threshold, **options)

    monkeypatch.setattr(suppression, "STAGE_BATCH_ROWS", 2_000)
    monkeypatch.setattr(suppression, "_violations_in", recording)
    out = tmp_path / "batched.duckdb"
    build.build(out, raw_dir=demo_warehouse.parent / "raw", demo=True, progress=False)
    assert len(batch_sizes) > 20 and max(batch_sizes) < 4_000  # many batches, each about the size asked for
    query = ("SELECT key, value FROM build_info WHERE key IN "
             "('content_sha256', 'cells_suppressed_small', 'cells_suppressed_complementary') ORDER BY key")
    with duckdb.connect(str(demo_warehouse), read_only=True) as whole, duckdb.connect(str(out), read_only=True) as cut:
        expected = whole.execute(query).fetchall()
        assert cut.execute(query).fetchall() == expected
    assert int(dict(expected)["cells_suppressed_complementary"]) > 0
