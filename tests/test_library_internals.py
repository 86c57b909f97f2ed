"""Code that leans on how a pinned library works inside, listed in one place with the version it was checked
against: an upgrade of any of these libraries fails here, loudly, naming what to re-check, instead of breaking
something silently.

- pydeck: `dashboard/charts/maps.py` (`CompactDeck` serialises with pydeck's private `default_serialize`; the
  map's rows are deck.gl `@@=` expressions that pydeck passes through to deck.gl's JSON converter).
- Streamlit: `dashboard/components.py` (`SharedFigure`: st.plotly_chart calls the figure's `to_dict` on every
  rerun), `dashboard/server.py` (`st.App` with middleware), `deploy/static_files.py` and
  `dashboard/precompressed.py` (the layout of Streamlit's frontend under `streamlit/static`), and
  `tests/dashboard/map_spec.py` (reads deck.gl specs as Streamlit sends them).
- plotly: `SharedFigure` overrides `go.Figure.to_dict`.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import plotly.graph_objects as go
import pytest
import streamlit

CHECKED = {"pydeck": "0.9.3", "streamlit": "1.67.0", "plotly": "7.1.0"}


@pytest.mark.parametrize("package", sorted(CHECKED))
def test_the_installed_version_is_the_one_the_internals_were_checked_against(package: str) -> None:
    installed = metadata.version(package)
    assert installed == CHECKED[package], (
        f"{package} is {installed}, but the code listed in {Path(__file__).name}'s docstring was checked against "
        f"{CHECKED[package]}: re-check it against the new version, then update CHECKED")


def test_the_private_names_the_code_uses_are_still_there() -> None:
    from pydeck.bindings.json_tools import default_serialize

    assert callable(default_serialize)
    assert callable(go.Figure.to_dict)
    assert hasattr(streamlit, "App")
    assert (Path(streamlit.__file__).parent / "static" / "static").is_dir()
