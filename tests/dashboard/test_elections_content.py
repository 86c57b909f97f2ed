"""The election sentences of the county and prosecutor pages, and the map's opening view, as pure functions."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import i18n
from dashboard.charts import maps
from dashboard.content.elections import name_key, next_election_text, office_elections
from dashboard.content.map import best_view
from dashboard.summary import office_sentence

COLUMNS = ["office_id", "election_date", "round", "candidate_name", "incumbent", "vote_share", "winner", "contested",
           "note"]


def _rows(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame([("pa-philadelphia-da", *r) for r in rows], columns=COLUMNS)


def _schedule(next_general: date | None, term_years: int | None = 4, basis: str = "every 4 years (Pa. Const.)"):
    return pd.DataFrame([{"office_id": "pa-philadelphia-da", "last_general": None, "next_general": next_general,
                          "term_years": term_years, "basis": basis}])


ELECTIONS = _rows(
    (date(2025, 11, 4), "general", "Larry Krasner", None, 0.761, True, True, None),
    (date(2025, 11, 4), "general", "Pat Dugan", None, 0.238, False, True, None),
    (date(2021, 11, 2), "general", "Larry Krasner", True, None, True, True, None),
    (date(2017, 11, 7), "general", "Larry Krasner", False, None, True, None, None),
    (date(2013, 11, 5), "general", "Seth Williams", True, 0.97, True, False, "1 of 2 counties missing"),
    (date(2025, 5, 20), "primary", "Larry Krasner", True, None, True, True, None),
)


def test_the_last_general_election_with_its_share_and_opponent() -> None:
    record = office_elections(ELECTIONS, _schedule(date(2029, 11, 6)), date(2026, 12, 7))
    assert record.last == "Last general election: Larry Krasner won on 04 November 2025 with 76.1% against Pat Dugan " \
                          "(23.8%)."
    # 2017's contest is not known, so it is not counted either way
    assert record.contested.startswith("2 of the last 3 general elections in the data (2013–2025) had a real "
                                       "opponent")
    assert record.next == "Next regular election: November 2029 (every 4 years (Pa. Const.))."
    assert list(record.history.columns) == ["Date", "Race", "Candidate", "Vote share", "Won", "Contested", "Note"]
    assert record.history["Vote share"].iloc[0] == "76.1%"
    assert "1 of 2 counties missing" in set(record.history["Note"])


def test_an_old_warehouse_moves_the_next_election_on_by_whole_terms() -> None:
    text = next_election_text(_schedule(date(2025, 11, 4)), date(2026, 1, 5))
    assert text.startswith("Next regular election: November 2029")
    assert "not known" in next_election_text(_schedule(None, basis="no rule for this state"), date(2026, 1, 5))
    assert "not known" in next_election_text(None, date(2026, 1, 5))


def test_an_upcoming_election_in_the_data_is_the_next_one() -> None:
    rows = pd.concat([ELECTIONS, _rows((date(2027, 5, 18), "primary", "Someone", None, None, None, None, None))])
    record = office_elections(rows, _schedule(date(2029, 11, 6)), date(2026, 12, 7))
    assert record.next == "Next election: 18 May 2027 (primary)."
    assert record.last.startswith("Last general election: Larry Krasner won on 04 November 2025")


def test_an_unopposed_winner_and_an_office_without_elections() -> None:
    rows = _rows((date(2024, 11, 5), "general", "Jo Smith", None, 1.0, True, False, None))
    record = office_elections(rows, _schedule(date(2028, 11, 7)), date(2026, 12, 7))
    assert record.last == "Last general election: Jo Smith won on 05 November 2024 with 100.0%, unopposed."
    assert record.contested == "The one general election in the data (2024) had no real opponent."
    empty = office_elections(rows.iloc[0:0], _schedule(date(2028, 11, 7)), date(2026, 12, 7))
    assert empty.last == "" and empty.contested == "" and empty.history.empty


def test_names_match_across_accents_and_case() -> None:
    assert name_key("George Gascón") == name_key("GEORGE GASCON")


def test_the_map_opens_on_the_view_covering_the_most_counties() -> None:
    views = pd.DataFrame({"metric_id": ["ror_rate", "ror_rate", "last_general_contested", "last_general_contested"],
                          "sort_order": [5, 5, 1000, 1000], "year": [2024, 2025, 2024, 2025],
                          "counties_shown": [5, 5, 1800, 1900]})
    assert best_view(views) == ("last_general_contested", 2025)
    assert best_view(views.assign(complete=[True, True, True, False])) == ("last_general_contested", 2024)
    assert best_view(views[views["metric_id"] == "ror_rate"]) == ("ror_rate", 2025)  # tie: the later year
    assert best_view(views.iloc[0:0]) is None


def test_election_measures_are_worded_for_a_voter() -> None:
    shown = [i18n.format_value(v, unit, **maps.MAP_STYLE) for v, unit in
             ((1.0, "yes_no"), (0.0, "yes_no"), (1.0, "years"), (12.0, "years"))]
    assert shown == ["yes", "no", "1 year", "12 years"]
    row = {"county_name": "Adams County", "state_abbr": "IN", "prosecutor": "Ann Able", "value": 0.0,
           "suppressed": False, "source": "Prosecutor election returns"}
    text = maps.tooltip_text(row, label="Last general election contested", unit="yes_no", year=2024)
    assert "Last general election contested in 2024: no" in text and "cases" not in text


def test_the_legend_says_how_many_counties_have_data() -> None:
    legend = maps.legend_html((0.0, 1.0), label="Last general election contested", unit="yes_no", year=2025,
                              coverage=(1769, 3142))
    assert "1,769 of 3,142 counties have data" in legend
    assert maps.domain_labels((0.0, 1.0), [0.0, 1.0], "yes_no") == ("no", "yes")


def test_a_county_with_a_page_but_no_value_is_told_apart_from_one_with_nothing() -> None:
    row = {"county_name": "Adams County", "state_abbr": "IN", "prosecutor": "Ann Able", "value": None,
           "suppressed": False, "has_page": True}
    assert maps.PAGE_ONLY_WORDS in maps.tooltip_text(row, label="Dismissal rate", unit="share", year=2024)
    assert "no public data" in maps.tooltip_text({**row, "has_page": False}, label="Dismissal rate", unit="share",
                                                 year=2024)
    legend = maps.legend_html(None, label="Dismissal rate", unit="share", year=2024, page_only=True)
    assert maps.PAGE_ONLY_COLOR in legend and "names its prosecutor or elections" in legend


def test_a_derived_term_is_never_worded_as_certain() -> None:
    terms = pd.DataFrame([{"prosecutor_id": "jo-smith-tx", "name": "Jo Smith", "office_name": "District Attorney",
                           "start_date": date(2025, 1, 1), "end_date": date(2028, 12, 31), "entry": "derived"}])
    sentence = office_sentence(terms, date(2026, 12, 7))
    assert sentence == ("Jo Smith won the last general election for the District Attorney in the data and, by state "
                        "law, serves from January 2025 to December 2028 (derived from election returns, not an "
                        "official roster).")
    assert "has led" not in sentence and "(elected)" not in sentence


def test_a_regular_election_missing_from_the_data_is_not_called_the_last() -> None:
    """Okaloosa's State Attorney: the returns gathered end with her 2020 win, but the office's rule had a regular
    election in 2024 (Florida puts no unopposed race on the ballot): 2020 is the last general election *in the
    data*, and the page says 2024 is missing rather than calling 2020 the last."""
    rows = _rows((date(2020, 11, 3), "general", "Ginger Bowden Madden", None, None, True, None, None))
    record = office_elections(rows, _schedule(date(2028, 11, 7)), date(2026, 12, 7))
    assert record.last == ("Last general election in the data: Ginger Bowden Madden won on 03 November 2020. The "
                           "2024 general election is not in the data (its returns were not gathered, or no contest "
                           "was on the ballot).")
    # the regular election of this year has not happened yet on election eve
    eve = office_elections(rows, _schedule(date(2024, 11, 5)), date(2024, 11, 4))
    assert eve.last == "Last general election: Ginger Bowden Madden won on 03 November 2020."
