"""Shared fixtures: the real data beside the project (skipped, saying why, when it is absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
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
