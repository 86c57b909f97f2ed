"""Every figure names who was in office for it and never passes a part-year for a whole one: the pure functions
that word it, and what a voter sees on the real warehouse (AppTest; skipped when ../shared/data is absent)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboard.charts import maps, trends
from dashboard.content.map import default_year
from dashboard.summary import period_words, term_data_sentence
from tests.dashboard.apptest_pages import APP, TIMEOUT, chart_titled, open_page, sql, texts

COOK, SAN_FRANCISCO, PHILADELPHIA, OKALOOSA, MANHATTAN = "17031", "06075", "42101", "12091", "36061"

TERMS = pd.DataFrame({
    "name": ["Anita Alvarez", "Kim Foxx", "Eileen O'Neill Burke"],
    "start_date": [date(2008, 12, 1), date(2016, 12, 1), date(2024, 12, 2)],
    "end_date": [date(2016, 11, 30), date(2024, 12, 1), None],
})


def _years(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "prosecutor", "partial", "covered_label"])


# --- pure functions -------------------------------------------------------------------------------------------


def test_period_words_name_who_was_in_office() -> None:
    years = _years((2016, "Anita Alvarez", False, None), (2017, "Kim Foxx", False, None))
    assert period_words(years, 2017, 2017, TERMS) == ("Kim Foxx's first full year", False)
    assert period_words(years, 2016, 2016, TERMS) == ("under Anita Alvarez; Kim Foxx from December", False)
    assert period_words(years, 2016, 2017, TERMS) == ("under Anita Alvarez and Kim Foxx", False)


def test_period_words_flag_a_part_year() -> None:
    years = _years((2021, "Larry Krasner", True, "Aug–Dec"), (2022, "Larry Krasner", False, None))
    assert period_words(years, 2021, 2021) == ("under Larry Krasner; Aug–Dec only", True)
    assert period_words(years, 2021, 2022) == ("under Larry Krasner; 2021: Aug–Dec only", True)
    assert period_words(years, 2022, 2022) == ("under Larry Krasner", False)


def test_term_data_sentence_says_when_no_data_cover_the_term() -> None:
    years = _years((2016, "Anita Alvarez", False, None), (2017, "Kim Foxx", False, None))
    assert term_data_sentence("Eileen O'Neill Burke", date(2024, 12, 2), years) == (
        "No published data cover Eileen O'Neill Burke's time in office yet (in office since December 2024): "
        "the latest published data are from 2017, under Kim Foxx.")
    assert term_data_sentence("Kim Foxx", None, years) == "Under Kim Foxx, the published data cover 2017."
    part = _years((2019, "Bill Eddins", False, None), (2020, "Bill Eddins", True, "Jan–Jun"))
    assert term_data_sentence("Ginger Bowden Madden", None, part) == (
        "No published data cover Ginger Bowden Madden's time in office yet: the latest published data are from "
        "2020 (Jan–Jun only), under Bill Eddins.")
    assert "no whole year of theirs" in term_data_sentence(
        "Brooke Jenkins", None, _years((2022, "Chesa Boudin", False, None), (2023, "Brooke Jenkins", True, "Jan–Sep")))
    labelled = pd.concat([years.assign(metric_id="declination_rate"),
                          _years((2025, "Eileen O'Neill Burke", False, None)).assign(metric_id="jail_rate")])
    assert term_data_sentence("Eileen O'Neill Burke", None, labelled, labels={"jail_rate": "Jail population"}) == (
        "Under Eileen O'Neill Burke, the published data cover 2025, for jail population only; the latest data on "
        "the other measures are from 2017, under Kim Foxx.")
    assert term_data_sentence("Suzy Loftus", date(2019, 10, 19), years, until=date(2020, 1, 7)).startswith(
        "No published data are attributed to Suzy Loftus's time in office (October 2019 to January 2020)")


def test_the_map_opens_on_the_latest_complete_year() -> None:
    years = pd.DataFrame({"year": [2025, 2024, 2023], "counties_shown": [5, 5, 5], "counties_partial": [5, 0, 0]})
    assert default_year(years) == 2024
    assert default_year(years.assign(counties_partial=5)) == 2025  # nothing complete: the latest there is
    assert default_year(years.iloc[0:0]) is None


def test_the_map_caption_claims_whole_years_only_when_true() -> None:
    assert "covers the whole year" in maps.period_caption(0, 2024)
    caption = maps.period_caption(5, 2025)
    assert "covers the whole year" not in caption and "5 counties' numbers cover only part of the year" in caption


def test_an_election_measure_is_captioned_as_of_the_years_end_not_as_a_count_over_it() -> None:
    for unit in ("yes_no", "years"):
        caption = maps.period_caption(0, 2025, unit)
        assert "31 December 2025" in caption and "whole year" not in caption and "in office for most" not in caption


def test_trend_rings_and_labels_a_part_year() -> None:
    series = pd.DataFrame({
        "series": "All cases", "year": [2021, 2022, 2023], "value": [0.2, 0.22, 0.25], "ci_low": [0.19, 0.21, 0.24],
        "ci_high": [0.21, 0.23, 0.26], "numerator": [100, 200, 120], "denominator": [500, 900, 480],
        "suppressed": False, "suppression_reason": None, "partial": [True, False, True],
        "covered_label": ["Aug–Dec", None, "Jan–May"]})
    fig = trends.trend_chart(series, unit="share", title="t", source="s", built="b", demo=False)
    [ring] = [t for t in fig.data if t.name == trends.PARTIAL_NAME]
    assert list(ring.text) == ["Aug–Dec", "Jan–May"]
    alt = trends.alt_text(series, measure="release", unit="share", place="Philadelphia")
    assert "Part-years, ringed on the chart: 2021 (Aug–Dec only), 2023 (Jan–May only)." in alt


# --- the real warehouse, as a voter sees it ------------------------------------------------------------------


def _summary(fips: str) -> str:
    at = open_page("county", fips=fips)
    assert not at.exception
    return "\n".join(m.value for m in at.markdown)


def test_cook_summary_says_burke_has_jail_data_only_and_names_foxx_and_alvarez(real: Path) -> None:
    text = _summary(COOK)
    assert ("Under Eileen O'Neill Burke, the published data cover 2025 and 2026 (Jan–Aug only), for jail population "
            "per 100,000 adults only; the latest data on the other measures are from 2017, under Kim Foxx.") in text
    assert "Declination rate in 2017 (Kim Foxx's first full year)" in text
    assert "in 2016 (under Anita Alvarez; Kim Foxx from December)" in text


def test_okaloosa_headlines_are_whole_years_under_eddins(real: Path) -> None:
    text = _summary(OKALOOSA)
    assert "No published data cover Ginger Bowden Madden's time in office yet" in text
    assert "2020 (Jan–Jun only), under Bill Eddins" in text
    assert "Declination rate in 2019 (under Bill Eddins)" in text
    assert "rate in 2020" not in text  # the half-year is never a headline


def test_philadelphia_and_manhattan_lead_with_the_current_prosecutor(real: Path) -> None:
    phl = _summary(PHILADELPHIA)
    assert ("Under Larry Krasner, the published data cover 2021 (Aug–Dec only), 2022 and 2023 (Jan–May only)."
            in phl)
    assert "in 2022 (under Larry Krasner)" in phl and "in 2023" not in phl.split("only).", 1)[1]
    nyc = _summary(MANHATTAN)
    assert "Under Alvin Bragg, the published data cover 2022–2024 and 2025 (part of the year only)." in nyc
    assert "in 2024 (under Alvin Bragg)" in nyc


def test_san_francisco_says_jenkins_has_only_part_of_2023(real: Path) -> None:
    text = _summary(SAN_FRANCISCO)
    assert "Under Brooke Jenkins, the published data cover 2023 (Jan–Sep only): no whole year of theirs" in text
    assert "first full year; Jan–Sep" not in text
    assert "in 2022 (under Chesa Boudin; Brooke Jenkins from July)" in text


def test_philadelphia_trend_rings_its_part_years(real: Path) -> None:
    at = open_page("county", fips=PHILADELPHIA, metric="ror_rate")
    assert not at.exception
    chart = chart_titled(at, "Released on recognizance, Philadelphia")
    [ring] = [t for t in chart["data"] if t.get("name") == trends.PARTIAL_NAME]
    assert ring["text"] == ["Aug–Dec", "Jan–May"]


def test_map_opens_on_a_complete_year_and_says_when_a_year_is_partial(real: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["metric"] = "ror_rate"
    at.run()
    assert not at.exception
    year = int(at.query_params["year"] if isinstance(at.query_params["year"], str) else at.query_params["year"][0])
    [(partial, counties)] = sql(real, """SELECT count(*) FILTER (WHERE partial), count(*) FROM value_period
        WHERE metric_id = 'ror_rate' AND scope = 'county' AND year(period_start) = ?""", [year])
    assert partial == 0 and counties > 0 and year != 2025
    assert "Each number covers the whole year" in texts(at)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["metric"], at.query_params["year"] = "ror_rate", "2025"
    at.run()
    shown = texts(at)
    assert "Each number covers the whole year" not in shown and "only part of the year" in shown


def test_a_page_with_no_data_for_the_term_says_so_in_one_line(real: Path) -> None:
    at = open_page("prosecutor", id="ginger-bowden-madden")
    assert not at.exception
    assert [i.value for i in at.info] == [
        "No published data cover Ginger Bowden Madden's time in office yet (in office since January 2021): the "
        "latest published data are from 2020 (Jan–Jun only), under Bill Eddins."]
    assert not at.get("plotly_chart") and not at.select_slider


def test_compare_of_krasner_boudin_eddins_and_foxx_shows_all_four(real: Path) -> None:
    at = open_page("compare", id="larry-krasner,chesa-boudin,bill-eddins,kim-foxx")
    assert not at.exception
    table = at.dataframe[0].value
    for name in ("Larry Krasner", "Chesa Boudin", "Bill Eddins", "Kim Foxx"):
        assert any(name in str(c) for c in table.columns), (name, list(table.columns))


def test_methods_page_lists_the_part_years_and_how_they_are_known(real: Path) -> None:
    at = open_page("methods")
    assert not at.exception
    [table] = [d.value for d in at.dataframe if "How we know" in d.value.columns]
    rows = {(r.County, r.Year): r for r in table.itertuples()}
    assert str(rows[("Philadelphia, PA", 2021)].From)[:10] == "2021-08-01"
    assert "projection" in rows[("San Francisco, CA", 2023)][-1]
    assert "metadata.json" in rows[("New York, NY", 2025)][-1]


def test_san_francisco_leads_with_jenkins_part_year_never_set_against_whole_years(real: Path) -> None:
    text = _summary(SAN_FRANCISCO)
    lead = next(line for line in text.splitlines() if "Declination rate in 2023" in line)
    assert "(under Brooke Jenkins; Jan–Sep only)" in lead
    assert "not compared with other places" in lead and "similar size" not in lead
    assert text.index("Declination rate in 2023") < text.index("Declination rate in 2022")


def test_a_part_year_is_never_called_a_first_full_year() -> None:
    years = _years((2017, "Kim Foxx", True, "Jan–May"))
    assert period_words(years, 2017, 2017, TERMS) == ("under Kim Foxx; Jan–May only", True)


def test_the_jail_halving_arithmetic_uses_whole_years_only() -> None:
    """Cook's jail data end in August 2026: its part-year average was set against 2018's whole year."""
    from dashboard.content.county import jail_population

    series = pd.DataFrame({"metric_id": "jail_rate_per_100k", "year": [2018, 2025, 2026], "suppressed": False,
                           "numerator": [6066.0, 5500.0, 5846.0], "partial": [False, False, True]})
    assert list(jail_population(series, ("jail_rate_per_100k",), 2018, 2026)["year"]) == [2018, 2025]
