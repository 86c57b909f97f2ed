"""The static shapes file, dashboard/static/map-shapes.json: every county polygon, the state outlines and the
colour scale, downloaded once by the browser so that each rerun of the map sends only values (see deck.py)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from dashboard.charts.geography import load_geometry
from dashboard.charts.maps.scale import _LUT

SHAPES_FILE = "map-shapes.json"


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


def write_shapes(geo_dir: Path, static_dir: Path) -> Path:
    """Rewrite dashboard/static/map-shapes.json from data/geo (after the geography changes)."""
    out = static_dir / SHAPES_FILE
    out.write_text(shapes_json(load_geometry(geo_dir / "counties.geojson"), load_geometry(geo_dir / "states.geojson")),
                   encoding="utf-8")
    return out
