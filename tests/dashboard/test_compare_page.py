"""The compare page (/compare?fips=... or ?id=...) through AppTest on a real demo warehouse, and the real one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.charts import trends
from dashboard.db import QUERIES_DIR
from tests.dashboard.apptest_pages import assert_no_raw_html, chart_titled, messages, open_page, sql, texts

HOSTILE = [
    ({"fips": "abc,17031"}, "not valid"),
    ({"fips": "99999,17031"}, "No county with FIPS code 99999"),
    ({"fips": ",".join(f"{17001 + 2 * i:05d}" for i in range(40))}, "Only 4 `fips` values can be shown here"),
    ({"id": "../../x"}, "not valid"),
    ({"fips": "17031", "metric": "../../x"}, "not valid"),
    ({"fips": "17031", "from": "3000"}, "must be a year"),
    ({"fips": "17031", "by": "<script>alert(1)</script>"}, "`by` must be one of"),
    ({"fips": "17031", "<img src=x onerror=alert(1)>": "1"}, "does not apply to this page"),
    ({"fips": "17031", "metric": "<b>x</b>"}, "not valid"),
]


pytestmark = pytest.mark.usefixtures("no_image_export")


def lines(chart: dict) -> set[str]:
    return {t["name"] for t in chart["data"] if t.get("mode") == "lines+markers"}


def test_two_counties_side_by_side(warehouse: Path) -> None:
    at = open_page("compare", fips="17031,48201", metric="incarceration_sentence_rate")
    assert not at.exception
    assert at.multiselect(key="compare-fips").value == ["17031", "48201"]
    assert at.selectbox(key="compare-metric").value == "incarceration_sentence_rate"
    chart = chart_titled(at, "Incarceration sentence rate")
    with_data = sql(warehouse, """SELECT DISTINCT c.county_name || ', ' || c.state_abbr FROM metric_value v
                                  JOIN county c ON c.fips = v.scope_id WHERE v.scope = 'county'
                                  AND v.scope_id IN ('17031', '48201') AND v.metric_id = 'incarceration_sentence_rate'
                                  AND v.dimension = 'all' AND NOT v.suppressed""")
    assert lines(chart) == {name for (name,) in with_data}
    assert any(t.get("fill") == "toself" for t in chart["data"]), "interval bands"
    table = at.dataframe[0].value
    assert list(table.columns) == ["Measure", "Cook, IL", "Harris, TX", "Measured alike"]
    assert set(table["Measured alike"]) <= {"yes", "one value only"}, "the demo measures every county alike"
    assert not [w for w in at.warning if "Not like with like" in w.value]
    pooled = sql(warehouse, """SELECT sum(numerator), sum(denominator) FROM metric_value WHERE scope = 'county'
                               AND scope_id = '17031' AND metric_id = 'incarceration_sentence_rate'
                               AND dimension = 'all'
                               AND period_grain = 'year' AND NOT suppressed""")[0]
    cell = table.loc[table["Measure"] == "Incarceration sentence rate", "Cook, IL"].iloc[0]
    assert cell.startswith(trends.format_value(pooled[0] / pooled[1], "share", digits=1))
    assert f"{pooled[0]:,.0f} of {pooled[1]:,.0f} cases" in cell
    assert dict(at.query_params) == {"fips": "17031,48201", "metric": "incarceration_sentence_rate"}


def test_prosecutors_side_by_side(warehouse: Path) -> None:
    people = sql(warehouse, """SELECT t.prosecutor_id, p.name FROM office_county oc JOIN term t USING (office_id)
                               JOIN prosecutor p USING (prosecutor_id)
                               WHERE oc.fips IN ('17031', '48201') AND t.end_date IS NULL ORDER BY oc.fips""")
    ids = [pid for pid, _ in people]
    at = open_page("compare", id=",".join(ids), metric="dismissal_rate", **{"from": "2021", "to": "2024"})
    assert not at.exception
    assert at.multiselect(key="compare-ids").value == ids
    chart = chart_titled(at, "Dismissal rate, 2021–2024")
    assert lines(chart) <= {trends.escape(name) for _, name in people}
    assert lines(chart), "at least one of them has published values"
    table = at.dataframe[0].value
    assert len(table.columns) == 4 and all(name in " ".join(table.columns) for _, name in people)
    assert at.query_params["id"] == ",".join(ids) and at.query_params["from"] == "2021"


EVENTS = "Events (hover for the source)"


def marked(chart: dict) -> list[str]:
    """The events a chart marks, as their hover names them (each once: a mark's two ends share the text)."""
    trace = next((t for t in chart["data"] if t.get("name") == EVENTS), {"text": []})
    return list(dict.fromkeys(re.search(r"<b>(.*?)</b>", t)[1] for t in trace["text"] if t))


def drawn_years(chart: dict, *lines: str) -> tuple[int, int]:
    """The first and last year drawn, by every line or by the lines whose names contain one of `lines`."""
    years = [int(x[:4]) for t in chart["data"] if t.get("mode") == "lines+markers"
             and (not lines or any(part in t.get("name", "") for part in lines))
             for x, y in zip(t["x"], t["y"], strict=True) if y is not None]
    return min(years), max(years)


def place_events(warehouse: Path, first: int, last: int, **place: str) -> list[str]:
    """The labels of the events the `events` query gives a county (fips=) or an office (office=) in those years."""
    rows = sql(warehouse, (QUERIES_DIR / "events.sql").read_text(), {"fips": "", "office": "", **place})
    return [label for day, _kind, label, *_rest in rows if first <= day.year <= last]


def test_the_chart_marks_each_places_events_named_and_lists_them_with_sources(warehouse: Path) -> None:
    at = open_page("compare", fips="17031,06075", metric="cash_bail_rate")
    assert not at.exception
    chart = chart_titled(at, "Money bail set")
    expected = [f"{name}: {label}" for fips, name in (("17031", "Cook, IL"), ("06075", "San Francisco, CA"))
                for label in place_events(warehouse, *drawn_years(chart, name), fips=fips)]
    assert any(e.startswith("Cook, IL: ") for e in expected)  # each event named by its place
    assert sorted(marked(chart)) == sorted(trends.escape(e) for e in expected), "every place's events, each named"
    assert any(b.label == "Download the events marked, with sources (CSV)" for b in at.get("download_button"))
    description = next(c.value for c in at.caption if c.value.startswith("Chart description"))
    assert "Events marked:" in description and "Cook, IL: " in description.replace("\\", "")


def test_prosecutors_of_one_office_share_its_events_once(warehouse: Path) -> None:
    """Two prosecutors of one office: its events once; each office's events only in the years of its lines."""
    at = open_page("compare", id="demo-priya-underhill-17031,demo-beatrice-jessup-17031,demo-delia-kincaid-06075",
                   metric="cash_bail_rate")
    assert not at.exception
    chart = chart_titled(at, "Money bail set")
    offices = {"demo-17031": ("Cook County District Attorney (demo)", ("Underhill", "Jessup")),
               "demo-06075": ("San Francisco County District Attorney (demo)", ("Kincaid",))}
    # each office's events within the years of its own prosecutors' lines
    expected = [f"{name}: {label}" for office, (name, lines) in offices.items()
                for label in place_events(warehouse, *drawn_years(chart, *lines), office=office)]
    shown = marked(chart)
    assert sorted(shown) == sorted(trends.escape(e) for e in expected) and len(shown) == len(set(shown))
    assert any("Cook County" in e for e in shown)
    # San Francisco's prosecutor changed after Kincaid's last year drawn: not marked on a chart of her years
    assert "Leah Brennan (demo) takes office" in place_events(warehouse, 2000, 2030, office="demo-06075")
    assert not any("Leah Brennan" in e for e in shown)


def test_changing_the_selection_updates_the_url(warehouse: Path) -> None:
    at = open_page("compare", fips="17031")
    at.multiselect(key="compare-fips").select("06075").run()
    assert not at.exception
    assert at.query_params["fips"] == "17031,06075"
    at.selectbox(key="compare-metric").select("dismissal_rate").run()
    assert at.query_params["metric"] == "dismissal_rate"


def test_empty_selection_and_both_kinds(warehouse: Path) -> None:
    at = open_page("compare")
    assert not at.exception
    assert "Choose up to 4 counties" in messages(at)
    pid = sql(warehouse, "SELECT prosecutor_id FROM prosecutor ORDER BY prosecutor_id LIMIT 1")[0][0]
    at = open_page("compare", fips="17031", id=pid)
    assert not at.exception
    assert "comparing the counties" in messages(at)
    assert at.query_params["fips"] == "17031" and "id" not in at.query_params


@pytest.mark.parametrize(("params", "expected"), HOSTILE, ids=[str(list(p)[-1])[:12] for p, _ in HOSTILE])
def test_bad_and_hostile_parameters(warehouse: Path, params: dict, expected: str) -> None:
    at = open_page("compare", **params)
    assert not at.exception
    assert expected in messages(at)
    assert_no_raw_html(at)
    if params.get("fips", "").startswith("17001,"):
        assert len(at.multiselect(key="compare-fips").value) == 4


def test_real_foxx_and_boudin(real: Path) -> None:
    at = open_page("compare", id="kim-foxx,chesa-boudin", metric="declination_rate")
    assert not at.exception
    table = at.dataframe[0].value
    assert any("Kim Foxx" in c for c in table.columns) and any("Chesa Boudin" in c for c in table.columns)
    assert "Every measure side by side" in texts(at)
    # Foxx's declination is Cook County felony review; Boudin's, every arrest presented in San Francisco
    warning = [w.value for w in at.warning if "Not like with like" in w.value]
    assert warning, "the declination chart warns that the two are measured differently"
    assert "felony review" in warning[0] and "every arrest presented" in warning[0]
    row = table[table["Measure"] == "Declination rate"].iloc[0]
    assert row["Measured alike"] == "no: different definitions"
    assert not table.isna().any().any(), "an empty cell says 'no data', never None"
    assert (table.loc[table["Measure"] == "Conviction rate"].iloc[0] == "no data").any()


def test_real_value_definitions_follow_the_sources(real_warehouse: Path) -> None:
    """Every published value has its definition variant; Cook's referrals and San Francisco's differ."""
    missing = sql(real_warehouse, """SELECT count(*) FROM metric_value v ANTI JOIN value_definition d
                                     USING (metric_id, source_ids)""")[0][0]
    assert missing == 0
    variants = dict(sql(real_warehouse, """SELECT v.scope_id, any_value(d.variant) FROM metric_value v
                                           JOIN value_definition d USING (metric_id, source_ids)
                                           WHERE v.metric_id = 'declination_rate' AND v.scope = 'county'
                                           AND v.scope_id IN ('17031', '06075') GROUP BY ALL"""))
    assert variants == {"17031": "felony_review/person", "06075": "arrests_presented/arrest"}


def test_real_a_states_bail_law_is_marked_once_naming_its_counties(real: Path) -> None:
    """New York's bail reform belongs to Manhattan and Brooklyn, not to Philadelphia: one mark naming the two."""
    at = open_page("compare", fips="36061,36047,42101", metric="remand_rate")
    assert not at.exception
    label = sql(real, "SELECT label FROM event WHERE place = 'NY' AND kind = 'bail_reform_law'")[0][0]
    shown = marked(chart_titled(at, "Held without bail"))
    law = [e for e in shown if e.endswith(trends.escape(label))]
    assert law == [trends.escape(f"New York, NY; Kings, NY: {label}")], shown
    assert all(e.startswith(("New York, NY", "Kings, NY", "Philadelphia, PA")) for e in shown), shown
