"""The questions page's chart: two groups side by side on each measure, each dot with its 95% interval."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import PALETTE, escape, finish, no_data_figure, wrap
from dashboard.i18n import _, format_value, number


def _drawn(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The rows the chart draws and its description reads: groups it names, with a value."""
    return rows[rows["value"].notna() & rows["grp"].isin(list(names))]


def groups_chart(rows: pd.DataFrame, *, names: dict[str, str], title: str, source: str, built: str, demo: bool,
                 subtitle: str = "") -> go.Figure:
    """One row per measure (`label`), one dot per group (`grp`, named by `names`), with its interval.

    `rows`: label, grp, value, ci_low, ci_high, numerator, denominator (shares only). Groups are drawn in the
    order of `names`; a group without a value is left out of its row (the sentence and table say why)."""
    frame = _drawn(rows, names)
    if frame.empty:
        return no_data_figure(_("No published value to draw"), title=title, source=source, built=built, demo=demo,
                              subtitle=subtitle)
    fig = go.Figure()
    order = list(dict.fromkeys(frame["label"]))
    for i, (grp, name) in enumerate(names.items()):
        part = frame[frame["grp"] == grp]
        if part.empty:
            continue
        hover = [f"<b>{escape(r.label)}</b><br>" + escape(_("{group}: {value} (95% interval {low}–{high})").format(
                     group=name, value=format_value(r.value, "share", digits=1),
                     low=format_value(r.ci_low, "share", digits=1), high=format_value(r.ci_high, "share", digits=1)))
                 + "<br>" + escape(_("{numerator} of {denominator} cases").format(
                     numerator=number(r.numerator), denominator=number(r.denominator)))
                 for r in part.itertuples(index=False)]
        fig.add_trace(go.Scatter(
            x=list(part["value"] * 100), y=[wrap(escape(label), 24) for label in part["label"]], mode="markers",
            name=escape(name), marker={"size": 11, "color": PALETTE[i % len(PALETTE)],
                                       "symbol": ["circle", "square", "diamond"][i % 3]},
            error_x={"type": "data", "symmetric": False, "array": list((part["ci_high"] - part["value"]) * 100),
                     "arrayminus": list((part["value"] - part["ci_low"]) * 100), "thickness": 2,
                     "color": PALETTE[i % len(PALETTE)]},
            text=hover, hovertemplate="%{text}<extra></extra>"))
    finish(fig, title=title, source=source, built=built, demo=demo, subtitle=subtitle)
    right = min(100.0, float(frame["ci_high"].max()) * 100 * 1.15 + 1)  # from zero: shares are read against it
    fig.update_layout(margin={"l": 10}, scattermode="group", showlegend=True, height=440 + 50 * len(order),
                      xaxis={"title": {"text": _("share of cases (%), with 95% intervals")}, "range": [0, right],
                             "gridcolor": "#eee", "ticksuffix": "%"},
                      yaxis={"autorange": "reversed", "categoryorder": "array", "automargin": True,
                             "categoryarray": [wrap(escape(label), 24) for label in order]})
    return fig


def groups_alt(rows: pd.DataFrame, *, names: dict[str, str], place: str, period: str) -> str:
    """The chart in words, for screen readers: each measure with each group's value and interval."""
    frame = _drawn(rows, names)
    if frame.empty:
        return _("No published value to draw for {place}, {period}.").format(place=place, period=period)
    parts = []
    for label, group in frame.groupby("label", sort=False):
        said = "; ".join(_("{group} {value} (95% interval {low}–{high}, n = {n})").format(
            group=names[r.grp], value=format_value(r.value, "share", digits=1),
            low=format_value(r.ci_low, "share", digits=1), high=format_value(r.ci_high, "share", digits=1),
            n=number(r.denominator)) for r in group.itertuples(index=False))
        parts.append(f"{label}: {said}")
    return _("Dot chart for {place}. {period}: {values}.").format(place=place, period=period, values=". ".join(parts))
