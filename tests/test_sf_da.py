"""San Francisco DA yearly summaries: synthetic fixtures for every rule, and the real files' own figures."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from etl.sources.base import FileResult, SourceError
from etl.sources.sf_da import SanFranciscoArrestActions, SanFranciscoResolutions
from etl.vocab import STAGE_OUTCOMES, load_mapping
from tests.conftest import FIXTURES, shared_file

ARRESTS = FIXTURES / "sf_da_arrests" / "DA_Actions_On_Arrests_All_Crimes.csv"
RESOLUTIONS = FIXTURES / "sf_da_resolutions" / "Case_Resoultions_All_Crimes.csv"


def _read(adapter: SanFranciscoArrestActions | SanFranciscoResolutions, path: Path) -> FileResult:
    [result] = adapter.read([path])
    return result


def _by(result: FileResult, *keys: str) -> dict:
    frame = result.frame("case_counts")
    return frame.groupby(list(keys))["n"].sum().to_dict()


def test_mapping_covers_both_files_and_stays_in_vocabulary() -> None:
    mapping = load_mapping("sf_da_columns")
    for fields in mapping.rows.values():
        assert fields["outcome"] in STAGE_OUTCOMES[fields["stage"]]
    assert {"total", "action_taken_rate", "med_arrest_to_close"} <= set(mapping.excluded)


def test_arrest_fixture_loads_good_years_and_rejects_each_bad_row() -> None:
    result = _read(SanFranciscoArrestActions(), ARRESTS)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (11, 3, 8)
    reasons = {r.line: (r.kind, r.column, r.reason) for r in result.rejections}
    assert reasons[4] == ("rejected", "Total", "parts sum to 23 but Total is 99")
    assert reasons[5][:2] == ("rejected", "MTR_Other") and "'-'" in reasons[5][2]
    assert reasons[6][:2] == ("rejected", "Charges_Filed") and "non-numeric" in reasons[6][2]
    assert reasons[7][:2] == ("rejected", "Other_Action") and "negative" in reasons[7][2]
    assert reasons[8][:2] == ("rejected", "Action_Taken_Rate")
    assert reasons[9][:2] == ("duplicate", "Year")
    assert reasons[11][:2] == ("rejected", "Year")
    assert reasons[12][:2] == ("excluded", "Year") and "projection" in reasons[12][2]
    counts = _by(result, "period_start", "outcome", "source_outcome")
    assert counts[(date(2016, 1, 1), "charged", "Charges_Filed")] == 100
    assert counts[(date(2016, 1, 1), "declined", "Discharged")] == 60
    assert counts[(date(2016, 1, 1), "other", "MTR_Other")] == 20
    assert (date(2017, 1, 1), "other", "Other_Action") not in counts  # zero counts are not emitted
    assert sum(counts.values()) == 200 + 100 + 60
    frame = result.frame("case_counts")
    assert set(frame["fips"]) == {"06075"} and set(frame["period_grain"]) == {"year"}
    assert set(frame["stage"]) == {"referral"}
    assert any("2023 is a partial year" in n and "8.0 of 12 months" in n for n in result.notes)


def test_resolution_fixture_maps_columns_and_ignores_medians() -> None:
    result = _read(SanFranciscoResolutions(), RESOLUTIONS)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 3, 2)
    counts = _by(result, "period_start", "outcome")
    assert counts[(date(2020, 1, 1), "conviction")] == 1200  # "1,200" is a count with a thousands separator
    assert counts[(date(2017, 1, 1), "pleaded_other_case")] == 36  # Plead_Guilty_Other: resolved, not convicted
    assert counts[(date(2016, 1, 1), "trial_acquittal")] == 5
    assert counts[(date(2016, 1, 1), "diverted")] == 50
    assert set(result.frame("case_counts")["stage"]) == {"disposition"}
    assert any("6.0 of 12 months" in n for n in result.notes)


@pytest.mark.parametrize("header, column", [
    ("id,Year,Charges_Filed,MTR_Other,Further_Inv,Discharged,Other_Action,Total,Action_Taken_Rate,Bonus", "Bonus"),
    ("id,Year,Charges_Filed,MTR_Other,Further_Inv,Declined,Other_Action,Total,Action_Taken_Rate", "Declined"),
    ("id,Year,Charges_Filed,MTR_Other,Further_Inv,Other_Action,Total,Action_Taken_Rate", "Discharged"),
])
def test_unknown_or_missing_column_is_a_whole_file_error(tmp_path: Path, header: str, column: str) -> None:
    width = header.count(",") + 1
    path = tmp_path / "DA_Actions_On_Arrests_All_Crimes.csv"
    path.write_text(header + "\n" + ",".join(["0", "2016", *["1"] * (width - 2)]) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        _read(SanFranciscoArrestActions(), path)
    assert error.value.column == column and error.value.line == 1


def test_empty_file_is_a_whole_file_error(tmp_path: Path) -> None:
    path = tmp_path / "Case_Resoultions_All_Crimes.csv"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="empty"):
        _read(SanFranciscoResolutions(), path)


def _owner_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if not row["Year"].endswith("*")]


def test_real_arrests_reproduce_the_das_own_yearly_figures(shared_data: Path) -> None:
    path = shared_file(shared_data, "sf-da/DA_Actions_On_Arrests_All_Crimes.csv")
    result = _read(SanFranciscoArrestActions(), path)
    assert result.rows_read == result.rows_loaded + result.rows_rejected == 10
    assert [(r.reason.startswith("projection"), r.kind) for r in result.rejections] == [(True, "excluded")]
    counts = _by(result, "period_start", "source_outcome")
    assert counts[(date(2019, 1, 1), "Charges_Filed")] == 6470  # README / dashboard
    assert counts[(date(2019, 1, 1), "Discharged")] == 3543
    by_year = _by(result, "period_start")
    for row in _owner_rows(path):
        year = date(int(row["Year"]), 1, 1)
        assert counts[(year, "Charges_Filed")] == int(row["Charges_Filed"])
        assert counts[(year, "Discharged")] == int(row["Discharged"])
        assert by_year[year] == int(row["Total"])
    assert sorted(d.year for d in by_year) == list(range(2015, 2024))
    assert any("2023 is a partial year" in n for n in result.notes)


def test_real_resolutions_reproduce_the_das_totals(shared_data: Path) -> None:
    path = shared_file(shared_data, "sf-da/Case_Resoultions_All_Crimes.csv")
    result = _read(SanFranciscoResolutions(), path)
    assert result.rows_read == result.rows_loaded + result.rows_rejected == 10
    counts = _by(result, "period_start", "source_outcome")
    by_year = _by(result, "period_start")
    for row in _owner_rows(path):
        year = date(int(row["Year"]), 1, 1)
        assert by_year[year] == int(row["Total"])
        for column in ("Conviction", "Dismissal", "Successful_Diversion", "Acquittal", "Plead_Guilty_Other"):
            assert counts[(year, column)] == int(row[column])
    assert counts[(date(2015, 1, 1), "Conviction")] == 3460


def test_projection_row_records_the_part_of_the_year_the_real_row_covers() -> None:
    coverage = _read(SanFranciscoArrestActions(), ARRESTS).frame("period_coverage")
    [row] = coverage.to_dict("records")
    assert (row["fips"], row["stage"], row["period_start"], row["partial"]) == ("06075", "referral",
                                                                                date(2023, 1, 1), True)
    assert row["covered_from"] == date(2023, 1, 1)
    assert date(2023, 8, 15) <= row["covered_to"] <= date(2023, 9, 15)  # about 8 of 12 months
    assert "projection" in row["basis"]
