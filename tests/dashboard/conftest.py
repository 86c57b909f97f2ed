"""The page tests' shared fixture: the app pointed at the demo warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def warehouse(demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo warehouse, as the app's PAD_WAREHOUSE (a module may override this with more settings)."""
    monkeypatch.setenv("PAD_WAREHOUSE", str(demo_warehouse))
    return demo_warehouse
