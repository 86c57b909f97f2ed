"""The open data standard's two input forms, written from the vocabulary so code and documents cannot drift.

`python -m etl standard` writes into docs/standard/: a Frictionless Table Schema (JSON), a CSV template and
an XLSX template (drop-down lists of the allowed values, a sheet defining each) for each form, and VALUES.md
defining every allowed value. tests/test_standard.py checks the committed files are what this module writes
now (the workbooks by their cells and lists, since a saved workbook carries its save time).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from etl import vocab
from etl.config import PROJECT

STANDARD_DIR = PROJECT / "docs" / "standard"
MISSING = ["", "NA", "N/A", "null"]  # what a blank cell may be written as; read as missing

# Every allowed value, defined once: the schemas' descriptions and docs/standard/VALUES.md read these.
OUTCOME_DEFINITIONS: dict[str, dict[str, str]] = {
    "referral": {
        "charged": "the prosecutor filed at least one charge",
        "declined": "the prosecutor declined to file any charge (no-paper, reject, nolle before filing)",
        "diverted": "sent to a diversion programme instead of being charged",
        "other": "another intake decision (returned to police for more investigation, referred elsewhere)",
    },
    "pretrial": {
        "released_ror": "released on own recognizance: no money and no conditions beyond appearing",
        "released_conditions": "released on conditions or an unsecured promise to pay, with no money up front",
        "bail_set": "money bail set (cash, surety or property), whether or not it was posted",
        "remanded": "held without bail",
        "other": "another pretrial decision (held on another case or a probation violation, unclear)",
    },
    "disposition": {
        "plea": "convicted by a guilty (or no-contest) plea (a plea with adjudication withheld is "
                "`adjudication_withheld`)",
        "trial_conviction": "convicted at a bench or jury trial",
        "conviction": "convicted, the source not saying whether by plea or trial",
        "trial_acquittal": "acquitted at trial",
        "dismissed": "dismissed or dropped after charging (nolle prosequi, dismissal by the court, no true bill)",
        "diverted": "resolved by diversion or deferred judgement after charging, whether or not completed",
        "adjudication_withheld": "guilt found (usually by a plea) but no conviction entered, as Florida allows; "
                                 "resolved, but not a conviction",
        "no_probable_cause": "a judge found no probable cause at the preliminary hearing (Cook County's FNPC): "
                             "the court's decision, not the prosecutor's dismissal",
        "pleaded_other_case": "closed because the person pleaded guilty in another case",
        "other": "another final outcome (transferred, died, found incompetent)",
    },
    "sentence": {
        "prison": "a state prison sentence",
        "jail": "a county jail sentence, including probation with a jail term (a split sentence)",
        "probation": "probation or community supervision with no jail or prison term",
        "other": "another sentence (fine only, time served, conditional discharge)",
    },
    "bail_request": {
        "not_requested": "the prosecutor asked for no money bail (or no amount was recorded)",
        "requested_set_none": "the prosecutor asked for money bail; the judge set none",
        "requested_set_lower": "the judge set less money bail than the prosecutor asked",
        "requested_set_same": "the judge set the amount the prosecutor asked",
        "requested_set_higher": "the judge set more money bail than the prosecutor asked",
    },
    "bail_amount": {
        "cash_under_500": "money bail set; going home took less than $500 in cash",
        "cash_500_999": "money bail set; going home took $500 to $999 in cash",
        "cash_1000_4999": "money bail set; going home took $1,000 to $4,999 in cash",
        "cash_5000_9999": "money bail set; going home took $5,000 to $9,999 in cash",
        "cash_10000_plus": "money bail set; going home took $10,000 or more in cash",
    },
}
STAGE_DEFINITIONS = {
    "referral": "the charging decision on a case police (or another agency) brought to the prosecutor",
    "pretrial": "the release decision at first appearance or arraignment",
    "disposition": "how a charged case ended",
    "sentence": "the most serious sentence on a conviction",
    "bail_request": "what the prosecutor asked for at arraignment beside what the judge set",
    "bail_amount": "the cash needed to go home when money bail was set: the bail, or the deposit on it where the "
                   "court takes a deposit",
}
GRAIN_DEFINITIONS = {
    "day": "one day (period_start is that day)",
    "month": "a calendar month (period_start is its 1st)",
    "quarter": "a calendar quarter (period_start is 1 January, April, July or October)",
    "year": "a calendar year (period_start is 1 January)",
    "two_years": "two calendar years published together (period_start is 1 January of the first); kept, but in no "
                 "yearly measure",
}


def _enum_field(name: str, values: tuple[str, ...], description: str, *, required: bool) -> dict[str, Any]:
    return {"name": name, "type": "string", "description": description,
            "constraints": {"required": required, "enum": list(values)}}


def aggregate_schema() -> dict[str, Any]:
    """Form 2, aggregate counts: one row per count, every value in the vocabulary (etl/sources/canonical.py)."""
    outcomes = tuple(sorted({o for os in vocab.STAGE_OUTCOMES.values() for o in os}))
    fields = [
        {"name": "fips", "type": "string", "description": "five-digit county FIPS code, zero-padded (06075)",
         "constraints": {"required": True, "pattern": "[0-9]{5}"}},
        {"name": "period_start", "type": "date", "format": "default",
         "description": "first day of the period counted, on its grain's boundary",
         "constraints": {"required": True}},
        _enum_field("period_grain", vocab.PERIOD_GRAINS, "length of the period", required=True),
        _enum_field("stage", vocab.STAGES, "the decision counted", required=True),
        _enum_field("outcome", outcomes, "the decision's outcome; must be an outcome of `stage`", required=True),
        {"name": "n", "type": "integer", "description": "how many (cases, charges or people: see the source's unit)",
         "constraints": {"required": True, "minimum": 0}},
        {"name": "source_outcome", "type": "string", "description": "the publisher's own label for the outcome"},
        *(_enum_field(name, vocab.FIELD_VOCAB[name], f"breakdown: {name.replace('_', ' ')}", required=False)
          for name in ("offense_category", "offense_level", "race", "sex", "age_band")),
        {"name": "offense_detail", "type": "string", "description": "the publisher's offense label"},
    ]
    return {
        "name": "aggregate-counts",
        "title": "Prosecutor decisions: aggregate counts",
        "description": "One row per count of decisions in one county, period, stage and outcome, with optional "
                       "breakdowns. Read by form = \"canonical\" source folders and `python -m etl validate`.",
        "fields": fields,
        "missingValues": MISSING,
        "primaryKey": ["fips", "period_start", "period_grain", "stage", "outcome", "source_outcome",
                       "offense_category", "offense_level", "offense_detail", "race", "sex", "age_band"],
    }


def records_schema() -> dict[str, Any]:
    """Form 1, case-level records: one row per case (or charge, or arraignment), decision codes as published."""
    fields: list[dict[str, Any]] = [
        {"name": "row_number", "type": "integer",
         "description": "the row's position in the release; never a case or docket number",
         "constraints": {"required": True, "unique": True, "minimum": 1}},
        {"name": "fips", "type": "string", "description": "five-digit county FIPS code, zero-padded (06075)",
         "constraints": {"required": True, "pattern": "[0-9]{5}"}},
    ]
    for stage in vocab.STAGES:
        if stage in ("bail_request", "bail_amount"):
            continue  # read from the amounts below
        fields += [
            {"name": f"{stage}_date", "type": "date", "format": "default",
             "description": f"date of the {stage} decision ({STAGE_DEFINITIONS[stage]})"},
            {"name": f"{stage}_decision", "type": "string",
             "description": f"the {stage} decision as the publisher codes it; a mapping CSV turns each code into "
                            f"one of: {', '.join(vocab.STAGE_OUTCOMES[stage])}"},
        ]
    fields += [
        {"name": "bail_requested_amount", "type": "number", "description": "money bail the prosecutor asked for",
         "constraints": {"minimum": 0}},
        {"name": "bail_set_amount", "type": "number", "description": "money bail the judge set",
         "constraints": {"minimum": 0}},
        {"name": "offense", "type": "string", "description": "the publisher's offense label or statute"},
        _enum_field("offense_category", vocab.OFFENSE_CATEGORIES, "offense group, when the publisher gives it",
                    required=False),
        {"name": "offense_level", "type": "string",
         "description": f"felony or misdemeanor as published; mapped to: {', '.join(vocab.OFFENSE_LEVELS)}"},
        {"name": "race", "type": "string",
         "description": f"race or ethnicity as published; mapped to: {', '.join(vocab.RACES)}"},
        {"name": "sex", "type": "string", "description": f"sex as published; mapped to: {', '.join(vocab.SEXES)}"},
        {"name": "age", "type": "integer", "description": "age in years at the decision (never a birth date)",
         "constraints": {"minimum": 0, "maximum": 110}},
    ]
    return {
        "name": "case-records",
        "title": "Prosecutor decisions: case-level records",
        "description": "One row per case, charge or arraignment (the source says which), with the date and the "
                       "publisher's code of each decision. No names, case or docket numbers, birth dates or "
                       "addresses. Read by form = \"records\" source folders, which aggregate them into counts.",
        "fields": fields,
        "missingValues": MISSING,
        "primaryKey": ["row_number"],
    }


def _template(schema: dict[str, Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([f["name"] for f in schema["fields"]])
    return out.getvalue()


# One filled-in row per form, shown in the XLSX templates under the header (and read back by the tests).
EXAMPLE_ROWS: dict[str, dict[str, Any]] = {
    "aggregate-counts": {"fips": "17031", "period_start": date(2019, 1, 1), "period_grain": "year",
                         "stage": "referral", "outcome": "declined", "n": 40, "source_outcome": "Rejected",
                         "offense_category": "drug", "offense_level": "felony", "race": "black", "sex": "male",
                         "age_band": "25_34", "offense_detail": "Possession of a controlled substance"},
    "case-records": {"row_number": 1, "fips": "17031", "referral_date": date(2019, 1, 5),
                     "referral_decision": "charged", "pretrial_date": date(2019, 1, 6),
                     "pretrial_decision": "bail_set", "disposition_date": date(2019, 6, 1),
                     "disposition_decision": "plea", "sentence_date": date(2019, 7, 1), "sentence_decision": "jail",
                     "bail_requested_amount": 1000, "bail_set_amount": 500, "offense": "theft",
                     "offense_category": "theft_property", "offense_level": "felony", "race": "black",
                     "sex": "male", "age": 30},
}
DATA_SHEET, VALUES_SHEET = "data", "values"


def value_meanings(name: str) -> list[tuple[str, str]]:
    """(value, meaning) for every allowed value of an enum field, as VALUES.md defines them."""
    if name == "stage":
        return [(s, STAGE_DEFINITIONS[s]) for s in vocab.STAGES]
    if name == "period_grain":
        return [(g, GRAIN_DEFINITIONS[g]) for g in vocab.PERIOD_GRAINS]
    if name == "outcome":
        meanings: dict[str, list[str]] = {}
        for stage, outcomes in OUTCOME_DEFINITIONS.items():
            for outcome, meaning in outcomes.items():
                meanings.setdefault(outcome, []).append(f"{stage}: {meaning}")
        return [(o, "; ".join(meanings[o])) for o in sorted(meanings)]
    return [(v, "the publisher did not say" if v == "unknown" else "") for v in vocab.FIELD_VOCAB[name]]


def workbook(schema: dict[str, Any]) -> Any:
    """The XLSX template of a form: sheet `data` (the header, one example row, each enum column limited to its
    values by a drop-down list, text columns stored as text so a FIPS keeps its zero) and sheet `values`
    (every allowed value with its meaning)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    values = book.create_sheet(VALUES_SHEET)
    values.append(["field", "value", "meaning"])
    example = EXAMPLE_ROWS[schema["name"]]
    fields = schema["fields"]
    data.append([f["name"] for f in fields])
    data.append([example.get(f["name"]) for f in fields])
    for cell in (*data[1], *values[1]):
        cell.font = Font(bold=True)
    data.freeze_panes = "A2"
    for index, spec in enumerate(fields, start=1):
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = max(12, len(spec["name"]) + 2)
        example_cell = data.cell(row=2, column=index)
        if spec["type"] == "string":
            example_cell.number_format = "@"
            data.column_dimensions[letter].number_format = "@"
        elif spec["type"] == "date":
            example_cell.number_format = "yyyy-mm-dd"
        enum = spec.get("constraints", {}).get("enum")
        if not enum:
            continue
        first = values.max_row + 1
        for value, meaning in value_meanings(spec["name"]):
            values.append([spec["name"], value, meaning])
        check = DataValidation(type="list", formula1=f"={VALUES_SHEET}!$B${first}:$B${values.max_row}",
                               allow_blank=not spec["constraints"].get("required", False), showErrorMessage=True,
                               errorTitle=f"{spec['name']}: not an allowed value",
                               error=f"See the '{VALUES_SHEET}' sheet for the values of {spec['name']}.")
        check.add(f"{letter}2:{letter}1048576")
        data.add_data_validation(check)
    values.column_dimensions["A"].width, values.column_dimensions["B"].width = 18, 24
    values.column_dimensions["C"].width = 100
    return book


def workbooks() -> dict[str, Any]:
    """Every XLSX template of docs/standard/, by name."""
    return {f"{schema['name']}.template.xlsx": workbook(schema) for schema in (aggregate_schema(), records_schema())}


def values_markdown() -> str:
    """Every allowed value with its meaning, for people who do not read the schemas."""
    lines = ["# Allowed values", "",
             "Written by `python -m etl standard` from the vocabulary (etl/vocab.py, etl/standard.py): edit "
             "those, not this file.", ""]
    for stage, outcomes in vocab.STAGE_OUTCOMES.items():
        lines += [f"## stage `{stage}`: {STAGE_DEFINITIONS[stage]}", "", "| outcome | meaning |", "|---|---|"]
        lines += [f"| `{o}` | {OUTCOME_DEFINITIONS[stage][o]} |" for o in outcomes]
        lines.append("")
    lines += ["## `period_grain`", "", "| value | meaning |", "|---|---|"]
    lines += [f"| `{g}` | {GRAIN_DEFINITIONS[g]} |" for g in vocab.PERIOD_GRAINS]
    lines.append("")
    for name in ("offense_category", "offense_level", "race", "sex", "age_band"):
        lines += [f"## `{name}`", "", ", ".join(f"`{v}`" for v in vocab.FIELD_VOCAB[name]), ""]
    lines += ["`unknown` means the publisher did not say; `other` means it said something outside this list.", ""]
    return "\n".join(lines)


EXAMPLE_FOLDER = "example-source"


def example_source() -> dict[str, str]:
    """A source folder that reads files in the case-records layout: copy it to data/sources/<your id>/, fill
    in the credit, and replace a mapping's rows where the office writes its own codes."""
    schema = {f["name"] for f in records_schema()["fields"]}
    lines = [
        "# A source folder for files in the standard's case-level layout (docs/standard/case-records.schema.json).",
        "# Written by `python -m etl standard`; copy the folder to data/sources/<your id>/ and fill in the credit.",
        'title = "Case records of <office> (<years>)"',
        'publisher = "<the office that published the file>"',
        'url = "<where the file can be downloaded>"',
        'license = "<the licence or terms, as published>"',
        'retrieved = "<YYYY-MM-DD>"',
        'notes = "<what a reader must know: what one row is, what is missing>"',
        'form = "records"',
        'unit = "case"',
        'folder = "<folder under data/raw/>"',
        'files = ["case-records*.csv"]',
        'ignore = ["row_number", "offense"]',
        "",
        "[place]",
        'column = "fips"',
        "",
        "[period]",
        'grain = "month"  # each decision is counted in the month of its own date',
    ]
    mappings: dict[str, str] = {}
    for stage in vocab.CASE_FLOW_STAGES:
        lines += ["", "[[decision]]", f'stage = "{stage}"', f'column = "{stage}_decision"', f'date = "{stage}_date"',
                  f'mapping = "{stage}.csv"', 'missing = "skip"']
        mappings[f"{stage}.csv"] = "source_value,outcome\n" + "".join(
            f"{o},{o}\n" for o in vocab.STAGE_OUTCOMES[stage])
    lines += ["", "[[decision]]", 'stage = "bail_request"', 'requested = "bail_requested_amount"',
              'set = "bail_set_amount"', 'date = "pretrial_date"', 'missing = "skip"',
              "", "# the cash needed to go home: set deposit = 0.1 where the court takes a 10% deposit on the bail",
              "[[decision]]", 'stage = "bail_amount"', 'amount = "bail_set_amount"', "deposit = 1",
              'date = "pretrial_date"', 'missing = "skip"', 'when = { stage = "pretrial", outcome = "bail_set" }']
    for name in ("offense_category", "offense_level", "race", "sex"):
        lines += ["", f"[breakdown.{name}]", f'column = "{name}"', f'mapping = "{name}.csv"']
        mappings[f"{name}.csv"] = f"source_value,{name}\n" + "".join(f"{v},{v}\n" for v in vocab.FIELD_VOCAB[name])
    lines += ["", "[breakdown.age_band]", 'column = "age"', ""]
    text = "\n".join(lines)
    missing = {c for c in schema if f'"{c}"' not in text}
    if missing:
        raise ValueError(f"the example source folder does not read {sorted(missing)}")
    return {"source.toml": text, **mappings}


def files() -> dict[str, str]:
    """Every file of docs/standard/, by name, as this code writes it."""
    aggregate, records = aggregate_schema(), records_schema()
    return {
        "aggregate-counts.schema.json": json.dumps(aggregate, indent=2) + "\n",
        "aggregate-counts.template.csv": _template(aggregate),
        "case-records.schema.json": json.dumps(records, indent=2) + "\n",
        "case-records.template.csv": _template(records),
        "VALUES.md": values_markdown(),
        **{f"{EXAMPLE_FOLDER}/{name}": text for name, text in example_source().items()},
    }


def write(out_dir: Path = STANDARD_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files().items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for name, book in workbooks().items():
        book.save(out_dir / name)
        written.append(out_dir / name)
    return written
