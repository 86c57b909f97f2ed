"""plotly and Streamlit internals the chart cache relies on: `st.plotly_chart` turns a figure into a dict
(`go.Figure.to_dict`: a deep copy, numeric arrays encoded) before writing its JSON, on every rerun."""

from __future__ import annotations

import plotly.graph_objects as go


class SharedFigure(go.Figure):
    """A cached chart, shown on every rerun of every session that asks for it.

    A cached chart never changes, so its dict is made once; callers must not change the dict either.
    """

    def to_dict(self) -> dict:
        spec = getattr(self, "_shared_spec", None)
        if spec is None:
            spec = self._shared_spec = super().to_dict()
        return spec


def share(chart: object) -> object:
    """Make a plain figure a `SharedFigure` in place (the same figure, its dict made once: no copy, no
    re-validation); anything else is returned as it is."""
    if type(chart) is go.Figure:
        chart.__class__ = SharedFigure
    return chart
