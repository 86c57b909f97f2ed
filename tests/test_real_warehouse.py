"""The warehouse built from every real source in ../shared/data reproduces figures the sources themselves
state, reconciles every file, and ties the numbers to the prosecutors in office (skipped without the data).

`con` is the public warehouse the app opens; `facts` the build's private database, for the source-grain counts.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT, shared_file


@pytest.fixture(scope="module")
def con(real_warehouse: Path):
    with duckdb.connect(str(real_warehouse), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def facts(real_private: Path):
    with duckdb.connect(str(real_private), read_only=True) as connection:
        yield connection


def sf_stated(shared_data: Path) -> dict[int, tuple[int, int]]:
    path = shared_file(shared_data, "sf-da/DA_Actions_On_Arrests_All_Crimes.csv")
    with path.open(encoding="utf-8") as handle:
        return {int(r["Year"]): (int(r["Charges_Filed"]), int(r["Discharged"]))
                for r in csv.DictReader(handle) if r["Year"].isdigit()}


def test_sf_da_charged_and_discharged_totals_by_year(facts, shared_data: Path) -> None:
    loaded = {year: (charged, declined) for year, charged, declined in facts.execute(
        "SELECT year(period_start), sum(n) FILTER (outcome = 'charged'), sum(n) FILTER (outcome = 'declined') "
        "FROM case_counts WHERE source_id = 'sf_da_arrests' GROUP BY ALL").fetchall()}
    assert loaded == sf_stated(shared_data)
    assert loaded[2019] == (6470, 3543)


def test_the_readme_query_gives_the_sf_totals_from_the_public_warehouse(con, shared_data: Path) -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    query = re.search(r"```sql\n(.*?)```", readme, re.S).group(1)
    assert "case_counts" not in query
    published = {year: (charged, discharged) for year, charged, discharged in con.execute(query).fetchall()}
    assert published == sf_stated(shared_data)


def test_sf_declination_rate_is_the_owners_discharged_share(con) -> None:
    [(value, num)] = con.execute(
        "SELECT value, numerator FROM metric_value WHERE metric_id = 'declination_rate' AND scope = 'county' "
        "AND scope_id = '06075' AND period_start = DATE '2019-01-01' AND dimension = 'all'").fetchall()
    assert num == 3543 and value == pytest.approx(3543 / (6470 + 3543))


def test_nyc_release_decisions_total_the_stated_case_count(facts, shared_data: Path) -> None:
    meta = json.loads(shared_file(shared_data, "nyc-pretrial/metadata.json").read_text())
    [(total,)] = facts.execute("SELECT sum(n) FROM case_counts WHERE source_id = 'nyc_pretrial'").fetchall()
    assert total == meta["total_cases"] == 846_163


def test_cook_2016_dispositions_reconcile_with_the_file(facts, shared_data: Path) -> None:
    path = shared_file(shared_data, "cook-county-sao/ccsao_disposition_outcomes_by_offense_race_2011_2016.csv")
    with path.open(encoding="utf-8") as handle:
        stated = sum(int(r["DEFENDANT COUNT"]) for r in csv.DictReader(handle) if r["YEAR"] == "2016")
    [(loaded,)] = facts.execute("SELECT sum(n) FROM case_counts WHERE source_id = 'cook_dispositions' "
                              "AND year(period_start) = 2016").fetchall()
    [(excluded_rows,)] = facts.execute("SELECT count(*) FROM rejected_row WHERE source_id = 'cook_dispositions'"
                                     " AND raw LIKE '2016,%'").fetchall()
    assert loaded <= stated and excluded_rows > 0
    assert loaded == 31_216  # 31,487 defendants = 31,216 counted + 261 not final outcomes + 10 with no disposition


def test_every_file_reconciles_and_every_source_is_built(con) -> None:
    for source, file, read, loaded, rejected in con.execute(
            "SELECT source_id, file, rows_read, rows_loaded, rows_rejected FROM source_file").fetchall():
        assert read == loaded + rejected, (source, file)
    built = {s for (s,) in con.execute("SELECT source_id FROM source").fetchall()}
    assert {"cook_dispositions", "cook_felony_review", "sf_da_arrests", "sf_da_resolutions", "okaloosa_clerk",
            "phl_filings", "nyc_pretrial", "census_population", "us_atlas", "curated_prosecutors",
            "ca_da_elections", "ga_circuits"} <= built
    assert con.execute("SELECT value FROM build_info WHERE key = 'mode'").fetchone() == ("real",)


def test_numbers_are_tied_to_the_prosecutors_in_office(con) -> None:
    cook = dict(con.execute(
        "SELECT year(period_start), p.name FROM term_attribution a JOIN term USING (term_id) "
        "JOIN prosecutor p USING (prosecutor_id) WHERE a.office_id = 'il-cook-states-attorney' "
        "AND a.period_grain = 'year'").fetchall())
    assert cook[2015] == "Anita Alvarez" and cook[2017] == "Kim Foxx"
    sf = [name for (name,) in con.execute(
        "SELECT p.name FROM term JOIN prosecutor p USING (prosecutor_id) WHERE office_id = 'ca-san-francisco-da' "
        "AND start_date >= DATE '2011-01-01' ORDER BY start_date").fetchall()]
    assert [n.split()[-1] for n in sf] == ["Gascón", "Loftus", "Boudin", "Jenkins"]


def test_no_personal_identifiers_anywhere(con) -> None:
    from etl.checks import identifier_problems

    assert identifier_problems(con) == []


def test_sf_conviction_rate_is_the_das_own_share_of_resolutions(facts, shared_data: Path) -> None:
    """Plead_Guilty_Other is a resolution (the DA counts it), not a conviction: it stays in the denominator."""
    path = shared_file(shared_data, "sf-da/Case_Resoultions_All_Crimes.csv")
    with path.open(encoding="utf-8") as handle:
        stated = {int(r["Year"]): (int(r["Conviction"].replace(",", "")), int(r["Total"].replace(",", "")))
                  for r in csv.DictReader(handle) if r["Year"].isdigit()}
    published = dict(facts.execute(
        "SELECT year(period_start), value FROM metric_value WHERE metric_id = 'conviction_rate' AND scope = 'county' "
        "AND scope_id = '06075' AND period_grain = 'year' AND dimension = 'all' AND NOT suppressed").fetchall())
    assert published and set(published) <= set(stated)
    for year, value in published.items():
        convictions, total = stated[year]
        assert value == pytest.approx(convictions / total), year
    [(other,)] = facts.execute("SELECT sum(n) FROM case_counts WHERE source_id = 'sf_da_resolutions' "
                             "AND source_outcome = 'Plead_Guilty_Other' AND outcome = 'pleaded_other_case'").fetchall()
    assert other > 0


def test_okaloosa_adjudication_withheld_is_not_a_conviction(facts) -> None:
    """Florida's adjudication withheld is its own outcome and metric, never in the conviction rate."""
    rows = facts.execute("SELECT outcome, sum(n) FROM case_counts WHERE source_id = 'okaloosa_clerk' "
                       "AND stage = 'disposition' AND (source_outcome ILIKE '%W/H%' OR source_outcome ILIKE '%ADJ W%')"
                       " GROUP BY ALL").fetchall()
    assert dict(rows).keys() == {"adjudication_withheld"}
    for metric, outcomes in (("conviction_rate", "('plea', 'trial_conviction', 'conviction')"),
                             ("adjudication_withheld_rate", "('adjudication_withheld')")):
        [(shown, counted)] = facts.execute(f"""
            SELECT sum(v.numerator),
                   (SELECT sum(n) FROM case_counts c WHERE c.fips = '12091' AND c.stage = 'disposition'
                    AND c.outcome IN {outcomes} AND year(c.period_start) = 2015)
            FROM metric_value v WHERE v.metric_id = '{metric}' AND v.scope = 'county' AND v.scope_id = '12091'
            AND v.period_start = DATE '2015-01-01' AND v.dimension = 'all'""").fetchall()
        assert shown == counted and shown > 0, metric
    [(caveat,)] = facts.execute("SELECT caveat FROM metric_definition WHERE metric_id = 'conviction_rate'").fetchall()
    assert "Adjudication withheld" in caveat


def test_cook_no_probable_cause_is_not_a_dismissal(facts) -> None:
    """FNPC is a judge's finding: its own outcome, in the resolved denominator, not the dismissal numerator."""
    assert dict(facts.execute("SELECT outcome, sum(n) FROM case_counts WHERE source_outcome = 'FNPC' "
                            "GROUP BY ALL").fetchall()).keys() == {"no_probable_cause"}
    [(dismissed, fnpc, resolved, num, den)] = facts.execute("""
        SELECT sum(n) FILTER (outcome = 'dismissed'), sum(n) FILTER (outcome = 'no_probable_cause'),
               sum(n) FILTER (outcome <> 'other'),
               (SELECT numerator FROM metric_value WHERE metric_id = 'dismissal_rate' AND scope = 'county'
                AND scope_id = '17031' AND period_start = DATE '2016-01-01' AND dimension = 'all'),
               (SELECT denominator FROM metric_value WHERE metric_id = 'dismissal_rate' AND scope = 'county'
                AND scope_id = '17031' AND period_start = DATE '2016-01-01' AND dimension = 'all')
        FROM case_counts WHERE source_id = 'cook_dispositions' AND year(period_start) = 2016""").fetchall()
    assert fnpc > 0 and num == dismissed and den == resolved


def test_okaloosa_years_start_with_its_first_case(facts) -> None:
    """No disposition is dated before its case opened: the county's years (and sliders) start in 2010, not 2007."""
    [(first_referral, first_disposition)] = facts.execute(
        "SELECT min(period_start) FILTER (stage = 'referral'), min(period_start) FILTER (stage = 'disposition') "
        "FROM case_counts WHERE source_id = 'okaloosa_clerk'").fetchall()
    assert first_disposition >= first_referral
    [(first_year,)] = facts.execute("SELECT min(first_year) FROM coverage WHERE fips = '12091'").fetchall()
    assert first_year == first_referral.year
    [(notes,)] = facts.execute("SELECT notes FROM source WHERE source_id = 'okaloosa_clerk'").fetchall()
    assert "dated before their case was opened not counted" in notes


def test_representation_ratio_compares_like_populations(con) -> None:
    """No ratio against a census group defined otherwise than the referrals' (ACS 'white' includes Hispanic
    people), none for years outside the ACS period, and the approximate ones are marked as such."""
    shown = con.execute("SELECT race, reference, year(period_start) FROM disparity WHERE measure = "
                        "'representation_ratio' AND NOT suppressed").fetchall()
    assert {race for race, _, _ in shown}.isdisjoint({"white", "other"})
    assert all(2019 <= year <= 2023 for _, _, year in shown)
    assert {ref for race, ref, _ in shown if race == "hispanic"} <= {"county_population"}
    assert {ref for race, ref, _ in shown if race == "black"} <= {"county_population_any_ethnicity"}
    reasons = dict(con.execute("SELECT race, any_value(suppression_reason) FROM disparity WHERE measure = "
                               "'representation_ratio' AND scope = 'county' AND scope_id = '17031' "
                               "GROUP BY race").fetchall())
    assert "no like population" in reasons["white"]
    assert "the estimate covers 2019-2023" in reasons["black"]
