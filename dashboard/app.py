"""The router: six pages at stable URL paths (dashboard/navigation.py); every page is a thin file in views/.

Run with `streamlit run dashboard/app.py` (make run does it). The app reads only the warehouse
(PAD_WAREHOUSE or data/warehouse.duckdb), read-only.
"""

from __future__ import annotations

import os
import sys

import streamlit as st

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PROJECT not in sys.path:  # this script runs on every rerun: add the project once, not once per click
    sys.path.insert(0, PROJECT)  # `dashboard` importable under streamlit run

from dashboard import db, i18n, memory, navigation, permalinks  # noqa: E402
from dashboard.i18n import _  # noqa: E402

i18n.set_language(permalinks.language())  # every sentence of this run in the reader's language
st.set_page_config(page_title=_("Prosecutor accountability dashboard"), page_icon="⚖️",
                   layout="wide", initial_sidebar_state="collapsed")
memory.start_returning_freed_memory()

pages = list(navigation.pages().values())
page = st.navigation(pages, position="hidden" if permalinks.embedded() else "top")
try:
    db.current_version()
except db.WarehouseMissing as missing:
    st.error(_("The data warehouse is not built yet. {reason}").format(reason=missing))
    st.stop()
page.run()
