"""Who was in office and which part of a year each value covers, checked in the warehouse (real and demo).

Monthly sources (Philadelphia, Okaloosa) used to get only month-level attribution, so their yearly values had
no prosecutor and compares left them out; part-years (NYC 2025, Philadelphia 2021 and 2023, Okaloosa 2020, San
Francisco 2023) were published as if whole.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

QUERIES = Path(__file__).resolve().parents[1] / "dashboard" / "queries"
PHILADELPHIA, OKALOOSA, SAN_FRANCISCO, MANHATTAN, COOK = "42101", "12091", "06075", "36061", "17031"


@pytest.fixture(scope="module")
def con(real_warehouse: Path):
    connection = duckdb.connect(str(real_warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def facts(real_private: Path):
    """The build's private database: the reported periods themselves (case_counts) are only there."""
    connection = duckdb.connect(str(real_private), read_only=True)
    yield connection
    connection.close()


def _query(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> list[dict]:
    frame = con.execute((QUERIES / f"{name}.sql").read_text(encoding="utf-8"), params).df()
    return frame.to_dict("records")


def test_every_reported_period_is_attributed_at_its_own_grain_and_by_year(facts) -> None:
    missing = facts.execute("""
        WITH wanted AS (
            SELECT DISTINCT office_id, period_start, period_grain FROM case_counts WHERE office_id IS NOT NULL
            UNION SELECT DISTINCT office_id, date_trunc('year', period_start)::DATE, 'year' FROM case_counts
            WHERE office_id IS NOT NULL AND period_grain <> 'two_years'  -- in no year, as in the yearly measures
        )
        SELECT w.* FROM wanted w
        WHERE EXISTS (SELECT 1 FROM term t WHERE t.office_id = w.office_id
                        AND t.start_date < w.period_start + INTERVAL 1 YEAR
                        AND coalesce(t.end_date, DATE '9999-12-31') >= w.period_start)
          AND NOT EXISTS (SELECT 1 FROM term_attribution ta WHERE ta.office_id = w.office_id
                            AND ta.period_start = w.period_start AND ta.period_grain = w.period_grain)
    """).fetchall()
    assert missing == []
    grains = dict(facts.execute("""
        SELECT office_id, list(DISTINCT period_grain ORDER BY period_grain) FROM term_attribution
        WHERE office_id IN ('pa-philadelphia-da', 'fl-1st-circuit-state-attorney') GROUP BY ALL""").fetchall())
    assert {"month", "year"} <= set(grains["pa-philadelphia-da"])
    assert {"month", "year"} <= set(grains["fl-1st-circuit-state-attorney"])


def test_krasners_and_eddins_yearly_values_carry_their_name(con) -> None:
    for fips, name in ((PHILADELPHIA, "Larry Krasner"), (OKALOOSA, "Bill Eddins")):
        rows = [r for r in _query(con, "county_series", fips=fips, dimension="all") if r["year"] >= 2010]
        assert rows and {r["prosecutor"] for r in rows} == {name}, fips
    office = _query(con, "prosecutor_series", id="larry-krasner", dimension="all")
    assert office and all(r["mine"] and r["prosecutor"] == "Larry Krasner" for r in office)


def test_a_compare_of_krasner_boudin_eddins_and_foxx_returns_all_four(con) -> None:
    ids = ["larry-krasner", "chesa-boudin", "bill-eddins", "kim-foxx"]
    table = _query(con, "compare_prosecutor_table", ids=ids, year_from=2000, year_to=2030)
    assert {r["entity_id"] for r in table} == set(ids)
    metrics = [m for (m,) in con.execute("SELECT metric_id FROM metric_definition").fetchall()]
    series = {r["prosecutor_id"] for m in metrics for r in _query(con, "compare_prosecutor_series", ids=ids, metric=m)}
    assert series == set(ids)


def test_part_years_are_recorded_from_the_data_and_the_owners_word(con) -> None:
    rows = {(r[0], r[1], r[2]): r[3:] for r in con.execute("""
        SELECT fips, stage, year(period_start), covered_from, covered_to, partial FROM period_coverage""").fetchall()}
    assert rows[(PHILADELPHIA, "pretrial", 2021)] == (date(2021, 8, 1), date(2021, 12, 31), True)
    assert rows[(PHILADELPHIA, "pretrial", 2022)] == (date(2022, 1, 1), date(2022, 12, 31), False)
    assert rows[(PHILADELPHIA, "pretrial", 2023)] == (date(2023, 1, 1), date(2023, 5, 31), True)
    assert rows[(OKALOOSA, "referral", 2020)] == (date(2020, 1, 1), date(2020, 6, 30), True)
    assert rows[(OKALOOSA, "referral", 2019)][2] is False
    for fips in ("36005", "36047", MANHATTAN, "36081", "36085"):  # the aggregator's metadata: 2025 is partial
        assert rows[(fips, "pretrial", 2025)][2] is True and rows[(fips, "pretrial", 2024)][2] is False
    sf_from, sf_to, sf_partial = rows[(SAN_FRANCISCO, "referral", 2023)]  # the owner's 2023* projection
    assert sf_partial and sf_from == date(2023, 1, 1) and date(2023, 8, 1) <= sf_to <= date(2023, 10, 1)
    assert rows[(COOK, "referral", 2016)][2] is False


def test_every_published_year_knows_its_period_and_prosecutor(con) -> None:
    """Every yearly value has its row; where the data list a prosecutor in office that year, it names them
    (places whose offices have no terms in the data, such as Colorado's districts, name no one)."""
    unknown = con.execute("""
        WITH places AS (
            SELECT 'county' AS scope, fips AS scope_id, office_id FROM office_county
            UNION ALL SELECT 'office', office_id, office_id FROM office
            UNION ALL SELECT 'state', c.state_abbr, oc.office_id FROM office_county oc JOIN county c USING (fips)
        )
        SELECT v.metric_id, v.scope, v.scope_id, v.period_start FROM metric_value v
        LEFT JOIN value_period p USING (metric_id, scope, scope_id, period_start, period_grain)
        WHERE v.scope IN ('county', 'office', 'state') AND v.period_grain = 'year' AND v.dimension = 'all'
          AND (p.metric_id IS NULL OR (
              ((v.scope <> 'state' AND p.prosecutor IS NULL) OR p.prosecutors = '')
              AND EXISTS (SELECT 1 FROM places pl JOIN term t USING (office_id)
                          WHERE pl.scope = v.scope AND pl.scope_id = v.scope_id
                            AND t.start_date <= v.period_start + INTERVAL 364 DAY
                            AND coalesce(t.end_date, DATE '9999-12-31') >= v.period_start)))
    """).fetchall()
    assert unknown == []
    labels = dict(((s, y), (label, who)) for s, y, label, who in con.execute("""
        SELECT scope_id, year(period_start), covered_label, prosecutor FROM value_period
        WHERE metric_id IN ('ror_rate', 'declination_rate') AND scope IN ('county', 'office')""").fetchall())
    assert labels[(PHILADELPHIA, 2021)] == ("Aug–Dec", "Larry Krasner")
    assert labels[(PHILADELPHIA, 2023)] == ("Jan–May", "Larry Krasner")
    assert labels[("fl-1st-circuit-state-attorney", 2020)] == ("Jan–Jun", "Bill Eddins")
    assert labels[(MANHATTAN, 2025)] == ("part of the year", "Alvin Bragg")
    assert labels[(COOK, 2016)] == (None, "Anita Alvarez")
    cook_2016 = con.execute("""SELECT prosecutors FROM value_period WHERE scope = 'county' AND scope_id = ?
                               AND metric_id = 'declination_rate' AND year(period_start) = 2016""", [COOK]).fetchone()
    assert cook_2016 == ("Anita Alvarez; Kim Foxx",)  # Foxx took office in December 2016


def test_the_demo_warehouse_has_whole_years_attributed(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as demo:
        total, attributed = demo.execute("""
            SELECT count(*), count(*) FILTER (WHERE prosecutor IS NOT NULL)
            FROM value_period WHERE scope = 'county'""").fetchone()
    assert total > 0 and attributed == total
