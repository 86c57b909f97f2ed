"""The map page (`/`) through Streamlit's AppTest, on a real demo warehouse built by the real pipeline."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts import maps
from tests.dashboard import map_spec

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
TIMEOUT = 180


def open_map(**params: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def sql(path: Path, text: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(text, params or []).fetchall()


def busiest_case_metric(path: Path) -> str:
    """The case measure (metric_value) with the most county-years shown."""
    return sql(path, """
        SELECT d.metric_id FROM metric_definition d JOIN metric_value v USING (metric_id)
        WHERE v.scope = 'county' AND v.period_grain = 'year' AND v.dimension = 'all'
        GROUP BY d.metric_id, d.sort_order
        ORDER BY count(*) FILTER (WHERE NOT v.suppressed) DESC, d.sort_order LIMIT 1""")[0][0]


# Every county value the map can show: the case measures and the election measures.
MAP_VALUES = """(SELECT metric_id, scope_id AS fips, year(period_start) AS year, value, suppressed FROM metric_value
                 WHERE scope = 'county' AND period_grain = 'year' AND dimension = 'all'
                 UNION ALL SELECT metric_id, fips, year, value, false FROM county_election_measure)"""


def expected_default_view(path: Path) -> tuple[str, int]:
    """The (measure, year) showing the most counties; ties: the earlier measure, then the later year."""
    return sql(path, f"""
        SELECT v.metric_id, v.year FROM {MAP_VALUES} v
        JOIN (SELECT metric_id, sort_order FROM metric_definition
              UNION ALL SELECT metric_id, sort_order FROM election_measure_definition) d USING (metric_id)
        GROUP BY v.metric_id, v.year, d.sort_order
        ORDER BY count(*) FILTER (WHERE NOT v.suppressed) DESC, d.sort_order, v.year DESC
        LIMIT 1""")[0]


def expected_default_metric(path: Path) -> str:
    return expected_default_view(path)[0]


def county_counts(path: Path, metric: str, year: int, state: str | None = None) -> tuple[int, int, int]:
    """(counties in scope, counties with a shown value, counties suppressed) straight from the warehouse."""
    return sql(path, f"""
        SELECT count(*), count(*) FILTER (WHERE v.value IS NOT NULL AND NOT v.suppressed),
               count(*) FILTER (WHERE v.suppressed)
        FROM county c LEFT JOIN {MAP_VALUES} v ON v.fips = c.fips AND v.metric_id = ? AND v.year = ?
        WHERE ? IS NULL OR c.state_abbr = ?""", [metric, year, state, state])[0]


def latest_year(path: Path, metric: str) -> int:
    return sql(path, f"SELECT max(year) FROM {MAP_VALUES} v WHERE metric_id = ? AND NOT suppressed", [metric])[0][0]


def deck_spec(at: AppTest) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    return "\n".join(parts)


def messages(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


def summary_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("In "))


def show_table(at: AppTest):
    at.toggle(key="table-map-export").set_value(True).run()
    assert not at.exception
    return at.dataframe[0].value


def test_default_view(warehouse: Path) -> None:
    at = open_map()
    assert not at.exception
    assert at.title[0].value == "What do prosecutors do in your county?"
    metric, year = expected_default_view(warehouse)
    assert at.selectbox(key="map-metric").value == metric
    assert at.selectbox(key=f"map-year-{metric}").value == year
    assert at.selectbox(key="map-state").value == ""
    assert at.query_params == {"metric": metric, "year": str(year)}  # the view is in the URL
    total, shown, suppressed = county_counts(warehouse, metric, year)
    summary = summary_line(at)
    assert f"{shown:,} of {total:,} counties in the United States" in summary
    if suppressed:
        assert f"{suppressed:,} more have too few cases" in summary
    spec = deck_spec(at)
    assert list(map_spec.layers(spec))[0] == maps.COUNTY_LAYER_ID
    assert spec["initialViewState"]["zoom"] == maps.US_VIEW["zoom"]
    assert any("linear-gradient" in h.proto.body for h in at.get("html"))  # the colour key
    assert any("Demo data" in e.value for e in at.warning)  # the demo banner
    intro = at.markdown[0].value
    assert "tap it on a phone" in intro and not intro.startswith("Hover"), "phones have no hover"


def test_the_geometry_is_fetched_by_url_and_the_printable_map_built_only_when_asked(warehouse: Path) -> None:
    """What a rerun sends: the values, not the polygons (a static file the browser fetches once), and not the
    printable plotly map of the same polygons until the reader asks for it."""
    at = open_map()
    spec = deck_spec(at)
    counties = map_spec.layers(spec)[maps.COUNTY_LAYER_ID]
    assert re.fullmatch(r"app/static/map-shapes\.json\?v=[0-9a-f]{12}", counties["data"])
    assert (Path(maps.__file__).resolve().parents[2] / "static" / maps.SHAPES_FILE).exists()
    assert "coordinates" not in at.get("deck_gl_json_chart")[0].proto.json
    assert not at.get("plotly_chart")
    assert any(b.label == "Download data (CSV)" for b in at.get("download_button"))
    at.button(key="prepare-map-export").click().run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    assert any(b.label == "Download data (CSV)" for b in at.get("download_button"))
    other = next(m for m in at.selectbox(key="map-metric").options if m != at.selectbox(key="map-metric").value)
    other_id = sql(warehouse, "SELECT metric_id FROM metric_definition WHERE label = ?", [other])[0][0]
    at.selectbox(key="map-metric").select(other_id).run()
    assert not at.exception
    assert not at.get("plotly_chart")  # asked for one view, not for every later one


def test_table_and_csv_behind_the_map_match_the_warehouse(warehouse: Path) -> None:
    at = open_map(metric=busiest_case_metric(warehouse))
    metric = at.selectbox(key="map-metric").value
    year = at.selectbox(key=f"map-year-{metric}").value
    table = show_table(at)
    assert list(table.columns) == maps.EXPORT_COLUMNS
    _, shown, suppressed = county_counts(warehouse, metric, year)
    assert len(table) == shown + suppressed
    assert table["suppressed"].sum() == suppressed
    hidden = table[table["suppressed"]]
    assert hidden[["value", "numerator", "denominator", "ci_low", "ci_high"]].isna().all().all()
    # one row checked against the warehouse, number for number
    row = table[~table["suppressed"]].iloc[0]
    value, numerator, denominator = sql(warehouse, """
        SELECT value, numerator, denominator FROM metric_value WHERE metric_id = ? AND scope = 'county'
        AND scope_id = ? AND period_grain = 'year' AND dimension = 'all' AND year(period_start) = ?""",
                                        [metric, row["fips"], year])[0]
    assert (row["value"], row["numerator"], row["denominator"]) == pytest.approx((value, numerator, denominator))
    assert any(b.label == "Download data (CSV)" for b in at.get("download_button"))


def test_every_metric(warehouse: Path) -> None:
    metrics = sql(warehouse, """SELECT DISTINCT d.metric_id, d.label, d.question FROM metric_definition d
                                JOIN metric_value v USING (metric_id) WHERE v.scope = 'county'
                                AND v.period_grain = 'year' AND v.dimension = 'all' ORDER BY 1""")
    assert len(metrics) >= 10
    for metric, label, question in metrics:
        at = open_map(metric=metric)
        assert not at.exception, metric
        assert at.selectbox(key="map-metric").value == metric
        assert at.query_params["metric"] == metric
        year = int(at.query_params["year"])
        total, shown, _ = county_counts(warehouse, metric, year)
        assert f"{shown:,} of {total:,} counties" in summary_line(at)
        assert question in [re.sub(r"\\(.)", r"\1", s.value) for s in at.subheader]  # markdown-escaped
        assert not messages(at), messages(at)
        assert label in at.get("html")[0].proto.body  # the colour key is titled with the measure


def test_changing_the_metric_changes_the_url(warehouse: Path) -> None:
    at = open_map()
    other = next(m for m in at.selectbox(key="map-metric").options if m != at.selectbox(key="map-metric").value)
    other_id = sql(warehouse, "SELECT metric_id FROM metric_definition WHERE label = ?", [other])[0][0]
    at.selectbox(key="map-metric").select(other_id).run()
    assert not at.exception
    assert at.query_params["metric"] == other_id
    assert at.selectbox(key="map-metric").value == other_id


def test_year_from_the_link_and_a_year_without_data(warehouse: Path) -> None:
    metric = expected_default_metric(warehouse)
    first = sql(warehouse, f"SELECT min(year) FROM {MAP_VALUES} v WHERE metric_id = ?", [metric])[0][0]
    at = open_map(metric=metric, year=str(first))
    assert not at.exception
    assert at.selectbox(key=f"map-year-{metric}").value == first
    assert f"In {first}," in summary_line(at)
    at = open_map(metric=metric, year="1991")
    assert not at.exception
    assert any("no county values of this measure for 1991" in m for m in messages(at))
    assert at.query_params["year"] == str(latest_year(warehouse, metric))


def test_state_filter_zooms_and_filters_the_download(warehouse: Path) -> None:
    at = open_map(state="il", metric=busiest_case_metric(warehouse))
    assert not at.exception
    assert at.selectbox(key="map-state").value == "IL"
    assert at.query_params["state"] == "IL"
    metric = at.selectbox(key="map-metric").value
    year = int(at.query_params["year"])
    total, shown, _ = county_counts(warehouse, metric, year, "IL")
    assert f"{shown:,} of {total:,} counties in Illinois" in summary_line(at)
    view = deck_spec(at)["initialViewState"]
    assert 37 < view["latitude"] < 42.5 and -91.5 < view["longitude"] < -87.5 and view["zoom"] > 5
    table = show_table(at)
    assert set(table["state"]) == {"IL"}
    # and choosing another state in the page moves the URL
    at.selectbox(key="map-state").select("CA").run()
    assert at.query_params["state"] == "CA"
    assert deck_spec(at)["initialViewState"]["longitude"] < -114


def test_a_county_in_the_link_is_outlined_with_a_link_to_its_page(warehouse: Path) -> None:
    at = open_map(fips="17031")
    assert not at.exception
    spec = deck_spec(at)
    assert list(map_spec.layers(spec))[-1] == "highlight"
    assert spec["initialViewState"]["zoom"] >= 6
    links = [link.proto.label for link in at.get("page_link")]
    assert "Open the page of Cook, IL" in links


def test_find_your_county_opens_its_page(warehouse: Path) -> None:
    at = open_map()
    finder = at.selectbox(key="map-find")
    assert finder.value is None
    finder.select("06075").run()
    assert not at.exception
    assert at.query_params == {"fips": "06075"}
    assert any("San Francisco" in t.value for t in at.title)  # the county page opened, whatever it shows


HOSTILE = [
    {"fips": "../../etc/passwd"},
    {"metric": "1;DROP TABLE metric_value"},
    {"year": "99999999999"},
    {"metric": "dismissal_ratë"},
    {"state": "ИЛ"},
    {"metric": ["trial_rate", "dismissal_rate"]},
    {"metric": "x" * 100_000},
    {"fips": "99999"},
    {"metric": "no_such_metric"},
    {"state": "ZZ"},
    {"<script>alert(1)</script>": "1"},
    {"year": "-1", "state": "%00", "fips": "17031' OR 1=1"},
    {"embed": "true", "metric": "\u202etrial_rate"},
]


@pytest.mark.parametrize("params", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_bad_and_hostile_links_get_a_friendly_message(warehouse: Path, params: dict) -> None:
    at = open_map(**params)
    assert not at.exception
    assert at.title[0].value == "What do prosecutors do in your county?"
    assert messages(at), "a link problem must be explained"
    assert maps.COUNTY_LAYER_ID in map_spec.layers(deck_spec(at))  # and the map still shows
    assert "DROP" not in json.dumps(at.query_params)  # the cleaned view replaced the bad link
    for message in messages(at):
        assert "Traceback" not in message and "<script>" not in message


def test_repeated_metric_uses_the_last_value(warehouse: Path) -> None:
    at = open_map(metric=["trial_rate", "dismissal_rate"])
    assert at.selectbox(key="map-metric").value == "dismissal_rate"


@pytest.mark.skipif(shutil.which("chromium") is None, reason="server-side image export needs a Chromium")
def test_image_downloads_with_the_real_renderer(demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAD_WAREHOUSE", str(demo_warehouse))
    at = open_map(state="RI")
    assert not at.exception
    at.button(key="prepare-map-export").click().run()
    assert not at.exception
    buttons = {b.label: b for b in at.get("download_button")}
    assert "PNG with title and source" in buttons and "SVG with title and source" in buttons
    assert buttons["PNG with title and source"].proto.url  # the rendered image is served for download


def test_real_warehouse_map(real_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Built from ../shared/data: only the counties with public data are coloured, the rest say no data."""
    monkeypatch.setenv("PAD_WAREHOUSE", str(real_warehouse))
    at = open_map()
    assert not at.exception
    metric = at.query_params["metric"]
    year = int(at.query_params["year"])
    total, shown, _ = county_counts(real_warehouse, metric, year)
    assert shown > 0
    assert f"{shown:,} of {total:,} counties" in summary_line(at)
    with_rows = {r[0] for r in sql(real_warehouse, f"SELECT fips FROM {MAP_VALUES} v WHERE metric_id = ? AND year = ?",
                                   [metric, year])}
    spec = deck_spec(at)
    template = json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip)["html"]
    shapes = json.loads((Path(maps.__file__).resolve().parents[2] / "static" / maps.SHAPES_FILE).read_text())
    rows = {shapes["P"][row[0][1]][0]: row for row in map_spec.rows(map_spec.layers(spec)[maps.COUNTY_LAYER_ID])}
    with_page = {r[0] for r in sql(real_warehouse, "SELECT fips FROM office_county UNION SELECT fips FROM coverage")}
    for fips, row in rows.items():
        if fips not in with_rows and fips in with_page:  # no value, but a page with a prosecutor or elections
            assert map_spec.fill(row, shapes["C"]) == list(maps.PAGE_ONLY_RGBA[:3]), fips
            assert maps.PAGE_ONLY_WORDS in map_spec.tooltip(template, row)
        elif fips not in with_rows:  # no public data: grey, and the tooltip says so
            assert map_spec.fill(row, shapes["C"]) == list(maps.NO_DATA_RGBA[:3]), fips
            assert "no public data" in map_spec.tooltip(template, row)
    assert len(with_rows & set(rows)) >= 1500  # the contested-elections map opens with most of the country coloured
