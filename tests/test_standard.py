"""The standard's committed schemas, templates and value list are what the vocabulary writes now."""

from __future__ import annotations

import csv
import json

from etl import standard, vocab
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
