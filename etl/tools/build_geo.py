"""Build the project's small, redistributable geography (data/geo/) from the npm package us-atlas@3.0.1.

Why a converter and not the package files themselves: the warehouse wants one CSV row per county (FIPS,
state, name, a point to put a marker on), and the map wants plain GeoJSON that pydeck's GeoJsonLayer can
fetch by URL. us-atlas ships TopoJSON (shared, quantised, delta-encoded arcs), so this script decodes it
in pure Python (no node needed once the package is unpacked) and writes, into data/geo/:

- counties.csv      fips, state_fips, state_abbr, state_name, county_name, lat, lon  (50 states + DC only)
- counties.geojson  county polygons, properties {"fips"}, lon/lat rounded to 3 decimals
- states.geojson    state polygons, properties {"fips"}, same rounding
- LICENSE-us-atlas.txt  the package's ISC licence with attribution

Simplification is done on the shared arcs (round to 3 decimals = about 100 m, drop repeated points and
points exactly on the straight line between their neighbours), so neighbouring counties still share
identical borders: no slivers or gaps appear between them.

Falls Church city, VA (51610) has zero area in us-atlas's 1:10m file (a line between Arlington and Fairfax):
it gets its counties.csv row and point but no polygon.

County names are us-atlas's `properties.name` (the Census NAME without "County"/"Parish"/...). Independent
cities that share a name with a county of the same state (Baltimore, St. Louis, Richmond VA, ...) get the
Census suffix " city" so that (state, county_name) is unique.

Usage (re-runnable; the output is deterministic):
    python -m etl.tools.build_geo                      # npm-installs us-atlas@3.0.1 into a temp dir
    python -m etl.tools.build_geo --atlas node_modules/us-atlas --out data/geo
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from etl.config import PROJECT

US_ATLAS_VERSION = "3.0.1"
DECIMALS = 3
DEFAULT_OUT = PROJECT / "data" / "geo"

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # outer ring first, then holes

ATTRIBUTION = """\
County and state boundaries in this folder (counties.csv, counties.geojson, states.geojson) are derived
from the npm package us-atlas@{version} by Mike Bostock (https://github.com/topojson/us-atlas), which is
built from the US Census Bureau's cartographic boundary files (public domain). Converted by
etl/tools/build_geo.py: TopoJSON decoded to GeoJSON, coordinates rounded to {decimals} decimals, territories
dropped, representative points computed.

The us-atlas licence (ISC) follows.

"""


# ---------------------------------------------------------------------------------------------- TopoJSON


def decode_arcs(topology: dict[str, Any], decimals: int | None = DECIMALS) -> list[list[Point]]:
    """Absolute lon/lat arcs from a (possibly quantised, delta-encoded) TopoJSON topology.

    With `decimals`, points are rounded and simplified per arc (shared by neighbours, so borders stay
    identical on both sides); arc end points are never dropped.
    """
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        points: list[Point] = []
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        if decimals is not None:
            points = simplify_arc(points, decimals)
        arcs.append(points)
    return arcs


def simplify_arc(points: Sequence[Point], decimals: int) -> list[Point]:
    """Round, then drop repeated points and interior points exactly on the line between their neighbours."""
    scale = 10**decimals
    grid = [(round(x * scale), round(y * scale)) for x, y in points]
    kept: list[tuple[int, int]] = []
    for point in grid:
        if kept and point == kept[-1]:
            continue
        kept.append(point)
    if len(kept) > 2:
        out = [kept[0]]
        for i in range(1, len(kept) - 1):
            (ax, ay), (bx, by), (cx, cy) = out[-1], kept[i], kept[i + 1]
            cross = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
            dot = (bx - ax) * (cx - bx) + (by - ay) * (cy - by)
            if cross == 0 and dot >= 0:
                continue  # on the straight segment from the last kept point to the next one
            out.append(kept[i])
        out.append(kept[-1])
        kept = out
    return [(x / scale, y / scale) for x, y in kept]


def stitch_ring(arc_indexes: Iterable[int], arcs: Sequence[Sequence[Point]]) -> Ring:
    """One closed ring from arc indexes (a negative index ~i means arc i reversed), repeats removed."""
    ring: Ring = []
    for index in arc_indexes:
        points = list(arcs[index]) if index >= 0 else list(reversed(arcs[~index]))
        if ring and points and points[0] == ring[-1]:
            points = points[1:]
        ring.extend(points)
    deduped: Ring = []
    for point in ring:
        if not deduped or point != deduped[-1]:
            deduped.append(point)
    if deduped and deduped[0] != deduped[-1]:
        deduped.append(deduped[0])
    return deduped


def geometry_polygons(geometry: dict[str, Any], arcs: Sequence[Sequence[Point]]) -> list[Polygon]:
    """Polygons of a TopoJSON Polygon/MultiPolygon; rings that collapsed below 4 positions are dropped."""
    if geometry["type"] == "Polygon":
        parts = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        parts = geometry["arcs"]
    else:
        raise ValueError(f"unexpected geometry type {geometry['type']!r} for id {geometry.get('id')!r}")
    polygons: list[Polygon] = []
    for part in parts:
        rings = [stitch_ring(r, arcs) for r in part]
        if not rings or len(rings[0]) < 4:
            continue  # the outer ring collapsed: the whole part is below the rounding
        polygons.append([rings[0], *[r for r in rings[1:] if len(r) >= 4]])
    return polygons


# ------------------------------------------------------------------------------------ representative point


def _unwrap(polygons: list[Polygon]) -> list[Polygon]:
    """Shift positive longitudes by -360 for shapes that cross the antimeridian (Aleutians West, AK)."""
    flat = [x for polygon in polygons for ring in polygon for x, _ in ring]
    if not flat or not (min(flat) < -90 and max(flat) > 90):
        return polygons
    return [[[(x - 360 if x > 0 else x, y) for x, y in ring] for ring in polygon] for polygon in polygons]


def _ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        return 0.0, ring[0][0], ring[0][1]
    return area, cx / (6 * area), cy / (6 * area)


def _inside(point: Point, polygon: Polygon) -> bool:
    """Even-odd ray casting over all rings (holes included)."""
    x, y = point
    inside = False
    for ring in polygon:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def _scanline_point(polygon: Polygon, y: float) -> Point | None:
    """Midpoint of the widest interior segment of the polygon on the horizontal line at latitude y."""
    xs: list[float] = []
    for ring in polygon:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            if (y0 > y) != (y1 > y):
                xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    xs.sort()
    spans = [(xs[i + 1] - xs[i], (xs[i] + xs[i + 1]) / 2) for i in range(0, len(xs) - 1, 2)]
    return (max(spans)[1], y) if spans else None


def _flat(arcs: list[Any]) -> list[int]:
    """Arc indexes of a Polygon's ring list or a MultiPolygon's polygon list, flattened."""
    return [i for item in arcs for i in (_flat(item) if isinstance(item, list) else [item])]


def representative_point(polygons: list[Polygon]) -> Point:
    """Area centroid when it falls inside the shape, else an interior point of the largest part (lon, lat)."""
    shapes = _unwrap(polygons)
    total = sx = sy = 0.0
    largest: tuple[float, Polygon] | None = None
    for polygon in shapes:
        part_area = part_x = part_y = 0.0
        for i, ring in enumerate(polygon):
            area, cx, cy = _ring_area_centroid(ring)
            area = abs(area) if i == 0 else -abs(area)
            part_area += area
            part_x += area * cx
            part_y += area * cy
        total += part_area
        sx += part_x
        sy += part_y
        if largest is None or part_area > largest[0]:
            largest = (part_area, polygon)
    if largest is None:
        raise ValueError("no polygon to place a point in")
    point = (sx / total, sy / total) if total > 0 else largest[1][0][0]
    if not any(_inside(point, polygon) for polygon in shapes):
        outer = largest[1][0]
        ys = sorted(y for _, y in outer)
        _, _, cy = _ring_area_centroid(outer)
        for y in (cy, (ys[0] + ys[-1]) / 2):
            found = _scanline_point(largest[1], y + 1e-9)
            if found:
                point = found
                break
    lon, lat = point
    if lon < -180:
        lon += 360
    return lon, lat


# ------------------------------------------------------------------------------------------------ output


def read_states(path: Path) -> dict[str, dict[str, str]]:
    """data/geo/states.csv: the 50 states and DC (fips, abbr, name); territories are not in it."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["fips"]: row for row in csv.DictReader(handle)}


def county_display_names(geometries: list[dict[str, Any]]) -> dict[str, str]:
    """us-atlas names, with " city" on independent cities whose name a county of the same state also has."""
    by_state_name: dict[tuple[str, str], list[str]] = {}
    for geometry in geometries:
        key = (geometry["id"][:2], geometry["properties"]["name"])
        by_state_name.setdefault(key, []).append(geometry["id"])
    names: dict[str, str] = {}
    for (_, name), fips_list in by_state_name.items():
        for fips in fips_list:
            city = len(fips_list) > 1 and int(fips[2:]) >= 500
            names[fips] = f"{name} city" if city else name
    return names


def feature_collection(features: list[tuple[str, list[Polygon]]]) -> dict[str, Any]:
    out = []
    for fips, polygons in features:
        coords = [[[list(p) for p in ring] for ring in polygon] for polygon in polygons]
        geometry = ({"type": "Polygon", "coordinates": coords[0]} if len(coords) == 1
                    else {"type": "MultiPolygon", "coordinates": coords})
        out.append({"type": "Feature", "properties": {"fips": fips}, "geometry": geometry})
    return {"type": "FeatureCollection", "features": out}


def write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    tmp.replace(path)


def build(atlas_dir: Path, out_dir: Path, states_csv: Path = DEFAULT_OUT / "states.csv") -> dict[str, Any]:
    """Convert an unpacked us-atlas package into out_dir; returns counts for the log."""
    package = json.loads((atlas_dir / "package.json").read_text(encoding="utf-8"))
    if package.get("version") != US_ATLAS_VERSION:
        raise SystemExit(f"expected us-atlas {US_ATLAS_VERSION}, found {package.get('version')} in {atlas_dir}")
    states = read_states(states_csv)
    topology = json.loads((atlas_dir / "counties-10m.json").read_text(encoding="utf-8"))
    arcs = decode_arcs(topology, DECIMALS)
    full_arcs = decode_arcs(topology, None)  # the marker point is computed on the unrounded shapes

    counties = [g for g in topology["objects"]["counties"]["geometries"] if g["id"][:2] in states]
    names = county_display_names(counties)
    rows, county_features = [], []
    without_area = []
    for geometry in sorted(counties, key=lambda g: g["id"]):
        fips = geometry["id"]
        polygons = geometry_polygons(geometry, arcs)
        full = geometry_polygons(geometry, full_arcs)
        if full:
            lon, lat = representative_point(full)
        else:
            # Zero area in the source itself (Falls Church city, VA, 51610, is a line in us-atlas 10m):
            # the county keeps its CSV row and a point, but gets no polygon.
            points = [p for ring in geometry["arcs"] for p in stitch_ring(_flat(ring), full_arcs)]
            lon = (min(x for x, _ in points) + max(x for x, _ in points)) / 2
            lat = (min(y for _, y in points) + max(y for _, y in points)) / 2
            without_area.append(fips)
        if polygons:
            county_features.append((fips, polygons))
        state = states[fips[:2]]
        rows.append({
            "fips": fips, "state_fips": fips[:2], "state_abbr": state["abbr"], "state_name": state["name"],
            "county_name": names[fips], "lat": f"{lat:.4f}", "lon": f"{lon:.4f}",
        })

    state_features = []
    atlas_state_names = {}
    for geometry in sorted(topology["objects"]["states"]["geometries"], key=lambda g: g["id"]):
        atlas_state_names[geometry["id"]] = geometry["properties"]["name"]
        if geometry["id"] in states:
            state_features.append((geometry["id"], geometry_polygons(geometry, arcs)))
    mismatched = [f for f, s in states.items() if atlas_state_names.get(f) != s["name"]]
    if mismatched:
        raise SystemExit(f"states.csv names differ from us-atlas for {mismatched}")

    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / "counties.csv.tmp"
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(out_dir / "counties.csv")
    write_json(out_dir / "counties.geojson", feature_collection(county_features))
    write_json(out_dir / "states.geojson", feature_collection(state_features))
    licence = (atlas_dir / "LICENSE").read_text(encoding="utf-8")
    (out_dir / "LICENSE-us-atlas.txt").write_text(
        ATTRIBUTION.format(version=US_ATLAS_VERSION, decimals=DECIMALS) + licence, encoding="utf-8")
    return {"counties": len(rows), "states": len(state_features), "counties_without_area": without_area,
            "territory_counties_dropped": len(topology["objects"]["counties"]["geometries"]) - len(rows)}


def install_us_atlas(into: Path) -> Path:
    """`npm install us-atlas@3.0.1` into a scratch folder (the npm registry is the package's home)."""
    npm = shutil.which("npm")
    if not npm:
        raise SystemExit("npm is not installed: install Node.js, or pass --atlas with an unpacked us-atlas package")
    subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(into),
                    f"us-atlas@{US_ATLAS_VERSION}"], check=True)
    return into / "node_modules" / "us-atlas"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--atlas", type=Path, help="an unpacked us-atlas package (default: npm install it)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default data/geo)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="us-atlas-") as scratch:
        atlas = args.atlas or install_us_atlas(Path(scratch))
        counts = build(atlas, args.out)
    sizes = {p.name: p.stat().st_size for p in sorted(args.out.glob("*.geojson"))}
    print(f"wrote {counts} and {sizes} bytes into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
