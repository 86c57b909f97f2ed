"""vera_incarceration_trends: synthetic fixtures with Vera's real column names (the data may not be shipped)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from etl.sources.base import SourceError
from etl.sources.geography import current_fips
from etl.sources.vera import VeraIncarcerationTrends
from etl.vocab import ACCEPTED_VALUES, load_mapping
from tests.conftest import FIXTURES, PROJECT

V2020 = FIXTURES / "vera" / "incarceration_trends.csv"
V2025 = FIXTURES / "vera" / "incarceration_trends_county.csv"


def values(result, fips: str) -> dict[tuple, float]:
    frame = result.frame("detention")
    rows = frame[frame.fips == fips]
    return {(r.period_start, r.period_grain, r.measure, r.race): r.value for r in rows.itertuples()}


def test_2020_release_outcomes() -> None:
    [result] = VeraIncarcerationTrends().read([V2020])
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (20, 11, 9)
    assert [(r.line, r.kind, r.column) for r in result.rejections] == [
        (8, "excluded", "fips"),  # Bedford city VA: merged into Bedford County in 2013
        (9, "rejected", "fips"),  # 99999 is no county
        (10, "rejected", "fips"),  # 'abc'
        (11, "duplicate", "fips"),  # Cook 2016 again
        (12, "rejected", "total_jail_pop"),  # -3
        (13, "rejected", "white_jail_pop"),  # 'twelve'
        (14, "rejected", "year"),  # 1969
        (15, "rejected", "state"),  # NJ for a New York FIPS
        (16, "rejected", None),  # misaligned
    ]
    assert "Bedford city" in result.rejections[0].reason
    cook = values(result, "17031")
    y2016 = date(2016, 1, 1)
    assert cook[(y2016, "year", "jail_population", "all")] == 8000.5
    assert cook[(y2016, "year", "pretrial_population", "all")] == 6500
    assert {k[3]: v for k, v in cook.items() if k[0] == y2016 and k[2] == "jail_population"} == {
        "all": 8000.5, "asian_pacific": 40, "black": 5600, "hispanic": 1500, "native_american": 10,
        "white": 800, "other": 50.5,
    }
    # 2017: race columns blank -> only the totals; 2018: pretrial blank -> only the jail total.
    assert sorted(k[2:] for k in cook if k[0] == date(2017, 1, 1)) == [
        ("jail_population", "all"), ("pretrial_population", "all")]
    assert sorted(k[2:] for k in cook if k[0] == date(2018, 1, 1)) == [("jail_population", "all")]
    # Shannon County SD (46113) is re-keyed to Oglala Lakota (46102); 2-digit-state FIPS are zero-padded.
    assert values(result, "46102")[(date(2015, 1, 1), "year", "jail_population", "native_american")] == 28
    frame = result.frame("detention")
    assert {"09003", "02261", "42101", "12086", "13121"} <= set(frame.fips)
    assert values(result, "42101")[(y2016, "year", "jail_population", "all")] == 7120  # "7,120"
    assert values(result, "12086")[(y2016, "year", "jail_population", "all")] == 0  # zero is a value
    assert "1001" not in set(frame.fips) and "01001" not in set(frame.fips)  # reported nothing
    assert len(frame) == 8 + 2 + 1 + 8 + 2 + 2 + 8 + 8 + 8
    assert result.notes == ["2 of 11 loaded county-periods report no jail figure (blank = not reported; "
                            "Vera lists every county for every year)"]


@pytest.mark.parametrize("path", [V2020, V2025], ids=["2020", "2025"])
def test_emitted_values_are_in_the_vocabulary(path: Path) -> None:
    [result] = VeraIncarcerationTrends().read([path])
    frame = result.frame("detention")
    assert set(frame.measure) <= set(ACCEPTED_VALUES[("detention", "measure")])
    assert set(frame.race) <= set(ACCEPTED_VALUES[("detention", "race")])
    assert set(frame.period_grain) <= set(ACCEPTED_VALUES[("detention", "period_grain")])
    assert set(frame.fips) <= current_fips()
    assert frame.fips.str.fullmatch(r"\d{5}").all()
    assert (frame.value >= 0).all()


def test_2025_release_quarters_and_planning_regions() -> None:
    [result] = VeraIncarcerationTrends().read([V2025])
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (7, 6, 1)
    assert [(r.line, r.column) for r in result.rejections] == [(7, "quarter")]
    cook = values(result, "17031")
    assert cook[(date(2018, 1, 1), "year", "jail_population", "all")] == 7000
    quarters = sorted({(k[0], k[1]) for k in cook if k[1] == "quarter"})
    assert quarters == [(date(2023, m, 1), "quarter") for m in (1, 4, 7, 10)]
    assert cook[(date(2023, 10, 1), "quarter", "pretrial_population", "all")] == 5300
    ct = values(result, "09110")  # Connecticut planning region: no polygon, but a current county-equivalent
    assert ct == {(date(2022, 4, 1), "quarter", "jail_population", "all"): 1500,
                  (date(2022, 4, 1), "quarter", "pretrial_population", "all"): 1100}


def test_2018_release_column_names_are_aliases(tmp_path: Path) -> None:
    text = V2020.read_text(encoding="utf-8").replace("aapi_jail_pop", "asian_jail_pop", 1)
    text = text.replace("latinx_jail_pop", "latino_jail_pop", 1)
    path = tmp_path / "incarceration_trends.csv"
    path.write_text(text, encoding="utf-8")
    [old] = VeraIncarcerationTrends().read([path])
    [new] = VeraIncarcerationTrends().read([V2020])
    assert old.frame("detention").equals(new.frame("detention"))


def test_missing_pretrial_column_is_a_file_error(tmp_path: Path) -> None:
    rows = list(csv.reader(V2020.open(encoding="utf-8")))
    drop = rows[0].index("total_jail_pretrial")
    path = tmp_path / "incarceration_trends.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[v for i, v in enumerate(row) if i != drop] for row in rows[:4]])
    with pytest.raises(SourceError, match="total_jail_pretrial"):
        VeraIncarcerationTrends().read([path])


def test_two_releases_at_once_are_refused() -> None:
    with pytest.raises(SourceError, match="more than one Vera release"):
        VeraIncarcerationTrends().read([V2020, V2025])


def test_race_mapping_is_complete() -> None:
    mapping = load_mapping("vera_jail_race")
    assert {row["race"] for row in mapping.rows.values()} == {
        "asian_pacific", "black", "hispanic", "native_american", "white", "other"}


def test_downloaded_file_if_present() -> None:
    """With a real download in data/raw/vera (never committed), every row reconciles and places."""
    folder = PROJECT / "data" / "raw" / "vera"
    files = sorted(folder.glob("incarceration_trends*.csv")) if folder.is_dir() else []
    if not files:
        pytest.skip("no Vera download in data/raw/vera (run `python -m etl fetch --source vera_incarceration_trends`)")
    [result] = VeraIncarcerationTrends().read(files[-1:])
    assert result.rows_loaded > 100_000
    assert set(result.frame("detention").fips) <= current_fips()
