"""What a page shows, computed once per view and warehouse version and shared by every session.

A page script runs from the top on every click. The county page's own pandas work (filtering its series,
alt texts, the summary, card captions, chart inputs) was three quarters of a warm rerun, ahead of Streamlit's
(docs/PERFORMANCE.md). Here it is a pure function of the view's scalars (county, measure, breakdown, years),
cached per warehouse version, so a warm rerun only hands finished objects to Streamlit. Nothing may change
a cached object after it is returned: every session shares it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import db

VIEWS_KEPT = 256  # per content function, in each server process


@dataclass(frozen=True)
class Block:
    """A chart with what `components.chart_block` shows beside it."""

    fig: go.Figure
    data: pd.DataFrame
    alt: str
    filename: str
    key: str


def md(text: object) -> str:
    """Data text shown through markdown: escape the characters markdown would act on."""
    out = str(text)
    for char in ("\\", "*", "_", "`", "[", "]", "<", ">", "#", "|", "$", "~"):
        out = out.replace(char, "\\" + char)
    return out


def terms_table(terms: pd.DataFrame, leading: dict[str, str]) -> pd.DataFrame:
    """Terms as the pages list them: the `leading` columns (heading -> column), then how and when each term
    began and ended, with the citation for its dates."""
    return pd.DataFrame({
        **{heading: terms[column] for heading, column in leading.items()},
        "How they took office": terms["entry"],
        "From": pd.to_datetime(terms["start_date"]).dt.date,
        "To": [("in office" if pd.isna(e) else str(pd.Timestamp(e).date())) for e in terms["end_date"]],
        "Where the dates come from": terms["citation"],
    })


def source_titles() -> dict[str, str]:
    """Source id -> title, for the source lines under charts and figures."""
    sources = db.query("sources")
    return dict(zip(sources["source_id"], sources["title"], strict=True))
