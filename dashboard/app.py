"""The router: five pages at stable URL paths; every page is a thin file in views/.

Run with `streamlit run dashboard/app.py` (make run does it). The app reads only the warehouse
(PAD_WAREHOUSE or data/warehouse.duckdb), read-only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `dashboard` importable under streamlit run

from dashboard import db, memory  # noqa: E402

PAGES_DIR = Path(__file__).parent / "views"  # not "pages/": Streamlit would auto-load that folder

st.set_page_config(page_title="Prosecutor accountability dashboard", page_icon="⚖️",
                   layout="wide", initial_sidebar_state="collapsed")
memory.start_returning_freed_memory()

pages = [
    st.Page(PAGES_DIR / "map.py", title="Map", icon=":material/map:", url_path="map", default=True),
    st.Page(PAGES_DIR / "county.py", title="County", icon=":material/location_city:", url_path="county"),
    st.Page(PAGES_DIR / "prosecutor.py", title="Prosecutor", icon=":material/person:", url_path="prosecutor"),
    st.Page(PAGES_DIR / "compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
    st.Page(PAGES_DIR / "methods.py", title="Methods and sources", icon=":material/menu_book:", url_path="methods"),
]
embedded = str(st.query_params.get("embed", "")).lower() in ("true", "1", "yes")
page = st.navigation(pages, position="hidden" if embedded else "top")
try:
    db.current_version()
except db.WarehouseMissing as missing:
    st.error(f"The data warehouse is not built yet. {missing}")
    st.stop()
page.run()
