"""Detention: the jail population's trend, the halving goal at the recent pace, and the cost of pretrial detention.

The arithmetic is pure and unit-tested (`halving_outlook`, `term_outlook`, `pretrial_cost`); the sentences go
through dashboard.i18n; `halving_chart` draws the jail population with the goal and the projection at the fitted
pace. Only whole years enter any of it: a part-year's average is never set against whole years.

The pace is a log-linear fit (least squares of the logarithm of the yearly average on the year) over the most
recent RECENT_YEARS whole years: a jail grows and shrinks by shares of itself (admissions and lengths of stay act
on the people held), so its pace reads as a percentage a year; a straight line could project below zero, a
log-linear one never does. Its 95% interval is the slope's, from Student's t with n - 2 degrees of freedom.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import PALETTE, finish, no_data_figure
from dashboard.charts.events import footer_note, mark_events
from dashboard.i18n import _, month_text, number, percent, short_month_text

RECENT_YEARS = 4  # the pace's window: recent enough to be today's pace, long enough for an interval
GOAL_YEARS = 10  # "halve it in 10 years": the pace that would do it
# Student's t, two-sided 95%, by degrees of freedom (beyond the table the normal 1.96 is close enough)
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
       12: 2.179, 15: 2.131, 20: 2.086, 30: 2.042}


def t95(df: int) -> float:
    """The two-sided 95% quantile of Student's t (the nearest tabled degrees of freedom at or below `df`)."""
    return T95[max(k for k in T95 if k <= df)] if df <= 30 else 1.96


@dataclass(frozen=True)
class Pace:
    """A log-linear fit over whole years: `rate` is the yearly change as a share (-0.03: 3% fewer a year)."""

    first: int
    last: int
    rate: float
    rate_low: float | None  # 95% interval of the rate; None with two years (a line through two points)
    rate_high: float | None
    people: float  # the rate in people a year at the last year's level


@dataclass(frozen=True)
class Outlook:
    """Where the jail stands against half its baseline, and when the recent pace would get it there."""

    baseline: int
    baseline_value: float
    target: float
    latest: int
    latest_value: float
    change: float  # latest - baseline, people
    change_share: float  # change / baseline
    pace: Pace | None  # None: fewer than two whole years from the baseline on
    status: str  # met | never | year | unknown
    year: int | None  # the year half is reached at the pace (status 'year')
    year_low: int | None  # the interval's early end
    year_high: int | None  # the interval's late end; None with status 'year': never, at the slow end
    needed_people: float  # fewer people a year that would reach half within GOAL_YEARS of `latest`
    needed_rate: float  # the same as a yearly share


def fit_pace(years: list[int], values: list[float]) -> Pace | None:
    """Least squares of log(value) on year; None with fewer than two years or a value that is not positive."""
    if len(years) < 2 or any(v <= 0 for v in values):
        return None
    n = len(years)
    logs = [math.log(v) for v in values]
    mx, my = sum(years) / n, sum(logs) / n
    sxx = sum((x - mx) ** 2 for x in years)
    slope = sum((x - mx) * (y - my) for x, y in zip(years, logs, strict=True)) / sxx
    low = high = None
    if n > 2:
        intercept = my - slope * mx
        sse = sum((y - intercept - slope * x) ** 2 for x, y in zip(years, logs, strict=True))
        half = t95(n - 2) * math.sqrt(sse / (n - 2) / sxx)
        low, high = math.expm1(slope - half), math.expm1(slope + half)
    rate = math.expm1(slope)
    return Pace(first=years[0], last=years[-1], rate=rate, rate_low=low, rate_high=high,
                people=values[-1] * rate)


def years_to_half(latest_value: float, target: float, rate: float) -> float | None:
    """Years from the latest level to `target` at a constant yearly `rate`; None when it never gets there."""
    if latest_value <= target:
        return 0.0
    if rate >= 0:
        return None
    return math.log(target / latest_value) / math.log1p(rate)


def halving_outlook(jail: pd.DataFrame, baseline: int | None = None, *, recent: int = RECENT_YEARS) -> Outlook | None:
    """The halving goal for a series of whole-year averages (`jail`: year, population).

    The baseline defaults to the first year; a baseline with no value moves to the first year after it. The
    pace is fitted over the last `recent` years from the baseline on. None without a year at or after it.
    """
    frame = jail.dropna(subset=["population"]).sort_values("year")
    frame = frame[frame["population"] > 0]
    years = [int(y) for y in frame["year"]]
    after = [y for y in years if baseline is None or y >= baseline]
    if not after:
        return None
    baseline = after[0]
    value = dict(zip(years, (float(v) for v in frame["population"]), strict=True))
    base_value, latest = value[baseline], after[-1]
    latest_value, target = value[latest], value[baseline] / 2
    window = after[-recent:]
    pace = fit_pace(window, [value[y] for y in window])
    year = low = high = None
    if latest_value <= target:
        status = "met"
    elif pace is None:
        status = "unknown"
    elif pace.rate >= 0:
        status = "never"
    else:
        status = "year"
        year = latest + math.ceil(years_to_half(latest_value, target, pace.rate))
        if pace.rate_low is not None:
            early = years_to_half(latest_value, target, pace.rate_low)
            late = years_to_half(latest_value, target, pace.rate_high)
            low = latest + math.ceil(early) if early is not None else None
            high = latest + math.ceil(late) if late is not None else None
    gap = max(0.0, latest_value - target)
    return Outlook(baseline=baseline, baseline_value=base_value, target=target, latest=latest,
                   latest_value=latest_value, change=latest_value - base_value,
                   change_share=(latest_value - base_value) / base_value, pace=pace, status=status, year=year,
                   year_low=low, year_high=high, needed_people=gap / GOAL_YEARS,
                   needed_rate=0.0 if gap == 0 else 1 - (target / latest_value) ** (1 / GOAL_YEARS))


def first_whole_year(start: date) -> int:
    """The first calendar year a term covers from 1 January (a term starting on 1 January counts its year)."""
    return start.year if (start.month, start.day) == (1, 1) else start.year + 1


def term_years(start: date, end: date | None, years: list[int]) -> list[int]:
    """The years of `years` a term answers for: from its first whole year, to the last year it held most of."""
    first = first_whole_year(start)
    last = None
    if end is not None:
        last = end.year if end >= date(end.year, 7, 2) else end.year - 1
    return [y for y in years if y >= first and (last is None or y <= last)]


@dataclass(frozen=True)
class TermOutlook:
    """The halving arithmetic over one prosecutor's years in office."""

    name: str
    start: date
    end: date | None
    first_whole: int  # their first whole year in office (the baseline they would be measured from)
    series_first: int | None  # the jail series' first whole year
    outlook: Outlook | None  # None: no whole year of theirs in the jail data


def term_outlook(jail: pd.DataFrame, name: str, start: date, end: date | None) -> TermOutlook:
    """The change from a prosecutor's first whole year in office (or the series' first, if it starts later)
    over the years they answer for, with the pace of those years."""
    frame = jail.dropna(subset=["population"]).sort_values("year")
    years = [int(y) for y in frame["year"]]
    mine = term_years(start, end, years)
    outlook = halving_outlook(frame[frame["year"].isin(mine)], mine[0]) if mine else None
    return TermOutlook(name=name, start=start, end=end, first_whole=first_whole_year(start),
                       series_first=years[0] if years else None, outlook=outlook)


def pretrial_cost(population: float, pretrial_share: float | None, per_day: float, days: int = 365) -> float:
    """What a year of detention cost: people held (the pretrial part where its share is known) x days x cost
    per day."""
    held = population * (pretrial_share if pretrial_share is not None else 1.0)
    return held * days * per_day


def days_in(year: int) -> int:
    return 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365


SMALL = 10  # the suppression threshold: a number of people under it is never written out


def _people(value: float) -> str:
    """A number of people as a chart writes it; one under 10 (but not none) is "fewer than 10", so that no count
    of 1-9 can be read from the page (a small jail's goal, pace or pretrial part)."""
    if 0 < abs(value) < SMALL - 0.5:
        return _("fewer than {n}").format(n=SMALL)
    return number(value)


def _about(value: float) -> str:
    """A number of people as a sentence says it: "about 5,758", or "fewer than 10"."""
    if 0 < abs(value) < SMALL - 0.5:
        return _people(value)
    return _("about {n}").format(n=_people(value))


def _pct(share: float, *, sign: bool = True) -> str:
    return ("+" if sign and share >= 0 else "") + percent(share, 1)


def pace_sentence(o: Outlook) -> str:
    """When half the baseline is reached at the fitted pace, with its interval; or why not."""
    if o.status == "met":
        return _("That is already at or below half of the {baseline} level.").format(baseline=o.baseline)
    if o.pace is None:
        return _("There are too few whole years from {baseline} on to measure a pace.").format(baseline=o.baseline)
    p = o.pace
    span = f"{p.first}–{p.last}"
    if o.status == "never":
        text = _("At the {span} pace ({rate} a year), never: the jail is not getting smaller.").format(
            span=span, rate=_pct(p.rate))
        if p.rate_low is not None:
            text += " " + _("The pace's 95% interval runs from {low} to {high} a year.").format(
                low=_pct(p.rate_low), high=_pct(p.rate_high))
        return text
    text = _("At the {span} pace ({rate} a year, {people} people a year), the jail would reach half of "
             "{baseline} in {year}").format(span=span, rate=_pct(p.rate), people=_about(abs(p.people)),
                                            baseline=o.baseline, year=o.year)
    if p.rate_low is None:
        return text + " " + _("(two years are too few to say how sure that is).")
    if o.year_high is None:
        return text + " " + _("(somewhere between {low} and never: the pace could as well be flat or rising).").format(
            low=o.year_low)
    return text + " " + _("(somewhere between {low} and {high}).").format(low=o.year_low, high=o.year_high)


def needed_sentence(o: Outlook) -> str:
    """The pace that would reach half of the baseline within GOAL_YEARS of the latest year."""
    if o.status == "met":
        return ""
    return _("To reach half of {baseline} by {goal}, it would have to fall by {people} people a year "
             "({rate} a year).").format(baseline=o.baseline, goal=o.latest + GOAL_YEARS,
                                         people=_about(o.needed_people), rate=_pct(-o.needed_rate))


def progress_sentence(o: Outlook | None) -> str:
    """The halving goal in plain sentences: where it stands, when the recent pace gets there, what it would take."""
    if o is None:
        return _("There are no published whole-year jail population counts to measure progress.")
    head = _("In {baseline} the jail held {base} people on an average day; half of that is {target}. In "
             "{latest} it held {now} ({change} since {baseline}).").format(
        baseline=o.baseline, base=_about(o.baseline_value), target=_about(o.target), latest=o.latest,
        now=_about(o.latest_value), change=_pct(o.change_share))
    return " ".join(s for s in (head, pace_sentence(o), needed_sentence(o)) if s)


def term_sentence(t: TermOutlook) -> str:
    """The same arithmetic from the prosecutor's first whole year in office, said honestly when the jail series
    starts later than their term or holds too little of it."""
    took = month_text(t.start)
    if t.outlook is None:
        if t.series_first is not None and t.first_whole > t.series_first:
            return _("{name} took office in {took}; the jail data hold no whole year of their time in office "
                     "yet.").format(name=t.name, took=took)
        return _("The jail data hold no whole year of {name}'s time in office ({took}).").format(name=t.name,
                                                                                                 took=took)
    o = t.outlook
    parts = []
    if t.series_first is not None and t.series_first > t.first_whole:
        parts.append(_("The jail series starts in {first}, after {name} took office ({took}): it is measured from "
                       "{first}, not from their first whole year in office, {whole}.").format(
            first=t.series_first, name=t.name, took=took, whole=t.first_whole))
    if o.latest == o.baseline:
        parts.append(_("{name} took office in {took}; in {year}, the only whole year of their time in office in the "
                       "jail data, the jail held {people} people on an average day. One whole year is too few "
                       "to measure a pace.").format(name=t.name, took=took, year=o.baseline,
                                                     people=_about(o.baseline_value)))
        return " ".join(parts)
    if t.end is None:
        lead = _("Since {name} took office ({took}): in {baseline} the jail held {base} people on an average "
                 "day; in {latest}, {now} ({change}).")
    else:
        lead = _("While {name} was in office ({took} to {ended}): in {baseline} the jail held {base} people on "
                 "an average day; in {latest}, {now} ({change}).")
    parts.append(lead.format(name=t.name, took=took, ended=month_text(t.end) if t.end else "",
                             baseline=o.baseline, base=_about(o.baseline_value), latest=o.latest,
                             now=_about(o.latest_value), change=_pct(o.change_share)))
    parts.append(pace_sentence(o))
    return " ".join(parts)


def cost_sentence(population: float, year: int, pretrial_share: float | None, per_day: float, cited: bool) -> str:
    """The cost of a year of (pretrial) detention in words, saying which figure it rests on."""
    cost = pretrial_cost(population, pretrial_share, per_day, days_in(year))
    figure = _("the cited figure") if cited else _("the figure entered")
    if pretrial_share is None:
        return _("In {year} {people} people were in the jail on an average day. At {figure} of ${per_day} a "
                 "day, a year of that cost about ${cost}. The data do not say how many of them were held before "
                 "trial, so this is the cost of the whole jail, not of pretrial detention alone.").format(
            year=year, people=_about(population), figure=figure, per_day=number(per_day, 2),
            cost=number(cost))
    return _("In {year} {held} of the {people} people in the jail on an average day ({share}) were held "
             "before trial. At {figure} of ${per_day} a day, a year of pretrial detention cost about ${cost}.").format(
        year=year, held=_about(population * pretrial_share), people=_people(population),
        share=_pct(pretrial_share, sign=False), figure=figure, per_day=number(per_day, 2), cost=number(cost))


def _month_text(month: pd.Timestamp, people: float, days: int) -> str:
    if days:
        return _("{month}: {people} people on an average day ({days} days reported)").format(
            month=short_month_text(month), people=_people(people), days=days)
    return _("{month}: {people} people on an average day (a monthly figure)").format(
        month=short_month_text(month), people=_people(people))


PROJECTION_YEARS = 30  # the chart draws the projection at most this far past the data


def chart_end(outlook: Outlook | None) -> int | None:
    """The last year the jail chart draws: the year half is reached at the pace, or PROJECTION_YEARS past the
    data if that is later; the latest year when there is no projection."""
    if outlook is None:
        return None
    if outlook.status == "year" and outlook.year is not None and outlook.pace is not None:
        return max(outlook.latest, min(outlook.year, outlook.latest + PROJECTION_YEARS))
    return outlook.latest


def _mid(year: float) -> str:
    whole = int(math.floor(year))
    day = date(whole, 1, 1) + (date(whole + 1, 1, 1) - date(whole, 1, 1)) * (year - whole + 0.5)
    return day.isoformat()


def halving_chart(jail: pd.DataFrame, outlook: Outlook | None, *, title: str, source: str, built: str, demo: bool,
                  subtitle: str = "", events: pd.DataFrame | None = None,
                  months: pd.DataFrame | None = None) -> go.Figure:
    """Average daily jail population by whole year, the half-of-baseline goal, the projection at the fitted
    pace, and the dated events of the place; `months` (month, population, days_reported), where the source
    reports by day or month, as a thin line beneath, part-year months included (they never enter the arithmetic).
    """
    fig = go.Figure()
    frame = jail.dropna(subset=["population"]).sort_values("year")
    if frame.empty or outlook is None:
        return no_data_figure(_("No published jail population counts"),
                              title=title, source=source, built=built, demo=demo, subtitle=subtitle)
    o = outlook
    last_day = None
    if months is not None and not months.empty:
        months = months.sort_values("month")
        days = pd.to_datetime(months["month"])
        fig.add_trace(go.Scatter(
            x=[d.date().isoformat() for d in days + pd.Timedelta(days=14)], y=list(months["population"]),
            mode="lines", name=_("Monthly average"), line={"color": "#9ecae1", "width": 1.2},
            text=[_month_text(d, p, int(n))
                  for d, p, n in zip(days, months["population"], months["days_reported"], strict=True)],
            hovertemplate="%{text}<extra></extra>"))
        last_day = (days.iloc[-1] + pd.offsets.MonthEnd(0)).date()
    years = [int(y) for y in frame["year"]]
    hover = [_("{year}: {people} people in jail on an average day").format(year=y, people=_people(v))
             for y, v in zip(years, frame["population"], strict=True)]
    fig.add_trace(go.Scatter(x=[_mid(y) for y in years], y=list(frame["population"]), mode="lines+markers",
                             name=_("Jail population (average day, whole years)"),
                             line={"color": PALETTE[0], "width": 2.5}, text=hover,
                             hovertemplate="%{text}<extra></extra>"))
    first, last = years[0], years[-1]
    end = max(chart_end(o), last)
    if end > o.latest and o.pace is not None:
        steps = list(range(o.latest, end + 1))
        path = [o.latest_value * (1 + o.pace.rate) ** (y - o.latest) for y in steps]
        fig.add_trace(go.Scatter(
            x=[_mid(y) for y in steps], y=path, mode="lines",
            name=_("At the {first}–{last} pace").format(first=o.pace.first, last=o.pace.last),
            line={"color": PALETTE[2], "dash": "dash", "width": 2},
            hovertemplate=_("At the fitted pace: %{y:,.0f} people in %{x|%Y}") + "<extra></extra>"))
    fig.add_trace(go.Scatter(x=[_mid(first), _mid(max(end, last))], y=[o.target, o.target], mode="lines",
                             name=_("Goal: half of {baseline}").format(baseline=o.baseline),
                             line={"color": PALETTE[5], "dash": "dot", "width": 2},
                             hovertemplate=_("Goal: {people} people").format(people=_people(o.target))
                             + "<extra></extra>"))
    fig.add_trace(go.Scatter(x=[_mid(o.baseline)], y=[o.baseline_value], mode="markers",
                             name=_("Baseline ({year})").format(year=o.baseline),
                             marker={"symbol": "star", "size": 14, "color": PALETTE[1]},
                             hovertemplate=_("Baseline {year}: {people}").format(
                                 year=o.baseline, people=_people(o.baseline_value)) + "<extra></extra>"))
    x0, x1 = date(first, 1, 1), max(date(max(end, last), 12, 31), last_day or date(first, 1, 1))
    drawn = mark_events(fig, events, x0, x1)
    note = footer_note(drawn)
    finish(fig, title=title, source=f"{source} | {note}" if note else source, built=built, demo=demo,
           subtitle=subtitle)
    fig.update_layout(xaxis={"range": [x0.isoformat(), x1.isoformat()], "dtick": "M12" if end - first <= 15
                             else "M60", "tickformat": "%Y", "gridcolor": "#f3f3f3"},
                      yaxis={"rangemode": "tozero", "tickformat": ",.0f", "title": {"text": _("people in jail")},
                             "gridcolor": "#eee"})
    return fig


def halving_alt(outlook: Outlook | None, place: str) -> str:
    return _("Line chart of the average daily jail population of {place} by whole year.").format(place=place) + \
        " " + progress_sentence(outlook)
