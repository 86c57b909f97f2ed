"""The standard's committed schemas, templates and value list are what the vocabulary writes now."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb

from etl import standard, vocab
from etl.build import build
from etl.config import load_sources
from etl.public import private_path
from etl.sources import canonical


def test_committed_files_match_the_vocabulary() -> None:
    for name, text in standard.files().items():
        committed = (standard.STANDARD_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"docs/standard/{name} is stale: run `python -m etl standard`"


def test_aggregate_schema_is_the_canonical_adapters_columns_and_values() -> None:
    schema = json.loads((standard.STANDARD_DIR / "aggregate-counts.schema.json").read_text())
    fields = {f["name"]: f for f in schema["fields"]}
    assert set(fields) == set(canonical.COLUMNS) | set(canonical.OPTIONAL)
    assert [n for n, f in fields.items() if f.get("constraints", {}).get("required")] == list(canonical.COLUMNS)
    assert fields["stage"]["constraints"]["enum"] == list(vocab.STAGES)
    assert fields["race"]["constraints"]["enum"] == list(vocab.RACES)
    assert set(schema["primaryKey"]) <= set(fields)
    with (standard.STANDARD_DIR / "aggregate-counts.template.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == [f["name"] for f in schema["fields"]]


def test_every_allowed_value_is_defined() -> None:
    for stage, outcomes in vocab.STAGE_OUTCOMES.items():
        assert set(standard.OUTCOME_DEFINITIONS[stage]) == set(outcomes), stage
        assert standard.STAGE_DEFINITIONS[stage]
    assert set(standard.GRAIN_DEFINITIONS) == set(vocab.PERIOD_GRAINS)
    text = (standard.STANDARD_DIR / "VALUES.md").read_text(encoding="utf-8")
    for outcomes in standard.OUTCOME_DEFINITIONS.values():
        for outcome, meaning in outcomes.items():
            assert f"| `{outcome}` | {meaning} |" in text


def _example_folder(tmp_path: Path, files: str = "case-records*.csv") -> Path:
    """The standard's example source folder, copied and pointed at data/raw/my-office; returns that raw folder."""
    folder = tmp_path / "my_office"
    shutil.copytree(standard.STANDARD_DIR / standard.EXAMPLE_FOLDER, folder)
    toml = folder / "source.toml"
    toml.write_text(toml.read_text().replace('folder = "<folder under data/raw/>"', 'folder = "my-office"')
                    .replace('files = ["case-records*.csv"]', f'files = ["{files}"]'))
    raw = tmp_path / "raw" / "my-office"
    raw.mkdir(parents=True)
    return raw


def _counted(tmp_path: Path) -> list[tuple]:
    """Build the example folder's source and read back its counts by stage, outcome, month and race."""
    out = tmp_path / "warehouse.duckdb"
    catalogue = load_sources(folders=[tmp_path / "my_office"])
    build(out, raw_dir=tmp_path / "raw", sources=["my_office"], catalogue=catalogue, progress=False)
    with duckdb.connect(str(private_path(out)), read_only=True) as con:
        return con.execute("SELECT stage, outcome, period_start::VARCHAR, race, sum(n) FROM case_counts "
                           "GROUP BY ALL ORDER BY ALL").fetchall()


def test_a_file_in_the_case_records_layout_builds_through_the_example_folder(tmp_path) -> None:
    """The example source folder reads every column of the case-records schema, so a file written to the
    standard needs only the credit filled in."""
    raw = _example_folder(tmp_path)
    header = (standard.STANDARD_DIR / "case-records.template.csv").read_text()
    rows = [
        "1,17031,2019-01-05,charged,2019-01-06,bail_set,2019-06-01,plea,2019-07-01,jail,500,1000,theft,"
        "theft_property,felony,black,male,30",
        "2,17031,2019-01-09,declined,,,,,,,,,assault,assault,misdemeanor,white,female,41",
        "3,17031,2019-02-02,charged,2019-02-03,released_ror,,,,,,,drug,drug,felony,hispanic,male,22",
        # released on recognizance with an amount written down: no money bail, so no cash to go home
        "4,17031,2019-03-02,charged,2019-03-03,released_ror,,,,,,200,drug,drug,felony,white,male,22",
    ]
    (raw / "case-records-2019.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    assert _counted(tmp_path) == [
        ("bail_amount", "cash_1000_4999", "2019-01-01", "black", 1),
        ("bail_request", "not_requested", "2019-02-01", "hispanic", 1),
        ("bail_request", "not_requested", "2019-03-01", "white", 1),
        ("bail_request", "requested_set_higher", "2019-01-01", "black", 1),
        ("disposition", "plea", "2019-06-01", "black", 1),
        ("pretrial", "bail_set", "2019-01-01", "black", 1),
        ("pretrial", "released_ror", "2019-02-01", "hispanic", 1),
        ("pretrial", "released_ror", "2019-03-01", "white", 1),
        ("referral", "charged", "2019-01-01", "black", 1),
        ("referral", "charged", "2019-02-01", "hispanic", 1),
        ("referral", "charged", "2019-03-01", "white", 1),
        ("referral", "declined", "2019-01-01", "white", 1),
        ("sentence", "jail", "2019-07-01", "black", 1),
    ]


def _cells(book) -> dict[str, list[list[str]]]:
    """Every cell as the reader sees it (a saved date comes back as a datetime, an empty string as None)."""
    from etl.sources.xlsx import cell_text

    return {sheet.title: [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)] for sheet in book}


def _lists(book) -> dict[str, str]:
    """Each validated column range -> the range of the values sheet its drop-down list offers."""
    return {str(check.sqref): check.formula1 for check in book[standard.DATA_SHEET].data_validations.dataValidation}


def test_committed_xlsx_templates_hold_what_the_vocabulary_writes_now() -> None:
    from openpyxl import load_workbook

    for name, fresh in standard.workbooks().items():
        committed = load_workbook(standard.STANDARD_DIR / name)
        assert _cells(committed) == _cells(fresh), f"docs/standard/{name} is stale: run `python -m etl standard`"
        assert _lists(committed) == _lists(fresh), name


def test_xlsx_template_lists_every_allowed_value_with_its_meaning() -> None:
    from openpyxl import load_workbook

    book = load_workbook(standard.STANDARD_DIR / "aggregate-counts.template.xlsx")
    header = [c.value for c in book[standard.DATA_SHEET][1]]
    assert header == [f["name"] for f in standard.aggregate_schema()["fields"]]
    values = [row for row in book[standard.VALUES_SHEET].iter_rows(min_row=2, values_only=True)]
    listed = {(field, value) for field, value, _ in values}
    assert {("stage", s) for s in vocab.STAGES} <= listed and {("race", r) for r in vocab.RACES} <= listed
    meanings = {(f, v): m for f, v, m in values}
    assert standard.OUTCOME_DEFINITIONS["referral"]["declined"] in meanings[("outcome", "declined")]
    # the stage column offers exactly the stage rows of the values sheet
    stage_column = "ABCDEFGHIJKLM"[header.index("stage")]
    formula = _lists(book)[f"{stage_column}2:{stage_column}1048576"]
    first, last = (int(part.split("$")[-1]) for part in formula.split("!")[1].split(":"))
    assert [v for _, v, _ in values[first - 2:last - 1]] == list(vocab.STAGES)


def test_an_xlsx_template_filled_in_validates_and_builds(tmp_path, capsys) -> None:
    """A publisher fills in the aggregate template in a spreadsheet program (here openpyxl): the example row
    replaced, dates typed as dates, counts as numbers. The workbook validates and builds as it is."""
    import datetime

    from openpyxl import load_workbook

    from etl.__main__ import main

    book = load_workbook(standard.STANDARD_DIR / "aggregate-counts.template.xlsx")
    sheet = book[standard.DATA_SHEET]
    header = [c.value for c in sheet[1]]
    sheet.delete_rows(2)
    for outcome, n in (("charged", 160), ("declined", 40)):
        row = dict.fromkeys(header)
        row.update(fips="17031", period_start=datetime.datetime(2019, 1, 1), period_grain="year", stage="referral",
                   outcome=outcome, n=n, race="black")
        sheet.append([row[h] for h in header])
    folder = tmp_path / "sources" / "annual_report"
    folder.mkdir(parents=True)
    (folder / "source.toml").write_text('''title = "Annual report, table 2"
publisher = "Example County District Attorney"
url = "https://example.org/report.pdf"
license = "Public record"
form = "canonical"
folder = "annual-report"
files = ["*.xlsx"]
''', encoding="utf-8")
    raw = tmp_path / "raw" / "annual-report"
    raw.mkdir(parents=True)
    book.save(raw / "table2.xlsx")

    status = main(["validate", str(raw / "table2.xlsx")])
    out = capsys.readouterr().out
    assert status == 0 and "table2.xlsx (sheet 'data'): 2 rows read = 2 would load + 0 rejected" in out

    out_path = tmp_path / "warehouse.duckdb"
    build(out_path, raw_dir=tmp_path / "raw", sources=["annual_report"], catalogue=load_sources(folders=[folder]),
          progress=False)
    with duckdb.connect(str(private_path(out_path)), read_only=True) as con:
        assert con.execute("SELECT outcome, period_start::VARCHAR, race, n FROM case_counts ORDER BY outcome"
                           ).fetchall() == [("charged", "2019-01-01", "black", 160),
                                            ("declined", "2019-01-01", "black", 40)]
        assert con.execute("SELECT rows_read, rows_loaded, rows_rejected FROM source WHERE source_id = "
                           "'annual_report'").fetchone() == (2, 2, 0)


def test_the_case_records_xlsx_template_builds_through_the_example_folder(tmp_path) -> None:
    """The case-level template's example row, left as it is, is one case through every stage."""
    raw = _example_folder(tmp_path, "case-records*.xlsx")
    shutil.copy(standard.STANDARD_DIR / "case-records.template.xlsx", raw / "case-records-2019.xlsx")
    assert _counted(tmp_path) == [
        ("bail_amount", "cash_500_999", "2019-01-01", "black", 1),
        ("bail_request", "requested_set_lower", "2019-01-01", "black", 1),
        ("disposition", "plea", "2019-06-01", "black", 1),
        ("pretrial", "bail_set", "2019-01-01", "black", 1),
        ("referral", "charged", "2019-01-01", "black", 1),
        ("sentence", "jail", "2019-07-01", "black", 1),
    ]
