"""Questions page (/questions?county=17031 or /questions?prosecutor=kim-foxx): the campaign's questions (drug
offences, older people, wealth-based detention, what bail costs, low-level cases), each answered in one sentence,
then its chart and source.

Thin: URL -> checks -> what dashboard/content/questions.py computed (once per view and warehouse version) ->
components. URL parameters: county (or fips), prosecutor (or id), lens (one question: drug, older, bail, amount,
level).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import components, db, navigation, permalinks
from dashboard.content import Block, questions
from dashboard.i18n import _

ALL = "all"


def main() -> None:
    view = components.page_start("questions")
    view = permalinks.allowed(view, fips=db.known("counties", "fips"), ids=db.known("prosecutors", "prosecutor_id"))
    share_box = st.container()
    if view.lens and view.lens not in questions.LENS_KEYS:
        view = view.with_(lens=None, messages=(*view.messages, _("`lens` must be one of {values}; showing every "
                                                                 "question.").format(
            values=", ".join(questions.LENS_KEYS))))
    if view.fips and view.ids:
        view = view.with_(ids=(), messages=(*view.messages, _("The link names both a county and a prosecutor; "
                                                              "showing the county.")))

    if not view.fips and not view.ids:
        components.pick_entity(
            view, title=_("Questions"), label=_("Find a county"), labels=db.lookup("counties", "fips", "label"),
            placeholder=_("Type a county name"),
            hint=_("Choose a county above, or open a prosecutor's questions from their page."),
            key="questions-pick", field="fips")
        return

    kind, ident = ("county", view.fips[0]) if view.fips else ("prosecutor", view.ids[0])
    page = questions.questions_view(kind, ident, db.current_version(), date.today())
    st.title(_("Questions: {name}").format(name=page.title))
    st.caption(page.caption + " " + _("Every rate comes with its count (n) and its 95% interval; groups too small "
                                      "to publish are left out, never estimated."))
    options = [ALL, *questions.LENS_KEYS]
    heading = {ALL: _("Every question"), **{lens.key: _(lens.heading) for lens in questions.LENSES}}
    chosen = st.radio(_("Question"), options=options, index=options.index(view.lens or ALL), horizontal=True,
                      format_func=heading.get, key=f"lens-{kind}-{ident}")
    view = view.with_(lens=None if chosen == ALL else chosen)
    components.show_messages(view)

    for part in page.sections:
        if chosen not in (ALL, part.lens.key):
            continue
        st.subheader(_(part.lens.heading), help=_(part.lens.question))
        st.markdown(part.sentence)
        if part.block is not None:
            _block(part.block)
        if part.source:
            st.caption(part.source)
        for note in part.notes:
            st.caption(note)

    if kind == "county":
        st.page_link(navigation.page("county"), label=_("Everything else about this county"),
                     icon=":material/location_city:", query_params=permalinks.query(fips=ident))
    else:
        st.page_link(navigation.page("prosecutor"), label=_("Everything else about this prosecutor"),
                     icon=":material/person:", query_params=permalinks.query(id=ident))
    with share_box:
        components.copy_link(view)


def _block(block: Block) -> None:
    components.chart_block(block.fig, block.data, alt=block.alt, filename=block.filename, key=block.key,
                           events=block.events)


main()
