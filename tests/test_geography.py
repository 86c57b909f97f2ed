"""Geography: the committed data/geo files, the CountyGeography adapter, and the TopoJSON converter."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest

from etl.sources.base import SourceError
from etl.sources.geography import (
    CountyGeography,
    county_fips,
    current_fips,
    fips_changes,
    load_states,
    renamed_fips,
)
from etl.tools import build_geo
from tests.conftest import FIXTURES, PROJECT

GEO = PROJECT / "data" / "geo"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ------------------------------------------------------------------------------------ committed files


def test_counties_csv_covers_50_states_and_dc() -> None:
    rows = read_rows(GEO / "counties.csv")
    assert list(rows[0]) == ["fips", "state_fips", "state_abbr", "state_name", "county_name", "lat", "lon"]
    # 2017 vintage: 3,142 counties and equivalents (Bedford city VA merged in 2013; territories dropped).
    assert len(rows) == 3142
    assert len({r["fips"] for r in rows}) == 3142
    assert len({r["state_fips"] for r in rows}) == 51 == len(load_states())
    by_state = {}
    for row in rows:
        by_state[row["state_abbr"]] = by_state.get(row["state_abbr"], 0) + 1
    assert by_state["TX"] == 254 and by_state["GA"] == 159 and by_state["DC"] == 1 and by_state["CT"] == 8
    assert not any(r["state_fips"] in {"60", "66", "69", "72", "78"} for r in rows)
    names = [(r["state_fips"], r["county_name"]) for r in rows]
    assert len(set(names)) == len(names), "county names must be unique within a state"
    lookup = {r["fips"]: r for r in rows}
    assert lookup["17031"]["county_name"] == "Cook" and lookup["17031"]["state_name"] == "Illinois"
    assert lookup["51760"]["county_name"] == "Richmond city" and lookup["51159"]["county_name"] == "Richmond"
    assert lookup["35013"]["county_name"] == "Doña Ana"  # UTF-8 kept
    assert 41.5 < float(lookup["17031"]["lat"]) < 42.2 and -88.3 < float(lookup["17031"]["lon"]) < -87.5


def test_committed_counties_load_without_rejections() -> None:
    [result] = CountyGeography().read([GEO / "counties.csv"])
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3142, 3142, 0)
    frame = result.frame("county")
    assert frame["fips"].str.fullmatch(r"\d{5}").all()
    assert (frame["state_fips"] == frame["fips"].str[:2]).all()


def _polygons(feature: dict) -> list:
    geometry = feature["geometry"]
    parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [[[tuple(p) for p in ring] for ring in part] for part in parts]


def test_counties_geojson_is_small_rounded_and_holds_every_marker() -> None:
    path = GEO / "counties.geojson"
    assert path.stat().st_size < 1_500_000
    data = json.loads(path.read_text(encoding="utf-8"))
    features = data["features"]
    # Falls Church city (51610) has zero area in us-atlas 1:10m: it has a row and a point but no polygon.
    assert {f["properties"]["fips"] for f in features} == county_fips() - {"51610"}
    assert all(f["properties"] == {"fips": f["properties"]["fips"]} for f in features)
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{4,}", text), "coordinates must have at most 3 decimals"
    points = {r["fips"]: (float(r["lon"]), float(r["lat"])) for r in read_rows(GEO / "counties.csv")}
    outside = []
    for feature in features:
        polygons = build_geo._unwrap(_polygons(feature))
        lon, lat = points[feature["properties"]["fips"]]
        if any(x < -180 for p in polygons for ring in p for x, _ in ring) and lon > 0:
            lon -= 360
        for polygon in polygons:
            assert all(len(ring) >= 4 and ring[0] == ring[-1] for ring in polygon)
        if not any(build_geo._inside((lon, lat), polygon) for polygon in polygons):
            outside.append(feature["properties"]["fips"])
    assert outside == []


def test_states_geojson_matches_states_csv() -> None:
    path = GEO / "states.geojson"
    assert path.stat().st_size < 1_500_000
    data = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(f["properties"]["fips"] for f in data["features"]) == sorted(load_states())


def test_licence_and_attribution_ship_with_the_geometry() -> None:
    text = (GEO / "LICENSE-us-atlas.txt").read_text(encoding="utf-8")
    assert "us-atlas@3.0.1" in text and "Copyright 2013-2019 Michael Bostock" in text
    assert "Permission to use, copy, modify, and/or distribute this software" in text


def test_fips_changes_are_consistent() -> None:
    changes = fips_changes()
    ct = sorted(f for f, r in changes.items() if r["kind"] == "ct_planning_region")
    assert ct == [f"091{i}0" for i in range(1, 10)]
    assert not set(changes) & county_fips(), "a documented change must not also be a county with geometry"
    assert renamed_fips() == {"46113": "46102", "02270": "02158", "12025": "12086"}
    assert current_fips() == county_fips() | set(ct) | {"02063", "02066"}
    for fips, row in changes.items():
        assert re.fullmatch(r"\d{5}", fips) and row["name"] and row["note"]
        if row["successor_fips"]:
            assert row["successor_fips"] in county_fips()


# ------------------------------------------------------------------------------------ adapter, bad rows


def test_adapter_rejects_bad_rows_with_reasons() -> None:
    [result] = CountyGeography().read([FIXTURES / "us_atlas" / "counties.csv"])
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (14, 4, 10)
    got = [(r.line, r.kind, r.column) for r in result.rejections]
    assert got == [
        (5, "rejected", "fips"),  # 4-digit FIPS
        (6, "rejected", "state_fips"),  # state_fips contradicts the FIPS
        (7, "rejected", "state_fips"),  # Puerto Rico: not a state
        (8, "rejected", "state_abbr"),
        (9, "rejected", "state_name"),
        (10, "rejected", "county_name"),
        (11, "rejected", "lat"),  # outside the US
        (12, "rejected", "lat"),  # not a number
        (13, "duplicate", "fips"),
        (14, "rejected", None),  # misaligned
    ]
    frame = result.frame("county")
    assert list(frame["fips"]) == ["17031", "02016", "02017", "51760"]
    assert frame.loc[frame.fips == "02017", "lon"].item() == 177.5  # west of the antimeridian is still the US


def test_adapter_missing_column_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "counties.csv"
    path.write_text("fips,state_fips,state_abbr,state_name,lat,lon\n17031,17,IL,Illinois,41.8,-87.8\n")
    with pytest.raises(SourceError, match="county_name"):
        CountyGeography().read([path])


# ------------------------------------------------------------------------------------ converter pieces


def test_decode_quantised_arcs_and_stitch_reversed() -> None:
    topology = {
        "transform": {"scale": [0.5, 0.25], "translate": [-100.0, 40.0]},
        "arcs": [[[0, 0], [4, 0], [0, 4]], [[4, 4], [-4, 0], [0, -4]]],
    }
    arcs = build_geo.decode_arcs(topology, None)
    assert arcs[0] == [(-100.0, 40.0), (-98.0, 40.0), (-98.0, 41.0)]
    ring = build_geo.stitch_ring([0, 1], arcs)
    assert ring == [(-100.0, 40.0), (-98.0, 40.0), (-98.0, 41.0), (-100.0, 41.0), (-100.0, 40.0)]
    backwards = build_geo.stitch_ring([~1, ~0], arcs)
    assert backwards == list(reversed(ring))


def test_simplify_rounds_and_drops_repeats_and_straight_runs() -> None:
    points = [(0.0, 0.0), (0.0001, 0.0), (0.5, 0.0), (1.0, 0.0), (1.0, 0.5), (1.0, 1.0), (0.5, 1.2)]
    assert build_geo.simplify_arc(points, 3) == [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.5, 1.2)]
    # A spike that doubles back is a real shape, not a straight run.
    assert build_geo.simplify_arc([(0.0, 0.0), (2.0, 0.0), (1.0, 0.0)], 3) == [(0.0, 0.0), (2.0, 0.0), (1.0, 0.0)]


def test_representative_point_of_a_concave_shape_is_inside() -> None:
    # A "U": its area centroid lies in the empty middle, so the point must move into the shape.
    u_shape = [[[(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3), (0, 0)]]]
    lon, lat = build_geo.representative_point(u_shape)
    assert build_geo._inside((lon, lat), u_shape[0])
    square = [[[(0, 0), (2, 0), (2, 2), (0, 2), (0, 0)]]]
    assert build_geo.representative_point(square) == pytest.approx((1.0, 1.0))


def test_representative_point_across_the_antimeridian() -> None:
    east = [[(179.0, 51.0), (180.0, 51.0), (180.0, 52.0), (179.0, 52.0), (179.0, 51.0)]]
    west = [[(-180.0, 51.0), (-177.0, 51.0), (-177.0, 52.0), (-180.0, 52.0), (-180.0, 51.0)]]
    lon, lat = build_geo.representative_point([east, west])
    assert lat == pytest.approx(51.5) and -180 < lon < -178  # not somewhere in the middle of the globe


def test_independent_cities_get_a_suffix_only_when_names_clash() -> None:
    geometries = [{"id": i, "properties": {"name": n}} for i, n in
                  (("51159", "Richmond"), ("51760", "Richmond"), ("51550", "Chesapeake"), ("24510", "Baltimore"))]
    names = build_geo.county_display_names(geometries)
    assert names == {"51159": "Richmond", "51760": "Richmond city", "51550": "Chesapeake", "24510": "Baltimore"}


def test_converter_reproduces_the_committed_files(tmp_path: Path) -> None:
    """Re-run the converter on an unpacked us-atlas@3.0.1 (set PAD_US_ATLAS_DIR) and compare byte for byte."""
    atlas = os.environ.get("PAD_US_ATLAS_DIR")
    if not atlas:
        pytest.skip("set PAD_US_ATLAS_DIR to an unpacked us-atlas@3.0.1 (npm install us-atlas@3.0.1) to check")
    build_geo.build(Path(atlas), tmp_path)
    for name in ("counties.csv", "counties.geojson", "states.geojson", "LICENSE-us-atlas.txt"):
        assert (tmp_path / name).read_bytes() == (GEO / name).read_bytes(), name
