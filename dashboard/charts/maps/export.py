"""The map's view for download: the table of its data (suppression kept) and a plotly choropleth of the same
view that prints and exports without network access."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import NO_DATA_COLOR, escape, finish
from dashboard.charts.geography import albers_usa, bounds_by_prefix, projected_path
from dashboard.charts.maps.cells import _clean, _flag, _is_missing
from dashboard.charts.maps.scale import _LUT, MAP_SCALE, SUPPRESSED_COLOR, scale_domain, shown_values, suppressed_mask
from dashboard.charts.maps.tooltips import tooltip_text
from dashboard.i18n import N_, _, ngettext
from dashboard.warehouse_words import words as warehouse_words

EXPORT_COLUMNS = ["fips", "county", "state", "year", "measure", "value", "ci_low", "ci_high", "numerator",
                  "denominator", "suppressed", "suppression_reason", "prosecutor_in_office", "covered", "source"]
# The export's column headers as a reader of each language reads them (the CSV of a Spanish page is in Spanish)
EXPORT_HEADERS = {"fips": N_("fips"), "county": N_("county"), "state": N_("state"), "year": N_("year"),
                  "measure": N_("measure"), "value": N_("value"), "ci_low": N_("ci_low"), "ci_high": N_("ci_high"),
                  "numerator": N_("numerator"), "denominator": N_("denominator"), "suppressed": N_("suppressed"),
                  "suppression_reason": N_("suppression_reason"), "prosecutor_in_office": N_("prosecutor_in_office"),
                  "covered": N_("covered"), "source": N_("source")}


def export_table(frame: pd.DataFrame, *, metric_label: str, year: int | None, state: str | None = None,
                 only_with_data: bool = True) -> pd.DataFrame:
    """The data behind the map as a journalist downloads it: one row per county, suppression applied
    (the warehouse already removed suppressed counts; this never brings them back)."""
    data = frame.copy()
    if state:
        data = data[data["state_abbr"] == state]
    if only_with_data:
        data = data[data["value"].notna() | suppressed_mask(data)]
    out = pd.DataFrame({
        "fips": data["fips"].astype(str),
        "county": data["county_name"],
        "state": data["state_abbr"],
        "year": year,
        "measure": metric_label,
        "value": data["value"],
        "ci_low": data["ci_low"],
        "ci_high": data["ci_high"],
        "numerator": data["numerator"],
        "denominator": data["denominator"],
        "suppressed": suppressed_mask(data),
        "suppression_reason": data["suppression_reason"],
        "prosecutor_in_office": data["prosecutor"],
        "covered": [(warehouse_words(_clean(c)) or _("part of the year")) if _flag(p) else _("whole year")
                    for c, p in zip(data.get("covered_label", pd.Series([None] * len(data), index=data.index)),
                                    data.get("partial", pd.Series([False] * len(data), index=data.index)),
                                    strict=True)],
        "source": data["source"],
    }, columns=EXPORT_COLUMNS)
    for column in ("value", "ci_low", "ci_high", "numerator", "denominator"):
        out.loc[out["suppressed"], column] = None
    return out.reset_index(drop=True).rename(columns={c: _(EXPORT_HEADERS[c]) for c in EXPORT_COLUMNS})


SMALL_COUNTY_DEGREES = 0.25  # narrower than this (longitude and latitude), a county gets a dot on the printed map


def choropleth_figure(geometry: Mapping, frame: pd.DataFrame, *, label: str, unit: str, year: int | None,
                      state: str | None, state_name: str | None, source: str, built: str, demo: bool,
                      states: Mapping | None = None, classes: int = 16,
                      domain: tuple[float, float] | None = None) -> go.Figure:
    """A plotly map of the same view for print and download, title, source and date inside the image.

    Drawn as filled shapes on an Albers USA projection rather than with plotly's geo choropleth: plotly's geo
    maps download a base map (topojson) from a CDN, even for GeoJSON traces, and the app must work offline
    and export images through kaleido without network access. Colours come from `classes` equal steps of
    the same viridis scale as the interactive map, with a continuous colour bar; grey means no public data,
    dark grey too few cases to show. Hovering a county's centre shows the same text as the map's tooltip.
    """
    data = frame if not state else frame[frame["state_abbr"] == state]
    rows = {str(r["fips"]): r for r in data.to_dict("records")}
    features = [f for f in geometry.get("features", []) if str(f.get("properties", {}).get("fips")) in rows]
    if domain is None:
        domain = scale_domain(shown_values(data), unit)
    scale = 100.0 if unit == "share" else 1.0
    groups: dict[str, list[Mapping]] = {}
    key_of: dict[str, str] = {}
    colours: dict[str, str] = {"none": NO_DATA_COLOR, "suppressed": SUPPRESSED_COLOR}
    for feature in features:
        row = rows[str(feature["properties"]["fips"])]
        if _flag(row.get("suppressed")):
            key = "suppressed"
        elif _is_missing(row.get("value")) or domain is None:
            key = "none"
        else:
            low, high = domain
            t = 0.0 if high <= low else min(1.0, max(0.0, (float(row["value"]) - low) / (high - low)))
            step = min(classes - 1, int(t * classes))
            key = f"class-{step:02d}"
            colours[key] = "rgb({},{},{})".format(*_LUT[int(round((step + 0.5) / classes * 255))])
        groups.setdefault(key, []).append(feature)
        key_of[str(feature["properties"]["fips"])] = key
    fig = go.Figure()
    names = {"none": _("No public data"), "suppressed": _("Too few cases to show")}
    for key in sorted(groups, key=lambda k: (not k.startswith("class"), k)):
        xs, ys = projected_path(groups[key])
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=colours[key],
                                 line={"color": "white", "width": 0.3}, hoverinfo="skip",
                                 name=names.get(key, key), showlegend=key in names))
    if states:
        prefixes = {fips[:2] for fips in rows}
        wanted = [f for f in states.get("features", [])
                  if not state or str(f.get("properties", {}).get("fips")) in prefixes]
        xs, ys = projected_path(wanted)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#333333", "width": 0.7},
                                 hoverinfo="skip", showlegend=False, name="state lines"))
    centres = bounds_by_prefix({"features": features}, 5)
    hover_rows = [rows[f] for f in rows if f in centres]
    points: list[tuple[float, float]] = []
    if hover_rows:
        points = [albers_usa((centres[str(r["fips"])][0] + centres[str(r["fips"])][2]) / 2,
                             (centres[str(r["fips"])][1] + centres[str(r["fips"])][3]) / 2, str(r["fips"]))
                  for r in hover_rows]
        fig.add_trace(go.Scatter(
            x=[p[0] for p in points], y=[p[1] for p in points], mode="markers",
            marker={"size": 7, "opacity": 0}, showlegend=False, name="counties", hoverinfo="text",
            hovertext=[escape(tooltip_text(r, label=label, unit=unit, year=year, for_export=True)).replace("\n", "<br>")
                       for r in hover_rows]))
    # a county a few pixels wide at print size (San Francisco, Virginia's cities) vanishes under its outline:
    # a dot in its colour keeps it on the printed map
    small = [(r, p) for r, p in zip(hover_rows, points, strict=True)
             if max(centres[str(r["fips"])][2] - centres[str(r["fips"])][0],
                    centres[str(r["fips"])][3] - centres[str(r["fips"])][1]) < SMALL_COUNTY_DEGREES]
    if small:
        fig.add_trace(go.Scatter(
            x=[p[0] for _i, p in small], y=[p[1] for _i, p in small], mode="markers", hoverinfo="skip",
            showlegend=False, name="small counties",
            marker={"size": 6, "color": [colours[key_of[str(r["fips"])]] for r, _ in small],
                    "line": {"color": "#333333", "width": 0.5}}))
    if domain is not None and points:
        fig.add_trace(go.Scatter(
            x=[points[0][0]], y=[points[0][1]], mode="markers", hoverinfo="skip", showlegend=False,
            marker={"size": 0.1, "opacity": 0, "color": [domain[0] * scale], "cmin": domain[0] * scale,
                    "cmax": domain[1] * scale, "colorscale": MAP_SCALE, "showscale": True,
                    "colorbar": {"title": {"text": "%" if unit == "share" else _("per 100,000"), "side": "top"},
                                 "orientation": "h", "thickness": 10, "lenmode": "pixels", "len": 240,
                                 "x": 0.0, "xanchor": "left", "y": -0.02, "yanchor": "top", "nticks": 5}},
            name="colour scale"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(height=620, hovermode="closest")
    where = state_name or _("United States")
    part = sum(_flag(r.get("partial")) and not _is_missing(r.get("value")) for r in rows.values())
    when = ngettext("{year} ({n} county: part of the year only)", "{year} ({n} counties: part of the year only)",
                    part).format(year=year, n=part) if part else str(year)
    greys = (_("Grey: no public data; dark grey: too few cases to show.") if "suppressed" in groups
             else _("Grey: no public data."))
    subtitle = f"{where}, {when}. {greys}" if year else where
    fig = finish(fig, title=_("{measure} by county").format(measure=label), subtitle=subtitle, source=source,
                 built=built, demo=demo)
    # below the map: the colour bar, the greys' legend, then finish()'s source line
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.19, "x": 0.0, "xanchor": "left"},
                      margin={"l": 24, "r": 16, "b": max(150, fig.layout.margin.b or 0)})
    return fig
