"""vera_incarceration_trends: county jail and pretrial populations from Vera's Incarceration Trends.

Licence: Vera's terms forbid redistribution, so the file is downloaded at run time only (`etl fetch`) and
never committed; tests use a synthetic fixture with the real column names.

Two releases are accepted (header names confirmed in public code that reads them):
- 2020 release `incarceration_trends.csv` (v2.x, 1970-2018, one row per county-year): yfips, year, fips,
  state, county_name, total_pop, total_pop_15to64, ..., total_jail_pop, ..., aapi_jail_pop,
  black_jail_pop, latinx_jail_pop, native_jail_pop, white_jail_pop, other_race_jail_pop,
  total_jail_pretrial, ... The 2018 release named two of them asian_jail_pop / latino_jail_pop (aliases).
- 2024/2025 release `incarceration_trends_county.csv` (1970 onward): year, quarter, state_abbr, ...,
  county_name, county_code, fips, ... with the same measure names. Recent years come as quarterly rows:
  a row with quarter 1-4 becomes period_grain 'quarter' starting on the quarter's first day; a row with
  a blank quarter (or a file without the column) is period_grain 'year' starting on 1 January.

Emitted `detention` rows: measure jail_population (race 'all' from total_jail_pop, and one row per race
column present, mapped through mappings/vera_jail_race.csv) and pretrial_population (race 'all' from
total_jail_pretrial). Values are Vera's estimates and may be fractional; they are kept as numbers.

What counts as loaded:
- A blank (or NA) measure means "not reported": no detention row for it, the row's other measures still
  load. Vera lists every county for every year, so many rows have no jail figure at all; such a row is
  still counted as loaded (it was read and understood; there is nothing to emit) and the file's note
  gives how many. Rejecting them would fill rejected_row with ~100k rows that say nothing.
- Rejected: a FIPS that is not 1-5 digits or not a county the project knows, a state abbreviation that
  contradicts the FIPS, a year outside 1970..this year, a quarter outside 1-4, a negative or non-numeric
  measure (the whole row: a corrupt value makes its neighbours doubtful), and repeated county-periods
  (kind 'duplicate'). Codes of counties that no longer exist (data/geo/fips_changes.csv kind 'dissolved',
  e.g. Bedford city VA, merged in 2013) are rejected with kind 'excluded'; renumbered counties (Shannon
  SD 46113 -> 46102) are re-keyed to their current code.
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import pandas as pd

from etl.sources.base import Adapter, FileResult, SourceError, read_csv
from etl.sources.geography import current_fips, fips_changes, load_states, renamed_fips
from etl.vocab import load_mapping

MEASURE_COLUMNS: dict[str, tuple[str, str]] = {
    "total_jail_pop": ("jail_population", "all"),
    "total_jail_pretrial": ("pretrial_population", "all"),
}
REQUIRED = ("year", "fips", "total_jail_pop", "total_jail_pretrial")
ALIASES = {
    "asian_jail_pop": "aapi_jail_pop",  # 2018 release
    "latino_jail_pop": "latinx_jail_pop",  # 2018 release
    "state_abbr": "state",  # 2024 release: `state` became `state_abbr` (the 2020 one holds abbreviations too)
}
MISSING = frozenset({"", "na", "nan", "null", "none", "."})
FIRST_YEAR = 1970
MAX_VALUE = 1_000_000  # the largest US jail system holds ~20k people; more is a corrupt value
FIPS_TEXT = re.compile(r"^(\d{1,5})(?:\.0+)?$")


class VeraIncarcerationTrends(Adapter):
    source_id = "vera_incarceration_trends"

    def read_file(self, path: Path, result: FileResult) -> None:
        race_map = load_mapping("vera_jail_race")
        known, renamed, changes = current_fips(), renamed_fips(), fips_changes()
        abbr_by_state = {f: s["abbr"] for f, s in load_states().items()}
        out: dict[str, list] = {c: [] for c in ("fips", "period_start", "period_grain", "measure", "race", "value")}
        seen: dict[tuple[str, date, str], int] = {}
        empty = 0
        measures: dict[str, tuple[str, str]] | None = None
        for record in read_csv(path, result, required=REQUIRED, aliases=ALIASES):
            if measures is None:
                measures = dict(MEASURE_COLUMNS)
                measures.update({c: ("jail_population", m["race"]) for c, m in race_map.rows.items()
                                 if c in record.values})
            fips, problem = _fips(record.get("fips"), known, renamed, changes)
            if problem:
                result.reject(record, problem[1], column="fips", kind=problem[0])
                continue
            state = record.get("state").strip().upper()
            if state and len(state) == 2 and abbr_by_state.get(fips[:2]) != state:
                result.reject(record, f"state {state!r} does not match FIPS {fips}", column="state")
                continue
            period, problem = _period(record.get("year"), record.get("quarter"))
            if problem:
                result.reject(record, problem[1], column=problem[0])
                continue
            values: list[tuple[str, str, float]] = []
            bad = None
            for column, (measure, race) in measures.items():
                text = record.get(column).strip()
                if text.casefold() in MISSING:
                    continue
                try:
                    number = float(text.replace(",", ""))
                except ValueError:
                    bad = (column, f"non-numeric value {text!r} in column {column!r}")
                    break
                if not math.isfinite(number) or number < 0 or number > MAX_VALUE:
                    bad = (column, f"impossible value {text!r} in column {column!r}")
                    break
                values.append((measure, race, number))
            if bad:
                result.reject(record, bad[1], column=bad[0])
                continue
            key = (fips, *period)
            if result.reject_repeat(record, seen, key, f"county {fips} {period[1]} {period[0].isoformat()}",
                                    column="fips"):
                continue
            if not values:
                empty += 1
            for measure, race, number in values:
                for name, value in zip(out, (fips, period[0], period[1], measure, race, number), strict=True):
                    out[name].append(value)
            result.accept()
        if out["fips"]:
            result.emit_frame("detention", pd.DataFrame(out))
        result.notes.append(f"{empty} of {result.rows_loaded} loaded county-periods report no jail figure "
                            "(blank = not reported; Vera lists every county for every year)")

    def finish(self, results: list[FileResult]) -> None:
        """Two releases side by side would count every county-year twice: refuse rather than guess."""
        if len(results) > 1:
            names = ", ".join(r.file for r in results)
            raise SourceError(self.source_id, names, "more than one Vera release is present; each covers the "
                              "same county-years, so keep only one (the newest: incarceration_trends_county.csv)")


def _fips(text: str, known: frozenset[str], renamed: dict[str, str],
          changes: dict[str, dict[str, str]]) -> tuple[str, tuple[str, str] | None]:
    """Zero-padded current FIPS, or (kind, reason) why the row cannot be placed on a county."""
    match = FIPS_TEXT.match((text or "").strip())
    if not match:
        return "", ("rejected", f"FIPS {text!r} is not a county code")
    fips = match.group(1).zfill(5)
    fips = renamed.get(fips, fips)
    if fips in known:
        return fips, None
    change = changes.get(fips)
    if change and change["kind"] == "dissolved":
        return fips, ("excluded", f"FIPS {fips} ({change['name']}) is no longer a county: {change['note']}")
    return fips, ("rejected", f"FIPS {fips} is not a county in data/geo/counties.csv or fips_changes.csv")


def _period(year_text: str, quarter_text: str) -> tuple[tuple[date, str], tuple[str, str] | None]:
    """(period_start, period_grain), or (column, reason) when the year or quarter is impossible."""
    nothing = (date(FIRST_YEAR, 1, 1), "year")
    match = FIPS_TEXT.match((year_text or "").strip())
    year = int(match.group(1)) if match else 0
    if not FIRST_YEAR <= year <= date.today().year:
        return nothing, ("year", f"year {year_text!r} outside {FIRST_YEAR}-{date.today().year}")
    quarter = (quarter_text or "").strip()
    if quarter.casefold() in MISSING:
        return (date(year, 1, 1), "year"), None
    if quarter.replace(".0", "") not in ("1", "2", "3", "4"):
        return nothing, ("quarter", f"quarter {quarter_text!r} is not 1-4")
    q = int(quarter.replace(".0", ""))
    return (date(year, 3 * q - 2, 1), "quarter"), None
