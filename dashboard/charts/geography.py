"""The map's geometry, apart from how the map looks: the county GeoJSON read once per file version (the western
Aleutians moved west of the dateline so Alaska is one piece), extents by FIPS prefix, and the Albers USA
projection with ring thinning that the printed map is drawn in. Pure functions, no Streamlit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> dict:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    for feature in data.get("features", []):
        _unwrap_dateline(feature.get("geometry") or {})
    return data


def load_geometry(path: str | Path) -> dict:
    """A GeoJSON FeatureCollection, read once per file version. Treat it as read-only (callers copy)."""
    path = Path(path)
    return _load(str(path), path.stat().st_mtime_ns)


def _unwrap_dateline(geometry: dict) -> None:
    """The western Aleutians sit east of 180 degrees; shift them west so Alaska is drawn in one piece."""

    def walk(coords: list) -> None:
        if coords and isinstance(coords[0], int | float):
            if coords[0] > 0:
                coords[0] -= 360.0
            return
        for part in coords:
            walk(part)

    if "coordinates" in geometry:
        walk(geometry["coordinates"])


def bounds_by_prefix(geometry: Mapping, digits: int = 2) -> dict[str, tuple[float, float, float, float]]:
    """(west, south, east, north) of every feature group sharing the first `digits` of its FIPS code:
    2 digits gives each state's extent from the county polygons, 5 gives each county's."""
    out: dict[str, list[float]] = {}
    for feature in geometry.get("features", []):
        key = str(feature.get("properties", {}).get("fips", ""))[:digits]
        box = out.setdefault(key, [math.inf, math.inf, -math.inf, -math.inf])

        def walk(coords: list, box: list[float] = box) -> None:
            if coords and isinstance(coords[0], int | float):
                box[0], box[1] = min(box[0], coords[0]), min(box[1], coords[1])
                box[2], box[3] = max(box[2], coords[0]), max(box[3], coords[1])
                return
            for part in coords:
                walk(part)

        walk((feature.get("geometry") or {}).get("coordinates", []))
    return {k: (b[0], b[1], b[2], b[3]) for k, b in out.items() if math.isfinite(b[0])}


# Albers USA, as d3.geoAlbersUsa draws it: the lower 48 on one conic equal-area projection, Alaska (scaled
# down) and Hawaii on their own, moved below the south-west. In radians of the unit sphere, y pointing north.
_CONICS = {
    "lower48": {"lon0": -96.6, "lat0": 38.7, "parallels": (29.5, 45.5), "scale": 1.0, "shift": (0.0, 0.0)},
    "02": {"lon0": -156.0, "lat0": 58.5, "parallels": (55.0, 65.0), "scale": 0.35, "shift": (-0.307, -0.201)},
    "15": {"lon0": -160.0, "lat0": 19.9, "parallels": (8.0, 18.0), "scale": 1.0, "shift": (-0.205, -0.212)},
}


def _conic(state_fips: str) -> tuple[float, float, float, float, float, float, float]:
    c = _CONICS.get(state_fips[:2], _CONICS["lower48"])
    p1, p2 = (math.radians(v) for v in c["parallels"])
    n = (math.sin(p1) + math.sin(p2)) / 2
    big_c = math.cos(p1) ** 2 + 2 * n * math.sin(p1)
    rho0 = math.sqrt(big_c - 2 * n * math.sin(math.radians(c["lat0"]))) / n
    return n, big_c, rho0, c["lon0"], c["scale"], c["shift"][0], c["shift"][1]


def albers_usa_array(lon: np.ndarray, lat: np.ndarray, state_fips: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Project points the way printed US maps do (Alaska and Hawaii inset), for the export figure."""
    n, big_c, rho0, lon0, scale, dx, dy = _conic(state_fips)
    rho = np.sqrt(np.maximum(big_c - 2 * n * np.sin(np.radians(lat)), 0.0)) / n
    theta = n * np.radians(lon - lon0)
    return (rho * np.sin(theta)) * scale + dx, (rho0 - rho * np.cos(theta)) * scale + dy


def albers_usa(lon: float, lat: float, state_fips: str = "") -> tuple[float, float]:
    x, y = albers_usa_array(np.array([lon], dtype=float), np.array([lat], dtype=float), state_fips)
    return float(x[0]), float(y[0])


def _rings(geometry: Mapping | None) -> list[list]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return list(geometry.get("coordinates") or [])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry.get("coordinates") or [] for ring in polygon]
    return []


EXPORT_TOLERANCE = 0.0008  # projected units; the lower 48 are about 0.7 wide, so under a pixel at print size


def _thin(x: np.ndarray, y: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Drop ring points closer than `tolerance` to the last kept one (the ring's ends always stay)."""
    if len(x) <= 4 or tolerance <= 0:
        return x, y
    keep = [0]
    last_x, last_y = x[0], y[0]
    for i in range(1, len(x) - 1):
        if abs(x[i] - last_x) > tolerance or abs(y[i] - last_y) > tolerance:
            keep.append(i)
            last_x, last_y = x[i], y[i]
    keep.append(len(x) - 1)
    if len(keep) < 4:  # a ring needs three corners and its closing point
        return x, y
    return x[keep], y[keep]


def projected_path(features: Iterable[Mapping], tolerance: float = EXPORT_TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """x and y of every ring of the features, rings separated by NaN (one plotly trace draws them all),
    thinned to what a printed map can show and stored as float32 (the figure travels to the browser)."""
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    gap = np.array([np.nan])
    for feature in features:
        fips = str(feature.get("properties", {}).get("fips", ""))
        for ring in _rings(feature.get("geometry")):
            points = np.asarray([point[:2] for point in ring], dtype=float)
            if points.size == 0:
                continue
            x, y = _thin(*albers_usa_array(points[:, 0], points[:, 1], fips), tolerance)
            xs += [x, gap]
            ys += [y, gap]
    if not xs:
        return np.array([], dtype=np.float32), np.array([], dtype=np.float32)
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.float32)
