"""dashboard/charts/maps/: the map specs, checked without Streamlit."""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard import i18n
from dashboard.charts import maps
from dashboard.charts.common import DEMO_TEXT, NO_DATA_COLOR
from tests.dashboard import map_spec

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


SHAPES = maps.shapes_document(GEOMETRY, GEOMETRY)
PARTS = maps.part_indices(SHAPES)
URL = "app/static/map-shapes.json?v=test"


def _deck(frame: pd.DataFrame = FRAME, **kwargs: object):
    options = {"label": "Dismissal rate", "unit": "share", "year": 2019} | kwargs
    return maps.county_deck(frame, shapes_url=URL, parts=PARTS, **options)


def _counties(deck) -> dict[str, list]:
    """fips -> the county's row in the pickable layer (each test county has one polygon)."""
    layer = map_spec.layers(json.loads(deck.to_json()))[maps.COUNTY_LAYER_ID]
    return {SHAPES["P"][row[0][1]][0]: row for row in map_spec.rows(layer)}


def _tooltips(deck) -> dict[str, str]:
    return {fips: map_spec.tooltip(deck._tooltip["html"], row) for fips, row in _counties(deck).items()}


def test_deck_loads_the_geometry_by_url_and_sends_only_values() -> None:
    deck = _deck(states=True)
    spec = json.loads(deck.to_json())
    layers = map_spec.layers(spec)
    assert list(layers) == ["counties", "states"]
    counties, states = layers["counties"], layers["states"]
    assert counties["@@type"] == "PolygonLayer" and counties["pickable"] is True
    assert counties["data"] == URL and counties["getPolygon"] == "@@=this[0][1]"
    assert counties["dataTransform"].startswith("@@=[[P[")
    assert states["data"] == URL and states["dataTransform"] == "@@=S" and states["pickable"] is False
    # no tile server: Streamlit drops the placeholder style and adds no CARTO / Mapbox map
    assert "mapProvider" not in spec
    assert spec["mapStyle"] == "__MAP_STYLE__"
    text = deck.to_json()
    assert "cartocdn" not in text and "mapbox" not in text.lower()
    assert "coordinates" not in text and "-88.0" not in text  # no polygon travels with the view
    assert "\n" not in text  # compact: the spec travels to the browser on every rerun


def test_a_changed_view_is_a_new_layer_and_the_same_view_the_same_layer() -> None:
    """deck.gl reruns a transform only for new data or a new layer: the id follows the rows (the words shared
    by all counties live in the tooltip template, which the browser takes afresh on every rerun)."""
    changed = FRAME.assign(value=[0.41, 0.20, None, None])
    ids = [json.loads(_deck(frame).to_json())["layers"][0]["id"] for frame in (FRAME, FRAME, changed)]
    assert ids[0] == ids[1] != ids[2] and all(maps.is_pickable_layer(i) for i in ids)
    assert json.loads(_deck(year=2020).to_json())["layers"][0]["id"] == ids[0]
    assert not maps.is_pickable_layer("states") and not maps.is_pickable_layer("context-0123456789ab")


def test_the_static_file_holds_every_polygon_and_the_palette() -> None:
    assert [part[0] for part in SHAPES["P"]] == ["17031", "17043", "06075", "02016", "99999"]
    assert SHAPES["P"][0][1] == GEOMETRY["features"][0]["geometry"]["coordinates"]
    assert len(SHAPES["C"]) == 256 and SHAPES["C"][0] == [68, 1, 84] and SHAPES["C"][-1] == [253, 231, 37]
    assert len(SHAPES["S"]["features"]) == len(GEOMETRY["features"])
    multi = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"fips": "15001"},
             "geometry": {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]],
                                                                  [[[5, 5], [6, 5], [6, 6], [5, 5]]]]}}]}
    assert maps.part_indices(maps.shapes_document(multi, multi)) == {"15001": [0, 1]}  # islands: one row each


def test_colours_for_values_no_data_and_suppressed() -> None:
    rows = _counties(_deck(domain=(0.2, 0.4)))
    fills = {fips: map_spec.fill(row, SHAPES["C"]) for fips, row in rows.items()}
    assert fills["17031"] == SHAPES["C"][-1] == [253, 231, 37]  # top of viridis
    assert fills["17043"] == [68, 1, 84]  # bottom of viridis
    assert fills["06075"] == list(maps.SUPPRESSED_RGBA[:3])
    assert fills["02016"] == list(maps.NO_DATA_RGBA[:3])  # a row without a value
    assert fills["99999"] == list(maps.NO_DATA_RGBA[:3])  # a county missing from the frame
    assert maps.NO_DATA_RGBA[:3] == tuple(int(NO_DATA_COLOR[i:i + 2], 16) for i in (1, 3, 5))
    counties = json.loads(_deck().to_json())["layers"][0]
    assert counties["getFillColor"] == "@@=this[4]||(this[1][0]=='n'?[217,217,217]:[140,140,140])"


def test_tooltip_template_holds_no_data_so_markup_in_data_stays_characters() -> None:
    hostile = FRAME.assign(source=["Cook <b>SA</b>", "A & B", None, None],
                           suppression_reason=[None, None, "<i>few</i> {2}", None])
    deck = _deck(hostile, label="Rate <script>x</script> {4}")
    template = deck._tooltip["html"]
    assert set(deck._tooltip) == {"html", "style"}
    for data in (HOSTILE, "Bob <b>Berlin</b>", "Kim Foxx"):
        assert data not in template and html.escape(data) not in template  # county texts are not in it
    assert "<script>" not in template and "<b>SA" not in template and "<i>few" not in template
    assert "Rate &lt;script&gt;x&lt;/script&gt; &#123;4&#125; in 2019" in template  # shared words, escaped
    assert re.findall(r"{(\d+)}", template) == ["1", "2", "3", "5", "6", "7", "8", "9", "5"]
    tips = _tooltips(deck)
    assert tips["17043"].startswith(HOSTILE + ", IL\n")  # filled in as escaped text, shown as typed
    assert "Prosecutor in office (2019): Bob <b>Berlin</b>" in tips["17043"]
    assert "Source: A & B" in tips["17043"] and "Source: Cook <b>SA</b>" in tips["17031"]
    assert "Rate <script>x</script> {4} in 2019: not shown (<i>few</i> {2})" in tips["06075"]


def test_placeholders_inside_data_stay_text() -> None:
    """The browser fills each {n} at its first occurrence, data included: a name holding "{5}" must not take
    the county's value (nor leave the value's placeholder unfilled)."""
    frame = FRAME.assign(county_name=["{5} {9}", "x", "y", "z"], prosecutor=["{3}", None, None, None])
    tip = _tooltips(_deck(frame))["17031"]
    lines = tip.split("\n")
    assert lines[0].replace("\u2060", "") == "{5} {9}, IL"
    assert lines[1].replace("\u2060", "") == "Prosecutor in office (2019): {3}"
    assert lines[2] == "Dismissal rate in 2019: 40.0% (95% range 38.0% to 42.0%)"
    assert lines[3] == "n = 400 of 1,000 cases"


def test_tooltip_says_value_interval_n_prosecutor_and_source() -> None:
    tips = _tooltips(_deck())
    cook = tips["17031"].split("\n")
    assert cook[0] == "Cook, IL"
    assert cook[1] == "Prosecutor in office (2019): Kim Foxx"
    assert cook[2] == "Dismissal rate in 2019: 40.0% (95% range 38.0% to 42.0%)"
    assert cook[3] == "n = 400 of 1,000 cases"
    assert cook[4] == "Source: Cook County State's Attorney"
    assert cook[5] == "Click to open the county's page"
    assert "not shown (fewer than 10 cases in all)" in tips["06075"]
    assert "no public data" in tips["02016"]
    assert "no public data" in tips["99999"]
    assert "Source" not in tips["99999"]


def test_the_browser_tooltip_reads_exactly_like_tooltip_text() -> None:
    """Every kind of county (full numbers, missing interval or counts, per 100,000, suppressed, no data, two
    sources, no prosecutor) reads the same in the map as tooltip_text words it for the export."""
    frame = _frame([
        {"fips": "17031", "county_name": "Cook", "value": 212.4, "ci_low": 200.0, "ci_high": 225.0,
         "numerator": 8123.4, "denominator": 3_800_000, "prosecutor": "Kim Foxx", "source": "Vera"},
        {"fips": "17043", "county_name": "DuPage", "value": 1234.5, "denominator": 90_000, "source": "Census"},
        {"fips": "06075", "county_name": "San Francisco", "state_abbr": "CA", "suppressed": True,
         "suppression_reason": "fewer than 10 people", "prosecutor": "Chesa Boudin", "source": "Vera"},
        {"fips": "02016", "county_name": "Aleutians West", "state_abbr": "AK", "value": 0.5},
    ])
    for unit in ("per_100k", "share", "ratio"):
        deck = _deck(frame, unit=unit, label="Jail population", year=2020)
        tips = _tooltips(deck)
        records = {r["fips"]: r for r in frame.to_dict("records")} | {"99999": {"fips": "99999"}}
        for fips, tip in tips.items():
            assert tip == maps.tooltip_text(records[fips], label="Jail population", unit=unit, year=2020), fips
    no_year = _deck(frame, year=None)
    assert _tooltips(no_year)["02016"] == maps.tooltip_text(frame.iloc[3].to_dict(), label="Dismissal rate",
                                                            unit="share", year=None)


def test_the_real_countrys_view_is_small() -> None:
    """A change of measure sends this spec (the polygons alone are 1.4 MB and never travel with it). The worst
    case: every county with a value, its interval, counts, a prosecutor and a source, about 330 KB. Real views
    are smaller (the demo's busiest measure, 2,800 values: about 270 KB; a sparse measure: about 190 KB); the
    300 KB goal itself is measured in the browser by bench/wire.py."""
    counties = maps.load_geometry(GEO / "counties.geojson")
    states = maps.load_geometry(GEO / "states.geojson")
    parts = maps.part_indices(maps.shapes_document(counties, states))
    names = pd.read_csv(GEO / "counties.csv", dtype=str).set_index("fips")
    frame = _frame([{"fips": f, "county_name": names.at[f, "county_name"], "state_abbr": names.at[f, "state_abbr"],
                     "value": (i % 1000) / 1000, "ci_low": (i % 1000) / 1100, "ci_high": min(1, (i % 1000) / 900),
                     "numerator": i % 5000, "denominator": 5000 + i, "prosecutor": f"Avery Whitfield {i % 10} (demo)",
                     "source": "Synthetic demo data (fictional prosecutors, generated counts: NOT REAL)"}
                    for i, f in enumerate(sorted(set(parts) & set(names.index)))])
    text = maps.county_deck(frame, shapes_url=URL, parts=parts, label="Dismissal rate", unit="share", year=2022,
                            markers=False).to_json()
    assert len(text.encode("utf-8")) < 340 * 1024, len(text)
    assert "coordinates" not in text


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
    assert i18n.format_value(0.1234, "share", **maps.MAP_STYLE) == "12.3%"
    assert i18n.format_value(1234.4, "per_100k", **maps.MAP_STYLE) == "1,234 per 100,000"
    assert i18n.format_value(None, "share", **maps.MAP_STYLE) == ""
    assert i18n.format_value(float("nan"), "share", **maps.MAP_STYLE) == ""


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


def test_printed_map_keeps_small_counties_and_its_whole_source_line() -> None:
    """San Francisco is a few pixels wide at print size: it gets a dot in its colour. A long source list
    wraps inside the image instead of running off its edge."""
    tiny = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"fips": "06075"},
         "geometry": {"type": "Polygon", "coordinates": [[[-122.51, 37.71], [-122.36, 37.71], [-122.36, 37.81],
                                                          [-122.51, 37.81], [-122.51, 37.71]]]}},
        _square("17031", -88.0, 41.6)]}
    sources = "; ".join(f"A long source title number {i} (county portal, 2011-2017)" for i in range(8))
    fig = maps.choropleth_figure(tiny, FRAME, label="Dismissal rate", unit="share", year=2019, state=None,
                                 state_name=None, source=sources, built="2026-01-01", demo=False)
    dots = next(trace for trace in fig.data if trace.name == "small counties")
    assert len(dots.x) == 1 and dots.x[0] == pytest.approx(maps.albers_usa(-122.435, 37.76, "06075")[0], abs=1e-3)
    footer = next(a.text for a in fig.layout.annotations if a.text.startswith("Source:"))
    lines = footer.split("<br>")
    assert len(lines) > 2 and all(len(line) <= 110 for line in lines)
    assert " ".join(lines) == f"Source: {sources} | Data built 2026-01-01"
    assert fig.layout.margin.b >= 150 + 14 * (len(lines) - 1)


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
    spec = json.loads(_deck(focus="17", domain=(0.2, 0.4)).to_json())
    by_id = map_spec.layers(spec)
    assert by_id["context"]["pickable"] is False
    assert by_id[maps.COUNTY_LAYER_ID]["pickable"] is True
    clickable = {SHAPES["P"][row[0][1]][0] for row in map_spec.rows(by_id[maps.COUNTY_LAYER_ID])}
    context = {SHAPES["P"][row[0][1]][0]: row[1] for row in map_spec.rows(by_id["context"])}
    assert clickable == {"17031", "17043"}
    assert context == {"06075": "s", "02016": "n", "99999": "n"}  # colours only, no tooltip texts
    assert by_id["context"]["getFillColor"] == "@@=this[1]=='n'?[217,217,217]:this[1]=='s'?[140,140,140]:this[1]"


def test_a_county_in_the_link_is_outlined() -> None:
    by_id = map_spec.layers(json.loads(_deck(highlight="17043").to_json()))
    assert list(by_id)[-1] == "highlight"
    assert map_spec.rows(by_id["highlight"]) == [("P", PARTS["17043"][0])]
    assert by_id["highlight"]["filled"] is False and by_id["highlight"]["pickable"] is False


def test_markers_keep_a_few_counties_visible() -> None:
    frame = FRAME.assign(lat=[41.8, 41.8, 37.7, 52.0], lon=[-87.7, -88.1, -122.4, 179.0])
    deck = _deck(frame)
    markers = map_spec.layers(json.loads(deck.to_json()))[maps.MARKER_LAYER_ID]
    assert markers["@@type"] == "ScatterplotLayer" and markers["pickable"] is True
    rows = map_spec.rows(markers)
    assert {row[0][0] for row in rows} == {"17031", "17043", "06075"}  # value or suppressed, not no data
    assert all(row[0][1][0] < 0 for row in rows)
    assert {maps.picked_fips(row) for row in rows} == {"17031", "17043", "06075"}
    assert map_spec.tooltip(deck._tooltip["html"], rows[0]).startswith("Cook, IL\n")  # same tooltip as the polygons
    many = _deck(frame, markers=False)
    assert maps.MARKER_LAYER_ID not in map_spec.layers(json.loads(many.to_json()))


def test_a_clicked_object_gives_its_county() -> None:
    row = next(iter(_counties(_deck()).values()))
    assert maps.picked_fips([["17031", [[[0, 0]]]], "f", "Cook, IL"]) == "17031"
    assert maps.picked_fips(row[:1] and [[SHAPES["P"][row[0][1]][0]]]) == "17031"
    assert maps.picked_fips({"properties": {"fips": "06075"}}) == "06075"
    assert maps.picked_fips("nonsense") == maps.picked_fips([]) == maps.picked_fips({}) == ""


def test_the_phone_view_fits_the_lower_48_into_a_narrow_screen() -> None:
    phone, desktop = maps.us_view(phone=True), maps.us_view()
    assert phone["zoom"] < desktop["zoom"] - 1
    west, south, east, north = maps.LOWER_48
    assert west < phone["longitude"] < east and south < phone["latitude"] < north


def test_static_geometry_is_a_copy_of_data_geo() -> None:
    """dashboard/static/ serves the geometry at /app/static/ (Streamlit serves no symlink leading outside that
    folder, so these are copies): they must stay byte-identical to data/geo/, and map-shapes.json must be
    exactly what data/geo gives (`python -m dashboard.charts.maps` rewrites it)."""
    static = Path(maps.__file__).resolve().parents[2] / "static"
    for name in ("counties.geojson", "states.geojson"):
        served = static / name
        assert not served.is_symlink()
        assert served.read_bytes() == (GEO / name).read_bytes(), f"copy data/geo/{name} to dashboard/static/"
    shapes = static / maps.SHAPES_FILE
    assert not shapes.is_symlink()
    counties, states = (maps.load_geometry(GEO / name) for name in ("counties.geojson", "states.geojson"))
    expected = maps.shapes_json(counties, states)
    assert shapes.read_text(encoding="utf-8") == expected, "run `python -m dashboard.charts.maps`"
