"""Map (`/`): every US county coloured by one measure in one year; find your county; open its page.

URL: `metric`, `year`, `state` (zooms to the state), `fips` (outlines one county). Thin: read the view,
check it against the warehouse, and show what dashboard/content/map.py computed for it (once per view and
warehouse version) with components.
"""

from __future__ import annotations

import streamlit as st

from dashboard import components, db, navigation, permalinks
from dashboard.charts import maps
from dashboard.charts.tables import md_escape
from dashboard.content.map import GEO, map_choices, map_content, map_deck, map_years
from dashboard.i18n import _, number


def _is_phone() -> bool:
    """A phone's browser (its User-Agent says "Mobi"): the map then opens zoomed out to fit a narrow screen."""
    try:
        return "Mobi" in (st.context.headers.get("User-Agent") or "")
    except (AttributeError, RuntimeError):
        return False


def _pick(key: str, options: list, default: object) -> None:
    """Start a widget at the view's value (from the link); afterwards the widget holds the user's choice."""
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default


view = components.page_start("map")
st.title(_("What do prosecutors do in your county?"))
st.markdown(_("Each county is coloured by one measure of what its prosecutor's office does. "
              "Point at a county (or tap it on a phone) to see the value, what it rests on (how many cases, or "
              "which election) and where it comes from; click or tap it, or search for it below, to open its "
              "page."))

version = db.current_version()
choices = map_choices(version)
view = permalinks.allowed(view, fips=db.known("counties", "fips"), metrics=db.known("map_metrics", "metric_id"),
                          states=db.known("states", "state_abbr"))
labels = db.lookup("counties", "fips", "label")

found = st.selectbox(_("Find your county"), options=list(labels), index=None, format_func=labels.get,
                     placeholder=_("Type a county name, e.g. Cook, IL"), key="map-find",
                     help=_("Choosing a county opens its page."))
if found and found in labels:
    st.switch_page(navigation.page("county"), query_params=permalinks.query(fips=found))

if not choices.measures:
    components.show_messages(view)
    st.info(_("No county measures are in the data yet, so there is nothing to colour the map by. "
              "The methods page lists the sources that were loaded."), icon=":material/info:")
    st.page_link(navigation.page("methods"), label=_("Methods and sources"),
                 icon=":material/menu_book:", query_params=permalinks.query())
    components.copy_link(view)
    st.stop()

measures, state_names = choices.measures, choices.states
metric_ids = list(measures)
left, middle, right = st.columns(3)
with left:
    _pick("map-metric", metric_ids, view.metric or choices.default_metric)
    metric = st.selectbox(_("Measure"), metric_ids, format_func=lambda m: measures[m].label, key="map-metric")
years = map_years(metric, version)
year_options, shown_by_year, default_year = list(years.years), years.counties_shown, years.default
if metric == choices.default_metric and choices.default_year in year_options:
    default_year = choices.default_year  # the opening view: the year covering the most counties
if view.year is not None and view.year not in year_options:
    view = view.with_(messages=view.messages + (
        _("There are no county values of this measure for {year}; showing {default} instead.").format(
            year=view.year, default=default_year),))
with middle:
    _pick(f"map-year-{metric}", year_options, view.year if view.year in year_options else default_year)
    year = st.selectbox(_("Year"), year_options, key=f"map-year-{metric}",
                        format_func=lambda y: (
                            _("{year} ({n} counties with data, some for part of the year only)")
                            if years.counties_partial.get(y) else _("{year} ({n} counties with data)")
                        ).format(year=y, n=number(shown_by_year[y])))
with right:
    state_options = ["", *state_names]
    _pick("map-state", state_options, view.state or "")
    state = st.selectbox(_("State"), state_options, key="map-state",
                         format_func=lambda s: state_names.get(s, _("All states")))

view = view.with_(metric=metric, year=year, state=state or None)
components.show_messages(view)
measure = measures[metric]
label, unit = measure.label, measure.unit

content = map_content(metric, year, state or None, label, unit, version)
n_shown, n_suppressed = content.shown, content.suppressed
where = state_names[state] if state else None

st.subheader(md_escape(measure.question))
counts = {"year": year, "shown": number(n_shown), "counties": number(content.counties), "state": where}
summary = (_("In {year}, {shown} of {counties} counties in {state} have a published value.") if state
           else _("In {year}, {shown} of {counties} counties in the United States have a published value."))
summary = summary.format(**counts)
if n_suppressed:
    summary += " " + _("{n} more have too few cases to show a number safely.").format(n=number(n_suppressed))
st.markdown(summary)

highlight = view.fips[0] if view.fips else None
phone = _is_phone()
st.html(content.legend)
deck = map_deck(metric, year, state or None, label, unit, highlight, phone, version)
alt = ((_("Map of US counties coloured by {measure} in {year}, zoomed to {state}.") if state
        else _("Map of US counties coloured by {measure} in {year}.")).format(measure=label.lower(), year=year,
                                                                              state=where)
       + " " + _("{n} counties have a value; grey counties have no public data.").format(n=number(n_shown)))
event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="county-map",
                        height=maps.MAP_HEIGHT_PHONE if phone else maps.MAP_HEIGHT, alt=alt)
selection = (event or {}).get("selection") or {}
for layer_id, picked_objects in (selection.get("objects") or {}).items():
    if not maps.is_pickable_layer(str(layer_id)):
        continue
    for picked in picked_objects or []:
        fips = maps.picked_fips(picked)
        if fips in labels:
            st.switch_page(navigation.page("county"), query_params=permalinks.query(fips=fips))

st.caption(f"{measure.explained} {maps.period_caption(years.counties_partial.get(year, 0), year, measure.unit)}")
if highlight and highlight in labels:
    st.page_link(navigation.page("county"),
                 label=_("Open the page of {county}").format(county=md_escape(labels[highlight])),
                 icon=":material/location_city:", query_params=permalinks.query(fips=highlight))

components.copy_link(view)

st.subheader(_("Download this map"))
st.markdown(_("The same view as a printable map with its title, source and date, and the numbers behind it "
              "as a table (counties with too few cases show no counts)."))
table, frame = content.table, content.frame
filename = f"{metric}-{year}-{state or 'us'}"
# The printable figure (all the county polygons again, as plotly shapes) is built and sent only when asked
# for, and only for the view it was asked for: otherwise every change of measure would carry it.
asked = st.session_state.get("map-export-view") == filename
if not asked and st.button(_("Show the printable map (PNG and SVG downloads)"), key="prepare-map-export",
                           icon=":material/image:"):
    st.session_state["map-export-view"] = filename
    asked = True
if asked:
    st.session_state["images-map-export"] = True  # components.chart_block renders the images straight away
    sources = "; ".join(sorted({s for s in frame["source"].dropna()})) or _("see the methods page")
    figure = maps.choropleth_figure(maps.load_geometry(GEO / "counties.geojson"), frame, label=label, unit=unit,
                                    year=year, state=state or None, state_name=where if state else None,
                                    source=sources, built=components.built_date(), demo=db.is_demo(),
                                    states=maps.load_geometry(GEO / "states.geojson"), domain=content.domain)
    components.chart_block(figure, table, alt=alt, filename=filename, key="map-export")
else:
    components.table_and_csv(table, filename=filename, key="map-export")
if n_shown == 0:
    st.caption(_("No county in this view has a published value, so the download lists only suppressed "
                 "counties."))
