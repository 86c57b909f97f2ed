"""The app with its static files sent compressed: `streamlit run dashboard/server.py` (what `make run` starts).

Streamlit finds the `st.App` below and serves dashboard/app.py through it, with one middleware in front
(dashboard/precompressed.py) that sends Streamlit's frontend and dashboard/static from the compressed copies
`python -m deploy.static_files` wrote to PAD_PUBLIC_DIR (default build/public), as nginx does in deploy/.
Without that folder every request falls through, and this is plain `streamlit run dashboard/app.py`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from dashboard.precompressed import Mount, PrecompressedFiles  # noqa: E402

PUBLIC_DIR = Path(os.environ.get("PAD_PUBLIC_DIR", PROJECT / "build" / "public"))
MOUNTS = (Mount("/static/", Path(st.__file__).resolve().parent / "static" / "static", hashed_names=True),
          Mount("/app/static/", PROJECT / "dashboard" / "static", hashed_names=False))

app = st.App("app.py", middleware=[Middleware(PrecompressedFiles, folder=PUBLIC_DIR, mounts=MOUNTS)])
