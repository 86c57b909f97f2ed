"""The county map: pure functions from a data frame of county values to a pydeck Deck, its legend, and a
plotly choropleth of the same view for export. No Streamlit here, so every output is unit-tested. Reading the
geometry and the printed map's projection are in dashboard/charts/geography.py.

One module per part: the colour scale (scale), the hover texts (tooltips), the static shapes file (shapes),
the deck and its layers (deck), the key and caption (legend), the download table and figure (export), the
view's centre and zoom (viewport). This package names what the pages and tests use.
"""

from dashboard.charts.geography import albers_usa, bounds_by_prefix, load_geometry
from dashboard.charts.maps.deck import (
    COUNTY_LAYER_ID,
    MARKER_LAYER_ID,
    MARKERS_UP_TO,
    county_deck,
    is_pickable_layer,
    picked_fips,
    static_county_deck,
)
from dashboard.charts.maps.export import EXPORT_COLUMNS, choropleth_figure, export_table
from dashboard.charts.maps.legend import legend_html, period_caption
from dashboard.charts.maps.scale import (
    MAP_STYLE,
    NO_DATA_RGBA,
    PAGE_ONLY_COLOR,
    PAGE_ONLY_RGBA,
    SUPPRESSED_COLOR,
    SUPPRESSED_RGBA,
    domain_labels,
    scale_domain,
    shown_values,
    suppressed_mask,
)
from dashboard.charts.maps.shapes import SHAPES_FILE, part_indices, shapes_document, shapes_json
from dashboard.charts.maps.tooltips import PAGE_ONLY_WORDS, tooltip_text
from dashboard.charts.maps.viewport import (
    DESKTOP_WIDTH,
    LOWER_48,
    MAP_HEIGHT,
    MAP_HEIGHT_PHONE,
    PHONE_WIDTH,
    US_VIEW,
    us_view,
    view_for_bounds,
)

__all__ = [
    "COUNTY_LAYER_ID", "DESKTOP_WIDTH", "EXPORT_COLUMNS", "LOWER_48", "MAP_HEIGHT", "MAP_HEIGHT_PHONE", "MAP_STYLE",
    "MARKERS_UP_TO", "MARKER_LAYER_ID", "NO_DATA_RGBA", "PAGE_ONLY_COLOR", "PAGE_ONLY_RGBA", "PAGE_ONLY_WORDS",
    "PHONE_WIDTH", "SHAPES_FILE", "SUPPRESSED_COLOR", "SUPPRESSED_RGBA", "US_VIEW", "albers_usa", "bounds_by_prefix",
    "choropleth_figure", "county_deck", "domain_labels", "export_table", "is_pickable_layer", "legend_html",
    "load_geometry", "part_indices", "period_caption", "picked_fips", "scale_domain", "shapes_document",
    "shapes_json", "shown_values", "static_county_deck", "suppressed_mask", "tooltip_text", "us_view",
    "view_for_bounds",
]
