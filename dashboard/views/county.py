"""County page (/county?fips=17031): who prosecutes here, what the numbers say, and what data exist.

Thin: read the view from the URL, check it against the warehouse, run named queries, hand data frames to the
pure chart and summary functions, and show them through the shared components.
URL parameters: fips, metric, from, to, by, baseline (and embed).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import components, db, permalinks
from dashboard.charts import detention, disparity, flow, trends
from dashboard.summary import county_summary, headline_table, place_name, precision, sources_text

PAGES = Path(__file__).resolve().parent
STAGES = ("referral", "pretrial", "disposition", "sentence", "detention")
BAIL_METRICS = ("ror_rate", "cash_bail_rate", "remand_rate")


def main() -> None:
    view = components.page_start("county")
    counties = db.query("counties")
    metrics = db.query("metric_definitions")
    view = permalinks.allowed(view, fips=counties["fips"], metrics=metrics["metric_id"])
    share_box = st.container()

    if not view.fips:
        components.pick_entity(
            view, title="County", label="Find a county", labels=dict(zip(counties["fips"], counties["label"],
                                                                          strict=True)),
            placeholder="Type a county name", hint="Choose a county above, or open one from the map.",
            key="county-pick", field="fips")
        return

    fips = view.fips[0]
    profile = db.query("county_profile", fips=fips).iloc[0]
    place = place_name(profile["county_name"], profile["state_abbr"], profile["state_name"], fips)
    short = place.split(",")[0]
    titles = dict(zip(*_source_table(), strict=True))
    built, demo = components.built_date(), db.is_demo()

    st.title(place)
    if not pd.isna(profile["population"]):
        st.caption(f"Population about {profile['population']:,.0f} ({int(profile['population_year'])} estimate).")

    offices = db.query("county_offices", fips=fips)
    terms = db.query("county_terms", fips=fips)
    elections = db.query("county_elections", fips=fips)
    coverage = db.query("county_coverage", fips=fips)
    series_all = db.query("county_series", fips=fips, dimension="all")
    series_all["source"] = series_all["source_ids"].map(lambda s: sources_text(s, titles))
    label_of = dict(zip(metrics["metric_id"], metrics["label"], strict=True))
    unit_of = dict(zip(metrics["metric_id"], metrics["unit"], strict=True))

    _office_section(offices, terms, elections)

    if series_all.empty:
        components.show_messages(view)
        st.info(f"No published numbers for {place} yet. What the data cover is listed below.",
                icon=":material/info:")
        _coverage_section(coverage, place)
        with share_box:
            components.copy_link(view)
        return

    # --- the view's choices: metric, years, breakdown, baseline ------------------------------------------
    published = series_all[~series_all["suppressed"].astype(bool)]
    with_data = [m for m in metrics["metric_id"] if m in set(published["metric_id"])]
    first_year, last_year = int(series_all["year"].min()), int(series_all["year"].max())
    view, notes = _clamp_years(view, first_year, last_year)
    st.subheader("Choose what to show")
    left, right = st.columns(2)
    with left:
        default_metric = view.metric if view.metric in with_data else (with_data[0] if with_data else None)
        if view.metric and view.metric not in with_data:
            notes.append(f"This county has no published values of {label_of.get(view.metric, view.metric)}; "
                         "showing another measure.")
        metric = st.selectbox("Measure", options=with_data, format_func=label_of.get, key=f"metric-{fips}",
                              index=with_data.index(default_metric) if default_metric else None)
    with right:
        by = st.selectbox("Break down by", options=list(permalinks.DIMENSIONS),
                          index=list(permalinks.DIMENSIONS).index(view.by), format_func=trends.DIMENSION_LABELS.get,
                          key=f"by-{fips}")
    if first_year < last_year:
        y0, y1 = st.select_slider("Years", options=list(range(first_year, last_year + 1)),
                                  value=(view.year_from or first_year, view.year_to or last_year), key=f"years-{fips}")
    else:
        y0 = y1 = first_year
        st.caption(f"Data cover {first_year} only.")
    ranged = (y0, y1) != (first_year, last_year)
    view = view.with_(metric=metric if with_data and metric != with_data[0] else None,
                      by=by, year_from=y0 if ranged else None, year_to=y1 if ranged else None)
    view = view.with_(messages=view.messages + tuple(notes))
    components.show_messages(view)

    # --- summary, headline cards ---------------------------------------------------------------------------
    cards = headline_table(db.query("county_cards", fips=fips, year_from=view.year_from, year_to=view.year_to))
    jail = _jail_population(series_all, y0, y1)
    jail_years = list(jail["year"])
    picked = st.session_state.get(f"baseline-{fips}")  # the baseline widget below, when already used
    wanted = picked if picked in jail_years else view.baseline
    baseline = wanted if wanted in jail_years else (jail_years[0] if jail_years else None)
    if view.baseline and view.baseline not in jail_years and picked is None:
        st.info(f"There is no published jail count for {view.baseline}; the baseline is {baseline}.",
                icon=":material/link_off:")
    progress = detention.halving_progress(jail, baseline) if jail_years else None
    missing = flow.missing_stages(set(coverage["stage"]))
    st.subheader("In short")
    for sentence in county_summary(place=short, state_name=str(profile["state_name"]), terms=terms,
                                   headlines=cards, progress=progress, missing=missing):
        st.markdown(f"- {_md(sentence)}")

    st.subheader("Headline numbers")
    st.caption("Each figure shows its count (n), its 95% interval, its years and source, beside the state's figure "
               "and that of similar counties: up to 10 counties with half to twice this county's population that "
               "publish the same measure, closest in size first, pooled. "
               + ("Figures pool the chosen years; years with too few cases to publish are left out."
                  if ranged else "Each figure is the latest year with published data; narrow the years above to "
                  "pool a period."))
    _cards(cards, titles, str(profile["state_abbr"]))

    # --- trend -------------------------------------------------------------------------------------------------
    term_frame = _office_terms(terms, offices)
    year_rule = offices["year_rule"].iloc[0] if not offices.empty else None
    attribution = (trends.YEAR_ATTRIBUTION if isinstance(year_rule, str) and "most of the year" in year_rule
                   else "shaded: who was in office")
    if metric:
        st.subheader(f"{label_of[metric]} over time")
        st.caption(_question(metrics, metric))
        series = series_all if by == "all" else db.query("county_series", fips=fips, dimension=by)
        series = series[(series["metric_id"] == metric) & series["year"].between(y0, y1)].copy()
        series["source"] = series["source_ids"].map(lambda s: sources_text(s, titles))
        series["series"] = [trends.group_label(by, v) for v in series["dimension_value"]]
        fig = components.cached_chart(
            trends.trend_chart, series, unit=unit_of[metric], terms=term_frame, title=f"{label_of[metric]}, {short}",
            subtitle=f"95% intervals as bands; shaded: {attribution}" + (
                f"; by {trends.DIMENSION_LABELS[by].lower()}" if by != "all" else ""),
            source=sources_text(series["source_ids"], titles), built=built, demo=demo, y_title=label_of[metric])
        components.chart_block(fig, _csv(series, by), alt=trends.alt_text(
            series, measure=label_of[metric].lower(), unit=unit_of[metric], place=place, terms=term_frame),
            filename=f"{short}-{metric}-{by}-{y0}-{y1}", key="trend")

    # --- case flow -----------------------------------------------------------------------------------------
    st.subheader("From arrest to sentence")
    counts = flow.flow_counts(series_all, y0, y1)
    span = f"{y0}" if y0 == y1 else f"{y0}–{y1}"
    fig = components.cached_chart(
        flow.flow_chart, counts, title=f"Cases at each stage, {short}, {span}",
        subtitle="Decisions made in these years at each stage; not one group of cases followed through",
        source=sources_text(series_all["source_ids"], titles), built=built, demo=demo)
    components.chart_block(fig, counts.assign(years=counts["years"].map(trends.year_list),
                                              withheld=counts["withheld"].map(trends.year_list)),
                           alt=flow.flow_alt(counts, place, span), filename=f"{short}-case-flow-{span}", key="flow")
    absent = [row.label for row in counts.itertuples(index=False) if not row.available]
    if absent:
        st.caption("Not shown, because the data for these years have no published count: " + ", ".join(absent) + ".")
    if missing:
        st.caption("This county's data do not include " + ", ".join(missing) + ".")

    # --- disparities ---------------------------------------------------------------------------------------------
    st.subheader("Differences by race")
    if metric:
        _disparity_section(fips, metric, label_of, unit_of, y0, y1, short, place, titles, built, demo)

    # --- detention -------------------------------------------------------------------------------------------
    st.subheader("Jail and bail")
    _detention_section(series_all, jail, progress, baseline, jail_years, fips, y0, y1, short, place, term_frame,
                       label_of, titles, built, demo, attribution)
    view = view.with_(baseline=baseline if jail_years and baseline != jail_years[0] else None)

    _coverage_section(coverage, place)
    with share_box:
        components.copy_link(view)


# --- sections ---------------------------------------------------------------------------------------------------


def _office_section(offices: pd.DataFrame, terms: pd.DataFrame, elections: pd.DataFrame) -> None:
    st.subheader("Who prosecutes here")
    if offices.empty:
        st.info("No prosecutor's office for this county is in the data yet.", icon=":material/info:")
        return
    today = date.today()
    for office in offices.itertuples(index=False):
        rows = terms[terms["office_id"] == office.office_id]
        current = rows[(pd.to_datetime(rows["start_date"]).dt.date <= today)
                       & rows["end_date"].map(lambda e: pd.isna(e) or pd.Timestamp(e).date() >= today)]
        covers = f" (covers {office.office_counties} counties)" if office.office_counties > 1 else ""
        if current.empty:
            st.markdown(f"**{_md(office.name)}**{covers}: the data do not say who holds the office now.")
        else:
            now = current.iloc[-1]
            party = f", {now['party']}" if isinstance(now["party"], str) and now["party"] else ""
            since = _continuous_start(rows, now)
            st.markdown(f"**{_md(now['name'])}**{_md(party)} — {_md(office.name)}{covers}, "
                        f"{_entry_words(now['entry'])} since {since:%d %B %Y}.")
            st.page_link(PAGES / "prosecutor.py", label=f"{_md(now['name'])}: record in office",
                         icon=":material/person:", query_params={"id": now["prosecutor_id"]})
        st.caption(_election_text(elections[elections["office_id"] == office.office_id], today))
    table = pd.DataFrame({
        "Prosecutor": terms["name"],
        "Office": terms["office_name"],
        "How they took office": terms["entry"],
        "From": pd.to_datetime(terms["start_date"]).dt.date,
        "To": [("in office" if pd.isna(e) else str(pd.Timestamp(e).date())) for e in terms["end_date"]],
        "Where the dates come from": terms["citation"],
    })
    with st.expander(f"All terms ({len(table)}) with the citation for each date", expanded=False):
        st.dataframe(table.iloc[::-1], hide_index=True, width="stretch",
                     column_config={"Where the dates come from": st.column_config.TextColumn(width="large")})


def _cards(cards: pd.DataFrame, titles: dict[str, str], state_abbr: str) -> None:
    if cards.empty:
        st.info("No measure has published values for this county.", icon=":material/info:")
        return
    rows = [cards.iloc[i:i + 3] for i in range(0, len(cards), 3)]
    for chunk in rows:
        columns = st.columns(3)
        for column, (_, card) in zip(columns, chunk.iterrows(), strict=False):
            with column, st.container(border=True):
                unit = card["unit"]
                st.metric(card["label"], trends.format_value(card["value"], unit, digits=1 if unit == "share" else 0),
                          help=f"{card['question']} {card['caveat']}")
                if pd.isna(card["value"]):
                    why = ("too few cases to publish in these years" if card["years_suppressed"] else
                           "no published data for these years")
                    st.caption(f"Not shown: {why}.")
                    continue
                years = (f"{int(card['y0'])}" if card["y0"] == card["y1"] else f"{int(card['y0'])}–{int(card['y1'])}")
                level = precision(card["numerator"], card["denominator"], card["ci_low"], card["ci_high"], unit)
                hedge = " Few cases: read with care." if level == "too_few" else ""
                st.caption(f"{years} · n: {trends.count_text(card['numerator'], card['denominator'], unit)} · "
                           f"95% interval {trends.format_value(card['ci_low'], unit, digits=1)} to "
                           f"{trends.format_value(card['ci_high'], unit, digits=1)} · Source: "
                           f"{_md(sources_text(card['source_ids'], titles))}.{hedge}")
                if not pd.isna(card.get("state_value")) and (card.get("state_n_counties") or 0) > 1:
                    st.caption(f"{state_abbr} ({int(card['state_n_counties'])} counties with data): "
                               f"{trends.format_value(card['state_value'], unit, digits=1)} "
                               f"({trends.format_value(card['state_ci_low'], unit, digits=1)} to "
                               f"{trends.format_value(card['state_ci_high'], unit, digits=1)}; "
                               f"{trends.count_text(card['state_numerator'], card['state_denominator'], unit)})")
                else:
                    st.caption(f"{state_abbr}: no other county in the state publishes this measure for these years.")
                if not pd.isna(card.get("similar_value")):
                    names = str(card["similar_names"]).split("; ")
                    shown = "; ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
                    st.caption(f"Similar counties ({_md(shown)}): "
                               f"{trends.format_value(card['similar_value'], unit, digits=1)} "
                               f"({trends.format_value(card['similar_ci_low'], unit, digits=1)} to "
                               f"{trends.format_value(card['similar_ci_high'], unit, digits=1)})")
                else:
                    st.caption("Similar counties: none of similar size publishes this measure for these years.")


def _disparity_section(fips: str, metric: str, label_of: dict, unit_of: dict, y0: int, y1: int, short: str,
                       place: str, titles: dict, built: str, demo: bool) -> None:
    frame = db.query("county_disparity", fips=fips, metric=metric)
    frame = frame[frame["year"].between(y0, y1)]
    for measure, heading in (("relative_rate", f"{label_of[metric]}: each group against white defendants"),
                             ("representation_ratio", "Referrals from police against each group's share of the "
                                                      "county's population")):
        rows = frame[frame["measure"] == measure]
        if measure == "relative_rate" and unit_of.get(metric) != "share":
            st.caption(f"Differences by race are computed for case decisions, not for "
                       f"{label_of[metric].lower()}.")
            continue
        if rows.empty:
            st.caption(f"{heading}: no breakdown by race is published for these years.")
            continue
        drawable = rows[~rows["suppressed"].astype(bool) & rows["value"].notna()]
        year = int(drawable["year"].max()) if not drawable.empty else int(rows["year"].max())
        rows = rows[rows["year"] == year]
        explain = ("1.0 means the same rate as for white defendants; 2.0, twice the rate"
                   if measure == "relative_rate" else
                   "1.0 means a group's share of referrals equals its share of the population; 2.0, twice it")
        fig = components.cached_chart(
            disparity.disparity_chart, rows, measure=measure, title=f"{heading}, {short}, {year}",
            subtitle=explain + "; lines: 95% intervals",
            source=sources_text(rows["source_ids"], titles), built=built, demo=demo)
        data = rows[["year", "race", "reference", "value", "ci_low", "ci_high", "suppressed", "suppression_reason"]]
        components.chart_block(fig, data, alt=disparity.disparity_alt(rows, measure=measure, place=place, year=year),
                               filename=f"{short}-{measure}-{metric}-{year}", key=f"disparity-{measure}")
        notes = disparity.disparity_notes(rows)
        if notes:
            st.caption("Not shown: " + " ".join(notes))


def _detention_section(series_all: pd.DataFrame, jail: pd.DataFrame, progress: dict | None, baseline: int | None,
                       jail_years: list[int], fips: str, y0: int, y1: int, short: str, place: str,
                       term_frame: pd.DataFrame, label_of: dict, titles: dict, built: str, demo: bool,
                       attribution: str) -> None:
    in_range = series_all[series_all["year"].between(y0, y1)]
    shown_any = False
    for metric in ("jail_rate_per_100k", "pretrial_share"):
        rows = in_range[in_range["metric_id"] == metric].copy()
        if rows.empty:
            continue
        shown_any = True
        rows["series"] = label_of[metric]
        fig = components.cached_chart(
            trends.trend_chart, rows, unit="per_100k" if metric == "jail_rate_per_100k" else "share",
            terms=term_frame, title=f"{label_of[metric]}, {short}",
            subtitle=f"95% intervals as bands; shaded: {attribution}",
            source=sources_text(rows["source_ids"], titles), built=built, demo=demo,
            y_title=label_of[metric])
        components.chart_block(fig, _csv(rows, "all"), alt=trends.alt_text(
            rows, measure=label_of[metric].lower(), unit="per_100k" if metric == "jail_rate_per_100k" else "share",
            place=place, terms=term_frame), filename=f"{short}-{metric}-{y0}-{y1}", key=f"detention-{metric}")
    bail = in_range[in_range["metric_id"].isin(BAIL_METRICS)].copy()
    if not bail.empty:
        shown_any = True
        bail["series"] = bail["metric_id"].map(label_of)
        fig = components.cached_chart(
            trends.trend_chart, bail, unit="share", terms=term_frame, title=f"Bail decisions at first appearance, "
            f"{short}", subtitle="Share of release decisions; 95% intervals as bands",
            source=sources_text(bail["source_ids"], titles), built=built, demo=demo,
            y_title="share of decisions")
        components.chart_block(fig, _csv(bail, "all"), alt=trends.alt_text(
            bail, measure="bail decisions", unit="share", place=place, terms=term_frame),
            filename=f"{short}-bail-{y0}-{y1}", key="detention-bail")
    if not jail_years:
        if not shown_any:
            st.caption("No jail or bail data are published for this county.")
        return
    st.markdown("**Halving the jail population**")
    chosen = st.selectbox("Baseline year", options=jail_years, index=jail_years.index(baseline),
                          key=f"baseline-{fips}")
    fig = components.cached_chart(
        detention.halving_chart, jail, progress, title=f"Jail population against half of {chosen}, {short}",
        subtitle=f"Pace: average yearly change over the last {detention.PACE_YEARS} years",
        source=sources_text(series_all.loc[series_all["metric_id"] == "jail_rate_per_100k", "source_ids"], titles),
        built=built, demo=demo)
    components.chart_block(fig, jail, alt=detention.halving_alt(progress, place), filename=f"{short}-jail-halving-"
                           f"{chosen}", key="detention-halving")
    st.markdown(_md(detention.progress_sentence(progress)))


def _coverage_section(coverage: pd.DataFrame, place: str) -> None:
    st.subheader("What data exist for this county")
    words = {**flow.STAGE_WORDS}
    if coverage.empty:
        st.caption(f"No case, bail or jail data for {place} are in the warehouse yet.")
    else:
        table = pd.DataFrame({
            "What": coverage["stage"].map(lambda s: words.get(s, s)),
            "Years": [f"{a}–{b}" if a != b else str(a) for a, b in zip(coverage["first_year"], coverage["last_year"],
                                                                        strict=True)],
            "Source": coverage["title"],
            "Published by": coverage["publisher"],
            "Licence": coverage["license"],
            "Link": coverage["url"],
        })
        st.dataframe(table, hide_index=True, width="stretch")
    missing = flow.missing_stages(set(coverage["stage"]))
    if missing:
        st.caption("Not covered: " + ", ".join(missing) + ". A blank here means no public source we use "
                   "publishes it for this county, not that nothing happened.")
    st.page_link(PAGES / "methods.py", label="How each number is made (methods and sources)",
                 icon=":material/menu_book:")


# --- helpers ------------------------------------------------------------------------------------------------


def _source_table() -> tuple[list[str], list[str]]:
    sources = db.query("sources")
    return list(sources["source_id"]), list(sources["title"])


def _office_terms(terms: pd.DataFrame, offices: pd.DataFrame) -> pd.DataFrame:
    if offices.empty:
        return terms.iloc[0:0]
    return terms[terms["office_id"] == offices["office_id"].iloc[0]]


def _jail_population(series_all: pd.DataFrame, y0: int, y1: int) -> pd.DataFrame:
    rows = series_all[(series_all["metric_id"] == "jail_rate_per_100k") & ~series_all["suppressed"].astype(bool)
                      & series_all["year"].between(y0, y1)]
    return pd.DataFrame({"year": rows["year"].astype(int), "population": rows["numerator"]}).reset_index(drop=True)


def _clamp_years(view: permalinks.View, first: int, last: int) -> tuple[permalinks.View, list[str]]:
    notes: list[str] = []
    y0, y1 = view.year_from, view.year_to
    if y0 is not None and not first <= y0 <= last:
        notes.append(f"This county's data cover {first}–{last}; the link's `from` year {y0} is outside it.")
        y0 = None
    if y1 is not None and not first <= y1 <= last:
        notes.append(f"This county's data cover {first}–{last}; the link's `to` year {y1} is outside it.")
        y1 = None
    return view.with_(year_from=y0, year_to=y1), notes


def _csv(series: pd.DataFrame, by: str) -> pd.DataFrame:
    columns = ["metric_id", "year", "dimension", "dimension_value", "value", "ci_low", "ci_high", "numerator",
               "denominator", "suppressed", "suppression_reason", "prosecutor", "source"]
    return series[[c for c in columns if c in series]].reset_index(drop=True)


def _question(metrics: pd.DataFrame, metric: str) -> str:
    row = metrics[metrics["metric_id"] == metric].iloc[0]
    return f"{row['question']} {row['description']} {row['direction']} Caveat: {row['caveat']}"


def _continuous_start(rows: pd.DataFrame, now: pd.Series) -> date:
    """The first day of the current prosecutor's unbroken time in this office (consecutive terms joined)."""
    ordered = rows.sort_values("start_date")
    start = pd.Timestamp(now["start_date"]).date()
    for _, row in ordered.iloc[::-1].iterrows():
        if pd.Timestamp(row["start_date"]).date() >= start:
            continue
        end = None if pd.isna(row["end_date"]) else pd.Timestamp(row["end_date"]).date()
        if row["prosecutor_id"] == now["prosecutor_id"] and end is not None and (start - end).days <= 7:
            start = pd.Timestamp(row["start_date"]).date()
        else:
            break
    return start


def _entry_words(entry: str) -> str:
    return {"elected": "elected, in office", "appointed": "appointed, in office", "interim": "interim, in office",
            "acting": "acting, in office"}.get(entry, "in office")


def _election_text(elections: pd.DataFrame, today: date) -> str:
    if elections.empty:
        return "No election for this office is in the data."
    dates = pd.to_datetime(elections["election_date"]).dt.date
    future = elections[dates > today]
    if not future.empty:
        when = pd.to_datetime(future["election_date"]).min()
        rows = future[pd.to_datetime(future["election_date"]) == when]
        contested = rows["contested"].dropna()
        state = ("contested" if contested.any() else "uncontested") if not contested.empty else "contest not yet known"
        return f"Next election: {when:%d %B %Y} ({rows['round'].iloc[0]}; {state})."
    last = pd.to_datetime(elections["election_date"]).max()
    rows = elections[pd.to_datetime(elections["election_date"]) == last]
    winners = rows[rows["winner"].fillna(False).astype(bool)]["candidate_name"].tolist()
    contested = rows["contested"].dropna()
    state = ("contested" if contested.any() else "uncontested") if not contested.empty else "contest unknown"
    won = f", won by {', '.join(_md(w) for w in winners)}" if winners else ""
    return (f"No upcoming election is listed in the data. Last election: {last:%d %B %Y} "
            f"({rows['round'].iloc[0]}, {state}{won}).")


def _md(text: object) -> str:
    """Data text shown through markdown: escape the characters markdown would act on."""
    out = str(text)
    for char in ("\\", "*", "_", "`", "[", "]", "<", ">", "#", "|", "$", "~"):
        out = out.replace(char, "\\" + char)
    return out


main()
