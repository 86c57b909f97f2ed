"""The prosecutor page (/prosecutor?id=...) through AppTest on a real demo warehouse, and on the real one."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from dashboard.charts import trends
from tests.dashboard.apptest_pages import assert_no_raw_html, chart_titled, charts, messages, open_page, sql, texts

HOSTILE = [
    ({"id": "../../etc/passwd"}, "not valid"),
    ({"id": "no-such-person"}, "No prosecutor with the id no-such-person"),
    ({"id": ",".join(f"person-{i}" for i in range(40))}, "can be shown here"),
    ({"metric": "../../x"}, "not valid"),
    ({"from": "3000"}, "must be a year"),
    ({"by": "<script>alert(1)</script>"}, "`by` must be one of"),
    ({"fips": "17031"}, "does not apply to this page"),
    ({"<img src=x onerror=alert(1)>": "1"}, "does not apply to this page"),
]


pytestmark = pytest.mark.usefixtures("no_image_export")


def current_cook(path: Path) -> tuple[str, str]:
    return sql(path, """SELECT t.prosecutor_id, p.name FROM office_county oc JOIN term t USING (office_id)
                        JOIN prosecutor p USING (prosecutor_id) WHERE oc.fips = '17031' AND t.end_date IS NULL""")[0]


def test_prosecutor_page_shows_terms_comparisons_and_the_office_trend(warehouse: Path) -> None:
    pid, name = current_cook(warehouse)
    at = open_page("prosecutor", id=pid)
    assert not at.exception
    assert at.title[0].value == name
    their_terms = sql(warehouse, "SELECT count(*) FROM term WHERE prosecutor_id = ?", [pid])[0][0]
    terms_table = at.dataframe[0].value
    assert len(terms_table) == their_terms
    assert terms_table["Where the dates come from"].str.len().min() > 0
    page = texts(at)
    assert "Against the predecessor and the rest of the state" in page
    # their pooled whole-term value of each measure, straight from the warehouse
    comparison = at.dataframe[1].value
    pooled = sql(warehouse, """SELECT sum(v.numerator), sum(v.denominator) FROM term t JOIN metric_value v
                               ON v.scope = 'term' AND v.scope_id = t.term_id AND v.period_grain = 'term'
                               WHERE t.prosecutor_id = ? AND v.metric_id = 'dismissal_rate'
                                 AND v.dimension = 'all' AND NOT v.suppressed""", [pid])[0]
    row = comparison[(comparison["Measure"] == "Dismissal rate")
                     & comparison["Against"].str.match(r"the \d+ other .+ count(y|ies) with data$")].iloc[0]
    if pooled[1]:
        assert row["Their value"] == trends.format_value(pooled[0] / pooled[1], "share", digits=1)
        assert row["Their n"] == f"{pooled[0]:,.0f} of {pooled[1]:,.0f} cases"
    # every computed difference is the difference of two proportions with a normal-approximation interval
    checked = 0
    assert not comparison.isna().any().any(), "no empty (None) cell: a missing number is a dash"
    assert "counts withheld" not in set(comparison["Other n"]), "no privacy wording where there are no data"
    for _, result in comparison.iterrows():
        if result["Difference"] == "—":
            assert result["Note"], "a missing difference says why"
            continue
        if result["Unit of difference"] != "percentage points":
            continue
        x1, n1 = (float(v.replace(",", "")) for v in result["Their n"].removesuffix(" cases").split(" of "))
        x2, n2 = (float(v.replace(",", "")) for v in result["Other n"].removesuffix(" cases").split(" of "))
        p1, p2 = x1 / n1, x2 / n2
        se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        assert float(result["Difference"]) == pytest.approx((p1 - p2) * 100, abs=0.01)
        assert float(result["95% interval low"]) == pytest.approx((p1 - p2 - 1.96 * se) * 100, abs=0.01)
        assert float(result["95% interval high"]) == pytest.approx((p1 - p2 + 1.96 * se) * 100, abs=0.01)
        checked += 1
    assert checked > 0
    chart_titled(at, f"{trends.escape(name)} vs ")
    trend = next(c for c in charts(at) if "highlighted" in c["layout"]["title"]["text"])
    colours = {s["name"]: s["fillcolor"] for s in trend["layout"]["shapes"] if s["type"] == "rect"}
    assert colours[trends.escape(name)] == trends.HIGHLIGHT
    assert all(c == trends.DIMMED for n, c in colours.items() if n != trends.escape(name))
    assert dict(at.query_params) == {"id": pid}


@pytest.mark.parametrize("by", ["race", "sex", "age_band", "offense_category", "offense_level"])
def test_each_breakdown(warehouse: Path, by: str) -> None:
    pid, _ = current_cook(warehouse)
    at = open_page("prosecutor", id=pid, metric="conviction_rate", by=by)
    assert not at.exception
    trend = chart_titled(at, "Conviction rate, ")
    office = sql(warehouse, "SELECT DISTINCT office_id FROM term WHERE prosecutor_id = ?", [pid])[0][0]
    published = sql(warehouse, """SELECT DISTINCT dimension_value FROM metric_value WHERE scope = 'office'
                                  AND scope_id = ? AND metric_id = 'conviction_rate' AND dimension = ?
                                  AND period_grain = 'year' AND NOT suppressed""", [office, by])
    lines = {t["name"] for t in trend["data"] if t.get("mode") == "lines+markers"}
    assert lines == {trends.escape(trends.group_label(by, g)) for (g,) in published}
    assert at.query_params["by"] == by


def test_alias_and_years(warehouse: Path) -> None:
    pid, name = current_cook(warehouse)
    at = open_page("prosecutor", prosecutor=pid, **{"from": "2020", "to": "2014"})
    assert not at.exception
    assert at.title[0].value == name
    assert "they were swapped" in messages(at)
    assert at.query_params["id"] == pid and at.query_params["from"] == "2014"


def test_no_id_offers_a_search(warehouse: Path) -> None:
    pid, name = current_cook(warehouse)
    at = open_page("prosecutor")
    assert not at.exception
    assert "Choose a prosecutor" in messages(at)
    at.selectbox(key="prosecutor-pick").select(pid).run()
    assert not at.exception
    assert at.title[0].value == name


@pytest.mark.parametrize(("params", "expected"), HOSTILE, ids=[str(list(p)[0])[:12] for p, _ in HOSTILE])
def test_bad_and_hostile_parameters(warehouse: Path, params: dict, expected: str) -> None:
    pid, _ = current_cook(warehouse)
    at = open_page("prosecutor", **({"id": pid} | params if "id" not in params else params))
    assert not at.exception
    assert expected in messages(at)
    assert_no_raw_html(at)


# --- the real warehouse -----------------------------------------------------------------------------------------


def test_real_kim_foxx_against_anita_alvarez(real: Path) -> None:
    at = open_page("prosecutor", id="kim-foxx")
    assert not at.exception
    assert at.title[0].value == "Kim Foxx"
    comparison = at.dataframe[1].value
    assert "Anita Alvarez" in set(comparison["Against"])
    trend = next(c for c in charts(at) if "highlighted" in c["layout"]["title"]["text"])
    names = {s["name"]: s["fillcolor"] for s in trend["layout"]["shapes"] if s["type"] == "rect"}
    assert names["Kim Foxx"] == trends.HIGHLIGHT and "Anita Alvarez" in names
    difference = chart_titled(at, "Kim Foxx vs Anita Alvarez")
    credit = " ".join(a.get("text", "") for a in difference["layout"]["annotations"]).replace("<br>", " ")
    assert "Felony review" in credit and "Jail" not in credit  # only the sources of the measures drawn


def test_real_chesa_boudin_skips_the_interim_without_data_and_says_so(real: Path) -> None:
    at = open_page("prosecutor", id="chesa-boudin")
    assert not at.exception
    comparison = at.dataframe[1].value
    assert "George Gascón" in set(comparison["Against"])
    assert comparison["Note"].str.contains("Suzy Loftus, the immediate predecessor, has no data").any()


def test_real_prosecutor_without_any_difference_gets_no_empty_difference_chart(real: Path) -> None:
    """Larry Krasner: no earlier Philadelphia DA and no other Pennsylvania county has yearly data to set against
    his, so no difference can be computed: no empty dot chart (nor its downloads), a line that says so, and the
    table's notes say why for each measure."""
    at = open_page("prosecutor", id="larry-krasner")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Difference" in d.value.columns)
    assert set(table["Difference"]) == {"—"} and table["Note"].str.len().min() > 0
    assert not any(" vs " in c["layout"]["title"]["text"] for c in charts(at))
    assert "No difference can be computed for any measure" in texts(at)
