"""Prosecutor page (/prosecutor?id=kim-foxx): one prosecutor across their terms and offices.

For each measure: their value over their time in office against their predecessor's and against the state's
other offices (differences with 95% intervals, computed in prosecutor_comparison.sql); the office's trend with
their time in office highlighted; their terms with the citation for each date.
Thin: URL -> checks -> what dashboard/content/prosecutor.py computed for the view (once per view and warehouse
version) -> components. URL parameters: id, metric, from, to, by.
"""

from __future__ import annotations

import streamlit as st

from dashboard import components, db, navigation, permalinks
from dashboard.content import Block, md, prosecutor
from dashboard.i18n import _


def main() -> None:
    view = components.page_start("prosecutor")
    view = permalinks.allowed(view, ids=db.known("prosecutors", "prosecutor_id"),
                              metrics=db.known("metric_definitions", "metric_id"))
    share_box = st.container()

    if not view.ids:
        people = db.query("prosecutors")
        labels = dict(zip(people["prosecutor_id"], people["name"] + " — " + people["offices"], strict=True))
        components.pick_entity(
            view, title=_("Prosecutor"), label=_("Find a prosecutor"), labels=labels, placeholder=_("Type a name"),
            hint=_("Choose a prosecutor above, or open one from a county's page."), key="prosecutor-pick",
            field="ids")
        return

    pid, version = view.ids[0], db.current_version()
    base = prosecutor.prosecutor_base(pid, version)
    label_of = base.label_of
    st.title(md(base.name))
    st.caption(base.caption)
    for line in base.election_lines:
        st.markdown(line)
    if base.election_history is not None:
        with st.expander(_("Elections they ran in (every candidate, with vote shares)")):
            st.table(base.election_history)  # a static table: a few rows, read rather than sorted
    _terms_section(base)

    # --- choices ------------------------------------------------------------------------------------------------
    with_data = list(base.with_data)
    notes: list[str] = []
    if base.no_term_data:
        components.show_messages(view)
        st.info(md(base.no_term_data), icon=":material/info:")
        with share_box:
            components.copy_link(view)
        return
    first_year, last_year = base.first_year, base.last_year
    y0, y1 = view.year_from, view.year_to
    for key, year in (("from", y0), ("to", y1)):
        if year is not None and not first_year <= year <= last_year:
            notes.append(_("The data for this office cover {first}–{last}; the link's `{key}` year {year} is "
                           "outside it.").format(first=first_year, last=last_year, key=key, year=year))
    y0 = y0 if y0 is not None and first_year <= y0 <= last_year else first_year
    y1 = y1 if y1 is not None and first_year <= y1 <= last_year else last_year
    if view.metric and view.metric not in with_data:
        notes.append(_("There are no published values of {measure} for this office; showing another measure.")
                     .format(measure=label_of.get(view.metric, view.metric)))
    metric, by, y0, y1 = components.view_controls(
        view, with_data, label_of, years=(first_year, last_year), chosen=(y0, y1),
        years_label=_("Years (for the trend)"), key_prefix="p-", ident=pid)
    ranged = (y0, y1) != (first_year, last_year)
    view = view.with_(metric=metric if with_data and metric != with_data[0] else None, by=by,
                      year_from=y0 if ranged else None, year_to=y1 if ranged else None,
                      messages=view.messages + tuple(notes))
    components.show_messages(view)
    page = prosecutor.prosecutor_view(pid, metric, by, y0, y1, version)

    # --- comparisons ---------------------------------------------------------------------------------------------
    st.subheader(_("Against the predecessor and the rest of the state"))
    st.caption(_("Their value pools every published figure of their time in office, which may be only part of it: "
                 "the trend below shows which years have data (years attributed to the prosecutor in office most "
                 "of the year where sources give only years). The predecessor is the previous prosecutor of the "
                 "same office with data; the state's other offices are the state's total without this office, over "
                 "the same years. Differences come with a 95% interval (normal approximation); an interval that "
                 "crosses zero means the data cannot tell the two apart."))
    for comparison in base.comparisons:
        if base.several_offices:
            st.markdown(f"**{md(comparison.office_name)}**")
        if comparison.rows["diff"].notna().any():
            _block(comparison.block)
        else:  # no dot to draw: no empty chart with its downloads, the table below says why for each measure
            st.caption(_("No difference can be computed for any measure: see the notes in the table below."))
        for sentence in page.sentences.get(comparison.office_id, ()):
            st.markdown("- " + sentence)
        with st.expander(_("Every measure, with counts and notes")):
            st.dataframe(comparison.block.table, hide_index=True, width="stretch")

    # --- trend of the office ---------------------------------------------------------------------------------------
    if metric:
        st.subheader(_("{measure} in the office over time").format(measure=label_of[metric]))
        for block in page.trends:
            _block(block)

    st.page_link(navigation.page("questions"),
                 label=_("Questions: drug cases, older people, money bail, what bail costs and low-level cases "
                         "under {name}").format(name=md(base.name)),
                 icon=":material/help:", query_params=permalinks.query(prosecutor=pid))
    st.page_link(navigation.page("compare"),
                 label=_("Compare {name} with other prosecutors").format(name=md(base.name)),
                 icon=":material/compare_arrows:", query_params=permalinks.query(id=pid))
    with share_box:
        components.copy_link(view)


def _terms_section(base: prosecutor.ProsecutorBase) -> None:
    st.subheader(_("Time in office"))
    st.dataframe(base.terms_table, hide_index=True, width="stretch",
                 column_config={_("Where the dates come from"): st.column_config.TextColumn(width="large")})
    for label, fips in base.county_links:
        st.page_link(navigation.page("county"), label=label, icon=":material/location_city:",
                     query_params=permalinks.query(fips=fips))


def _block(block: Block) -> None:
    components.chart_block(block.fig, block.data, alt=block.alt, filename=block.filename, key=block.key,
                           events=block.events)


main()
