"""Elections on the warehouse built from the real files (skipped without ../shared/data): enough counties get an
answer, known results come back with the shares the raw returns give, and the contested flag holds state by state.

The expected shares are summed here from the raw rows themselves (candidate rows only; over/under votes, blanks and
totals left out; unnamed write-ins in the valid vote), not typed in.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import shared_file

GENERIC = re.compile(r"WRITE[- ]?INS?\b|WRITEIN|SCATTER|UNASSIGNED|^OTHERS?$|OTHER WRITE", re.IGNORECASE)


@pytest.fixture(scope="module")
def con(real_warehouse: Path):
    with duckdb.connect(str(real_warehouse), read_only=True) as connection:
        yield connection


def raw_shares(path: Path, **where: str) -> dict[str, float]:
    """Each named candidate's share of the valid vote, summed over the counties of the rows matching `where`
    (office matched as a regular expression, other columns exactly)."""
    votes: dict[str, int] = defaultdict(int)
    write_ins = 0
    office = re.compile(where.pop("office"), re.IGNORECASE)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not office.search(row["office"]) or any(row[k] != v for k, v in where.items()):
                continue
            if row["row_kind"] == "non_candidate_total" or not row["votes"]:
                continue
            if GENERIC.search(row["candidate"]):
                write_ins += int(row["votes"])
            else:
                votes[row["candidate"].upper()] += int(row["votes"])
    valid = sum(votes.values()) + write_ins
    assert valid, f"no rows in {path.name} for {where}"
    return {name: n / valid for name, n in votes.items()}


def stored_shares(con, day: str, office_like: str) -> dict[str, float]:
    rows = con.execute(
        "SELECT upper(e.candidate_name), e.vote_share FROM election e JOIN office o USING (office_id) "
        "WHERE e.election_date = ?::DATE AND e.round = 'general' AND o.office_id LIKE ?", [day, office_like]).fetchall()
    assert rows, f"no election on {day} for {office_like}"
    return dict(rows)


KNOWN = [  # (file, filters on the raw rows, election date, office id pattern): Philadelphia DA 2025, Birmingham
    # (Jefferson County, AL) DA 2018, Ocmulgee circuit (GA, eight counties) DA 2024, Kentucky's 19th circuit
    # Commonwealth's Attorney 2024 (three counties), Harris County (TX) DA 2024
    ("openelections/pa_prosecutor_results_by_county.csv.gz",
     {"office": "District Attorney", "county_fips": "42101", "election_date": "2025-11-04"},
     "2025-11-04", "pa-philadelphia-da"),
    ("medsl/medsl_prosecutor_results_by_county_2018_2022_2024.csv.gz",
     {"office": "^DISTRICT ATTORNEY - BIRMINGHAM$", "county_fips": "01073", "election_date": "2018-11-06"},
     "2018-11-06", "al-10th-%"),
    ("openelections/ga_prosecutor_results_by_county.csv.gz",
     {"office": "^District Attorney$", "district": "Ocmulgee Judicial Circuit", "election_date": "2024-11-05"},
     "2024-11-05", "ga-ocmulgee-circuit-da"),
    ("openelections/ky_prosecutor_results_by_county.csv.gz",
     {"office": "^Commonwealth's Attorney$", "district": "19", "election_date": "2024-11-05"},
     "2024-11-05", "ky-19th-commonwealth-s-attorney"),
    ("medsl/medsl_prosecutor_results_by_county_2018_2022_2024.csv.gz",
     {"office": "^DISTRICT ATTORNEY$", "county_fips": "48201", "election_date": "2024-11-05"},
     "2024-11-05", "tx-harris-district-attorney"),
]


@pytest.mark.parametrize(("relative", "where", "day", "office"), KNOWN, ids=[k[3] for k in KNOWN])
def test_known_results_come_back_with_the_raw_files_shares(con, shared_data: Path, relative: str, where: dict,
                                                           day: str, office: str) -> None:
    expected = raw_shares(shared_file(shared_data, f"elections/{relative}"), **dict(where))
    stored = stored_shares(con, day, office)
    assert {k: pytest.approx(v, abs=1e-9) for k, v in expected.items()} == stored
    winner = con.execute("SELECT upper(candidate_name) FROM election e WHERE election_date = ?::DATE AND "
                         "office_id LIKE ? AND round = 'general' AND winner", [day, office]).fetchone()[0]
    assert winner == max(expected, key=expected.get)


def test_enough_counties_get_an_election_history_and_a_named_prosecutor(con) -> None:
    [(with_history,)] = con.execute(
        "SELECT count(DISTINCT oc.fips) FROM office_county oc JOIN election e USING (office_id)").fetchall()
    [(with_prosecutor,)] = con.execute(
        "SELECT count(DISTINCT oc.fips) FROM office_county oc JOIN term t USING (office_id) "
        "WHERE t.start_date <= ? AND coalesce(t.end_date, DATE '9999-12-31') >= ? AND length(t.citation) > 0 "
        "AND (t.entry <> 'derived' OR t.citation LIKE 'Derived from election returns%by state law%')",
        [date.today(), date.today()]).fetchall()
    print(f"counties with an election history: {with_history:,}; with a named prosecutor in office today: "
          f"{with_prosecutor:,}")
    assert with_history >= 1500
    assert with_prosecutor >= 1000


def test_contested_means_two_candidates_with_five_percent_and_most_generals_were_not(con) -> None:
    wrong = con.execute("""
        SELECT office_id, election_date, round, bool_or(contested) AS flagged,
               count(*) FILTER (vote_share >= 0.05) >= 2 AS counted
        FROM election WHERE source_id = 'election_returns' AND round <> 'primary' GROUP BY ALL
        HAVING flagged <> counted""").fetchall()
    assert wrong == []
    by_state = con.execute("""
        SELECT o.state_abbr, count(*) AS races, avg((NOT c.contested)::INT) AS uncontested
        FROM election_contest c JOIN office o USING (office_id) WHERE c.round = 'general'
        GROUP BY ALL ORDER BY races DESC""").fetchall()
    print("share of uncontested general elections by state:",
          ", ".join(f"{s} {u:.0%} of {n}" for s, n, u in by_state))
    total = sum(n for _, n, _ in by_state)
    uncontested = sum(n * u for _, n, u in by_state) / total
    assert len(by_state) >= 30 and total >= 2000
    assert 0.6 <= uncontested <= 0.95  # about one general election in five had a real opponent


def test_curated_offices_have_their_history_to_2025_and_the_next_election(con) -> None:
    last = dict(con.execute("SELECT office_id, max(election_date) FROM election WHERE round = 'general' "
                            "GROUP BY ALL").fetchall())
    assert last["pa-philadelphia-da"] == date(2025, 11, 4)
    assert last["ny-kings-da"] == date(2025, 11, 4)
    assert last["ny-new-york-da"] == date(2025, 11, 4)
    assert last["il-cook-states-attorney"] == date(2024, 11, 5)
    krasner = con.execute("SELECT election_date FROM election WHERE office_id = 'pa-philadelphia-da' AND "
                          "candidate_name = 'Larry Krasner' AND round = 'general' AND winner ORDER BY 1").fetchall()
    assert [d for (d,) in krasner] == [date(2017, 11, 7), date(2021, 11, 2), date(2025, 11, 4)]
    schedule = dict(con.execute("SELECT office_id, next_general FROM office_schedule").fetchall())
    assert schedule["pa-philadelphia-da"].year == 2029 and schedule["pa-philadelphia-da"].month == 11
    assert schedule["il-cook-states-attorney"] == date(2028, 11, 7)
    # a curated term is never replaced by one derived from the returns
    entries = dict(con.execute("SELECT office_id, string_agg(DISTINCT entry, ',') FROM term GROUP BY ALL").fetchall())
    assert "derived" not in entries["pa-philadelphia-da"] and "derived" not in entries["ny-kings-da"]


def test_contested_map_measures_cover_the_country(con) -> None:
    rows = dict(con.execute("SELECT metric_id, count(DISTINCT fips) FROM county_election_measure WHERE year = "
                            "(SELECT max(year) FROM county_election_measure) GROUP BY ALL").fetchall())
    assert rows["last_general_contested"] >= 1500
    assert rows["years_since_contested"] >= 500
    states = con.execute("SELECT count(DISTINCT left(fips, 2)) FROM county_election_measure").fetchone()[0]
    assert states >= 30


def test_ballot_tallies_are_never_candidates_nor_a_county_office(con) -> None:
    """New York's returns list ballots by kind ('Public Counter', 'Emergency', 'Affidavit') beside the candidates:
    counted as candidates they made a derived 'Public Counter' the Bronx's prosecutor, ahead of Darcel Clark."""
    tallies = con.execute("""
        SELECT DISTINCT candidate_name FROM election
        WHERE regexp_matches(upper(candidate_name), 'PUBLIC COUNTER|^EMERGENCY$|^AFFIDAVIT$|^ABSENTEE|^FEDERAL$')
    """).fetchall()
    assert tallies == []
    bronx = con.execute("""SELECT prosecutor FROM value_period
                           WHERE scope = 'county' AND scope_id = '36005' AND year(period_start) = 2024
                             AND metric_id = 'ror_rate'""").fetchall()
    assert bronx == [("Darcel Clark",)]


def test_no_county_gets_a_second_office_of_a_kind_a_cited_source_already_names(con) -> None:
    """Returns that number or split a race the wrong way made offices of their own beside the cited one: Queens'
    2015 race as the '13th district' District Attorney, a Georgia circuit's 2021 special election as four county
    offices, five counties' State Court solicitors as one office. A county's office from the returns is kept only
    where no cited source names an office of that kind for the county."""
    doubled = con.execute("""
        SELECT oc.fips, o.kind, list(o.office_id ORDER BY o.office_id) AS offices
        FROM office_county oc JOIN office o USING (office_id)
        GROUP BY oc.fips, o.kind
        HAVING count(*) FILTER (WHERE o.source_id = 'election_returns') > 0
           AND count(*) FILTER (WHERE o.source_id <> 'election_returns') > 0
    """).fetchall()
    assert doubled == []
    queens = con.execute("SELECT DISTINCT office_id FROM election e JOIN office_county USING (office_id) "
                         "WHERE fips = '36081' AND year(election_date) = 2015").fetchall()
    assert queens == [("ny-queens-da",)]
