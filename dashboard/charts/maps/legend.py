"""The words printed around the map: its colour key (Streamlit draws none for pydeck) and the caption saying
what period its numbers cover."""

from __future__ import annotations

from collections.abc import Iterable

import plotly.colors as pcolors

from dashboard.charts.common import FONT, NO_DATA_COLOR, escape
from dashboard.charts.maps.scale import MAP_SCALE, PAGE_ONLY_COLOR, SUPPRESSED_COLOR, domain_labels
from dashboard.i18n import _, ngettext, number

ELECTION_UNITS = ("yes_no", "years")


def period_caption(partial_counties: int, year: int, unit: str = "share") -> str:
    """What the map's numbers cover: the whole year, or (some counties) only part of it, never claimed whole.

    An election measure is a fact as of the year's end, not a count over the year."""
    if unit in ELECTION_UNITS:
        return _("Each value is as of 31 December {year}: the county's last general election for prosecutor on "
                 "or before that day.").format(year=year)
    if partial_counties:
        return ngettext(
            "In {year}, {n} county's number covers only part of the year (the hover and the table say which "
            "months); the other numbers cover the whole year. The prosecutor named is the one in office for most "
            "of the part covered.",
            "In {year}, {n} counties' numbers cover only part of the year (the hover and the table say which "
            "months); the other numbers cover the whole year. The prosecutor named is the one in office for most "
            "of the part covered.", partial_counties).format(year=year, n=number(partial_counties))
    return _("Each number covers the whole year; the prosecutor named is the one in office for most of it.")


def legend_html(domain: tuple[float, float] | None, *, label: str, unit: str, year: int | None,
                show_suppressed: bool = True, values: Iterable[float] = (), markers: bool = False,
                coverage: tuple[int, int] | None = None, page_only: bool = False) -> str:
    """A small colour-scale legend (Streamlit draws none for pydeck): gradient, its ends, the two greys, and
    (`coverage`: counties shown, counties in view) how many counties have data."""
    stops = pcolors.sample_colorscale(MAP_SCALE, [i / 8 for i in range(9)])
    gradient = ", ".join(stops)
    swatch = ("display:inline-block;width:14px;height:14px;border:1px solid #999;vertical-align:middle;"
              "margin:0 4px 0 12px")
    title = escape(label) + (f", {int(year)}" if year else "")
    key = _("Colour key for {measure}").format(measure=title)
    parts = [f"<div role='img' aria-label='{key}' "
             f"style='font-family:{FONT};font-size:13px;line-height:1.4;margin:4px 0 8px 0'>",
             f"<div style='font-weight:600'>{title}</div>"]
    if coverage is not None:
        parts.append("<div>" + escape(_("{shown} of {counties} counties have data").format(
            shown=number(coverage[0]), counties=number(coverage[1]))) + "</div>")
    if domain is not None:
        low, high = domain_labels(domain, values, unit)
        parts.append("<div style='display:flex;align-items:center;gap:6px;flex-wrap:wrap'>"
                     f"<span>{escape(low)}</span>"
                     f"<span style='display:inline-block;width:180px;max-width:50vw;height:12px;"
                     f"background:linear-gradient(to right, {gradient});border:1px solid #999'></span>"
                     f"<span>{escape(high)}</span></div>")
    parts.append("<div style='margin-top:4px'>"
                 f"<span style='{swatch};margin-left:0;background:{NO_DATA_COLOR}'></span>"
                 + escape(_("no public data")))
    if page_only:
        parts.append(f"<span style='{swatch};background:{PAGE_ONLY_COLOR}'></span>"
                     + escape(_("no value here, but the county's page names its prosecutor or elections")))
    if show_suppressed:
        parts.append(f"<span style='{swatch};background:{SUPPRESSED_COLOR}'></span>"
                     + escape(_("too few cases to show")))
    if markers:
        parts.append(f"<span style='{swatch};border-radius:50%;border:2px solid #1e1e1e'></span>"
                     + escape(_("a dot marks each county with data")))
    parts.append("</div></div>")
    return "".join(parts)
