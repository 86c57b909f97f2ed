"""Shared fixtures: the real data beside the project (skipped, saying why, when it is absent)."""

from __future__ import annotations

import fcntl
import gzip
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from etl.config import PROJECT

FIXTURES = PROJECT / "tests" / "fixtures"
SHARED_DATA = Path(os.environ.get("PAD_SHARED_DATA", PROJECT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public files (../shared/data); tests that need it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent (a fresh clone has no ../shared); "
                    "set PAD_SHARED_DATA to run the real-file tests")
    return SHARED_DATA


def shared_file(shared: Path, relative: str) -> Path:
    path = shared / relative
    if not path.exists():
        pytest.skip(f"{path} is absent from the shared data folder")
    return path


def gzip_with_column_renamed(fixture: Path, out: Path, column: str, new_name: str) -> str:
    """Write a copy of a gzipped CSV fixture to `out` with one header column renamed, so a reader meets a file
    missing `column`; returns the copy's text."""
    text = gzip.decompress(fixture.read_bytes()).decode("utf-8").replace(column, new_name, 1)
    out.write_bytes(gzip.compress(text.encode("utf-8")))
    return text


DEMO_TEST_CASES = 100_000


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder this whole test run shares: with pytest-xdist, each worker's own folder is inside it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _built_once(folder: Path, make: Callable[[Path], None], *, wait: bool = True) -> bool:
    """Run `make(folder)` once for the whole run, whichever worker asks first; the others wait for it (or,
    with `wait=False`, return False at once while another worker is building it)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        if not (folder / ".built").exists():
            make(folder)
            (folder / ".built").touch()
    return True


def _make_demo(folder: Path) -> None:
    from etl import demo
    from etl.build import build

    demo.generate(folder / "raw" / "demo", cases=DEMO_TEST_CASES, seed=7)
    build(folder / "warehouse.duckdb", raw_dir=folder / "raw", demo=True, progress=False)


def _make_real(folder: Path) -> None:
    from etl.build import build

    build(folder / "warehouse.duckdb", raw_dir=SHARED_DATA, progress=False)


def _shared_warehouse(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """One warehouse per test run, shared by the workers (they only read it). A worker that finds this one being
    built by another builds the other warehouse meanwhile instead of waiting idle."""
    run = _run_folder(tmp_path_factory)
    makers = {"demo": _make_demo, **({"real": _make_real} if SHARED_DATA.is_dir() else {})}
    if not _built_once(run / name, makers[name], wait=False):
        for other, make in makers.items():
            if other != name:
                _built_once(run / other, make, wait=False)
        _built_once(run / name, makers[name])
    return run / name / "warehouse.duckdb"


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public warehouse (what the app opens) built by the real pipeline from a demo data set, once per test
    run; its private working database is `demo_private`. Tests read it and copy it, never change it."""
    return _shared_warehouse(tmp_path_factory, "demo")


@pytest.fixture(scope="session")
def real_warehouse(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public warehouse built from every real source in ../shared/data, once per test run (skipped when the
    folder is absent)."""
    return _shared_warehouse(tmp_path_factory, "real")


@pytest.fixture(scope="session")
def demo_private(demo_warehouse: Path) -> Path:
    """The demo build's private working database (facts, rejected rows' text): for tests that need facts."""
    from etl.public import private_path

    return private_path(demo_warehouse)


@pytest.fixture(scope="session")
def real_private(real_warehouse: Path) -> Path:
    """The real build's private working database (skipped when ../shared is absent)."""
    from etl.public import private_path

    return private_path(real_warehouse)
