"""What every chart shares: colour-blind-safe palettes, the title/source/date footer inside the image,
the demo watermark, and plotly's download button set up with a good file name."""

from __future__ import annotations

import re

import plotly.graph_objects as go

from dashboard.i18n import N_, _, plotly_separators

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
SEQUENTIAL = "Cividis"  # perceptually uniform and colour-blind safe
NO_DATA_COLOR = "#d9d9d9"
FONT = "DejaVu Sans, Arial, sans-serif"
DEMO_TEXT = N_("DEMO DATA - NOT REAL")


# Characters of 12 px text that fit one line of a chart on a 375 px phone (plotly does not wrap titles).
SUBTITLE_WIDTH = 40
# Characters of the 10 px source line that fit the width of an exported image; longer source lists wrap.
FOOTER_WIDTH = 110


def wrap(text: str, width: int = 20) -> str:
    """Break a long (already escaped) label over lines of at most `width` characters (a longer word stays
    whole), because plotly never wraps text and a phone screen cuts it off."""
    words, lines, line = text.split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def finish(fig: go.Figure, *, title: str, source: str, built: str, demo: bool, subtitle: str = "") -> go.Figure:
    """Put the title, the source and the data date inside the figure, so an exported image carries them."""
    lines = wrap(_escape(subtitle), SUBTITLE_WIDTH).split("<br>") if subtitle else []
    heading = f"<b>{_escape(title)}</b>" + "".join(f"<br><span style='font-size:12px'>{line}</span>"
                                                   for line in lines)
    fig.update_layout(
        title={"text": heading, "x": 0.0, "xref": "paper", "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT, "size": 12},
        margin={"l": 50, "r": 20, "t": 50 + 18 * len(lines), "b": 150},  # room for the legend and the footer
        height=fig.layout.height or 480,  # fixed, so the footer keeps its place in exported images
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=plotly_separators(),  # axis ticks and hover numbers the reader's way (1.234,5 in Spanish)
        colorway=list(PALETTE),
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
    )
    footer = wrap(_("Source: {source} | Data built {built}").format(source=_escape(source), built=_escape(built)),
                  FOOTER_WIDTH)
    fig.add_annotation(text=footer, xref="paper", yref="paper", x=0, y=-0.32, xanchor="left", yanchor="top",
                       showarrow=False, font={"size": 10, "color": "#444"}, align="left")
    if footer.count("<br>"):  # room below for every line of a long source list, the plot keeping its size
        extra = 14 * footer.count("<br>")
        fig.update_layout(margin={"b": 150 + extra}, height=fig.layout.height + extra)
    if demo:
        fig.add_annotation(text=_(DEMO_TEXT), xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                           font={"size": 36, "color": "rgba(200,0,0,0.18)"}, textangle=-20)
    return fig


def download_config(filename: str, *, fmt: str = "png") -> dict:
    """plotly's own modebar download, named after the view, at print scale."""
    return {
        "displaylogo": False,
        "responsive": True,
        "toImageButtonOptions": {"format": fmt, "filename": safe_filename(filename), "scale": 2,
                                 "width": 1100, "height": 620},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_\-]+", "-", text).strip("-")[:120] or "chart"


def no_data_figure(message: str, *, title: str, source: str, built: str, demo: bool, subtitle: str = "") -> go.Figure:
    """A chart with nothing to draw: the message in its middle, with the title and source like any other chart."""
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title=title, source=source, built=built, demo=demo, subtitle=subtitle)


def _escape(text: str) -> str:
    """plotly renders a subset of HTML in text: escape what comes from data so it shows as text.

    A double quote becomes the numeric `&#34;`: plotly decodes only &lt; &gt; &amp; and numeric entities, so
    `&quot;` would show literally in charts and exported images.
    """
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;"))


escape = _escape
