"""Building blocks every page uses: the page frame (banner, messages, embed), copy link, chart block."""

from __future__ import annotations

import functools
import json
import os
import pickle
import shutil
from collections.abc import Callable, Mapping
from datetime import date
from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import db, i18n, navigation, permalinks
from dashboard.charts import trends
from dashboard.charts.common import download_config, safe_filename
from dashboard.charts.events import footer_note
from dashboard.charts.tables import md_escape
from dashboard.i18n import N_, _
from dashboard.internals.plotly import share

DEMO_BANNER = N_("**Demo data.** Every number, prosecutor and office on this page is synthetic, generated to show "
                 "how the dashboard works. Nothing here describes a real person or county.")


def page_start(page: str) -> permalinks.View:
    """Read the URL, and show what every page shows first: the language switch, the demo banner and any link
    problems."""
    view = permalinks.read(page)
    if view.embed:
        st.html("<style>[data-testid='stSidebar'],[data-testid='stHeader'],"
                "[data-testid='stToolbar']{display:none}</style>")
    else:
        language_switch(view)
    if db.is_demo():
        st.warning(_(DEMO_BANNER), icon=":material/science:")
    return view


def language_switch(view: permalinks.View) -> None:
    """English / Español on every page: choosing one reopens this very view in that language (the URL's `lang`)."""
    key = f"lang-{view.page}"
    st.session_state[key] = view.lang  # the link's language, whatever the switch held before
    st.segmented_control(_("Language"), options=list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get, key=key,
                         label_visibility="collapsed", on_change=_language_chosen, args=(key, view.lang))


def _language_chosen(key: str, current: str) -> None:
    """The switch was used: the next run reads the chosen language from the URL (pressing the chosen one again
    keeps it)."""
    chosen = st.session_state.get(key) or current
    st.session_state[key] = chosen
    permalinks.switch_language(chosen)


def show_messages(view: permalinks.View) -> None:
    for message in view.messages:
        st.info(message, icon=":material/link_off:")


def copy_link(view: permalinks.View) -> None:
    """A visible link to exactly this view, ready to select and copy.

    Text inputs, not st.code: st.code's copy button pulls a syntax-highlighting bundle into every page's first
    load; the address bar holds the same link anyway.
    """
    permalinks.write(view)
    with st.expander(_("Share this view"), icon=":material/link:"):
        st.text_input(_("Link to this view"), value=permalinks.absolute(view),
                      help=_("Select it and copy; the address bar holds the same link."))
        st.text_input(_("To embed it in a web page, use an iframe with this link"),
                      value=permalinks.absolute(view.with_(embed=True)))


CHARTS_KEPT = 256  # per chart function, in each server process: a chart takes 20-300 KB
Chart = TypeVar("Chart")


def cached_chart(builder: Callable[..., Chart], *args: object, **kwargs: object) -> Chart:
    """`builder(*args, **kwargs)`, built once per distinct input and shared by every session and rerun.

    Building a chart is costly on every rerun: plotly validates every property it is given, and the map writes
    a row per county. Chart functions are pure, so the same frames and options
    give the same chart, and a new warehouse gives new frames and so new charts. Shared, not copied: nothing
    may change a chart after this.

    The builder must be defined in an imported module: one defined in a page script is a new function on every
    rerun, and each would be kept here with the page's data it can see (the leak this check stops).
    """
    if builder.__module__ == "__main__":
        raise ValueError(f"cached_chart({builder.__qualname__}): define chart builders in dashboard/charts/, "
                         "not in a page script (a new function each rerun would be kept forever)")
    return _cached(builder)(i18n.language(), *args, **kwargs)


@functools.cache
def _cached(builder: Callable[..., Chart]) -> Callable[..., Chart]:
    def build_once(lang: str, *args: object, **kwargs: object) -> Chart:  # one chart per language
        with i18n.using(lang):
            return share(builder(*args, **kwargs))

    # Streamlit keys a cached function by its module and name: each builder keeps its own cache
    build_once.__module__, build_once.__qualname__ = builder.__module__, builder.__qualname__
    return st.cache_resource(build_once, max_entries=CHARTS_KEPT, show_spinner=False,
                             hash_funcs={pd.DataFrame: _frame_bytes})


def _frame_bytes(frame: pd.DataFrame) -> bytes:
    """What Streamlit falls back to, with a warning, for frames with list cells (sources are lists)."""
    return pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)


def built_date() -> str:
    return db.build_info().get("built_at", "")[:10] or date.today().isoformat()


def chart_block(fig: go.Figure, data: pd.DataFrame, *, alt: str, filename: str, key: str,
                events: pd.DataFrame | None = None) -> None:
    """A chart with its alt text, a 'show as table' switch, a CSV of its data and image downloads.

    `data` is what the chart shows, already suppressed by the warehouse: the CSV is exactly that. `events`, the
    dated events the chart marks with their citations, get a CSV of their own beside it.
    """
    st.plotly_chart(fig, config=download_config(filename), key=f"chart-{key}", width="stretch")
    if events is not None and not events.empty:  # screen readers hear the marked events too
        alt = f"{alt} {footer_note(events)}."
    st.caption(_("Chart description: {text}").format(text=md_escape(alt)))  # names in it are data: shown as typed
    table_and_csv(data, filename=filename, key=key, images_of=fig if image_export_available() else None,
                  events=events)


def table_and_csv(data: pd.DataFrame, *, filename: str, key: str, images_of: go.Figure | None = None,
                  events: pd.DataFrame | None = None) -> None:
    """One row under a chart or map: a 'show as table' switch, a CSV download of `data`, the CSV of the events
    it marks (when it marks any), and for a chart (`images_of`) its PNG and SVG downloads.

    One horizontal container, not columns: every block is a message to each browser on every rerun, and a
    page has eight of these rows. The CSV is made when the button is pressed, not on every rerun. A click
    must not rerun the page: the rerun would register a new generator for the button and drop the one the
    click asked for.
    """
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        as_table = st.toggle(_("Show as table"), key=f"table-{key}")
        st.download_button(_("Download data (CSV)"), data=functools.partial(csv_bytes, data),
                           file_name=f"{safe_filename(filename)}.csv", mime="text/csv", key=f"csv-{key}",
                           icon=":material/download:", on_click="ignore")
        if events is not None and not events.empty:
            st.download_button(_("Download the events marked, with sources (CSV)"),
                               data=functools.partial(csv_bytes, events),
                               file_name=f"{safe_filename(filename)}-events.csv", mime="text/csv",
                               key=f"events-csv-{key}", icon=":material/event_note:", on_click="ignore")
        if images_of is not None:
            _image_downloads(images_of, filename, key)
    if as_table:
        st.dataframe(data, hide_index=True, width="stretch")


def _image_downloads(fig: go.Figure, filename: str, key: str) -> None:
    """PNG and SVG rendered on the server only when asked for (rendering takes a second or two per chart)."""
    asked = st.session_state.get(f"images-{key}", False)
    if not asked and st.button(_("Prepare PNG and SVG downloads"), key=f"prepare-{key}", icon=":material/image:"):
        st.session_state[f"images-{key}"] = True
        asked = True
    if not asked:
        return
    spec = fig.to_json()
    for fmt in ("png", "svg"):
        with st.spinner(_("Rendering the image...")):
            image = _render(spec, fmt)
        if image is None:
            st.caption(_("{format} export is not available here; use the camera icon on the chart.").format(
                format=fmt.upper()))
            continue
        st.download_button(_("{format} with title and source").format(format=fmt.upper()), data=image,
                           file_name=f"{safe_filename(filename)}.{fmt}",
                           mime="image/png" if fmt == "png" else "image/svg+xml", key=f"{fmt}-{key}",
                           on_click="ignore")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(data: pd.DataFrame) -> bytes:
    """The CSV of a chart's data; text cells that a spreadsheet would run as a formula get a leading quote."""
    safe = data.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v)
    return safe.to_csv(index=False).encode("utf-8")


@functools.cache
def image_export_available() -> bool:
    """Server-side images need kaleido and a Chromium; without one, plotly's own button still works.

    Asked once per process: it is asked for every chart of every rerun, and looking along PATH is a dozen
    system calls, each a chance for another session's thread to take the GIL."""
    return shutil.which("chromium") is not None or bool(os.environ.get("BROWSER_PATH"))


@st.cache_data(max_entries=256, show_spinner=False)
def _render(spec: str, fmt: str) -> bytes | None:
    """One figure (as JSON) -> image bytes through kaleido and the system Chromium; cached per figure."""
    browser = shutil.which("chromium")
    if browser and not os.environ.get("BROWSER_PATH"):
        os.environ["BROWSER_PATH"] = browser
    try:
        fig = go.Figure(json.loads(spec))
        return fig.to_image(format=fmt, width=1100, height=620, scale=2 if fmt == "png" else 1)
    except Exception:  # noqa: BLE001 - any renderer failure falls back to the browser-side button
        return None


def pick_entity(view: permalinks.View, *, title: str, label: str, labels: Mapping[str, str], placeholder: str,
                hint: str, key: str, field: str) -> None:
    """A page opened without its id: a search box; choosing puts the id in the URL and redraws from there."""
    show_messages(view)
    st.title(title)
    chosen = st.selectbox(label, options=list(labels), index=None, format_func=labels.get,
                          placeholder=placeholder, key=key)
    if chosen is None:
        st.info(hint, icon=":material/search:")
        st.page_link(navigation.page("map"), label=_("Back to the map"), icon=":material/map:",
                     query_params=permalinks.query())
        return
    permalinks.write(view.with_(**{field: (chosen,)}))
    st.rerun()


def view_controls(view: permalinks.View, with_data: list[str], label_of: Mapping[str, str], *,
                  years: tuple[int, int], chosen: tuple[int, int], years_label: str, key_prefix: str,
                  ident: str) -> tuple[str | None, str, int, int]:
    """The measure, breakdown and year-range pickers the county and prosecutor pages share, opening on the link's
    choices: (metric, by, first year, last year). No year slider when the data cover one year."""
    first_year, last_year = years
    default_metric = view.metric if view.metric in with_data else (with_data[0] if with_data else None)
    st.subheader(_("Choose what to show"))
    left, right = st.columns(2)
    with left:
        metric = st.selectbox(_("Measure"), options=with_data, format_func=label_of.get,
                              key=f"{key_prefix}metric-{ident}",
                              index=with_data.index(default_metric) if default_metric else None)
    with right:
        by = st.selectbox(_("Break down by"), options=list(permalinks.DIMENSIONS),
                          index=list(permalinks.DIMENSIONS).index(view.by),
                          format_func=lambda d: _(trends.DIMENSION_LABELS[d]),
                          key=f"{key_prefix}by-{ident}")
    y0, y1 = chosen
    if first_year < last_year:
        y0, y1 = st.select_slider(years_label, options=list(range(first_year, last_year + 1)), value=chosen,
                                  key=f"{key_prefix}years-{ident}")
    return metric, by, y0, y1
