"""components.cached_chart: one chart per distinct input, shared across reruns, new data gives a new chart."""

from __future__ import annotations

import logging

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import components

BUILT: list[str] = []


def _titled(frame: pd.DataFrame, *, title: str) -> go.Figure:
    BUILT.append(title)
    return go.Figure(go.Bar(x=frame["year"], y=frame["value"]), layout={"title": title})


def _frame(value: float) -> pd.DataFrame:
    # sources are list cells in the warehouse's frames: pandas cannot hash them, the cache must still key them
    return pd.DataFrame({"year": [2020, 2021], "value": [value, 2.0], "source_ids": [["a"], ["a", "b"]]})


def test_the_same_input_builds_once_and_new_data_builds_again(caplog: pytest.LogCaptureFixture) -> None:
    BUILT.clear()
    with caplog.at_level(logging.WARNING):
        first = components.cached_chart(_titled, _frame(1.0), title="Charged")
        again = components.cached_chart(_titled, _frame(1.0), title="Charged")
        other_data = components.cached_chart(_titled, _frame(3.0), title="Charged")
        other_title = components.cached_chart(_titled, _frame(1.0), title="Declined")
    assert again is first
    assert other_data is not first and list(other_data.data[0].y) == [3.0, 2.0]
    assert other_title.layout.title.text == "Declined"
    assert BUILT == ["Charged", "Charged", "Declined"]
    assert "falling back to pickling" not in caplog.text
