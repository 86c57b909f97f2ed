"""The county, prosecutor and compare charts as pure functions: their output specs, without Streamlit."""

from __future__ import annotations

import math
import re
from datetime import date

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.charts import detention, disparity, events, flow, trends
from dashboard.charts.common import DEMO_TEXT
from tests.intervals import with_intervals

COMMON = {"source": "Test source <b>", "built": "2025-01-01", "demo": True}


def yearly(values: dict[int, tuple[float, float] | None], series: str = "All cases") -> pd.DataFrame:
    """Rows for trend_chart: {year: (numerator, denominator)} or None for a suppressed year."""
    rows = []
    for year, counts in values.items():
        if counts is None:
            rows.append({"series": series, "year": year, "numerator": None, "denominator": None, "value": None,
                         "ci_low": None, "ci_high": None, "suppressed": True,
                         "suppression_reason": "fewer than 10 cases counted"})
        else:
            x, n = counts
            rows.append({"series": series, "year": year, "numerator": x, "denominator": n, "suppressed": False,
                         "suppression_reason": None})
    frame = pd.DataFrame(rows)
    published = frame[~frame["suppressed"]]
    filled = with_intervals(published, "share")
    for column in ("value", "ci_low", "ci_high"):
        frame.loc[published.index, column] = filled[column]
    return frame


def terms_frame() -> pd.DataFrame:
    return pd.DataFrame([
        {"prosecutor_id": "anita", "name": "Anita Alvarez", "start_date": date(2008, 12, 1),
         "end_date": date(2012, 11, 30), "entry": "elected"},
        {"prosecutor_id": "anita", "name": "Anita Alvarez", "start_date": date(2012, 12, 1),
         "end_date": date(2016, 11, 30), "entry": "elected"},
        {"prosecutor_id": "kim", "name": "Kim <Foxx>", "start_date": date(2016, 12, 1),
         "end_date": date(2024, 12, 1), "entry": "elected"},
        {"prosecutor_id": "temp", "name": "Interim Person", "start_date": date(2024, 12, 2),
         "end_date": None, "entry": "interim"},
    ])


# --- trend chart ---------------------------------------------------------------------------------------------


def test_trend_chart_draws_line_band_and_leaves_suppressed_years_out() -> None:
    series = yearly({2014: (30, 100), 2015: (40, 100), 2016: None, 2017: (25, 90), 2018: (20, 80)})
    fig = trends.trend_chart(series, unit="share", title="Dismissal rate", **COMMON)
    line = next(t for t in fig.data if t.name == "All cases")
    assert line.mode == "lines+markers" and line.connectgaps is False
    xs = list(line.x)
    assert xs == ["2014-07-01", "2015-07-01", "2016-07-01", "2017-07-01", "2018-07-01"]
    ys = list(line.y)
    assert ys[2] is None, "a suppressed year is a gap, never a value (and never zero)"
    assert ys[0] == pytest.approx(0.30) and ys[3] == pytest.approx(25 / 90)
    assert 0 not in [y for y in ys if y is not None]
    bands = [t for t in fig.data if t.fill == "toself"]
    assert len(bands) == 2, "one band per run of published years (2014-2015 and 2017-2018)"
    first = bands[0]
    lows = series.loc[series["year"].isin([2014, 2015]), "ci_low"].tolist()
    highs = series.loc[series["year"].isin([2014, 2015]), "ci_high"].tolist()
    assert list(first.y) == pytest.approx(highs + lows[::-1])
    assert all(lo < v < hi for lo, v, hi in zip(lows, [0.30, 0.40], highs, strict=True))
    marker = next(t for t in fig.data if t.name == trends.SUPPRESSED_NAME)
    assert "2016-07-01" in list(marker.x) and marker.yaxis == "y2"
    assert any("2016: not shown (fewer than 10 cases counted)" in t for t in marker.text)
    hover = " ".join(line.text)
    assert "30 of 100 cases" in hover and "95% interval" in hover
    assert fig.layout.yaxis.tickformat == ".0%"


def test_single_published_year_gets_an_interval_bar_not_a_band() -> None:
    series = yearly({2014: (30, 100), 2015: None, 2016: (50, 100)})
    fig = trends.trend_chart(series, unit="share", title="t", **COMMON)
    bars = [t for t in fig.data if t.error_y is not None and t.error_y.array is not None]
    assert len(bars) == 2
    assert not [t for t in fig.data if t.fill == "toself"]


def test_term_shading_is_named_merged_and_escaped() -> None:
    series = yearly({y: (30, 100) for y in range(2012, 2025)})
    fig = trends.trend_chart(series, unit="share", title="t", terms=terms_frame(), **COMMON)
    shapes = [s for s in fig.layout.shapes if s.type == "rect"]
    names = [s.name for s in shapes]
    assert names == ["Anita Alvarez", "Kim &lt;Foxx&gt;", "Interim Person (interim)"], \
        "consecutive terms of one person are one band; data text is escaped; interim is said"
    anita, kim = shapes[0], shapes[1]
    assert anita.x0 == "2012-01-01" and anita.x1 == "2016-11-30", "clipped to the chart's years"
    assert kim.x0 == "2016-12-01" and kim.x1 == "2024-12-01"
    assert all(s.yref == "paper" and s.layer == "below" for s in shapes)
    labels = [a.text for a in fig.layout.annotations if (a.name or "").startswith("term: ")]
    assert labels == names
    assert "<Foxx>" not in fig.to_json()


def test_highlighted_term_stands_out() -> None:
    series = yearly({y: (30, 100) for y in range(2014, 2020)})
    terms = terms_frame().assign(highlight=lambda f: f["prosecutor_id"] == "kim")
    fig = trends.trend_chart(series, unit="share", title="t", terms=terms, **COMMON)
    colours = {s.name: s.fillcolor for s in fig.layout.shapes if s.type == "rect"}
    assert colours["Kim &lt;Foxx&gt;"] == trends.HIGHLIGHT
    assert colours["Anita Alvarez"] == trends.DIMMED


def test_groups_are_lines_and_fully_suppressed_groups_are_left_out() -> None:
    black = yearly({2014: (30, 100), 2015: (35, 100)}, series="Black")
    white = yearly({2014: (20, 100), 2015: None}, series="White")
    asian = yearly({2014: None, 2015: None}, series="Asian <script>")
    fig = trends.trend_chart(pd.concat([black, white, asian], ignore_index=True), unit="share", title="t", **COMMON)
    lines = [t.name for t in fig.data if t.mode == "lines+markers"]
    assert lines == ["Black", "White"]
    assert not [t for t in fig.data if t.name == trends.SUPPRESSED_NAME], "groups: gaps plus a note, no markers"
    note = trends.suppressed_note(pd.concat([black, white, asian], ignore_index=True))
    assert "White 2015" in note and "Asian <script> 2014–2015" in note


def test_trend_chart_puts_title_source_date_and_demo_mark_inside() -> None:
    fig = trends.trend_chart(yearly({2014: (30, 100)}), unit="share", title="Dismissal <rate>", **COMMON)
    texts = [a.text for a in fig.layout.annotations]
    assert any(DEMO_TEXT in t for t in texts)
    assert any("Test source &lt;b&gt;" in t and "2025-01-01" in t for t in texts)
    assert "Dismissal &lt;rate&gt;" in fig.layout.title.text


def test_rates_per_100k_use_counts_of_people() -> None:
    frame = pd.DataFrame([{"series": "Jail", "year": 2020, "numerator": 1000.0, "denominator": 400000.0,
                           "suppressed": False, "suppression_reason": None}])
    frame = with_intervals(frame, "per_100k")
    assert frame["value"].iloc[0] == pytest.approx(250)
    assert frame["ci_low"].iloc[0] == pytest.approx((1000 - 1.96 * math.sqrt(1000)) / 400000 * 1e5)
    fig = trends.trend_chart(frame, unit="per_100k", title="t", **COMMON)
    hover = next(t for t in fig.data if t.name == "Jail").text[0]
    assert "1,000 people in jail; 400,000 adults" in hover
    assert fig.layout.yaxis.tickformat == ",.0f"


def test_the_tests_wilson_interval_is_the_warehouses() -> None:
    frame = with_intervals(pd.DataFrame({"numerator": [10.0], "denominator": [30.0]}), "share")
    # the warehouse's own 2012 Cook demo row: 10 of 30 -> 0.192303 to 0.512203
    assert frame["ci_low"].iloc[0] == pytest.approx(0.192303, abs=1e-6)
    assert frame["ci_high"].iloc[0] == pytest.approx(0.512203, abs=1e-6)


def test_empty_trend_says_so() -> None:
    empty = yearly({2014: (1, 10)}).iloc[0:0]
    fig = trends.trend_chart(empty, unit="share", title="t", **COMMON)
    assert not fig.data
    assert any("No published values" in a.text for a in fig.layout.annotations)


def test_alt_text_names_range_terms_and_gaps() -> None:
    series = yearly({2014: (30, 100), 2015: None, 2016: (50, 100)})
    text = trends.alt_text(series, measure="dismissal rate", unit="share", place="Cook County", terms=terms_frame())
    assert "2014 to 2016" in text and "30%" in text and "50%" in text
    assert "Anita Alvarez from 2008 to 2016" in text
    assert "All cases 2015" in text


def test_subtitles_fit_a_phone_screen() -> None:
    """Plotly never wraps a title: a long subtitle was cut off at 375 px. Each line now fits."""
    from dashboard.charts.common import SUBTITLE_WIDTH
    subtitle = ("95% intervals as bands; shaded: years attributed to the prosecutor in office most of the year; "
                "by race")
    from dashboard.charts.common import finish

    fig = finish(go.Figure(), title="Dismissal rate", subtitle=subtitle, **COMMON)
    lines = [re.sub(r"<[^>]+>", "", line) for line in fig.layout.title.text.split("<br>")[1:]]
    assert len(lines) > 1 and all(len(line) <= SUBTITLE_WIDTH for line in lines)
    assert " ".join(lines) == subtitle
    assert fig.layout.margin.t >= 50 + 18 * len(lines), "room above the plot for every line"


def test_year_list_and_labels() -> None:
    assert trends.year_list([2012, 2013, 2014, 2016]) == "2012–2014, 2016"
    assert trends.group_label("race", "asian_pacific") == "Asian or Pacific Islander"
    assert trends.group_label("age_band", "65_plus") == "65 and over"
    assert trends.group_label("offense_category", "weapons") == "Weapons"


# --- case flow ---------------------------------------------------------------------------------------------


def catalogue_roles() -> dict[str, tuple[str, ...]]:
    """Each metric role's metrics as the app reads them: the `metric_roles` query over etl/metrics.toml."""
    from dashboard.db import sql_text
    from etl.metrics import load_definitions

    con = duckdb.connect()
    con.execute("CREATE TABLE metric_definition (metric_id VARCHAR, roles VARCHAR[], sort_order INTEGER,"
                " denominator_outcomes VARCHAR[])")
    con.executemany("INSERT INTO metric_definition VALUES (?, ?, ?, ?)",
                    [(d["metric_id"], d.get("roles", []), d["sort_order"], d["denominator"])
                     for d in load_definitions()])
    return {role: tuple(ids) for role, ids in con.execute(sql_text("metric_roles")).fetchall()}


ROLES = catalogue_roles()


def test_the_flow_follows_the_catalogues_roles_not_metric_ids() -> None:
    """A metric renamed in etl/metrics.toml keeps its place in the funnel: the roles, not ids in code, say which."""
    assert ROLES["referred"] == ("referral_other_rate", "declination_rate"), "every referral first"
    values = metric_rows([("renamed_declination", 2020, 20, 200), ("renamed_conviction", 2020, 100, 150)])
    counts = flow.flow_counts(values, {"referred": ("renamed_declination",), "declined": ("renamed_declination",),
                                       "resolved": ("renamed_conviction",), "convicted": ("renamed_conviction",)},
                              2020, 2020).set_index("stage")
    assert counts.loc[["referred", "charged", "resolved", "convicted"], "count"].tolist() == [200, 180, 150, 100]


def metric_rows(rows: list[tuple[str, int, float | None, float | None]]) -> pd.DataFrame:
    return pd.DataFrame([{"metric_id": m, "year": y, "numerator": x, "denominator": n, "suppressed": x is None}
                         for m, y, x, n in rows])


def test_flow_stages_cover_the_same_years() -> None:
    """Cook County: intake 2011-2017, dispositions 2011-2016: the funnel sets 6 years against 6, never 7 against 6."""
    values = metric_rows([("declination_rate", y, 10, 100) for y in range(2011, 2018)]
                         + [("conviction_rate", y, 40, 60) for y in range(2011, 2017)])
    counts = flow.flow_counts(values, ROLES, 2011, 2017).set_index("stage")
    assert counts.loc["referred", "years"] == list(range(2011, 2017))
    assert counts.loc["referred", "count"] == 600 and counts.loc["resolved", "count"] == 360
    assert counts.loc["referred", "outside"] == [2017] and counts.loc["resolved", "outside"] == []
    alone = flow.flow_counts(values[values["metric_id"] == "declination_rate"], ROLES, 2011, 2017).set_index("stage")
    assert alone.loc["referred", "count"] == 700 and alone.loc["referred", "outside"] == []


def test_flow_referrals_include_referrals_with_another_outcome() -> None:
    """San Francisco: further investigation and revocations are referrals too, outside the declination rate."""
    values = metric_rows([("declination_rate", 2019, 30, 100), ("referral_other_rate", 2019, 15, 115),
                          ("declination_rate", 2020, 40, 100)])
    counts = flow.flow_counts(values, ROLES, 2019, 2020).set_index("stage")
    assert counts.loc["referred", "count"] == 115 + 100, "2020 has no such measure: its declination denominator"
    assert counts.loc["charged", "count"] == 70 + 60


def test_flow_counts_sum_published_years_and_name_the_rest() -> None:
    values = metric_rows([
        ("declination_rate", 2020, 20, 200), ("declination_rate", 2021, 30, 300),
        ("prefiling_diversion_rate", 2020, 10, 200), ("prefiling_diversion_rate", 2021, None, None),
        ("conviction_rate", 2020, 100, 150), ("conviction_rate", 2021, None, None),
    ])
    counts = flow.flow_counts(values, ROLES, 2020, 2021).set_index("stage")
    assert counts.loc["referred", "count"] == 500
    assert counts.loc["charged", "count"] == 200 - 20 - 10, "charged needs both declined and diverted published"
    assert counts.loc["charged", "withheld"] == [2021]
    unreported = flow.flow_counts(values[values["metric_id"] != "prefiling_diversion_rate"], ROLES, 2020, 2021)
    assert unreported.set_index("stage").loc["charged", "count"] == 500 - 50, "no diversion measure: none diverted"
    assert counts.loc["convicted", "count"] == 100 and counts.loc["convicted", "withheld"] == [2021]
    assert not counts.loc["sentenced", "available"]
    fig = flow.flow_chart(counts.reset_index(), title="Flow", **COMMON)
    funnel = fig.data[0]
    assert funnel.type == "funnel"
    assert list(funnel.y) == ["Referred by police", "Charged", "Resolved in court", "Convicted"]
    assert list(funnel.x) == [500, 170, 150, 100]
    assert flow.missing_stages({"referral", "disposition"}) == ["bail and release decisions", "sentences",
                                                                "jail population"]


# --- disparity ---------------------------------------------------------------------------------------------


def test_disparity_chart_shows_only_computable_groups_and_says_why() -> None:
    frame = pd.DataFrame([
        {"race": "black", "value": 1.8, "ci_low": 1.4, "ci_high": 2.3, "suppressed": False, "suppression_reason": None},
        {"race": "hispanic", "value": None, "ci_low": None, "ci_high": None, "suppressed": True,
         "suppression_reason": "group cell suppressed: fewer than 10 cases in all"},
        {"race": "asian_pacific", "value": None, "ci_low": None, "ci_high": None, "suppressed": True,
         "suppression_reason": "a zero count: no interval can be computed"},
        {"race": "other", "value": 1.1, "ci_low": None, "ci_high": None, "suppressed": False,
         "suppression_reason": None},
    ])
    fig = disparity.disparity_chart(frame, measure="relative_rate", title="t", **COMMON)
    dots = fig.data[0]
    assert list(dots.y) == ["Black"] and list(dots.x) == [1.8]
    assert list(dots.error_x.array) == pytest.approx([0.5]) and list(dots.error_x.arrayminus) == pytest.approx([0.4])
    assert fig.layout.xaxis.type == "log"
    assert any(s.x0 == 1 for s in fig.layout.shapes), "a reference line at 1 (no difference)"
    notes = " ".join(disparity.disparity_notes(frame))
    assert "Hispanic: not shown — group cell suppressed" in notes
    assert "zero count" in notes and "Other race: not shown — its interval cannot be computed" in notes


def test_disparity_log_axis_labels_read_as_the_ratio() -> None:
    """A ratio of 0.3 sits at a tick labelled "0.3", never "3" (plotly's own log ticks print the first digit)."""
    frame = pd.DataFrame([
        {"race": "black", "value": 2.5, "ci_low": 2.1, "ci_high": 2.9, "suppressed": False, "suppression_reason": None},
        {"race": "asian_pacific", "value": 0.3, "ci_low": 0.25, "ci_high": 0.36, "suppressed": False,
         "suppression_reason": None},
    ])
    axis = disparity.disparity_chart(frame, measure="relative_rate", title="t", **COMMON).layout.xaxis
    labels = dict(zip(axis.tickvals, axis.ticktext, strict=True))
    assert axis.tickmode == "array"
    assert labels[0.3] == "0.3" and labels[1.0] == "1" and labels[2.0] == "2"
    assert all(float(text) == pytest.approx(value) for value, text in labels.items())
    low, high = (10 ** r for r in axis.range)
    assert all(low <= v <= high for v in axis.tickvals)


def test_approximate_representation_ratios_say_so() -> None:
    frame = pd.DataFrame([
        {"race": "black", "reference": "county_population_any_ethnicity", "value": 2.0, "ci_low": 1.8,
         "ci_high": 2.2, "suppressed": False, "suppression_reason": None},
        {"race": "hispanic", "reference": "county_population", "value": 0.7, "ci_low": 0.6, "ci_high": 0.8,
         "suppressed": False, "suppression_reason": None},
        {"race": "white", "reference": "county_population", "value": None, "ci_low": None, "ci_high": None,
         "suppressed": True, "suppression_reason": "no like population"},
    ])
    notes = disparity.disparity_notes(frame)
    assert "White: not shown — no like population." in notes
    approximate = [n for n in notes if "approximate" in n]
    assert len(approximate) == 1 and approximate[0].startswith("Black: approximate")


def test_difference_chart_and_sentences() -> None:
    rows = pd.DataFrame([
        {"metric_id": "dismissal_rate", "comparison": "predecessor", "other_label": "Anita <A>", "value": 0.3,
         "other_value": 0.2, "diff": 0.1, "diff_low": 0.05, "diff_high": 0.15, "note": None},
        {"metric_id": "dismissal_rate", "comparison": "state_others", "other_label": "the state's other offices",
         "value": 0.3, "other_value": 0.29, "diff": 0.01, "diff_low": -0.03, "diff_high": 0.05, "note": None},
        {"metric_id": "conviction_rate", "comparison": "predecessor", "other_label": "Anita <A>", "value": None,
         "other_value": 0.5, "diff": None, "diff_low": None, "diff_high": None,
         "note": "their own value is withheld: too few cases to publish"},
        {"metric_id": "jail_rate_per_100k", "comparison": "predecessor", "other_label": "Anita <A>", "value": 300,
         "other_value": 250, "diff": 50, "diff_low": 40, "diff_high": 60, "note": None},
    ])
    units = {"dismissal_rate": "share", "conviction_rate": "share", "jail_rate_per_100k": "per_100k"}
    labels = {"dismissal_rate": "Dismissal rate", "conviction_rate": "Conviction rate"}
    fig = disparity.difference_chart(rows, unit_of=units, labels=labels, title="t", **COMMON)
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"vs predecessor", "vs the state's other offices"}
    assert list(by_name["vs predecessor"].x) == pytest.approx([10.0]), "shares only, in percentage points"
    assert "Anita &lt;A&gt;" in by_name["vs predecessor"].text[0]
    higher = disparity.difference_sentence(rows.iloc[0], "share", "Dismissal rate")
    assert "10.0 points higher than Anita <A>" in higher and "95% interval +5.0 to +15.0" in higher
    unclear = disparity.difference_sentence(rows.iloc[1], "share", "Dismissal rate")
    assert "no clear difference from the state's other offices" in unclear
    withheld = disparity.difference_sentence(rows.iloc[2], "share", "Conviction rate")
    assert "withheld" in withheld
    rate = disparity.difference_sentence(rows.iloc[3], "per_100k", "Jail")
    assert "50.0 per 100,000 higher" in rate
    skipped = rows.iloc[0].copy()
    skipped["note"] = "Suzy Loftus, the immediate predecessor, has no data of their own"
    assert disparity.difference_sentence(skipped, "share", "Dismissal rate").endswith(
        "Note: Suzy Loftus, the immediate predecessor, has no data of their own.")
    assert fig.layout.showlegend is True, "the legend says which comparison each dot is"


# --- detention -----------------------------------------------------------------------------------------------


def jail(values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"year": list(values), "population": list(values.values())})


def test_halving_chart_draws_the_goal_the_projection_at_the_fitted_pace_and_the_events() -> None:
    data = jail({2015: 1000, 2019: 900, 2020: 860, 2021: 820, 2022: 780})
    outlook = detention.halving_outlook(data, 2015)
    events = pd.DataFrame({"event_date": [date(2020, 3, 17), date(2045, 1, 1)], "kind": "court_ruling",
                           "label": ["Courts close", "Outside the chart"], "citation_title": "Order 1",
                           "publisher": "A court", "url": "https://example.org/o"})
    fig = detention.halving_chart(data, outlook, title="t", events=events, **COMMON)
    names = [t.name for t in fig.data]
    assert names == ["Jail population (average day, whole years)", "At the 2019–2022 pace", "Goal: half of 2015",
                     "Baseline (2015)", "Events (hover for the source)"]
    assert list(fig.data[2].y) == [500, 500]
    pace = fig.data[1]
    assert pace.y[0] == 780 and pace.y[-1] == pytest.approx(780 * (1 + outlook.pace.rate) ** (len(pace.y) - 1))
    assert pace.x[-1].startswith(str(outlook.year)), "the projection ends in the year half is reached"
    marks = fig.data[-1]
    assert [x for x in marks.x if x] == ["2020-03-17", "2020-03-17"], "only the event inside the chart is drawn"
    assert "Order 1, A court" in marks.text[0]
    footer = next(a.text for a in fig.layout.annotations if "Source:" in a.text)
    assert "Courts close (A court)" in footer, "an exported image names the events and their sources"


def place_events(*rows: tuple[date, str]) -> pd.DataFrame:
    """An `events` query result: (date, label) rows, each cited."""
    return pd.DataFrame({"event_date": [d for d, _l in rows], "kind": "bail_reform_law",
                         "label": [label for _d, label in rows], "citation_title": [f"Act: {lb}" for _d, lb in rows],
                         "publisher": "A legislature", "url": "https://example.org/act"})


def test_events_of_several_places_are_named_and_a_shared_one_is_marked_once() -> None:
    bail = (date(2023, 9, 18), "Illinois ends cash bail")
    cook = place_events(bail, (date(2016, 12, 1), "Kim Foxx takes office"))
    lake = place_events(bail)
    york = place_events((date(2020, 1, 1), "New York bail law"))
    marked = events.of_places({"Cook, IL": cook, "Lake, IL": lake, "New York, NY": york, "Empty, TX": None})
    assert list(marked.columns) == events.EXPORT_COLUMNS
    assert list(marked["label"]) == ["Cook, IL: Kim Foxx takes office", "New York, NY: New York bail law",
                                     "Cook, IL; Lake, IL: Illinois ends cash bail"], "in date order, a shared one once"
    assert list(marked["place"]) == ["Cook, IL", "New York, NY", "Cook, IL; Lake, IL"]
    assert list(marked["citation_title"]) == ["Act: Kim Foxx takes office", "Act: New York bail law",
                                              "Act: Illinois ends cash bail"]

    fig = trends.trend_chart(yearly({2015: (30, 100), 2021: (40, 100), 2024: (25, 90)}, series="Cook, IL"),
                             unit="share", title="t", events=marked, **COMMON)
    marks = next(t for t in fig.data if t.name == "Events (hover for the source)")
    assert "<b>New York, NY: New York bail law</b>" in marks.text[3], "the hover says whose law it is"
    labels = " ".join(a.text for a in fig.layout.annotations)
    assert "Cook, IL; Lake, IL:" in labels.replace("<br>", " ")
    footer = next(a.text for a in fig.layout.annotations if "Source:" in a.text)
    assert "New York, NY: New York bail law (A legislature)" in footer.replace("<br>", " ")

    export = events.export_for_years(marked, pd.Series([2015, 2021]), "ignored")
    assert list(export["place"]) == ["Cook, IL", "New York, NY"], "each event keeps its places; 2023 is not drawn"

    alone = events.of_places({"Cook, IL": cook})
    assert list(alone["label"]) == ["Kim Foxx takes office", "Illinois ends cash bail"], "one place: not named"
    assert set(alone["place"]) == {"Cook, IL"}
    assert events.of_places({"Cook, IL": None, "Lake, IL": cook.iloc[0:0]}).empty


def test_csv_downloads_neutralise_spreadsheet_formulas() -> None:
    import pandas as pd

    from dashboard.components import csv_bytes

    text = csv_bytes(pd.DataFrame({"label": ["=cmd|' /C calc'!A0", "@SUM(A1)", "plain", "-2+3"], "n": [1, 2, 3, -4]}))
    lines = text.decode().splitlines()
    assert lines[1].startswith("'=cmd") and lines[2].startswith("'@SUM") and lines[3].startswith("plain")
    assert lines[4] == "'-2+3,-4"  # text is quoted, numbers stay numbers


def test_a_change_of_source_is_drawn_as_a_break_with_its_caveat() -> None:
    series = yearly({2014: (30, 100), 2015: (40, 100), 2016: None, 2017: (25, 90), 2018: (20, 80)})
    series["source"] = ["County DA annual report", "County DA annual report", None, "Court <records>",
                        "Court <records>"]
    assert trends.source_breaks(series) == [(2017, "County DA annual report", "Court <records>")]
    fig = trends.trend_chart(series, unit="share", title="Dismissal rate", **COMMON)
    [mark] = [t for t in fig.data if t.name == trends.SOURCE_BREAK_NAME]
    assert list(mark.x) == ["2017-01-01", "2017-01-01", None] and mark.yaxis == "y3"
    assert ("From 2017 the figures come from Court &lt;records&gt;, before from County DA annual report: the two "
            "count in their own ways") in mark.text[0]
    same = series.assign(source="County DA annual report")
    fig = trends.trend_chart(same, unit="share", title="Dismissal rate", **COMMON)
    assert not [t for t in fig.data if t.name == trends.SOURCE_BREAK_NAME]


def test_a_long_footer_grows_the_figure_not_shrinks_the_plot() -> None:
    """Many events or sources in the footer (a compare chart of three places) must not squeeze the plot away."""
    from dashboard.charts.common import finish

    def plot_height(source: str) -> float:
        fig = finish(go.Figure(), title="T", source=source, built="2026-01-01", demo=False)
        return fig.layout.height - fig.layout.margin.t - fig.layout.margin.b

    long = "; ".join(f"2020-01-{day:02d} an event with a long label (A publisher, {day} January 2020)"
                     for day in range(1, 12))
    assert plot_height(long) == plot_height("One source")
