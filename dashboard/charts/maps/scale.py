"""The map's colour scale: which values it colours, the range it spans, and its colours.

Viridis, not the cividis used by the line charts. Cividis runs through mid greys, which a reader could take
for the grey of "no data"; viridis has no grey at all, so "no data" (light grey) and "suppressed" (darker grey)
can never be mistaken for a value. Both are colour-blind safe.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
import plotly.colors as pcolors

from dashboard.charts.maps.cells import _flag, _is_missing
from dashboard.i18n import format_value

MAP_SCALE = "Viridis"
NO_DATA_RGBA = (217, 217, 217, 255)  # NO_DATA_COLOR
SUPPRESSED_RGBA = (140, 140, 140, 255)
# No value for this measure, but the county's page names its prosecutor or elections: told apart from nothing.
PAGE_ONLY_RGBA = (190, 207, 226, 255)
PAGE_ONLY_COLOR = "#becfe2"
SUPPRESSED_COLOR = "#8c8c8c"
_LUT = [tuple(int(round(c)) for c in pcolors.unlabel_rgb(colour))
        for colour in pcolors.sample_colorscale(MAP_SCALE, [i / 255 for i in range(256)])]

_SUPPRESSED_RGB = list(SUPPRESSED_RGBA[:3])
_NO_DATA_RGB = list(NO_DATA_RGBA[:3])
_PAGE_ONLY_RGB = list(PAGE_ONLY_RGBA[:3])


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


def suppressed_mask(frame: pd.DataFrame) -> pd.Series:
    """The `suppressed` column as plain booleans (counties without a row count as not suppressed)."""
    return frame["suppressed"].map(_flag).astype(bool)


def shown_values(frame: pd.DataFrame) -> list[float]:
    """The values a map colours: present and not suppressed."""
    if frame.empty:
        return []
    return [float(v) for v in frame.loc[frame["value"].notna() & ~suppressed_mask(frame), "value"]]
