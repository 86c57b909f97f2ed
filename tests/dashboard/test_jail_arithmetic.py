"""The jail section's arithmetic, worked out by hand: the fitted pace and its interval, the year half the
baseline is reached ("never", "in YEAR, somewhere between A and B"), the pace that would halve it in ten years,
each prosecutor's years, the cost of a year in jail, and the events drawn on trend charts."""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd
import pytest

from dashboard.charts import detention, events, trends

COMMON = {"source": "Test source", "built": "2025-01-01", "demo": False}


def jail(values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"year": list(values), "population": list(values.values())})


def test_a_steady_fall_of_ten_percent_a_year_is_fitted_exactly_with_no_width() -> None:
    pace = detention.fit_pace([2020, 2021, 2022, 2023], [1000, 900, 810, 729])
    assert pace.rate == pytest.approx(-0.10)
    assert pace.rate_low == pytest.approx(-0.10) and pace.rate_high == pytest.approx(-0.10)
    assert pace.people == pytest.approx(-72.9)
    assert detention.fit_pace([2020], [1000]) is None
    assert detention.fit_pace([2020, 2021], [0, 5]) is None, "no logarithm of an empty jail"


def test_the_pace_interval_is_the_slope_interval_from_students_t() -> None:
    years, values = [2020, 2021, 2022, 2023], [1000, 950, 930, 860]
    pace = detention.fit_pace(years, values)
    logs = [math.log(v) for v in values]
    mx, my = sum(years) / 4, sum(logs) / 4
    sxx = sum((x - mx) ** 2 for x in years)
    slope = sum((x - mx) * (y - my) for x, y in zip(years, logs, strict=True)) / sxx
    sse = sum((y - (my + slope * (x - mx))) ** 2 for x, y in zip(years, logs, strict=True))
    half = 4.303 * math.sqrt(sse / 2 / sxx)  # t(0.975, 2 degrees of freedom)
    assert pace.rate == pytest.approx(math.exp(slope) - 1)
    assert pace.rate_low == pytest.approx(math.exp(slope - half) - 1)
    assert pace.rate_high == pytest.approx(math.exp(slope + half) - 1)
    assert pace.rate_low < pace.rate < pace.rate_high


def test_falling_steadily_reaches_half_in_a_year_with_its_interval() -> None:
    # 10% fewer a year from 729 in 2023 to a target of 500: log(500/729) / log(0.9) = 3.58 years -> 2027
    o = detention.halving_outlook(jail({2020: 1000, 2021: 900, 2022: 810, 2023: 729}))
    assert (o.baseline, o.target, o.latest, o.status) == (2020, 500, 2023, "year")
    assert o.year == 2027 and o.year_low == 2027 and o.year_high == 2027
    assert o.change == -271 and o.change_share == pytest.approx(-0.271)
    text = detention.progress_sentence(o)
    assert "At the 2020–2023 pace (-10.0% a year, about 73 people a year)" in text
    assert "would reach half of 2020 in 2027 (somewhere between 2027 and 2027)" in text


def test_a_noisy_fall_whose_interval_includes_no_fall_says_between_a_year_and_never() -> None:
    o = detention.halving_outlook(jail({2018: 6000, 2022: 5700, 2023: 5300, 2024: 4900, 2025: 5750}), 2018)
    assert o.pace.first == 2022 and o.pace.last == 2025, "the pace is the last four whole years"
    assert o.status == "year" and o.pace.rate < 0 < o.pace.rate_high
    assert o.year_high is None and o.year_low is not None and o.year_low < o.year
    assert f"(somewhere between {o.year_low} and never" in detention.progress_sentence(o)


def test_a_rising_jail_never_reaches_half_at_its_pace() -> None:
    o = detention.halving_outlook(jail({2018: 1000, 2019: 1010, 2020: 1050, 2021: 1100}))
    assert o.status == "never" and o.year is None
    text = detention.progress_sentence(o)
    assert "At the 2018–2021 pace (+3.3% a year), never: the jail is not getting smaller." in text
    assert "The pace's 95% interval runs from" in text


def test_the_pace_that_would_halve_it_in_ten_years() -> None:
    o = detention.halving_outlook(jail({2015: 1000, 2024: 1000, 2025: 1000}), 2015)
    assert o.needed_people == pytest.approx(50)  # 1,000 to 500 over ten years
    assert o.needed_rate == pytest.approx(1 - 0.5 ** 0.1)  # 6.7% a year, compounded
    assert "by 2035, it would have to fall by about 50 people a year (-6.7% a year)" in detention.progress_sentence(o)


def test_met_unknown_two_years_and_a_baseline_moved_to_the_next_year_with_data() -> None:
    met = detention.halving_outlook(jail({2018: 1000, 2021: 450}), 2018)
    assert met.status == "met" and met.needed_people == 0
    assert "already at or below half of the 2018 level" in detention.progress_sentence(met)
    one = detention.halving_outlook(jail({2018: 1000}))
    assert one.status == "unknown" and one.pace is None
    two = detention.halving_outlook(jail({2018: 1000, 2019: 900}))
    assert two.pace.rate_low is None and "(two years are too few to say how sure" in detention.progress_sentence(two)
    moved = detention.halving_outlook(jail({2018: 1000, 2020: 900, 2021: 800}), 2019)
    assert moved.baseline == 2020
    assert detention.halving_outlook(jail({}), 2018) is None
    assert detention.halving_outlook(jail({2010: 5}), 2015) is None


def test_a_prosecutors_years_start_at_their_first_whole_year_and_end_with_the_last_they_held_most_of() -> None:
    assert detention.first_whole_year(date(2016, 12, 1)) == 2017
    assert detention.first_whole_year(date(2018, 1, 1)) == 2018
    years = list(range(2015, 2026))
    assert detention.term_years(date(2016, 12, 1), date(2024, 11, 30), years) == list(range(2017, 2025))
    assert detention.term_years(date(2024, 12, 1), None, years) == [2025]


def test_a_term_that_began_before_the_jail_series_says_so() -> None:
    series = jail({2018: 6066, 2019: 5765, 2020: 5095, 2021: 5700, 2022: 5675, 2023: 5306, 2024: 4887, 2025: 5758})
    foxx = detention.term_outlook(series, "Kim Foxx", date(2016, 12, 1), date(2024, 11, 30))
    assert foxx.first_whole == 2017 and foxx.outlook.baseline == 2018 and foxx.outlook.latest == 2024
    text = detention.term_sentence(foxx)
    assert "The jail series starts in 2018, after Kim Foxx took office (December 2016)" in text
    assert "While Kim Foxx was in office (December 2016 to November 2024): in 2018 the jail held about 6,066" in text
    assert "At the 2021–2024 pace" in text
    burke = detention.term_outlook(series, "Eileen O'Neill Burke", date(2024, 12, 1), None)
    assert burke.outlook.baseline == burke.outlook.latest == 2025
    assert "One whole year is too few to measure a pace" in detention.term_sentence(burke)
    later = detention.term_outlook(series, "Next", date(2026, 12, 1), None)
    assert later.outlook is None and "no whole year of their time in office yet" in detention.term_sentence(later)


def test_the_cost_of_a_year_in_jail_and_of_its_pretrial_part() -> None:
    assert detention.pretrial_cost(1000, None, 100.0) == 36_500_000
    assert detention.pretrial_cost(1000, 0.75, 100.0, days=366) == 27_450_000
    whole = detention.cost_sentence(5758, 2025, None, 143.0, cited=True)
    assert "At the cited figure of $143.00 a day, a year of that cost about $300,538,810" in whole
    assert "do not say how many of them were held before trial" in whole
    part = detention.cost_sentence(1000, 2024, 0.8, 100.0, cited=False)
    assert "about 800 of the 1,000 people" in part and "the figure entered of $100.00" in part
    assert "$29,280,000" in part  # 800 x 366 days x $100


EVENTS = pd.DataFrame({
    "event_date": [date(2017, 9, 18), date(2020, 3, 17), date(2023, 9, 18)],
    "kind": ["court_ruling", "covid_court_closures", "bail_reform_law"],
    "label": ["Bond order", "Courts close", "Cash bail ends"],
    "citation_title": ["General Order 18.8A", "Courts postpone most cases", "A new era"],
    "publisher": ["A court", "A newspaper", "The courts' office"],
    "url": ["https://example.org/a", "https://example.org/b", "https://example.org/c"]})


def test_a_trend_chart_marks_the_events_in_its_years_with_their_citations() -> None:
    series = pd.DataFrame({"series": "All", "year": [2018, 2019, 2020, 2021], "value": [0.2, 0.3, 0.25, 0.3],
                           "ci_low": 0.1, "ci_high": 0.4, "numerator": 20, "denominator": 100, "suppressed": False,
                           "suppression_reason": None})
    fig = trends.trend_chart(series, unit="share", title="t", events=EVENTS, **COMMON)
    marks = next(t for t in fig.data if t.name == events.EVENTS_NAME)
    assert [x for x in marks.x if x] == ["2020-03-17", "2020-03-17"], "2017 and 2023 are outside 2018-2021"
    assert "Courts postpone most cases, A newspaper" in marks.text[0] and "COVID-19 court closures" in marks.text[0]
    labels = [a.text for a in fig.layout.annotations if (a.name or "").startswith("event:")]
    assert labels == ["Courts close"]
    without = trends.trend_chart(series, unit="share", title="t", **COMMON)
    assert events.EVENTS_NAME not in [t.name for t in without.data]


def test_the_events_export_names_the_place_and_every_citation() -> None:
    shown = events.export_frame(events.within(EVENTS, date(2018, 1, 1), date(2024, 12, 31)), "Cook County, Illinois")
    assert list(shown.columns) == events.EXPORT_COLUMNS
    assert list(shown["label"]) == ["Courts close", "Cash bail ends"]
    assert set(shown["url"]) == {"https://example.org/b", "https://example.org/c"}
    assert (shown["place"] == "Cook County, Illinois").all()


def test_the_jail_chart_draws_the_monthly_line_beneath_the_years_and_reaches_its_last_month() -> None:
    years = jail({2018: 6000, 2019: 5800, 2020: 5100})
    months = pd.DataFrame({"month": pd.to_datetime(["2020-11-01", "2020-12-01", "2021-01-01"]),
                           "population": [5000.0, 5100.0, 5200.0], "days_reported": [30, 31, 12]})
    fig = detention.halving_chart(years, detention.halving_outlook(years), title="t", months=months, **COMMON)
    assert fig.data[0].name == "Monthly average" and list(fig.data[0].y) == [5000, 5100, 5200]
    assert "Jan 2021: 5,200 people on an average day (12 days reported)" in fig.data[0].text[-1]
    assert fig.layout.xaxis.range[1] >= "2021-01-31", "the part-year's months are drawn, beyond the whole years"
    yearly = fig.data[1]
    assert [x[:4] for x in yearly.x] == ["2018", "2019", "2020"], "the yearly line keeps whole years only"


def test_a_small_jails_goal_and_pace_never_write_a_count_of_1_to_9() -> None:
    o = detention.halving_outlook(jail({2018: 16, 2019: 15, 2020: 14, 2021: 13}))
    text = detention.progress_sentence(o)
    assert "half of that is fewer than 10" in text and "fewer than 10 people a year" in text
    assert "about fewer" not in text
    assert not re.search(r"(?<![\d,.])[1-9] people", text), text
    fig = detention.halving_chart(jail({2018: 16, 2019: 15, 2020: 14, 2021: 13}), o, title="t", **COMMON)
    goal = next(t for t in fig.data if t.name.startswith("Goal"))
    assert "Goal: fewer than 10 people" in goal.hovertemplate
