"""The standard's committed schemas, templates and value list are what the vocabulary writes now."""

from __future__ import annotations

import csv
import json

from etl import standard, vocab
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


def test_a_file_in_the_case_records_layout_builds_through_the_example_folder(tmp_path) -> None:
    """The example source folder reads every column of the case-records schema, so a file written to the
    standard needs only the credit filled in."""
    import shutil

    import duckdb

    from etl.build import build
    from etl.config import load_sources

    folder = tmp_path / "my_office"
    shutil.copytree(standard.STANDARD_DIR / standard.EXAMPLE_FOLDER, folder)
    toml = folder / "source.toml"
    toml.write_text(toml.read_text().replace('folder = "<folder under data/raw/>"', 'folder = "my-office"'))
    raw = tmp_path / "raw" / "my-office"
    raw.mkdir(parents=True)
    header = (standard.STANDARD_DIR / "case-records.template.csv").read_text()
    rows = [
        "1,17031,2019-01-05,charged,2019-01-06,bail_set,2019-06-01,plea,2019-07-01,jail,500,1000,theft,"
        "theft_property,felony,black,male,30",
        "2,17031,2019-01-09,declined,,,,,,,,,assault,assault,misdemeanor,white,female,41",
        "3,17031,2019-02-02,charged,2019-02-03,released_ror,,,,,,,drug,drug,felony,hispanic,male,22",
    ]
    (raw / "case-records-2019.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "warehouse.duckdb"
    build(out, raw_dir=tmp_path / "raw", sources=["my_office"], catalogue=load_sources(folders=[folder]),
          progress=False)
    with duckdb.connect(str(private_path(out)), read_only=True) as con:
        counted = con.execute("SELECT stage, outcome, period_start::VARCHAR, race, sum(n) FROM case_counts "
                              "GROUP BY ALL ORDER BY ALL").fetchall()
    assert counted == [
        ("bail_request", "not_requested", "2019-02-01", "hispanic", 1),
        ("bail_request", "requested_set_higher", "2019-01-01", "black", 1),
        ("disposition", "plea", "2019-06-01", "black", 1),
        ("pretrial", "bail_set", "2019-01-01", "black", 1),
        ("pretrial", "released_ror", "2019-02-01", "hispanic", 1),
        ("referral", "charged", "2019-01-01", "black", 1),
        ("referral", "charged", "2019-02-01", "hispanic", 1),
        ("referral", "declined", "2019-01-01", "white", 1),
        ("sentence", "jail", "2019-07-01", "black", 1),
    ]
