"""What a page shows, computed once per view and warehouse version and shared by every session.

A page script runs from the top on every click, and a page's own pandas work (filtering its series, alt texts,
the summary, card captions, chart inputs) would be redone each time. Here it is a pure function of the view's
scalars (county, measure, breakdown, years), cached per warehouse version, so a warm rerun only hands finished
objects to Streamlit. Nothing may change a cached object after it is returned: every session shares it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa

from dashboard import db
from dashboard.i18n import _

VIEWS_KEPT = 256  # per content function, in each server process


@dataclass(frozen=True)
class Block:
    """A chart with what `components.chart_block` shows beside it."""

    fig: go.Figure
    data: pd.DataFrame
    alt: str
    filename: str
    key: str
    events: pd.DataFrame | None = None  # the dated events the chart marks, with citations: their own CSV

    @cached_property
    def table(self) -> pa.Table:
        """`data` as its 'show as table' switch sends it, converted once (see `shown`)."""
        return shown(self.data)


def shown(frame: pd.DataFrame) -> pa.Table:
    """A table for st.dataframe, in the Arrow form Streamlit sends.

    Given a pandas frame, Streamlit converts it to Arrow on every rerun; a cached page converts each table
    once."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def md(text: object) -> str:
    """Data text shown through markdown: escape the characters markdown would act on."""
    out = str(text)
    for char in ("\\", "*", "_", "`", "[", "]", "<", ">", "#", "|", "$", "~"):
        out = out.replace(char, "\\" + char)
    return out


def terms_table(terms: pd.DataFrame, leading: dict[str, str]) -> pa.Table:
    """Terms as the pages list them: the `leading` columns (heading -> column), then how and when each term
    began and ended, with the citation for its dates."""
    return shown(pd.DataFrame({
        **{_(heading): terms[column] for heading, column in leading.items()},
        _("How they took office"): terms["entry"].map(_entry),
        _("From"): pd.to_datetime(terms["start_date"]).dt.date,
        _("To"): [(_("in office") if pd.isna(e) else str(pd.Timestamp(e).date())) for e in terms["end_date"]],
        _("Where the dates come from"): terms["citation"],
    }))


def _entry(entry: object) -> object:
    """How a term began, in the reader's language (the warehouse's words: elected, appointed, ...)."""
    from dashboard.charts.trends import ENTRY_WORDS

    return _(ENTRY_WORDS[entry]) if isinstance(entry, str) and entry in ENTRY_WORDS else entry


def source_titles() -> dict[str, str]:
    """Source id -> title, for the source lines under charts and figures."""
    sources = db.query("sources")
    return dict(zip(sources["source_id"], sources["title"], strict=True))
