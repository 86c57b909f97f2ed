"""NYC arraignment release decisions (county_agg.json): synthetic fixture for every rule, and the real file."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from etl.sources.base import FileResult, SourceError
from etl.sources.nyc_pretrial import NewYorkCityPretrial
from etl.vocab import load_mapping
from tests.conftest import FIXTURES, shared_file

FIXTURE = FIXTURES / "nyc_pretrial" / "county_agg.json"


def _read(path: Path) -> FileResult:
    [result] = NewYorkCityPretrial().read([path])
    return result


def test_fixture_loads_good_rows_and_rejects_each_bad_one() -> None:
    result = _read(FIXTURE)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (12, 4, 8)
    reasons = {r.line: (r.column, r.reason) for r in result.rejections}
    assert reasons[3] == ("total", "release columns sum to 10 but total is 9")
    assert reasons[4][0] == "county_idx" and "out of range" in reasons[4][1]
    assert reasons[5] == ("county_idx", "unknown code 'Atlantis' in column 'county_idx'")
    assert reasons[6] == ("cat_idx", "unknown code 'Jaywalking' in column 'cat_idx'")
    assert reasons[7][1].startswith("misaligned row: 8 values")
    assert reasons[8][0] == "ror" and "negative" in reasons[8][1]
    assert reasons[10][1].startswith("misaligned row: str")
    assert reasons[11][0] == "sev_idx"
    assert result.unknown_codes == Counter({("county_idx", "Atlantis"): 1, ("cat_idx", "Jaywalking"): 1})


def test_fixture_counts_map_county_release_category_and_severity() -> None:
    frame = _read(FIXTURE).frame("case_counts")
    assert frame["n"].sum() == 10 + 7 + 6
    counts = frame.groupby(["fips", "period_start", "outcome", "source_outcome", "offense_category",
                            "offense_level"])["n"].sum().to_dict()
    y2021 = date(2021, 1, 1)
    assert counts[("36005", y2021, "released_ror", "ROR", "assault", "felony")] == 4
    assert counts[("36005", y2021, "other", "Disposed at arraign", "assault", "felony")] == 1
    assert counts[("36005", y2021, "other", "Unknown", "assault", "felony")] == 1
    assert counts[("36005", y2021, "released_conditions", "Nonmonetary release", "assault", "felony")] == 2
    assert counts[("36047", y2021, "released_ror", "ROR", "drug", "misdemeanor")] == 6  # two rows, summed
    assert counts[("36047", y2021, "bail_set", "Bail-set", "drug", "misdemeanor")] == 1
    assert counts[("36005", date(2025, 1, 1), "remanded", "Remanded", "drug", "other")] == 1
    assert set(frame["offense_detail"]) == {"Assault", "Drug"}
    assert set(frame["stage"]) == {"pretrial"} and set(frame["period_grain"]) == {"year"}


def test_partial_year_note_comes_from_metadata_or_says_latest_year(tmp_path: Path) -> None:
    assert "aggregator's caveat: 2025 contains partial year data" in _read(FIXTURE).notes
    alone = tmp_path / "county_agg.json"
    shutil.copy(FIXTURE, alone)
    assert any(n.startswith("2025 is the latest year and may be partial") for n in _read(alone).notes)


def test_mappings_cover_every_real_code_list() -> None:
    assert len(load_mapping("nyc_pretrial_categories").rows) == 21
    assert {f["fips"] for f in load_mapping("nyc_pretrial_counties").rows.values()} == {
        "36005", "36047", "36061", "36081", "36085"}


@pytest.mark.parametrize("text, match", [
    ("", "malformed JSON"),
    ('{"counties": [', "malformed JSON"),
    ("[1, 2]", "expected a JSON object"),
])
def test_malformed_json_is_a_whole_file_error(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "county_agg.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=match):
        _read(path)


@pytest.mark.parametrize("change, column", [
    (lambda d: d.pop("categories"), "categories"),
    (lambda d: d["columns"].remove("total"), "total"),
    (lambda d: d["releases"].append("Released to ICE"), "releases"),
    (lambda d: d["columns"].__setitem__(d["columns"].index("bail"), "bail_amount"), "bail"),
])
def test_renamed_or_missing_structure_is_a_whole_file_error(tmp_path: Path, change, column: str) -> None:
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "county_agg.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SourceError) as error:
        _read(path)
    assert error.value.column == column


def test_real_file_reconciles_with_the_aggregators_total(shared_data: Path) -> None:
    path = shared_file(shared_data, "nyc-pretrial/county_agg.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    metadata = json.loads(shared_file(shared_data, "nyc-pretrial/metadata.json").read_text(encoding="utf-8"))
    result = _read(path)
    assert result.rows_read == len(document["data"]) == result.rows_loaded + result.rows_rejected
    assert result.rows_rejected == 0
    frame = result.frame("case_counts")
    assert frame["n"].sum() == metadata["total_cases"] == 846163  # the figure the aggregator states
    totals = Counter()
    for row in document["data"]:
        totals[row[0]] += row[document["columns"].index("total")]
    by_year = frame.groupby("period_start")["n"].sum()
    assert {d.year: int(n) for d, n in by_year.items()} == dict(totals)
    for label, column in (("ROR", "ror"), ("Bail-set", "bail"), ("Remanded", "remanded")):
        expected = sum(row[document["columns"].index(column)] for row in document["data"])
        assert frame.loc[frame["source_outcome"] == label, "n"].sum() == expected
    assert set(frame["fips"]) == {"36005", "36047", "36061", "36081", "36085"}
    assert "aggregator's caveat: 2025 contains partial year data" in result.notes


def test_partial_year_from_metadata_is_recorded_as_period_coverage(tmp_path: Path) -> None:
    coverage = _read(FIXTURE).frame("period_coverage")
    assert set(coverage["period_start"]) == {date(2025, 1, 1)}
    assert coverage["partial"].all() and coverage["covered_to"].isna().all()
    assert set(coverage["fips"]) == {"36005"}  # the boroughs with 2025 rows, no others
    assert all("2025 contains partial year data" in b for b in coverage["basis"])
    alone = tmp_path / "county_agg.json"
    shutil.copy(FIXTURE, alone)
    assert _read(alone).frame("period_coverage").empty  # no owner's word: nothing flagged on a guess


def test_partial_years_reads_the_year_a_caveat_names() -> None:
    from etl.sources.nyc_pretrial import partial_years

    assert partial_years("2025 contains partial year data") == [2025]
    assert partial_years("Superior Court data pre-2022 may be incomplete") == []
