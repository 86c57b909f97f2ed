"""Cook County State's Attorney adapters: synthetic fixtures (exact outcomes) and the real files (figures).

Fixtures live in tests/fixtures/cook_county/ (synthetic values in the owner's formats, old and new header
names); the felony review parquet fixture is built in code. Real-file tests read ../shared/data and
compute their expected figures from the source itself, independently of the adapters.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.config import load_sources
from etl.sources.base import FileResult, SourceError
from etl.sources.cook_case_level import CookDispositions, CookInitiation, CookIntake, CookSentencing
from etl.sources.cook_common import parse_cook_date, parse_flag
from etl.sources.cook_felony_review import CookFelonyReview
from etl.vocab import MAPPINGS_DIR, STAGE_OUTCOMES, load_mapping, normalize_key
from tests.conftest import FIXTURES, shared_file

COOK = FIXTURES / "cook_county"
SAO = "cook-county-sao"
SYNTHETIC_SECRETS = ("900000000", "800000000", "700000000", "600000000", "Judge Alpha Example", "Judge Beta")


def _outcomes_reader():
    """The yearly outcomes file's reader: its source folder (data/sources/cook_dispositions/), no Python."""
    return load_sources()["cook_dispositions"].load_adapter()


def _read(adapter, *paths: Path) -> list[FileResult]:
    return adapter.read(list(paths))


def _rejections(result: FileResult) -> dict[int | None, tuple[str, str | None, str]]:
    return {r.line: (r.kind, r.column, r.reason) for r in result.rejections}


def _mapping_csv(name: str) -> list[dict[str, str]]:
    with (MAPPINGS_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- mappings -------------------------------------------------------------------------------------


def test_disposition_codes_cover_every_known_code_with_a_stage_or_a_reason():
    rows = {r["source_value"]: r for r in _mapping_csv("cook_disposition_codes")}
    expected = {
        "Plea Of Guilty": "plea", "Plea of Guilty - Amended Charge": "plea", "Finding Guilty": "trial_conviction",
        "Verdict Guilty": "trial_conviction", "FNG": "trial_acquittal", "Verdict-Not Guilty": "trial_acquittal",
        "FNG Reason Insanity": "trial_acquittal", "Nolle Prosecution": "dismissed", "Nolle Pros - Aonic": "dismissed",
        "Case Dismissed": "dismissed", "FNPC": "no_probable_cause", "SOL": "dismissed", "SOLW": "dismissed",
        "Withdrawn": "dismissed", "Charge Rejected": "dismissed", "Nolle On Remand": "dismissed",
        "Death Suggested-Cause Abated": "other", "Finding Not Not Guilty": "other",
    }
    for code, outcome in expected.items():
        assert rows[code]["outcome"] == outcome, code
    for code in ("BFW", "Superseded by Indictment", "Transferred - Misd Crt", "TRAN-FAI", "Mistrial Declared",
                 "Hold Pending Interlocutory"):
        assert rows[code]["exclude_reason"].startswith("not a final outcome"), code
        assert not rows[code]["outcome"]
    for code, row in rows.items():
        assert bool(row["exclude_reason"]) != bool(row["outcome"]), f"{code}: exactly one of outcome / reason"
        if row["outcome"]:
            assert row["stage"] == "disposition" and row["outcome"] in STAGE_OUTCOMES["disposition"]
    for code in ("BFW", "FNG", "FNPC", "SOL", "WOWI", "TRAN-FAI"):  # abbreviations explain themselves
        assert rows[code]["note"], code


def test_every_cook_mapping_loads_and_stays_in_its_vocabulary():
    for path in sorted(MAPPINGS_DIR.glob("cook_*.csv")):
        mapping = load_mapping(path.stem)  # raises on a value outside the vocabulary or a duplicate
        assert mapping.rows or mapping.excluded
        for row in mapping.rows.values():
            if row.get("stage"):  # (a blank stage in cook_disposition_reasons keeps the disposition as coded)
                assert row["outcome"] in STAGE_OUTCOMES[row["stage"]], (path.stem, row)
            elif "stage" in row:
                assert path.stem == "cook_disposition_reasons" and not row["outcome"], (path.stem, row)


# --- yearly disposition outcomes (fixture) --------------------------------------------------------


def test_disposition_outcomes_fixture_rows_and_reasons():
    (result,) = _read(_outcomes_reader(), COOK / "disposition_outcomes.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (16, 6, 10)
    rejected = _rejections(result)
    assert rejected[6][0] == "excluded" and "BFW" in rejected[6][2]
    assert rejected[7] == ("rejected", "DISPOSITION", "no value in column 'DISPOSITION'")
    assert rejected[8][:2] == ("rejected", "DISPOSITION") and "unknown code 'Zapped'" in rejected[8][2]
    assert "negative" in rejected[9][2] and "non-numeric" in rejected[10][2]
    assert "misaligned" in rejected[11][2]
    assert rejected[13][1] == "RACE" and "Martian" in rejected[13][2]
    assert rejected[14][0] == "excluded" and "Superseded by Indictment" in rejected[14][2]
    assert rejected[15][1] == "YEAR"
    assert rejected[16][1] == "OFFENSE TYPE"
    assert set(rejected) == {6, 7, 8, 9, 10, 11, 13, 14, 15, 16}

    frame = result.frame("case_counts")
    assert set(frame["fips"]) == {"17031"} and set(frame["period_grain"]) == {"year"}
    assert set(frame["stage"]) == {"disposition"}
    by = frame.groupby(["period_start", "outcome", "race"])["n"].sum().to_dict()
    assert by == {
        (date(2015, 1, 1), "plea", "black"): 120,
        (date(2015, 1, 1), "plea", "hispanic"): 35,  # 'White [Hispanic or Latino]' 30 + 'HISPANIC' 5, one row
        (date(2015, 1, 1), "dismissed", "unknown"): 7,
        (date(2016, 1, 1), "trial_acquittal", "asian_pacific"): 2,
        (date(2016, 1, 1), "other", "white"): 1,
    }
    hispanic = frame[frame["race"] == "hispanic"].iloc[0]
    assert (hispanic["source_outcome"], hispanic["offense_detail"]) == ("Plea Of Guilty", "Narcotics")
    assert (hispanic["offense_category"], hispanic["offense_level"]) == ("drug", "felony")
    assert len(frame) == 5
    # defendants reconcile per year (rows whose year or count is unreadable cannot be tallied)
    assert result.notes == [
        "2015: 177 defendants read = 162 loaded + 9 excluded on purpose + 6 rejected",
        "2016: 11 defendants read = 3 loaded + 6 excluded on purpose + 2 rejected",
    ]


def test_disposition_outcomes_renamed_column_is_a_file_error(tmp_path):
    text = (COOK / "disposition_outcomes.csv").read_text().replace("DEFENDANT COUNT", "DEFENDANTS")
    path = tmp_path / "ccsao_disposition_outcomes_by_offense_race_2099.csv"
    path.write_text(text)
    with pytest.raises(SourceError) as error:
        _read(_outcomes_reader(), path)
    assert error.value.column == "DEFENDANT COUNT" and error.value.line == 1


# --- felony review parquet (fixture built in code) ------------------------------------------------


def _felony_review_parquet(path: Path, *, drop: str | None = None) -> Path:
    columns = {
        "result": [1.0, 1.0, 0.0, None, 2.0, 1.0, 1.0, 1.0],
        "year": ["2013", "2013", "2013", "2014", "2014", "20x4", "2014", "2014"],
        "charge.cat": ["Drugs", "Drugs", "Theft", "Other", "Drugs", "Drugs", "Arson", "Homicide"],
        "age": ["17-20", "17-20", "55+", None, "26-30", "26-30", "26-30", "12-16"],
        "gender": ["Male", "Male", "Female", None, "Male", "Male", "Male", "Male"],
        "race": ["Black", "Black", "Hispanic", None, "White", "White", "White", "White"],
        "chicagoPD": ["Chicago PD"] * 8,
        "multiple.defendents": ["One"] * 8,
    }
    if drop:
        columns.pop(drop)
    pq.write_table(pa.table(columns), path)
    return path


def test_felony_review_fixture(tmp_path):
    path = _felony_review_parquet(tmp_path / "intake_clean_test.parquet")
    (result,) = _read(CookFelonyReview(), path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (8, 4, 4)
    rejected = _rejections(result)
    assert rejected[5][1] == "result" and "unknown code '2'" in rejected[5][2]
    assert rejected[6][1] == "year"
    assert rejected[7][1] == "charge.cat" and "Arson" in rejected[7][2]
    assert rejected[8][1] == "age" and "12-16" in rejected[8][2]
    assert result.unknown_codes == Counter({("result", "2"): 1, ("charge.cat", "Arson"): 1, ("age", "12-16"): 1})

    frame = result.frame("case_counts")
    assert set(frame["period_grain"]) == {"year"} and set(frame["stage"]) == {"referral"}
    rows = {tuple(r[c] for c in ("period_start", "outcome", "source_outcome", "offense_category", "age_band", "sex",
                                  "race")): r["n"] for _, r in frame.iterrows()}
    assert rows == {
        (date(2013, 1, 1), "charged", "approved", "drug", "18_24", "male", "black"): 2,
        (date(2013, 1, 1), "declined", "rejected", "theft_property", "55_64", "female", "hispanic"): 1,
        (date(2014, 1, 1), "other", "other", "other", "unknown", "unknown", "unknown"): 1,
    }


def test_felony_review_file_errors(tmp_path):
    with pytest.raises(SourceError) as error:
        _read(CookFelonyReview(), _felony_review_parquet(tmp_path / "no_race.parquet", drop="race"))
    assert error.value.column == "race"
    fake = tmp_path / "intake_clean_fake.parquet"
    fake.write_text("result,year\n1,2013\n")
    with pytest.raises(SourceError, match="not a readable parquet"):
        _read(CookFelonyReview(), fake)


# --- case-level files (fixtures, old and new header names) ----------------------------------------

KEYS = ["period_start", "stage", "outcome", "source_outcome", "offense_category", "offense_level", "offense_detail",
        "race", "sex", "age_band", "n"]


def _table(result: FileResult) -> list[tuple]:
    frame = result.frame("case_counts")
    assert set(frame["fips"]) == {"17031"} and set(frame["period_grain"]) == {"month"}
    return sorted(tuple(r) for r in frame[KEYS].itertuples(index=False))


@pytest.mark.parametrize("version", ["old", "new"])
def test_intake_fixture(version):
    (result,) = _read(CookIntake(), COOK / f"Intake_{version}.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (15, 5, 10)
    m = date(2016, 3, 1)
    assert _table(result) == sorted([
        (m, "referral", "charged", "Approved", "drug", "felony", "Narcotics", "black", "male", "18_24", 1),
        (m, "referral", "charged", "Charge(S) Approved", "drug", "felony", "Narcotics", "black", "male", "18_24", 1),
        (m, "referral", "declined", "Rejected", "theft_property", "felony", "Retail Theft", "hispanic", "female",
         "45_54", 1),
        # blank FELONY_REVIEW_DATE: the received date is used
        (date(2016, 4, 1), "referral", "charged", "Approved", "drug", "felony", "Narcotics", "black", "male", "25_34",
         1),
        # intake keeps the intake category (PROMIS Conversion), not the updated one (Homicide)
        (date(2016, 5, 1), "referral", "declined", "Rejected", "unknown", "unknown", "PROMIS Conversion", "black",
         "unknown", "unknown", 1),
    ])
    rejected = _rejections(result)
    assert {line: r[0] for line, r in rejected.items()} == {
        5: "excluded", 6: "rejected", 8: "rejected", 9: "rejected", 10: "duplicate", 11: "rejected", 12: "rejected",
        13: "rejected", 14: "rejected", 15: "rejected",
    }
    assert rejected[5][1] == "FELONY_REVIEW_RESULT" and "blank value" in rejected[5][2]
    assert "Deferred Somehow" in rejected[6][2]
    assert rejected[8][1] == "FELONY_REVIEW_DATE" and "impossible date" in rejected[8][2]
    assert "future" in rejected[9][2]
    assert next(r.raw for r in result.rejections if r.line == 10).endswith("counted: line 2")
    assert rejected[11][1] == "OFFENSE_CATEGORY" and rejected[12][1] == "RACE"
    assert rejected[13][1] == "AGE_AT_INCIDENT" and "misaligned" in rejected[14][2]
    assert rejected[15] == ("rejected", "CASE_PARTICIPANT_ID", "participant id missing")


@pytest.mark.parametrize("version", ["old", "new"])
def test_initiation_fixture(version):
    (result,) = _read(CookInitiation(), COOK / f"Initiation_{version}.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (11, 5, 6)
    jan = date(2017, 1, 1)
    assert _table(result) == sorted([
        (jan, "pretrial", "released_ror", "I Bond", "drug", "felony", "Narcotics", "black", "male", "18_24", 1),
        (jan, "pretrial", "bail_set", "D Bond", "robbery", "felony", "Armed Robbery", "black", "male", "25_34", 1),
        (jan, "pretrial", "remanded", "No Bond", "homicide", "felony", "Homicide", "black", "male", "25_34", 1),
        # blank bond date -> received date; class A -> misdemeanor although the category is a felony one
        (date(2017, 2, 1), "pretrial", "bail_set", "C Bond", "drug", "misdemeanor", "Narcotics", "black", "male",
         "25_34", 1),
        # PROMIS Conversion without an updated category: offense unknown, but class 1 says felony
        (jan, "pretrial", "released_ror", "I Bond", "unknown", "felony", "PROMIS Conversion", "black", "male",
         "25_34", 1),
    ])
    rejected = _rejections(result)
    assert rejected[3][:2] == ("excluded", "PRIMARY_CHARGE_FLAG")
    assert rejected[6][:2] == ("excluded", "BOND_TYPE_INITIAL")
    assert rejected[7][:2] == ("rejected", "BOND_TYPE_INITIAL") and "Z Bond" in rejected[7][2]
    assert rejected[9][:2] == ("rejected", "PRIMARY_CHARGE_FLAG") and "maybe" in rejected[9][2]
    assert rejected[10][0] == "duplicate"
    assert rejected[11][:2] == ("rejected", "CLASS")


@pytest.mark.parametrize("version", ["old", "new"])
def test_dispositions_fixture_counts_each_participant_once_on_the_latest_disposition(version):
    (result,) = _read(CookDispositions(), COOK / f"Dispositions_{version}.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (18, 10, 8)
    table = _table(result)
    oct_ = date(2018, 10, 1)
    assert [(r[0], r[2], r[3], r[5]) for r in table] == sorted([
        (date(2018, 6, 1), "plea", "Plea Of Guilty", "felony"),
        (date(2018, 9, 1), "trial_conviction", "Finding Guilty", "felony"),  # the BFW before it is excluded
        (date(2018, 7, 1), "plea", "Plea of Guilty - Amended Charge", "misdemeanor"),  # later than its nolle
        (date(2018, 6, 1), "trial_acquittal", "FNG", "felony"),  # later than its dismissal
        (date(2018, 6, 1), "plea", "Plea of Guilty", "felony"),  # owner's spelling kept, matched regardless of case
        (date(2018, 8, 1), "other", "Death Suggested-Cause Abated", "felony"),
        # a dropped primary charge takes the participant's outcome from its reason
        (oct_, "plea", "Nolle Prosecution - PG to Other Count/s", "felony"),
        (oct_, "diverted", "Nolle Prosecution - Drug Court Graduate", "felony"),
        (oct_, "dismissed", "Case Dismissed", "felony"),  # unlisted reason: kept as coded, named in the notes
        (oct_, "plea", "Plea Of Guilty", "felony"),  # reasons refine dismissals only
    ])
    abated = next(r for r in table if r[2] == "other")
    assert abated[7:10] == ("unknown", "unknown", "unknown")  # blank race, 'Unknown Gender', age 130
    rejected = _rejections(result)
    assert {line: r[0] for line, r in rejected.items()} == {
        3: "excluded", 4: "excluded", 6: "duplicate", 9: "duplicate", 10: "rejected", 12: "rejected", 13: "rejected",
        17: "excluded",
    }
    raws = {r.line: r.raw for r in result.rejections}
    assert raws[6].endswith("counted: line 7") and raws[9].endswith("counted: line 8")
    assert rejected[6][2] == rejected[9][2]  # one reason for every duplicate, so reasons group in reports
    assert rejected[10] == ("rejected", "CHARGE_DISPOSITION", "CHARGE_DISPOSITION missing")
    assert rejected[13][1] == "DISPOSITION_DATE"
    assert rejected[17][1] == "CHARGE_DISPOSITION_REASON" and "Re-Indictment" in rejected[17][2]
    assert result.notes == ["CHARGE_DISPOSITION_REASON values not in cook_disposition_reasons, disposition kept as"
                            " coded: 'Some New Reason' (1)"]


@pytest.mark.parametrize("version", ["old", "new"])
def test_sentencing_fixture_counts_original_current_primary_sentences(version):
    (result,) = _read(CookSentencing(), COOK / f"Sentencing_{version}.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (14, 5, 9)
    table = _table(result)
    assert sorted((r[0], r[2], r[3]) for r in table) == sorted([
        (date(2019, 3, 1), "prison", "Prison"),  # prison beats the same participant's probation
        (date(2019, 3, 1), "probation", "Probation"),
        (date(2019, 4, 1), "jail", "Cook County Boot Camp"),
        (date(2019, 4, 1), "other", "Supervision"),
        (date(2019, 4, 1), "prison", "Prison"),  # prison beats the same participant's earlier jail row
    ])
    camp = next(r for r in table if r[3] == "Cook County Boot Camp")
    assert camp[4:7] == ("burglary", "felony", "Residential Burglary")  # updated category used
    supervision = next(r for r in table if r[3] == "Supervision")
    assert supervision[5:10] == ("misdemeanor", "Narcotics", "hispanic", "female", "under_18")
    rejected = _rejections(result)
    assert {line: r[:2] for line, r in rejected.items()} == {
        3: ("duplicate", "CASE_PARTICIPANT_ID"), 4: ("excluded", "CURRENT_SENTENCE_FLAG"),
        5: ("excluded", "SENTENCE_PHASE"), 7: ("excluded", "PRIMARY_CHARGE_FLAG"), 8: ("excluded", "SENTENCE_TYPE"),
        10: ("rejected", "SENTENCE_TYPE"), 11: ("rejected", "SENTENCE_DATE"), 12: ("rejected", "SENTENCE_PHASE"),
        14: ("duplicate", "CASE_PARTICIPANT_ID"),
    }


@pytest.mark.parametrize("adapter,name", [(CookIntake, "Intake"), (CookInitiation, "Initiation"),
                                          (CookDispositions, "Dispositions"), (CookSentencing, "Sentencing")])
def test_old_and_new_headers_give_the_same_counts_and_a_repeat_file_adds_nothing(adapter, name):
    (old,) = _read(adapter(), COOK / f"{name}_old.csv")
    (new,) = _read(adapter(), COOK / f"{name}_new.csv")
    assert _table(old) == _table(new)
    first, second = _read(adapter(), COOK / f"{name}_old.csv", COOK / f"{name}_new.csv")
    assert _table(first) == _table(old)
    assert second.rows_loaded == 0 and second.rows_read == new.rows_read
    duplicates = [r for r in second.rejections if r.kind == "duplicate"]
    assert len(duplicates) == old.rows_loaded + sum(r.kind == "duplicate" for r in new.rejections)
    assert any(r.raw.endswith(f"of {name}_old.csv") for r in duplicates)


@pytest.mark.parametrize("adapter,name", [(CookIntake, "Intake"), (CookInitiation, "Initiation"),
                                          (CookDispositions, "Dispositions"), (CookSentencing, "Sentencing")])
def test_identifiers_and_judges_never_leave_the_adapter(adapter, name):
    for version in ("old", "new"):
        (result,) = _read(adapter(), COOK / f"{name}_{version}.csv")
        kept = " ".join(r.raw for r in result.rejections) + result.frame("case_counts").to_csv()
        for secret in SYNTHETIC_SECRETS:
            assert secret not in kept, (name, version, secret)


def test_missing_required_column_is_a_file_error(tmp_path):
    frame = pd.read_csv(COOK / "Sentencing_new.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "Sentencing_no_type.csv"
    frame.drop(columns=["sentence_type"]).to_csv(path, index=False)
    with pytest.raises(SourceError) as error:
        _read(CookSentencing(), path)
    assert error.value.column == "SENTENCE_TYPE"
    shutil.copy(COOK / "Intake_old.csv", tmp_path / "Intake_copy.csv")
    text = (tmp_path / "Intake_copy.csv").read_text().replace("FELONY_REVIEW_RESULT", "REVIEW_RESULT")
    (tmp_path / "Intake_copy.csv").write_text(text)
    with pytest.raises(SourceError) as error:
        _read(CookIntake(), tmp_path / "Intake_copy.csv")
    assert error.value.column == "FELONY_REVIEW_RESULT"


def test_dates_and_flags():
    assert parse_cook_date("9/21/1984 12:00:00 AM") == date(1984, 9, 21)
    assert parse_cook_date("7/16/2013 4:38:00 PM") == date(2013, 7, 16)
    assert parse_cook_date("2019-11-26T00:00:00.000") == date(2019, 11, 26)
    assert parse_cook_date("11/5/2019") == date(2019, 11, 5)
    for bad in ("2/30/2016 12:00:00 AM", "7/24/1801 12:00:00 AM", "1/1/2999 12:00:00 AM", "soon", "1/2/16"):
        with pytest.raises(ValueError):
            parse_cook_date(bad)
    assert [parse_flag(v) for v in ("True", "false", " TRUE ", "", "maybe")] == [True, False, True, None, None]


# --- the real files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outcomes_file(shared_data: Path) -> Path:
    return shared_file(shared_data, f"{SAO}/ccsao_disposition_outcomes_by_offense_race_2011_2016.csv")


def test_real_disposition_outcomes_reconcile_per_year(outcomes_file):
    (result,) = _read(_outcomes_reader(), outcomes_file)
    source = pd.read_csv(outcomes_file, dtype=str, keep_default_na=False)
    assert result.rows_read == len(source) == 7287
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    assert not result.unknown_codes  # every disposition, offense type and race of the file is mapped

    # independently of the adapter: the mapping CSV joined to the file
    codes = {normalize_key(r["source_value"]): r for r in _mapping_csv("cook_disposition_codes")}
    source["n"] = source["DEFENDANT COUNT"].astype(int)
    source["fate"] = [
        "rejected" if not d.strip() else ("excluded" if codes[normalize_key(d)]["exclude_reason"] else "loaded")
        for d in source["DISPOSITION"]
    ]
    fates = source.pivot_table(index="YEAR", columns="fate", values="n", aggfunc="sum", fill_value=0)
    emitted = result.frame("case_counts").groupby("period_start")["n"].sum()
    notes = {}
    for note in result.notes:
        year, read, loaded, excluded, rejected = re.match(
            r"(\d{4}): ([\d,]+) defendants read = ([\d,]+) loaded \+ ([\d,]+) excluded .* \+ ([\d,]+) rejected",
            note).groups()
        notes[year] = [int(v.replace(",", "")) for v in (read, loaded, excluded, rejected)]
    for year, row in fates.iterrows():
        total = int(source.loc[source["YEAR"] == year, "n"].sum())
        assert notes[year] == [total, row["loaded"], row["excluded"], row["rejected"]]
        assert total == row["loaded"] + row["excluded"] + row["rejected"]
        assert emitted[date(int(year), 1, 1)] == row["loaded"]
    assert notes["2016"] == [31487, 31216, 261, 10]


def test_real_disposition_outcomes_2016_by_outcome_group(outcomes_file):
    (result,) = _read(_outcomes_reader(), outcomes_file)
    codes = {normalize_key(r["source_value"]): r["outcome"] for r in _mapping_csv("cook_disposition_codes")}
    expected: Counter[str] = Counter()
    with outcomes_file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            outcome = codes.get(normalize_key(row["DISPOSITION"]))
            if row["YEAR"] == "2016" and outcome:
                expected[outcome] += int(row["DEFENDANT COUNT"])
    frame = result.frame("case_counts")
    got = frame[frame["period_start"] == date(2016, 1, 1)].groupby("outcome")["n"].sum().to_dict()
    assert got == dict(expected)
    # the owner's own labels add up to the same groups: e.g. every plea label of 2016
    pleas = frame[(frame["period_start"] == date(2016, 1, 1)) & (frame["outcome"] == "plea")]
    assert set(pleas["source_outcome"]) == {"Plea Of Guilty", "Plea of Guilty - Amended Charge",
                                             "Plea of Guilty - Lesser Included", "Plea of Guilty But Mentally Ill"}
    assert got["plea"] == 19583 and sum(got.values()) == 31216


def test_real_felony_review_matches_the_file(shared_data):
    path = shared_file(shared_data, f"{SAO}/intake_clean_2011_2017.parquet")
    (result,) = _read(CookFelonyReview(), path)
    assert result.rows_read == result.rows_loaded == 298919 and result.rows_rejected == 0
    expected = duckdb.sql(
        f"SELECT year::INT AS y, CASE result WHEN 1 THEN 'charged' WHEN 0 THEN 'declined' ELSE 'other' END AS o,"
        f" count(*) AS n FROM read_parquet('{path.as_posix()}') GROUP BY ALL").fetchall()
    frame = result.frame("case_counts")
    got = frame.groupby([frame["period_start"].map(lambda d: d.year), "outcome"])["n"].sum().to_dict()
    assert got == {(y, o): n for y, o, n in expected}
    assert sum(n for (_, o), n in got.items() if o == "declined") == 13127
    drugs = frame[frame["offense_detail"] == "Drugs"]["n"].sum()
    assert drugs == duckdb.sql(f"SELECT count(*) FROM read_parquet('{path.as_posix()}')"
                               " WHERE \"charge.cat\" = 'Drugs'").fetchall()[0][0]


def test_real_sentencing_sample_rows(shared_data):
    path = shared_file(shared_data, f"{SAO}/sentencing_profile_sample_rows.csv")
    (result,) = _read(CookSentencing(), path)
    source = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert result.rows_read == len(source) == 20
    counted = source[(source["PRIMARY_CHARGE"] == "True") & (source["CURRENT_SENTENCE"] == "True")
                     & (source["SENTENCE_PHASE"] == "Original Sentencing")]
    assert counted["CASE_PARTICIPANT_ID"].is_unique
    assert result.rows_loaded == len(counted) == 10
    kinds = Counter((r.kind, r.column) for r in result.rejections)
    assert kinds == {("excluded", "PRIMARY_CHARGE_FLAG"): 9, ("excluded", "SENTENCE_PHASE"): 1}
    frame = result.frame("case_counts")
    assert frame.groupby("source_outcome")["n"].sum().to_dict() == counted["SENTENCE_TYPE"].value_counts().to_dict()
    assert frame.groupby("outcome")["n"].sum().to_dict() == {"prison": 6, "jail": 1, "other": 3}
    assert set(frame["period_start"]) == {date(2019, 11, 1)}
    # no id, judge or other person column of the sample survives in any kept text
    kept = " ".join(r.raw for r in result.rejections) + frame.to_csv()
    for column in ("CASE_ID", "CASE_PARTICIPANT_ID", "CHARGE_ID", "CHARGE_VERSION_ID", "SENTENCE_JUDGE"):
        for value in set(source[column]) - {""}:
            assert value not in kept, column


def test_real_code_lists_are_all_mapped(shared_data):
    """Every code value the real files list (32 dispositions; the Sentencing profile's value counts) is mapped."""
    categories = shared_file(shared_data, f"{SAO}/charge_disposition_categories_app_courts.csv")
    codes = load_mapping("cook_disposition_codes")
    with categories.open(encoding="utf-8", newline="") as handle:
        listed = [row["charge_disposition"] for row in csv.DictReader(handle)]
    assert len(listed) == 32
    assert [c for c in listed if normalize_key(c) not in codes.rows | codes.excluded] == []

    profile = shared_file(shared_data, f"{SAO}/sentencing_value_counts_from_profile.txt").read_text()
    sections = {m.group(1): m.group(2) for m in re.finditer(r"### (\w+)\n(.*?)(?=\n### |\Z)", profile, re.S)}
    checks = {"SENTENCE_TYPE": "cook_sentence_types", "SENTENCE_PHASE": "cook_sentence_phases",
              "RACE": "cook_race", "GENDER": "cook_sex", "OFFENSE_CATEGORY": "cook_offense_types",
              "UPDATED_OFFENSE_CATEGORY": "cook_offense_types", "DISPOSITION_CHARGED_CLASS": "cook_charge_classes",
              "CHARGE_DISPOSITION": "cook_disposition_codes"}
    for column, name in checks.items():
        mapping = load_mapping(name)
        values = re.findall(r"^\s+(.+?) \| \d+ \| ", sections[column], re.M)
        values = [v for v in values if not v.startswith(("Other values", "(Missing)"))]
        assert values, column
        missing = [v for v in values if normalize_key(v) not in mapping.rows | mapping.excluded]
        assert missing == [], (column, missing)
