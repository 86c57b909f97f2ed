"""The attacker (tests/privacy_attack.py) on the demo and real warehouses: no count of 1-9 can be worked out from what
is published. And the attacker itself, on small warehouses made by hand, finds what the published tables give away.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.figures import record
from tests.privacy_attack import Leak, attack


def _threshold(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT value FROM build_info WHERE key = 'suppression_threshold'").fetchone()[0])


# The demo warehouse whole takes minutes and gigabytes to attack: the normal suite attacks these states (Cook's and
# San Francisco's, and small ones), the slow suite every state.
DEMO_STATES = ["IL", "CA", "DE", "VT", "WY"]


def _attack(path: Path, kind: str, states: list[str] | None) -> None:
    with duckdb.connect(str(path), read_only=True) as con:
        k = _threshold(con)
        leaks = attack(con, k, states)
        shown = con.execute("SELECT count(*) FROM metric_value WHERE NOT suppressed").fetchone()[0]
    assert shown > 0
    record("privacy_attack", kind, {"published_cells": shown, "threshold": k, "leaks": len(leaks),
                                    "states": states or "all",
                                    "examples": [f"{leak.what} = {leak.value:g}" for leak in leaks[:5]]})
    assert not leaks, f"{len(leaks)} small counts worked out, e.g.\n  " + "\n  ".join(
        f"{leak.what} = {leak.value:g}" for leak in leaks[:15])


def test_no_small_count_can_be_worked_out_from_the_real_warehouse(real_warehouse: Path) -> None:
    _attack(real_warehouse, "real", None)


def test_no_small_count_can_be_worked_out_from_the_demo_warehouse_in_some_states(demo_warehouse: Path) -> None:
    _attack(demo_warehouse, "demo-states", DEMO_STATES)


@pytest.mark.slow
def test_no_small_count_can_be_worked_out_from_the_whole_demo_warehouse(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every state of a 40,000-case demo (the attack's memory grows with the published cells: gigabytes here)."""
    from etl import demo
    from etl.build import build

    root = tmp_path_factory.mktemp("demo-attack")
    demo.generate(root / "raw" / "demo", cases=40_000, seed=7)
    build(root / "warehouse.duckdb", raw_dir=root / "raw", demo=True, progress=False)
    _attack(root / "warehouse.duckdb", "demo", None)


# --- the attacker on warehouses made by hand ---------------------------------------------------------------------

SCHEMA = """
CREATE TABLE build_info (key VARCHAR, value VARCHAR);
INSERT INTO build_info VALUES ('suppression_threshold', '10');
CREATE TABLE metric_definition (metric_id VARCHAR, stage VARCHAR, numerator_outcomes VARCHAR[],
    denominator_outcomes VARCHAR[], unavailable_if VARCHAR[], unit VARCHAR);
INSERT INTO metric_definition VALUES
    ('declination_rate', 'referral', ['declined'], ['charged', 'declined', 'diverted'], [], 'share'),
    ('prefiling_diversion_rate', 'referral', ['diverted'], ['charged', 'declined', 'diverted'], [], 'share'),
    ('dismissal_rate', 'disposition', ['dismissed'], ['plea', 'trial_conviction', 'trial_acquittal', 'dismissed',
        'diverted'], [], 'share'),
    ('diversion_rate', 'disposition', ['diverted'], ['plea', 'trial_conviction', 'trial_acquittal', 'dismissed',
        'diverted'], [], 'share'),
    ('trial_rate', 'disposition', ['trial_conviction', 'trial_acquittal'], ['plea', 'trial_conviction',
        'trial_acquittal', 'dismissed', 'diverted'], ['conviction'], 'share'),
    ('plea_share', 'disposition', ['plea'], ['plea', 'trial_conviction'], ['conviction'], 'share');
CREATE TABLE metric_value (metric_id VARCHAR, scope VARCHAR, scope_id VARCHAR, period_start DATE,
    period_grain VARCHAR, dimension VARCHAR, dimension_value VARCHAR, numerator DOUBLE, denominator DOUBLE,
    suppressed BOOLEAN);
CREATE TABLE county (fips VARCHAR, state_abbr VARCHAR);
INSERT INTO county VALUES ('00001', 'ZZ'), ('00002', 'ZZ');
CREATE TABLE office_county (office_id VARCHAR, fips VARCHAR);
INSERT INTO office_county VALUES ('o1', '00001'), ('o2', '00002');
CREATE TABLE term (term_id VARCHAR, office_id VARCHAR, start_date DATE, end_date DATE);
INSERT INTO term VALUES ('t1', 'o1', DATE '2017-01-01', DATE '2020-12-31');
"""


def _warehouse(tmp_path: Path, rows: list[tuple]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "hand.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(SCHEMA)
        for metric, scope, scope_id, year, dimension, value, x, n in rows:
            hidden = x is None
            con.execute("INSERT INTO metric_value VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [metric, scope, scope_id, f"{year}-01-01", "term" if scope == "term" else "year", dimension,
                         value, x, n, hidden])
    return path


def _leaks(path: Path) -> list[Leak]:
    with duckdb.connect(str(path), read_only=True) as con:
        return attack(con, 10)


def _found(leaks: list[Leak], text: str, value: float) -> bool:
    return any(text in leak.what and leak.value == pytest.approx(value) for leak in leaks)


def test_a_group_hidden_in_two_measures_of_one_denominator_leaks_through_the_others(tmp_path: Path) -> None:
    # Okaloosa's pattern: asian hidden in both referral measures; white shown in one, black in the other
    rows = [("declination_rate", "county", "00001", 2018, "all", "all", 100, 200),
            ("prefiling_diversion_rate", "county", "00001", 2018, "all", "all", 50, 200),
            ("declination_rate", "county", "00001", 2018, "race", "white", 60, 120),
            ("prefiling_diversion_rate", "county", "00001", 2018, "race", "white", None, None),
            ("declination_rate", "county", "00001", 2018, "race", "black", None, None),
            ("prefiling_diversion_rate", "county", "00001", 2018, "race", "black", 20, 79),
            ("declination_rate", "county", "00001", 2018, "race", "asian", None, None),
            ("prefiling_diversion_rate", "county", "00001", 2018, "race", "asian", None, None)]
    leaks = _leaks(_warehouse(tmp_path, rows))
    assert _found(leaks, "denominator of declination_rate county 00001 2018-01-01 race=asian", 1)
    # the same published with asian's referrals large enough to say nothing small
    rows[1] = ("prefiling_diversion_rate", "county", "00001", 2018, "all", "all", 50, 250)
    rows[0] = ("declination_rate", "county", "00001", 2018, "all", "all", 100, 250)
    assert not [leak for leak in _leaks(_warehouse(tmp_path / "b", rows)) if "asian" in leak.what
                and "denominator" in leak.what]


def test_zeros_a_source_never_reports_and_published_zeros_pin_hidden_counts(tmp_path: Path) -> None:
    # Cook's pattern: no diversion measure (no diverted outcome); plea share and trial rate give the trials; the
    # dismissals follow, and the breakdown's total then gives a hidden group's dismissals.
    rows = [("dismissal_rate", "county", "00001", 2014, "all", "all", 300, 1000),
            ("trial_rate", "county", "00001", 2014, "all", "all", 100, 1000),
            ("plea_share", "county", "00001", 2014, "all", "all", 600, 680),
            ("dismissal_rate", "county", "00001", 2014, "offense_category", "sex", None, None),
            ("trial_rate", "county", "00001", 2014, "offense_category", "sex", 20, 100),
            ("plea_share", "county", "00001", 2014, "offense_category", "sex", 40, 50),
            ("dismissal_rate", "county", "00001", 2014, "offense_category", "homicide", None, None),
            ("trial_rate", "county", "00001", 2014, "offense_category", "homicide", None, None),
            ("plea_share", "county", "00001", 2014, "offense_category", "homicide", None, None),
            ("dismissal_rate", "county", "00001", 2014, "offense_category", "drug", 255, 862),
            ("trial_rate", "county", "00001", 2014, "offense_category", "drug", 70, 862),
            ("plea_share", "county", "00001", 2014, "offense_category", "drug", 537, 597)]
    leaks = _leaks(_warehouse(tmp_path, rows))
    # sex: 100 resolved - 20 trials - 40 pleas = 40 dismissed, as nothing is diverted; homicide: 300 - 40 - 255
    assert _found(leaks, "numerator of dismissal_rate county 00001 2014-01-01 offense_category=homicide", 5)
    # with a diversion measure published, diversions are not known to be zero and the dismissals stay hidden
    rows.append(("diversion_rate", "county", "00001", 2014, "all", "all", 0, 1000))
    rows.append(("diversion_rate", "county", "00001", 2014, "offense_category", "sex", None, None))
    assert not _found(_leaks(_warehouse(tmp_path / "b", rows)),
                      "numerator of dismissal_rate county 00001 2014-01-01 offense_category=homicide", 5)


def test_a_term_minus_its_whole_years_gives_a_hidden_year(tmp_path: Path) -> None:
    # Eddins' pattern: the term's robbery referrals minus the years shown
    rows = [("declination_rate", "term", "t1", 2017, "offense_category", "robbery", 100, 249)]
    for year, n in ((2017, 80), (2018, 82), (2019, None), (2020, 80)):
        rows += [("declination_rate", "office", "o1", year, "offense_category", "robbery",
                  None if n is None else 20, n),
                 ("declination_rate", "county", "00001", year, "offense_category", "robbery",
                  None if n is None else 20, n)]
    leaks = _leaks(_warehouse(tmp_path, rows))
    assert _found(leaks, "denominator of declination_rate county 00001 2019-01-01", 7)


def test_a_state_minus_its_counties_gives_a_hidden_county(tmp_path: Path) -> None:
    rows = [("declination_rate", "state", "ZZ", 2018, "all", "all", 30, 103),
            ("declination_rate", "county", "00001", 2018, "all", "all", 27, 97),
            ("declination_rate", "county", "00002", 2018, "all", "all", None, None)]
    leaks = _leaks(_warehouse(tmp_path, rows))
    assert _found(leaks, "denominator of declination_rate county 00002", 6)
    assert _found(leaks, "numerator of declination_rate county 00002", 3)
