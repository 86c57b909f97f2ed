"""The page tests' shared fixtures: the app pointed at the demo or the real warehouse, and chart image export
turned off for the pages whose tests do not check it."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def warehouse(demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo warehouse, as the app's PAD_WAREHOUSE (a module may override this with more settings)."""
    monkeypatch.setenv("PAD_WAREHOUSE", str(demo_warehouse))
    return demo_warehouse


@pytest.fixture
def no_image_export(monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts offer no PNG/SVG download: server-side rendering is slow, and the map page's tests cover it once."""
    monkeypatch.setattr("dashboard.components.image_export_available", lambda: False)


@pytest.fixture
def real(real_warehouse: Path, monkeypatch: pytest.MonkeyPatch, no_image_export: None) -> Path:
    """The warehouse built from ../shared/data, as the app's PAD_WAREHOUSE, without chart image export."""
    monkeypatch.setenv("PAD_WAREHOUSE", str(real_warehouse))
    return real_warehouse
