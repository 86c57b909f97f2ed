"""The frame's cells as every part of the map reads them: missing values, nullable flags, and data text made
safe to show (no control characters, bounded length)."""

from __future__ import annotations

import math

import pandas as pd

_MAX_TEXT = 120


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
