"""The plain-language summary: written from the numbers, hedged where counts are small or intervals wide."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import summary
from dashboard.charts.detention import halving_outlook
from tests.intervals import with_intervals


def headline(numerator: float | None, denominator: float | None, *, state: float | None = None,
             state_counties: int = 10, similar: float | None = None, metric: str = "dismissal_rate",
             label: str = "Dismissal rate", unit: str = "share", y0: int = 2023, y1: int = 2023) -> pd.Series:
    frame = pd.DataFrame({"numerator": [numerator], "denominator": [denominator]})
    if numerator is not None:
        frame = with_intervals(frame, unit)
    else:
        frame = frame.assign(value=None, ci_low=None, ci_high=None)
    row = frame.iloc[0].to_dict()
    row.update({"metric_id": metric, "label": label, "unit": unit, "y0": y0, "y1": y1, "state_value": state,
                "state_n_counties": state_counties, "similar_value": similar})
    return pd.Series(row)


def test_small_counts_are_hedged_as_too_few() -> None:
    text = summary.metric_sentence(headline(3, 12, state=0.5))
    assert "the data are too few to say" in text
    assert "3 of 12 cases" in text
    assert "higher" not in text and "lower" not in text and "close to" not in text


def test_moderate_counts_say_about() -> None:
    text = summary.metric_sentence(headline(60, 200, state=0.30), state_name="Illinois")
    assert text.startswith("Dismissal rate in 2023: about 30%")
    assert "60 of 200 cases" in text and "95% interval" in text
    assert "close to the 30% of the 10 other Illinois counties with data measured alike" in text


def test_large_counts_state_the_value_and_a_clear_difference() -> None:
    text = summary.metric_sentence(headline(3000, 10000, state=0.20, similar=0.303), state_name="Illinois")
    assert "Dismissal rate in 2023: 30% (3,000 of 10,000 cases" in text
    assert "about" not in text
    assert "higher than the 20% of the 10 other Illinois counties with data measured alike" in text
    assert "close to the 30% of counties of similar size measured alike" in text


def test_state_without_other_counties_is_not_a_comparison() -> None:
    text = summary.metric_sentence(headline(3000, 10000, state=0.20, state_counties=0))
    assert "state" not in text and "other" not in text and "20%" not in text


def test_state_baseline_is_named_for_what_it_is() -> None:
    """One other county is 'the 1 other Illinois county', never 'Illinois' or 'the state' (it was the county)."""
    text = summary.metric_sentence(headline(3000, 10000, state=0.20, state_counties=1), state_name="Illinois")
    assert "higher than the 20% of the 1 other Illinois county with data measured alike" in text
    assert "Illinois's" not in text and "the state" not in text


def test_suppressed_value_says_so() -> None:
    text = summary.metric_sentence(headline(None, None))
    assert "no year has enough cases to publish" in text


def test_precision_rules() -> None:
    assert summary.precision(5, 20, 0.1, 0.5, "share") == "too_few"
    assert summary.precision(50, 100, 0.4, 0.6, "share") == "about"
    assert summary.precision(500, 1000, 0.47, 0.53, "share") == "firm"
    assert summary.precision(20, 100000, 1, 2, "per_100k") == "too_few"
    assert summary.precision(5000, 1000000, 490, 510, "per_100k") == "firm"
    assert summary.precision(None, None, None, None, "share") == "too_few"


def terms() -> pd.DataFrame:
    return pd.DataFrame([
        {"prosecutor_id": "a", "name": "Anita Alvarez", "office_name": "Cook County State's Attorney",
         "start_date": date(2008, 12, 1), "end_date": date(2016, 11, 30), "entry": "elected"},
        {"prosecutor_id": "k", "name": "Kim Foxx", "office_name": "Cook County State's Attorney",
         "start_date": date(2016, 12, 1), "end_date": date(2020, 11, 30), "entry": "elected"},
        {"prosecutor_id": "k", "name": "Kim Foxx", "office_name": "Cook County State's Attorney",
         "start_date": date(2020, 12, 1), "end_date": None, "entry": "elected"},
    ])


def test_office_sentence_joins_consecutive_terms() -> None:
    text = summary.office_sentence(terms(), today=date(2022, 5, 1))
    assert text == "Kim Foxx (elected) has led the Cook County State's Attorney since December 2016."
    old = summary.office_sentence(terms(), today=date(2010, 1, 1))
    assert "Anita Alvarez" in old


def test_county_summary_is_a_list_of_plain_sentences() -> None:
    headlines = pd.DataFrame([headline(60, 200, state=0.3), headline(3, 12, metric="trial_rate", label="Trial rate")])
    progress = halving_outlook(pd.DataFrame({"year": [2015, 2019, 2020, 2021, 2022],
                                             "population": [1000.0, 900.0, 860.0, 820.0, 780.0]}), 2015)
    sentences = summary.county_summary(place="Cook County", state_name="Illinois", terms=terms(),
                                       headlines=headlines, progress=progress,
                                       missing=["sentences", "jail population"], today=date(2022, 5, 1))
    assert sentences[0].startswith("Kim Foxx")
    assert any("about 30%" in s for s in sentences)
    assert any("Trial rate in 2023: the data are too few to say" in s for s in sentences)
    assert any(f"would reach half of 2015 in {progress.year}" in s for s in sentences)
    assert sentences[-1] == "The data for this county do not cover sentences or jail population."
    assert all("<" not in s and "**" not in s for s in sentences)


def test_county_summary_without_numbers() -> None:
    sentences = summary.county_summary(place="Loving County", state_name="Texas", terms=terms().iloc[0:0],
                                       headlines=pd.DataFrame())
    assert sentences == ["No prosecutor's office for this county is in the data yet.",
                         "There are no published case numbers for Loving County yet."]


def test_place_names() -> None:
    assert summary.place_name("Cook", "IL", "Illinois", "17031") == "Cook County, Illinois"
    assert summary.place_name("Orleans", "LA", "Louisiana", "22071") == "Orleans Parish, Louisiana"
    assert summary.place_name("Baltimore city", "MD", "Maryland", "24510") == "Baltimore (city), Maryland"
    assert summary.place_name("Virginia Beach", "VA", "Virginia", "51810") == "Virginia Beach (city), Virginia"
    assert summary.place_name("James City", "VA", "Virginia", "51095") == "James City County, Virginia"
    assert summary.place_name("Carson City", "NV", "Nevada", "32510") == "Carson City, Nevada"
    assert summary.place_name("Anchorage", "AK", "Alaska", "02020") == "Anchorage, Alaska"


def test_sources_text() -> None:
    titles = {"a": "Source A", "b": "Source B"}
    assert summary.sources_text("a,b", titles) == "Source A; Source B"
    assert summary.sources_text(pd.Series(["a", "a,b", None]), titles) == "Source A; Source B"
    assert summary.sources_text(None, titles) == "no published source for this selection"


def test_headline_table_pivots_the_card_rows() -> None:
    cards = pd.DataFrame([
        {"metric_id": "m", "label": "M", "question": "q", "unit": "share", "caveat": "c", "direction": "d",
         "sort_order": 1, "y0": 2020, "y1": 2020, "who": who, "numerator": x, "denominator": 100.0,
         "value": x / 100, "ci_low": 0.0, "ci_high": 1.0, "years_shown": 1, "years_suppressed": 0,
         "n_counties": k, "names": names, "source_ids": "s"}
        for who, x, k, names in (("county", 10.0, 1, None), ("state", 20.0, 50, "IL"), ("similar", 30.0, 4, "A; B"))])
    wide = summary.headline_table(cards)
    assert len(wide) == 1
    row = wide.iloc[0]
    assert row["value"] == 0.1 and row["state_value"] == 0.2 and row["similar_value"] == 0.3
    assert row["state_n_counties"] == 50 and row["similar_names"] == "A; B"
