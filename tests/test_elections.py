"""The election returns adapter on a small hostile corpus (tests/fixtures/elections), and the per-state rules.

Each hostile case from the returns is here once: a misspelled office, a party written in the office field, the
same contest in both collections, a district race with a county missing, a write-in-only race, over/under votes,
a named write-in, an unknown election type, a count that is not plain digits, an office that is not a prosecutor.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl.config import PROJECT
from etl.sources.base import FileResult
from etl.sources.elections import ElectionReturns, ProsecutorRules, load_rules, rule_for

CORPUS = PROJECT / "tests" / "fixtures" / "elections"
FILES = [CORPUS / "crosswalks" / "counties_3143.csv",
         CORPUS / "crosswalks" / "derived_county_to_prosecutor_district.csv",
         CORPUS / "openelections" / "zz_prosecutor_results_by_county.csv",
         CORPUS / "medsl" / "medsl_prosecutor_results_by_county_test.csv"]


@pytest.fixture(scope="module")
def results() -> list[FileResult]:
    return ElectionReturns().read(FILES, display_root=CORPUS)


def _frame(results: list[FileResult], table: str) -> pd.DataFrame:
    return pd.concat([r.frame(table) for r in results], ignore_index=True)


def _rejections(results: list[FileResult]) -> list[tuple[str, str, str]]:
    return [(r.file, j.reason, j.kind) for r in results for j in r.rejections]


def test_every_row_read_is_loaded_or_rejected(results: list[FileResult]) -> None:
    for result in results:
        assert result.rows_read == result.rows_loaded + result.rows_rejected, result.file
    assert sum(r.rows_read for r in results) == 6 + 2 + 17 + 3


def test_misspelled_office_is_read_and_shares_leave_out_over_votes(results: list[FileResult]) -> None:
    elections = _frame(results, "election")
    race = elections[elections["office_id"] == "tx-test-county-a-district-attorney"].set_index("candidate_name")
    assert race.loc["Jane Roe", "vote_share"] == pytest.approx(600 / 1000)  # over votes and the total in no share
    assert bool(race.loc["Jane Roe", "winner"]) and not bool(race.loc["John Doe", "winner"])
    assert bool(race.loc["John Doe", "incumbent"])  # "(I)" read as the incumbent mark, not kept in the name
    assert race["contested"].all()


def test_party_in_the_office_field_becomes_the_primary_party(results: list[FileResult]) -> None:
    contests = _frame(results, "election_contest")
    primaries = contests[contests["office_id"] == "in-adams-prosecuting-attorney"]
    assert set(primaries["party"]) == {"Democratic", "Republican"}
    assert set(primaries["round"]) == {"primary"}
    dem = primaries[primaries["party"] == "Democratic"].iloc[0]
    assert dem["winner_name"] == "Ann Able" and dem["winner_share"] == pytest.approx(0.7) and dem["contested"]
    rep = primaries[primaries["party"] == "Republican"].iloc[0]
    assert rep["winner_name"] == "Cal Cole"  # 'REP Cal Cole': the party typed into the name is taken out
    assert not rep["contested"]  # one candidate: its own party's primary, not mixed with the Democrats'


def test_contest_in_both_collections_keeps_one_and_says_why(results: list[FileResult]) -> None:
    elections = _frame(results, "election")
    allen = elections[elections["office_id"] == "in-allen-prosecuting-attorney"]
    assert sorted(allen["candidate_name"]) == ["Dee Dunn", "Eve Ells", "Fay Fox"]  # once, not twice
    dee = allen.set_index("candidate_name").loc["Dee Dunn"]
    assert dee["vote_share"] == pytest.approx(1000 / 1520)  # OpenElections' count, the named write-in included
    fay = allen.set_index("candidate_name").loc["Fay Fox"]
    assert not bool(fay["winner"]) and fay["vote_share"] < 0.05
    duplicates = [r for r in _rejections(results) if r[2] == "duplicate"]
    assert len(duplicates) == 3 and all("medsl" in f for f, _, _ in duplicates)
    assert all("kept OpenElections" in reason and "1,520 valid votes against 1,489" in reason
               for _, reason, _ in duplicates)


def test_district_race_with_a_county_missing_says_so(results: list[FileResult]) -> None:
    contests = _frame(results, "election_contest")
    district = contests[contests["office_id"] == "co-22nd-district-attorney"].iloc[0]
    assert district["counties_reported"] == 1 and district["counties_expected"] == 2
    assert district["counties_missing"] == "08033"
    assert "Dolores County" in district["note"] and "missing" in district["note"]
    counties = _frame(results, "office_county")
    assert set(counties.loc[counties["office_id"] == "co-22nd-district-attorney", "fips"]) == {
        "08083", "08033"}


def test_write_in_only_race_is_excluded_with_its_reason(results: list[FileResult]) -> None:
    reasons = [reason for _, reason, kind in _rejections(results) if kind == "excluded"]
    assert sum("write-in-only race" in r for r in reasons) == 2
    assert "tx-test-county-b-county-attorney" not in set(_frame(results, "election")["office_id"])


def test_bad_rows_are_rejected_naming_the_problem(results: list[FileResult]) -> None:
    reasons = [reason for _, reason, _ in _rejections(results)]
    assert any("unknown code 'mystery_round'" in r for r in reasons)
    assert any("'1e3'" in r and "plain digits" in r for r in reasons)
    assert any("'Sheriff' is not a local prosecutor" in r for r in reasons)
    lines = {j.line for r in results for j in r.rejections if "Sheriff" in j.reason}
    assert lines == {16}


def test_general_winners_become_derived_terms_by_state_law(results: list[FileResult]) -> None:
    terms = _frame(results, "term").set_index("office_id")
    term = terms.loc["tx-test-county-a-district-attorney"]
    assert term["entry"] == "derived"
    assert term["start_date"] == date(2021, 1, 1) and term["end_date"] == date(2024, 12, 31)
    assert "won the November 2020 general election; term to December 2024 by state law" in term["citation"]
    assert "Tex. Const." in term["citation"]
    assert "1 of 2 counties" in terms.loc["co-22nd-district-attorney", "citation"]
    assert "in-adams-prosecuting-attorney" not in terms.index  # primaries elect no one


def test_rules_cover_every_state_in_the_returns_with_a_citation() -> None:
    rules = load_rules()
    states = {"AL", "AR", "AZ", "CO", "FL", "GA", "HI", "IA", "ID", "IN", "KS", "KY", "MA", "MD", "ME", "MI", "MN",
              "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "SC", "SD", "TN",
              "TX", "UT", "VA", "VT", "WA", "WI", "WV", "IL", "CA"}
    assert {s for s in states if rule_for(rules, s, "district_attorney") is None} == set()
    assert all(r.citation and 1 <= r.term_years <= 8 for r in rules.values())
    assert rule_for(rules, "KY", "commonwealths_attorney").term_years == 6
    assert rule_for(rules, "KY", "county_attorney").term_years == 4
    assert rule_for(rules, "IL", "states_attorney").term_after(date(2024, 11, 5)) == (date(2024, 12, 1),
                                                                                     date(2028, 11, 30))


def test_rules_file_rejects_a_row_without_citation(tmp_path: Path) -> None:
    path = tmp_path / "rules.csv"
    path.write_text("state_abbr,office_kind,elected_per,term_years,term_start_month,regular_election_year,citation\n"
                    "TX,,county,4,1,,Tex. Const.\nZZ,,county,4,1,,x\nOH,,county,4,1,2024,\nOH,,parish,4,1,,x\n"
                    "TX,,county,4,1,,again\n", encoding="utf-8")
    result = ProsecutorRules().read([path])[0]
    assert result.rows_loaded == 1
    assert [(j.line, j.column) for j in result.rejections] == [(3, "state_abbr"), (4, "citation"),
                                                               (5, "elected_per"), (6, "state_abbr")]


def _returns(tmp_path: Path, crosswalk: list[str], rows: list[str]) -> list[FileResult]:
    """The adapter on a hand-made crosswalk and returns file (rows: state,fips,date,office,district,name,votes)."""
    (tmp_path / "crosswalk.csv").write_text(
        "state,district_label_normalized,county_fips,county_name,years_seen,sources,office_strings\n"
        + "".join(f"{line}\n" for line in crosswalk), encoding="utf-8")
    header = ("state,geo_level,county,county_fips,county_name_std,year,election_date,election_type,office,district,"
              "candidate,party,votes,row_kind,incumbent_marked,source_level,n_source_rows,source_repo,source_commit,"
              "source_path\n")
    body = ""
    for row in rows:
        state, fips, when, office, district, name, votes = row.split(",")
        body += (f"{state},county,X,{fips},X County,{when[:4]},{when},general,{office},{district},{name},,{votes},"
                 "candidate,,county,1,openelections/test,abc,f.csv\n")
    (tmp_path / "zz_prosecutor_results_by_county.csv").write_text(header + body, encoding="utf-8")
    (tmp_path / "counties.csv").write_text("fips,state,county_name\n13113,GA,Fayette County\n13185,GA,Lowndes County\n"
                                           "13255,GA,Spalding County\n24001,MD,Allegany County\n"
                                           "24023,MD,Garrett County\n", encoding="utf-8")
    files = ["counties.csv", "crosswalk.csv", "zz_prosecutor_results_by_county.csv"]
    return ElectionReturns().read([tmp_path / name for name in files], display_root=tmp_path)


def test_a_circuits_race_reported_county_by_county_without_its_district_is_the_circuits(tmp_path: Path) -> None:
    """Georgia elects district attorneys by circuit: a special election whose county rows name no circuit is one
    race of the circuit that holds those counties, its votes summed, not an office per county."""
    results = _returns(tmp_path, [
        "GA,griffin,13113,Fayette County,2020,openelections,DISTRICT ATTORNEY",
        "GA,griffin,13255,Spalding County,2020,openelections,DISTRICT ATTORNEY",
    ], [
        "GA,13113,2020-11-03,District Attorney,Griffin,Ann Able,900",
        "GA,13255,2020-11-03,District Attorney,Griffin,Ann Able,800",
        "GA,13113,2021-02-09,District Attorney,,Bea Bell,700",
        "GA,13113,2021-02-09,District Attorney,,Cy Cole,300",
        "GA,13255,2021-02-09,District Attorney,,Bea Bell,100",
        "GA,13255,2021-02-09,District Attorney,,Cy Cole,400",
    ])
    elections = _frame(results, "election")
    assert set(elections["office_id"]) == {"ga-griffin-circuit-da"}
    special = elections[elections["election_date"] == date(2021, 2, 9)].set_index("candidate_name")
    assert special.loc["Bea Bell", "vote_share"] == pytest.approx(800 / 1500)
    assert bool(special.loc["Bea Bell", "winner"])
    offices = _frame(results, "office_county")
    assert sorted(offices["fips"]) == ["13113", "13255"]


def test_a_court_named_as_the_district_is_the_countys_own_office(tmp_path: Path) -> None:
    """'STATE COURT' names the court a Georgia solicitor-general serves, not a district: each county's race is its
    own office, never one office summed across the counties whose returns say 'STATE COURT'."""
    results = _returns(tmp_path, [], [
        "GA,13113,2024-11-05,FAYETTE COUNTY SOLICITOR,STATE COURT,Ann Able,600",
        "GA,13113,2024-11-05,FAYETTE COUNTY SOLICITOR,STATE COURT,Bob Best,400",
        "GA,13185,2024-11-05,LOWNDES COUNTY SOLICITOR,STATE COURT,Cy Cole,700",
    ])
    elections = _frame(results, "election")
    assert elections.groupby("office_id")["candidate_name"].apply(sorted).to_dict() == {
        "ga-fayette-solicitor-general": ["Ann Able", "Bob Best"], "ga-lowndes-solicitor-general": ["Cy Cole"]}
    fayette = elections[elections["candidate_name"] == "Ann Able"].iloc[0]
    assert fayette["vote_share"] == pytest.approx(0.6)


def test_a_county_row_in_a_state_that_elects_by_county_stays_the_countys_office(tmp_path: Path) -> None:
    """Maryland elects a State's Attorney per county: a county row without a district stays that county's office
    even when a returns district happens to group the county with another."""
    results = _returns(tmp_path, [
        "MD,first,24001,Allegany County,2018,medsl,STATE'S ATTORNEY",
        "MD,first,24023,Garrett County,2018,medsl,STATE'S ATTORNEY",
    ], [
        "MD,24001,2022-11-08,STATE'S ATTORNEY,,Ann Able,900",
    ])
    assert set(_frame(results, "election")["office_id"]) == {"md-allegany-state-s-attorney"}
