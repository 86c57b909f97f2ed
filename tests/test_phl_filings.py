"""Philadelphia new criminal filings: synthetic gzip fixture for every rule, and the real merged file."""

from __future__ import annotations

import csv
import gzip
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl.sources.base import FileResult, SourceError
from etl.sources.phl_filings import PhiladelphiaFilings
from tests.conftest import FIXTURES, gzip_with_column_renamed, shared_file

FIXTURE = FIXTURES / "phl_filings" / "phl_new_criminal_filings_2022-01_2022-03.csv.gz"


@pytest.fixture(scope="module")
def fixture_result() -> FileResult:
    [result] = PhiladelphiaFilings().read([FIXTURE])
    return result


def test_fixture_rows_reconcile_with_one_row_per_docket(fixture_result: FileResult) -> None:
    result = fixture_result
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (18, 7, 11)
    frame = result.frame("case_counts")
    assert frame.loc[frame["stage"] == "pretrial", "n"].sum() == 7
    duplicates = sorted(r.line for r in result.rejections if r.kind == "duplicate")
    assert duplicates == [2, 18, 19]
    assert {r.reason for r in result.rejections if r.kind == "duplicate"} == {
        "superseded by a later version of the docket"}


def test_fixture_rejects_each_bad_row_with_line_and_column(fixture_result: FileResult) -> None:
    reasons = {r.line: (r.column, r.reason) for r in fixture_result.rejections if r.kind != "duplicate"}
    assert reasons[10] == ("bail_type", "unknown code 'Cash Only' in column 'bail_type'")
    assert reasons[11] == ("bail_type", "blank bail_type: no bail decision recorded")
    assert reasons[12][0] == "age" and reasons[12][1].startswith("misaligned row")
    assert reasons[13][1] == "misaligned row: 13 fields where the header has 14"
    assert reasons[14][0] == "filing_date"
    assert reasons[15][0] == "snapshot_date"
    assert reasons[16] == ("bail_status", "unknown code 'Pending' in column 'bail_status'")
    assert reasons[20][0] == "filing_date" and "future" in reasons[20][1]
    assert dict(fixture_result.unknown_codes) == {("bail_type", "Cash Only"): 1, ("bail_status", "Pending"): 1}


def test_fixture_identifiers_never_survive(fixture_result: FileResult) -> None:
    raws = " ".join(r.raw for r in fixture_result.rejections)
    assert "MC-51-CR" not in raws and "PA 191" not in raws
    frame = fixture_result.frame("case_counts")
    assert not frame.astype(str).apply(lambda c: c.str.contains("MC-51|PA 19")).to_numpy().any()


def test_fixture_cash_to_go_home_is_the_deposit_on_the_latest_money_bail(fixture_result: FileResult) -> None:
    """The one docket whose latest version is money bail ($2,500) needed its 10% deposit, $250, to go home; the
    superseded versions' money bails ($5,000, $1,000, $500) are not counted."""
    frame = fixture_result.frame("case_counts")
    cash = frame[frame["stage"] == "bail_amount"]
    assert list(zip(cash["outcome"], cash["n"], cash["offense_detail"], cash["age_band"], strict=True)) == [
        ("cash_under_500", 1, "Simple Assault", "25_34")]
    assert cash["source_outcome"].tolist() == ["Monetary, 10% deposit"]


def test_fixture_outcomes_dimensions_and_latest_version(fixture_result: FileResult) -> None:
    frame = fixture_result.frame("case_counts")
    frame = frame[frame["stage"] == "pretrial"]
    rows = {(r.outcome, r.source_outcome, r.offense_detail): r for r in frame.itertuples()}
    assert set(rows) == {
        ("bail_set", "Monetary", "Simple Assault"),  # line 3 wins over line 2; whitespace stripped
        ("released_ror", "ROR", "Theft By Unlaw Taking-Movable Prop"),  # line 6 wins over the older line 19
        ("released_conditions", "Unsecured", "Widget Smuggling"),
        ("remanded", "Denied", "Murder"),  # '$0.00' in bail_type: status decides
        ("remanded", "Denied", "Robbery-Inflict Serious Bodily Injury"),
        ("released_ror", "ROR", "Retail Theft-Take Mdse"),  # 23:30 at UTC-4 is later than 01:00 UTC
        ("released_conditions", "Nonmonetary", "Criminal Attempt - Murder"),
    }
    assert rows[("bail_set", "Monetary", "Simple Assault")].age_band == "25_34"
    assert rows[("bail_set", "Monetary", "Simple Assault")].period_start == date(2022, 1, 1)
    widget = rows[("released_conditions", "Unsecured", "Widget Smuggling")]
    assert (widget.offense_category, widget.age_band, widget.period_start) == ("unknown", "unknown", date(2022, 2, 1))
    assert rows[("remanded", "Denied", "Robbery-Inflict Serious Bodily Injury")].age_band == "under_18"
    assert rows[("released_conditions", "Nonmonetary", "Criminal Attempt - Murder")].offense_category == "assault"
    assert rows[("remanded", "Denied", "Murder")].offense_category == "homicide"
    assert set(frame["fips"]) == {"42101"} and set(frame["period_grain"]) == {"month"}
    assert set(frame["offense_level"]) == {"unknown"}
    notes = " ".join(fixture_result.notes)
    assert "1 of 7 dockets (1 distinct top-charge titles) match no rule" in notes
    assert "1 dockets with bail_status Denied carry an amount" in notes


def test_missing_column_and_fake_gzip_are_whole_file_errors(tmp_path: Path) -> None:
    renamed = tmp_path / "phl_new_criminal_filings_renamed.csv.gz"
    text = gzip_with_column_renamed(FIXTURE, renamed, "bail_type", "bail_kind")
    with pytest.raises(SourceError) as error:
        PhiladelphiaFilings().read([renamed])
    assert error.value.column == "bail_type"
    fake = tmp_path / "phl_new_criminal_filings_fake.csv.gz"
    fake.write_bytes(text.encode("utf-8"))
    with pytest.raises(SourceError, match="not gzip"):
        PhiladelphiaFilings().read([fake])


@pytest.fixture(scope="module")
def real(shared_data: Path) -> tuple[Path, FileResult]:
    path = shared_file(shared_data, "phl-filings/phl_new_criminal_filings_2021-08_2023-05.csv.gz")
    [result] = PhiladelphiaFilings().read([path])
    return path, result


def _rows_with_lines(path: Path) -> pd.DataFrame:
    """Every data row with the line it starts on, read independently of the adapter."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        last, rows = reader.line_num, []
        for fields in reader:
            rows.append((last + 1, *fields))
            last = reader.line_num
    return pd.DataFrame(rows, columns=["line", *header])


def test_real_file_reconciles_with_the_stated_rows_and_dockets(real: tuple[Path, FileResult]) -> None:
    path, result = real
    assert result.rows_read == 41919 == result.rows_loaded + result.rows_rejected  # README: 41,919 rows
    rows = _rows_with_lines(path)
    assert rows["docket_number"].nunique() == 37714  # README: 37,714 dockets
    bad = {r.line for r in result.rejections if r.kind != "duplicate"}
    usable = rows.loc[~rows["line"].isin(bad), "docket_number"]
    assert result.rows_loaded == usable.nunique()  # one loaded row per docket with a readable version
    duplicates = sum(r.kind == "duplicate" for r in result.rejections)
    assert duplicates == len(usable) - usable.nunique()
    frame = result.frame("case_counts")
    assert frame.loc[frame["stage"] == "pretrial", "n"].sum() == result.rows_loaded


def test_real_outcomes_match_the_latest_versions(real: tuple[Path, FileResult]) -> None:
    path, result = real
    rows = _rows_with_lines(path)
    rows["snapshot"] = pd.to_datetime(rows["snapshot_date"].str.strip(), utc=True, format="ISO8601")
    latest = rows.sort_values(["snapshot", "line"]).drop_duplicates("docket_number", keep="last")
    status = latest["bail_status"].str.strip()
    bail_type = latest["bail_type"].str.strip()
    expected = {
        "remanded": int((status == "Denied").sum()),
        "released_ror": int(((status != "Denied") & (bail_type == "ROR")).sum()),
        "bail_set": int(((status != "Denied") & (bail_type == "Monetary")).sum()),
    }
    frame = result.frame("case_counts")
    frame = frame[frame["stage"] == "pretrial"]
    lost = 37714 - result.rows_loaded  # dockets with no readable version
    for outcome, n in expected.items():
        assert abs(frame.loc[frame["outcome"] == outcome, "n"].sum() - n) <= lost
    assert 0 <= lost < 20
    assert frame.loc[frame["outcome"] == "remanded", "n"].sum() > 600
    unknown = frame.loc[frame["offense_category"] == "unknown", "n"].sum()
    assert unknown < 0.01 * result.rows_loaded  # the keyword rules cover the long tail
    note = next(n for n in result.notes if "match no rule" in n)
    assert int(re.match(r"([\d,]+) of", note).group(1).replace(",", "")) <= unknown
    raws = " ".join(r.raw for r in result.rejections)
    assert "MC-51-CR" not in raws and not re.search(r"PA 19\d{3}", raws)


def test_real_cash_to_go_home_matches_the_latest_money_bails(real: tuple[Path, FileResult]) -> None:
    """Every latest money bail with an amount is counted once, in the band of its 10% deposit, worked out here
    from the raw file with pandas' own binning."""
    path, result = real
    rows = _rows_with_lines(path)
    rows["snapshot"] = pd.to_datetime(rows["snapshot_date"].str.strip(), utc=True, format="ISO8601")
    latest = rows.sort_values(["snapshot", "line"]).drop_duplicates("docket_number", keep="last")
    money = latest[(latest["bail_status"].str.strip() != "Denied") & (latest["bail_type"].str.strip() == "Monetary")]
    deposit = pd.to_numeric(money["bail_amount"].str.replace(r"[$,\s]", "", regex=True), errors="coerce") / 10
    expected = pd.cut(deposit[deposit > 0], [0, 500, 1000, 5000, 10000, float("inf")], right=False,
                      labels=["cash_under_500", "cash_500_999", "cash_1000_4999", "cash_5000_9999",
                              "cash_10000_plus"]).value_counts()
    frame = result.frame("case_counts")
    counted = frame[frame["stage"] == "bail_amount"].groupby("outcome")["n"].sum()
    lost = 37714 - result.rows_loaded
    assert counted.sum() > 15000
    for band, n in expected.items():
        assert abs(int(counted.get(band, 0)) - int(n)) <= lost, band
