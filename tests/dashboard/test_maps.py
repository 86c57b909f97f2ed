"""dashboard/charts/maps.py: the map specs, checked without Streamlit."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from dashboard.charts import maps
from dashboard.charts.common import DEMO_TEXT, NO_DATA_COLOR

GEO = Path(__file__).resolve().parents[2] / "data" / "geo"
HOSTILE = "<img src=x onerror=alert(1)>"


def _square(fips: str, lon: float, lat: float, size: float = 1.0) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Feature", "properties": {"fips": fips}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


GEOMETRY = {"type": "FeatureCollection", "features": [
    _square("17031", -88.0, 41.6), _square("17043", -89.0, 41.6), _square("06075", -122.5, 37.7),
    _square("02016", -180.0, 52.0), _square("99999", -100.0, 40.0),
]}


def _frame(rows: list[dict]) -> pd.DataFrame:
    base = {"county_name": "", "state_abbr": "IL", "state_name": "Illinois", "value": None, "ci_low": None,
            "ci_high": None, "numerator": None, "denominator": None, "suppressed": False,
            "suppression_reason": None, "prosecutor": None, "source": None}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    for column in ("value", "ci_low", "ci_high", "numerator", "denominator"):
        frame[column] = frame[column].astype(float)
    return frame


FRAME = _frame([
    {"fips": "17031", "county_name": "Cook", "value": 0.40, "ci_low": 0.38, "ci_high": 0.42, "numerator": 400,
     "denominator": 1000, "prosecutor": "Kim Foxx", "source": "Cook County State's Attorney"},
    {"fips": "17043", "county_name": HOSTILE, "value": 0.20, "ci_low": 0.15, "ci_high": 0.26, "numerator": 40,
     "denominator": 200, "prosecutor": "Bob <b>Berlin</b>", "source": "A & B"},
    {"fips": "06075", "county_name": "San Francisco", "state_abbr": "CA", "state_name": "California",
     "suppressed": True, "suppression_reason": "fewer than 10 cases in all"},
    {"fips": "02016", "county_name": "Aleutians West", "state_abbr": "AK", "state_name": "Alaska"},
])


def _props(deck) -> dict[str, dict]:
    spec = json.loads(deck.to_json())
    layer = next(layer for layer in spec["layers"] if layer["id"] == maps.COUNTY_LAYER_ID)
    return {f["properties"]["fips"]: f["properties"] for f in layer["data"]["features"]}


def test_deck_is_a_pickable_geojson_layer_without_a_basemap() -> None:
    deck = maps.county_deck(GEOMETRY, FRAME, label="Dismissal rate", unit="share", year=2019, states=GEOMETRY)
    spec = json.loads(deck.to_json())
    counties = spec["layers"][0]
    assert counties["@@type"] == "GeoJsonLayer"
    assert counties["id"] == maps.COUNTY_LAYER_ID
    assert counties["pickable"] is True
    assert counties["getFillColor"] == "@@=properties.fill"
    assert [layer["id"] for layer in spec["layers"]] == ["counties", "states"]
    assert spec["layers"][1]["filled"] is False and spec["layers"][1]["pickable"] is False
    # no tile server: Streamlit drops the placeholder style and adds no CARTO / Mapbox map
    assert "mapProvider" not in spec
    assert spec["mapStyle"] == "__MAP_STYLE__"
    text = deck.to_json()
    assert "cartocdn" not in text and "mapbox" not in text.lower()
    assert "\n" not in text  # compact: the spec travels to the browser on every rerun


def test_colours_for_values_no_data_and_suppressed() -> None:
    deck = maps.county_deck(GEOMETRY, FRAME, label="Dismissal rate", unit="share", year=2019, domain=(0.2, 0.4))
    props = _props(deck)
    assert props["17031"]["fill"] == list(maps.color_for(0.4, (0.2, 0.4)))
    assert props["17031"]["fill"][:3] == [253, 231, 37]  # top of viridis
    assert props["17043"]["fill"][:3] == [68, 1, 84]  # bottom of viridis
    assert props["06075"]["fill"] == list(maps.SUPPRESSED_RGBA)
    assert props["02016"]["fill"] == list(maps.NO_DATA_RGBA)  # a row without a value
    assert props["99999"]["fill"] == list(maps.NO_DATA_RGBA)  # a county missing from the frame
    assert maps.NO_DATA_RGBA[:3] == tuple(int(NO_DATA_COLOR[i:i + 2], 16) for i in (1, 3, 5))
    assert len({tuple(p["fill"]) for p in props.values()}) == 4


def test_tooltip_is_text_so_markup_in_data_stays_characters() -> None:
    deck = maps.county_deck(GEOMETRY, FRAME, label="Dismissal rate", unit="share", year=2019)
    spec_tooltip = deck._tooltip  # what st.pydeck_chart sends to the browser
    assert set(spec_tooltip) == {"text", "style"}, "an html tooltip would put data into the page as HTML"
    assert spec_tooltip["text"] == "{tooltip}"
    text = _props(deck)["17043"]["tooltip"]
    assert text.startswith(HOSTILE + ", IL")  # shown literally by innerText, never parsed
    assert "Bob <b>Berlin</b>" in text


def test_tooltip_says_value_interval_n_prosecutor_and_source() -> None:
    props = _props(maps.county_deck(GEOMETRY, FRAME, label="Dismissal rate", unit="share", year=2019))
    cook = props["17031"]["tooltip"].split("\n")
    assert cook[0] == "Cook, IL"
    assert cook[1] == "Prosecutor in office (2019): Kim Foxx"
    assert cook[2] == "Dismissal rate in 2019: 40.0% (95% range 38.0% to 42.0%)"
    assert cook[3] == "n = 400 of 1,000 cases"
    assert cook[4] == "Source: Cook County State's Attorney"
    assert "not shown (fewer than 10 cases in all)" in props["06075"]["tooltip"]
    assert "no public data" in props["02016"]["tooltip"]
    assert "no public data" in props["99999"]["tooltip"]


def test_tooltip_for_rates_per_100k() -> None:
    row = {"county_name": "Cook", "state_abbr": "IL", "value": 212.4, "ci_low": 200.0, "ci_high": 225.0,
           "numerator": 8123.4, "denominator": 3_800_000, "suppressed": False}
    text = maps.tooltip_text(row, label="Jail population", unit="per_100k", year=2020)
    assert "Jail population in 2020: 212 per 100,000 (95% range 200 per 100,000 to 225 per 100,000)" in text
    assert "n = 8,123 people in jail, of 3,800,000 adults" in text


def test_tooltip_text_has_no_control_characters_and_bounded_length() -> None:
    row = {"county_name": "A\x00B\u202eC" + "x" * 500, "state_abbr": "IL", "suppressed": False}
    first = maps.tooltip_text(row, label="L", unit="share", year=None).split("\n")[0]
    assert "\x00" not in first and "\u202e" not in first
    assert len(first) < 140


def test_legend_escapes_its_label_and_shows_the_greys() -> None:
    html = maps.legend_html((0.1, 0.5), label=HOSTILE, unit="share", year=2019, values=[0.05, 0.3, 0.6])
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "10.0% or less" in html and "50.0% or more" in html
    assert "no public data" in html and "too few cases to show" in html
    assert "linear-gradient" in html
    assert "too few cases" not in maps.legend_html(None, label="x", unit="share", year=None, show_suppressed=False)


@pytest.mark.parametrize(("values", "unit", "expected"), [
    ([0.12, 0.31, 0.48], "share", (0.1, 0.5)),
    ([0.301, 0.305], "share", (0.3, 0.31)),
    ([0.3], "share", (0.29, 0.31)),
    ([0.0, 1.0], "share", (0.0, 1.0)),
    ([123.0, 456.0], "per_100k", (100.0, 500.0)),
    ([], "share", None),
    ([float("nan"), None], "share", None),
])
def test_scale_domain(values: list, unit: str, expected: tuple | None) -> None:
    assert maps.scale_domain(values, unit) == expected


def test_scale_domain_ignores_a_few_outliers() -> None:
    values = [0.30 + i / 1000 for i in range(100)] + [0.99]
    low, high = maps.scale_domain(values, "share")
    assert low >= 0.25 and high <= 0.45
    assert maps.domain_labels((low, high), values, "share")[1].endswith("or more")


def test_format_value() -> None:
    assert maps.format_value(0.1234, "share") == "12.3%"
    assert maps.format_value(1234.4, "per_100k") == "1,234 per 100,000"
    assert maps.format_value(None, "share") == ""
    assert maps.format_value(float("nan"), "share") == ""


def test_view_for_bounds_centres_and_zooms() -> None:
    illinois = (-91.5, 36.97, -87.0, 42.5)
    rhode_island = (-71.9, 41.1, -71.1, 42.0)
    il, ri = maps.view_for_bounds(illinois), maps.view_for_bounds(rhode_island)
    assert illinois[0] < il["longitude"] < illinois[2] and illinois[1] < il["latitude"] < illinois[3]
    assert ri["zoom"] > il["zoom"] > maps.US_VIEW["zoom"]
    assert maps.view_for_bounds(None) == maps.US_VIEW


def test_real_geometry_loads_once_and_alaska_is_in_one_piece() -> None:
    geometry = maps.load_geometry(GEO / "counties.geojson")
    assert maps.load_geometry(GEO / "counties.geojson") is geometry  # cached
    assert len(geometry["features"]) > 3000
    bounds = maps.bounds_by_prefix(geometry, 2)
    west, _, east, _ = bounds["02"]
    assert east < 0 and west < -180  # the western Aleutians moved west of -180, not wrapped to +179
    assert all(b[2] <= 0 for b in bounds.values())
    assert set(maps.bounds_by_prefix(geometry, 5)) >= {"17031", "06075"}


def test_export_table_applies_suppression_and_state() -> None:
    leaky = FRAME.copy()
    leaky.loc[leaky["fips"] == "06075", ["numerator", "denominator", "value"]] = [3.0, 7.0, 0.43]
    table = maps.export_table(leaky, metric_label="Dismissal rate", year=2019)
    assert list(table.columns) == maps.EXPORT_COLUMNS
    sf = table[table["fips"] == "06075"].iloc[0]
    assert sf["suppressed"] and pd.isna(sf["numerator"]) and pd.isna(sf["denominator"]) and pd.isna(sf["value"])
    assert "02016" not in set(table["fips"])  # no data: not a row of numbers
    assert set(maps.export_table(FRAME, metric_label="x", year=2019, state="IL")["fips"]) == {"17031", "17043"}
    csv = table.to_csv(index=False)
    assert csv.splitlines()[0] == ",".join(maps.EXPORT_COLUMNS)


def test_choropleth_figure_carries_title_source_demo_and_escaped_hover() -> None:
    fig = maps.choropleth_figure(GEOMETRY, FRAME, label="Dismissal rate", unit="share", year=2019, state=None,
                                 state_name=None, source="Cook <County>", built="2026-01-01", demo=True,
                                 states=GEOMETRY)
    layout = fig.layout
    assert "Dismissal rate by county" in layout.title.text
    notes = [a.text for a in layout.annotations]
    assert any("Source: Cook &lt;County&gt;" in t and "2026-01-01" in t for t in notes)
    assert DEMO_TEXT in notes
    assert {trace.type for trace in fig.data} == {"scatter"}, "no geo subplot: plotly would fetch a base map"
    hover = next(trace for trace in fig.data if trace.name == "counties").hovertext
    joined = " ".join(hover)
    assert HOSTILE not in joined and "&lt;img src=x onerror=alert(1)&gt;" in joined
    assert "Bob &lt;b&gt;Berlin&lt;/b&gt;" in joined
    names = {trace.name for trace in fig.data}
    assert {"No public data", "Too few cases to show", "state lines", "colour scale"} <= names
    suppressed = next(trace for trace in fig.data if trace.name == "Too few cases to show")
    assert suppressed.fillcolor == maps.SUPPRESSED_COLOR


def test_choropleth_figure_of_one_state_has_only_its_counties() -> None:
    fig = maps.choropleth_figure(GEOMETRY, FRAME, label="Dismissal rate", unit="share", year=2019, state="IL",
                                 state_name="Illinois", source="s", built="b", demo=False)
    hover = next(trace for trace in fig.data if trace.name == "counties")
    assert len(hover.hovertext) == 2
    assert all("IL" in t for t in hover.hovertext)
    assert "Illinois, 2019" in fig.layout.title.text
    assert not any(a.text == DEMO_TEXT for a in fig.layout.annotations)


def test_albers_usa_insets() -> None:
    cook = maps.albers_usa(-87.7, 41.8)
    sf = maps.albers_usa(-122.4, 37.8)
    miami = maps.albers_usa(-80.2, 25.8)
    anchorage = maps.albers_usa(-149.9, 61.2, "02")
    honolulu = maps.albers_usa(-157.9, 21.3, "15")
    assert sf[0] < cook[0] < miami[0]
    assert miami[1] < cook[1]
    for inset in (anchorage, honolulu):  # drawn below the lower 48's south-west, as printed maps do
        assert inset[0] < cook[0] and inset[1] < sf[1]
    assert all(math.isfinite(v) for v in anchorage + honolulu)


def test_a_state_view_makes_only_its_counties_clickable() -> None:
    deck = maps.county_deck(GEOMETRY, FRAME, label="Dismissal rate", unit="share", year=2019, focus="17")
    spec = json.loads(deck.to_json())
    by_id = {layer["id"]: layer for layer in spec["layers"]}
    assert by_id["context"]["pickable"] is False
    assert by_id[maps.COUNTY_LAYER_ID]["pickable"] is True
    clickable = {f["properties"]["fips"] for f in by_id[maps.COUNTY_LAYER_ID]["data"]["features"]}
    context = {f["properties"]["fips"] for f in by_id["context"]["data"]["features"]}
    assert clickable == {"17031", "17043"}
    assert context == {"06075", "02016", "99999"}
    assert all("tooltip" not in f["properties"] for f in by_id["context"]["data"]["features"])


def test_markers_keep_a_few_counties_visible() -> None:
    frame = FRAME.assign(lat=[41.8, 41.8, 37.7, 52.0], lon=[-87.7, -88.1, -122.4, 179.0])
    spec = json.loads(maps.county_deck(GEOMETRY, frame, label="Dismissal rate", unit="share", year=2019).to_json())
    markers = next(layer for layer in spec["layers"] if layer["id"] == maps.MARKER_LAYER_ID)
    assert markers["@@type"] == "ScatterplotLayer" and markers["pickable"] is True
    assert {d["fips"] for d in markers["data"]} == {"17031", "17043", "06075"}  # value or suppressed, not no data
    assert all(d["lon"] < 0 for d in markers["data"])
    many = maps.county_deck(GEOMETRY, frame, label="x", unit="share", year=2019, markers=False)
    assert maps.MARKER_LAYER_ID not in [layer["id"] for layer in json.loads(many.to_json())["layers"]]


def test_the_phone_view_fits_the_lower_48_into_a_narrow_screen() -> None:
    phone, desktop = maps.us_view(phone=True), maps.us_view()
    assert phone["zoom"] < desktop["zoom"] - 1
    west, south, east, north = maps.LOWER_48
    assert west < phone["longitude"] < east and south < phone["latitude"] < north


def test_static_geometry_is_a_copy_of_data_geo() -> None:
    """dashboard/static/ serves the geometry at /app/static/ (Streamlit serves no symlink leading outside that
    folder, so these are copies): they must stay byte-identical to data/geo/."""
    static = Path(maps.__file__).resolve().parents[1] / "static"
    for name in ("counties.geojson", "states.geojson"):
        served = static / name
        assert not served.is_symlink()
        assert served.read_bytes() == (GEO / name).read_bytes(), f"copy data/geo/{name} to dashboard/static/"
