"""Trend charts: a measure over the years, one line per group, with 95% interval bands, each prosecutor's
time in office shaded and named, and suppressed years marked as such (never drawn as zero).

Pure functions: data frames in, a plotly Figure (or plain text) out; no Streamlit, no database.

The `series` frame every function here takes has one row per (series, year):
    series      what the line is (a group such as "Black", a county, a prosecutor, a measure)
    year        int
    value, ci_low, ci_high, numerator, denominator   (NULL when suppressed)
    suppressed  bool; suppression_reason  text
    source      optional: the source's title, shown on hover
    prosecutor  optional: who the year is attributed to, shown on hover
    partial, covered_label   optional: the year's data cover only part of it ('Jan–May'): drawn as a ringed
                point labelled with the months, so a part-year never reads as a whole one
The `terms` frame has one row per term: name, start_date, end_date (NaT: in office), entry, and optionally
prosecutor_id and highlight (bool).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import PALETTE, escape, finish, no_data_figure
from dashboard.charts.events import footer_note, mark_events
from dashboard.i18n import N_, _, number
from dashboard.i18n import format_value as format_value  # the one definition, named here for its callers
from dashboard.warehouse_words import words

SUPPRESSED_NAME = N_("Not shown: too few cases (suppressed)")
SOURCE_BREAK_NAME = N_("Source changes: compare across this line with care")
PARTIAL_NAME = N_("Part of the year only (months labelled)")
SHADES = ("rgba(0,114,178,0.08)", "rgba(230,159,0,0.12)")
HIGHLIGHT = "rgba(0,158,115,0.22)"
DIMMED = "rgba(120,120,120,0.08)"
YEAR_ATTRIBUTION = N_("years attributed to the prosecutor in office most of the year")

GROUP_LABELS = {
    "race": {"black": N_("Black"), "white": N_("White"), "hispanic": N_("Hispanic"),
             "asian_pacific": N_("Asian or Pacific Islander"), "native_american": N_("Native American"),
             "other": N_("Other race"), "unknown": N_("Race unknown")},
    "sex": {"female": N_("Women"), "male": N_("Men"), "unknown": N_("Sex unknown")},
    "age_band": {"under_18": N_("Under 18"), "18_24": N_("18 to 24"), "25_34": N_("25 to 34"),
                 "35_44": N_("35 to 44"), "45_54": N_("45 to 54"), "55_64": N_("55 to 64"),
                 "65_plus": N_("65 and over"), "unknown": N_("Age unknown")},
    "offense_category": {"sex_offense": N_("Sex offense"), "theft_property": N_("Theft and property"),
                         "dui_traffic": N_("DUI and traffic"), "public_order": N_("Public order"),
                         "unknown": N_("Offense unknown")},
    "offense_level": {"unknown": N_("Level unknown")},
    "all": {"all": N_("All cases")},
}
# The other values the data use, shown capitalized ("violent" -> "Violent"), listed for the catalogue
OTHER_GROUPS = (N_("Violent"), N_("Drug"), N_("Weapons"), N_("Other"), N_("Felony"), N_("Misdemeanor"),
                N_("Infraction"))
# How a term began, when not by election (shown beside the name on the shaded periods)
ENTRY_WORDS = {"elected": N_("elected"), "appointed": N_("appointed"), "interim": N_("interim"), "acting": N_("acting"),
               "derived": N_("derived")}
DIMENSION_LABELS = {"all": N_("All cases together"), "race": N_("Race and ethnicity"), "sex": N_("Sex"),
                    "age_band": N_("Age"), "offense_category": N_("Type of offense"),
                    "offense_level": N_("Felony or misdemeanor")}


def group_label(dimension: str, value: str) -> str:
    """A plain-words label for a breakdown value ('asian_pacific' -> 'Asian or Pacific Islander')."""
    known = GROUP_LABELS.get(dimension, {}).get(value)
    if known:
        return _(known)
    return _(str(value).replace("_", " ").capitalize())  # the catalogue has the values the data use


def count_text(numerator: float | None, denominator: float | None, unit: str, *,
               missing: str = N_("counts withheld")) -> str:
    """The n behind a value, in words: '23 of 85 cases' or '12,346 people in jail, 4,226,838 adults'.

    `missing` is said when there are no counts: "counts withheld" only where they were suppressed; a caller
    that cannot tell suppression from absence says something else, never privacy where there are no data."""
    if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator):
        return _(missing)
    if unit == "per_100k":
        return _("{people} people in jail; {adults} adults").format(people=number(numerator),
                                                                    adults=number(denominator))
    return _("{numerator} of {denominator} cases").format(numerator=number(numerator),
                                                          denominator=number(denominator))


def merge_terms(terms: pd.DataFrame, *, gap_days: int = 7) -> pd.DataFrame:
    """One span per prosecutor's continuous time in office (consecutive terms merged), in date order.

    Columns out: name, label (escaped, with '(interim)', '(appointed)' or '(acting)' when never elected in the
    span), start (date), end (date or None: in office), highlight (bool).
    """
    if terms is None or terms.empty:
        return pd.DataFrame(columns=["name", "label", "start", "end", "highlight"])
    frame = terms.copy()
    frame["start"] = pd.to_datetime(frame["start_date"]).dt.date
    frame["end"] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame["end_date"]]
    if "highlight" not in frame:
        frame["highlight"] = False
    key = "prosecutor_id" if "prosecutor_id" in frame else "name"
    frame = frame.sort_values("start")
    spans: list[dict] = []
    for row in frame.itertuples(index=False):
        last = spans[-1] if spans else None
        if (last is not None and last["key"] == getattr(row, key) and last["end"] is not None
                and (row.start - last["end"]).days <= gap_days):
            last["end"] = row.end
            last["entries"].add(row.entry)
            last["highlight"] = last["highlight"] or bool(row.highlight)
            continue
        spans.append({"key": getattr(row, key), "name": row.name, "start": row.start, "end": row.end,
                      "entries": {row.entry}, "highlight": bool(row.highlight)})
    rows = []
    for span in spans:
        suffix = ""
        if "elected" not in span["entries"]:
            suffix = " (" + _(ENTRY_WORDS.get(sorted(span["entries"])[0], sorted(span["entries"])[0])) + ")"
        rows.append({"name": span["name"], "label": escape(span["name"]) + suffix, "start": span["start"],
                     "end": span["end"], "highlight": span["highlight"]})
    return pd.DataFrame(rows)


def _mid_year(year: int) -> str:
    return f"{int(year)}-07-01"


def _segments(flags: list[bool]) -> list[tuple[int, int]]:
    """Runs of True in a list, as (first, last) index pairs."""
    runs, start = [], None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i - 1))
            start = None
    return runs


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


def _hover(row: pd.Series, series: str, unit: str) -> str:
    lines = [f"<b>{escape(series)}</b>", f"{int(row['year'])}: {format_value(row['value'], unit, digits=1)} "
             + escape(_("(95% interval {low} to {high})").format(low=format_value(row["ci_low"], unit, digits=1),
                                                                 high=format_value(row["ci_high"], unit, digits=1))),
             count_text(row["numerator"], row["denominator"], unit)]
    if _is_partial(row):
        lines.append(escape(_("Covers {months} only, not the whole year").format(months=_covered(row))))
    if isinstance(row.get("prosecutor"), str) and row.get("prosecutor"):
        lines.append(escape(_("Prosecutor: {name}").format(name=row["prosecutor"])))
    if isinstance(row.get("source"), str) and row.get("source"):
        lines.append(escape(_("Source: {source}").format(source=row["source"])))
    return "<br>".join(lines)


def _is_partial(row: pd.Series) -> bool:
    flag = row.get("partial")
    return flag is not None and not pd.isna(flag) and bool(flag)


def _covered(row: pd.Series) -> str:
    label = row.get("covered_label")
    return words(str(label)) if isinstance(label, str) and label else _("part of the year")


def partial_label(year: int, covered_label: object) -> str:
    """'2023 (Jan–May only)': a part-year as every chart, table and sentence names it."""
    label = words(covered_label) if isinstance(covered_label, str) and covered_label else _("part of the year")
    return _("{year} ({months} only)").format(year=int(year), months=label)


def trend_chart(series: pd.DataFrame, *, unit: str, title: str, source: str, built: str, demo: bool,
                terms: pd.DataFrame | None = None, subtitle: str = "", y_title: str = "",
                mark_suppressed: bool = True, events: pd.DataFrame | None = None) -> go.Figure:
    """Lines over the years with interval bands, term shading, suppressed years and dated events marked.

    One line per value of `series`; a suppressed year is a gap in its line (never a zero). When the chart has
    a single line, each suppressed year is also drawn as a dotted vertical line named SUPPRESSED_NAME.
    `events` (charts/events.py) inside the chart's years are drawn as labelled marks with their citation on
    hover, and named in the footer so an exported image keeps them.
    """
    fig = go.Figure()
    frame = series.copy()
    if frame.empty:
        return no_data_figure(_("No published values for this selection"),
                              title=title, source=source, built=built, demo=demo, subtitle=subtitle)
    frame["year"] = frame["year"].astype(int)
    frame["suppressed"] = frame["suppressed"].fillna(False).astype(bool)
    years = sorted(frame["year"].unique())
    first, last = min(years), max(years)
    order = list(dict.fromkeys(frame["series"]))
    for i, name in enumerate(order):
        color = PALETTE[i % len(PALETTE)]
        rows = frame[frame["series"] == name].set_index("year").reindex(range(first, last + 1))
        rows["year"] = rows.index
        hidden = rows["suppressed"].astype("boolean").fillna(True).astype(bool)
        shown = [not h and not pd.isna(v) for h, v in zip(hidden, rows["value"], strict=True)]
        if not any(shown):
            continue  # nothing to draw: the page's note (suppressed_note) names it
        has_ci = [ok and not pd.isna(lo) and not pd.isna(hi)
                  for ok, lo, hi in zip(shown, rows["ci_low"], rows["ci_high"], strict=True)]
        for a, b in _segments(has_ci):
            part = rows.iloc[a:b + 1]
            if a == b:
                fig.add_trace(go.Scatter(
                    x=[_mid_year(part["year"].iloc[0])], y=[part["value"].iloc[0]], mode="markers",
                    marker={"size": 1, "color": color},
                    error_y={"type": "data", "symmetric": False,
                             "array": [part["ci_high"].iloc[0] - part["value"].iloc[0]],
                             "arrayminus": [part["value"].iloc[0] - part["ci_low"].iloc[0]],
                             "color": _rgba(color, 0.5), "thickness": 6, "width": 0},
                    name=escape(_("{series}: 95% interval").format(series=name)), legendgroup=str(i), showlegend=False,
                    hoverinfo="skip"))
                continue
            xs = [_mid_year(y) for y in part["year"]]
            fig.add_trace(go.Scatter(
                x=xs + xs[::-1], y=list(part["ci_high"]) + list(part["ci_low"])[::-1], fill="toself",
                fillcolor=_rgba(color, 0.15), line={"width": 0}, mode="lines", hoverinfo="skip",
                name=escape(_("{series}: 95% interval").format(series=name)), legendgroup=str(i), showlegend=False))
        values = [v if ok else None for v, ok in zip(rows["value"], shown, strict=True)]
        texts = [_hover(r, name, unit) if ok else "" for (_, r), ok in zip(rows.iterrows(), shown, strict=True)]
        fig.add_trace(go.Scatter(
            x=[_mid_year(y) for y in rows["year"]], y=values, mode="lines+markers", connectgaps=False,
            name=escape(name), legendgroup=str(i), line={"color": color, "width": 2.5},
            marker={"size": 7, "color": color, "symbol": ["circle", "square", "diamond", "triangle-up",
                                                           "cross", "x", "star", "hexagon"][i % 8]},
            text=texts, hovertemplate="%{text}<extra></extra>"))
    if "partial" in frame:
        part = frame[frame["partial"].fillna(False).astype(bool) & ~frame["suppressed"] & frame["value"].notna()]
        if not part.empty:
            fig.add_trace(go.Scatter(
                x=[_mid_year(y) for y in part["year"]], y=list(part["value"]), mode="markers+text",
                name=_(PARTIAL_NAME), marker={"symbol": "circle-open", "size": 16, "color": "#444",
                                           "line": {"width": 2}},
                text=[escape(_covered(r)) for _i, r in part.iterrows()], textposition="top center",
                hovertext=[escape(partial_label(r["year"], r.get("covered_label"))) for _i, r in part.iterrows()],
                hoverinfo="text"))
    suppressed = frame[frame["suppressed"]]
    if mark_suppressed and len(order) == 1 and not suppressed.empty:
        xs, ys, texts = [], [], []
        for row in suppressed.itertuples(index=False):
            reason = words(row.suppression_reason) if isinstance(row.suppression_reason, str) else _("too few cases")
            text = escape(_("{year}: not shown ({reason})").format(year=int(row.year), reason=reason))
            xs += [_mid_year(row.year), _mid_year(row.year), None]
            ys += [0, 1, None]
            texts += [text, text, ""]
        fig.add_trace(go.Scatter(x=xs, y=ys, yaxis="y2", mode="lines+markers", name=_(SUPPRESSED_NAME),
                                 line={"color": "#777", "dash": "dot", "width": 1.5},
                                 marker={"symbol": "x-thin-open", "size": 8, "color": "#777"},
                                 text=texts, hovertemplate="%{text}<extra></extra>"))
        fig.update_layout(yaxis2={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True})
    _mark_source_breaks(fig, frame)
    x0, x1 = date(first, 1, 1), date(last, 12, 31)
    _shade_terms(fig, merge_terms(terms) if terms is not None else None, x0, x1)
    note = footer_note(mark_events(fig, events, x0, x1))
    finish(fig, title=title, source=f"{source} | {note}" if note else source, built=built, demo=demo,
           subtitle=subtitle)
    upper = frame["ci_high"].where(frame["ci_high"].notna(), frame["value"]).max()
    yaxis: dict = {"title": {"text": escape(y_title)}, "rangemode": "tozero", "gridcolor": "#eee",
                   "zeroline": True, "zerolinecolor": "#999"}
    if unit == "share":
        top = min(1.0, (upper if not pd.isna(upper) else 1.0) * 1.15 + 0.02)
        yaxis.update(tickformat=".0%", range=[0, top])
    else:
        yaxis.update(tickformat=",.0f")
        if not pd.isna(upper):
            yaxis.update(range=[0, upper * 1.15])
    fig.update_layout(yaxis=yaxis, hovermode="closest",
                      xaxis={"range": [x0.isoformat(), x1.isoformat()], "dtick": "M12", "tickformat": "%Y",
                             "gridcolor": "#f3f3f3"})
    return fig


def source_breaks(series: pd.DataFrame) -> list[tuple[int, str, str]]:
    """(year, source before, source from then on) wherever the source of the shown values changes.

    Two publishers count the same decisions in their own ways, so a line that joins their years would show
    the change of source as a change in the measure: the chart draws the break instead.
    """
    if "source" not in series or series.empty:
        return []
    shown = series[~series["suppressed"].fillna(False).astype(bool) & series["source"].notna()]
    by_year = shown.groupby(shown["year"].astype(int))["source"].agg(lambda s: "; ".join(sorted(set(s))))
    breaks, before = [], None
    for year, source in by_year.items():
        if before is not None and source != before:
            breaks.append((int(year), before, source))
        before = source
    return breaks


def _mark_source_breaks(fig: go.Figure, frame: pd.DataFrame) -> None:
    breaks = source_breaks(frame)
    if not breaks:
        return
    xs, ys, texts = [], [], []
    for year, before, after in breaks:
        text = escape(_("From {year} the figures come from {after}, before from {before}: the two count in their own "
                        "ways").format(year=year, after=after, before=before))
        xs += [f"{year}-01-01", f"{year}-01-01", None]
        ys += [0, 1, None]
        texts += [text, text, ""]
    fig.add_trace(go.Scatter(x=xs, y=ys, yaxis="y3", mode="lines", name=_(SOURCE_BREAK_NAME),
                             line={"color": "#b30000", "dash": "dash", "width": 1.5},
                             text=texts, hovertemplate="%{text}<extra></extra>"))
    fig.update_layout(yaxis3={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True})


def _shade_terms(fig: go.Figure, spans: pd.DataFrame | None, x0: date, x1: date) -> None:
    """Each prosecutor's time in office as a shaded band named after them, clipped to the chart's years."""
    if spans is None or spans.empty:
        return
    any_highlight = bool(spans["highlight"].any())
    visible = 0
    for span in spans.itertuples(index=False):
        start = max(span.start, x0)
        end = min(span.end or x1, x1)
        if end <= start:
            continue
        color = (HIGHLIGHT if span.highlight else DIMMED) if any_highlight else SHADES[visible % 2]
        fig.add_shape(type="rect", xref="x", yref="paper", x0=start.isoformat(), x1=end.isoformat(), y0=0, y1=1,
                      fillcolor=color, line={"width": 0}, layer="below", name=span.label)
        narrow = (end - start).days < 500
        fig.add_annotation(x=(start + (end - start) / 2).isoformat(), y=1 if narrow else (1, 0.93, 0.86)[visible % 3],
                           xref="x", yref="paper", yanchor="top", showarrow=False, text=span.label,
                           textangle=-90 if narrow else 0, font={"size": 10, "color": "#333"},
                           bgcolor="rgba(255,255,255,0.6)", name=_("term: {name}").format(name=span.label))
        visible += 1


def suppressed_note(series: pd.DataFrame) -> str:
    """Plain words for what a chart leaves out: 'Not shown because there were too few cases: Black 2013, 2015.'"""
    if series.empty or not series["suppressed"].fillna(False).astype(bool).any():
        return ""
    parts = []
    for name, rows in series[series["suppressed"].fillna(False).astype(bool)].groupby("series", sort=False):
        parts.append(f"{name} {year_list(rows['year'])}")
    return _("Not shown because there were too few cases to publish safely: {groups}.").format(groups="; ".join(parts))


def year_list(years: Iterable[int]) -> str:
    """'2012-2014, 2016' from [2012, 2013, 2014, 2016]."""
    values = sorted({int(y) for y in years})
    runs, start, prev = [], None, None
    for y in [*values, None]:
        if start is None:
            start = prev = y
        elif y is not None and y == prev + 1:
            prev = y
        else:
            runs.append(str(start) if start == prev else f"{start}–{prev}")
            start = prev = y
    return ", ".join(r for r in runs if r != "None")


def alt_text(series: pd.DataFrame, *, measure: str, unit: str, place: str, terms: pd.DataFrame | None = None) -> str:
    """A sentence or two describing the chart for screen readers."""
    if series.empty:
        return _("No published values of {measure} for {place}.").format(measure=measure, place=place)
    shown = series[~series["suppressed"].fillna(False).astype(bool) & series["value"].notna()]
    years = sorted(series["year"].astype(int).unique())
    names = list(dict.fromkeys(series["series"]))
    if len(names) > 1:
        parts = [_("Line chart of {measure} by year for {place}, {first} to {last}, one line per group: {groups}.")
                 .format(measure=measure, place=place, first=years[0], last=years[-1],
                         groups=", ".join(names[:8]) + ("…" if len(names) > 8 else ""))]
    else:
        parts = [_("Line chart of {measure} by year for {place}, {first} to {last}.").format(
            measure=measure, place=place, first=years[0], last=years[-1])]
    if not shown.empty:
        low = shown.loc[shown["value"].idxmin()]
        high = shown.loc[shown["value"].idxmax()]
        parts.append(_("Values range from {low} ({low_series}, {low_year}) to {high} ({high_series}, {high_year}).")
                     .format(low=format_value(low["value"], unit), low_series=low["series"],
                             low_year=int(low["year"]), high=format_value(high["value"], unit),
                             high_series=high["series"], high_year=int(high["year"])))
    spans = merge_terms(terms) if terms is not None else None
    if spans is not None and not spans.empty:
        described = [(_("{name} from {start} to {end}") if s.end else _("{name} from {start}")).format(
                         name=s.name, start=s.start.year, end=s.end.year if s.end else None)
                     for s in spans.itertuples(index=False)
                     if (s.end is None or s.end.year >= years[0]) and s.start.year <= years[-1]]
        if described:
            parts.append(_("Shaded periods show who was in office: {terms}.").format(terms="; ".join(described)))
    if "partial" in shown:
        part = shown[shown["partial"].fillna(False).astype(bool)].drop_duplicates("year").sort_values("year")
        if not part.empty:
            parts.append(_("Part-years, ringed on the chart: {years}.").format(years=", ".join(
                partial_label(r["year"], r.get("covered_label")) for _i, r in part.iterrows())))
    note = suppressed_note(series)
    if note:
        parts.append(note)
    return " ".join(parts)
