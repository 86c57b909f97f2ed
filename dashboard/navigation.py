"""The app's pages, named once: the router (app.py) shows them and the views link to them by name.

Each session keeps its own `st.Page` objects, made on its first run. Making them on every rerun cost a file
path resolution per page (a dozen system calls each, and under a crowd every system call is a chance for
another session's thread to take the GIL); sharing one set between sessions is not safe, because
st.navigation marks the chosen page on the object itself for `Page.run`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import streamlit as st

from dashboard.i18n import N_, _, language

VIEWS = Path(__file__).parent / "views"  # not "pages/": Streamlit would auto-load that folder
_SESSION_KEY = "_pad_pages"


class PageSpec(NamedTuple):
    name: str  # the view's file (views/<name>.py) and its URL path
    title: str
    icon: str


PAGES = (
    PageSpec("map", N_("Map"), ":material/map:"),  # the first is the home page
    PageSpec("county", N_("County"), ":material/location_city:"),
    PageSpec("prosecutor", N_("Prosecutor"), ":material/person:"),
    PageSpec("compare", N_("Compare"), ":material/compare_arrows:"),
    PageSpec("questions", N_("Questions"), ":material/help:"),
    PageSpec("methods", N_("Methods and sources"), ":material/menu_book:"),
)


def pages() -> dict[str, st.Page]:
    """This session's pages by name, in menu order, titled in the reader's language (one set per language)."""
    key = f"{_SESSION_KEY}_{language()}"
    made = st.session_state.get(key)
    if made is None:
        made = {spec.name: st.Page(VIEWS / f"{spec.name}.py", title=_(spec.title), icon=spec.icon,
                                   url_path=spec.name, default=spec is PAGES[0])
                for spec in PAGES}
        st.session_state[key] = made
    return made


def page(name: str) -> st.Page:
    """A page to link or switch to: `st.page_link(navigation.page("county"), query_params=...)`."""
    return pages()[name]
