"""us_atlas: the `county` table, from data/geo/counties.csv (built by etl/tools/build_geo.py from us-atlas 3.0.1).

The file ships in this repository, so this adapter is mostly a guard against hand edits: every row must
have a 5-digit FIPS whose first two digits are its state_fips, a state that data/geo/states.csv knows
(50 states + DC) with the same abbreviation and name, a county name, and a point inside the US.

It also owns the project's list of FIPS codes that are not (or no longer) rows of `county`
(data/geo/fips_changes.csv), which the other adapters use:
- `ct_planning_region`, `new_county`: current county-equivalents that us-atlas 2017 has no polygon for
  (Connecticut's 9 planning regions since 2022; Alaska's Chugach and Copper River since 2019). Their rows
  are loaded; the build's FIPS check accepts them (see `current_fips`).
- `renamed`: an old code for a county that still exists under `successor_fips` (Shannon SD 46113 ->
  Oglala Lakota 46102): older sources are re-keyed to the successor (see `renamed_fips`).
- `dissolved`: an old code with no current county (merged or split): rows keyed by it cannot be placed.
"""

from __future__ import annotations

import csv
import math
import re
from functools import cache
from pathlib import Path

from etl.sources.base import Adapter, FileResult, read_csv

GEO_DIR = Path(__file__).resolve().parents[2] / "data" / "geo"
COLUMNS = ("fips", "state_fips", "state_abbr", "state_name", "county_name", "lat", "lon")
FIPS_RE = re.compile(r"^\d{5}$")
CURRENT_KINDS = ("ct_planning_region", "new_county")
CHANGE_KINDS = (*CURRENT_KINDS, "renamed", "dissolved")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


@cache
def load_states() -> dict[str, dict[str, str]]:
    """State FIPS -> {fips, abbr, name} for the 50 states and DC."""
    return {row["fips"]: row for row in _read(GEO_DIR / "states.csv")}


@cache
def county_fips() -> frozenset[str]:
    """FIPS of every county with geometry (the rows of data/geo/counties.csv)."""
    return frozenset(row["fips"] for row in _read(GEO_DIR / "counties.csv"))


@cache
def fips_changes() -> dict[str, dict[str, str]]:
    """data/geo/fips_changes.csv by FIPS: name, kind, note, successor_fips."""
    rows = {row["fips"]: row for row in _read(GEO_DIR / "fips_changes.csv")}
    for fips, row in rows.items():
        if row["kind"] not in CHANGE_KINDS:
            raise ValueError(f"fips_changes.csv: unknown kind {row['kind']!r} for {fips}")
        if row["kind"] == "renamed" and row["successor_fips"] not in county_fips():
            raise ValueError(f"fips_changes.csv: renamed {fips} has no current successor")
    return rows


def current_fips() -> frozenset[str]:
    """FIPS a row may be loaded under: counties with geometry plus current county-equivalents without it."""
    extra = {f for f, row in fips_changes().items() if row["kind"] in CURRENT_KINDS}
    return county_fips() | extra


def renamed_fips() -> dict[str, str]:
    """Old code -> current code, for counties that were only renumbered (same area)."""
    return {f: row["successor_fips"] for f, row in fips_changes().items() if row["kind"] == "renamed"}


class CountyGeography(Adapter):
    """data/geo/counties.csv -> `county`; bad or repeated rows are rejected, never fixed up."""

    source_id = "us_atlas"

    def read_file(self, path: Path, result: FileResult) -> None:
        states = load_states()
        seen: dict[str, int] = {}
        for record in read_csv(path, result, required=COLUMNS):
            values = {c: record[c].strip() for c in COLUMNS}
            fips = values["fips"]
            problem = _check(values, states)
            if problem:
                column, reason = problem
                result.reject(record, reason, column=column)
                continue
            if result.reject_repeat(record, seen, fips, f"FIPS {fips}", column="fips"):
                continue
            result.emit("county", {**values, "lat": float(values["lat"]), "lon": float(values["lon"])})
            result.accept()


def _check(values: dict[str, str], states: dict[str, dict[str, str]]) -> tuple[str, str] | None:
    """(column, reason) of the first problem with a counties.csv row, or None."""
    fips = values["fips"]
    if not FIPS_RE.match(fips):
        return "fips", f"FIPS {fips!r} is not 5 digits"
    if values["state_fips"] != fips[:2]:
        return "state_fips", f"state_fips {values['state_fips']!r} does not match FIPS {fips}"
    state = states.get(fips[:2])
    if state is None:
        return "state_fips", f"state FIPS {fips[:2]!r} is not one of the 50 states or DC"
    if values["state_abbr"] != state["abbr"]:
        return "state_abbr", f"state_abbr {values['state_abbr']!r} should be {state['abbr']!r} for {fips[:2]}"
    if values["state_name"] != state["name"]:
        return "state_name", f"state_name {values['state_name']!r} should be {state['name']!r}"
    if not values["county_name"]:
        return "county_name", "empty county name"
    try:
        lat, lon = float(values["lat"]), float(values["lon"])
    except ValueError:
        return "lat", f"lat/lon {values['lat']!r}/{values['lon']!r} are not numbers"
    # The US spans about 18..72 N and 180 W..65 W, plus the Aleutians west of the antimeridian.
    in_us = 18 <= lat <= 72 and (-180 <= lon <= -65 or 172 <= lon <= 180)
    if not (math.isfinite(lat) and math.isfinite(lon) and in_us):
        return "lat", f"point {lat},{lon} is outside the United States"
    return None
