"""census_population: county population by race and ethnicity, ACS 5-year (census/county_population_acs_*.csv).

The file (US Census Bureau ACS, via the OEPS project tables) has one row per county: fips, total_pop,
pop_18_plus, *_pct shares, *_n counts, median_income, poverty_pct. It emits `county_population` rows for
year = the 5-year period's END year (2019-2023 -> 2023, read from the file name), age_group 'all' for
every race below and one extra row race='all', age_group='18_plus' from pop_18_plus.

What the groups mean (checked against the real file, see tests/test_census.py):
- white_n, asian_n, pacis_n, amind_n, other_n, two_race_n are ACS *race alone* counts of ANY ethnicity
  (table B02001): with black they add up exactly to total_pop in every county, and Hispanic people are
  inside them. hispanic_n is Hispanic or Latino of any race (B03003). So the `hispanic` row overlaps the
  race rows, the race rows sum to total_pop, and `white` here is NOT non-Hispanic white. The project's
  race vocabulary counts Hispanic as its own group; for population shares this file cannot give that, and
  the note this adapter writes says so (the methods page should too).
- black has no count column. It is derived as total_pop minus the other six race-alone counts, which is
  exact because those seven groups partition the total; black_pct (rounded to 0.1) is used as a check:
  a row whose derived black share differs from black_pct by more than the rounding (0.05 points, plus one
  person) is rejected as inconsistent rather than guessed.
- asian_pacific = asian_n + pacis_n; native_american = amind_n; other = other_n + two_race_n.

FIPS codes are loaded as the file has them, including the 9 Connecticut planning regions (091xx) and
Alaska's Chugach (02063) and Copper River (02066) that the 2017 geometry lacks; the note lists every FIPS
on one side only (see data/geo/fips_changes.csv).
"""

from __future__ import annotations

import re
from pathlib import Path

from etl.sources.base import Adapter, FileResult, SourceError, parse_count, read_csv
from etl.sources.geography import county_fips, current_fips

COUNT_COLUMNS = ("total_pop", "pop_18_plus", "white_n", "asian_n", "pacis_n", "hispanic_n", "amind_n",
                 "two_race_n", "other_n")
RACE_ALONE = ("white_n", "asian_n", "pacis_n", "amind_n", "two_race_n", "other_n")  # black is the rest
REQUIRED = ("fips", *COUNT_COLUMNS, "black_pct")
YEAR_IN_NAME = re.compile(r"acs_(\d{4})_(\d{4})")
# Canonical race -> the count columns that add up to it ('black' is derived, see the module doc).
RACE_SUMS: dict[str, tuple[str, ...]] = {
    "white": ("white_n",),
    "hispanic": ("hispanic_n",),
    "asian_pacific": ("asian_n", "pacis_n"),
    "native_american": ("amind_n",),
    "other": ("other_n", "two_race_n"),
}


def end_year(path: Path, source_id: str) -> int:
    """The ACS period's last year, from `..._acs_2019_2023.csv` (the build's period for these rows)."""
    match = YEAR_IN_NAME.search(path.name)
    if not match or not (int(match.group(2)) - int(match.group(1)) == 4):
        raise SourceError(source_id, path.name, "cannot tell the ACS 5-year period from the file name "
                          "(expected county_population_acs_<start>_<end>.csv, 4 years apart)")
    return int(match.group(2))


class CensusPopulation(Adapter):
    source_id = "census_population"
    # which race groups are defined as case data define them (read by the representation ratio)
    mappings = ("census_race_groups",)

    def read_file(self, path: Path, result: FileResult) -> None:
        year = end_year(path, self.source_id)
        seen: dict[str, int] = {}
        for record in read_csv(path, result, required=REQUIRED):
            fips = record["fips"].strip()
            if re.fullmatch(r"\d{4}", fips):
                fips = "0" + fips  # a spreadsheet dropped the leading zero
            if not re.fullmatch(r"\d{5}", fips):
                result.reject(record, f"FIPS {record['fips']!r} is not 5 digits", column="fips")
                continue
            counts: dict[str, int] = {}
            column = ""
            try:
                for column in COUNT_COLUMNS:
                    counts[column] = parse_count(record[column], column=column)
                column = "black_pct"
                black_pct = _percent(record[column])
            except ValueError as error:
                result.reject(record, str(error), column=column)
                continue
            total = counts["total_pop"]
            black = total - sum(counts[c] for c in RACE_ALONE)
            problem = None
            if total == 0:
                problem = ("total_pop", "total_pop is 0")
            elif black < 0:
                problem = ("total_pop", f"race-alone counts add up to more than total_pop ({total - black} > {total})")
            elif counts["pop_18_plus"] > total:
                problem = ("pop_18_plus", f"pop_18_plus {counts['pop_18_plus']} exceeds total_pop {total}")
            elif counts["hispanic_n"] > total:
                problem = ("hispanic_n", f"hispanic_n {counts['hispanic_n']} exceeds total_pop {total}")
            elif abs(black - black_pct * total / 100) > 0.0005 * total + 1:
                problem = ("black_pct", f"black_pct {black_pct} disagrees with the derived Black count {black} "
                           f"({100 * black / total:.2f}%) beyond rounding")
            if problem:
                result.reject(record, problem[1], column=problem[0])
                continue
            if result.reject_repeat(record, seen, fips, f"FIPS {fips}", column="fips"):
                continue
            rows = {"all": total, "black": black}
            rows.update({race: sum(counts[c] for c in columns) for race, columns in RACE_SUMS.items()})
            for race, population in rows.items():
                result.emit("county_population", {"fips": fips, "year": year, "race": race, "age_group": "all",
                                                  "population": population})
            result.emit("county_population", {"fips": fips, "year": year, "race": "all", "age_group": "18_plus",
                                              "population": counts["pop_18_plus"]})
            result.accept()
        _note_coverage(result, set(seen), year)


def _percent(value: str) -> float:
    text = (value or "").strip()
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"non-numeric percentage {value!r} in column 'black_pct'") from None
    if not 0 <= number <= 100:
        raise ValueError(f"percentage {value!r} out of 0-100 in column 'black_pct'")
    return number


def _note_coverage(result: FileResult, loaded: set[str], year: int) -> None:
    """Say which FIPS have population but no polygon, or a polygon but no population (the CT/AK changes)."""
    result.notes.append(
        f"ACS 5-year ending {year}: race groups are race alone of any ethnicity (they sum to the total) and "
        "'hispanic' is Hispanic of any race, so 'hispanic' overlaps the race groups; 'black' is total_pop minus "
        "the other race-alone counts (checked against black_pct)."
    )
    without_geometry = sorted(loaded - county_fips())
    undocumented = sorted(loaded - current_fips())
    without_population = sorted(county_fips() - loaded)
    if without_geometry:
        result.notes.append(f"{len(without_geometry)} FIPS have population but no county polygon: "
                            f"{_listing(without_geometry)}")
    if undocumented:
        result.notes.append(f"{len(undocumented)} FIPS are neither counties nor documented in "
                            f"data/geo/fips_changes.csv: {_listing(undocumented)}")
    if without_population:
        result.notes.append(f"{len(without_population)} counties have no population row: "
                            f"{_listing(without_population)}")


def _listing(fips: list[str], limit: int = 30) -> str:
    shown = ", ".join(fips[:limit])
    return shown + (f", ... ({len(fips) - limit} more)" if len(fips) > limit else "")
