"""County page (/county?fips=17031): who prosecutes here, what the numbers say, and what data exist.

Thin: read the view from the URL, check it against the warehouse, and show what dashboard/content/county.py
computed for it (once per view and warehouse version) through the shared components.
URL parameters: fips, metric, from, to, by, baseline, cost (and embed). Links to the questions page.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import components, db, navigation, permalinks
from dashboard.charts import detention
from dashboard.content import Block, county, md
from dashboard.i18n import _


def main() -> None:
    view = components.page_start("county")
    view = permalinks.allowed(view, fips=db.known("counties", "fips"),
                              metrics=db.known("metric_definitions", "metric_id"))
    share_box = st.container()

    if not view.fips:
        components.pick_entity(
            view, title=_("County"), label=_("Find a county"), labels=db.lookup("counties", "fips", "label"),
            placeholder=_("Type a county name"), hint=_("Choose a county above, or open one from the map."),
            key="county-pick", field="fips")
        return

    fips, version, today = view.fips[0], db.current_version(), date.today()
    base = county.county_base(fips, version, today)
    st.title(base.place)
    if base.population:
        st.caption(base.population)
    st.page_link(navigation.page("questions"),
                 label=_("Questions: drug cases, older people, money bail, what bail costs and low-level cases here"),
                 icon=":material/help:", query_params=permalinks.query(county=fips))
    _office_section(base)

    if base.series_all.empty:
        components.show_messages(view)
        st.info(_("No published numbers for {place} yet. What the data cover is listed below.").format(
            place=base.place),
                icon=":material/info:")
        _coverage_section(base)
        with share_box:
            components.copy_link(view)
        return

    # --- the view's choices: metric, years, breakdown, baseline ------------------------------------------
    with_data, label_of = list(base.with_data), base.label_of
    first_year, last_year = base.first_year, base.last_year
    view, notes = _clamp_years(view, first_year, last_year)
    if view.metric and view.metric not in with_data:
        notes.append(_("This county has no published values of {measure}; showing another measure.").format(
            measure=label_of.get(view.metric, view.metric)))
    metric, by, y0, y1 = components.view_controls(
        view, with_data, label_of, years=(first_year, last_year),
        chosen=(view.year_from or first_year, view.year_to or last_year), years_label=_("Years"), key_prefix="",
        ident=fips)
    if first_year == last_year:
        st.caption(_("Data cover {year} only.").format(year=first_year))
    ranged = (y0, y1) != (first_year, last_year)
    view = view.with_(metric=metric if with_data and metric != with_data[0] else None,
                      by=by, year_from=y0 if ranged else None, year_to=y1 if ranged else None)
    view = view.with_(messages=view.messages + tuple(notes))
    components.show_messages(view)

    picked = st.session_state.get(f"baseline-{fips}")  # the baseline widget below, when already used
    page = county.county_view(fips, metric, by, y0, y1, picked, view.baseline, version, today)
    if view.baseline and view.baseline not in page.jail_years and picked is None:
        st.info(_("There is no published jail count for {year}; the baseline is {baseline}.").format(
            year=view.baseline, baseline=page.baseline),
                icon=":material/link_off:")

    # --- summary, headline cards ---------------------------------------------------------------------------
    st.subheader(_("In short"))
    st.markdown("\n".join(f"- {md(sentence)}" for sentence in page.summary))
    st.subheader(_("Headline numbers"))
    st.caption(_("Each figure shows its count (n), its 95% interval, its years and source, beside the other "
                 "counties of the state with data and up to 10 similar counties (half to twice this county's "
                 "population, closest in size first), pooled: only counties whose figures count the same population "
                 "in the same unit (e.g. felony review decisions per person, not all arrests per arrest).") + " "
               + (_("Figures pool the chosen years; years with too few cases to publish are left out.")
                  if ranged else _("Each figure is the latest year with published data; narrow the years above to "
                                   "pool a period.")))
    if page.cards:
        st.html(page.cards_html)
    else:
        st.info(_("No measure has published values for this county."), icon=":material/info:")

    # --- trend, case flow, disparities, detention ------------------------------------------------------------
    if page.trend:
        st.subheader(_("{measure} over time").format(measure=label_of[metric]))
        st.caption(base.question_of[metric])
        _block(page.trend)
    st.subheader(_("From arrest to sentence"))
    if page.flow is not None:
        _block(page.flow)
    for note in page.flow_notes:
        st.caption(note)
    st.subheader(_("Differences by race"))
    for part in page.disparity:
        if part.block:
            _block(part.block)
        if part.caption:
            st.caption(part.caption)
    st.subheader(_("Jail and bail"))
    for block in page.detention:
        _block(block)
    if page.halving:
        st.markdown(_("**Halving the jail population**"))
        st.selectbox(_("Baseline year"), options=page.jail_years, index=page.jail_years.index(page.baseline),
                     key=f"baseline-{fips}")
        _block(page.halving)
        st.markdown(page.progress)
        if page.jail:
            view = _jail_section(page.jail, view, fips)
    elif not page.detention:
        st.caption(_("No jail or bail data are published for this county."))
    view = view.with_(baseline=page.baseline if page.jail_years and page.baseline != page.jail_years[0] else None)

    _coverage_section(base)
    with share_box:
        components.copy_link(view)


# --- sections ---------------------------------------------------------------------------------------------------


def _office_section(base: county.CountyBase) -> None:
    st.subheader(_("Who prosecutes here"))
    if not base.has_offices:
        st.info(base.no_office[0], icon=":material/info:")
        for line in base.no_office[1:]:
            st.markdown(line)
        return
    for office in base.offices:
        st.markdown(office.text)
        if office.link:
            label, prosecutor_id = office.link
            st.page_link(navigation.page("prosecutor"), label=label, icon=":material/person:",
                         query_params=permalinks.query(id=prosecutor_id))
        for line in office.election_lines:
            st.markdown(line)
    with st.expander(_("All terms ({n}) with the citation for each date").format(n=len(base.terms_table)),
                     expanded=False):
        st.dataframe(base.terms_table, hide_index=True, width="stretch",
                     column_config={_("Where the dates come from"): st.column_config.TextColumn(width="large")})
    for office in base.offices:
        if office.history is not None:
            with st.expander(_("Election history: {office} (every candidate, with vote shares)").format(
                    office=office.office_name)):
                st.dataframe(office.history, hide_index=True, width="stretch")


def _block(block: Block) -> None:
    components.chart_block(block.fig, block.data, alt=block.alt, filename=block.filename, key=block.key,
                           events=block.events)


def _jail_section(jail: county.Jail, view: permalinks.View, fips: str) -> permalinks.View:
    """The pretrial share, each recent prosecutor's years, the source, and the cost with its control."""
    st.markdown(jail.pretrial)
    for sentence in jail.terms:
        st.markdown(sentence)
    st.caption(jail.source)
    st.markdown(_("**What jail costs taxpayers**"))
    st.markdown(jail.cost_citation)
    start = view.cost or jail.cost_cited
    per_day = st.number_input(_("Cost per person per day (US dollars)"), min_value=0.0,
                              max_value=float(permalinks.COST_MAX), value=start, step=1.0, key=f"cost-{fips}",
                              placeholder=_("enter a figure"),
                              help=_("Change it to see the cost another figure implies; a shared link keeps it."))
    if per_day:
        st.markdown(md(detention.cost_sentence(jail.cost_population, jail.cost_year, jail.cost_pretrial_share,
                                               per_day, cited=jail.cost_cited is not None
                                               and per_day == jail.cost_cited)))
    return view.with_(cost=per_day if per_day and per_day != jail.cost_cited else None)


def _coverage_section(base: county.CountyBase) -> None:
    st.subheader(_("What data exist for this county"))
    if base.coverage_table is None:
        st.caption(_("No case, bail or jail data for {place} are in the warehouse yet.").format(place=base.place))
    else:
        st.dataframe(base.coverage_table, hide_index=True, width="stretch")
    if base.not_covered:
        st.caption(_("Not covered: {stages}. A blank here means no public source we use publishes it for this "
                     "county, not that nothing happened.").format(stages=", ".join(base.not_covered)))
    st.page_link(navigation.page("methods"), label=_("How each number is made (methods and sources)"),
                 icon=":material/menu_book:", query_params=permalinks.query())


def _clamp_years(view: permalinks.View, first: int, last: int) -> tuple[permalinks.View, list[str]]:
    notes: list[str] = []
    y0, y1 = view.year_from, view.year_to
    if y0 is not None and not first <= y0 <= last:
        notes.append(_("This county's data cover {first}–{last}; the link's `from` year {year} is outside it.")
                     .format(first=first, last=last, year=y0))
        y0 = None
    if y1 is not None and not first <= y1 <= last:
        notes.append(_("This county's data cover {first}–{last}; the link's `to` year {year} is outside it.")
                     .format(first=first, last=last, year=y1))
        y1 = None
    return view.with_(year_from=y0, year_to=y1), notes


main()
