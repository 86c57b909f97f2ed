"""Map (`/`): every US county coloured by one measure in one year; find your county; open its page.

URL: `metric`, `year`, `state` (zooms to the state), `fips` (outlines one county). Thin: read the view,
check it against the warehouse, and show what dashboard/content/map.py computed for it (once per view and
warehouse version) with components.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components, db, navigation, permalinks
from dashboard.charts import maps
from dashboard.charts.tables import md_escape
from dashboard.content.map import GEO, map_content, map_deck


def _default_metric(metrics: pd.DataFrame) -> str:
    """The measure most counties can show (ties: the first in display order), so the map opens useful."""
    ranked = metrics.sort_values(["county_years_shown", "sort_order"], ascending=[False, True], kind="stable")
    return str(ranked["metric_id"].iloc[0])


def _is_phone() -> bool:
    """A phone's browser (its User-Agent says "Mobi"): the map then opens zoomed out to fit a narrow screen."""
    try:
        return "Mobi" in (st.context.headers.get("User-Agent") or "")
    except (AttributeError, RuntimeError):
        return False


def _default_year(years: pd.DataFrame) -> int:
    """The latest year with nearly full coverage (at least 80% of the best year's counties), so the map does
    not open on a partly reported latest year."""
    shown = years[years["counties_shown"] > 0]
    if shown.empty:
        return int(years["year"].iloc[0])
    best = int(shown["counties_shown"].max())
    return int(shown.loc[shown["counties_shown"] >= 0.8 * best, "year"].max())


def _pick(key: str, options: list, default: object) -> None:
    """Start a widget at the view's value (from the link); afterwards the widget holds the user's choice."""
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default


view = components.page_start("map")
st.title("What do prosecutors do in your county?")
st.markdown("Each county is coloured by one measure of what its prosecutor's office does. "
            "Hover over a county to see the number, how many cases it rests on and where it comes from; "
            "click it, or search for it below, to open its page.")

metrics = db.query("map_metrics")
states = db.query("states")
view = permalinks.allowed(view, fips=db.known("counties", "fips"), metrics=db.known("map_metrics", "metric_id"),
                          states=db.known("states", "state_abbr"))
labels = db.lookup("counties", "fips", "label")

found = st.selectbox("Find your county", options=list(labels), index=None, format_func=labels.get,
                     placeholder="Type a county name, e.g. Cook, IL", key="map-find",
                     help="Choosing a county opens its page.")
if found and found in labels:
    st.switch_page(navigation.page("county"), query_params={"fips": found})

if metrics.empty:
    components.show_messages(view)
    st.info("No county measures are in the data yet, so there is nothing to colour the map by. "
            "The methods page lists the sources that were loaded.", icon=":material/info:")
    st.page_link(navigation.page("methods"), label="Methods and sources",
                 icon=":material/menu_book:")
    components.copy_link(view)
    st.stop()

metric_ids = list(metrics["metric_id"])
metric_rows = metrics.set_index("metric_id")
state_rows = states.set_index("state_abbr")
left, middle, right = st.columns(3)
with left:
    _pick("map-metric", metric_ids, view.metric or _default_metric(metrics))
    metric = st.selectbox("Measure", metric_ids, format_func=lambda m: str(metric_rows.at[m, "label"]),
                          key="map-metric")
years = db.query("map_years", metric=metric)
year_options = [int(y) for y in years["year"]]
shown_by_year = dict(zip(year_options, years["counties_shown"], strict=True))
default_year = _default_year(years)
if view.year is not None and view.year not in year_options:
    view = view.with_(messages=view.messages + (
        f"There are no county values of this measure for {view.year}; showing {default_year} instead.",))
with middle:
    _pick(f"map-year-{metric}", year_options, view.year if view.year in year_options else default_year)
    year = st.selectbox("Year", year_options, key=f"map-year-{metric}",
                        format_func=lambda y: f"{y} ({shown_by_year[y]:,} counties with data)")
with right:
    state_options = [""] + list(states["state_abbr"])
    _pick("map-state", state_options, view.state or "")
    state = st.selectbox("State", state_options, key="map-state",
                         format_func=lambda s: str(state_rows.at[s, "state_name"]) if s else "All states")

view = view.with_(metric=metric, year=year, state=state or None)
components.show_messages(view)
row = metric_rows.loc[metric]
label, unit = str(row["label"]), str(row["unit"])

version = db.current_version()
content = map_content(metric, year, state or None, label, unit, version)
n_shown, n_suppressed = content.shown, content.suppressed
where = str(state_rows.at[state, "state_name"]) if state else "the United States"

st.subheader(md_escape(row["question"]))
summary = f"In {year}, {n_shown:,} of {content.counties:,} counties in {where} have a published value."
if n_suppressed:
    summary += f" {n_suppressed:,} more have too few cases to show a number safely."
st.markdown(summary)

highlight = view.fips[0] if view.fips else None
phone = _is_phone()
st.html(maps.legend_html(content.domain, label=label, unit=unit, year=year, show_suppressed=n_suppressed > 0,
                         values=list(content.values), markers=content.markers))
deck = map_deck(metric, year, state or None, label, unit, highlight, phone, version)
alt = (f"Map of US counties coloured by {label.lower()} in {year}"
       + (f", zoomed to {where}" if state else "")
       + f". {n_shown:,} counties have a value; grey counties have no public data.")
event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="county-map",
                        height=maps.MAP_HEIGHT_PHONE if phone else maps.MAP_HEIGHT, alt=alt)
selection = (event or {}).get("selection") or {}
for layer_id, picked_objects in (selection.get("objects") or {}).items():
    if not maps.is_pickable_layer(str(layer_id)):
        continue
    for picked in picked_objects or []:
        fips = maps.picked_fips(picked)
        if fips in labels:
            st.switch_page(navigation.page("county"), query_params={"fips": fips})

st.caption(f"{md_escape(row['description'])} {md_escape(row['direction'])} Caveat: {md_escape(row['caveat'])} "
           "Each number covers the whole year; the prosecutor named is the one in office for most of it.")
if highlight and highlight in labels:
    st.page_link(navigation.page("county"), label=f"Open the page of {md_escape(labels[highlight])}",
                 icon=":material/location_city:", query_params={"fips": highlight})

components.copy_link(view)

st.subheader("Download this map")
st.markdown("The same view as a printable map with its title, source and date, and the numbers behind it "
            "as a table (counties with too few cases show no counts).")
table, frame = content.table, content.frame
filename = f"{metric}-{year}-{state or 'us'}"
# The printable figure (all the county polygons again, as plotly shapes) is built and sent only when asked
# for, and only for the view it was asked for: otherwise every change of measure would carry it.
asked = st.session_state.get("map-export-view") == filename
if not asked and st.button("Show the printable map (PNG and SVG downloads)", key="prepare-map-export",
                           icon=":material/image:"):
    st.session_state["map-export-view"] = filename
    asked = True
if asked:
    st.session_state["images-map-export"] = True  # components.chart_block renders the images straight away
    sources = "; ".join(sorted({s for s in frame["source"].dropna()})) or "see the methods page"
    figure = maps.choropleth_figure(maps.load_geometry(GEO / "counties.geojson"), frame, label=label, unit=unit,
                                    year=year, state=state or None, state_name=where if state else None,
                                    source=sources, built=components.built_date(), demo=db.is_demo(),
                                    states=maps.load_geometry(GEO / "states.geojson"), domain=content.domain)
    components.chart_block(figure, table, alt=alt, filename=filename, key="map-export")
else:
    components.table_and_csv(table, filename=filename, key="map-export")
if n_shown == 0:
    st.caption("No county in this view has a published value, so the download lists only suppressed counties.")
