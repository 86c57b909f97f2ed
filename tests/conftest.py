"""Shared fixtures: the real data beside the project (skipped, saying why, when it is absent)."""

from __future__ import annotations

import gzip
import os
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


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public warehouse (what the app opens) built by the real pipeline from a small demo data set (once per
    worker); its private working database is `demo_private`."""
    from etl import demo
    from etl.build import build

    root = tmp_path_factory.mktemp("demo")
    demo.generate(root / "raw" / "demo", cases=DEMO_TEST_CASES, seed=7)
    out = root / "warehouse.duckdb"
    build(out, raw_dir=root / "raw", demo=True, progress=False)
    return out


@pytest.fixture(scope="session")
def real_warehouse(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public warehouse built from every real source in ../shared/data (skipped when it is absent)."""
    from etl.build import build

    out = tmp_path_factory.mktemp("real") / "warehouse.duckdb"
    build(out, raw_dir=shared_data, progress=False)
    return out


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
