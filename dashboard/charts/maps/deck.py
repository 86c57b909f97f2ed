"""The interactive county map as a pydeck Deck: its layers, the rows each one draws, and which click opens which
county. The geometry comes from the static shapes file (shapes.py); only this view's values travel per rerun."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import pandas as pd
import pydeck as pdk

from dashboard.charts.common import FONT
from dashboard.charts.maps.cells import _flag, _is_missing
from dashboard.charts.maps.scale import _NO_DATA_RGB, _SUPPRESSED_RGB, _lut_index, scale_domain, shown_values
from dashboard.charts.maps.shapes import SHAPES_FILE, static_part_indices
from dashboard.charts.maps.tooltips import _js, _Tooltips
from dashboard.charts.maps.viewport import US_VIEW
from dashboard.internals.pydeck import CompactDeck, expression, set_data_transform

# Geometry by URL, values by rerun.
#
# The county polygons are 1.4 MB of JSON. They travel once, as dashboard/static/map-shapes.json (served by
# Streamlit at app/static/, gzipped, fetched by deck.gl and kept in its resource cache across reruns); each
# rerun sends only the values. deck.gl's JSON converter (used by st.pydeck_chart) turns any "@@=" string into
# a function evaluated by a small expression language (no function calls, no object literals, but array
# literals, string literals and computed member access). A layer's `dataTransform` is such a function of the
# loaded file, so "@@=[[P[17],'f','Cook, IL','Kim Foxx',C[173],'40.0',...],...]" builds one row per polygon
# that joins the cached geometry (`P[17]`) with this view's tooltip texts and colour. deck.gl applies the
# transform when the data load resolves, not when only the transform changes: the layer id carries a digest of
# the rows, so a new view is a new layer (the geometry comes from the resource cache, not the network). The
# converter keeps every expression it parsed for the life of the page, so each view a reader visits stays in
# that tab's memory (a few hundred KB each).

LINE_RGBA = (255, 255, 255, 140)
STATE_LINE_RGBA = (40, 40, 40, 200)
HIGHLIGHT_RGBA = (213, 94, 0, 255)  # Okabe-Ito vermillion
COUNTY_LAYER_ID = "counties"
MARKER_LAYER_ID = "markers"
MARKERS_UP_TO = 300  # counties with data; beyond that the polygons speak for themselves
_FILL = expression(f"this[4]||(this[1][0]=='n'?{_NO_DATA_RGB}:{_SUPPRESSED_RGB})".replace(" ", ""))
_CONTEXT_FILL = expression(f"this[1]=='n'?{_NO_DATA_RGB}:this[1]=='s'?{_SUPPRESSED_RGB}:this[1]".replace(" ", ""))


def static_county_deck(frame: pd.DataFrame, *, shapes_path: str, digest: str, **options: object) -> pdk.Deck:
    """county_deck over the static shapes file, named by its digest: a cache of decks then hashes a short
    string per rerun instead of 3,142 counties' parts, and the URL's digest makes browsers fetch a changed
    file anew rather than keep the old one."""
    return county_deck(frame, shapes_url=f"app/static/{SHAPES_FILE}?v={digest}",
                       parts=static_part_indices(shapes_path, digest), **options)  # type: ignore[arg-type]


def _context_row(ref: str, row: Mapping, *, domain: tuple[float, float] | None) -> str:
    """A county outside the state in view: its colour only ('s' suppressed, 'n' no data, else C[i])."""
    if _flag(row.get("suppressed")):
        return f"[{ref},'s']"
    if _is_missing(row.get("value")) or domain is None:
        return f"[{ref},'n']"
    return f"[{ref},C[{_lut_index(float(row['value']), domain)}]]"


def _transformed_layer(kind: str, layer_id: str, url: str, rows: list[str], **props: object) -> pdk.Layer:
    """A layer whose data is the static file and whose rows this view's expression builds; the id carries a
    digest of the rows, so a changed view is a new layer and deck.gl runs the new transform."""
    data = "[" + ",".join(rows) + "]"
    digest = hashlib.sha1(data.encode("utf-8")).hexdigest()[:12]
    return set_data_transform(pdk.Layer(kind, id=f"{layer_id}-{digest}", data=url, **props), data)


def is_pickable_layer(layer_id: str) -> bool:
    """The layers whose click opens a county: the counties (id with its view digest) and the dots."""
    return layer_id.startswith((COUNTY_LAYER_ID + "-", MARKER_LAYER_ID + "-"))


def picked_fips(picked: object) -> str:
    """The FIPS code of a clicked map object (a row: its first element is [fips, ...])."""
    if isinstance(picked, list) and picked and isinstance(picked[0], list) and picked[0]:
        return str(picked[0][0])
    if isinstance(picked, dict):
        return str((picked.get("properties") or picked).get("fips", ""))
    return ""


def county_deck(frame: pd.DataFrame, *, shapes_url: str, parts: Mapping[str, list[int]], label: str, unit: str,
                year: int | None, view: Mapping[str, float] | None = None, states: bool = True,
                highlight: str | None = None, domain: tuple[float, float] | None = None,
                markers: bool | None = None, focus: str | None = None) -> pdk.Deck:
    """A basemap-free county map: counties coloured by value, state outlines on top, a tooltip per county.

    `shapes_url` is where the browser fetches dashboard/static/map-shapes.json (relative to the page) and
    `parts` maps each FIPS to its polygons in that file (part_indices). `highlight` outlines one county,
    `focus` (a state FIPS) makes only that state's counties hoverable and clickable (the rest are drawn as
    context), `domain` is the colour scale's range (by default: from the frame's shown values).
    """
    if domain is None:
        domain = scale_domain(shown_values(frame), unit)
    records = {str(r["fips"]): r for r in frame.to_dict("records")} if not frame.empty else {}
    tooltips = _Tooltips(frame, label=label, unit=unit, year=year)
    rows, context = [], []
    for fips, indices in parts.items():
        row = records.get(fips, {"fips": fips})
        for j in indices:
            if focus and not fips.startswith(focus):
                context.append(_context_row(f"P[{j}]", row, domain=domain))
            else:
                rows.append(tooltips.row(f"P[{j}]", row, domain=domain))
    outline = {"stroked": True, "get_line_color": list(LINE_RGBA), "line_width_min_pixels": 0.3}
    layers = []
    if context:
        layer = _transformed_layer("PolygonLayer", "context", shapes_url, context, filled=True, pickable=False,
                                   **outline)
        layer.get_polygon, layer.get_fill_color = expression("this[0][1]"), _CONTEXT_FILL
        layers.append(layer)
    layer = _transformed_layer("PolygonLayer", COUNTY_LAYER_ID, shapes_url, rows, filled=True, pickable=True,
                               auto_highlight=True, highlight_color=[213, 94, 0, 160], **outline)
    layer.get_polygon, layer.get_fill_color = expression("this[0][1]"), _FILL
    layers.append(layer)
    with_data = _marker_rows(frame, tooltips, domain=domain)
    if markers is None:
        markers = 0 < len(with_data) <= MARKERS_UP_TO
    if states:
        layer = pdk.Layer("GeoJsonLayer", id="states", data=shapes_url, stroked=True, filled=False,
                          get_line_color=list(STATE_LINE_RGBA), line_width_min_pixels=1, pickable=False)
        set_data_transform(layer, "S")
        layers.append(layer)
    if highlight and parts.get(highlight):
        layer = _transformed_layer("PolygonLayer", "highlight", shapes_url, [f"P[{j}]" for j in parts[highlight]],
                                   stroked=True, filled=False, get_line_color=list(HIGHLIGHT_RGBA),
                                   line_width_min_pixels=3, pickable=False)
        layer.get_polygon = expression("this[1]")
        layers.append(layer)
    if markers and with_data:
        layer = _transformed_layer("ScatterplotLayer", MARKER_LAYER_ID, shapes_url, with_data,
                                   get_line_color=[30, 30, 30, 230], stroked=True, filled=True, get_radius=1,
                                   radius_units="pixels", radius_min_pixels=6, radius_max_pixels=6,
                                   line_width_min_pixels=1.5, pickable=True, auto_highlight=True,
                                   highlight_color=[213, 94, 0, 200])
        layer.get_position, layer.get_fill_color = expression("this[0][1]"), _FILL
        layers.append(layer)
    state = dict(view or US_VIEW)
    return CompactDeck(
        layers=layers,
        views=[pdk.View("MapView", controller=True)],
        initial_view_state=pdk.ViewState(min_zoom=1, max_zoom=12, **state),
        map_provider=None,  # with the default map_style: no basemap, nothing fetched from a tile server
        tooltip={"html": tooltips.template(),
                 "style": {"backgroundColor": "#ffffff", "color": "#1a1a1a", "fontFamily": FONT, "fontSize": "13px",
                           "whiteSpace": "pre-line", "border": "1px solid #999", "maxWidth": "320px"}},
    )


def _marker_rows(frame: pd.DataFrame, tooltips: _Tooltips, *, domain: tuple[float, float] | None) -> list[str]:
    """One dot per county with data (a value or a suppressed cell) that has a centre point, as rows shaped
    like the counties' (the tooltip template is shared): [[fips, [lon, lat]], token, place, ...]."""
    if frame.empty or not {"lat", "lon"} <= set(frame.columns):
        return []
    rows = []
    for row in frame.to_dict("records"):
        if (_is_missing(row.get("value")) and not _flag(row.get("suppressed"))) or _is_missing(row.get("lat")) \
                or _is_missing(row.get("lon")):
            continue
        lon = float(row["lon"])
        where = json.dumps([lon - 360.0 if lon > 0 else lon, float(row["lat"])], separators=(",", ":"))
        rows.append(tooltips.row(f"[{_js(str(row['fips']))},{where}]", row, domain=domain))
    return rows
