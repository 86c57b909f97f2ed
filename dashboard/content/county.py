"""The county page's content: `county_base` per county, `county_view` per choice of measure, breakdown and years.

Both are cached per warehouse version (and today's date, which decides who is in office now); the page
(views/county.py) adds the widgets and shows what these return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pyarrow as pa

from dashboard import comparability, components, db
from dashboard.charts import detention, disparity, events, flow, trends
from dashboard.charts.cards import Card, cards_html
from dashboard.content import VIEWS_KEPT, Block, md, shown, source_titles, terms_table
from dashboard.content.elections import office_elections
from dashboard.i18n import N_, _, cache_per_language, date_text, month_text, number
from dashboard.summary import (
    county_summary,
    headline_table,
    period_words,
    place_name,
    precision,
    published_years,
    sources_text,
)
from dashboard.warehouse_words import words

ADD_DATA = N_("This project takes data: if you have your county's case, bail or election records, the "
              "add-your-data guide (docs/ADD_DATA.md in the project's repository) says how to send them, no "
              "programming needed.")


@dataclass(frozen=True)
class Office:
    """One office serving the county: who holds it now (markdown), a link to them, its elections."""

    text: str
    office_name: str
    link: tuple[str, str] | None  # (label, prosecutor_id)
    elections: str  # the lines below, as one paragraph
    election_lines: tuple[str, ...]  # who won the last general election, how many had an opponent, the next one
    history: pa.Table | None  # every candidate of every race in the data, newest first


@dataclass(frozen=True)
class CountyBase:
    """What does not depend on the view: the county, its offices and terms, its series, what data exist."""

    fips: str
    place: str
    short: str
    population: str | None
    state_abbr: str
    state_name: str
    offices: tuple[Office, ...]
    has_offices: bool
    no_office: tuple[str, ...]  # what a voter can do where no office is in the data (markdown lines)
    terms_table: pa.Table
    terms: pd.DataFrame
    term_frame: pd.DataFrame  # the first office's terms: the trend charts shade them
    attribution: str  # how the shading attributes years to prosecutors
    series_all: pd.DataFrame  # dimension "all", every measure and year, with a plain `source` column
    with_data: tuple[str, ...]  # measures with a published value, in the catalogue's order
    first_year: int | None
    last_year: int | None
    coverage_table: pa.Table | None
    not_covered: tuple[str, ...]
    label_of: dict[str, str]
    unit_of: dict[str, str]
    question_of: dict[str, str]
    roles: dict[str, tuple[str, ...]]  # each metric role's metrics, in order of preference (metric_roles query)
    detention_metrics: tuple[str, ...]  # the detention stage's metrics, in the catalogue's order


@dataclass(frozen=True)
class Part:
    """A chart and the caption under it, or a caption alone."""

    block: Block | None
    caption: str = ""


@dataclass(frozen=True)
class CountyView:
    """Everything below the choices for one (measure, breakdown, years, baseline)."""

    summary: tuple[str, ...]
    cards: tuple[Card, ...]
    cards_html: str  # all the cards as one element (charts/cards.py)
    trend: Block | None
    flow: Block | None  # None: no stage has a published count
    flow_notes: tuple[str, ...]
    disparity: tuple[Part, ...]
    detention: tuple[Block, ...]
    jail_years: tuple[int, ...]
    baseline: int | None
    halving: Block | None
    progress: str
    jail: Jail | None = None  # the rest of the jail section: pretrial share, each prosecutor's years, cost


@dataclass(frozen=True)
class Jail:
    """What the jail section says beside its chart (markdown), and the inputs of its cost sentence."""

    pretrial: str  # the share held before trial, or plainly that the data do not say
    terms: tuple[str, ...]  # the halving arithmetic over each recent prosecutor's years, newest first
    source: str  # the jail data's source, credited beside the chart
    cost_year: int
    cost_population: float
    cost_pretrial_share: float | None
    cost_cited: float | None  # the cited dollars per day, None where no document gives one
    cost_citation: str  # the document behind it, or the plain words that there is none


@cache_per_language(max_entries=VIEWS_KEPT, show_spinner=False)
def county_base(fips: str, version: db.Version, today: date) -> CountyBase:
    profile = db.query("county_profile", fips=fips).iloc[0]
    place = place_name(profile["county_name"], profile["state_abbr"], profile["state_name"], fips)
    metrics = db.query("metric_definitions")
    titles = source_titles()
    offices, terms = db.query("county_offices", fips=fips), db.query("county_terms", fips=fips)
    series_all = db.query("county_series", fips=fips, dimension="all")
    series_all["source"] = series_all["source_ids"].map(lambda s: sources_text(s, titles))
    published = set(series_all.loc[~series_all["suppressed"].astype(bool), "metric_id"])
    coverage = db.query("county_coverage", fips=fips)
    year_rule = offices["year_rule"].iloc[0] if not offices.empty else None
    population = None
    if not pd.isna(profile["population"]):
        population = _("Population about {people} ({year} estimate).").format(
            people=number(profile["population"]), year=int(profile["population_year"]))
    return CountyBase(
        fips=fips, place=place, short=place.split(",")[0], population=population,
        state_abbr=str(profile["state_abbr"]), state_name=str(profile["state_name"]),
        offices=_offices(offices, terms, db.query("county_elections", fips=fips),
                         db.query("county_schedule", fips=fips), today),
        no_office=() if not offices.empty else no_office_text(
            str(profile["state_name"]), db.query("state_rule", state=str(profile["state_abbr"]))),
        has_offices=not offices.empty, terms=terms,
        terms_table=terms_table(terms.iloc[::-1], {N_("Prosecutor"): "name", N_("Office"): "office_name"}),
        term_frame=terms.iloc[0:0] if offices.empty else terms[terms["office_id"] == offices["office_id"].iloc[0]],
        attribution=(_(trends.YEAR_ATTRIBUTION) if isinstance(year_rule, str) and "most of the year" in year_rule
                     else _("who was in office")),
        series_all=series_all,
        with_data=tuple(m for m in metrics["metric_id"] if m in published),
        first_year=None if series_all.empty else int(series_all["year"].min()),
        last_year=None if series_all.empty else int(series_all["year"].max()),
        coverage_table=_coverage_table(coverage),
        not_covered=tuple(flow.missing_stages(set(coverage["stage"]))),
        label_of=dict(zip(metrics["metric_id"], metrics["label"], strict=True)),
        unit_of=dict(zip(metrics["metric_id"], metrics["unit"], strict=True)),
        question_of={row.metric_id: _("{question} {description} {direction} Caveat: {caveat}").format(
                         question=row.question, description=row.description, direction=row.direction,
                         caveat=row.caveat)
                     for row in metrics.itertuples(index=False)},
        roles={row.role: tuple(row.metric_ids) for row in db.query("metric_roles").itertuples(index=False)},
        detention_metrics=tuple(metrics.loc[metrics["stage"] == "detention", "metric_id"]),
    )


@cache_per_language(max_entries=VIEWS_KEPT, show_spinner=False)
def county_view(fips: str, metric: str | None, by: str, y0: int, y1: int, picked: int | None, linked: int | None,
                version: db.Version, today: date) -> CountyView:
    """The jail baseline is the one `picked` in the widget, else the `linked` one, else the first published year."""
    base = county_base(fips, version, today)
    titles, built, demo = source_titles(), components.built_date(), db.is_demo()
    short, place, series_all = base.short, base.place, base.series_all
    ranged = (y0, y1) != (base.first_year, base.last_year)  # the cards pool the chosen years, else the latest
    term_frame, attribution = base.term_frame, base.attribution

    cards = headline_table(db.query("county_cards", fips=fips, year_from=y0 if ranged else None,
                                    year_to=y1 if ranged else None))
    jail = jail_population(series_all, base.roles.get("jail_population", ()), y0, y1)
    jail_years = tuple(int(y) for y in jail["year"])
    wanted = picked if picked in jail_years else linked
    baseline = wanted if wanted in jail_years else (jail_years[0] if jail_years else None)
    progress = detention.halving_outlook(jail, baseline) if jail_years else None
    marked = db.query("events", fips=fips, office="")
    missing = list(base.not_covered)
    summary = county_summary(place=short, state_name=base.state_name, terms=base.terms, headlines=cards,
                             years=published_years(series_all), labels=base.label_of,
                             progress=progress, missing=missing, today=today)
    label_of, unit_of = base.label_of, base.unit_of

    trend = None
    if metric:
        series = series_all if by == "all" else db.query("county_series", fips=fips, dimension=by)
        series = series[(series["metric_id"] == metric) & series["year"].between(y0, y1)].copy()
        series["source"] = series["source_ids"].map(lambda s: sources_text(s, titles))
        series["series"] = [trends.group_label(by, v) for v in series["dimension_value"]]
        fig = components.cached_chart(
            trends.trend_chart, series, unit=unit_of[metric], terms=term_frame, title=f"{label_of[metric]}, {short}",
            subtitle=(_("95% intervals as bands; shaded: {attribution}; by {breakdown}") if by != "all"
                      else _("95% intervals as bands; shaded: {attribution}")).format(
                attribution=attribution, breakdown=_(trends.DIMENSION_LABELS[by]).lower()),
            source=sources_text(series["source_ids"], titles), built=built, demo=demo, y_title=label_of[metric],
            events=marked)
        trend = Block(fig, _csv(series, place), trends.alt_text(series, measure=label_of[metric].lower(),
                                                             unit=unit_of[metric], place=place, terms=term_frame),
                      f"{short}-{metric}-{by}-{y0}-{y1}", "trend",
                      events=events.export_for_years(marked, series["year"], place))

    counts = flow.flow_counts(series_all, base.roles, y0, y1)
    counted = flow.counted_years(counts) or [y0, y1]  # the title names the years counted, not the years chosen
    span = f"{counted[0]}" if counted[0] == counted[-1] else f"{counted[0]}–{counted[-1]}"
    fig = components.cached_chart(
        flow.flow_chart, counts, title=_("Cases at each stage, {place}, {years}").format(place=short, years=span),
        subtitle=_("Decisions made in these years at each stage; not one group of cases followed through"),
        source=sources_text(flow.flow_rows(series_all, base.roles, counted)["source_ids"], titles), built=built,
        demo=demo)
    # no funnel (and no downloads of it) when no stage has a published count: the note below says so
    flow_data = counts.assign(years=counts["years"].map(trends.year_list),
                              withheld=counts["withheld"].map(trends.year_list),
                              outside=counts["outside"].map(trends.year_list))
    flow_data.insert(0, "place", place)
    flow_block = Block(fig, flow_data,
                       flow.flow_alt(counts, place, span), f"{short}-case-flow-{span}", "flow"
                       ) if counts["available"].any() else None
    absent = [row.label for row in counts.itertuples(index=False) if not row.available]
    outside = sorted({y for years in counts["outside"] for y in years})
    flow_notes = (([_("Not shown, because the data for these years have no published count: {stages}.").format(
                       stages=", ".join(absent))] if absent else [])
                  + ([_("Every stage is counted over the same years: {years} left out, because not every stage has "
                        "data for them.").format(years=trends.year_list(outside))] if outside else [])
                  + ([_("This county's data do not include {stages}.").format(stages=", ".join(missing))]
                     if missing else []))

    halving = jail_part = None
    if jail_years:
        jail_source = sources_text(series_all.loc[series_all["metric_id"].isin(base.roles.get("jail_population", ())),
                                                  "source_ids"], titles)
        months = db.query("county_jail_months", fips=fips)
        fig = components.cached_chart(
            detention.halving_chart, jail, progress,
            title=_("Jail population against half of {baseline}, {place}").format(baseline=baseline, place=short),
            subtitle=_("Average day of each whole year; pace: log-linear fit over the last {n} whole years").format(
                n=detention.RECENT_YEARS),
            source=jail_source, built=built, demo=demo, events=marked, months=months)
        data = pd.concat([jail.assign(grain="year", period=jail["year"].astype(str), days_reported=None),
                          months.assign(grain="month", period=pd.to_datetime(months["month"]).dt.strftime("%Y-%m"))
                          ], ignore_index=True)[["grain", "period", "population", "days_reported"]]
        halving = Block(fig, data.assign(place=place)[["place", *data.columns]], detention.halving_alt(progress, place),
                        f"{short}-jail-halving-{baseline}", "detention-halving",
                        events=events.export_for_years(marked, jail["year"], place,
                                                       extend_to=detention.chart_end(progress)))
        jail_part = _jail(fips, jail, series_all, base.roles.get("held_pretrial", ()), base.term_frame, jail_source)

    card_list = _cards(cards, titles, base.state_name, published_years(series_all), base.terms)
    return CountyView(
        summary=tuple(summary), cards=card_list, cards_html=cards_html(card_list), trend=trend, flow=flow_block,
        flow_notes=tuple(flow_notes),
        disparity=_disparity(fips, metric, label_of, unit_of, y0, y1, short, place, titles, built, demo)
        if metric else (),
        detention=_detention(base, y0, y1, term_frame, titles, built, demo, attribution, marked),
        jail_years=jail_years, baseline=baseline, halving=halving,
        progress=md(detention.progress_sentence(progress)), jail=jail_part)


def _jail(fips: str, jail: pd.DataFrame, series_all: pd.DataFrame, pretrial_ids: Sequence[str], terms: pd.DataFrame,
          source: str) -> Jail:
    """The pretrial share (the metric whose role is `held_pretrial`), the halving arithmetic over each recent
    prosecutor's years, and the cost's inputs."""
    pretrial = series_all[series_all["metric_id"].isin(pretrial_ids[:1]) & ~series_all["suppressed"].astype(bool)
                          & ~series_all["partial"].fillna(False).astype(bool)]
    latest = int(jail["year"].max())
    share = None
    if pretrial.empty:
        pretrial_text = _("How many of the people in this jail were held before trial is not in the data: the jail's "
                          "count does not say who was awaiting trial and who was serving a sentence.")
    else:
        row = pretrial.sort_values("year").iloc[-1]
        if int(row["year"]) == latest:
            share = float(row["value"])
        pretrial_text = _("In {year}, {share} of the people in this jail on an average day were held before trial "
                          "(not convicted of the charge that held them).").format(
            year=int(row["year"]), share=trends.format_value(row["value"], "share"))
    said = []
    first = int(jail["year"].min())
    for term in terms.sort_values("start_date", ascending=False).itertuples(index=False):
        end = None if pd.isna(term.end_date) else pd.Timestamp(term.end_date).date()
        if end is not None and end.year < first:
            break
        said.append(md(detention.term_sentence(detention.term_outlook(
            jail, str(term.name), pd.Timestamp(term.start_date).date(), end))))
        if len(said) == 2:
            break
    cited = db.query("county_jail_cost", fips=fips)
    population = float(jail.loc[jail["year"] == latest, "population"].iloc[0])
    if cited.empty:
        figure, citation = None, _("No cited figure for what a day in this jail costs is in the warehouse: enter one "
                                   "below to see the cost it implies.")
    else:
        c = cited.iloc[0]
        figure = float(c["cost_per_day"])
        citation = _("Cost per day: ${cost} ({dollars} dollars, not adjusted for inflation): the {covers}. Source: "
                     "[{title}]({url}), {publisher}, {year}.").format(
            cost=number(figure, 2), dollars=int(c["dollars_year"]), covers=md(c["covers"]), title=md(c["title"]),
            url=c["url"], publisher=md(c["publisher"]), year=int(c["published_year"]))
    return Jail(pretrial=md(pretrial_text), terms=tuple(said), source=md(_("Jail data: {source}.").format(
        source=source)), cost_year=latest, cost_population=population, cost_pretrial_share=share,
        cost_cited=figure, cost_citation=citation)


def jail_population(series_all: pd.DataFrame, metric_ids: Sequence[str], y0: int, y1: int) -> pd.DataFrame:
    """The average daily jail population of each whole year (the numerator of the metric whose role is
    `jail_population`): the halving arithmetic never sets a part-year's average against whole years."""
    partial = series_all["partial"].fillna(False).astype(bool) if "partial" in series_all else False
    rows = series_all[series_all["metric_id"].isin(metric_ids[:1]) & ~series_all["suppressed"].astype(bool)
                      & series_all["year"].between(y0, y1) & ~partial]
    return pd.DataFrame({"year": rows["year"].astype(int), "population": rows["numerator"]}).reset_index(drop=True)


# --- sections ---------------------------------------------------------------------------------------------------


def _offices(offices: pd.DataFrame, terms: pd.DataFrame, elections: pd.DataFrame, schedule: pd.DataFrame,
             today: date) -> tuple[Office, ...]:
    """Each office in plain words: who holds it now and since when (or who won its last election, if that is
    all the data say), its election record and its next regular election."""
    out = []
    for office in offices.itertuples(index=False):
        rows = terms[terms["office_id"] == office.office_id]
        current = rows[(pd.to_datetime(rows["start_date"]).dt.date <= today)
                       & rows["end_date"].map(lambda e: pd.isna(e) or pd.Timestamp(e).date() >= today)]
        covers = (" " + _("(covers {n} counties)").format(n=office.office_counties)
                  if office.office_counties > 1 else "")
        record = office_elections(elections[elections["office_id"] == office.office_id],
                                  schedule[schedule["office_id"] == office.office_id], today)
        lines = tuple(x for x in (record.last, record.contested, record.next) if x)
        history = shown(record.history) if not record.history.empty else None
        if current.empty:
            text = _("**{office}**{covers}: the data do not say who holds the office now.").format(
                office=md(office.name), covers=covers) + _past_holder(rows, today)
            out.append(Office(text, md(office.name), None, " ".join(lines), lines, history))
            continue
        now = current.iloc[-1]
        party = f", {words(now['party'])}" if isinstance(now["party"], str) and now["party"] else ""
        since = _continuous_start(rows, now)
        if now["entry"] == "derived":
            text = _("**{name}**{party} — {office}{covers}: won its last general election in the data; in office "
                     "from {since} to {end} by state law, if they served the full term (derived from election "
                     "returns, not an official roster).").format(
                name=md(now["name"]), party=md(party), office=md(office.name), covers=covers,
                since=month_text(since), end=_end_text(now))
        else:
            text = _("**{name}**{party} — {office}{covers}, {entry} since {since}.").format(
                name=md(now["name"]), party=md(party), office=md(office.name), covers=covers,
                entry=_entry_words(now["entry"]), since=date_text(since))
        out.append(Office(text, md(office.name), (_("{name}: record in office").format(name=md(now["name"])),
                                                  str(now["prosecutor_id"])),
                          " ".join(lines), lines, history))
    return tuple(out)


def _end_text(term: pd.Series) -> str:
    return _("today") if pd.isna(term["end_date"]) else month_text(pd.Timestamp(term["end_date"]))


def _past_holder(rows: pd.DataFrame, today: date) -> str:
    """Who held the office last, when no term in the data covers today."""
    past = rows[pd.to_datetime(rows["start_date"]).dt.date <= today]
    if past.empty:
        return ""
    last = past.sort_values("start_date").iloc[-1]
    how = _("by the election returns and state law") if last["entry"] == "derived" else _("per its citation")
    return " " + _("The last holder in the data is {name}, whose term ran to {end} ({how}); a later election or "
                   "appointment is not in the data.").format(name=md(last["name"]), end=_end_text(last), how=how)


def no_office_text(state_name: str, rules: pd.DataFrame) -> tuple[str, ...]:
    """What a voter can do where the data name no prosecutor: which office to ask, and that the project takes data."""
    lines = [_("No prosecutor's office or election for this county is in the data yet.")]
    if not rules.empty:
        rule = rules.iloc[0]
        sentence = (_("In {state}, the prosecutor who handles felony cases is elected in each county for {years}-year "
                      "terms ({citation}).") if rule["elected_per"] == "county"
                    else _("In {state}, the prosecutor who handles felony cases is elected in each judicial district "
                           "(which may cover several counties) for {years}-year terms ({citation})."))
        lines.append(sentence.format(state=md(state_name), years=int(rule["term_years"]),
                                     citation=md(str(rule["citation"]))))
    lines.append(_("To find out who it is, ask your county's election office or the county clerk: they list the "
                   "elected district attorney (or state's, county or prosecuting attorney) and the last results."))
    lines.append(_(ADD_DATA))
    return tuple(lines)


def _cards(cards: pd.DataFrame, titles: dict[str, str], state_name: str, years: pd.DataFrame,
           terms: pd.DataFrame) -> tuple[Card, ...]:
    """Plain text: the cards' HTML escapes it. Each names who was in office for its years (and a part-year)."""
    out = []
    for _index, card in cards.iterrows():
        unit = card["unit"]
        value = trends.format_value(card["value"], unit, digits=1 if unit == "share" else 0)
        help_text = f"{card['question']} {card['caveat']}"
        if pd.isna(card["value"]):
            why = (_("Not shown: too few cases to publish in these years.") if card["years_suppressed"] else
                   _("Not shown: no published data for these years."))
            out.append(Card(card["label"], value, help_text, (why,)))
            continue
        who, _rest = period_words(years[years["metric_id"] == card["metric_id"]], card["y0"], card["y1"], terms)
        span = f"{int(card['y0'])}" if card["y0"] == card["y1"] else f"{int(card['y0'])}–{int(card['y1'])}"
        span += f" ({who})" if who else ""
        level = precision(card["numerator"], card["denominator"], card["ci_low"], card["ci_high"], unit)
        hedge = " " + _("Few cases: read with care.") if level == "too_few" else ""
        captions = [_("{years} · n: {counts} · 95% interval {low} to {high} · Source: {source}.").format(
            years=span, counts=trends.count_text(card["numerator"], card["denominator"], unit),
            low=trends.format_value(card["ci_low"], unit, digits=1),
            high=trends.format_value(card["ci_high"], unit, digits=1),
            source=sources_text(card["source_ids"], titles)) + hedge]
        if not pd.isna(card.get("state_value")) and (card.get("state_n_counties") or 0) >= 1:
            others = comparability.others_label(card["state_n_counties"], state_name)
            captions.append(f"{others[0].upper()}{others[1:]}: "
                            f"{trends.format_value(card['state_value'], unit, digits=1)} "
                            f"({trends.format_value(card['state_ci_low'], unit, digits=1)} to "
                            f"{trends.format_value(card['state_ci_high'], unit, digits=1)}; "
                            f"{trends.count_text(card['state_numerator'], card['state_denominator'], unit)})")
        else:
            captions.append(_("{state}: no other county publishes this measure, measured the same way, for these "
                              "years.").format(state=state_name))
        if not pd.isna(card.get("similar_value")):
            names = str(card["similar_names"]).split("; ")
            shown = ("; ".join(names[:3]) + " " + _("and {n} more").format(n=len(names) - 3) if len(names) > 3
                     else "; ".join(names))
            captions.append(_("Similar counties ({names}):").format(names=shown) + " "
                            f"{trends.format_value(card['similar_value'], unit, digits=1)} "
                            f"({trends.format_value(card['similar_ci_low'], unit, digits=1)} to "
                            f"{trends.format_value(card['similar_ci_high'], unit, digits=1)})")
        else:
            captions.append(_("Similar counties: none of similar size publishes this measure, measured the same "
                              "way, for these years."))
        out.append(Card(card["label"], value, help_text, tuple(captions)))
    return tuple(out)


def _disparity(fips: str, metric: str, label_of: dict, unit_of: dict, y0: int, y1: int, short: str, place: str,
               titles: dict, built: str, demo: bool) -> tuple[Part, ...]:
    frame = db.query("county_disparity", fips=fips, metric=metric)
    frame = frame[frame["year"].between(y0, y1)]
    parts = []
    for measure, heading in (("relative_rate", _("{measure}: each group against white defendants").format(
                                 measure=label_of[metric])),
                             ("representation_ratio", _("Referrals from police against each group's share of the "
                                                        "county's population"))):
        rows = frame[frame["measure"] == measure]
        if measure == "relative_rate" and unit_of.get(metric) != "share":
            parts.append(Part(None, _("Differences by race are computed for case decisions, not for {measure}.")
                              .format(measure=label_of[metric].lower())))
            continue
        if rows.empty:
            parts.append(Part(None, _("{chart}: no breakdown by race is published for these years.").format(
                chart=heading)))
            continue
        drawable = rows[~rows["suppressed"].astype(bool) & rows["value"].notna()]
        year = int(drawable["year"].max()) if not drawable.empty else int(rows["year"].max())
        rows = rows[rows["year"] == year]
        if drawable.empty:  # no chart (nor its downloads) with nothing in it: say why, group by group
            notes = disparity.disparity_notes(rows)
            parts.append(Part(None, _("{chart}: no group can be shown for {year}.").format(chart=heading, year=year)
                              + " " + " ".join(notes)))
            continue
        explain = (_("1.0 means the same rate as for white defendants; 2.0, twice the rate; lines: 95% intervals")
                   if measure == "relative_rate" else
                   _("1.0 means a group's share of referrals equals its share of the population (all ages); "
                     "2.0, twice it; lines: 95% intervals"))
        fig = components.cached_chart(
            disparity.disparity_chart, rows, measure=measure, title=f"{heading}, {short}, {year}",
            subtitle=explain,
            source=sources_text(rows["source_ids"], titles), built=built, demo=demo)
        data = rows[["year", "race", "reference", "value", "ci_low", "ci_high", "suppressed", "suppression_reason"]]
        data = data.assign(place=place)[["place", *data.columns]]
        notes = disparity.disparity_notes(rows)
        not_shown = _("{group}: not shown — {reason}.").split("{group}")[1].split("{reason}")[0]  # as notes say it
        missing = [n for n in notes if not_shown in n]
        said = " ".join(([_("Not shown: {groups}").format(groups=" ".join(missing))] if missing else [])
                        + [n for n in notes if n not in missing])
        parts.append(Part(Block(fig, data, disparity.disparity_alt(rows, measure=measure, place=place, year=year),
                                f"{short}-{measure}-{metric}-{year}", f"disparity-{measure}"), said))
    return tuple(parts)


def _detention(base: CountyBase, y0: int, y1: int, term_frame: pd.DataFrame, titles: dict, built: str, demo: bool,
               attribution: str, marked: pd.DataFrame) -> tuple[Block, ...]:
    short, place, label_of = base.short, base.place, base.label_of
    in_range = base.series_all[base.series_all["year"].between(y0, y1)]
    blocks = []
    for metric in base.detention_metrics:
        rows = in_range[in_range["metric_id"] == metric].copy()
        if rows.empty:
            continue
        rows["series"] = label_of[metric]
        unit = base.unit_of[metric]
        fig = components.cached_chart(
            trends.trend_chart, rows, unit=unit, terms=term_frame, title=f"{label_of[metric]}, {short}",
            subtitle=_("95% intervals as bands; shaded: {attribution}").format(attribution=attribution),
            source=sources_text(rows["source_ids"], titles), built=built, demo=demo, y_title=label_of[metric],
            events=marked)
        blocks.append(Block(fig, _csv(rows, place), trends.alt_text(
            rows, measure=label_of[metric].lower(), unit=unit, place=place, terms=term_frame),
            f"{short}-{metric}-{y0}-{y1}", f"detention-{metric}",
            events=events.export_for_years(marked, rows["year"], place)))
    bail = in_range[in_range["metric_id"].isin(base.roles.get("bail_decision", ()))].copy()
    if not bail.empty:
        bail["series"] = bail["metric_id"].map(label_of)
        fig = components.cached_chart(
            trends.trend_chart, bail, unit="share", terms=term_frame,
            title=_("Bail decisions at first appearance, {place}").format(place=short),
            subtitle=_("Share of release decisions; 95% intervals as bands"), source=sources_text(bail["source_ids"],
                                                                                                   titles),
            built=built, demo=demo, y_title=_("share of decisions"), events=marked)
        blocks.append(Block(fig, _csv(bail, place), trends.alt_text(
            bail, measure=_("bail decisions"), unit="share", place=place, terms=term_frame),
            f"{short}-bail-{y0}-{y1}", "detention-bail",
            events=events.export_for_years(marked, bail["year"], place)))
    return tuple(blocks)


def _coverage_table(coverage: pd.DataFrame) -> pa.Table | None:
    if coverage.empty:
        return None
    return shown(pd.DataFrame({
        _("What"): coverage["stage"].map(lambda s: _(flow.STAGE_WORDS[s]) if s in flow.STAGE_WORDS else s),
        _("Years"): [f"{a}–{b}" if a != b else str(a) for a, b in zip(coverage["first_year"], coverage["last_year"],
                                                                       strict=True)],
        _("Source"): coverage["title"],
        _("Published by"): coverage["publisher"],
        _("Licence"): coverage["license"],
        _("Link"): coverage["url"],
    }))


# --- helpers ------------------------------------------------------------------------------------------------


def _csv(series: pd.DataFrame, place: str) -> pd.DataFrame:
    """A chart's data as its CSV and table give it: the place first, so a downloaded file says where it is from."""
    columns = ["metric_id", "year", "dimension", "dimension_value", "value", "ci_low", "ci_high", "numerator",
               "denominator", "suppressed", "suppression_reason", "prosecutor", "partial", "covered_label", "source"]
    frame = series[[c for c in columns if c in series]].reset_index(drop=True)
    frame.insert(0, "place", place)
    return frame


def _continuous_start(rows: pd.DataFrame, now: pd.Series) -> date:
    """The first day of the current prosecutor's unbroken time in this office (consecutive terms joined)."""
    ordered = rows.sort_values("start_date")
    start = pd.Timestamp(now["start_date"]).date()
    for _index, row in ordered.iloc[::-1].iterrows():
        if pd.Timestamp(row["start_date"]).date() >= start:
            continue
        end = None if pd.isna(row["end_date"]) else pd.Timestamp(row["end_date"]).date()
        if row["prosecutor_id"] == now["prosecutor_id"] and end is not None and (start - end).days <= 7:
            start = pd.Timestamp(row["start_date"]).date()
        else:
            break
    return start


def _entry_words(entry: str) -> str:
    return {"elected": _("elected, in office"), "appointed": _("appointed, in office"),
            "interim": _("interim, in office"), "acting": _("acting, in office")}.get(entry, _("in office"))
