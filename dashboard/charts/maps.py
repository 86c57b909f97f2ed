"""The county map: pure functions from a data frame of county values to a pydeck Deck, its legend, and a
plotly choropleth of the same view for export. No Streamlit here, so every output is unit-tested. Reading the
geometry and the printed map's projection are in dashboard/charts/geography.py.

Colours: viridis, not the cividis used by the line charts. Cividis runs through mid greys, which a reader
could take for the grey of "no data"; viridis has no grey at all, so "no data" (light grey) and
"suppressed" (darker grey) can never be mistaken for a value. Both are colour-blind safe.

Tooltips: the map's tooltip is an HTML *template* made here from the view's shared words (label, year, source
titles, suppression reasons: HTML-escaped here, braces as entities); each county's own texts (its name, its
prosecutor, its numbers) fill the template's placeholders in the browser, which inserts them HTML-escaped, so a
county name such as `<img src=x onerror=...>` shows as those characters and never runs (the hostile-data
browser test checks this). The plotly figure escapes every data text because plotly renders a subset of HTML
in hover labels.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go
import pydeck as pdk

from dashboard.charts.common import FONT, NO_DATA_COLOR, escape, finish
from dashboard.charts.geography import albers_usa as albers_usa
from dashboard.charts.geography import bounds_by_prefix as bounds_by_prefix
from dashboard.charts.geography import load_geometry as load_geometry
from dashboard.charts.geography import projected_path
from dashboard.i18n import N_, _, format_value, ngettext, number, significant
from dashboard.internals.pydeck import CompactDeck, expression, set_data_transform
from dashboard.warehouse_words import words as warehouse_words

MAP_SCALE = "Viridis"
NO_DATA_RGBA = (217, 217, 217, 255)  # NO_DATA_COLOR
SUPPRESSED_RGBA = (140, 140, 140, 255)
# No value for this measure, but the county's page names its prosecutor or elections: told apart from nothing.
PAGE_ONLY_RGBA = (190, 207, 226, 255)
PAGE_ONLY_COLOR = "#becfe2"
PAGE_ONLY_WORDS = N_("no value for this measure; its page names the prosecutor or elections")
CLICK_WORDS = N_("Click to open the county's page")
SUPPRESSED_COLOR = "#8c8c8c"
LINE_RGBA = (255, 255, 255, 140)
STATE_LINE_RGBA = (40, 40, 40, 200)
HIGHLIGHT_RGBA = (213, 94, 0, 255)  # Okabe-Ito vermillion
COUNTY_LAYER_ID = "counties"
MARKER_LAYER_ID = "markers"
MARKERS_UP_TO = 300  # counties with data; beyond that the polygons speak for themselves
US_VIEW = {"latitude": 38.5, "longitude": -96.5, "zoom": 3.2}
LOWER_48 = (-124.8, 24.5, -66.9, 49.4)
DESKTOP_WIDTH, PHONE_WIDTH = 900, 340  # the map's width in px the view is fitted to (the real one is unknown)
MAP_HEIGHT = 520
MAP_HEIGHT_PHONE = 340
_MAX_TEXT = 120
_LUT = [tuple(int(round(c)) for c in pcolors.unlabel_rgb(colour))
        for colour in pcolors.sample_colorscale(MAP_SCALE, [i / 255 for i in range(256)])]

EXPORT_COLUMNS = ["fips", "county", "state", "year", "measure", "value", "ci_low", "ci_high", "numerator",
                  "denominator", "suppressed", "suppression_reason", "prosecutor_in_office", "covered", "source"]
# The export's column headers as a reader of each language reads them (the CSV of a Spanish page is in Spanish)
EXPORT_HEADERS = {"fips": N_("fips"), "county": N_("county"), "state": N_("state"), "year": N_("year"),
                  "measure": N_("measure"), "value": N_("value"), "ci_low": N_("ci_low"), "ci_high": N_("ci_high"),
                  "numerator": N_("numerator"), "denominator": N_("denominator"), "suppressed": N_("suppressed"),
                  "suppression_reason": N_("suppression_reason"), "prosecutor_in_office": N_("prosecutor_in_office"),
                  "covered": N_("covered"), "source": N_("source")}


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


def _in_office(row: Mapping) -> str:
    """The prosecutor in office, with the part of the year the data cover when it is not the whole year."""
    prosecutor = _clean(row.get("prosecutor")) or _("not in the data")
    covered = warehouse_words(_clean(row.get("covered_label"))) if _flag(row.get("partial")) else ""
    return _("{prosecutor} (data cover {months} only)").format(prosecutor=prosecutor, months=covered) if covered \
        else prosecutor


def us_view(*, phone: bool = False) -> dict[str, float]:
    """The whole lower 48: the fixed desktop view, or one fitted to a phone's width."""
    return view_for_bounds(LOWER_48, width=PHONE_WIDTH, height=MAP_HEIGHT_PHONE) if phone else dict(US_VIEW)


def view_for_bounds(bounds: tuple[float, float, float, float] | None, *, width: int = 640,
                    height: int = MAP_HEIGHT) -> dict[str, float]:
    """Centre and zoom that fit a (west, south, east, north) box into a map of about width x height px."""
    if bounds is None:
        return dict(US_VIEW)
    west, south, east, north = bounds

    def merc(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(east - west, 0.05)
    y_span = max(merc(north) - merc(south), 0.001)
    zoom_x = math.log2(width * 360.0 / (512.0 * lon_span))
    zoom_y = math.log2(height * 2 * math.pi / (512.0 * y_span))
    zoom = max(1.0, min(11.0, min(zoom_x, zoom_y) - 0.2))
    mid_y = (merc(north) + merc(south)) / 2
    lat = math.degrees(2 * math.atan(math.exp(mid_y)) - math.pi / 2)
    return {"latitude": round(lat, 4), "longitude": round((west + east) / 2, 4), "zoom": round(zoom, 2)}


# --- values and colours --------------------------------------------------------------------------------


MAP_STYLE = {"digits": 1, "missing": "", "with_unit": True}  # format_value as the map writes values


def _nice_floor(x: float, step: float) -> float:
    return math.floor(x / step + 1e-9) * step


def _nice_ceil(x: float, step: float) -> float:
    return math.ceil(x / step - 1e-9) * step


ROBUST_MIN_COUNT = 20


def scale_domain(values: Iterable[float], unit: str) -> tuple[float, float] | None:
    """The colour scale's range, rounded outward to a readable step (None: no values).

    With many counties the range runs from the 2nd to the 98th percentile, so a few extreme counties do not
    squeeze everyone else into one colour; the legend then says "or less" / "or more" at its ends."""
    clean = sorted(float(v) for v in values if not _is_missing(v) and math.isfinite(float(v)))
    if not clean:
        return None
    if len(clean) >= ROBUST_MIN_COUNT:
        low, high = _quantile(clean, 0.02), _quantile(clean, 0.98)
    else:
        low, high = clean[0], clean[-1]
    if unit == "share":
        step = 0.05 if high - low > 0.1 else 0.01
        low, high = max(0.0, _nice_floor(low, step)), min(1.0, _nice_ceil(high, step))
    else:
        span = high - low
        step = 10 ** math.floor(math.log10(span)) if span > 0 else max(abs(high), 1.0) / 10
        low, high = _nice_floor(low, step), _nice_ceil(high, step)
        if unit == "per_100k":
            low = max(0.0, low)
    if high <= low:
        pad = 0.01 if unit == "share" else max(abs(low) * 0.05, 1.0)
        low, high = (max(0.0, low - pad), high + pad)
    return (round(low, 6), round(high, 6))


def _quantile(ordered: list[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    below = int(math.floor(position))
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def domain_labels(domain: tuple[float, float], values: Iterable[float], unit: str) -> tuple[str, str]:
    """The legend's two end labels, marked "or less" / "or more" when some values lie beyond the range."""
    clean = [float(v) for v in values if not _is_missing(v)]
    low, high = format_value(domain[0], unit, **MAP_STYLE), format_value(domain[1], unit, **MAP_STYLE)
    if clean and min(clean) < domain[0]:
        low += " or less"
    if clean and max(clean) > domain[1]:
        high += " or more"
    return low, high


def _lut_index(value: float, domain: tuple[float, float]) -> int:
    low, high = domain
    t = 0.5 if high <= low else min(1.0, max(0.0, (float(value) - low) / (high - low)))
    return int(round(t * 255))


def _clean(text: object) -> str:
    """Data text for a tooltip line: no control characters, bounded length."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    out = "".join(ch if ch.isprintable() else " " for ch in str(text)).strip()
    return out if len(out) <= _MAX_TEXT else out[: _MAX_TEXT - 1] + "…"


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _flag(value: object) -> bool:
    """A nullable boolean from the warehouse (numpy, pandas or Python) as a plain bool; missing is False."""
    return not _is_missing(value) and bool(value)


def _value_lines(row: Mapping, unit: str) -> list[str]:
    """A shown value as the tooltip words it: the value with its 95% range, then the counts behind it."""
    value = format_value(float(row["value"]), unit, **MAP_STYLE)
    low, high = row.get("ci_low"), row.get("ci_high")
    interval = ""
    if not _is_missing(low) and not _is_missing(high):
        interval = " " + _("(95% range {low} to {high})").format(low=format_value(float(low), unit, **MAP_STYLE),
                                                                   high=format_value(float(high), unit, **MAP_STYLE))
    lines = [f"{value}{interval}"]
    numerator, denominator = row.get("numerator"), row.get("denominator")
    if not _is_missing(denominator):
        whole = number(round(float(denominator)))
        part = None if _is_missing(numerator) else number(round(float(numerator)))
        if unit == "per_100k":
            lines.append(_("n = {people} people in jail, of {adults} adults").format(people=part, adults=whole)
                         if part else _("n = {adults} adults").format(adults=whole))
        else:
            lines.append(_("n = {numerator} of {denominator} cases").format(numerator=part, denominator=whole)
                         if part else _("n = {denominator} cases").format(denominator=whole))
    return lines


def tooltip_text(row: Mapping, *, label: str, unit: str, year: int | None, for_export: bool = False) -> str:
    """The hover text of one county, plain text (the export figure escapes it; the map's tooltip template
    puts the same words together, see county_deck)."""
    place = _clean(row.get("county_name")) + (f", {_clean(row.get('state_abbr'))}" if row.get("state_abbr") else "")
    lines = [place]
    lines.append((_("Prosecutor in office ({year}): {name}") if year else _("Prosecutor in office: {name}")).format(
        year=year, name=_in_office(row)))
    measure = (_("{measure} in {year}") if year else "{measure}").format(measure=_clean(label), year=year)
    if _flag(row.get("suppressed")):
        reason = warehouse_words(_clean(row.get("suppression_reason"))) or _("too few cases")
        lines.append(_("{measure}: not shown ({reason})").format(measure=measure, reason=reason))
    elif _is_missing(row.get("value")):
        said = _(PAGE_ONLY_WORDS) if _flag(row.get("has_page")) else _("no public data")
        lines.append(f"{measure}: {said}")
    else:
        first, *rest = _value_lines(row, unit)
        lines += [f"{measure}: {first}", *rest]
    source = _clean(row.get("source"))
    if for_export:  # the exported figure names its sources in its footer, and has no county pages to open
        return "\n".join(lines)
    if source:
        lines.append(_("Source: {source}").format(source=source))
    lines.append(_(CLICK_WORDS))
    return "\n".join(lines)


# --- the interactive map: geometry by URL, values by rerun ---------------------------------------------
#
# The county polygons are 1.4 MB of JSON. They travel once, as dashboard/static/map-shapes.json (served by
# Streamlit at app/static/, gzipped, fetched by deck.gl and kept in its resource cache across reruns); each
# rerun sends only the values. deck.gl's JSON converter (used by st.pydeck_chart) turns any "@@=" string into
# a function evaluated by a small expression language (no function calls, no object literals, but array
# literals, string literals and computed member access). A layer's `dataTransform` is such a function of the
# loaded file, so "@@=[[P[17],'f','Cook, IL','Kim Foxx',C[173],'40.0',...],...]" builds one row per polygon
# that joins the cached geometry (`P[17]`) with this view's tooltip texts and colour. deck.gl applies the
# transform when the data load resolves, not when only the transform changes: the layer id carries a digest of
# the rows, so a new view is a new layer (the geometry comes from the resource cache, not the network). The
# converter keeps every expression it parsed for the life of the page, so each view a reader visits stays in
# that tab's memory (a few hundred KB each).

SHAPES_FILE = "map-shapes.json"
_SUPPRESSED_RGB = list(SUPPRESSED_RGBA[:3])
_NO_DATA_RGB = list(NO_DATA_RGBA[:3])
_PAGE_ONLY_RGB = list(PAGE_ONLY_RGBA[:3])
_FILL = expression(f"this[4]||(this[1][0]=='n'?{_NO_DATA_RGB}:{_SUPPRESSED_RGB})".replace(" ", ""))
_CONTEXT_FILL = expression(f"this[1]=='n'?{_NO_DATA_RGB}:this[1]=='s'?{_SUPPRESSED_RGB}:this[1]".replace(" ", ""))
_PLACEHOLDER = re.compile(r"\{(?=[0-9]+\})")


def _polygons(geometry: Mapping | None) -> list[list]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry.get("coordinates") or []]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry.get("coordinates") or [])
    return []


def shapes_document(counties: Mapping, states: Mapping) -> dict:
    """What dashboard/static/map-shapes.json holds: every county polygon as [fips, rings] in "P" (a county
    of several islands has several entries, in the county file's order), the state outlines in "S", both
    with the western Aleutians already moved west of -180 (give it geometry from load_geometry), and the
    colour scale's 256 colours in "C" (a county's colour is then `C[173]`, shorter than `[33,145,140]`)."""
    parts = [[str(feature.get("properties", {}).get("fips", "")), polygon]
             for feature in counties.get("features", []) for polygon in _polygons(feature.get("geometry"))]
    outlines = [{"type": "Feature", "properties": {"fips": str(f.get("properties", {}).get("fips", ""))},
                 "geometry": f.get("geometry")} for f in states.get("features", [])]
    return {"P": parts, "S": {"type": "FeatureCollection", "features": outlines}, "C": [list(c) for c in _LUT]}


def shapes_json(counties: Mapping, states: Mapping) -> str:
    """The static file's exact text (compact, so the one download is small)."""
    return json.dumps(shapes_document(counties, states), separators=(",", ":"))


def part_indices(document: Mapping) -> dict[str, list[int]]:
    """FIPS -> the positions of that county's polygons in the static file's "P" list."""
    out: dict[str, list[int]] = {}
    for j, part in enumerate(document.get("P", [])):
        out.setdefault(str(part[0]), []).append(j)
    return out


@lru_cache(maxsize=4)
def static_part_indices(path: str, digest: str) -> dict[str, list[int]]:
    """part_indices of the static shapes file at `path`, read once per version of it (`digest`)."""
    return part_indices(json.loads(Path(path).read_bytes()))


def static_county_deck(frame: pd.DataFrame, *, shapes_path: str, digest: str, **options: object) -> pdk.Deck:
    """county_deck over the static shapes file, named by its digest: a cache of decks then hashes a short
    string per rerun instead of 3,142 counties' parts, and the URL's digest makes browsers fetch a changed
    file anew rather than keep the old one."""
    return county_deck(frame, shapes_url=f"app/static/{SHAPES_FILE}?v={digest}",
                       parts=static_part_indices(shapes_path, digest), **options)  # type: ignore[arg-type]


def _js(text: str) -> str:
    """A string literal for deck.gl's expression parser (jsep knows backslash escapes, not \\u escapes).

    A "{3}" inside data would be taken by the tooltip for its own placeholder (Streamlit fills each
    placeholder at its first occurrence, data included): a word joiner after the brace keeps it as text."""
    text = _PLACEHOLDER.sub("{\u2060", text)
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def _html(text: object) -> str:
    """The view's shared words in the tooltip template (label, source titles, reasons) as HTML text, with
    the braces as entities so none can be read as a placeholder."""
    return html.escape(str(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _number(value: object, unit: str) -> str:
    """format_value without its unit (the tooltip template writes the unit once)."""
    value = float(value)  # type: ignore[arg-type]
    if unit == "share":
        return number(value * 100, 1)
    if unit == "per_100k":
        return number(value)
    return significant(value)


def _literal(text: str) -> str:
    """A shown number as the shortest literal that prints the same: 212 bare, '1,234' and '40.0' quoted."""
    return text if re.fullmatch(r"-?[1-9][0-9]{0,14}|0", text) else _js(text)


_UNIT_SUFFIX = {"share": "%", "per_100k": N_(" per 100,000")}


class _Tooltips:
    """The view's tooltip: one HTML template holding our words (escaped), and per county a class token that
    shows the template's variant for that county (kind: f a value with all its numbers, w a value in words,
    s0/s1... too few cases for one of the view's reasons, n no data; then which source title, none meaning
    the view's most common one) plus the county's own texts and numbers, which Streamlit inserts HTML-escaped
    in place of {2}, {3}, {5}... The colour ({4}) is not shown."""

    def __init__(self, frame: pd.DataFrame, *, label: str, unit: str, year: int | None):
        self.label, self.unit, self.year = label, unit, year
        self.reasons: dict[str, int] = {}
        counts = frame["source"].dropna().map(_clean).value_counts() if "source" in frame.columns else pd.Series()
        self.sources: dict[str, int] = {str(s): i for i, s in enumerate(counts.index) if s}
        self.tokens: dict[str, tuple[str, int | None]] = {}

    def token(self, kind: str, source: str, reason: str = "") -> str:
        if kind == "s":
            kind += str(self.reasons.setdefault(reason, len(self.reasons)))
        index = self.sources.setdefault(source, len(self.sources)) if source else None
        token = kind if index == 0 else f"{kind}_{'x' if index is None else index}"
        self.tokens[token] = (kind, index)
        return token

    def template(self) -> str:
        shown = []
        for token, (kind, index) in self.tokens.items():
            shown.append(f".pad-tt.{token} .pad-{kind}")
            if index is not None:
                shown.append(f".pad-tt.{token} .pad-c{index}")
        unit = _html(_(_UNIT_SUFFIX[self.unit]) if self.unit in _UNIT_SUFFIX else "")
        # the template's own {n} places, kept apart from the translated words' placeholders
        slot = {k: "{" + str(k) + "}" for k in range(10)}
        counts = (_("n = {people} people in jail, of {adults} adults").format(people=slot[8], adults=slot[9])
                  if self.unit == "per_100k"
                  else _("n = {numerator} of {denominator} cases").format(numerator=slot[8], denominator=slot[9]))
        in_office = (_("Prosecutor in office ({year}): {name}") if self.year
                     else _("Prosecutor in office: {name}")).format(year=self.year and int(self.year), name=slot[3])
        measure = (_("{measure} in {year}") if self.year else "{measure}").format(
            measure=_html(_clean(self.label)), year=self.year and int(self.year))
        interval = _("(95% range {low} to {high})").format(low=slot[6] + unit, high=slot[7] + unit)
        no_data, page_only, click = _("no public data"), _(PAGE_ONLY_WORDS), _(CLICK_WORDS)
        parts = [f"<style>.pad-tt .pad-x{{display:none}}{','.join(shown) or '.pad-none'}{{display:inline}}</style>",
                 "<div class='pad-tt {1}'>{2}<br>",
                 f"{_html(in_office).replace('&#123;', '{').replace('&#125;', '}')}<br>",
                 f"{measure}: ",
                 f"<span class='pad-x pad-f'>{{5}}{unit} {interval}<br>{counts}</span>",
                 "<span class='pad-x pad-w'>{5}</span>",
                 f"<span class='pad-x pad-n'>{_html(no_data)}</span>",
                 f"<span class='pad-x pad-p'>{_html(page_only)}</span>"]
        not_shown, source_is = _("not shown ({reason})"), _("Source: {source}")
        parts += [f"<span class='pad-x pad-s{i}'>{_html(not_shown.format(reason=reason))}</span>"
                  for reason, i in self.reasons.items()]
        parts += [f"<span class='pad-x pad-c{i}'><br>{_html(source_is.format(source=source))}</span>"
                  for source, i in self.sources.items()]
        parts.append(f"<br>{_html(click)}</div>")
        return "".join(parts)

    def row(self, ref: str, row: Mapping, *, domain: tuple[float, float] | None) -> str:
        """One county (or one of its polygons) as the expression's array literal: [geometry, token, place,
        prosecutor] and, with a value, its colour (C[i], from the static file) and either [value, 95% low,
        95% high, numerator, denominator] (all present) or [the value in words]."""
        place = _clean(row.get("county_name")) + (f", {_clean(row.get('state_abbr'))}" if row.get("state_abbr")
                                                  else "")
        head = f"{_js(place)},{_js(_in_office(row))}"
        source = _clean(row.get("source"))
        if _flag(row.get("suppressed")):
            reason = warehouse_words(_clean(row.get("suppression_reason"))) or _("too few cases")
            return f"[{ref},{_js(self.token('s', source, reason))},{head}]"
        if _is_missing(row.get("value")):
            if _flag(row.get("has_page")):
                return f"[{ref},{_js(self.token('p', source))},{head},{json.dumps(_PAGE_ONLY_RGB)}]"
            return f"[{ref},{_js(self.token('n', source))},{head}]"
        fill = f"C[{_lut_index(float(row['value']), domain)}]" if domain is not None else json.dumps(_NO_DATA_RGB)
        numbers = [row.get(k) for k in ("value", "ci_low", "ci_high", "numerator", "denominator")]
        if any(_is_missing(n) for n in numbers):
            words = "\n".join(_value_lines(row, self.unit))
            return f"[{ref},{_js(self.token('w', source))},{head},{fill},{_js(words)}]"
        shown = [_number(n, self.unit) for n in numbers[:3]] + [f"{round(float(n)):,}" for n in numbers[3:]]
        return f"[{ref},{_js(self.token('f', source))},{head},{fill}," + ",".join(map(_literal, shown)) + "]"


def _context_row(ref: str, row: Mapping, *, domain: tuple[float, float] | None) -> str:
    """A county outside the state in view: its colour only ('s' suppressed, 'n' no data, else C[i])."""
    if _flag(row.get("suppressed")):
        return f"[{ref},'s']"
    if _is_missing(row.get("value")) or domain is None:
        return f"[{ref},'n']"
    return f"[{ref},C[{_lut_index(float(row['value']), domain)}]]"


def _transformed_layer(kind: str, layer_id: str, url: str, rows: list[str], **props: object) -> pdk.Layer:
    """A layer whose data is the static file and whose rows this view's expression builds; the id carries a
    digest of the rows, so a changed view is a new layer and deck.gl runs the new transform."""
    data = "[" + ",".join(rows) + "]"
    digest = hashlib.sha1(data.encode("utf-8")).hexdigest()[:12]
    return set_data_transform(pdk.Layer(kind, id=f"{layer_id}-{digest}", data=url, **props), data)


def is_pickable_layer(layer_id: str) -> bool:
    """The layers whose click opens a county: the counties (id with its view digest) and the dots."""
    return layer_id.startswith((COUNTY_LAYER_ID + "-", MARKER_LAYER_ID + "-"))


def picked_fips(picked: object) -> str:
    """The FIPS code of a clicked map object (a row: its first element is [fips, ...])."""
    if isinstance(picked, list) and picked and isinstance(picked[0], list) and picked[0]:
        return str(picked[0][0])
    if isinstance(picked, dict):
        return str((picked.get("properties") or picked).get("fips", ""))
    return ""


def county_deck(frame: pd.DataFrame, *, shapes_url: str, parts: Mapping[str, list[int]], label: str, unit: str,
                year: int | None, view: Mapping[str, float] | None = None, states: bool = True,
                highlight: str | None = None, domain: tuple[float, float] | None = None,
                markers: bool | None = None, focus: str | None = None) -> pdk.Deck:
    """A basemap-free county map: counties coloured by value, state outlines on top, a tooltip per county.

    `shapes_url` is where the browser fetches dashboard/static/map-shapes.json (relative to the page) and
    `parts` maps each FIPS to its polygons in that file (part_indices). `highlight` outlines one county,
    `focus` (a state FIPS) makes only that state's counties hoverable and clickable (the rest are drawn as
    context), `domain` is the colour scale's range (by default: from the frame's shown values).
    """
    if domain is None:
        domain = scale_domain(shown_values(frame), unit)
    records = {str(r["fips"]): r for r in frame.to_dict("records")} if not frame.empty else {}
    tooltips = _Tooltips(frame, label=label, unit=unit, year=year)
    rows, context = [], []
    for fips, indices in parts.items():
        row = records.get(fips, {"fips": fips})
        for j in indices:
            if focus and not fips.startswith(focus):
                context.append(_context_row(f"P[{j}]", row, domain=domain))
            else:
                rows.append(tooltips.row(f"P[{j}]", row, domain=domain))
    outline = {"stroked": True, "get_line_color": list(LINE_RGBA), "line_width_min_pixels": 0.3}
    layers = []
    if context:
        layer = _transformed_layer("PolygonLayer", "context", shapes_url, context, filled=True, pickable=False,
                                   **outline)
        layer.get_polygon, layer.get_fill_color = expression("this[0][1]"), _CONTEXT_FILL
        layers.append(layer)
    layer = _transformed_layer("PolygonLayer", COUNTY_LAYER_ID, shapes_url, rows, filled=True, pickable=True,
                               auto_highlight=True, highlight_color=[213, 94, 0, 160], **outline)
    layer.get_polygon, layer.get_fill_color = expression("this[0][1]"), _FILL
    layers.append(layer)
    with_data = _marker_rows(frame, tooltips, domain=domain)
    if markers is None:
        markers = 0 < len(with_data) <= MARKERS_UP_TO
    if states:
        layer = pdk.Layer("GeoJsonLayer", id="states", data=shapes_url, stroked=True, filled=False,
                          get_line_color=list(STATE_LINE_RGBA), line_width_min_pixels=1, pickable=False)
        set_data_transform(layer, "S")
        layers.append(layer)
    if highlight and parts.get(highlight):
        layer = _transformed_layer("PolygonLayer", "highlight", shapes_url, [f"P[{j}]" for j in parts[highlight]],
                                   stroked=True, filled=False, get_line_color=list(HIGHLIGHT_RGBA),
                                   line_width_min_pixels=3, pickable=False)
        layer.get_polygon = expression("this[1]")
        layers.append(layer)
    if markers and with_data:
        layer = _transformed_layer("ScatterplotLayer", MARKER_LAYER_ID, shapes_url, with_data,
                                   get_line_color=[30, 30, 30, 230], stroked=True, filled=True, get_radius=1,
                                   radius_units="pixels", radius_min_pixels=6, radius_max_pixels=6,
                                   line_width_min_pixels=1.5, pickable=True, auto_highlight=True,
                                   highlight_color=[213, 94, 0, 200])
        layer.get_position, layer.get_fill_color = expression("this[0][1]"), _FILL
        layers.append(layer)
    state = dict(view or US_VIEW)
    return CompactDeck(
        layers=layers,
        views=[pdk.View("MapView", controller=True)],
        initial_view_state=pdk.ViewState(min_zoom=1, max_zoom=12, **state),
        map_provider=None,  # with the default map_style: no basemap, nothing fetched from a tile server
        tooltip={"html": tooltips.template(),
                 "style": {"backgroundColor": "#ffffff", "color": "#1a1a1a", "fontFamily": FONT, "fontSize": "13px",
                           "whiteSpace": "pre-line", "border": "1px solid #999", "maxWidth": "320px"}},
    )


def _marker_rows(frame: pd.DataFrame, tooltips: _Tooltips, *, domain: tuple[float, float] | None) -> list[str]:
    """One dot per county with data (a value or a suppressed cell) that has a centre point, as rows shaped
    like the counties' (the tooltip template is shared): [[fips, [lon, lat]], token, place, ...]."""
    if frame.empty or not {"lat", "lon"} <= set(frame.columns):
        return []
    rows = []
    for row in frame.to_dict("records"):
        if (_is_missing(row.get("value")) and not _flag(row.get("suppressed"))) or _is_missing(row.get("lat")) \
                or _is_missing(row.get("lon")):
            continue
        lon = float(row["lon"])
        where = json.dumps([lon - 360.0 if lon > 0 else lon, float(row["lat"])], separators=(",", ":"))
        rows.append(tooltips.row(f"[{_js(str(row['fips']))},{where}]", row, domain=domain))
    return rows


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


# --- the export: a table and a plotly choropleth of the same view --------------------------------------


def suppressed_mask(frame: pd.DataFrame) -> pd.Series:
    """The `suppressed` column as plain booleans (counties without a row count as not suppressed)."""
    return frame["suppressed"].map(_flag).astype(bool)


def shown_values(frame: pd.DataFrame) -> list[float]:
    """The values a map colours: present and not suppressed."""
    if frame.empty:
        return []
    return [float(v) for v in frame.loc[frame["value"].notna() & ~suppressed_mask(frame), "value"]]


def export_table(frame: pd.DataFrame, *, metric_label: str, year: int | None, state: str | None = None,
                 only_with_data: bool = True) -> pd.DataFrame:
    """The data behind the map as a journalist downloads it: one row per county, suppression applied
    (the warehouse already removed suppressed counts; this never brings them back)."""
    data = frame.copy()
    if state:
        data = data[data["state_abbr"] == state]
    if only_with_data:
        data = data[data["value"].notna() | suppressed_mask(data)]
    out = pd.DataFrame({
        "fips": data["fips"].astype(str),
        "county": data["county_name"],
        "state": data["state_abbr"],
        "year": year,
        "measure": metric_label,
        "value": data["value"],
        "ci_low": data["ci_low"],
        "ci_high": data["ci_high"],
        "numerator": data["numerator"],
        "denominator": data["denominator"],
        "suppressed": suppressed_mask(data),
        "suppression_reason": data["suppression_reason"],
        "prosecutor_in_office": data["prosecutor"],
        "covered": [(warehouse_words(_clean(c)) or _("part of the year")) if _flag(p) else _("whole year")
                    for c, p in zip(data.get("covered_label", pd.Series([None] * len(data), index=data.index)),
                                    data.get("partial", pd.Series([False] * len(data), index=data.index)),
                                    strict=True)],
        "source": data["source"],
    }, columns=EXPORT_COLUMNS)
    for column in ("value", "ci_low", "ci_high", "numerator", "denominator"):
        out.loc[out["suppressed"], column] = None
    return out.reset_index(drop=True).rename(columns={c: _(EXPORT_HEADERS[c]) for c in EXPORT_COLUMNS})


SMALL_COUNTY_DEGREES = 0.25  # narrower than this (longitude and latitude), a county gets a dot on the printed map


def choropleth_figure(geometry: Mapping, frame: pd.DataFrame, *, label: str, unit: str, year: int | None,
                      state: str | None, state_name: str | None, source: str, built: str, demo: bool,
                      states: Mapping | None = None, classes: int = 16,
                      domain: tuple[float, float] | None = None) -> go.Figure:
    """A plotly map of the same view for print and download, title, source and date inside the image.

    Drawn as filled shapes on an Albers USA projection rather than with plotly's geo choropleth: plotly's geo
    maps download a base map (topojson) from a CDN, even for GeoJSON traces, and the app must work offline
    and export images through kaleido without network access. Colours come from `classes` equal steps of
    the same viridis scale as the interactive map, with a continuous colour bar; grey means no public data,
    dark grey too few cases to show. Hovering a county's centre shows the same text as the map's tooltip.
    """
    data = frame if not state else frame[frame["state_abbr"] == state]
    rows = {str(r["fips"]): r for r in data.to_dict("records")}
    features = [f for f in geometry.get("features", []) if str(f.get("properties", {}).get("fips")) in rows]
    if domain is None:
        domain = scale_domain(shown_values(data), unit)
    scale = 100.0 if unit == "share" else 1.0
    groups: dict[str, list[Mapping]] = {}
    key_of: dict[str, str] = {}
    colours: dict[str, str] = {"none": NO_DATA_COLOR, "suppressed": SUPPRESSED_COLOR}
    for feature in features:
        row = rows[str(feature["properties"]["fips"])]
        if _flag(row.get("suppressed")):
            key = "suppressed"
        elif _is_missing(row.get("value")) or domain is None:
            key = "none"
        else:
            low, high = domain
            t = 0.0 if high <= low else min(1.0, max(0.0, (float(row["value"]) - low) / (high - low)))
            step = min(classes - 1, int(t * classes))
            key = f"class-{step:02d}"
            colours[key] = "rgb({},{},{})".format(*_LUT[int(round((step + 0.5) / classes * 255))])
        groups.setdefault(key, []).append(feature)
        key_of[str(feature["properties"]["fips"])] = key
    fig = go.Figure()
    names = {"none": _("No public data"), "suppressed": _("Too few cases to show")}
    for key in sorted(groups, key=lambda k: (not k.startswith("class"), k)):
        xs, ys = projected_path(groups[key])
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=colours[key],
                                 line={"color": "white", "width": 0.3}, hoverinfo="skip",
                                 name=names.get(key, key), showlegend=key in names))
    if states:
        prefixes = {fips[:2] for fips in rows}
        wanted = [f for f in states.get("features", [])
                  if not state or str(f.get("properties", {}).get("fips")) in prefixes]
        xs, ys = projected_path(wanted)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#333333", "width": 0.7},
                                 hoverinfo="skip", showlegend=False, name="state lines"))
    centres = bounds_by_prefix({"features": features}, 5)
    hover_rows = [rows[f] for f in rows if f in centres]
    points: list[tuple[float, float]] = []
    if hover_rows:
        points = [albers_usa((centres[str(r["fips"])][0] + centres[str(r["fips"])][2]) / 2,
                             (centres[str(r["fips"])][1] + centres[str(r["fips"])][3]) / 2, str(r["fips"]))
                  for r in hover_rows]
        fig.add_trace(go.Scatter(
            x=[p[0] for p in points], y=[p[1] for p in points], mode="markers",
            marker={"size": 7, "opacity": 0}, showlegend=False, name="counties", hoverinfo="text",
            hovertext=[escape(tooltip_text(r, label=label, unit=unit, year=year, for_export=True)).replace("\n", "<br>")
                       for r in hover_rows]))
    # a county a few pixels wide at print size (San Francisco, Virginia's cities) vanishes under its outline:
    # a dot in its colour keeps it on the printed map
    small = [(r, p) for r, p in zip(hover_rows, points, strict=True)
             if max(centres[str(r["fips"])][2] - centres[str(r["fips"])][0],
                    centres[str(r["fips"])][3] - centres[str(r["fips"])][1]) < SMALL_COUNTY_DEGREES]
    if small:
        fig.add_trace(go.Scatter(
            x=[p[0] for _i, p in small], y=[p[1] for _i, p in small], mode="markers", hoverinfo="skip",
            showlegend=False, name="small counties",
            marker={"size": 6, "color": [colours[key_of[str(r["fips"])]] for r, _ in small],
                    "line": {"color": "#333333", "width": 0.5}}))
    if domain is not None and points:
        fig.add_trace(go.Scatter(
            x=[points[0][0]], y=[points[0][1]], mode="markers", hoverinfo="skip", showlegend=False,
            marker={"size": 0.1, "opacity": 0, "color": [domain[0] * scale], "cmin": domain[0] * scale,
                    "cmax": domain[1] * scale, "colorscale": MAP_SCALE, "showscale": True,
                    "colorbar": {"title": {"text": "%" if unit == "share" else _("per 100,000"), "side": "top"},
                                 "orientation": "h", "thickness": 10, "lenmode": "pixels", "len": 240,
                                 "x": 0.0, "xanchor": "left", "y": -0.02, "yanchor": "top", "nticks": 5}},
            name="colour scale"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(height=620, hovermode="closest")
    where = state_name or _("United States")
    part = sum(_flag(r.get("partial")) and not _is_missing(r.get("value")) for r in rows.values())
    when = ngettext("{year} ({n} county: part of the year only)", "{year} ({n} counties: part of the year only)",
                    part).format(year=year, n=part) if part else str(year)
    greys = (_("Grey: no public data; dark grey: too few cases to show.") if "suppressed" in groups
             else _("Grey: no public data."))
    subtitle = f"{where}, {when}. {greys}" if year else where
    fig = finish(fig, title=_("{measure} by county").format(measure=label), subtitle=subtitle, source=source,
                 built=built, demo=demo)
    # below the map: the colour bar, the greys' legend, then finish()'s source line
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.19, "x": 0.0, "xanchor": "left"},
                      margin={"l": 24, "r": 16, "b": max(150, fig.layout.margin.b or 0)})
    return fig


def write_shapes(geo_dir: Path, static_dir: Path) -> Path:
    """Rewrite dashboard/static/map-shapes.json from data/geo (after the geography changes)."""
    out = static_dir / SHAPES_FILE
    out.write_text(shapes_json(load_geometry(geo_dir / "counties.geojson"), load_geometry(geo_dir / "states.geojson")),
                   encoding="utf-8")
    return out


if __name__ == "__main__":  # python -m dashboard.charts.maps
    _root = Path(__file__).resolve().parents[2]
    print(write_shapes(_root / "data" / "geo", _root / "dashboard" / "static"))
