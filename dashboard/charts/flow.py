"""Case flow: how many cases reached each stage, from referral to charge to conviction to incarceration.

The counts come from the published (suppressed) metric values, summed over the chosen years: a year whose
cell is withheld is left out of that stage's sum and named. The stages are not one cohort followed through
the system: each is the number of decisions of that kind made in those years.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.common import PALETTE, escape, finish, no_data_figure
from dashboard.charts.trends import year_list
from dashboard.i18n import N_, _, number

# (stage key, plain label, the metric role (metric_definition.roles) whose count it is, which count, what the
# stage needs in the coverage table)
STAGES = (
    ("referred", N_("Referred by police"), "referred", "denominator", "referral"),
    ("charged", N_("Charged"), "declined", "charged", "referral"),
    ("resolved", N_("Resolved in court"), "resolved", "denominator", "disposition"),
    ("convicted", N_("Convicted"), "convicted", "numerator", "disposition"),
    ("sentenced", N_("Sentenced"), "sentenced", "denominator", "sentence"),
    ("incarcerated", N_("Sentenced to prison or jail"), "incarcerated", "numerator", "sentence"),
)
STAGE_WORDS = {"referral": N_("referrals from police"), "disposition": N_("court outcomes (dispositions)"),
               "sentence": N_("sentences"), "pretrial": N_("bail and release decisions"),
               "bail_request": N_("bail asked for beside bail set"),
               "bail_amount": N_("cash needed to go home on money bail"), "detention": N_("jail population")}


def flow_counts(values: pd.DataFrame, roles: Mapping[str, Sequence[str]], year_from: int, year_to: int
                ) -> pd.DataFrame:
    """Counts per stage over [year_from, year_to] from a county's yearly metric values (dimension 'all').

    `values` needs metric_id, year, numerator, denominator, suppressed. `roles`: each metric role's metric ids
    in order of preference (a year a metric lacks is taken from the next; the `metric_roles` query). Returns
    one row per stage with stage, label, count (NaN when the stage has no published year), years (published years used),
    withheld (years left out because suppressed), outside (years this stage has but another shown stage
    lacks, left out so that every stage covers the same years), available (bool).
    Like with like: when the stages cover different years (Cook County's intake 2011-2017, its dispositions
    2011-2016), every stage is summed over the years they all have, never 7 years set against 6.
    """
    counts = _stage_counts(values[(values["year"] >= year_from) & (values["year"] <= year_to)], roles)
    # a stage's span: the years its source covers, published or withheld (withheld years are named apart)
    spans = [set(years) | set(withheld) for years, withheld, available
             in zip(counts["years"], counts["withheld"], counts["available"], strict=True) if available]
    common = set.intersection(*spans) if spans else set()
    if not common or all(span == common for span in spans):
        return counts.assign(outside=[[] for _i in range(len(counts))])
    same = _stage_counts(values[values["year"].isin(common)], roles)
    same["outside"] = [sorted(set(before) - common) for before in counts["years"]]
    return same


def counted_years(counts: pd.DataFrame) -> list[int]:
    """The years the funnel's counts are summed over (what its title and sources must speak of)."""
    return sorted({int(y) for years in counts["years"] for y in years})


def flow_rows(values: pd.DataFrame, roles: Mapping[str, Sequence[str]], years: Sequence[int]) -> pd.DataFrame:
    """The metric values the funnel's counts are read from in `years`: their sources are the funnel's."""
    metric_ids = {m for _, _, role, _, _ in STAGES for m in roles.get(role, ())}
    metric_ids |= set(roles.get("diverted_before_charge", ()))
    return values[values["metric_id"].isin(metric_ids) & values["year"].isin(years)]


def _role_rows(frame: pd.DataFrame, metric_ids: Sequence[str]) -> pd.DataFrame:
    """The rows of the first metric that has each year: e.g. every referral is the denominator of the measure of
    referrals with another outcome; a source without such referrals has no such measure, and its referrals are
    the declination rate's denominator."""
    parts: list[pd.DataFrame] = []
    seen: set = set()
    for metric in metric_ids:
        rows = frame[(frame["metric_id"] == metric) & ~frame["year"].isin(seen)]
        if not rows.empty:
            parts.append(rows)
            seen |= set(rows["year"])
    return pd.concat(parts) if parts else frame.iloc[0:0]


def _stage_counts(values: pd.DataFrame, roles: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    frame = values.copy()
    frame["suppressed"] = frame["suppressed"].fillna(False).astype(bool)
    rows = []
    for key, label, role, which, _stage in STAGES:
        part = _role_rows(frame, roles.get(role, ()))
        if which == "charged":
            # charged = referrals - declined - diverted; a year whose diversion count is withheld cannot be
            # split; a year with no diversion measure at all (the source does not report it) counts none.
            declined = part.set_index("year")
            diverted = _role_rows(frame, roles.get("diverted_before_charge", ())).set_index("year")
            usable = [y for y in declined.index if not declined.loc[y, "suppressed"]
                      and (y not in diverted.index or not diverted.loc[y, "suppressed"])]
            withheld = sorted(set(declined.index) - set(usable))
            count = sum(declined.loc[y, "denominator"] - declined.loc[y, "numerator"]
                        - (diverted.loc[y, "numerator"] if y in diverted.index else 0)
                        for y in usable) if usable else float("nan")
            years = sorted(usable)
        else:
            published = part[~part["suppressed"]]
            withheld = sorted(part.loc[part["suppressed"], "year"].astype(int))
            years = sorted(published["year"].astype(int))
            count = float(published[which].sum()) if years else float("nan")
        rows.append({"stage": key, "label": _(label), "count": count, "years": years, "withheld": withheld,
                     "available": bool(years)})
    return pd.DataFrame(rows)


def missing_stages(coverage_stages: set[str]) -> list[str]:
    """The case stages a county's data do not cover, in plain words."""
    return [_(STAGE_WORDS[s]) for s in ("referral", "pretrial", "disposition", "sentence", "detention")
            if s not in coverage_stages]


def flow_chart(counts: pd.DataFrame, *, title: str, source: str, built: str, demo: bool,
               subtitle: str = "") -> go.Figure:
    """A funnel of the stages that have counts; stages without data are left out (the page says which)."""
    shown = counts[counts["available"]]
    fig = go.Figure()
    if shown.empty:
        return no_data_figure(_("No published counts for these years"),
                              title=title, source=source, built=built, demo=demo, subtitle=subtitle)
    hover = []
    for row in shown.itertuples(index=False):
        text = f"<b>{escape(row.label)}</b><br>" + escape(_("{n} cases in {years}").format(
            n=number(row.count), years=year_list(row.years)))
        if row.withheld:
            text += "<br>" + escape(_("Left out (too few to publish): {years}").format(years=year_list(row.withheld)))
        hover.append(text)
    fig.add_trace(go.Funnel(
        y=[escape(label) for label in shown["label"]], x=list(shown["count"]), textinfo="value",
        texttemplate="%{value:,.0f}", marker={"color": [PALETTE[i % len(PALETTE)] for i in range(len(shown))]},
        connector={"line": {"color": "#999", "width": 1}}, text=hover, hovertemplate="%{text}<extra></extra>",
        name="cases"))
    finish(fig, title=title, source=source, built=built, demo=demo, subtitle=subtitle)
    fig.update_layout(showlegend=False, margin={"l": 10}, yaxis={"automargin": True})
    return fig


def flow_alt(counts: pd.DataFrame, place: str, years: str) -> str:
    shown = counts[counts["available"]]
    if shown.empty:
        return _("No published case counts for {place} in {years}.").format(place=place, years=years)
    steps = "; ".join(f"{row.label}: {number(row.count)}" for row in shown.itertuples(index=False))
    return _("Funnel of case counts for {place}, {years}, each stage summed over its published years. {steps}.").format(
        place=place, years=years, steps=steps)
