"""`python -m etl validate` teaches: one hostile file per message (tests/hostile/files/validate/), each message
checked as printed, with the exit status a script can rely on."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl.__main__ import main
from etl.build import build
from etl.config import load_sources
from etl.public import private_path

FILES = Path(__file__).parent / "hostile" / "files" / "validate"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["validate", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_every_missing_column_is_named_at_once(capsys) -> None:
    status, out, err = run(capsys, str(FILES / "missing_columns.csv"))
    assert status == 2
    for column in ("period_grain", "outcome", "n"):
        assert f"missing column {column!r}" in err
    assert "warning: missing_columns.csv: column 'count' is not read by this source" in out


def test_a_misspelled_optional_column_is_warned_with_the_right_name(capsys) -> None:
    _, out, _ = run(capsys, str(FILES / "teaching_rows.csv"))
    assert ("column 'offense_categroy' is not read by this source (did you mean 'offense_category'?): as spelled, "
            "its values are lost") in out
    assert "column 'notes' is not read by this source" in out


def test_refused_values_name_the_closest_allowed_value_and_the_list(capsys) -> None:
    _, out, _ = run(capsys, str(FILES / "teaching_rows.csv"))
    assert ("line 3, column 'outcome': outcome of stage 'referral' 'declind' is not allowed (did you mean "
            "'declined'?); allowed: charged, declined, diverted, other") in out
    assert "period_grain 'yearly' is not allowed (did you mean 'year'?)" in out


def test_every_problem_of_one_row_is_named(capsys) -> None:
    _, out, _ = run(capsys, str(FILES / "teaching_rows.csv"))
    [line] = [x for x in out.splitlines() if "line 2," in x]
    assert "FIPS '6075' has four digits" in line and "zero-padded as '06075'" in line
    assert "stage 'referal' is not allowed (did you mean 'referral'?)" in line
    assert "a yearly period starts on 1 January: 2018-03-15 is inside 2018; write 2018-01-01" in line


def test_rejected_rows_exit_zero_unless_strict(capsys) -> None:
    status, out, _ = run(capsys, str(FILES / "teaching_rows.csv"))
    assert status == 0
    assert "5 rows read = 2 would load + 3 rejected" in out and "3 of 5 rows would be rejected" in out
    status, _, _ = run(capsys, str(FILES / "teaching_rows.csv"), "--strict")
    assert status == 1


def _workbook(path: Path, rows: list[list], *, title: str = "Counts", merge: str | None = None,
              before: str | None = None) -> Path:
    """A workbook as a spreadsheet program saves one: typed cells, optionally merged header cells and a sheet
    before the data's."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if before:
        sheet.title = before
        sheet.append(["notes on this release"])
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


HEADER = ["fips", "period_start", "period_grain", "stage", "outcome", "n"]


def test_a_hostile_workbook_is_read_with_each_cell_named(capsys, tmp_path: Path) -> None:
    """A date typed as a date loads; a FIPS typed as the number 6075 gets the zero-padding hint at its sheet,
    row and column letter; formatted empty rows at the end are not rows."""
    import datetime

    path = _workbook(tmp_path / "counts.xlsx", [
        [*HEADER, "offense_categroy"],
        [6075, datetime.datetime(2018, 1, 1), "year", "referral", "declined", 40, "drug"],
        ["06075", datetime.date(2018, 1, 1), "year", "referral", "charged", 160.0, None],
        [None] * 7, [None, None, "", None],
    ])
    status, out, _ = run(capsys, str(path))
    assert status == 0
    assert "counts.xlsx (sheet 'Counts'): 2 rows read = 1 would load + 1 rejected" in out
    assert ("rejected row 2, column A 'fips': FIPS '6075' has four digits: a spreadsheet dropped the leading zero; "
            "write it zero-padded as '06075'") in out
    assert "column G 'offense_categroy' is not read by this source (did you mean 'offense_category'?)" in out
    assert run(capsys, str(path), "--strict")[0] == 1


def test_merged_header_cells_are_named_by_sheet_and_cell(capsys, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "merged.xlsx", [
        ["fips", "period", None, "stage", "outcome", "n"],
        ["06075", "2018-01-01", "year", "referral", "declined", 40],
    ], merge="B1:C1")
    status, _, err = run(capsys, str(path))
    assert status == 2
    assert ("merged.xlsx, sheet 'Counts', row 1: header cell(s) C1 are empty: merged header cells, or a title above "
            "the header?") in err


def test_a_workbook_renamed_csv_is_read_as_a_workbook_and_a_broken_one_is_named(capsys, tmp_path: Path) -> None:
    disguised = _workbook(tmp_path / "counts.csv", [HEADER, ["06075", "2018-01-01", "year", "referral", "charged", 9]])
    status, out, _ = run(capsys, str(disguised))
    assert status == 0 and "counts.csv (sheet 'Counts'): 1 rows read = 1 would load" in out
    status, _, err = run(capsys, str(FILES / "counts.xlsx"))  # zip magic, then garbage
    assert status == 2 and "not a readable .xlsx workbook" in err and "CSV UTF-8" in err
    ods = tmp_path / "counts.ods"
    ods.write_bytes(b"not read")
    status, _, err = run(capsys, str(ods))
    assert status == 2 and "a .ods spreadsheet cannot be read: open it and save it as .xlsx" in err


def test_a_source_adapter_in_python_is_given_a_workbook(capsys, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "arrests.xlsx", [["Year", "Total"]])
    status, _, err = run(capsys, str(path), "--source", "sf_da_arrests")
    assert status == 2 and "source sf_da_arrests reads CSV files only" in err and "CSV UTF-8" in err


def _folder(root: Path, *, extra: str = "", header: str = "fips,year,declined,referrals,race") -> Path:
    folder = root / "my_county"
    folder.mkdir()
    (folder / "source.toml").write_text(f'''title = "My county's referrals"
publisher = "My county DA"
url = "https://example.org"
license = "Public record"
form = "counts"
folder = "my-county"
files = ["*.csv"]
{extra}
[place]
column = "fips"
[period]
year = "year"
[breakdown.race]
column = "race"
mapping = "race.csv"
[[count]]
stage = "referral"
outcome = "declined"
column = "declined"
[[count]]
stage = "referral"
outcome = "charged"
total = "referrals"
''', encoding="utf-8")
    (folder / "race.csv").write_text("source_value,race\nB,black\nW,white\n", encoding="utf-8")
    (folder / "counts.csv").write_text(f"{header}\n17031,2016,40,200,B\n17031,2016,50,100,W\n", encoding="utf-8")
    return folder


def test_a_source_folder_validates_with_its_misspelled_breakdown_warned(capsys, tmp_path: Path) -> None:
    folder = _folder(tmp_path, header="fips,year,declined,referrals,rcae")
    status, out, _ = run(capsys, str(folder))
    assert status == 0
    assert "validating" in out and "as source my_county" in out
    assert "column 'rcae' is not read by this source (did you mean 'race'?)" in out
    assert "2 rows read = 2 would load + 0 rejected" in out


def test_a_source_folder_with_an_unknown_key_is_refused_by_name(capsys, tmp_path: Path) -> None:
    folder = _folder(tmp_path, extra='licence = "typo"')
    status, _, err = run(capsys, str(folder))
    assert status == 2 and "unknown key(s) licence in source.toml" in err


def test_a_source_folder_reads_its_named_sheet(capsys, tmp_path: Path) -> None:
    folder = _folder(tmp_path, extra='sheet = "Counts"')
    (folder / "counts.csv").unlink()
    toml = folder / "source.toml"
    toml.write_text(toml.read_text().replace('files = ["*.csv"]', 'files = ["*.xlsx"]'))
    _workbook(folder / "counts.xlsx", [["fips", "year", "declined", "referrals", "race"], ["17031", 2016, 40, 200, "B"],
                                       ["17031", 2016.0, 50, 100, "Q"]], before="About")
    status, out, _ = run(capsys, str(folder))
    assert status == 0 and "counts.xlsx (sheet 'Counts'): 2 rows read = 1 would load + 1 rejected" in out
    assert "rejected row 3, column E 'race': unknown code 'Q' in column 'race'" in out
    toml.write_text(toml.read_text().replace('sheet = "Counts"', 'sheet = "Data"'))
    from etl.sources.declared import load_definition

    load_definition.cache_clear()
    status, _, err = run(capsys, str(folder))
    assert status == 2 and "no sheet named 'Data' (the workbook has: 'About', 'Counts')" in err


def test_a_weight_outside_the_records_form_is_refused_by_name(capsys, tmp_path: Path) -> None:
    folder = _folder(tmp_path, extra='weight = "referrals"')
    status, _, err = run(capsys, str(folder))
    assert status == 2 and 'weight (a column saying how many each row counts) is for form = "records" only' in err


def test_against_a_warehouse_says_which_source_would_count_with_both_rates(capsys, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    raw = tmp_path / "raw" / "my-county"
    raw.mkdir(parents=True)
    shutil.copy(folder / "counts.csv", raw / "counts.csv")
    out_path = tmp_path / "warehouse.duckdb"
    build(out_path, raw_dir=tmp_path / "raw", sources=["my_county"], catalogue=load_sources(folders=[folder]),
          progress=False)
    with duckdb.connect(str(private_path(out_path)), read_only=True) as con:
        assert con.execute("SELECT sum(n) FROM case_counts WHERE source_id = 'my_county'").fetchone() == (300,)
    mine = tmp_path / "mine.csv"
    mine.write_text("fips,period_start,period_grain,stage,outcome,n\n17031,2016-01-01,year,referral,declined,30\n"
                    "17031,2016-01-01,year,referral,charged,70\n", encoding="utf-8")
    status, out, _ = run(capsys, str(mine), "--against", str(out_path))
    assert status == 0
    assert "which source the build would count" in out
    rows = {line.split()[3]: line for line in out.splitlines() if line.strip().startswith("17031")}
    assert "yes: more cases than canonical_counts (same priority)" in rows["my_county"]
    assert " 300 " in rows["my_county"] and "0.3" in rows["my_county"]  # 90 of 300 declined
    assert rows["canonical_counts"].split()[4:6] == ["100", "no"] and "0.3" in rows["canonical_counts"]


def test_a_broken_source_folder_stops_the_build_with_its_name(tmp_path: Path, capsys, monkeypatch) -> None:
    folder = _folder(tmp_path)
    (folder / "source.toml").write_text((folder / "source.toml").read_text().replace('stage = "referral"',
                                                                                      'stage = "refferal"', 1))
    import etl.config

    monkeypatch.setattr(etl.config, "SOURCE_FOLDERS", tmp_path)
    status = main(["build", "--out", str(tmp_path / "w.duckdb"), "--no-progress"])
    err = capsys.readouterr().err
    assert status == 2
    assert f"source folder {folder}" in err and "stage 'refferal' is not one of referral" in err
