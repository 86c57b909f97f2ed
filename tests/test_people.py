"""Offices, prosecutors, terms and elections: the curated tables, California elections, Georgia circuits.

Fixtures under tests/fixtures/people/ are synthetic, in each owner's exact format; the real-file tests
read ../shared/data (skipped when absent) and the project's own data/reference tables.
"""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from etl import vocab
from etl.sources.base import TABLE_COLUMNS, FileResult, SourceError
from etl.sources.ca_elections import START_RULES, CaliforniaElections
from etl.sources.curated import CuratedProsecutors, term_id
from etl.sources.ga_circuits import GeorgiaCircuits, title_name
from tests.conftest import FIXTURES, PROJECT, shared_file

PEOPLE = FIXTURES / "people"
CURATED = PEOPLE / "curated"
REFERENCE = PROJECT / "data" / "reference"
PHONE = re.compile(r"\d{3}-\d{3}-\d{4}")


def _by_line(result: FileResult) -> dict[int, tuple[str, str | None, str]]:
    return {r.line: (r.reason, r.column, r.kind) for r in result.rejections}


def _no_overlaps(terms: pd.DataFrame) -> None:
    for office_id, group in terms.groupby("office_id"):
        rows = group.sort_values("start_date").to_dict("records")
        for row in rows:
            assert row["end_date"] is None or row["end_date"] >= row["start_date"], row["term_id"]
        for before, after in zip(rows, rows[1:], strict=False):
            assert before["end_date"] is not None and before["end_date"] < after["start_date"], (office_id, before)


def _all_columns_present(result: FileResult) -> None:
    for table in result.tables():
        assert list(result.frame(table).columns) == list(TABLE_COLUMNS[table])


# curated tables: fixtures -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def curated_fixture() -> list[FileResult]:
    return CuratedProsecutors().read([CURATED / "offices.csv", CURATED / "terms.csv", CURATED / "elections.csv"])


def test_curated_offices_reject_bad_fips_state_kind_and_duplicates(curated_fixture: list[FileResult]) -> None:
    offices = curated_fixture[0]
    assert (offices.rows_read, offices.rows_loaded, offices.rows_rejected) == (8, 3, 5)
    rejected = _by_line(offices)
    assert rejected[2][1] == "state_abbr" and "unknown state 'ZZ'" in rejected[2][0]
    assert rejected[6][1] == "fips" and "not a 5-digit" in rejected[6][0]
    assert rejected[7][1] == "fips" and "not in IL" in rejected[7][0]
    assert rejected[8][1] == "kind"
    assert rejected[9][2] == "duplicate"
    counties = offices.frame("office_county")
    assert sorted(counties[counties.office_id == "fl-9th-circuit-state-attorney"].fips) == ["12001", "12003"]
    _all_columns_present(offices)


def test_curated_terms_reject_overlap_naming_the_other_term(curated_fixture: list[FileResult]) -> None:
    terms = curated_fixture[1]
    assert (terms.rows_read, terms.rows_loaded, terms.rows_rejected) == (15, 6, 9)
    reason, column, kind = _by_line(terms)[4]
    assert kind == "rejected" and column == "start_date"
    assert "overlaps term ca-example-da--robin-sample--2015-01-05 (line 3)" in reason
    loaded = set(terms.frame("term").term_id)
    assert "ca-example-da--lee-current--2019-01-07" in loaded  # starts the day after the other ends: no overlap
    assert not any("casey-overlap" in t for t in loaded)


def test_curated_terms_reject_end_before_start_and_other_bad_rows(curated_fixture: list[FileResult]) -> None:
    rejected = _by_line(curated_fixture[1])
    assert rejected[5][1] == "end_date" and "ends (2020-05-01) before it starts (2021-05-01)" in rejected[5][0]
    assert rejected[7][1] == "start_date" and "in the future" in rejected[7][0]
    assert rejected[8][1] == "citation"
    assert rejected[9][1] == "entry" and "'crowned'" in rejected[9][0]
    assert rejected[10][1] == "start_date" and "impossible date" in rejected[10][0]
    assert rejected[11][1] == "office_id" and "xx-missing-da" in rejected[11][0]
    assert rejected[12][1] == "party" and curated_fixture[1].unknown_codes[("party", "Whig")] == 1
    assert "misaligned row" in rejected[16][0]


def test_curated_terms_emit_one_prosecutor_per_person_with_ids(curated_fixture: list[FileResult]) -> None:
    result = curated_fixture[1]
    prosecutors = result.frame("prosecutor").set_index("prosecutor_id")
    assert prosecutors.loc["pat-example", "party"] == "Democratic"
    terms = result.frame("term").set_index("term_id")
    row = terms.loc["ca-example-da--pat-example--2010-01-04"]
    assert (row.start_date, row.end_date, row.entry) == (date(2010, 1, 4), date(2014, 12, 31), "elected")
    assert set(terms.prosecutor_id) <= set(prosecutors.index)
    _no_overlaps(result.frame("term"))
    _all_columns_present(result)


def test_curated_elections(curated_fixture: list[FileResult]) -> None:
    elections = curated_fixture[2]
    assert (elections.rows_read, elections.rows_loaded, elections.rows_rejected) == (7, 2, 5)
    rejected = _by_line(elections)
    assert rejected[4][2] == "duplicate"  # 'Lee  current' is Lee Current again
    assert rejected[5][1] == "vote_share"
    assert elections.unknown_codes[("round", "coronation")] == 1
    assert rejected[7][1] == "citation" and rejected[8][1] == "incumbent"
    rows = elections.frame("election")
    assert rows.vote_share.tolist() == [0.61, 0.39] and rows.winner.tolist() == [True, False]


def test_curated_whole_file_problems_raise() -> None:
    with pytest.raises(SourceError, match="missing column"):
        CuratedProsecutors().read([CURATED / "offices_missing_column.csv"])
    with pytest.raises(SourceError, match="no offices.csv beside it"):
        CuratedProsecutors().read([PEOPLE / "curated_alone" / "terms.csv"])


def test_term_id_convention() -> None:
    assert term_id("il-cook-states-attorney", "kim-foxx", date(2016, 12, 1)) == \
        "il-cook-states-attorney--kim-foxx--2016-12-01"


# curated tables: the project's own reference data -----------------------------------------------
@pytest.fixture(scope="module")
def reference() -> list[FileResult]:
    return CuratedProsecutors().read([REFERENCE / "offices.csv", REFERENCE / "terms.csv",
                                      REFERENCE / "elections.csv"])


def test_reference_tables_load_without_rejections(reference: list[FileResult]) -> None:
    for result in reference:
        assert result.rows_rejected == 0, result.rejections
    offices = reference[0].frame("office_county")
    expected = {"il-cook-states-attorney": ["17031"], "ca-san-francisco-da": ["06075"],
                "pa-philadelphia-da": ["42101"], "ny-new-york-da": ["36061"], "ny-kings-da": ["36047"],
                "ny-bronx-da": ["36005"], "ny-queens-da": ["36081"], "ny-richmond-da": ["36085"],
                "fl-1st-circuit-state-attorney": ["12033", "12091", "12113", "12131"]}
    assert {k: sorted(g.fips) for k, g in offices.groupby("office_id")} == expected
    terms = reference[1].frame("term")
    _no_overlaps(terms)
    assert terms.citation.str.len().min() > 40
    # every prosecutor the shared README names has a term, in the office it names
    for office_id, person in [("il-cook-states-attorney", "kim-foxx"), ("il-cook-states-attorney", "anita-alvarez"),
                              ("il-cook-states-attorney", "eileen-o-neill-burke"),
                              ("pa-philadelphia-da", "larry-krasner"),
                              ("fl-1st-circuit-state-attorney", "ginger-bowden-madden"),
                              ("fl-1st-circuit-state-attorney", "bill-eddins"), ("ny-new-york-da", "alvin-bragg"),
                              ("ny-new-york-da", "cyrus-vance-jr"), ("ny-kings-da", "eric-gonzalez"),
                              ("ny-bronx-da", "darcel-clark"), ("ny-queens-da", "melinda-katz"),
                              ("ny-richmond-da", "michael-mcmahon")]:
        assert ((terms.office_id == office_id) & (terms.prosecutor_id == person)).any(), (office_id, person)


def test_reference_sf_terms_run_gascon_loftus_boudin_jenkins_without_gaps(reference: list[FileResult]) -> None:
    terms = reference[1].frame("term")
    sf = terms[(terms.office_id == "ca-san-francisco-da") & (terms.start_date >= date(2011, 1, 1))]
    sf = sf.sort_values("start_date").to_dict("records")
    assert [t["prosecutor_id"] for t in sf] == ["george-gascon", "suzy-loftus", "chesa-boudin", "brooke-jenkins"]
    assert [t["entry"] for t in sf] == ["appointed", "interim", "elected", "appointed"]
    for before, after in zip(sf, sf[1:], strict=False):
        assert before["end_date"] + timedelta(days=1) == after["start_date"]
    assert sf[0]["start_date"] == date(2011, 1, 9) and sf[-1]["end_date"] is None
    assert sf[-1]["start_date"] == date(2022, 7, 8)


def test_reference_open_terms_one_per_office(reference: list[FileResult]) -> None:
    terms = reference[1].frame("term")
    open_terms = terms[terms.end_date.isna()]
    assert open_terms.office_id.value_counts().max() == 1
    assert len(open_terms) == 9


# California elections: fixture ------------------------------------------------------------------
@pytest.fixture(scope="module")
def ca_fixture() -> FileResult:
    adapter = CaliforniaElections(reference_dir=CURATED)
    return adapter.read([PEOPLE / "ca" / "ca_da_elections_fixture.csv"])[0]


def test_ca_fixture_rows_reconcile_with_exact_rejections(ca_fixture: FileResult) -> None:
    assert (ca_fixture.rows_read, ca_fixture.rows_loaded, ca_fixture.rows_rejected) == (25, 16, 9)
    rejected = _by_line(ca_fixture)
    assert rejected[20][1] == "district" and rejected[25][1] == "election_year"
    assert rejected[23][1] == "incum_chall"
    assert dict(ca_fixture.unknown_codes) == {("district", "Atlantis"): 1, ("election_year", "2017"): 1,
                                              ("incum_chall", "X"): 1}
    assert "misaligned" in rejected[21][0]
    assert rejected[22][1] == "vote_percent_primary" and "non-numeric" in rejected[22][0]
    assert rejected[24][1] == "cand_lname" and rejected[26][1] == "state"
    assert sorted(line for line, (_, _, kind) in rejected.items() if kind == "duplicate") == [9, 12]
    _all_columns_present(ca_fixture)


def test_ca_mojibake_duplicate_merged(ca_fixture: FileResult) -> None:
    elections = ca_fixture.frame("election")
    amador = elections[elections.office_id == "ca-amador-da"]
    assert sorted(amador.candidate_name) == ["Fay Foe", "Jose Nunez"]  # 'JosÃ© NÃºÃ±ez' merged into its twin
    assert "kept line 8" in _by_line(ca_fixture)[9][0]
    # when the clean twin carries the wrong share, the repaired mojibake row is the one kept
    butte = elections[elections.office_id == "ca-butte-da"].set_index("candidate_name")
    assert butte.loc["Réne Roux", "vote_share"] == pytest.approx(0.30)
    assert butte.vote_share.sum() == pytest.approx(1.0)


def test_ca_alias_applied(ca_fixture: FileResult) -> None:
    names = set(ca_fixture.frame("election").candidate_name) | set(ca_fixture.frame("prosecutor").name)
    assert "Michael Hestrin" in names and "Mike Hestrin" not in names
    aliases = vocab.load_mapping("ca_candidate_aliases")
    assert all(row["candidate_name"] and row.get("note") for row in aliases.items())


def test_ca_terms_follow_the_first_monday_rule(ca_fixture: FileResult) -> None:
    terms = ca_fixture.frame("term").set_index("term_id")
    assert terms.loc["ca-calaveras-da--michael-hestrin--2019-01-07", "end_date"] is None  # 2018 winner
    alpine = terms.loc["ca-alpine-da--ann-able--2015-01-05"]  # 2014 and 2018 wins make one term
    assert alpine.end_date == date(2023, 1, 1)
    assert "ca-alpine-da--cal-clear--2023-01-02" in terms.index  # won the 2022 general
    assert "ca-los-angeles-da--kai-long--2020-12-07" in terms.index  # LA: first Monday of December
    assert set(terms.entry) == {"elected"}
    assert terms.citation.str.contains("ca_da_elections_fixture.csv").all()
    assert terms.citation.str.contains("first Monday").all()
    _no_overlaps(ca_fixture.frame("term"))


@pytest.mark.parametrize(("year", "start"), [
    (2014, date(2015, 1, 5)), (2016, date(2017, 1, 2)), (2018, date(2019, 1, 7)), (2020, date(2021, 1, 4)),
    (2022, date(2023, 1, 2)), (2024, date(2025, 1, 6)), (2017, date(2018, 1, 8)),  # 1 Jan 2018 is a Monday
])
def test_first_monday_after_january_1(year: int, start: date) -> None:
    assert START_RULES["first_monday_after_january_1"][0](year) == start
    assert start.weekday() == 0


def test_other_start_rules() -> None:
    assert START_RULES["first_monday_december"][0](2024) == date(2024, 12, 2)
    assert START_RULES["january_8"][0](2019) == date(2020, 1, 8)


def test_ca_curated_office_keeps_elections_but_not_terms(ca_fixture: FileResult) -> None:
    elections = ca_fixture.frame("election")
    sf = elections[elections.office_id == "ca-san-francisco-da"]
    assert len(sf) == 2 and set(sf["round"]) == {"general"} and sf.election_date.iloc[0] == date(2019, 11, 5)
    for table in ("office", "office_county", "term"):
        assert "ca-san-francisco-da" not in set(ca_fixture.frame(table).office_id)
    assert "mo-town" not in set(ca_fixture.frame("prosecutor").prosecutor_id)


def test_ca_missing_column_raises(tmp_path: Path) -> None:
    with (PEOPLE / "ca" / "ca_da_elections_fixture.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    drop = rows[0].index("winner_general")
    broken = tmp_path / "ca_da_elections_broken.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([r[:drop] + r[drop + 1:] for r in rows if len(r) > drop])
    with pytest.raises(SourceError, match="winner_general"):
        CaliforniaElections(reference_dir=CURATED).read([broken])


# California elections: the real file ------------------------------------------------------------
@pytest.fixture(scope="module")
def ca_real(shared_data: Path) -> FileResult:
    path = shared_file(shared_data, "prosecutors/ca_da_elections_2014_2024.csv")
    return CaliforniaElections().read([path])[0]


def test_ca_real_rows_reconcile(ca_real: FileResult) -> None:
    assert (ca_real.rows_read, ca_real.rows_loaded, ca_real.rows_rejected) == (300, 289, 11)
    kinds = [r.kind for r in ca_real.rejections]
    assert kinds.count("duplicate") == 10 and kinds.count("rejected") == 1  # Mendocino 2022 has no name
    assert all("kept line" in r.reason for r in ca_real.rejections if r.kind == "duplicate")
    assert not ca_real.unknown_codes


def test_ca_real_gascon_2020_keeps_his_own_primary_share(ca_real: FileResult) -> None:
    la = ca_real.frame("election")
    la = la[(la.office_id == "ca-los-angeles-da") & (la.candidate_name == "George Gascón")].set_index("election_date")
    assert la.loc[date(2020, 3, 3), "vote_share"] == pytest.approx(0.2822)  # not Lacey's 48.7% repeated
    assert bool(la.loc[date(2020, 11, 3), "winner"]) and la.loc[date(2020, 11, 3), "vote_share"] == 0.5353
    sums = ca_real.frame("election").groupby(["office_id", "election_date", "round"]).vote_share.sum()
    over = sums[sums > 1.005]
    assert list(over.index) == [("ca-stanislaus-da", date(2018, 6, 5), "primary")]  # the source's own error
    assert any("Stanislaus 2018 primary" in n for n in ca_real.notes)


def test_ca_real_terms(ca_real: FileResult) -> None:
    terms = ca_real.frame("term")
    _no_overlaps(terms)
    by_id = terms.set_index("term_id")
    assert by_id.loc["ca-los-angeles-da--jackie-lacey--2016-12-05", "end_date"] == date(2020, 12, 6)
    assert by_id.loc["ca-los-angeles-da--george-gascon--2020-12-07", "end_date"] == date(2024, 12, 1)
    assert "ca-los-angeles-da--nathan-hochman--2024-12-02" in by_id.index
    assert by_id.loc["ca-orange-da--tony-rackauckas--2015-01-05", "end_date"] == date(2019, 1, 6)
    assert "ca-orange-da--todd-spitzer--2019-01-07" in by_id.index  # 2018 general winner
    assert "probably appointed mid-term" in by_id.loc["ca-ventura-da--erik-nasarenko--2023-01-02", "citation"]
    assert "ca-san-francisco-da" not in set(terms.office_id)
    prosecutors = set(ca_real.frame("prosecutor").prosecutor_id)
    assert "george-gascon" not in prosecutors  # the curated table has him
    assert set(terms.prosecutor_id) - prosecutors == {"george-gascon"}


def test_ca_real_offices_cover_every_county(ca_real: FileResult, shared_data: Path) -> None:
    census = pd.read_csv(shared_file(shared_data, "census/county_population_acs_2019_2023.csv"), dtype=str)
    california = set(census.fips[census.fips.str.startswith("06")])
    mapped = {row["fips"] for row in vocab.load_mapping("ca_county_fips").rows.values()}
    assert mapped == california and len(mapped) == 58
    counties = ca_real.frame("office_county")
    assert len(counties) == 57 and set(counties.fips) == california - {"06075"}  # SF is curated


# Georgia circuits: fixture ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def ga_fixture() -> FileResult:
    return GeorgiaCircuits().read([PEOPLE / "ga" / "ga_directory_fixture.csv"])[0]


def test_ga_fixture_rows_reconcile(ga_fixture: FileResult) -> None:
    assert (ga_fixture.rows_read, ga_fixture.rows_loaded, ga_fixture.rows_rejected) == (11, 6, 5)
    rejected = _by_line(ga_fixture)
    assert "circuit Sample already has District Attorney Sean O'Neil Jr." in rejected[7][0]
    assert ga_fixture.unknown_codes[("position", "Coroner")] == 1
    assert rejected[9][1] == "county_fips" and rejected[11][2] == "duplicate" and rejected[12][1] == "name"
    _all_columns_present(ga_fixture)


def test_ga_fixture_offices_counties_people(ga_fixture: FileResult) -> None:
    counties = ga_fixture.frame("office_county")
    circuits = counties[counties.office_id.str.endswith("-circuit-da")]
    assert sorted(circuits[circuits.office_id == "ga-sample-circuit-da"].fips) == ["13905", "13907"]
    assert circuits[circuits.fips == "13011"].office_id.tolist() == ["ga-piedmont-circuit-da"]  # corrected
    offices = ga_fixture.frame("office").set_index("office_id")
    assert offices.loc["ga-deltaville-solicitor-general", "kind"] == "solicitor_general"  # vacant seat
    names = sorted(ga_fixture.frame("prosecutor").name)
    assert names == ["Kim Lee-Park", "Mary McDonald", "Pat Piedmont", "Sean O'Neil Jr."]
    terms = ga_fixture.frame("term")
    assert set(terms.start_date) == {date(2025, 1, 1)} and terms.end_date.isna().all()
    assert terms.citation.str.contains("in office per the directory (c. 2025); start date not known: shown from "
                                       "the directory date", regex=False).all()


def test_ga_never_emits_a_phone_number(ga_fixture: FileResult) -> None:
    for table in ga_fixture.tables():
        text = ga_fixture.frame(table).astype(str).to_csv()
        assert not PHONE.search(text), table
    assert all("555-" not in r.raw and "[redacted]" in r.raw for r in ga_fixture.rejections)


@pytest.mark.parametrize(("raw", "name"), [
    ("JEFF LANGLEY", "Jeff Langley"), ("RANDY MCGINLEY", "Randy McGinley"), ("SEAN O'NEIL", "Sean O'Neil"),
    ("PATSY AUSTIN-GATSON", "Patsy Austin-Gatson"), ("WILLIAM DONALD KELLY, JR.", "William Donald Kelly, Jr."),
    ("JOHN SMITH III", "John Smith III"), ("D. PARKS WHITE", "D. Parks White"),
    ("Samuel J. DeRocco, IV", "Samuel J. DeRocco, IV"), ("  ROBERT   M MOCK JR ", "Robert M Mock Jr"),
])
def test_title_name(raw: str, name: str) -> None:
    assert title_name(raw) == name


def test_ga_renamed_column_raises() -> None:
    with pytest.raises(SourceError, match="county_name"):
        GeorgiaCircuits().read([PEOPLE / "ga" / "ga_directory_renamed.csv"])


# Georgia circuits: the real file ----------------------------------------------------------------
@pytest.fixture(scope="module")
def ga_real(shared_data: Path) -> FileResult:
    return GeorgiaCircuits().read([shared_file(shared_data, "prosecutors/ga_county_circuit_prosecutors.csv")])[0]


def test_ga_real_covers_all_159_counties_once(ga_real: FileResult, shared_data: Path) -> None:
    assert (ga_real.rows_read, ga_real.rows_loaded, ga_real.rows_rejected) == (222, 222, 0)
    census = pd.read_csv(shared_file(shared_data, "census/county_population_acs_2019_2023.csv"), dtype=str)
    georgia = set(census.fips[census.fips.str.startswith("13")])
    counties = ga_real.frame("office_county")
    circuits = counties[counties.office_id.str.endswith("-circuit-da")]
    assert len(circuits) == 159 and set(circuits.fips) == georgia
    by_county = circuits.set_index("fips").office_id
    assert by_county["13011"] == "ga-piedmont-circuit-da"  # Banks, filed under 'Mountain' in the directory
    assert by_county["13275"] == "ga-southern-circuit-da"  # Thomas: only its Solicitor row names the circuit
    assert by_county["13089"] == "ga-stone-mountain-circuit-da"  # DeKalb: the directory's 'DeKalb' circuit


def test_ga_real_circuit_count(ga_real: FileResult) -> None:
    offices = ga_real.frame("office")
    # 50 circuits per the Judicial Council (Aug 2023), plus West Georgia (Carroll, Heard) from 2025-01-01
    assert (offices.kind == "district_attorney").sum() == 51
    assert (offices.kind == "solicitor_general").sum() == 64
    terms = ga_real.frame("term")
    assert terms.groupby("office_id").size().max() == 1
    da_terms = terms[terms.office_id.str.endswith("-circuit-da")]
    assert len(da_terms) == 51  # every circuit has its District Attorney
    west = terms[terms.office_id == "ga-west-georgia-circuit-da"]
    assert west.entry.tolist() == ["appointed"]


def test_ga_real_names_and_no_phone(ga_real: FileResult) -> None:
    names = set(ga_real.frame("prosecutor").name)
    assert {"Jeff Langley", "Randy McGinley", "Harold McLendon", "William Donald Kelly, Jr."} <= names
    assert not any(n.isupper() for n in names)
    for table in ga_real.tables():
        assert not PHONE.search(ga_real.frame(table).astype(str).to_csv()), table
