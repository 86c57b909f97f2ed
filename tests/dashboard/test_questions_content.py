"""The questions page's sentences, from small hand-made frames shaped like questions_values.sql's rows: each
question answered with its period, the person in office and n, and the plain "the data do not allow" sentences."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.content import questions
from etl.vocab import AGE_BANDS
from tests.intervals import with_intervals

LENS = {lens.key: lens for lens in questions.LENSES}
LABELS = {"decl": "Declination rate", "div": "Diversion rate (after charging)", "bail": "Money bail set",
          "held": "Held without bail", "dism": "Dismissal rate", "c1k": "Bail needing $1,000 or more to go home",
          "c10k": "Bail needing $10,000 or more to go home"}
STAGES = {"decl": "referral", "div": "disposition", "bail": "pretrial", "held": "pretrial", "dism": "disposition",
          "c1k": "bail_amount", "c10k": "bail_amount"}


def rows(cells: list[tuple[str, int, str, float | None, float | None]], *, recorded: bool = True) -> pd.DataFrame:
    """(metric, year, group, numerator, denominator) -> rows as the query returns them (None: hidden)."""
    frame = pd.DataFrame(cells, columns=["metric_id", "year", "grp", "numerator", "denominator"])
    shown = with_intervals(frame[frame["denominator"] > 0], "share")  # 0 of 0: no value, as in the query
    frame = frame.join(shown[["value", "ci_low", "ci_high"]])
    return frame.assign(period_key=frame["year"].astype(str), recorded=recorded,
                        stage=frame["metric_id"].map(STAGES), source_ids="src")


def years(*whole: int, partial: tuple[int, ...] = ()) -> pd.DataFrame:
    every = sorted({*whole, *partial})
    return pd.DataFrame({"period_key": [str(y) for y in every], "rank": every,
                         "whole": [y not in partial for y in every],
                         "when": [f"In {y}, with Jane Roe in office" for y in every]})


def answer(key: str, values: pd.DataFrame, periods: pd.DataFrame, metrics: list[str]) -> questions.Answer:
    return questions.section(LENS[key], values, periods, subject="Test County, Ohio", labels=LABELS,
                             metrics=metrics, where="Test County, Ohio")


def test_drug_cases_share_and_their_handling_against_every_other_case() -> None:
    values = rows([("decl", 2019, "a", 40, 200), ("decl", 2019, "b", 80, 800), ("decl", 2019, "share", 200, 1000),
                   ("decl", 2019, "all", 120, 1000), ("decl", 2018, "a", 10, 100), ("decl", 2018, "b", 50, 500)])
    got = answer("drug", values, years(2018, 2019), ["decl", "div"])
    assert got.sentence == (
        "In 2019, with Jane Roe in office, drug cases were 20.0% of the 1,000 cases police brought to prosecutors in "
        "Test County, Ohio (95% interval 17.6%–22.6%); declination rate: 20.0% of drug cases (n = 200; 95% interval "
        "15.0%–26.1%) against 10.0% of all other cases (n = 800; 95% interval 8.1%–12.3%); the intervals do not "
        "overlap.")
    assert set(got.rows["grp"]) == {"a", "b"} and set(got.rows["year"]) == {2019}
    table = questions.table(got, LENS["drug"], LABELS, place="Test County, Ohio", source="A source")
    assert list(table["group"]) == ["drug cases", "all other cases"]
    assert list(table["denominator"]) == [200, 800] and set(table["source"]) == {"A source"}


def test_a_part_year_is_never_the_answer_when_a_whole_one_exists() -> None:
    values = rows([("dism", 2020, "a", 30, 100), ("dism", 2020, "b", 30, 100),
                   ("dism", 2019, "a", 20, 100), ("dism", 2019, "b", 25, 100)])
    got = answer("level", values, years(2019, partial=(2020,)), ["dism"])
    assert got.sentence.startswith("In 2019, with Jane Roe in office, in Test County, Ohio, dismissal rate: 20.0% of "
                                   "misdemeanours (n = 100;")
    assert "against 25.0% of felonies (n = 100;" in got.sentence
    assert got.sentence.endswith("the intervals overlap, so the difference may be chance.")


def test_older_people_are_aged_55_and_over_exactly_as_the_bands_split() -> None:
    lens = LENS["older"]
    assert set(lens.a) | set(lens.b) | {"unknown"} == set(AGE_BANDS) and not set(lens.a) & set(lens.b)
    assert all(int(band[:2]) >= 55 for band in lens.a) and lens.names[0] == "people aged 55 and over"
    assert all(band == "under_18" or int(band.split("_")[1]) < 55 for band in lens.b)


def test_when_the_place_does_not_record_the_breakdown_it_says_so() -> None:
    values = rows([("decl", 2019, "a", 0, 0), ("decl", 2019, "b", 0, 0), ("decl", 2019, "all", 120, 1000)],
                  recorded=False)
    got = answer("older", values, years(2019), ["decl"])
    assert got.sentence == "The published data for Test County, Ohio do not record age."
    assert got.rows.empty and got.period == ""


def test_when_no_measure_of_the_question_is_published_it_names_them() -> None:
    values = rows([("dism", 2019, "all", 10, 100)]).iloc[0:0]
    got = answer("bail", values, years(), ["bail", "held"])
    assert got.sentence == ("The published data for Test County, Ohio include none of the measures this question "
                            "needs (money bail set or held without bail).")


def test_when_a_group_is_too_small_to_publish_it_says_there_is_no_comparison() -> None:
    values = rows([("dism", 2019, "a", None, None), ("dism", 2019, "b", 30, 300)])
    got = answer("level", values, years(2019), ["dism"])
    assert got.sentence == ("The published data for Test County, Ohio record whether a case is a misdemeanour or a "
                            "felony, but in no whole period are there enough cases of both misdemeanours and felonies "
                            "to publish the comparison.")


def test_money_bail_is_answered_for_every_bail_decision() -> None:
    values = rows([("bail", 2022, "all", 150, 500), ("held", 2022, "all", 50, 500), ("bail", 2021, "all", 1, 5)])
    got = answer("bail", values, years(2021, 2022), ["bail", "held"])
    assert got.sentence == ("In 2022, with Jane Roe in office, in Test County, Ohio: money bail set in 30.0% of 500 "
                            "bail decisions at first appearance (95% interval 26.1%–34.2%).")
    assert list(got.rows["metric_id"]) == ["bail", "held"]
    assert questions.BAIL_INCOME_TITLE.startswith("Detaining the Poor")
    assert questions.BAIL_INCOME_PUBLISHER == "Prison Policy Initiative" and "2016" in questions.BAIL_INCOMES


def test_what_bail_costs_lists_every_amount_lowest_first() -> None:
    values = rows([("c10k", 2022, "all", 50, 1000), ("c1k", 2022, "all", 900, 1000), ("c1k", 2021, "all", 5, 9)])
    got = questions.section(LENS["amount"], values, years(2021, 2022), subject="Test County, Ohio", labels=LABELS,
                            metrics=["c1k", "c10k"], where="Test County, Ohio",
                            amounts={"c1k": 1000.0, "c10k": 10000.0})
    assert got.sentence == (
        "In 2022, with Jane Roe in office, in Test County, Ohio: of 1,000 money bails set with an amount, 90.0% "
        "(95% interval 88.0%–91.7%) needed $1,000 or more in cash to go home and 5.0% (95% interval 3.8%–6.5%) "
        "$10,000 or more.")
    assert list(got.rows["metric_id"]) == ["c1k", "c10k"]


def test_without_bail_amounts_it_says_so_in_its_own_words() -> None:
    values = rows([("dism", 2019, "all", 10, 100)]).iloc[0:0]
    got = questions.section(LENS["amount"], values, years(), subject="Test County, Ohio", labels=LABELS,
                            metrics=["c1k"], where="Test County, Ohio", amounts={"c1k": 1000.0})
    assert got.sentence == ("The published data for Test County, Ohio give no amount for each money bail, so this "
                            "page cannot say how much cash people needed to go home.")


def test_metrics_come_from_roles_in_the_lens_order() -> None:
    roles = {"declined": ("decl",), "held_without_bail": ("held",), "money_bail": ("bail",),
             "decision_point": ("dism", "decl")}
    order = ["decl", "dism", "bail", "held"]
    assert questions.metrics_for(LENS["drug"], roles, order) == ["decl", "held", "bail"]
    assert questions.metrics_for(LENS["level"], roles, order) == ["decl", "dism"]


def test_a_prosecutor_period_is_their_term_with_the_years_of_data_in_it() -> None:
    terms = pd.DataFrame({"term_id": ["t2", "t2", "t1"], "office_name": ["Test DA"] * 3,
                          "start_date": [pd.Timestamp("2020-01-08")] * 2 + [pd.Timestamp("2016-01-01")],
                          "end_date": [pd.NaT, pd.NaT, pd.Timestamp("2019-12-31")],
                          "years": [[2020, 2021], [2022], None], "partial_years": [[], [2022], None]})
    periods = questions.term_periods(terms, "Jane Roe").set_index("period_key")
    assert periods.loc["t2", "when"] == ("During Jane Roe's term as Test DA (from 08 January 2020 on; data for "
                                         "2020–2022, 2022 for part of the year only)")
    assert periods.loc["t1", "when"] == ("During Jane Roe's term as Test DA (from 01 January 2016 to 31 December "
                                         "2019)")
    assert periods.loc["t2", "rank"] > periods.loc["t1", "rank"]


def test_a_prosecutor_sentence_names_the_term_not_a_place() -> None:
    values = rows([("dism", 2019, "a", 20, 100), ("dism", 2019, "b", 25, 100)]).assign(period_key="t1")
    periods = pd.DataFrame({"period_key": ["t1"], "rank": [1], "whole": [True],
                            "when": ["During Jane Roe's term as Test DA (from 2016-01-01 to 2019-12-31)"]})
    got = questions.section(LENS["level"], values, periods, subject="Jane Roe", labels=LABELS, metrics=["dism"])
    assert got.sentence.startswith("During Jane Roe's term as Test DA (from 2016-01-01 to 2019-12-31), dismissal "
                                   "rate: 20.0% of misdemeanours (n = 100;")


def test_the_chart_draws_each_group_with_its_interval_and_leaves_out_what_has_no_value() -> None:
    from dashboard.charts import questions as chart

    values = rows([("dism", 2019, "a", 20, 100), ("dism", 2019, "b", 30, 300), ("decl", 2019, "a", None, None),
                   ("decl", 2019, "b", 50, 500)]).assign(label=lambda f: f["metric_id"].map(LABELS))
    names = {"a": "misdemeanours", "b": "felonies"}
    fig = chart.groups_chart(values, names=names, title="Low-level cases", source="src", built="2026-01-01",
                             demo=False)
    traces = {t.name: t for t in fig.data}
    assert list(traces) == ["misdemeanours", "felonies"]
    assert list(traces["misdemeanours"].x) == [20.0] and len(traces["felonies"].x) == 2
    low, high = values.loc[0, "ci_low"] * 100, values.loc[0, "ci_high"] * 100
    assert traces["misdemeanours"].error_x.arrayminus[0] == pytest.approx(20.0 - low)
    assert traces["misdemeanours"].error_x.array[0] == pytest.approx(high - 20.0)
    alt = chart.groups_alt(values, names=names, place="Test County", period="In 2019")
    assert alt.startswith("Dot chart for Test County. In 2019: Dismissal rate: misdemeanours 20.0%")
    empty = chart.groups_chart(values.iloc[0:0], names=names, title="t", source="s", built="b", demo=False)
    assert "No published value to draw" in empty.layout.annotations[0].text
