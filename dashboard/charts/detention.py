"""Detention: progress toward halving the jail population from a baseline year, at the current pace.

`halving_progress` is the arithmetic (pure, unit-tested); `halving_chart` draws the jail population with the
target line and, when the pace is downward, the projected path to the target.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import PALETTE, finish, no_data_figure

PACE_YEARS = 3


def halving_progress(jail: pd.DataFrame, baseline: int | None = None) -> dict | None:
    """Where the jail population stands against half its baseline-year level, and how long at today's pace.

    `jail`: year, population (published years only; withheld years are simply absent). The pace is the average
    yearly change over the last PACE_YEARS years ((latest - value PACE_YEARS years earlier) / years between;
    with fewer years, over what there is). Returns None without at least one year at or after the baseline.
    Keys: baseline, baseline_value, target, latest, latest_value, pace (people per year, None if one year),
    pace_from (the year the pace is measured from), status ('met' | 'on_track' | 'not_on_track' | 'unknown'),
    years_to_target (float or None), target_year (int or None), share_of_goal (0..1 of the way there).
    """
    frame = jail.dropna(subset=["population"]).sort_values("year")
    if frame.empty:
        return None
    frame = frame.assign(year=frame["year"].astype(int))
    years = list(frame["year"])
    if baseline is None or baseline not in years:
        candidates = [y for y in years if baseline is None or y >= baseline]
        if not candidates:
            return None
        baseline = candidates[0]
    base_value = float(frame.loc[frame["year"] == baseline, "population"].iloc[0])
    after = frame[frame["year"] >= baseline]
    latest = int(after["year"].iloc[-1])
    latest_value = float(after["population"].iloc[-1])
    target = base_value / 2
    window = after[after["year"] >= latest - PACE_YEARS]
    pace = pace_from = None
    if len(window) >= 2:
        pace_from = int(window["year"].iloc[0])
        pace = (latest_value - float(window["population"].iloc[0])) / (latest - pace_from)
    years_to_target = target_year = None
    if latest_value <= target:
        status = "met"
    elif pace is None:
        status = "unknown"
    elif pace < 0:
        status = "on_track"
        years_to_target = (latest_value - target) / -pace
        target_year = latest + math.ceil(years_to_target)
    else:
        status = "not_on_track"
    needed = base_value - target
    share = 0.0 if needed <= 0 else max(0.0, min(1.0, (base_value - latest_value) / needed))
    return {"baseline": baseline, "baseline_value": base_value, "target": target, "latest": latest,
            "latest_value": latest_value, "pace": pace, "pace_from": pace_from, "status": status,
            "years_to_target": years_to_target, "target_year": target_year, "share_of_goal": share}


def progress_sentence(progress: dict | None) -> str:
    """The halving goal in one or two plain sentences."""
    if not progress:
        return "There are no published jail population counts to measure progress."
    p = progress
    head = (f"In {p['baseline']} the jail held about {p['baseline_value']:,.0f} people on an average day; half of "
            f"that is {p['target']:,.0f}. In {p['latest']} it held about {p['latest_value']:,.0f}.")
    if p["status"] == "met":
        return head + " The jail population is already at or below half its baseline level."
    if p["status"] == "unknown":
        return head + " There are too few years after the baseline to measure a pace."
    pace = (f"Over {p['pace_from']}–{p['latest']} it changed by about {p['pace']:+,.0f} people a year")
    if p["status"] == "not_on_track":
        return head + f" {pace}, so at that pace it is not on track to halve."
    years = p["years_to_target"]
    return head + (f" {pace}; at that pace it would take about {years:,.0f} more year{'s' if round(years) != 1 else ''}"
                   f" (around {p['target_year']}) to reach half.")


def halving_chart(jail: pd.DataFrame, progress: dict | None, *, title: str, source: str, built: str, demo: bool,
                  subtitle: str = "") -> go.Figure:
    """Jail population by year, the baseline, the half-of-baseline target and the projection at today's pace."""
    fig = go.Figure()
    frame = jail.dropna(subset=["population"]).sort_values("year")
    if frame.empty or progress is None:
        return no_data_figure("No published jail population counts",
                              title=title, source=source, built=built, demo=demo, subtitle=subtitle)
    hover = [f"{int(y)}: {v:,.0f} people in jail on an average day" for y, v in zip(frame["year"], frame["population"],
                                                                                    strict=True)]
    fig.add_trace(go.Scatter(x=list(frame["year"].astype(int)), y=list(frame["population"]), mode="lines+markers",
                             name="Jail population (average day)", line={"color": PALETTE[0], "width": 2.5},
                             text=hover, hovertemplate="%{text}<extra></extra>"))
    p = progress
    first, last = int(frame["year"].min()), int(frame["year"].max())
    end = last
    if p["status"] == "on_track" and p["target_year"] is not None:
        end = min(p["target_year"], last + 30)
        fig.add_trace(go.Scatter(
            x=[p["latest"], p["latest"] + p["years_to_target"]], y=[p["latest_value"], p["target"]],
            mode="lines", name="At the current pace", line={"color": PALETTE[2], "dash": "dash", "width": 2},
            hovertemplate="At the current pace: half reached around %{x:.0f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[first, max(end, last)], y=[p["target"], p["target"]], mode="lines",
                             name=f"Goal: half of {p['baseline']}",
                             line={"color": PALETTE[5], "dash": "dot", "width": 2},
                             hovertemplate=f"Goal: {p['target']:,.0f} people<extra></extra>"))
    fig.add_trace(go.Scatter(x=[p["baseline"]], y=[p["baseline_value"]], mode="markers",
                             name=f"Baseline ({p['baseline']})",
                             marker={"symbol": "star", "size": 14, "color": PALETTE[1]},
                             hovertemplate=f"Baseline {p['baseline']}: {p['baseline_value']:,.0f}<extra></extra>"))
    finish(fig, title=title, source=source, built=built, demo=demo, subtitle=subtitle)
    fig.update_layout(xaxis={"dtick": 1 if end - first <= 15 else 5, "gridcolor": "#f3f3f3"},
                      yaxis={"rangemode": "tozero", "tickformat": ",.0f", "title": {"text": "people in jail"},
                             "gridcolor": "#eee"})
    return fig


def halving_alt(progress: dict | None, place: str) -> str:
    return f"Line chart of the jail population of {place} by year. " + progress_sentence(progress)
