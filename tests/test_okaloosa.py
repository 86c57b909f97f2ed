"""Okaloosa clerk export: synthetic gzip fixture for every rule, and the real 174,808-row file."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl.sources.base import FileResult, SourceError
from etl.sources.okaloosa import OkaloosaClerk, _charge_outcome
from etl.vocab import load_mapping
from tests.conftest import FIXTURES, gzip_with_column_renamed, shared_file

FIXTURE = FIXTURES / "okaloosa_clerk" / "okaloosa_clerk_criminal_2015_2019_synthetic.csv.gz"


@pytest.fixture(scope="module")
def fixture_result() -> FileResult:
    [result] = OkaloosaClerk().read([FIXTURE])
    return result


def _counts(result: FileResult) -> dict[tuple, int]:
    frame = result.frame("case_counts")
    return frame.groupby(["stage", "period_start", "outcome", "source_outcome"])["n"].sum().to_dict()


def test_fixture_rows_reconcile_and_each_bad_row_has_its_reason(fixture_result: FileResult) -> None:
    result = fixture_result
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (20, 10, 10)
    rejected = {r.line: (r.kind, r.column, r.reason) for r in result.rejections}
    later_file = "superseded by the same charge (case number and charge counts) in a later monthly file"
    assert rejected[2] == rejected[3] == ("duplicate", None, later_file)
    assert rejected[17] == ("duplicate", None, "superseded by the same charge (case number and charge counts) later"
                            " in the same monthly file")
    assert rejected[12] == ("rejected", "Race", "unknown code 'Z' in column 'Race'")
    assert rejected[13] == ("rejected", "Court Action", "unknown code '*Beamed Up' in column 'Court Action'")
    assert rejected[14][:2] == ("rejected", "source_file_mmyy")
    assert rejected[15][:2] == ("rejected", "Case Open Date")
    assert rejected[18][2] == "misaligned row: 6 fields where the header has 49"
    assert rejected[9][0] == rejected[20][0] == "excluded"
    assert "Transferred to Another Court" in rejected[9][2]


def test_fixture_one_referral_and_one_disposition_per_case(fixture_result: FileResult) -> None:
    counts = _counts(fixture_result)
    assert counts == {
        ("referral", date(2015, 2, 1), "charged", "*Guilty"): 1,  # two charges, one case, counted once
        ("referral", date(2015, 5, 1), "declined", "Dropped/Abandoned"): 1,
        ("referral", date(2016, 1, 1), "diverted", "*P/T Diversion"): 1,  # dropped before filing, then diverted
        ("referral", date(2016, 2, 1), "charged", "*P/T Diversion"): 1,  # nolle prosequi: filed first
        ("referral", date(2017, 1, 1), "charged", "*NG/Acquitted"): 1,
        ("referral", date(2018, 3, 1), "declined", "No Action"): 1,  # the transferred charge counts nowhere
        ("referral", date(2019, 1, 1), "declined", "No Information Filed"): 1,
        ("disposition", date(2015, 3, 1), "conviction", "*Guilty"): 1,
        ("disposition", date(2016, 8, 1), "diverted", "*P/T Diversion"): 1,  # by Disposition Date, not close
        ("disposition", date(2017, 8, 1), "adjudication_withheld", "*Adj W/H"): 1,  # outranks an acquittal
    }


def test_fixture_dimensions_come_from_the_first_charge(fixture_result: FileResult) -> None:
    frame = fixture_result.frame("case_counts")
    referral = frame[frame["stage"] == "referral"].set_index("period_start")
    first = referral.loc[date(2015, 2, 1)]
    assert (first.race, first.sex, first.age_band, first.offense_category, first.offense_level,
            first.offense_detail) == ("black", "male", "25_34", "drug", "felony", "Criminal Felony")
    assert referral.loc[date(2016, 2, 1)].age_band == "under_18"
    assert referral.loc[date(2016, 2, 1)].offense_category == "burglary"
    assert referral.loc[date(2017, 1, 1)].race == "native_american"
    assert referral.loc[date(2017, 1, 1)].offense_category == "unknown"  # 777: attempt of what is not said
    blank = referral.loc[date(2019, 1, 1)]
    assert (blank.race, blank.sex, blank.age_band, blank.offense_category) == ("unknown",) * 4  # age 0
    assert referral.loc[date(2018, 3, 1)].offense_category == "weapons"
    assert set(frame["fips"]) == {"12091"} and set(frame["period_grain"]) == {"month"}
    assert "1 cases' first arrest charge has no statute prefix" in " ".join(fixture_result.notes)


def test_fixture_identifiers_never_survive(fixture_result: FileResult) -> None:
    raws = " ".join(r.raw for r in fixture_result.rejections)
    for identifier in ("2017 MM 000707 A", "462017MM000707XXXAXX", "6123456789abcdef", "JANE EXAMPLE",
                       "JOHN EXAMPLE", "PUBLIC DEFENDER"):
        assert identifier not in raws
    frame = fixture_result.frame("case_counts")
    assert not frame.astype(str).apply(lambda c: c.str.contains(r"\d{4} (?:CF|MM|CT) \d")).to_numpy().any()


@pytest.mark.parametrize("prosecutor, court, expected", [
    ("(blank)", "(blank)", ("", "")),  # nothing recorded: counted nowhere
    ("Nolle Prosequi", "(blank)", ("charged", "dismissed")),  # after filing: a dismissal, not a declination
    ("Dropped/Abandoned", "*Guilty", ("charged", "conviction")),  # the court's outcome shows it was filed
    ("Dropped/Abandoned", "*P/T Diversion", ("diverted", "diverted")),
    ("(blank)", "*P/T Diversion", ("charged", "diverted")),
    ("Consolidated", "*Dismissed", ("charged", "dismissed")),
    ("Pre-Trial Diversion", "(blank)", ("diverted", "")),
    ("(blank)", "*Change of Venue", ("", "")),  # moved elsewhere: counted there
    ("(blank)", "*Unable Stand Trl", ("charged", "")),
])
def test_charge_rules(prosecutor: str, court: str, expected: tuple[str, str]) -> None:
    actions, courts = load_mapping("okaloosa_prosecutor_actions"), load_mapping("okaloosa_court_actions")
    court_fields = courts.rows.get(court.casefold())
    referral, _, disposition, _ = _charge_outcome(actions.rows[prosecutor.casefold()], prosecutor, court_fields, court)
    assert (referral, disposition) == expected


def test_missing_column_is_a_whole_file_error(tmp_path: Path) -> None:
    path = tmp_path / "okaloosa_clerk_criminal_renamed.csv.gz"
    gzip_with_column_renamed(FIXTURE, path, "Court Action", "Court Result")
    with pytest.raises(SourceError) as error:
        OkaloosaClerk().read([path])
    assert error.value.column == "Court Action"


@pytest.fixture(scope="module")
def real(shared_data: Path) -> tuple[Path, FileResult, float]:
    path = shared_file(shared_data, "fl-okaloosa/okaloosa_clerk_criminal_2010_2020_deidentified.csv.gz")
    start = time.process_time()
    [result] = OkaloosaClerk().read([path])
    return path, result, time.process_time() - start


def test_real_file_reconciles_with_the_stated_rows_and_cases(real: tuple[Path, FileResult, float]) -> None:
    path, result, _ = real
    assert result.rows_read == 174808 == result.rows_loaded + result.rows_rejected  # README: 174,808 rows
    rows = pd.read_csv(path, dtype=str, keep_default_na=False,
                       usecols=["Case Number", "Arrest Charge Count", "Prosecutor Charge Count"])
    rows["line"] = range(2, len(rows) + 2)  # no field spans lines in this export
    assert rows["Case Number"].nunique() == 103028  # README: 103,028 cases
    key = ["Case Number", "Arrest Charge Count", "Prosecutor Charge Count"]
    duplicates = sum(r.kind == "duplicate" for r in result.rejections)
    assert duplicates == rows.duplicated(key).sum() == 18865
    rejected = {r.line for r in result.rejections}
    counted_cases = rows.loc[~rows["line"].isin(rejected), "Case Number"].nunique()
    frame = result.frame("case_counts")
    referrals = frame.loc[frame["stage"] == "referral", "n"].sum()
    assert referrals == counted_cases  # every counted case has exactly one referral decision
    excluded_cases = rows.loc[rows["line"].isin({r.line for r in result.rejections if r.kind == "excluded"}),
                              "Case Number"].nunique()
    unknown_rows = sum(result.unknown_codes.values())
    assert counted_cases + excluded_cases <= 103028 <= counted_cases + excluded_cases + unknown_rows


def test_real_outcomes_are_plausible_and_labelled(real: tuple[Path, FileResult, float]) -> None:
    _, result, _ = real
    frame = result.frame("case_counts")
    by = frame.groupby(["stage", "outcome"])["n"].sum()
    disposed = frame.loc[frame["stage"] == "disposition", "n"].sum()
    assert disposed <= by[("referral", "charged")]  # only charged cases get a disposition
    assert by[("disposition", "conviction")] > by[("disposition", "dismissed")] > by[("disposition", "trial_acquittal")]
    assert by[("referral", "charged")] > by[("referral", "declined")] > 0
    assert by[("referral", "diverted")] > 0
    years = {d.year for d in frame.loc[frame["stage"] == "referral", "period_start"]}
    assert min(years) == 2010 and max(years) == 2020
    assert set(frame["source_outcome"].dropna()) <= {
        *[r["source_value"] for r in load_mapping("okaloosa_prosecutor_actions").items()],
        *[r["source_value"] for r in load_mapping("okaloosa_court_actions").items()],
    }
    assert dict(result.unknown_codes) == {("Race", "WM"): 5, ("Gender", "N"): 2}
    unknown = frame.loc[(frame["stage"] == "referral") & (frame["offense_category"] == "unknown"), "n"].sum()
    assert unknown < 0.02 * by[("referral", "charged")]
