"""`make run`'s warehouse is a real make target: rebuilt only when what it is made from changed, and the demo
and real warehouses are separate files. Asked of make itself (`-q`: is it up to date; `-n`: what would run)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from etl.config import PROJECT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str) -> subprocess.CompletedProcess:
    # -o: the virtualenv counts as installed and old, whatever its time stamp in this checkout
    return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", *args], cwd=PROJECT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A stand-in for a demo warehouse built after every input (its demo files included)."""
    out = tmp_path / "demo.duckdb"
    out.touch()
    return out


def test_a_second_make_run_reuses_the_warehouse(warehouse: Path, tmp_path: Path) -> None:
    people = tmp_path / "people.json"
    people.touch()
    os.utime(warehouse)  # newer than the demo files too
    done = make("-q", f"DEMO_WAREHOUSE={warehouse}", f"DEMO_FILES={people}", str(warehouse))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("changed", ["etl/build.py", "etl/sql/metrics/00_macros.sql", "etl/metrics.toml",
                                     "data/sources.toml", "data/sources/pa_bail/source.toml",
                                     "data/reference/terms.csv", "etl/demo.py"])
def test_a_changed_input_rebuilds_the_warehouse(changed: str, warehouse: Path, tmp_path: Path) -> None:
    assert (PROJECT / changed).is_file(), changed
    people = tmp_path / "people.json"
    people.touch()
    os.utime(warehouse)
    done = make("-n", "-W", changed, f"DEMO_WAREHOUSE={warehouse}", f"DEMO_FILES={people}", str(warehouse))
    assert done.returncode == 0, done.stderr
    assert f"-m etl build --demo --out {warehouse}" in done.stdout


def test_demo_and_real_warehouses_are_separate_files(tmp_path: Path) -> None:
    demo, real = tmp_path / "d.duckdb", tmp_path / "r.duckdb"
    run = make("-n", f"DEMO_WAREHOUSE={demo}", f"REAL_WAREHOUSE={real}", f"DATA={tmp_path}", "run").stdout
    run_real = make("-n", f"DEMO_WAREHOUSE={demo}", f"REAL_WAREHOUSE={real}", f"DATA={tmp_path}", "run-real").stdout
    assert f"PAD_WAREHOUSE={demo} " in run and str(real) not in run
    assert f"--raw-dir {tmp_path} --out {real}" in run_real and f"PAD_WAREHOUSE={real} " in run_real
    assert str(demo) not in run_real


def test_the_bench_measures_the_static_files_as_make_run_writes_them(tmp_path: Path) -> None:
    from bench import wire

    public = tmp_path / "public"
    done = make("-n", "-B", f"PUBLIC={public}", f"{public}/.written")
    assert f"-m deploy.static_files {public} {' '.join(wire.MAKE_RUN_STATIC_OPTIONS)} " in done.stdout, done.stdout
