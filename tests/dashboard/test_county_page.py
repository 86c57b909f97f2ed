"""The county page (/county?fips=...) through Streamlit's AppTest on a real demo warehouse (and, when
../shared/data is present, on the real one: figures Cook County and San Francisco publish)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.charts import trends
from dashboard.summary import place_name
from etl.public import private_path
from tests.dashboard.apptest_pages import (
    HOSTILE,
    assert_no_raw_html,
    chart_titled,
    charts,
    html_text,
    messages,
    open_page,
    shaded_names,
    sql,
    texts,
)

COOK = "17031"


pytestmark = pytest.mark.usefixtures("no_image_export")


def office_people(path: Path, fips: str) -> list[tuple[str, str]]:
    """(prosecutor_id, name) of every term in the offices covering the county, oldest first."""
    return sql(path, """SELECT t.prosecutor_id, p.name FROM office_county oc JOIN term t USING (office_id)
                        JOIN prosecutor p USING (prosecutor_id) WHERE oc.fips = ? ORDER BY t.start_date""", [fips])


def latest_value(path: Path, fips: str, metric: str) -> tuple[int, float, float, float]:
    return sql(path, """SELECT year(period_start), value, numerator, denominator FROM metric_value
                        WHERE scope = 'county' AND scope_id = ? AND metric_id = ? AND period_grain = 'year'
                          AND dimension = 'all' AND NOT suppressed ORDER BY period_start DESC LIMIT 1""",
               [fips, metric])[0]


def test_cook_county_page_shows_its_prosecutors_numbers_and_charts(warehouse: Path) -> None:
    at = open_page("county", fips=COOK)
    assert not at.exception
    county, state_abbr, state = sql(warehouse, "SELECT county_name, state_abbr, state_name FROM county WHERE fips = ?",
                                    [COOK])[0]
    assert at.title[0].value == place_name(county, state_abbr, state, COOK) == "Cook County, Illinois"
    people = office_people(warehouse, COOK)
    current = sql(warehouse, """SELECT p.name FROM office_county oc JOIN term t USING (office_id)
                                JOIN prosecutor p USING (prosecutor_id)
                                WHERE oc.fips = ? AND t.end_date IS NULL""", [COOK])[0][0]
    page = texts(at)
    assert current in "\n".join(m.value for m in at.markdown)
    terms_table = at.dataframe[0].value
    assert set(terms_table["Prosecutor"]) == {name for _, name in people}
    assert terms_table["Where the dates come from"].str.len().min() > 0
    # headline card: the latest published year of the dismissal rate, with its n, beside the state's
    year, value, numerator, denominator = latest_value(warehouse, COOK, "dismissal_rate")
    cards = "\n".join(html_text(h.proto.body) for h in at.get("html"))
    assert f"Dismissal rate\n{value * 100:.1f}%\n" in cards
    [(who,)] = sql(warehouse, """SELECT prosecutor FROM value_period WHERE scope = 'county' AND scope_id = ?
                                AND metric_id = 'dismissal_rate' AND year(period_start) = ?""", [COOK, year])
    # the card names who was in office for its year
    assert re.search(rf"{year} \([^)]*{re.escape(who)}[^)]*\) · n: {numerator:,.0f} of {denominator:,.0f} cases · "
                     "95% interval", page)
    assert "other Illinois counties with data measured alike: " in page and "Similar counties (" in page
    # trend of the default measure (the first with data), each prosecutor's time shaded and named
    first_metric = sql(warehouse, """SELECT d.metric_id FROM metric_definition d JOIN metric_value v USING (metric_id)
                                     WHERE v.scope = 'county' AND v.scope_id = ? AND NOT v.suppressed
                                     GROUP BY d.metric_id, d.sort_order ORDER BY d.sort_order LIMIT 1""", [COOK])[0][0]
    assert at.selectbox[0].value == first_metric
    trend = charts(at)[0]
    names = " ".join(shaded_names(trend))
    for _, name in people:
        assert trends.escape(name) in names
    assert any(t.get("fill") == "toself" for t in trend["data"]), "interval bands"
    subtitle = re.sub(r"<[^>]+>", " ", trend["layout"]["title"]["text"])  # lines joined again
    assert "years attributed to the prosecutor in office most of the year" in " ".join(subtitle.split())
    # the other panels
    for heading in ("In short", "Headline numbers", "From arrest to sentence", "Differences by race", "Jail and bail",
                    "What data exist for this county"):
        assert heading in page
    chart_titled(at, "Cases at each stage")
    chart_titled(at, "Jail population against half of")
    chart_titled(at, "Bail decisions")
    assert len(at.get("download_button")) >= len(charts(at)), "a CSV for every chart"
    assert "Chart description:" in page
    assert dict(at.query_params) == {"fips": COOK}


def test_chart_data_name_their_place(warehouse: Path) -> None:
    """A downloaded chart CSV (the table behind it) says which county it is about in every row."""
    at = open_page("county", fips=COOK, metric="dismissal_rate", by="race")
    switches = [t for t in at.toggle if str(t.key).startswith("table-")]
    assert {"table-trend", "table-flow"} <= {t.key for t in switches}
    for switch in switches:
        switch.set_value(True)
    at.run()
    assert not at.exception
    tables = [d.value for d in at.dataframe if "place" in d.value.columns]
    assert len(tables) == len(switches), "every chart's table names its place"
    for table in tables:
        assert list(table.columns)[0] == "place" and set(table["place"]) == {"Cook County, Illinois"}


@pytest.mark.parametrize("by", ["race", "sex", "age_band", "offense_category", "offense_level"])
def test_each_breakdown_draws_one_line_per_group(warehouse: Path, by: str) -> None:
    at = open_page("county", fips=COOK, metric="conviction_rate", by=by)
    assert not at.exception
    groups = sql(warehouse, """SELECT DISTINCT dimension_value FROM metric_value WHERE scope = 'county'
                               AND scope_id = ? AND metric_id = 'conviction_rate' AND dimension = ?
                               AND NOT suppressed""", [COOK, by])
    trend = chart_titled(at, "Conviction rate, Cook County")
    lines = {t["name"] for t in trend["data"] if t.get("mode") == "lines+markers"}
    assert lines == {trends.escape(trends.group_label(by, g)) for (g,) in groups}
    assert at.query_params["by"] == by


def test_metric_years_and_baseline_from_the_url(warehouse: Path) -> None:
    at = open_page("county", fips=COOK, metric="dismissal_rate", **{"from": "2015", "to": "2018"}, baseline="2016")
    assert not at.exception
    page = texts(at)
    assert "Dismissal rate over time" in page
    trend = chart_titled(at, "Dismissal rate, Cook County")
    years = sorted({int(x[:4]) for t in trend["data"] if t.get("mode") == "lines+markers" for x in t["x"] if x})
    assert years == [2015, 2016, 2017, 2018]
    pooled = sql(warehouse, """SELECT sum(numerator), sum(denominator) FROM metric_value WHERE scope = 'county'
                               AND scope_id = ? AND metric_id = 'dismissal_rate' AND dimension = 'all'
                               AND year(period_start) BETWEEN 2015 AND 2018 AND NOT suppressed""", [COOK])[0]
    assert re.search(rf"2015–2018 \(under .+?\) · n: {pooled[0]:,.0f} of {pooled[1]:,.0f} cases", page)
    jail_2016 = sql(warehouse, """SELECT numerator FROM metric_value WHERE scope = 'county' AND scope_id = ?
                                  AND metric_id = 'jail_rate_per_100k' AND year(period_start) = 2016""", [COOK])[0][0]
    assert f"In 2016 the jail held about {jail_2016:,.0f} people" in page
    assert dict(at.query_params) == {"fips": COOK, "metric": "dismissal_rate", "from": "2015", "to": "2018",
                                     "baseline": "2016"}


def test_changing_the_measure_updates_the_url(warehouse: Path) -> None:
    at = open_page("county", fips=COOK)
    at.selectbox(key=f"metric-{COOK}").select("conviction_rate").run()
    assert not at.exception
    assert at.query_params["metric"] == "conviction_rate"
    assert "Conviction rate over time" in texts(at)
    shared = {box.label: box.value for box in at.text_input}  # the share box follows the view
    assert "metric=conviction_rate" in shared["Link to this view"] and f"fips={COOK}" in shared["Link to this view"]
    assert "embed=true" in shared["To embed it in a web page, use an iframe with this link"]


def test_no_fips_offers_a_county_search(warehouse: Path) -> None:
    at = open_page("county")
    assert not at.exception
    assert at.selectbox(key="county-pick").value is None
    assert "Choose a county" in messages(at)
    at.selectbox(key="county-pick").select(COOK).run()
    assert not at.exception
    assert at.title[0].value == "Cook County, Illinois"


@pytest.mark.parametrize(("params", "expected"), HOSTILE, ids=[str(list(p)[0])[:12] for p, _ in HOSTILE])
def test_bad_and_hostile_parameters_get_a_friendly_message(warehouse: Path, params: dict, expected: str) -> None:
    at = open_page("county", **({"fips": COOK} | params if "fips" not in params else params))
    assert not at.exception
    assert expected in messages(at)
    assert_no_raw_html(at)
    if "fips" in params and params["fips"].startswith("17001,"):
        assert at.title[0].value == "Adams County, Illinois", "the first of many is shown"


def test_years_in_the_wrong_order_or_outside_the_data(warehouse: Path) -> None:
    at = open_page("county", fips=COOK, **{"from": "2019", "to": "2014"})
    assert not at.exception
    assert "they were swapped" in messages(at)
    assert at.query_params["from"] == "2014" and at.query_params["to"] == "2019"
    at = open_page("county", fips=COOK, **{"from": "2099"}, baseline="1995", metric="no_such_metric")
    assert not at.exception
    notes = messages(at)
    assert "outside it" in notes and "no published jail count for 1995" in notes and "not in the data" in notes


# --- the real warehouse: the sources' own figures ---------------------------------------------------------------


@pytest.mark.parametrize("metric", ["dismissal_rate", "conviction_rate"])
def test_real_cook_county_shades_alvarez_and_foxx_on_the_disposition_chart(real: Path, metric: str) -> None:
    at = open_page("county", fips=COOK, metric=metric)
    assert not at.exception
    assert at.title[0].value == "Cook County, Illinois"
    label = "Dismissal rate" if metric == "dismissal_rate" else "Conviction rate"
    trend = chart_titled(at, f"{label}, Cook County")
    names = shaded_names(trend)
    assert "Anita Alvarez" in names and "Kim Foxx" in names
    assert any(t.get("mode") == "lines+markers" and any(y is not None for y in t["y"]) for t in trend["data"])
    page = texts(at)
    assert "Anita Alvarez" in page or "Anita Alvarez" in set(at.dataframe[0].value["Prosecutor"])


def test_real_county_without_data_says_so(real: Path) -> None:
    empty = sql(real, """SELECT c.fips, c.county_name FROM county c WHERE NOT EXISTS (SELECT 1 FROM metric_value v
                         WHERE v.scope = 'county' AND v.scope_id = c.fips) ORDER BY c.fips LIMIT 1""")
    assert empty, "the real sources cover only some counties"
    at = open_page("county", fips=empty[0][0])
    assert not at.exception
    assert "No published numbers" in messages(at)
    assert "What data exist for this county" in texts(at)


def test_real_san_francisco_shows_its_four_district_attorneys(real: Path) -> None:
    at = open_page("county", fips="06075")
    assert not at.exception
    assert at.title[0].value == "San Francisco County, California"
    people = set(at.dataframe[0].value["Prosecutor"])
    wanted = {"George Gascón", "Suzy Loftus", "Chesa Boudin", "Brooke Jenkins"}
    assert wanted <= people
    shaded = " ".join(shaded_names(charts(at)[0]))
    for name in wanted:
        assert name in shaded


def test_real_cook_funnel_sets_like_years_against_like(real: Path) -> None:
    """Intake covers 2011-2017, dispositions 2011-2016: every funnel stage is counted over 2011-2016."""
    at = open_page("county", fips=COOK, metric="declination_rate")
    assert not at.exception
    funnel = chart_titled(at, "Cases at each stage, Cook County")
    referred = sql(real, """SELECT sum(denominator) FROM metric_value WHERE metric_id = 'referral_other_rate'
                            AND scope = 'county' AND scope_id = '17031' AND period_grain = 'year'
                            AND dimension = 'all' AND NOT suppressed AND year(period_start) BETWEEN 2011 AND 2016""")
    steps = dict(zip(funnel["data"][0]["y"], funnel["data"][0]["x"], strict=True))
    assert steps["Referred by police"] == referred[0][0]
    assert "Every stage is counted over the same years: 2017 left out" in texts(at)
    assert "shaded: shaded:" not in " ".join(str(c["layout"]) for c in charts(at))
    # the title names the years counted and the credit only the sources counted (not the jail's 2018-2026)
    assert "Cases at each stage, Cook County, 2011–2016" in funnel["layout"]["title"]["text"]
    credit = " ".join(a.get("text", "") for a in funnel["layout"].get("annotations", [])).replace("<br>", " ")
    assert "Felony Cases - Disposition Outcomes" in credit and "jail" not in credit.lower()


def test_real_state_and_similar_counties_are_measured_alike(real: Path) -> None:
    """Philadelphia's bail figures are set against no NYC borough (arraignments, not filings); Manhattan's
    against the 4 other New York counties, named as such, never as New York."""
    at = open_page("county", fips="42101")
    assert not at.exception
    page = texts(at)
    assert "NY" not in " ".join(line for line in page.splitlines() if line.startswith("Similar counties"))
    assert "Pennsylvania: no other county publishes this measure, measured the same way" in page
    at = open_page("county", fips="36061")
    assert not at.exception
    page = texts(at)
    assert "the 4 other New York counties with data measured alike" in page
    assert "New York's" not in page


def test_real_san_francisco_funnel_counts_every_referral(real: Path) -> None:
    """'Referred by police' is every arrest presented, further investigation and revocations included."""
    at = open_page("county", fips="06075", metric="declination_rate")
    assert not at.exception
    funnel = chart_titled(at, "Cases at each stage, San Francisco")
    steps = dict(zip(funnel["data"][0]["y"], funnel["data"][0]["x"], strict=True))
    span = funnel["data"][0]["text"][0].split(" cases in ")[1].split("<")[0]  # e.g. "2015–2022"
    years = [int(y) for y in span.split("–")]
    presented = sql(private_path(real), """SELECT sum(n) FROM case_counts
                                           WHERE source_id = 'sf_da_arrests' AND stage = 'referral'
                                           AND year(period_start) BETWEEN ? AND ?""", [years[0], years[-1]])[0][0]
    assert steps["Referred by police"] == presented
    assert steps["Referred by police"] > steps["Charged"]


def test_real_comparison_without_any_group_is_a_sentence_not_an_empty_chart(real: Path) -> None:
    """Cook's referrals (2011-2017) fall outside the census estimate's years: no representation chart, and no
    download buttons for one, but a sentence that says why for each group."""
    at = open_page("county", fips=COOK, metric="declination_rate")
    assert not at.exception
    titles = [c["layout"]["title"]["text"] for c in charts(at)]
    assert not any("share of the county" in t for t in titles)
    page = texts(at)
    assert "no group can be shown for 2017" in page
    assert "White: not shown — no like population" in page
    assert "no population estimate for this year (the estimate covers 2019-2023)" in page


def test_real_cook_county_jail_section_halving_prosecutors_cost_and_cited_events(real: Path) -> None:
    """Cook's real jail series: the whole-year trend since 2018, the halving sentence, each recent prosecutor's
    years, the cost with its citation and control, and the cited events on the trend charts and their CSV."""
    at = open_page("county", fips=COOK, metric="declination_rate")
    assert not at.exception
    halving = chart_titled(at, "Jail population against half of 2018, Cook County")
    line = next(t for t in halving["data"] if t.get("name") == "Jail population (average day, whole years)")
    years = [int(x[:4]) for x in line["x"]]
    monthly = next(t for t in halving["data"] if t.get("name") == "Monthly average")
    assert monthly["x"][0].startswith("2018-01") and "days reported" in monthly["text"][0]
    whole = sql(real, """SELECT year(v.period_start), v.numerator FROM metric_value v JOIN value_period vp
                         USING (metric_id, scope, scope_id, period_start, period_grain)
                         WHERE v.scope = 'county' AND v.scope_id = ? AND v.metric_id = 'jail_rate_per_100k'
                           AND v.dimension = 'all' AND NOT vp.partial ORDER BY 1""", [COOK])
    assert years == [y for y, _ in whole] and years[0] == 2018, "whole years only, from 2018"
    assert list(line["y"]) == [n for _, n in whole]
    page = texts(at)
    first, last = whole[0][1], whole[-1][1]
    assert (f"In 2018 the jail held about {first:,.0f} people on an average day; half of that is about "
            f"{first / 2:,.0f}") in page
    assert re.search(r"At the \d{4}–\d{4} pace \([+-]\d+\.\d% a year", page) or "never" in page
    assert f"In {whole[-1][0]} it held about {last:,.0f}" in page
    assert re.search(r"To reach half of 2018 by \d{4}, it would have to fall by about [\d,]+ people a year", page)
    assert "held before trial is not in the data" in page
    assert "The jail series starts in 2018, after Kim Foxx took office (December 2016)" in page
    assert "Eileen O'Neill Burke took office in December 2024" in page
    credit = next(line for line in page.splitlines() if line.startswith("Jail data: "))
    assert "Cook County Jail daily population" in credit
    cost = sql(real, "SELECT cost_per_day, title, publisher FROM jail_cost WHERE fips = ?", [COOK])
    if cost:
        per_day, title, publisher = cost[0]
        assert f"Source: [{title}]" in page and publisher in page
        assert at.number_input(key=f"cost-{COOK}").value == per_day
        assert f"At the cited figure of ${per_day:,.2f} a day" in page.replace("\\$", "$")
    else:
        assert "No cited figure for what a day in this jail costs" in page
    at.number_input(key=f"cost-{COOK}").set_value(200.0).run()
    assert not at.exception
    assert at.query_params["cost"] == "200", "a shared link keeps the figure entered"
    assert "At the figure entered of $200.00 a day" in texts(at).replace("\\$", "$")

    events = sql(real, "SELECT label, citation_title, publisher FROM event WHERE place IN ('17031', 'IL')")
    marks = next(t for t in halving["data"] if t.get("name") == "Events (hover for the source)")
    shown = " ".join(marks["text"])
    for label, title, publisher in events:
        if label.startswith("Illinois ends cash bail") or label.startswith("COVID-19"):
            assert label in shown and title in shown and publisher in shown
    trend = chart_titled(at, "Declination rate, Cook County")
    trend_marks = next(t for t in trend["data"] if t.get("name") == "Events (hover for the source)")
    assert "Kim Foxx takes office" in " ".join(trend_marks["text"]), "changes of prosecutor come from the terms"
    assert any(b.label == "Download the events marked, with sources (CSV)" for b in at.get("download_button"))
    assert any("Events marked: 2016-12-01 Kim Foxx takes office" in c.value.replace("\\", "") for c in at.caption), \
        "the chart description names the events for screen readers"


def test_real_cook_county_events_csv_carries_each_citation(real: Path) -> None:
    """The events CSV beside a trend chart: every event it marks, with its citation (the term's, for a change
    of prosecutor)."""
    from datetime import date

    from dashboard import db
    from dashboard.components import csv_bytes
    from dashboard.content import county

    base = county.county_base(COOK, db.current_version(), date.today())
    view = county.county_view(COOK, "declination_rate", "all", base.first_year, base.last_year, None, None,
                              db.current_version(), date.today())
    text = csv_bytes(view.trend.events).decode()
    assert text.splitlines()[0] == "place,event_date,kind,label,citation_title,publisher,url"
    assert "Kim Foxx takes office" in text and "Sworn in Thu 1 Dec 2016" in text
    assert "General Order No. 18.8A" in text and "https://university.pretrial.org/" in text
    halving = csv_bytes(view.halving.events).decode()
    assert "Illinois ends cash bail (Pretrial Fairness Act)" in halving and "https://www.illinoiscourts.gov/" in halving
