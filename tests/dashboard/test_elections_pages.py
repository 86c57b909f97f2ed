"""What a voter reads about elections on the real warehouse (skipped without ../shared/data): who prosecutes the
county, since when, the last result with its share, the next election; what to do where nothing is known; the
contested-elections map as the opening view."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dashboard.content.elections import share_text
from tests.dashboard.apptest_pages import messages, open_page, sql, texts

PHILADELPHIA = "42101"


def test_philadelphia_says_krasner_won_2025_with_his_share_and_the_next_election(real: Path) -> None:
    [(share, opponent, other)] = sql(real, """
        SELECT max(vote_share) FILTER (winner), arg_max(candidate_name, vote_share) FILTER (NOT winner),
               max(vote_share) FILTER (NOT winner)
        FROM election WHERE office_id = 'pa-philadelphia-da' AND election_date = DATE '2025-11-04'""")
    at = open_page("county", fips=PHILADELPHIA)
    assert not at.exception
    page = texts(at)
    assert "**Larry Krasner**, Democratic — Philadelphia District Attorney, elected, in office since 02 January 2018" \
        in page
    assert (f"Last general election: Larry Krasner won on 04 November 2025 with {share_text(share)} against "
            f"{opponent} ({share_text(other)}).") in page
    assert "Next regular election: November 2029" in page and "Pa. Const. art. IX" in page
    assert "had a real opponent" in page
    assert "Stale" not in page and "No upcoming election is listed" not in page


def test_a_county_known_only_from_the_returns_names_the_winner_as_derived(real: Path) -> None:
    today = date.today()
    [(fips, name, end)] = sql(real, """
        SELECT oc.fips, p.name, t.end_date FROM office_county oc JOIN term t USING (office_id)
        JOIN prosecutor p USING (prosecutor_id)
        WHERE t.entry = 'derived' AND t.start_date <= ? AND t.end_date >= ?
          AND oc.fips IN (SELECT fips FROM office_county GROUP BY fips HAVING count(*) = 1)
        ORDER BY oc.fips LIMIT 1""", [today, today])
    at = open_page("county", fips=fips)
    assert not at.exception
    page = texts(at)
    assert f"**{name}**" in page
    assert f"to {end:%B %Y} by state law" in page and "derived from election returns, not an official roster" in page
    assert "Last general election:" in page and "Next regular election:" in page


def test_a_county_with_nothing_says_what_a_voter_can_do(real: Path) -> None:
    [(fips, state)] = sql(real, """
        SELECT c.fips, c.state_name FROM county c WHERE c.fips NOT IN (SELECT fips FROM office_county)
          AND c.state_abbr IN (SELECT state_abbr FROM prosecutor_rule) ORDER BY c.fips LIMIT 1""")
    at = open_page("county", fips=fips)
    assert not at.exception
    assert "No prosecutor's office or election for this county is in the data yet." in messages(at)
    page = texts(at)
    assert f"In {state}, the prosecutor who handles felony cases is elected in" in page
    assert "ask your county's election office" in page and "docs/ADD_DATA.md" in page


def test_krasners_page_header_gives_his_record_at_the_polls(real: Path) -> None:
    at = open_page("prosecutor", id="larry-krasner")
    assert not at.exception
    page = texts(at)
    assert "Philadelphia District Attorney: ran in" in page and "Next regular election: November 2029" in page
    assert "won on 04 November 2025" in page


def test_the_map_opens_on_the_contested_elections_measure_nationally(real: Path) -> None:
    [(year, shown)] = sql(real, """SELECT year, count(*) FROM county_election_measure
                                   WHERE metric_id = 'last_general_contested' GROUP BY year
                                   ORDER BY count(*) DESC, year DESC LIMIT 1""")
    [(total,)] = sql(real, "SELECT count(*) FROM county")
    at = open_page("map")
    assert not at.exception
    assert at.selectbox(key="map-metric").value == "last_general_contested"
    assert at.selectbox(key="map-year-last_general_contested").value == year
    assert f"In {year}, {shown:,} of {total:,} counties in the United States have a published value." in texts(at)
    at.selectbox(key="map-metric").select("years_since_contested").run()
    assert not at.exception
    assert at.query_params["metric"] == "years_since_contested"
