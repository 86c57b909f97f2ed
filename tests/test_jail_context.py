"""The cited context of the jail pages: events and jail costs from data/reference/ into public tables, every
row with its citation or rejected naming the line and column; and Cook County's real jail series."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.config import PROJECT
from etl.sources.jail_context import COST_COLUMNS, EVENT_COLUMNS, CitedEvents, JailCosts

REFERENCE = PROJECT / "data" / "reference"


def test_events_without_a_citation_or_with_a_bad_place_kind_or_date_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(",".join(EVENT_COLUMNS) + "\n"
                    "17031,2017-09-18,court_ruling,Bond order,Orden,Order,A court,https://example.org/a\n"
                    "170,2017-09-18,court_ruling,Bond order,Orden,Order,A court,https://example.org/a\n"
                    "IL,2023-09-18,new_kind,Cash bail ends,Fin,A new era,Courts,https://example.org/b\n"
                    "IL,2023-02-30,bail_reform_law,Cash bail ends,Fin,A new era,Courts,https://example.org/b\n"
                    "IL,2023-09-18,bail_reform_law,Cash bail ends,Fin,,Courts,https://example.org/b\n"
                    "IL,2023-09-18,bail_reform_law,Cash bail ends,Fin,A new era,Courts,see the paper\n"
                    "ZZ,2023-09-18,bail_reform_law,Cash bail ends,Fin,A new era,Courts,https://example.org/b\n"
                    "17031,2017-09-18,court_ruling,Bond order,Orden,Order,A court,https://example.org/a\n"
                    "IL,2023-09-18,bail_reform_law,Cash bail ends,,A new era,Courts,https://example.org/b\n"
                    "PA,2021-12-22,court_ruling,A ruling,Un fallo,A case,A site,https://example.org/case-no-905255034\n",
                    encoding="utf-8")
    result = CitedEvents().read([path])[0]
    assert result.rows_read == 10 and result.rows_loaded == 1 and result.rows_read == 1 + len(result.rejections)
    assert [(j.line, j.column) for j in result.rejections] == [
        (3, "place"), (4, "kind"), (5, "event_date"), (6, "citation_title"), (7, "url"), (8, "place"), (9, "label"),
        (10, "label_es"), (11, "url")]
    assert "change" in result.rejections[1].reason, "says where changes of prosecutor come from"


def test_a_cost_needs_a_figure_its_years_and_its_document(tmp_path: Path) -> None:
    path = tmp_path / "costs.csv"
    path.write_text(",".join(COST_COLUMNS) + "\n"
                    "17031,143,2011,a day in jail,Title,Publisher,2011,https://example.org/c\n"
                    "06075,about 300,2020,a day,Title,Publisher,2020,https://example.org/d\n"
                    "06075,300,20,a day,Title,Publisher,2020,https://example.org/d\n"
                    "06075,300,2020,a day,,Publisher,2020,https://example.org/d\n"
                    "17031,150,2012,a day,Title,Publisher,2012,https://example.org/e\n", encoding="utf-8")
    result = JailCosts().read([path])[0]
    assert result.rows_loaded == 1
    assert [(j.line, j.column) for j in result.rejections] == [(3, "cost_per_day"), (4, "dollars_year"),
                                                               (5, "title"), (6, "fips")]


def test_the_projects_own_reference_files_load_whole() -> None:
    for adapter, name in ((CitedEvents(), "events.csv"), (JailCosts(), "jail_cost_per_day.csv")):
        result = adapter.read([REFERENCE / name])[0]
        assert result.rejections == [], f"{name}: {[(j.line, j.reason) for j in result.rejections]}"
        assert result.rows_loaded == result.rows_read > 0


def test_cook_countys_real_jail_trend_starts_in_2018_and_the_arithmetic_takes_whole_years_only(
        real_warehouse: Path) -> None:
    from dashboard.content.county import jail_population

    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        series = con.execute("""
            SELECT v.metric_id, year(v.period_start) AS year, v.numerator, v.suppressed, vp.partial
            FROM metric_value v JOIN value_period vp USING (metric_id, scope, scope_id, period_start, period_grain)
            WHERE v.scope = 'county' AND v.scope_id = '17031' AND v.metric_id = 'jail_rate_per_100k'
              AND v.dimension = 'all' ORDER BY year""").df()
        events = con.execute("SELECT place, kind, citation_title, publisher, url FROM event").df()
        cost = con.execute("SELECT cost_per_day, title, url FROM jail_cost WHERE fips = '17031'").df()
        months = con.execute("SELECT month, population, days_reported FROM jail_month WHERE fips = '17031'").df()
        [(small,)] = con.execute("SELECT count(*) FROM jail_month WHERE population < 10").fetchall()
    assert int(series["year"].min()) == 2018
    whole = jail_population(series, list(series["metric_id"].unique()), 2000, 2100)
    assert int(whole["year"].min()) == 2018
    assert not series.loc[series["year"].isin(whole["year"]), "partial"].any()
    partial = set(series.loc[series["partial"], "year"])
    assert partial and not partial & set(whole["year"]), "Cook's last year (Jan-Aug) never enters the arithmetic"
    assert list(whole["year"]) == list(range(2018, 2018 + len(whole)))
    assert str(months["month"].min())[:10] == "2018-01-01" and (months["days_reported"] > 0).all()
    assert small == 0, "no month averaging 1-9 people is published"
    yearly = dict(zip(whole["year"], whole["population"], strict=True))
    first_year = months[months["month"].astype(str).str.startswith("2018")]
    assert len(first_year) == 12
    by_day = (first_year["population"] * first_year["days_reported"]).sum() / first_year["days_reported"].sum()
    assert round(by_day) == round(yearly[2018]), "the months' days add up to the year's average"
    assert {"17031", "IL", "NY", "42101"} <= set(events["place"])
    assert events[["citation_title", "publisher", "url"]].notna().all().all()
    assert len(cost) == 1 and cost["url"].iloc[0].startswith("https://")
