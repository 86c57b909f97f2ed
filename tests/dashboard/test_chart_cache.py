"""components.cached_chart: one chart per distinct input, shared across reruns, new data gives a new chart."""

from __future__ import annotations

import logging

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import components
from dashboard.internals.plotly import SharedFigure
from etl.public import private_path

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


def test_a_builder_defined_in_a_page_script_is_refused() -> None:
    """A page script's functions are new on every rerun (module "__main__"): caching one per function would keep
    every rerun's function, and with it the page's data, for the life of the server."""

    def page_builder(frame: pd.DataFrame) -> go.Figure:
        return go.Figure()

    page_builder.__module__ = "__main__"
    with pytest.raises(ValueError, match="not in a page script"):
        components.cached_chart(page_builder, _frame(1.0))


def test_map_reruns_keep_no_new_chart_functions(demo_warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    """The leak the check above stops, on the real map page: reruns add no cached builder."""
    from tests.dashboard.apptest_pages import open_page

    monkeypatch.setenv("PAD_WAREHOUSE", str(demo_warehouse))
    at = open_page("map")
    assert not at.exception
    kept = components._cached.cache_info().currsize
    for _ in range(3):
        at.run()
        assert not at.exception
    assert components._cached.cache_info().currsize == kept


def test_county_content_is_built_once_per_view_and_again_for_a_new_warehouse(
        demo_warehouse, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm county rerun reuses the view's computed content; a publish (new file version) recomputes it."""
    import shutil
    from datetime import date

    import duckdb

    from dashboard import db
    from dashboard.content import county

    with duckdb.connect(str(private_path(demo_warehouse)), read_only=True) as con:
        busiest = "SELECT fips FROM case_counts GROUP BY fips ORDER BY sum(n) DESC, fips LIMIT 1"
        fips = con.execute(busiest).fetchone()[0]
    monkeypatch.setenv("PAD_WAREHOUSE", str(demo_warehouse))
    version, today = db.current_version(), date.today()
    base = county.county_base(fips, version, today)
    metric = base.with_data[0]
    years = (base.first_year, base.last_year, None, None)
    first = county.county_view(fips, metric, "all", *years, version, today)
    assert county.county_view(fips, metric, "all", *years, version, today) is first
    assert county.county_view(fips, metric, "race", *years, version, today) is not first
    assert first.trend is not None and base.label_of[metric] in first.trend.fig.layout.title.text

    copy = tmp_path / "published.duckdb"
    shutil.copy(demo_warehouse, copy)
    monkeypatch.setenv("PAD_WAREHOUSE", str(copy))
    republished = county.county_view(fips, metric, "all", *years, db.current_version(), today)
    assert republished is not first
    assert republished.summary == first.summary  # the same data, computed again from the new file


def test_prosecutor_content_is_built_once_per_view(demo_warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    from dashboard import db
    from dashboard.content import prosecutor

    with duckdb.connect(str(private_path(demo_warehouse)), read_only=True) as con:
        pid = con.execute("""SELECT t.prosecutor_id FROM term t JOIN office_county oc USING (office_id)
                             JOIN case_counts c ON c.fips = oc.fips
                             GROUP BY t.prosecutor_id ORDER BY sum(c.n) DESC, t.prosecutor_id LIMIT 1""").fetchone()[0]
    monkeypatch.setenv("PAD_WAREHOUSE", str(demo_warehouse))
    version = db.current_version()
    base = prosecutor.prosecutor_base(pid, version)
    assert prosecutor.prosecutor_base(pid, version) is base
    metric = base.with_data[0]
    first = prosecutor.prosecutor_view(pid, metric, "all", base.first_year, base.last_year, version)
    assert prosecutor.prosecutor_view(pid, metric, "all", base.first_year, base.last_year, version) is first
    other = prosecutor.prosecutor_view(pid, base.with_data[-1], "all", base.first_year, base.last_year, version)
    assert other is not first and len(first.trends) == len(other.trends) >= 1
    assert base.label_of[metric] in first.trends[0].fig.layout.title.text


def test_a_cached_figure_makes_its_dict_once_and_it_is_the_figure_s() -> None:
    """st.plotly_chart asks for the figure's dict on every rerun; a cached chart makes it once."""
    chart = components.cached_chart(_titled, _frame(5.0), title="Once")
    assert isinstance(chart, SharedFigure)
    assert chart.to_dict() is chart.to_dict()
    assert chart.to_dict() == go.Figure(chart.to_plotly_json()).to_dict()
