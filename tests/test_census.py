"""census_population: the ACS county file -> county_population (real file and a synthetic fixture)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from etl.sources.base import SourceError
from etl.sources.census import CensusPopulation
from etl.sources.geography import county_fips, current_fips
from etl.vocab import ACCEPTED_VALUES
from tests.conftest import FIXTURES, shared_file

REAL = "census/county_population_acs_2019_2023.csv"
RACES = ["all", "asian_pacific", "black", "hispanic", "native_american", "other", "white"]


@pytest.fixture(scope="module")
def real(shared_data: Path) -> tuple[pd.DataFrame, object]:
    path = shared_file(shared_data, REAL)
    [result] = CensusPopulation().read([path])
    raw = pd.read_csv(path, dtype={"fips": str})
    return raw, result


def test_real_file_reconciles_and_loads_every_county(real: tuple) -> None:
    raw, result = real
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3144, 3144, 0)
    frame = result.frame("county_population")
    assert len(frame) == 3144 * 8
    assert set(frame["year"]) == {2023}
    assert frame.groupby(["fips"]).size().eq(8).all()
    assert set(frame["race"]) <= set(ACCEPTED_VALUES[("county_population", "race")])
    assert sorted(frame.loc[frame.age_group == "all", "race"].unique()) == RACES
    assert list(frame.loc[frame.age_group == "18_plus", "race"].unique()) == ["all"]
    # The ACS 2019-2023 5-year population of the 50 states and DC.
    totals = frame[frame.race.eq("all")].groupby("age_group")["population"].sum()
    assert totals["all"] == 332_387_540
    assert totals["18_plus"] == raw["pop_18_plus"].sum()


def test_real_race_groups_sum_to_total_within_rounding(real: tuple) -> None:
    """The six race-alone counts plus Black (from black_pct, 0.1 rounding) give total_pop back."""
    raw, result = real
    black_from_pct = (raw["black_pct"] * raw["total_pop"] / 100).round()
    race_alone = raw[["white_n", "asian_n", "pacis_n", "amind_n", "two_race_n", "other_n"]].sum(axis=1)
    gap = (race_alone + black_from_pct - raw["total_pop"]).abs()
    assert (gap <= 0.0005 * raw["total_pop"] + 1).all()
    # The adapter's exact Black count agrees with the rounded percentage in every county.
    wide = result.frame("county_population").query("age_group == 'all'").pivot(
        index="fips", columns="race", values="population")
    assert (wide[["white", "black", "asian_pacific", "native_american", "other"]].sum(axis=1) == wide["all"]).all()
    black = wide["black"].reindex(raw["fips"]).to_numpy()
    assert (abs(black - raw["black_pct"] * raw["total_pop"] / 100) <= 0.0005 * raw["total_pop"] + 1).all()


def test_real_race_counts_include_hispanic_people(real: tuple) -> None:
    """white_n etc. are race alone of ANY ethnicity: the shares overlap with hispanic_pct."""
    raw, _ = real
    share_sum = raw[["white_pct", "black_pct", "hispanic_pct", "amind_pct", "pacis_pct", "other_pct",
                     "two_race_pct"]].sum(axis=1)
    heavily_hispanic = raw[raw["hispanic_pct"] > 50]
    assert len(heavily_hispanic) > 50
    assert (share_sum[heavily_hispanic.index] > 140).mean() > 0.9
    # The *_pct columns are the *_n counts over total_pop (they carry no other definition).
    assert ((raw["white_n"] / raw["total_pop"] * 100).round(1) - raw["white_pct"]).abs().max() < 0.051


def test_real_fips_differences_with_the_2017_geometry(real: tuple) -> None:
    _, result = real
    loaded = set(result.frame("county_population")["fips"])
    planning_regions = {f"091{i}0" for i in range(1, 10)}
    assert loaded - county_fips() == planning_regions | {"02063", "02066"}
    assert county_fips() - loaded == {"09001", "09003", "09005", "09007", "09009", "09011", "09013", "09015",
                                      "02261"}
    assert loaded <= current_fips()
    assert any("no county polygon: 02063, 02066, 09110" in note for note in result.notes)


# ------------------------------------------------------------------------------------ synthetic fixture


FIXTURE = FIXTURES / "census_population" / "county_population_acs_2019_2023.csv"


def test_fixture_outcomes() -> None:
    [result] = CensusPopulation().read([FIXTURE])
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (13, 3, 10)
    assert [(r.line, r.kind, r.column) for r in result.rejections] == [
        (4, "rejected", "fips"),  # ABCDE
        (5, "rejected", "total_pop"),  # negative
        (6, "rejected", "pop_18_plus"),  # non-numeric
        (7, "rejected", "pop_18_plus"),  # more adults than people
        (8, "rejected", "total_pop"),  # race-alone counts exceed the total
        (9, "rejected", "black_pct"),  # derived Black share 15.0% vs 9.0
        (10, "rejected", "total_pop"),  # zero population
        (12, "duplicate", "fips"),
        (13, "rejected", None),  # misaligned
        (14, "rejected", "black_pct"),  # 300%
    ]
    frame = result.frame("county_population")
    sf = frame[frame.fips == "06075"].set_index(["race", "age_group"])["population"].to_dict()
    assert sf == {("all", "all"): 20000, ("black", "all"): 1420, ("white", "all"): 8000,
                  ("hispanic", "all"): 3200, ("asian_pacific", "all"): 7080, ("native_american", "all"): 100,
                  ("other", "all"): 3400, ("all", "18_plus"): 17000}
    assert set(frame["fips"]) == {"01001", "06075", "09110"}  # 4-digit 6075 padded; CT planning region kept


def test_year_comes_from_the_file_name(tmp_path: Path) -> None:
    later = tmp_path / "county_population_acs_2020_2024.csv"
    shutil.copy(FIXTURE, later)
    [result] = CensusPopulation().read([later])
    assert set(result.frame("county_population")["year"]) == {2024}
    unnamed = tmp_path / "county_population.csv"
    shutil.copy(FIXTURE, unnamed)
    with pytest.raises(SourceError, match="5-year period"):
        CensusPopulation().read([unnamed])


def test_missing_column_is_a_file_error(tmp_path: Path) -> None:
    rows = list(csv.reader(FIXTURE.open(encoding="utf-8")))
    keep = [i for i, name in enumerate(rows[0]) if name != "pacis_n"]
    path = tmp_path / "county_population_acs_2019_2023.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[row[i] for i in keep if i < len(row)] for row in rows[:3]])
    with pytest.raises(SourceError, match="pacis_n"):
        CensusPopulation().read([path])
