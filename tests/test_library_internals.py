"""Code that leans on how a pinned library works inside, listed in one place with the version it was checked
against: an upgrade of any of these libraries fails here, loudly, naming what to re-check, instead of breaking
something silently.

- pydeck: `dashboard/internals/pydeck.py` (`CompactDeck` serialises with pydeck's private `default_serialize`;
  the map's rows and fills are deck.gl `@@=` expressions that pydeck passes through to deck.gl's JSON converter).
- plotly and Streamlit: `dashboard/internals/plotly.py` (`SharedFigure`: st.plotly_chart calls the figure's
  `to_dict` on every rerun; `share` swaps a cached figure's class).
- Streamlit: `dashboard/server.py` (`st.App` with middleware), `deploy/static_files.py` and
  `dashboard/precompressed.py` (the layout of Streamlit's frontend under `streamlit/static`), and
  `tests/dashboard/map_spec.py` (reads deck.gl specs as Streamlit sends them).
- glibc: `dashboard/memory.py` (`malloc_trim`, where the C library has it).
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import plotly.graph_objects as go
import pydeck as pdk
import pytest
import streamlit

from dashboard import memory
from dashboard.internals import pydeck as deck_internals
from dashboard.internals.plotly import SharedFigure, share

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


def test_a_compact_deck_is_pydecks_own_spec_without_indentation_and_keeps_expressions() -> None:
    """CompactDeck must say what pydeck's own to_json says; an expression set as a layer attribute must reach
    the spec untouched (deck.gl's converter evaluates it)."""
    def deck(cls: type[pdk.Deck]) -> pdk.Deck:
        layer = deck_internals.set_data_transform(pdk.Layer("PolygonLayer", id="c", data="shapes.json"), "[[P[1]]]")
        layer.get_polygon = deck_internals.expression("this[0][1]")
        return cls(layers=[layer], map_provider=None, initial_view_state=pdk.ViewState(latitude=1, longitude=2))

    compact = deck(deck_internals.CompactDeck)
    text = compact.to_json()
    assert "\n" not in text and compact.to_json() is text, "made once, without indentation"
    assert json.loads(text) == json.loads(deck(pdk.Deck).to_json())
    [layer] = json.loads(text)["layers"]
    assert layer["dataTransform"] == "@@=[[P[1]]]" and layer["getPolygon"] == "@@=this[0][1]"


def test_a_shared_figure_makes_plotlys_own_dict_once() -> None:
    figure = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    plain = figure.to_dict()
    shared = share(figure)
    assert shared is figure and isinstance(figure, SharedFigure)
    assert figure.to_dict() == plain and figure.to_dict() is figure.to_dict()
    assert share("not a figure") == "not a figure"


def test_malloc_trim_is_found_where_the_c_library_is_glibc() -> None:
    import platform

    trim = memory._malloc_trim()
    if platform.libc_ver()[0] != "glibc":
        pytest.skip(f"the C library here is {platform.libc_ver()[0] or 'unknown'}: no malloc_trim to find")
    assert trim is not None and trim(0) in (0, 1)
