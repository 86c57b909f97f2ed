"""The questions page's content: the campaign's questions, each answered in one sentence, for a county or a
prosecutor.

Each section sets two groups of one breakdown side by side (drug cases and all other cases; people aged 55 and over
and people under 55; misdemeanours and felonies) or shows pretrial measures of every case (money bail; the cash
needed to go home), from the warehouse's published cells only (questions_values.sql adds published cells and
nothing else). The metrics come from their roles in the warehouse's metric_definition, never by id. The sentences
are pure functions of the query's frames (`section`), tested with small frames; `questions_view` runs the queries
and is cached per warehouse version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import components, db
from dashboard.charts import questions as chart
from dashboard.content import VIEWS_KEPT, Block, md, source_titles
from dashboard.i18n import N_, _, cache_per_language, date_text, format_value, number
from dashboard.summary import place_name, sources_text


@dataclass(frozen=True)
class Lens:
    """One question: the breakdown it reads, its two groups, the metric roles it shows."""

    key: str  # its URL value (`lens=`)
    heading: str
    question: str
    dimension: str  # a breakdown of metric_value; "all" for a question about every case
    a: tuple[str, ...]  # the breakdown values of the first group
    b: tuple[str, ...]  # the second group's; empty: every case not in the first (the `all` cell less it)
    names: tuple[str, str]  # the two groups in words
    roles: tuple[str, ...]  # metric roles, in the order shown
    records: str  # what the breakdown records, for "the published data do not record ..."
    absent: str = ""  # said when the data hold none of its measures (default: the measures named)


# The age bands of the warehouse's vocabulary split at 55 (55_64 and 65_plus above it), so "55 and over" is exact;
# `unknown` ages are in neither group.
LENSES: tuple[Lens, ...] = (
    Lens("drug", N_("Drug offences"),
         N_("Treatment, not handcuffs: how are drug cases handled, against every other case?"),
         "offense_category", ("drug",), (), (N_("drug cases"), N_("all other cases")),
         ("declined", "diverted_before_charge", "diverted_after_charge", "held_without_bail", "money_bail"),
         N_("the type of offence")),
    Lens("older", N_("Older people"),
         N_("Are older people (aged 55 and over) locked up or prosecuted as often as younger people?"),
         "age_band", ("55_64", "65_plus"), ("under_18", "18_24", "25_34", "35_44", "45_54"),
         (N_("people aged 55 and over"), N_("people under 55")), ("decision_point",), N_("age")),
    Lens("bail", N_("Wealth-based detention"), N_("How often must people pay money to go home before trial?"), "all",
         (), (), (N_("all bail decisions"), ""), ("money_bail", "held_without_bail"), N_("bail decisions")),
    Lens("amount", N_("What bail costs"),
         N_("When money bail is set, how much cash must people find to go home before trial?"), "all",
         (), (), (N_("money bail set with an amount"), ""), ("release_cash",), N_("money bails set with an amount"),
         N_("The published data for {subject} give no amount for each money bail, so this page cannot say how "
            "much cash people needed to go home.")),
    Lens("level", N_("Low-level cases"), N_("Are misdemeanours pushed through the system like felonies?"),
         "offense_level", ("misdemeanor",), ("felony",), (N_("misdemeanours"), N_("felonies")), ("decision_point",),
         N_("whether a case is a misdemeanour or a felony")),
)
LENS_KEYS = tuple(lens.key for lens in LENSES)

# What a measure's denominator counts, by the stage of the warehouse's vocabulary (translated where shown).
STAGE_NOUNS = {"referral": N_("cases police brought to prosecutors"),
               "pretrial": N_("bail decisions at first appearance"), "disposition": N_("resolved cases"),
               "sentence": N_("sentences"), "bail_request": N_("arraignments"),
               "bail_amount": N_("money bails set with an amount")}

# The cited incomes of people held on bail (the title stays as published, in English).
BAIL_INCOME_TITLE = ("Detaining the Poor: How money bail perpetuates an endless cycle of poverty and jail time")
BAIL_INCOME_URL = "https://www.prisonpolicy.org/graphs/incomejails_fig2.html"
BAIL_INCOME_PUBLISHER = "Prison Policy Initiative"
BAIL_INCOME_MEN, BAIL_INCOME_WOMEN = 15_598, 11_071  # median yearly income before jail, 2015 dollars
BAIL_INCOMES = N_(
    "For scale, the Prison Policy Initiative found that people aged 23 to 39 held in local jails because they could "
    "not post a bail bond had a median income before they were jailed of {men} a year (men) and {women} (women), in "
    "2015 dollars: about {men_month} and {women_month} a month. Source: Bernadette Rabuy and Daniel Kopf, "
    "[{title}]({url}), {publisher}, 2016.")


@dataclass(frozen=True)
class Section:
    """One question's answer: the sentence, the chart and its data, the source line, and extra notes."""

    lens: Lens
    sentence: str  # markdown, data text escaped
    block: Block | None
    source: str  # markdown
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What `section` works out from the frames, before any chart is drawn."""

    sentence: str  # plain text (not escaped)
    rows: pd.DataFrame  # the chosen period's rows to chart and download (empty: nothing to show)
    period: str  # the chosen period in words ('' when none)
    source_ids: tuple[str, ...]


def metrics_for(lens: Lens, roles: dict[str, tuple[str, ...]], order: list[str]) -> list[str]:
    """The lens's metrics: every metric playing one of its roles, roles in the lens's order, each role's metrics
    in the catalogue's `order`."""
    out: list[str] = []
    for role in lens.roles:
        out.extend(m for m in sorted(roles.get(role, ()), key=lambda m: order.index(m) if m in order else 99)
                   if m not in out)
    return out


def _interval(row: pd.Series) -> str:
    return _("95% interval {low}–{high}").format(low=format_value(row["ci_low"], "share", digits=1),
                                                  high=format_value(row["ci_high"], "share", digits=1))


def _group(row: pd.Series, name: str) -> str:
    return _("{value} of {group} (n = {n}; {interval})").format(
        value=format_value(row["value"], "share", digits=1), group=_(name), n=number(row["denominator"]),
        interval=_interval(row))


def _difference(a: pd.Series, b: pd.Series) -> str:
    if a["ci_low"] > b["ci_high"] or a["ci_high"] < b["ci_low"]:
        return _("the intervals do not overlap")
    return _("the intervals overlap, so the difference may be chance")


def section(lens: Lens, values: pd.DataFrame, periods: pd.DataFrame, *, subject: str, labels: dict[str, str],
            metrics: list[str], where: str = "", amounts: dict[str, float] | None = None) -> Answer:
    """The answer to one question from questions_values.sql's rows (`values`, with a `period_key` column) and
    `periods` (period_key, rank: higher is later, when: the period and who was in office, in words, e.g. 'In 2019,
    with Kim Foxx in office'; whole: whether the period is whole).

    The latest whole period in which both groups of some metric are published is chosen; its first metric in
    `metrics` order makes the sentence. Where the data do not allow an answer, the sentence says why. `subject`
    is the county or the prosecutor; `where`, the place the counts are from (a county's name; empty for a
    prosecutor, whose period already names the office); `amounts`, each measure's amount in dollars where the
    measures count money at or above an amount (metric_definition.amount_at_least): the sentence then lists
    every amount."""
    empty = values.iloc[0:0]
    wanted = [labels.get(m, m).lower() for m in metrics]
    rows = values[values["metric_id"].isin(metrics)]
    if rows.empty:
        if lens.absent:
            return Answer(_(lens.absent).format(subject=subject), empty, "", ())
        return Answer(_("The published data for {subject} include none of the measures this question needs "
                        "({measures}).").format(subject=subject, measures=_or(wanted)), empty, "", ())
    if lens.dimension != "all" and not rows["recorded"].astype(bool).any():
        return Answer(_("The published data for {subject} do not record {what}.").format(
            subject=subject, what=_(lens.records)), empty, "", ())
    whole = set(periods.loc[periods["whole"].astype(bool), "period_key"])
    sides = ("all",) if lens.dimension == "all" else ("a", "b")
    usable = rows[rows["grp"].isin(sides) & rows["value"].notna() & rows["period_key"].isin(whole)]
    both = usable.groupby(["period_key", "metric_id"])["grp"].nunique()
    both = both[both == len(sides)].reset_index()
    if both.empty:
        if lens.dimension == "all":
            return Answer(_("The published data for {subject} have too few {what} in any whole period to publish a "
                            "rate.").format(subject=subject, what=_(lens.records)), empty, "", ())
        return Answer(_("The published data for {subject} record {what}, but in no whole period are there enough "
                        "cases of both {first} and {second} to publish the comparison.").format(
            subject=subject, what=_(lens.records), first=_(lens.names[0]), second=_(lens.names[1])), empty, "", ())
    ranked = periods.set_index("period_key")["rank"]
    key = max(both["period_key"], key=lambda k: ranked[k])
    shown_metrics = [m for m in metrics if m in set(both.loc[both["period_key"] == key, "metric_id"])]
    chosen = rows[(rows["period_key"] == key) & rows["metric_id"].isin(shown_metrics) & rows["grp"].isin(sides)]
    chosen = chosen.assign(order=chosen["metric_id"].map(metrics.index)).sort_values(["order", "grp"])
    when = str(periods.set_index("period_key").loc[key, "when"])
    head = chosen[chosen["metric_id"] == shown_metrics[0]].set_index("grp")
    label = labels.get(shown_metrics[0], shown_metrics[0])
    sources = tuple(dict.fromkeys(s for cell in chosen["source_ids"].dropna()
                                  for s in str(cell).split(",") if s))
    lead = _("{when}, in {place}").format(when=when, place=where) if where else when
    if lens.dimension == "all" and amounts:
        return Answer(_amounts_sentence(lead, chosen, amounts), chosen, when, sources)
    if lens.dimension == "all":
        row = head.loc["all"]
        sentence = _("{lead}: {measure} in {value} of {n} {cases} ({interval}).").format(
            lead=lead, measure=label.lower(), value=format_value(row["value"], "share", digits=1),
            n=number(row["denominator"]), cases=_stage_noun(row), interval=_interval(row))
        return Answer(sentence, chosen, when, sources)
    a, b = head.loc["a"], head.loc["b"]
    comparison = _("{measure}: {first} against {second}; {difference}").format(
        measure=label.lower(), first=_group(a, lens.names[0]), second=_group(b, lens.names[1]),
        difference=_difference(a, b))
    share = rows[(rows["period_key"] == key) & (rows["grp"] == "share") & rows["value"].notna()]
    if lens.key == "drug" and not share.empty:
        first = share.assign(order=share["metric_id"].map(metrics.index)).sort_values("order").iloc[0]
        figures = dict(when=when, value=format_value(first["value"], "share", digits=1),
                       n=number(first["denominator"]), cases=_stage_noun(first), interval=_interval(first),
                       comparison=comparison, place=where)
        sentence = (_("{when}, drug cases were {value} of the {n} {cases} in {place} ({interval}); {comparison}.")
                    if where else
                    _("{when}, drug cases were {value} of the {n} {cases} ({interval}); {comparison}.")).format(
            **figures)
    else:
        sentence = _("{lead}, {comparison}.").format(lead=lead, comparison=comparison)
    return Answer(sentence, chosen, when, sources)


def dollars(amount: float, *, markdown: bool = False) -> str:
    """An amount of US dollars; for `markdown`, the dollar sign escaped (Streamlit reads `$` as LaTeX)."""
    return ("\\$" if markdown else "$") + number(amount)


def _amounts_sentence(lead: str, chosen: pd.DataFrame, amounts: dict[str, float]) -> str:
    """'In 2022, ...: of 11,344 money bails set with an amount, 96% (95% interval ...) needed $500 or more in cash
    to go home, 94% ... $1,000 or more, ...': every published amount of the period, lowest first."""
    rows = chosen[chosen["grp"] == "all"].assign(amount=chosen["metric_id"].map(amounts)).dropna(subset=["amount"])
    rows = rows.sort_values("amount")
    items = [_("{value} ({interval}) needed {amount} or more in cash to go home").format(
                 value=format_value(r["value"], "share", digits=1), interval=_interval(r), amount=dollars(r["amount"]))
             if i == 0 else
             _("{value} ({interval}) {amount} or more").format(
                 value=format_value(r["value"], "share", digits=1), interval=_interval(r), amount=dollars(r["amount"]))
             for i, (_index, r) in enumerate(rows.iterrows())]
    first = rows.iloc[0]
    return _("{lead}: of {n} {cases}, {items}.").format(lead=lead, n=number(first["denominator"]),
                                                         cases=_stage_noun(first), items=_and(items))


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def _stage_noun(row: pd.Series) -> str:
    return _(STAGE_NOUNS.get(str(row["stage"]), N_("cases")))


def _or(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("{items} or {last}").format(items=", ".join(items[:-1]), last=items[-1])


def county_periods(values: pd.DataFrame, attributed: pd.DataFrame) -> pd.DataFrame:
    """A county's periods are its years: whole unless value_period marks one partial; `attributed` (year,
    prosecutor) names who was in office (most of the year where the source gives only years)."""
    years = values.groupby("year", as_index=False).agg(partial=("partial", "any"))
    who = dict(zip(attributed["year"], attributed["prosecutor"], strict=False))
    return pd.DataFrame({
        "period_key": years["year"].astype(str), "rank": years["year"].astype(int),
        "whole": ~years["partial"].astype(bool),
        "when": [_("In {year}, with {name} in office").format(year=y, name=who[y]) if isinstance(who.get(y), str)
                 else _("In {year}").format(year=y) for y in years["year"]]})


def term_periods(terms: pd.DataFrame, name: str) -> pd.DataFrame:
    """A prosecutor's periods are their terms (the warehouse pools a term's cases into one cell): `terms` from
    questions_terms.sql (term_id, office_name, start_date, end_date, years: the office's data years in it,
    partial_years: those covering part of the year only, named so a pooled figure is not read as whole years)."""
    out = []
    for term_id, rows in terms.groupby("term_id", sort=False):
        first = rows.iloc[0]
        start = pd.Timestamp(first["start_date"]).date()
        end = None if pd.isna(first["end_date"]) else pd.Timestamp(first["end_date"]).date()
        years = sorted({int(y) for cell in rows["years"].dropna() for y in cell})
        partial = sorted({int(y) for cell in rows.get("partial_years", pd.Series(dtype=object)).dropna()
                          for y in cell})
        span = "" if not years else _("; data for {years}").format(
            years=f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}")
        if partial:
            span += _(", {years} for part of the year only").format(years=_and([str(y) for y in partial]))
        when = (_("During {name}'s term as {office} (from {start} to {end}{data})") if end else
                _("During {name}'s term as {office} (from {start} on{data})")).format(
            name=name, office=first["office_name"], start=date_text(start), end=date_text(end) if end else "",
            data=span)
        out.append({"period_key": term_id, "rank": start.toordinal(), "whole": True, "when": when})
    return pd.DataFrame(out, columns=["period_key", "rank", "whole", "when"])


def table(answer: Answer, lens: Lens, labels: dict[str, str], *, place: str, source: str) -> pd.DataFrame:
    """The figures the chart shows, for its table and CSV: counts as published, with the period and source."""
    rows = answer.rows
    names = {"a": _(lens.names[0]), "b": _(lens.names[1]), "all": _(lens.names[0])}
    return pd.DataFrame({
        _("place or prosecutor"): place, _("period"): answer.period,
        _("measure"): [labels.get(m, m) for m in rows["metric_id"]],
        _("group"): [names.get(g, g) for g in rows["grp"]],
        "value": rows["value"].round(4), "ci_low": rows["ci_low"].round(4), "ci_high": rows["ci_high"].round(4),
        "numerator": rows["numerator"], "denominator": rows["denominator"], _("source"): source,
    }).reset_index(drop=True)


# --- from the warehouse -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionsPage:
    """The whole page for one county or prosecutor."""

    title: str
    subject: str
    caption: str
    sections: tuple[Section, ...]


@cache_per_language(max_entries=VIEWS_KEPT, show_spinner=False)
def questions_view(kind: str, ident: str, version: db.Version, today: date) -> QuestionsPage:
    """kind 'county' (ident = FIPS) or 'prosecutor' (ident = prosecutor id)."""
    metrics = db.query("metric_definitions")
    labels = dict(zip(metrics["metric_id"], metrics["label"], strict=True))
    amounts = {m: float(a) for m, a in zip(metrics["metric_id"], metrics["amount_at_least"], strict=True)
               if pd.notna(a)}
    caveats = dict(zip(metrics["metric_id"], metrics["caveat"], strict=True))
    order = list(metrics["metric_id"])
    roles = {row.role: tuple(row.metric_ids) for row in db.query("metric_roles").itertuples(index=False)}
    titles, built, demo = source_titles(), components.built_date(), db.is_demo()
    if kind == "county":
        profile = db.query("county_profile", fips=ident).iloc[0]
        place = place_name(profile["county_name"], profile["state_abbr"], profile["state_name"], ident)
        subject, title, scope, ids, where = place, place, "county", [ident], place
        caption = _("Each answer is for the latest whole year with enough published cases in both groups, with the "
                    "prosecutor in office that year (most of the year where sources give only years).")
        attributed = db.query("county_series", fips=ident, dimension="all")[["year", "prosecutor"]].dropna()
        attributed = attributed.drop_duplicates("year")
    else:
        profile = db.query("prosecutor_profile", id=ident).iloc[0]
        subject = title = str(profile["name"])
        scope, where = "term", ""
        caption = _("Each answer is for one of their terms as a whole (the latest with enough published cases in "
                    "both groups): the warehouse pools every case of a term into one figure.")
    sections = []
    for lens in LENSES:
        wanted = metrics_for(lens, roles, order)
        if kind == "prosecutor":
            terms = db.query("questions_terms", id=ident, metrics=wanted or [""])
            ids = list(dict.fromkeys(terms["term_id"]))
        values = db.query("questions_values", scope=scope, ids=ids or [""], metrics=wanted or [""],
                          dimension=lens.dimension, a=list(lens.a) or [""], b=list(lens.b))
        values["period_key"] = values["scope_id"] if scope == "term" else values["year"].astype(str)
        periods = (county_periods(values, attributed) if kind == "county" else term_periods(terms, subject))
        answer = section(lens, values, periods, subject=subject, labels=labels, metrics=wanted, where=where,
                         amounts={m: amounts[m] for m in wanted if m in amounts})
        source = sources_text(",".join(answer.source_ids), titles) if answer.source_ids else ""
        block = None
        if not answer.rows.empty:
            names = ({"all": _(lens.names[0])} if lens.dimension == "all"
                     else {"a": _(lens.names[0]), "b": _(lens.names[1])})
            chart_rows = answer.rows.assign(label=answer.rows["metric_id"].map(lambda m: labels.get(m, m)))
            fig = components.cached_chart(chart.groups_chart, chart_rows, names=names,
                                          title=_("{question}, {place}").format(question=_(lens.heading),
                                                                                place=subject),
                                          subtitle=answer.period,
                                          source=source, built=built, demo=demo)
            block = Block(fig, table(answer, lens, labels, place=subject, source=source),
                          chart.groups_alt(chart_rows, names=names, place=subject, period=answer.period),
                          f"{subject}-{lens.key}", f"questions-{lens.key}")
        notes: tuple[str, ...] = ()
        if lens.key == "amount":
            shown = list(dict.fromkeys(answer.rows["metric_id"])) if not answer.rows.empty else []
            notes = (*(md(caveats[m]) for m in shown[:1]), _(BAIL_INCOMES).format(
                men=dollars(BAIL_INCOME_MEN, markdown=True), women=dollars(BAIL_INCOME_WOMEN, markdown=True),
                men_month=dollars(round(BAIL_INCOME_MEN / 12), markdown=True),
                women_month=dollars(round(BAIL_INCOME_WOMEN / 12), markdown=True),
                title=BAIL_INCOME_TITLE, url=BAIL_INCOME_URL, publisher=BAIL_INCOME_PUBLISHER))
        sections.append(Section(lens, md(answer.sentence), block,
                                md(_("Source: {source}.").format(source=source)) if source else "", notes))
    return QuestionsPage(title=title, subject=subject, caption=caption, sections=tuple(sections))
