"""The map page's content: what its widgets offer (`map_choices`, `map_years`), `map_content` per (measure,
year, state) and `map_deck` per map view of it.

All are cached per warehouse version; the page (views/map.py) adds the widgets and shows what these return.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pydeck as pdk
import streamlit as st

from dashboard import db
from dashboard.charts import maps
from dashboard.charts.tables import md_escape
from dashboard.content import VIEWS_KEPT
from dashboard.i18n import _, cache_per_language

GEO = Path(__file__).resolve().parents[2] / "data" / "geo"
SHAPES = Path(__file__).resolve().parents[1] / "static" / maps.SHAPES_FILE


@dataclass(frozen=True)
class Measure:
    label: str
    unit: str
    question: str
    explained: str  # description, direction and caveat, as the caption under the map says them


@dataclass(frozen=True)
class MapChoices:
    """What the measure and state pickers offer."""

    measures: Mapping[str, Measure]  # in display order
    default_metric: str | None  # the measure of the view covering the most counties (best_view)
    default_year: int | None  # that view's year
    states: Mapping[str, str]  # abbreviation -> name, in order


@dataclass(frozen=True)
class MapYears:
    """The years one measure has county values for, newest first."""

    years: tuple[int, ...]
    counties_shown: Mapping[int, int]
    default: int | None  # the latest complete year with nearly full coverage (see default_year)
    counties_partial: Mapping[int, int]  # counties whose value covers only part of the year


@cache_per_language(max_entries=4, show_spinner=False)
def map_choices(version: db.Version) -> MapChoices:
    metrics, states = db.query("map_metrics"), db.query("states")
    measures = {row.metric_id: Measure(str(row.label), str(row.unit), str(row.question),
                                       _("{description} {direction} Caveat: {caveat}").format(
                                           description=md_escape(row.description),
                                           direction=md_escape(row.direction), caveat=md_escape(row.caveat)))
                for row in metrics.itertuples()}
    best = best_view(db.query("map_views"))
    return MapChoices(measures=measures, default_metric=best[0] if best else None,
                      default_year=best[1] if best else None,
                      states=dict(zip(states["state_abbr"].tolist(), states["state_name"].tolist(), strict=True)))


def best_view(views: pd.DataFrame) -> tuple[str, int] | None:
    """The (measure, year) a voter should see first: the one showing the most counties.

    Ties go to the earlier measure in display order, then the later year. Where `views` has a `complete` column
    (whether the year is a whole period), only complete years compete while any exist.
    """
    if views.empty:
        return None
    if "complete" in views.columns and views["complete"].fillna(False).astype(bool).any():
        views = views[views["complete"].fillna(False).astype(bool)]
    ranked = views.sort_values(["counties_shown", "sort_order", "year"], ascending=[False, True, False],
                               kind="stable")
    top = ranked.iloc[0]
    return str(top["metric_id"]), int(top["year"])


@st.cache_resource(max_entries=VIEWS_KEPT, show_spinner=False)
def map_years(metric: str, version: db.Version) -> MapYears:
    years = db.query("map_years", metric=metric)
    options = tuple(int(y) for y in years["year"])
    return MapYears(options, dict(zip(options, (int(n) for n in years["counties_shown"]), strict=True)),
                    default_year(years),
                    dict(zip(options, (int(n) for n in years["counties_partial"]), strict=True)))


def default_year(years: pd.DataFrame) -> int | None:
    """The year a map opens on: the latest whose every county value covers the whole year, among the years with
    nearly full coverage (at least 80% of the best year's counties), so a part-year never sets the default.
    Falls back to the latest complete year with any data, then to the latest year."""
    if years.empty:
        return None
    shown = years[years["counties_shown"] > 0]
    complete = shown[shown["counties_partial"] == 0]
    for pool in (complete, shown):
        if not pool.empty:
            best = int(pool["counties_shown"].max())
            return int(pool.loc[pool["counties_shown"] >= 0.8 * best, "year"].max())
    return int(years["year"].max())


@dataclass(frozen=True)
class MapContent:
    frame: pd.DataFrame  # every county's value of the measure in the year (map_values.sql)
    counties: int  # in the chosen state, or all
    shown: int  # of those, with a published value
    suppressed: int  # of those, with too few cases to show one
    values: tuple[float, ...]  # the country's published values: one colour scale, so states compare
    domain: tuple[float, float] | None
    markers: bool  # few counties have data: a dot marks each
    table: pd.DataFrame  # the download: one row per county in the view, suppression applied
    legend: str  # the colour key's HTML


@cache_per_language(max_entries=VIEWS_KEPT, show_spinner=False)
def map_content(metric: str, year: int, state: str | None, label: str, unit: str, version: db.Version) -> MapContent:
    frame = db.query("map_values", metric=metric, year=year)
    in_scope = frame if not state else frame[frame["state_abbr"] == state]
    suppressed = maps.suppressed_mask(in_scope)
    values = maps.shown_values(frame)
    with_data = int((frame["value"].notna() | maps.suppressed_mask(frame)).sum())
    domain, markers = maps.scale_domain(values, unit), 0 < with_data <= maps.MARKERS_UP_TO
    shown = int((in_scope["value"].notna() & ~suppressed).sum())
    return MapContent(
        frame=frame, counties=len(in_scope), shown=shown,
        suppressed=int(suppressed.sum()), values=tuple(values), domain=domain, markers=markers,
        table=maps.export_table(frame, metric_label=label, year=year, state=state),
        legend=maps.legend_html(domain, label=label, unit=unit, year=year, show_suppressed=bool(suppressed.any()),
                                values=list(values), markers=markers, coverage=(shown, len(in_scope)),
                                page_only=bool((in_scope["value"].isna() & in_scope["has_page"].astype(bool)).any())))


@cache_per_language(max_entries=VIEWS_KEPT, show_spinner=False)
def map_deck(metric: str, year: int, state: str | None, label: str, unit: str, highlight: str | None, phone: bool,
             version: db.Version) -> pdk.Deck:
    """The deck for one view: zoomed to the highlighted county, else the state, else the country."""
    content = map_content(metric, year, state, label, unit, version)
    state_bounds, county_bounds = bounds(str(GEO / "counties.geojson"), (GEO / "counties.geojson").stat().st_mtime_ns)
    fit = {"width": maps.PHONE_WIDTH, "height": maps.MAP_HEIGHT_PHONE} if phone else {"width": maps.DESKTOP_WIDTH}
    state_fips = _state_fips(state)
    if highlight and highlight in county_bounds:
        view = maps.view_for_bounds(county_bounds[highlight], **fit)
        view["zoom"] = min(view["zoom"], 7.0)
    elif state:
        view = maps.view_for_bounds(state_bounds.get(state_fips), **fit)
    else:
        view = maps.us_view(phone=phone)
    return maps.static_county_deck(
        content.frame, shapes_path=str(SHAPES),
        digest=shapes_digest(str(SHAPES), SHAPES.stat().st_mtime_ns), label=label, unit=unit, year=year, view=view,
        highlight=highlight, domain=content.domain, markers=content.markers, focus=state_fips)


@st.cache_resource(show_spinner=False)
def bounds(path: str, mtime_ns: int) -> tuple[dict, dict]:
    """Each state's and each county's extent, from the county polygons (read once per file version)."""
    geometry = maps.load_geometry(path)
    return maps.bounds_by_prefix(geometry, 2), maps.bounds_by_prefix(geometry, 5)


@st.cache_resource(show_spinner=False)
def shapes_digest(path: str, mtime_ns: int) -> str:
    """The static shapes file's digest: its URL carries it (a changed file is fetched anew, not taken from the
    browser's cache) and the deck cache is keyed by it."""
    return hashlib.sha1(Path(path).read_bytes()).hexdigest()[:12]


def _state_fips(state: str | None) -> str | None:
    if not state:
        return None
    states = db.query("states")
    return str(states.loc[states["state_abbr"] == state, "state_fips"].iloc[0])
