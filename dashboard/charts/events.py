"""Dated, cited events (a bail law, a charging policy, a change of prosecutor, a court ruling, COVID-19 court
closures) drawn on a chart with a date axis: a dotted vertical mark with a short label, the citation on hover.

Pure functions: the `events` frame (from the warehouse's `event` table and the county's terms) in, the figure
changed in place. The frame has one row per event: event_date, kind, label, citation_title, publisher, url. A chart
of several places (the compare page) takes `of_places`, whose labels name the place each event belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import escape, wrap
from dashboard.i18n import N_, _, date_text
from dashboard.warehouse_words import words as warehouse_words

EVENTS_NAME = N_("Events (hover for the source)")
EVENT_COLOR = "#6b3fa0"
KIND_WORDS = {"bail_reform_law": N_("Bail reform law"), "charging_policy": N_("Charging policy"),
              "change_of_prosecutor": N_("Change of prosecutor"), "court_ruling": N_("Court ruling"),
              "covid_court_closures": N_("COVID-19 court closures")}
EXPORT_COLUMNS = ["place", "event_date", "kind", "label", "citation_title", "publisher", "url"]


def within(events: pd.DataFrame | None, x0: date, x1: date) -> pd.DataFrame:
    """The events dated inside a chart's span, in date order (an event outside it is not drawn)."""
    if events is None or events.empty:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    frame = events.assign(event_date=pd.to_datetime(events["event_date"]).dt.date,
                          label=events["label"].map(warehouse_words))
    frame = frame[(frame["event_date"] >= x0) & (frame["event_date"] <= x1)]
    return frame.sort_values(["event_date", "label"]).reset_index(drop=True)


def of_places(marked: Mapping[str, pd.DataFrame | None]) -> pd.DataFrame:
    """The events of several places (each place's name -> its events, as the `events` query gives them) as one
    frame in date order, `place` naming the places each belongs to ("Cook, IL; Lake, IL").

    An event two places share (a state's bail law in two of its counties, a change of prosecutor in an office
    serving both) is one row, not two marks. With more than one place, each label starts with its places
    ("Cook, IL: Illinois ends cash bail"), so the mark, its hover, the image's footer and the CSV never leave a
    reader to guess whose law it was; with one place the labels are as on that place's own page.
    """
    frames = [frame.assign(place=str(name)) for name, frame in marked.items()
              if frame is not None and not frame.empty]
    if not frames:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    every = pd.concat(frames, ignore_index=True)
    every["event_date"] = pd.to_datetime(every["event_date"]).dt.date
    every["label"] = every["label"].map(warehouse_words)
    key = [c for c in EXPORT_COLUMNS if c != "place"]
    joined = (every.groupby(key, sort=False, dropna=False)["place"]
              .agg(lambda places: "; ".join(dict.fromkeys(places))).reset_index())
    if len(marked) > 1:
        joined["label"] = [_("{place}: {label}").format(place=p, label=lb)
                           for p, lb in zip(joined["place"], joined["label"], strict=True)]
    return joined.sort_values(["event_date", "label"], kind="stable")[EXPORT_COLUMNS].reset_index(drop=True)


def hover_text(row: pd.Series) -> str:
    """What a reader sees on hover: the event, its date and kind, and where it is documented."""
    kind = _(KIND_WORDS.get(str(row["kind"]), str(row["kind"])))
    return _("<b>{label}</b><br>{day} · {kind}<br>Source: {title}, {publisher}").format(
        label=escape(row["label"]), day=date_text(row["event_date"]), kind=kind,
        title=escape(row["citation_title"]), publisher=escape(row["publisher"]))


def mark_events(fig: go.Figure, events: pd.DataFrame | None, x0: date, x1: date) -> pd.DataFrame:
    """Draw each event between `x0` and `x1` as a dated vertical mark with a short label and its citation
    on hover; returns the events drawn (for the chart's export beside its data)."""
    drawn = within(events, x0, x1)
    if drawn.empty:
        return drawn
    xs, ys, texts = [], [], []
    for _index, row in drawn.iterrows():
        day = row["event_date"].isoformat()
        text = hover_text(row)
        xs += [day, day, None]
        ys += [0, 1, None]
        texts += [text, text, ""]
        fig.add_annotation(x=day, y=1, xref="x", yref="paper", yanchor="top", xanchor="left", showarrow=False,
                           text=wrap(escape(row["label"]), 24), textangle=-90 if len(drawn) > 2 else 0,
                           font={"size": 9, "color": EVENT_COLOR}, bgcolor="rgba(255,255,255,0.7)",
                           name=_("event: {label}").format(label=row["label"]), hovertext=text)
    fig.add_trace(go.Scatter(x=xs, y=ys, yaxis="y4", mode="lines", name=_(EVENTS_NAME),
                             line={"color": EVENT_COLOR, "dash": "dot", "width": 1.5},
                             text=texts, hovertemplate="%{text}<extra></extra>"))
    fig.update_layout(yaxis4={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True})
    return drawn


def export_frame(events: pd.DataFrame | None, place: str) -> pd.DataFrame:
    """The events of a chart as their CSV gives them: place first, then the date, kind, label and citation.
    Events that already name their places (`of_places`) keep them; the others are `place`'s."""
    if events is None or events.empty:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    frame = events if "place" in events.columns else events.assign(place=place)
    return frame[EXPORT_COLUMNS].reset_index(drop=True)


def for_years(events: pd.DataFrame | None, years: pd.Series, extend_to: int | None = None) -> pd.DataFrame:
    """The events dated within the whole years of `years` (to `extend_to`, when a chart projects further)."""
    if events is None or years.empty:
        return within(None, date.min, date.max)
    last = max(int(years.max()), extend_to or 0)
    return within(events, date(int(years.min()), 1, 1), date(last, 12, 31))


def export_for_years(events: pd.DataFrame | None, years: pd.Series, place: str,
                     extend_to: int | None = None) -> pd.DataFrame:
    """The events a chart over `years` (to `extend_to`, when it projects further) marks, as their CSV gives
    them: the same span the chart draws."""
    return export_frame(for_years(events, years, extend_to), place)


def footer_note(drawn: pd.DataFrame) -> str:
    """For the exported image, whose hover is gone: which events are marked and where each is documented."""
    if drawn.empty:
        return ""
    return _("Events marked: {events}").format(events="; ".join(
        f"{pd.Timestamp(r.event_date):%Y-%m-%d} {r.label} ({r.publisher})" for r in drawn.itertuples(index=False)))
