"""Gaps with intervals: relative rates by race against white defendants, representation at referral against
the county population, and a prosecutor's value against their predecessor's and the state's other offices.

A disparity (or difference) is drawn only when it and its interval are published; every other row is turned
into a plain sentence saying why it is not shown. Pure functions, no Streamlit.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import PALETTE, escape, finish, no_data_figure, wrap
from dashboard.charts.trends import format_value, group_label
from dashboard.i18n import N_, _, number, signed
from dashboard.warehouse_words import words

RACE_ORDER = ("black", "hispanic", "asian_pacific", "native_american", "other", "white")
MEASURE_WORDS = {
    "relative_rate": N_("times the rate for white defendants"),
    "representation_ratio": N_("times their share of the county's population"),
}


def _drawable(frame: pd.DataFrame) -> pd.Series:
    ok = ~frame["suppressed"].fillna(True).astype(bool)
    for column in ("value", "ci_low", "ci_high"):
        ok &= frame[column].notna() & frame[column].map(lambda v: not pd.isna(v) and math.isfinite(v) and v > 0)
    return ok


def disparity_notes(frame: pd.DataFrame) -> list[str]:
    """Why each group that is not drawn is missing, in plain words."""
    notes = []
    for row in frame[~_drawable(frame)].itertuples(index=False):
        reason = words(row.suppression_reason) if isinstance(row.suppression_reason, str) and row.suppression_reason \
            else _("its interval cannot be computed")
        notes.append(_("{group}: not shown — {reason}.").format(group=group_label("race", row.race), reason=reason))
    if "reference" in frame:
        approximate = frame[_drawable(frame) & (frame["reference"] == "county_population_any_ethnicity")]
        if not approximate.empty:
            groups = ", ".join(group_label("race", r) for r in approximate["race"])
            notes.append(_("{groups}: approximate — the census counts these groups of any ethnicity, while the "
                           "case data count Hispanic people apart, so the population share includes some people "
                           "the referrals count as Hispanic.").format(groups=groups))
    return notes


def disparity_chart(frame: pd.DataFrame, *, measure: str, title: str, source: str, built: str, demo: bool,
                    subtitle: str = "") -> go.Figure:
    """Dots with 95% intervals on a log scale, a line at 1 (no difference); unpublished groups left out.

    `frame`: one row per race with value, ci_low, ci_high, suppressed, suppression_reason (the disparity
    table's rows for one measure, scope and year).
    """
    shown = frame[_drawable(frame)].copy()
    shown["order"] = shown["race"].map({r: i for i, r in enumerate(RACE_ORDER)}).fillna(99)
    shown = shown.sort_values("order", ascending=False)
    fig = go.Figure()
    if shown.empty:
        return no_data_figure(_("No group has enough cases to compare"),
                              title=title, source=source, built=built, demo=demo, subtitle=subtitle)
    labels = [wrap(escape(group_label("race", r))) for r in shown["race"]]
    words = _(MEASURE_WORDS.get(measure, N_("times the reference")))
    hover = [f"<b>{label}</b><br>{number(v, 2)} {escape(words)}<br>"
             + escape(_("95% interval {low} to {high}").format(low=number(lo, 2), high=number(hi, 2)))
             for label, v, lo, hi in zip(labels, shown["value"], shown["ci_low"], shown["ci_high"], strict=True)]
    fig.add_trace(go.Scatter(
        x=list(shown["value"]), y=labels, mode="markers", name=escape(measure.replace("_", " ")),
        marker={"size": 11, "color": PALETTE[0], "symbol": "diamond"},
        error_x={"type": "data", "symmetric": False, "array": list(shown["ci_high"] - shown["value"]),
                 "arrayminus": list(shown["value"] - shown["ci_low"]), "color": PALETTE[0], "thickness": 2},
        text=hover, hovertemplate="%{text}<extra></extra>"))
    low = min(float(shown["ci_low"].min()), 0.8)
    high = max(float(shown["ci_high"].max()), 1.25)
    fig.add_shape(type="line", xref="x", yref="paper", x0=1, x1=1, y0=0, y1=1,
                  line={"color": "#444", "dash": "dash", "width": 1}, name=_("no difference (1.0)"))
    fig.add_annotation(x=math.log10(1), y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                       text=_("same as reference"), font={"size": 10, "color": "#444"})
    finish(fig, title=title, source=source, built=built, demo=demo, subtitle=subtitle)
    fig.update_layout(showlegend=False, margin={"l": 10}, height=300 + 45 * len(shown), yaxis={"automargin": True},
                      xaxis={"type": "log", "range": [math.log10(low / 1.2), math.log10(high * 1.2)],
                             "title": {"text": words}, "gridcolor": "#eee", **log_ticks(low / 1.2, high * 1.2)})
    return fig


def log_ticks(low: float, high: float) -> dict:
    """Tick values and labels for a ratio axis on a log scale, every label the whole number.

    Plotly's own log ticks label the steps between powers of ten by their first digit only, so 0.3 reads
    "3": a ratio a third of the reference would read as three times it (and does in the exported image).
    """
    steps = (1, 2, 3, 5)
    ticks = [round(m * 10.0 ** e, 12) for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
             for m in steps]
    ticks = [t for t in ticks if low <= t <= high] or [1.0]
    return {"tickmode": "array", "tickvals": ticks, "ticktext": [f"{t:g}" for t in ticks]}


def disparity_alt(frame: pd.DataFrame, *, measure: str, place: str, year: int) -> str:
    shown = frame[_drawable(frame)]
    words = _(MEASURE_WORDS.get(measure, N_("times the reference")))
    if shown.empty:
        return _("No group in {place} had enough cases in {year} to compare.").format(place=place, year=year)
    parts = [_("{group}: {value} (95% interval {low} to {high})").format(
        group=group_label("race", r.race), value=number(r.value, 2), low=number(r.ci_low, 2),
        high=number(r.ci_high, 2)) for r in shown.itertuples(index=False)]
    return _("Dot chart for {place}, {year}, in {words}; 1 means no difference. {groups}.").format(
        place=place, year=year, words=words, groups="; ".join(parts))


# --- a prosecutor against their predecessor and the state's other offices --------------------------------


def drawn_differences(comparisons: pd.DataFrame, unit_of: dict[str, str]) -> pd.DataFrame:
    """The rows `difference_chart` draws: share measures with a difference and its interval (the chart's credit
    names the sources of these rows only)."""
    frame = comparisons[comparisons["diff"].notna() & comparisons["diff_low"].notna()]
    return frame[frame["metric_id"].map(lambda m: unit_of.get(m) == "share")]


def difference_chart(comparisons: pd.DataFrame, *, unit_of: dict[str, str], labels: dict[str, str], title: str,
                     source: str, built: str, demo: bool, subtitle: str = "") -> go.Figure:
    """Differences (their value minus the other's) with 95% intervals, one row per measure and comparison.

    `comparisons` rows: metric_id, comparison ('predecessor' | 'state_others'), other_label, diff, diff_low,
    diff_high, value, other_value. Only share measures go on this chart (differences in percentage points);
    rows without a difference are left out (the page lists them with the reason).
    """
    frame = drawn_differences(comparisons, unit_of)
    fig = go.Figure()
    if frame.empty:
        return no_data_figure(_("No difference can be computed for this selection"),
                              title=title, source=source, built=built, demo=demo, subtitle=subtitle)
    names = {"predecessor": _("vs predecessor"), "state_others": _("vs the state's other offices")}
    for i, (kind, rows) in enumerate(frame.groupby("comparison", sort=False)):
        ys = [wrap(escape(labels.get(m, m))) for m in rows["metric_id"]]
        hover = [f"<b>{escape(labels.get(r.metric_id, r.metric_id))}</b><br>" + escape(_(
            "{value} vs {other} ({who})").format(value=format_value(r.value, "share", digits=1),
                                                  other=format_value(r.other_value, "share", digits=1),
                                                  who=r.other_label)) + "<br>" + escape(_(
            "difference {diff} points (95% interval {low} to {high})").format(
            diff=signed(r.diff * 100), low=signed(r.diff_low * 100), high=signed(r.diff_high * 100)))
            for r in rows.itertuples(index=False)]
        fig.add_trace(go.Scatter(
            x=list(rows["diff"] * 100), y=ys, mode="markers", name=names.get(kind, escape(kind)),
            marker={"size": 10, "color": PALETTE[i % len(PALETTE)], "symbol": ["circle", "square"][i % 2]},
            error_x={"type": "data", "symmetric": False, "array": list((rows["diff_high"] - rows["diff"]) * 100),
                     "arrayminus": list((rows["diff"] - rows["diff_low"]) * 100), "thickness": 2,
                     "color": PALETTE[i % len(PALETTE)]},
            text=hover, hovertemplate="%{text}<extra></extra>"))
    fig.add_shape(type="line", xref="x", yref="paper", x0=0, x1=0, y0=0, y1=1,
                  line={"color": "#444", "dash": "dash", "width": 1}, name=_("no difference"))
    finish(fig, title=title, source=source, built=built, demo=demo, subtitle=subtitle)
    fig.update_layout(margin={"l": 10}, scattermode="group", showlegend=True,
                      height=330 + 40 * frame["metric_id"].nunique(),
                      xaxis={"title": {"text": _("difference in percentage points")}, "zeroline": False,
                             "gridcolor": "#eee", "ticksuffix": ""},
                      yaxis={"autorange": "reversed", "categoryorder": "array", "automargin": True,
                             "categoryarray": [wrap(escape(labels.get(m, m)))
                                               for m in dict.fromkeys(frame["metric_id"])]})
    return fig


def difference_sentence(row: pd.Series, unit: str, label: str) -> str:
    """'3.1 points higher than Anita Alvarez (95% interval 1.2 to 5.0)' or why no difference is shown."""
    if pd.isna(row.get("diff")):
        return _("{measure}: no comparison with {who} — {reason}.").format(
            measure=label, who=row["other_label"], reason=row.get("note") or _("not enough data"))
    scale = 100 if unit == "share" else 1
    diff, low, high = row["diff"] * scale, row["diff_low"] * scale, row["diff_high"] * scale
    amount = number(abs(diff), 1)
    if low > 0:
        said = (_("{amount} points higher than") if unit == "share" else _("{amount} per 100,000 higher than"))
    elif high < 0:
        said = (_("{amount} points lower than") if unit == "share" else _("{amount} per 100,000 lower than"))
    else:
        said = _("no clear difference from")
    mine, other = format_value(row["value"], unit, digits=1), format_value(row["other_value"], unit, digits=1)
    note = row.get("note")
    return (_("{measure}: {value} vs {other} — {comparison} {who} (difference {diff}, 95% interval {low} to "
              "{high}).").format(measure=label, value=mine, other=other, comparison=said.format(amount=amount),
                                 who=row["other_label"], diff=signed(diff), low=signed(low), high=signed(high))
            + (" " + _("Note: {note}.").format(note=note) if isinstance(note, str) and note else ""))
